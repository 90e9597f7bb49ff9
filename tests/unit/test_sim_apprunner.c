/* Unit tests for the simulator's App Runner handlers, called directly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/api.h"
#include "util/util.h"

#define T0 1764000000.0

static const struct sim_op *
op(const char *name)
{
	const struct sim_op *o;

	for (o = sim_apprunner_ops; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	fail_msg("no op %s", name);
	return NULL;
}

/* Run an operation at sim time now; returns the reply (caller frees). */
static int
call(struct sim_world *w, double now, const char *name, const char *json,
    struct sim_reply *r)
{
	struct sim_call c;
	cJSON *in = cJSON_Parse(json);
	int rc;

	assert_non_null(in);
	memset(&c, 0, sizeof c);
	memset(r, 0, sizeof *r);
	c.w = w;
	c.now = now;
	c.access_key = "AKIATEST";
	c.service = "apprunner";
	c.operation = name;
	sim_world_tick(w, now);
	rc = op(name)->fn(&c, in, r);
	cJSON_Delete(in);
	if (rc == 0)
		assert_non_null(r->json);
	else
		assert_true(r->status >= 400);
	return rc;
}

#define with_arn(fmt, arn) xasprintf(fmt, arn)

static void
ops_table__mutating_flags__match_aws_semantics(void **state)
{
	assert_false(op("ListServices")->mutating);
	assert_false(op("DescribeService")->mutating);
	assert_false(op("ListOperations")->mutating);
	assert_false(op("DescribeAutoScalingConfiguration")->mutating);
	assert_false(op("ListAutoScalingConfigurations")->mutating);
	assert_true(op("UpdateService")->mutating);
	assert_true(op("StartDeployment")->mutating);
	assert_true(op("PauseService")->mutating);
	assert_true(op("ResumeService")->mutating);
	assert_true(op("CreateAutoScalingConfiguration")->mutating);
}

static void
list_services__max_results_4__pages_through_nine(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_reply r;
	const char *tok;
	char *req;
	int total = 0, pages = 0;

	assert_int_equal(call(w, T0, "ListServices", "{\"MaxResults\":4}", &r),
	    0);
	for (;;) {
		cJSON *list = cJSON_GetObjectItem(r.json, "ServiceSummaryList");

		total += cJSON_GetArraySize(list);
		pages++;
		tok = sim_json_str(r.json, "NextToken");
		if (tok == NULL)
			break;
		req = with_arn("{\"MaxResults\":4,\"NextToken\":\"%s\"}", tok);
		sim_reply_free(&r);
		assert_int_equal(call(w, T0, "ListServices", req, &r), 0);
		free(req);
	}
	sim_reply_free(&r);
	assert_int_equal(total, 9);
	assert_int_equal(pages, 3);
	assert_int_equal(call(w, T0, "ListServices", "{\"MaxResults\":0}", &r),
	    -1);
	assert_string_equal(r.error_type, "InvalidRequestException");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "ListServices",
	    "{\"NextToken\":\"msim1.99\"}", &r), -1);
	assert_string_equal(r.error_type, "InvalidRequestException");
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
describe_service__seed_service__full_shape(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "api");
	struct sim_reply r;
	cJSON *svc, *img;
	char *req = with_arn("{\"ServiceArn\":\"%s\"}", s->arn);

	assert_int_equal(call(w, T0, "DescribeService", req, &r), 0);
	svc = cJSON_GetObjectItem(r.json, "Service");
	assert_string_equal(sim_json_str(svc, "ServiceName"),
	    "momentum-prod-api");
	assert_string_equal(sim_json_str(svc, "Status"), "RUNNING");
	img = cJSON_GetObjectItem(cJSON_GetObjectItem(svc,
	    "SourceConfiguration"), "ImageRepository");
	assert_non_null(strstr(sim_json_str(img, "ImageIdentifier"),
	    s->cur.digest));
	assert_string_equal(sim_json_str(img, "ImageRepositoryType"), "ECR");
	assert_string_equal(sim_json_str(cJSON_GetObjectItem(svc,
	    "InstanceConfiguration"), "Cpu"), "2048");
	assert_non_null(cJSON_GetObjectItem(svc,
	    "AutoScalingConfigurationSummary"));
	assert_non_null(cJSON_GetObjectItem(svc, "NetworkConfiguration"));
	sim_reply_free(&r);
	free(req);

	assert_int_equal(call(w, T0, "DescribeService", "{}", &r), -1);
	assert_string_equal(r.error_type, "InvalidRequestException");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "DescribeService",
	    "{\"ServiceArn\":\"arn:aws:apprunner:us-east-1:1:service/x/y\"}",
	    &r), -1);
	assert_string_equal(r.error_type, "ResourceNotFoundException");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "DescribeService", "{\"ServiceArn\":7}",
	    &r), -1);
	assert_string_equal(r.error_type, "SerializationException");
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
update_service__image_tag__deploys_after_simulated_time(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "api");
	struct sim_repo *repo = sim_find_repo(w, "momentum/api");
	struct sim_image *newest = &repo->images[repo->nimages - 1];
	struct sim_reply r;
	char *req;

	req = xasprintf("{\"ServiceArn\":\"%s\",\"SourceConfiguration\":"
	    "{\"ImageRepository\":{\"ImageIdentifier\":\"%s:%s\","
	    "\"ImageRepositoryType\":\"ECR\"}}}", s->arn, repo->uri,
	    newest->tag);
	assert_int_equal(call(w, T0, "UpdateService", req, &r), 0);
	assert_int_equal(strlen(sim_json_str(r.json, "OperationId")), 36);
	assert_string_equal(sim_json_str(cJSON_GetObjectItem(r.json,
	    "Service"), "Status"), "OPERATION_IN_PROGRESS");
	sim_reply_free(&r);
	assert_string_not_equal(s->cur.digest, newest->digest);

	/* Busy: a second mutation is refused. */
	assert_int_equal(call(w, T0 + 5, "UpdateService", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidStateException");
	sim_reply_free(&r);
	free(req);

	req = with_arn("{\"ServiceArn\":\"%s\"}", s->arn);
	assert_int_equal(call(w, T0 + 10, "ListOperations", req, &r), 0);
	assert_string_equal(sim_json_str(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(r.json, "OperationSummaryList"), 0), "Status"),
	    "IN_PROGRESS");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0 + w->deploy_s + 1, "ListOperations", req,
	    &r), 0);
	assert_string_equal(sim_json_str(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(r.json, "OperationSummaryList"), 0), "Status"),
	    "SUCCEEDED");
	sim_reply_free(&r);
	assert_string_equal(s->cur.digest, newest->digest);
	assert_string_equal(sim_service_status(s), "RUNNING");
	free(req);

	/* Unknown images and foreign repositories. */
	req = xasprintf("{\"ServiceArn\":\"%s\",\"SourceConfiguration\":"
	    "{\"ImageRepository\":{\"ImageIdentifier\":\"%s:nope\","
	    "\"ImageRepositoryType\":\"ECR\"}}}", s->arn, repo->uri);
	assert_int_equal(call(w, T0 + 100, "UpdateService", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidRequestException");
	sim_reply_free(&r);
	free(req);
	sim_world_free(w);
}

static void
pause_resume__state_machine__invalid_state_when_wrong(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "dev", "worker");
	struct sim_reply r;
	char *req = with_arn("{\"ServiceArn\":\"%s\"}", s->arn);

	assert_int_equal(call(w, T0, "ResumeService", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidStateException");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "PauseService", req, &r), 0);
	sim_reply_free(&r);
	assert_int_equal(call(w, T0 + 60, "DescribeService", req, &r), 0);
	assert_string_equal(sim_json_str(cJSON_GetObjectItem(r.json,
	    "Service"), "Status"), "PAUSED");
	sim_reply_free(&r);
	assert_true(s->cur.paused);
	assert_int_equal(call(w, T0 + 60, "StartDeployment", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidStateException");
	sim_reply_free(&r);
	assert_int_equal(call(w, T0 + 60, "ResumeService", req, &r), 0);
	sim_reply_free(&r);
	sim_world_tick(w, T0 + 120);
	assert_false(s->cur.paused);
	assert_int_equal(call(w, T0 + 120, "StartDeployment", req, &r), 0);
	assert_non_null(sim_json_str(r.json, "OperationId"));
	sim_reply_free(&r);
	free(req);
	sim_world_free(w);
}

static void
create_asc__out_of_range__invalid_request(void **state)
{
	static const char *bad[] = {
		"{\"AutoScalingConfigurationName\":\"good-name\",\"MinSize\":0}",
		"{\"AutoScalingConfigurationName\":\"good-name\",\"MinSize\":26}",
		"{\"AutoScalingConfigurationName\":\"good-name\",\"MinSize\":5,"
		    "\"MaxSize\":4}",
		"{\"AutoScalingConfigurationName\":\"good-name\",\"MaxSize\":26}",
		"{\"AutoScalingConfigurationName\":\"good-name\","
		    "\"MaxConcurrency\":201}",
		"{\"AutoScalingConfigurationName\":\"good-name\","
		    "\"MinSize\":1.5}",
		"{\"AutoScalingConfigurationName\":\"abc\"}",
		"{\"AutoScalingConfigurationName\":\"_under\"}",
		"{\"AutoScalingConfigurationName\":\"DefaultConfiguration\"}",
		"{}",
	};
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_reply r;
	size_t i, before = w->nascs;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(call(w, T0, "CreateAutoScalingConfiguration",
		    bad[i], &r), -1);
		assert_string_equal(r.error_type, "InvalidRequestException");
		assert_int_equal(r.status, 400);
		sim_reply_free(&r);
	}
	assert_int_equal(w->nascs, before);
	assert_int_equal(call(w, T0, "CreateAutoScalingConfiguration",
	    "{\"AutoScalingConfigurationName\":\"burst\",\"MinSize\":2,"
	    "\"MaxSize\":25,\"MaxConcurrency\":200}", &r), 0);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json,
	    "AutoScalingConfiguration"), "AutoScalingConfigurationRevision")
	    ->valueint, 1);
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "CreateAutoScalingConfiguration",
	    "{\"AutoScalingConfigurationName\":\"burst\"}", &r), 0);
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json,
	    "AutoScalingConfiguration"), "AutoScalingConfigurationRevision")
	    ->valueint, 2);
	sim_reply_free(&r);
	assert_int_equal(call(w, T0, "ListAutoScalingConfigurations",
	    "{\"AutoScalingConfigurationName\":\"burst\",\"LatestOnly\":true}",
	    &r), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "AutoScalingConfigurationSummaryList")), 1);
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
update_service__asc_arn__scales_when_done(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "frontend");
	struct sim_asc *a = sim_asc_create(w, "fe-burst", 4, 16, 50, T0);
	struct sim_reply r;
	char *req = xasprintf("{\"ServiceArn\":\"%s\","
	    "\"AutoScalingConfigurationArn\":\"%s\"}", s->arn, a->arn);

	assert_int_equal(call(w, T0, "UpdateService", req, &r), 0);
	sim_reply_free(&r);
	sim_world_tick(w, T0 + 100);
	assert_int_equal(s->cur.min_size, 4);
	assert_int_equal(s->cur.max_size, 16);
	assert_string_equal(s->asc_arn, a->arn);
	free(req);
	req = xasprintf("{\"ServiceArn\":\"%s\","
	    "\"AutoScalingConfigurationArn\":\"%s-missing\"}", s->arn, a->arn);
	assert_int_equal(call(w, T0 + 200, "UpdateService", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidRequestException");
	sim_reply_free(&r);
	free(req);
	sim_world_free(w);
}

static void
json_helpers__types_and_ranges__right_errors(void **state)
{
	cJSON *in = cJSON_Parse("{\"n\":5,\"s\":\"x\",\"b\":true,\"f\":1.5}");
	struct sim_reply r;
	long long v;
	const char *s;
	bool b;
	size_t off;
	char *tok;

	memset(&r, 0, sizeof r);
	assert_int_equal(sim_json_int(&r, in, "n", 1, 10, 0, "E", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(sim_json_int(&r, in, "absent", 1, 10, 7, "E", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(sim_json_int(&r, in, "n", 6, 10, 0, "E", &v), -1);
	assert_string_equal(r.error_type, "E");
	assert_int_equal(sim_json_int(&r, in, "s", 1, 10, 0, "E", &v), -1);
	assert_string_equal(r.error_type, "SerializationException");
	assert_int_equal(sim_json_int(&r, in, "f", 1, 10, 0, "E", &v), -1);
	assert_int_equal(sim_json_req_str(&r, in, "s", "E", &s), 0);
	assert_string_equal(s, "x");
	assert_int_equal(sim_json_req_str(&r, in, "nope", "E", &s), -1);
	assert_int_equal(sim_json_opt_bool(&r, in, "b", false, &b), 0);
	assert_true(b);
	assert_int_equal(sim_json_opt_bool(&r, in, "n", false, &b), -1);
	tok = sim_page_token(3);
	assert_int_equal(sim_page_start(&r, tok, 5, "E", &off), 0);
	assert_int_equal(off, 3);
	assert_int_equal(sim_page_start(&r, tok, 2, "E", &off), -1);
	assert_int_equal(sim_page_start(&r, "msim1.3x", 5, "E", &off), -1);
	assert_int_equal(sim_page_start(&r, NULL, 5, "E", &off), 0);
	assert_int_equal(off, 0);
	free(tok);
	sim_reply_free(&r);
	cJSON_Delete(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ops_table__mutating_flags__match_aws_semantics),
		cmocka_unit_test(list_services__max_results_4__pages_through_nine),
		cmocka_unit_test(describe_service__seed_service__full_shape),
		cmocka_unit_test(update_service__image_tag__deploys_after_simulated_time),
		cmocka_unit_test(pause_resume__state_machine__invalid_state_when_wrong),
		cmocka_unit_test(create_asc__out_of_range__invalid_request),
		cmocka_unit_test(update_service__asc_arn__scales_when_done),
		cmocka_unit_test(json_helpers__types_and_ranges__right_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
