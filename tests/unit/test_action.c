/* Tests for the action engine against a fake App Runner/ECR/CloudWatch. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "action/action.h"
#include "action/audit.h"
#include "aws/client.h"
#include "config/config.h"
#include "util/util.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define REPO_URI "123456789012.dkr.ecr.us-east-1.amazonaws.com/momentum/api"

/* ---- the fake -------------------------------------------------------- */

struct fake_op {
	char id[40];
	char type[32];
	char status[32];
};

struct fake_svc {
	char arn[128];
	char status[32];
	char image[256];
	char asc_arn[160];
	char asc_name[40];
	int asc_rev;
	int min, max, conc;
	struct fake_op ops[32];		/* newest last */
	size_t nops;
};

struct fake_image {
	const char *digest;
	char tag[32];
	double pushed;
};

struct fake_asc {
	char arn[200];
	int min, max, conc;
};

struct fake {
	struct fake_svc svc[3];
	struct fake_asc ascs[16];	/* revisions created by the engine */
	size_t nascs;
	struct fake_image img[3];
	int nalarms;
	int mutating;			/* mutating calls received */
	int update_service;		/* UpdateService calls received */
	int requests;
	char mutations[16][48];		/* names of mutating calls, in order */
	const char *timeout_op;		/* answer this op with a timeout ... */
	bool timeout_applies;		/* ... after applying it (or not) */
	const char *fail_op;		/* answer this op with AccessDenied */
	bool advance_ops;		/* ListOperations finishes ops */
};

static struct fake F;
static struct config CF;
static char *audit_dir, *audit_path;

static const char *const env_names[] = { "dev", "staging", "prod" };

static void
fake_reset(void)
{
	size_t i;

	memset(&F, 0, sizeof F);
	for (i = 0; i < 3; i++) {
		struct fake_svc *s = &F.svc[i];

		snprintf(s->arn, sizeof s->arn, "arn:aws:apprunner:us-east-1:"
		    "123456789012:service/momentum-%s-api/%032zu",
		    env_names[i], i);
		strcpy(s->status, "RUNNING");
		snprintf(s->asc_name, sizeof s->asc_name, "momentum-%s-api-asc",
		    env_names[i]);
		s->asc_rev = 1;
		snprintf(s->asc_arn, sizeof s->asc_arn, "arn:aws:apprunner:"
		    "us-east-1:123456789012:autoscalingconfiguration/"
		    "momentum-%s-api-asc/1/x", env_names[i]);
		s->min = 2;
		s->max = 20;
		s->conc = 100;
		strcpy(s->ops[0].id, "00000000-0000-0000-0000-00000000000a");
		strcpy(s->ops[0].type, "CREATE_SERVICE");
		strcpy(s->ops[0].status, "SUCCEEDED");
		s->nops = 1;
	}
	/* dev runs D3, staging D2 (by digest); prod tracks :prod -> D1. */
	snprintf(F.svc[0].image, sizeof F.svc[0].image, "%s@%s", REPO_URI, D3);
	snprintf(F.svc[1].image, sizeof F.svc[1].image, "%s@%s", REPO_URI, D2);
	snprintf(F.svc[2].image, sizeof F.svc[2].image, "%s:prod", REPO_URI);
	F.img[0] = (struct fake_image){ D1, "prod", 1000 };
	F.img[1] = (struct fake_image){ D2, "v2", 2000 };
	F.img[2] = (struct fake_image){ D3, "v3", 3000 };
}

static struct fake_svc *
fake_svc_by_arn(const char *arn)
{
	size_t i;

	for (i = 0; arn != NULL && i < 3; i++) {
		if (strcmp(F.svc[i].arn, arn) == 0)
			return &F.svc[i];
	}
	return NULL;
}

static void
fake_add_op(struct fake_svc *s, const char *type, char *id_out)
{
	struct fake_op *o = &s->ops[s->nops++];

	snprintf(o->id, sizeof o->id, "aaaaaaaa-0000-0000-0000-%012d",
	    F.requests);
	snprintf(o->type, sizeof o->type, "%s", type);
	strcpy(o->status, "IN_PROGRESS");
	strcpy(id_out, o->id);
}

static void
fake_settle(void)
{
	size_t i, j;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < F.svc[i].nops; j++) {
			if (strcmp(F.svc[i].ops[j].status, "IN_PROGRESS") == 0)
				strcpy(F.svc[i].ops[j].status, "SUCCEEDED");
		}
		if (strcmp(F.svc[i].status, "OPERATION_IN_PROGRESS") == 0)
			strcpy(F.svc[i].status, "RUNNING");
	}
}

static const char *
fake_tag_digest(const char *tag)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		if (strcmp(F.img[i].tag, tag) == 0)
			return F.img[i].digest;
	}
	return NULL;
}

static cJSON *
fake_service_json(const struct fake_svc *s)
{
	cJSON *o = cJSON_CreateObject(), *src, *img, *asc;

	cJSON_AddStringToObject(o, "ServiceArn", s->arn);
	cJSON_AddStringToObject(o, "ServiceName", strstr(s->arn, "momentum-"));
	cJSON_AddStringToObject(o, "Status", s->status);
	src = cJSON_AddObjectToObject(o, "SourceConfiguration");
	img = cJSON_AddObjectToObject(src, "ImageRepository");
	cJSON_AddStringToObject(img, "ImageIdentifier", s->image);
	cJSON_AddStringToObject(img, "ImageRepositoryType", "ECR");
	cJSON_AddBoolToObject(src, "AutoDeploymentsEnabled", false);
	asc = cJSON_AddObjectToObject(o, "AutoScalingConfigurationSummary");
	cJSON_AddStringToObject(asc, "AutoScalingConfigurationArn", s->asc_arn);
	cJSON_AddStringToObject(asc, "AutoScalingConfigurationName",
	    s->asc_name);
	cJSON_AddNumberToObject(asc, "AutoScalingConfigurationRevision",
	    s->asc_rev);
	return o;
}

static cJSON *
fake_call(void *arg, struct aws_client *client, enum aws_service_id svc,
    const char *op, const cJSON *req, struct aws_error *err)
{
	const char *arn = cJSON_GetStringValue(cJSON_GetObjectItem(req,
	    "ServiceArn"));
	struct fake_svc *s = fake_svc_by_arn(arn);
	cJSON *out = cJSON_CreateObject(), *a, *o;
	const struct aws_service *as = aws_service_get(svc);
	char opid[40] = "";
	bool mut;
	size_t i;

	(void)arg;
	assert_non_null(client);
	F.requests++;
	/* What the client core leaves behind: the request id, always. */
	err->request_id = xasprintf("req-%d", F.requests);
	mut = !aws_service_op_is_read(as, op);
	if (mut) {
		/* A fake that is asked to mutate in read-only mode is a bug. */
		assert_true(aws_op_allowed(client, svc, op));
		if (F.mutating < 16)
			snprintf(F.mutations[F.mutating], 48, "%s", op);
		F.mutating++;
	}
	if (F.fail_op != NULL && strcmp(op, F.fail_op) == 0) {
		cJSON_Delete(out);
		aws_error_set(err, AWS_ERR_SERVICE, "AccessDeniedException", 403,
		    "not authorized to perform %s", op);
		return NULL;
	}
	if (F.timeout_op != NULL && strcmp(op, F.timeout_op) == 0 &&
	    !F.timeout_applies) {
		cJSON_Delete(out);
		aws_error_set(err, AWS_ERR_TRANSPORT, "Timeout", 0,
		    "timed out after 1000 ms");
		return NULL;
	}

	if (strcmp(op, "GetCallerIdentity") == 0) {
		cJSON_AddStringToObject(out, "Arn",
		    "arn:aws:iam::123456789012:user/oncall");
	} else if (strcmp(op, "DescribeService") == 0) {
		assert_non_null(s);
		cJSON_AddItemToObject(out, "Service", fake_service_json(s));
	} else if (strcmp(op, "ListOperations") == 0) {
		assert_non_null(s);
		a = cJSON_AddArrayToObject(out, "OperationSummaryList");
		for (i = s->nops; i-- > 0;) {
			if (F.advance_ops &&
			    strcmp(s->ops[i].status, "PENDING") == 0)
				strcpy(s->ops[i].status, "IN_PROGRESS");
			else if (F.advance_ops &&
			    strcmp(s->ops[i].status, "IN_PROGRESS") == 0)
				strcpy(s->ops[i].status, "SUCCEEDED");
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "Id", s->ops[i].id);
			cJSON_AddStringToObject(o, "Type", s->ops[i].type);
			cJSON_AddStringToObject(o, "Status", s->ops[i].status);
			cJSON_AddItemToArray(a, o);
		}
	} else if (strcmp(op, "DescribeAutoScalingConfiguration") == 0) {
		const char *want = cJSON_GetStringValue(cJSON_GetObjectItem(req,
		    "AutoScalingConfigurationArn"));
		for (i = 0; i < 3; i++) {
			if (strcmp(F.svc[i].asc_arn, want) == 0)
				break;
		}
		assert_true(i < 3);	/* only current revisions are asked */
		o = cJSON_AddObjectToObject(out, "AutoScalingConfiguration");
		cJSON_AddNumberToObject(o, "MinSize", F.svc[i].min);
		cJSON_AddNumberToObject(o, "MaxSize", F.svc[i].max);
		cJSON_AddNumberToObject(o, "MaxConcurrency", F.svc[i].conc);
	} else if (strcmp(op, "CreateAutoScalingConfiguration") == 0) {
		struct fake_asc *n = &F.ascs[F.nascs++];
		snprintf(n->arn, sizeof n->arn, "arn:aws:apprunner:us-east-1:"
		    "123456789012:autoscalingconfiguration/%s/%d/new",
		    cJSON_GetStringValue(cJSON_GetObjectItem(req,
		    "AutoScalingConfigurationName")), (int)F.nascs + 1);
		n->min = cJSON_GetObjectItem(req, "MinSize")->valueint;
		n->max = cJSON_GetObjectItem(req, "MaxSize")->valueint;
		n->conc = cJSON_GetObjectItem(req, "MaxConcurrency")->valueint;
		o = cJSON_AddObjectToObject(out, "AutoScalingConfiguration");
		cJSON_AddStringToObject(o, "AutoScalingConfigurationArn",
		    n->arn);
		cJSON_AddNumberToObject(o, "MinSize", n->min);
	} else if (strcmp(op, "UpdateService") == 0) {
		const cJSON *src = cJSON_GetObjectItem(req, "SourceConfiguration");
		const char *asc = cJSON_GetStringValue(cJSON_GetObjectItem(req,
		    "AutoScalingConfigurationArn"));
		assert_non_null(s);
		F.update_service++;
		if (asc != NULL) {
			for (i = 0; i < F.nascs; i++) {
				if (strcmp(F.ascs[i].arn, asc) == 0)
					break;
			}
			assert_true(i < F.nascs);
			snprintf(s->asc_arn, sizeof s->asc_arn, "%s", asc);
			s->asc_rev++;
			s->min = F.ascs[i].min;
			s->max = F.ascs[i].max;
			s->conc = F.ascs[i].conc;
		}
		if (src != NULL) {
			const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(
			    cJSON_GetObjectItem(src, "ImageRepository"),
			    "ImageIdentifier"));
			assert_non_null(id);
			assert_string_equal(cJSON_GetStringValue(
			    cJSON_GetObjectItem(cJSON_GetObjectItem(src,
			    "ImageRepository"), "ImageRepositoryType")), "ECR");
			snprintf(s->image, sizeof s->image, "%s", id);
		}
		strcpy(s->status, "OPERATION_IN_PROGRESS");
		fake_add_op(s, "UPDATE_SERVICE", opid);
		cJSON_AddItemToObject(out, "Service", fake_service_json(s));
		cJSON_AddStringToObject(out, "OperationId", opid);
	} else if (strcmp(op, "PauseService") == 0 ||
	    strcmp(op, "ResumeService") == 0 ||
	    strcmp(op, "StartDeployment") == 0) {
		assert_non_null(s);
		if (op[0] == 'P')
			strcpy(s->status, "PAUSED");
		else if (op[0] == 'R')
			strcpy(s->status, "RUNNING");
		else
			strcpy(s->status, "OPERATION_IN_PROGRESS");
		fake_add_op(s, op[0] == 'P' ? "PAUSE_SERVICE" : op[0] == 'R' ?
		    "RESUME_SERVICE" : "START_DEPLOYMENT", opid);
		cJSON_AddStringToObject(out, "OperationId", opid);
	} else if (strcmp(op, "DescribeImages") == 0) {
		const cJSON *ids = cJSON_GetObjectItem(req, "imageIds");
		a = cJSON_AddArrayToObject(out, "imageDetails");
		for (i = 0; i < 3; i++) {
			const cJSON *want = cJSON_GetArrayItem(ids, 0);
			const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(
			    want, "imageTag"));
			const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(
			    want, "imageDigest"));
			if (t != NULL && strcmp(t, F.img[i].tag) != 0)
				continue;
			if (d != NULL && strcmp(d, F.img[i].digest) != 0)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "imageDigest",
			    F.img[i].digest);
			cJSON_AddItemToObject(o, "imageTags",
			    cJSON_CreateStringArray((const char *[]){
			    F.img[i].tag }, F.img[i].tag[0] ? 1 : 0));
			cJSON_AddNumberToObject(o, "imagePushedAt",
			    F.img[i].pushed);
			cJSON_AddItemToArray(a, o);
		}
	} else if (strcmp(op, "BatchGetImage") == 0) {
		a = cJSON_AddArrayToObject(out, "images");
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "imageManifest", "{\"schemaVersion\":2}");
		cJSON_AddStringToObject(o, "imageManifestMediaType",
		    "application/vnd.docker.distribution.manifest.v2+json");
		cJSON_AddItemToArray(a, o);
	} else if (strcmp(op, "PutImage") == 0) {
		const char *tag = cJSON_GetStringValue(cJSON_GetObjectItem(req,
		    "imageTag"));
		const char *d = cJSON_GetStringValue(cJSON_GetObjectItem(req,
		    "imageDigest"));
		for (i = 0; i < 3; i++) {
			if (strcmp(F.img[i].tag, tag) == 0)
				F.img[i].tag[0] = '\0';
		}
		for (i = 0; i < 3; i++) {
			if (strcmp(F.img[i].digest, d) == 0)
				snprintf(F.img[i].tag, sizeof F.img[i].tag,
				    "%s", tag);
		}
	} else if (strcmp(op, "DescribeAlarms") == 0) {
		a = cJSON_AddArrayToObject(out, "MetricAlarms");
		for (i = 0; i < (size_t)F.nalarms; i++) {
			o = cJSON_CreateObject();
			char *n = xasprintf("prod-api-5xx-%zu", i);
			cJSON_AddStringToObject(o, "AlarmName", n);
			free(n);
			cJSON_AddItemToArray(a, o);
		}
	} else {
		fail_msg("unexpected call %s", op);
	}
	if (F.timeout_op != NULL && strcmp(op, F.timeout_op) == 0) {
		/* Applied on the server, but the answer never arrived. */
		cJSON_Delete(out);
		aws_error_set(err, AWS_ERR_TRANSPORT, "Timeout", 0,
		    "timed out after 1000 ms");
		return NULL;
	}
	return out;
}

/* ---- fixtures -------------------------------------------------------- */

static struct config_service SVCS[3];

static void
config_build(void)
{
	size_t i;

	memset(&CF, 0, sizeof CF);
	CF.envs = xcalloc(3, sizeof *CF.envs);
	CF.nenvs = 3;
	for (i = 0; i < 3; i++) {
		memset(&SVCS[i], 0, sizeof SVCS[i]);
		SVCS[i].role = "api";
		SVCS[i].service_name = xasprintf("momentum-%s-api",
		    env_names[i]);
		SVCS[i].service_arn = F.svc[i].arn;
		SVCS[i].ecr_repo = "momentum/api";
		CF.envs[i].name = (char *)env_names[i];
		CF.envs[i].region = "us-east-1";
		CF.envs[i].endpoint_url = "http://127.0.0.1:9";
		CF.envs[i].alarm_prefix = xasprintf("%s-", env_names[i]);
		CF.envs[i].services = &SVCS[i];
		CF.envs[i].nservices = 1;
	}
	/* What config_parse gives [env prod] (production = yes). */
	CF.envs[2].production = true;
}

static void
config_unbuild(void)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		free(SVCS[i].service_name);
		free(CF.envs[i].alarm_prefix);
	}
	free(CF.envs);
}

static int
setup(void **state)
{
	char tmpl[] = "/tmp/momentum-action-XXXXXX";

	setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/momentum-test", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/momentum-test", 1);
	unsetenv("AWS_PROFILE");
	fake_reset();
	config_build();
	audit_dir = xstrdup(mkdtemp(tmpl));
	audit_path = xasprintf("%s/state/momentum/audit.log", audit_dir);
	*state = NULL;
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", audit_dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", audit_dir);
	free(cmd);
	free(audit_dir);
	free(audit_path);
	config_unbuild();
	return 0;
}

static struct action_engine *
engine(void)
{
	struct action_options opt = { 0 };

	opt.call = fake_call;
	opt.audit_path = audit_path;
	opt.track_interval_ms = 10;
	return action_engine_new(&CF, &opt);
}

/* Audit records as parsed JSON, in file order (NULL-terminated). */
static size_t
audit_records(cJSON **out, size_t max)
{
	char *text, *line, *next, *cause = NULL;
	size_t len, n = 0;

	text = read_file(audit_path, &len, &cause);
	if (text == NULL) {
		free(cause);
		return 0;
	}
	for (line = text; *line != '\0' && n < max; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		out[n] = cJSON_Parse(line);
		assert_non_null(out[n]);
		n++;
	}
	free(text);
	return n;
}

static const char *
rec(cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItem(o, name));
}

static void
records_free(cJSON **r, size_t n)
{
	while (n-- > 0)
		cJSON_Delete(r[n]);
}

static struct action_plan *
preview_ok(struct action_engine *e, struct action_request *req)
{
	struct action_plan *p = NULL;
	char *cause = NULL;

	if (action_preview(e, req, &p, &cause) != 0)
		fail_msg("preview refused: %s", cause);
	return p;
}

static char *
preview_refused(struct action_engine *e, struct action_request *req)
{
	struct action_plan *p = NULL;
	char *cause = NULL;

	assert_int_equal(action_preview(e, req, &p, &cause), -1);
	assert_null(p);
	assert_non_null(cause);
	return cause;
}

/* ---- tests ----------------------------------------------------------- */

static void
preview_scale__valid__two_calls_before_after_typed_name(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "prod",
	    .service = "api", .min_size = 4, .max_size = 20 };
	struct action_plan *p;
	char *text;

	F.nalarms = 3;
	p = preview_ok(e, &req);
	assert_true(p->production);
	assert_string_equal(p->confirm_word, "prod");
	assert_int_equal(p->ncalls, 2);
	assert_string_equal(p->calls[0].operation,
	    "CreateAutoScalingConfiguration");
	assert_string_equal(p->calls[1].operation, "UpdateService");
	assert_non_null(strstr(p->before, "min 2, max 20, concurrency 100"));
	assert_non_null(strstr(p->after, "min 4, max 20, concurrency 100"));
	assert_string_equal(p->asc_name, "momentum-prod-api-asc");
	assert_int_equal(p->nwarnings, 1);
	assert_non_null(strstr(p->warnings[0], "3 alarms firing in prod"));
	text = action_plan_describe(p);
	assert_non_null(strstr(text, "UpdateService"));
	assert_non_null(strstr(text, "type \"prod\""));
	free(text);
	assert_int_equal(F.mutating, 0);
	action_plan_free(p);
	action_engine_free(e);
}

static void
preview_scale__out_of_range__refused_without_calls(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "staging",
	    .service = "api" };
	char *cause;

	req.max_size = 26;
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "max 26 is outside 1-25"));
	free(cause);
	req.max_size = 3;
	req.min_size = 4;
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "min 4 is above max 3"));
	free(cause);
	req.min_size = 0;
	req.max_size = 0;
	req.max_concurrency = 201;
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "concurrency 201"));
	free(cause);
	req.max_concurrency = 0;
	req.min_delta = -2;	/* 2 - 2 = 0 */
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "min 0 is outside"));
	free(cause);
	req.min_delta = 0;
	req.min_size = 2;	/* the same values */
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "nothing to change"));
	free(cause);
	assert_int_equal(F.mutating, 0);
	action_engine_free(e);
}

static void
execute_scale__confirmed__revision_then_update_and_audited(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "staging",
	    .service = "api", .min_delta = 1 };
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[8];
	size_t n;

	p = preview_ok(e, &req);
	assert_string_equal(p->confirm_word, "yes");
	assert_int_equal(p->min_size, 3);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	assert_int_equal(F.mutating, 2);
	assert_string_equal(F.mutations[0], "CreateAutoScalingConfiguration");
	assert_string_equal(F.mutations[1], "UpdateService");
	assert_non_null(strstr(F.svc[1].asc_arn, "/new"));
	assert_non_null(out.operation_id);
	assert_string_equal(out.caller_arn,
	    "arn:aws:iam::123456789012:user/oncall");
	assert_int_equal(out.nrequest_ids, 2);

	n = audit_records(r, 8);
	assert_int_equal(n, 2);
	assert_string_equal(rec(r[0], "phase"), "intent");
	assert_string_equal(rec(r[0], "action"), "scale");
	assert_string_equal(rec(r[0], "env"), "staging");
	assert_string_equal(rec(r[0], "caller_arn"),
	    "arn:aws:iam::123456789012:user/oncall");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r[0],
	    "api_calls")), 2);
	assert_string_equal(rec(r[1], "phase"), "outcome");
	assert_string_equal(rec(r[1], "result"), "submitted");
	assert_string_equal(rec(r[1], "operation_id"), out.operation_id);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r[1],
	    "request_ids")), 2);
	assert_string_equal(rec(r[0], "plan_id"), p->id);
	records_free(r, n);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__wrong_confirmation__refused_nothing_sent_nothing_logged(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PAUSE, .env = "prod",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[4];

	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "type its name \"prod\""));
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 0);
	assert_int_equal(audit_records(r, 4), 0);
	assert_string_equal(F.svc[2].status, "RUNNING");
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__same_plan_twice__second_refused(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PAUSE, .env = "dev",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;

	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	action_outcome_clear(&out);
	/* Key repeat: the same plan again. */
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "already submitted"));
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 1);
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__plan_file_replayed__refused_by_audit(void **state)
{
	struct action_engine *e = engine(), *e2;
	struct action_request req = { .kind = ACTION_PAUSE, .env = "dev",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p, *q;
	char *json, *cause = NULL;

	p = preview_ok(e, &req);
	json = action_plan_to_json(p);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	action_outcome_clear(&out);
	fake_settle();
	/* Another process (new engine) loads the same plan file. */
	q = action_plan_from_json(json, &cause);
	assert_non_null(q);
	e2 = engine();
	assert_int_equal(action_execute(e2, q, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "already executed"));
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 1);
	free(json);
	action_plan_free(p);
	action_plan_free(q);
	action_engine_free(e);
	action_engine_free(e2);
}

static void
production__from_config_not_name__decides_confirm_word(void **state)
{
	struct action_engine *e;
	struct action_request req = { .kind = ACTION_PAUSE, .service = "api" };
	struct action_outcome out;
	struct action_plan *p;

	/* prod marked production = no, staging production = yes. */
	CF.envs[2].production = false;
	CF.envs[1].production = true;
	e = engine();
	req.env = "prod";
	p = preview_ok(e, &req);
	assert_false(p->production);
	assert_string_equal(p->confirm_word, "yes");
	action_plan_free(p);

	req.env = "staging";
	p = preview_ok(e, &req);
	assert_true(p->production);
	assert_string_equal(p->confirm_word, "staging");
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "type its name \"staging\""));
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 0);
	action_plan_free(p);
	action_engine_free(e);
}

/* The plan in json, edited to say it is not production: "yes" will do. */
static struct action_plan *
plan_unproduction(const char *json)
{
	struct action_plan *q;
	char *cause = NULL;

	q = action_plan_from_json(json, &cause);
	if (q == NULL)
		fail_msg("plan_from_json: %s", cause);
	q->production = false;
	free(q->confirm_word);
	q->confirm_word = xstrdup("yes");
	return q;
}

static void
execute__plan_file_says_not_production__config_wants_name(void **state)
{
	struct action_engine *e = engine(), *e2;
	struct action_request req = { .kind = ACTION_PAUSE, .env = "prod",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p, *q;
	char *json;

	p = preview_ok(e, &req);
	json = action_plan_to_json(p);
	q = plan_unproduction(json);
	assert_int_equal(action_execute(e, q, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "type its name \"prod\""));
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 0);
	action_plan_free(q);

	/* The same edited file in another console, with the name typed. */
	e2 = engine();
	q = plan_unproduction(json);
	if (action_execute(e2, q, "prod", &out) != ACTION_SUBMITTED)
		fail_msg("%s", out.message);
	action_outcome_clear(&out);
	assert_int_equal(F.mutating, 1);
	free(json);
	action_plan_free(p);
	action_plan_free(q);
	action_engine_free(e);
	action_engine_free(e2);
}

static void
preview__operation_in_progress__refused(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "staging",
	    .service = "api", .min_size = 3 };
	char *cause;

	strcpy(F.svc[1].ops[F.svc[1].nops].id,
	    "bbbbbbbb-0000-0000-0000-000000000001");
	strcpy(F.svc[1].ops[F.svc[1].nops].type, "START_DEPLOYMENT");
	strcpy(F.svc[1].ops[F.svc[1].nops].status, "IN_PROGRESS");
	F.svc[1].nops++;
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "operation in progress"));
	assert_non_null(strstr(cause, "START_DEPLOYMENT"));
	free(cause);
	fake_settle();
	strcpy(F.svc[1].status, "OPERATION_IN_PROGRESS");
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "OPERATION_IN_PROGRESS"));
	free(cause);
	assert_int_equal(F.mutating, 0);
	action_engine_free(e);
}

static void
execute__state_changed_since_preview__refused_and_audited(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "staging",
	    .service = "api", .max_size = 10 };
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[4];
	size_t n;

	p = preview_ok(e, &req);
	/* The re-read before the call sees min 7 (someone scaled it). */
	F.svc[1].min = 7;
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_true(str_starts_with(out.message,
	    "state changed since preview: "));
	assert_non_null(strstr(out.message, "min 2 max 20 concurrency 100 -> "
	    "min 7 max 20"));
	assert_int_equal(F.mutating, 0);
	n = audit_records(r, 4);
	assert_int_equal(n, 2);
	assert_string_equal(rec(r[1], "result"), "refused");
	assert_non_null(strstr(rec(r[1], "error"), "state changed"));
	records_free(r, n);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__audit_unwritable__refused_nothing_sent(void **state)
{
	struct action_options opt = { 0 };
	struct action_request req = { .kind = ACTION_PAUSE, .env = "dev",
	    .service = "api" };
	struct action_engine *e;
	struct action_outcome out;
	struct action_plan *p;

	opt.call = fake_call;
	opt.audit_path = "/dev/null/momentum/audit.log";
	e = action_engine_new(&CF, &opt);
	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "cannot write the audit log"));
	assert_int_equal(F.mutating, 0);
	assert_string_equal(F.svc[0].status, "RUNNING");
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__timeout_after_server_applied__reports_applied_once(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_ROLLBACK,
	    .env = "staging", .service = "api" };
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[4];
	size_t n;

	p = preview_ok(e, &req);
	assert_string_equal(p->target_digest, D1);	/* the previous one */
	F.timeout_op = "UpdateService";
	F.timeout_applies = true;
	assert_int_equal(action_execute(e, p, "yes", &out),
	    ACTION_APPLIED_AFTER_TIMEOUT);
	assert_int_equal(F.update_service, 1);	/* never re-sent */
	assert_non_null(strstr(out.message, "change was applied"));
	assert_non_null(strstr(out.message, "nothing was re-sent"));
	assert_non_null(out.operation_id);
	assert_non_null(strstr(F.svc[1].image, D1));
	n = audit_records(r, 4);
	assert_int_equal(n, 2);
	assert_string_equal(rec(r[1], "result"), "applied-after-timeout");
	assert_string_equal(rec(r[1], "operation_id"), out.operation_id);
	records_free(r, n);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
execute__timeout_not_applied__reports_not_applied_once(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PAUSE, .env = "staging",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;

	p = preview_ok(e, &req);
	F.timeout_op = "PauseService";
	F.timeout_applies = false;
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_NOT_APPLIED);
	assert_int_equal(F.mutating, 1);
	assert_non_null(strstr(out.message, "shows no change"));
	assert_string_equal(F.svc[1].status, "RUNNING");
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
rollback__named_digest__update_service_by_digest(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_ROLLBACK, .env = "dev",
	    .service = "api", .digest = D1 };
	struct action_outcome out;
	struct action_plan *p;
	char *cause;

	p = preview_ok(e, &req);
	assert_int_equal(p->ncalls, 1);
	assert_string_equal(p->target_image, REPO_URI "@" D1);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	assert_string_equal(F.svc[0].image, REPO_URI "@" D1);
	action_outcome_clear(&out);
	action_plan_free(p);
	fake_settle();
	/* Same digest again, and a malformed digest. */
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "already runs"));
	free(cause);
	req.digest = "sha256:xyz";
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "invalid digest"));
	free(cause);
	/* prod runs the oldest image: no previous one. */
	req.env = "prod";
	req.digest = NULL;
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "no image older"));
	free(cause);
	action_engine_free(e);
}

static void
promote__dev_to_staging__deploys_dev_digest(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PROMOTE, .env = "staging",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;

	p = preview_ok(e, &req);
	assert_string_equal(p->from_env, "dev");
	assert_string_equal(p->target_digest, D3);
	assert_null(p->retag);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	assert_string_equal(F.svc[1].image, REPO_URI "@" D3);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
promote__to_tag_tracking_prod__retag_then_start_deployment(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PROMOTE, .env = "prod",
	    .service = "api", .from_env = "staging" };
	struct action_outcome out;
	struct action_plan *p;

	p = preview_ok(e, &req);
	assert_string_equal(p->target_digest, D2);
	assert_string_equal(p->retag, "prod");
	assert_int_equal(p->ncalls, 3);
	assert_string_equal(p->calls[0].operation, "BatchGetImage");
	assert_string_equal(p->calls[1].operation, "PutImage");
	assert_string_equal(p->calls[2].operation, "StartDeployment");
	assert_int_equal(action_execute(e, p, "prod", &out), ACTION_SUBMITTED);
	assert_int_equal(F.mutating, 2);
	assert_string_equal(F.mutations[0], "PutImage");
	assert_string_equal(F.mutations[1], "StartDeployment");
	assert_string_equal(fake_tag_digest("prod"), D2);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
promote__start_deployment_denied__not_applied_says_tag_moved(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PROMOTE, .env = "prod",
	    .service = "api", .from_env = "staging" };
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[4];
	size_t n;

	F.fail_op = "StartDeployment";
	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "prod", &out), ACTION_NOT_APPLIED);
	assert_non_null(strstr(out.message, "AccessDeniedException"));
	assert_non_null(strstr(out.message, "tag prod already points to " D2));
	n = audit_records(r, 4);
	assert_int_equal(n, 2);
	assert_string_equal(rec(r[1], "result"), "not-applied");
	assert_non_null(strstr(rec(r[1], "error"), "AccessDenied"));
	records_free(r, n);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
scale__create_revision_denied__update_service_not_sent(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "dev",
	    .service = "api", .max_size = 9 };
	struct action_outcome out;
	struct action_plan *p;

	F.fail_op = "CreateAutoScalingConfiguration";
	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_NOT_APPLIED);
	assert_non_null(strstr(out.message, "UpdateService was not sent"));
	assert_int_equal(F.update_service, 0);
	assert_int_equal(F.mutating, 1);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
pause_resume__state_rules__refused_when_not_applicable(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_RESUME, .env = "dev",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;
	char *cause;

	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "not PAUSED"));
	free(cause);
	req.kind = ACTION_PAUSE;
	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	action_outcome_clear(&out);
	action_plan_free(p);
	fake_settle();
	cause = preview_refused(e, &req);
	assert_non_null(strstr(cause, "not RUNNING"));
	free(cause);
	req.kind = ACTION_RESUME;
	p = preview_ok(e, &req);
	assert_string_equal(p->before, "PAUSED");
	action_plan_free(p);
	action_engine_free(e);
}

static void
plan_json__round_trip__same_plan(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_SCALE, .env = "prod",
	    .service = "api", .max_concurrency = 150 };
	struct action_plan *p, *q;
	char *a, *b, *cause = NULL;

	p = preview_ok(e, &req);
	a = action_plan_to_json(p);
	q = action_plan_from_json(a, &cause);
	assert_non_null(q);
	b = action_plan_to_json(q);
	assert_string_equal(a, b);
	free(b);
	b = action_plan_describe(q);
	assert_non_null(strstr(b, "concurrency 150"));
	free(b);
	assert_null(action_plan_from_json("{\"version\":1}", &cause));
	assert_non_null(cause);
	free(cause);
	free(a);
	action_plan_free(p);
	action_plan_free(q);
	action_engine_free(e);
}

struct progress {
	int calls;
	char last[32];
};

static void
progress_cb(void *arg, const char *status, int64_t elapsed)
{
	struct progress *pr = arg;

	pr->calls++;
	snprintf(pr->last, sizeof pr->last, "%s", status);
}

static void
track__operation__progress_until_succeeded(void **state)
{
	struct action_engine *e = engine();
	struct action_request req = { .kind = ACTION_PAUSE, .env = "dev",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;
	struct progress pr = { 0 };
	char *status, *cause = NULL;
	cJSON *r[4];
	size_t n;

	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	F.advance_ops = true;
	status = action_track(e, p, out.operation_id, 10000, progress_cb, &pr,
	    NULL, &cause);
	assert_non_null(status);
	assert_string_equal(status, "SUCCEEDED");
	assert_true(pr.calls >= 1);
	assert_string_equal(pr.last, "SUCCEEDED");
	n = audit_records(r, 4);
	assert_int_equal(n, 3);
	assert_string_equal(rec(r[2], "phase"), "completed");
	assert_string_equal(rec(r[2], "result"), "SUCCEEDED");
	records_free(r, n);
	free(status);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

static void
history__service__images_runs_and_operations(void **state)
{
	struct action_engine *e = engine();
	struct action_history h;
	char *cause = NULL;

	assert_int_equal(action_history_get(e, "prod", "api", &h, &cause), 0);
	assert_int_equal(h.nimages, 3);
	assert_string_equal(h.images[0].digest, D3);	/* newest first */
	assert_int_equal(h.nruns, 3);
	assert_string_equal(h.runs[0].digest, D3);
	assert_string_equal(h.runs[1].digest, D2);
	assert_string_equal(h.runs[2].digest, D1);	/* through the tag */
	assert_int_equal(h.nops, 1);
	action_history_clear(&h);
	action_engine_free(e);
}

static void
history__hostile_tag__cleaned_at_ingestion(void **state)
{
	struct action_engine *e = engine();
	struct action_history h;
	char *cause = NULL;

	snprintf(F.img[2].tag, sizeof F.img[2].tag, "v3\033]0;owned\007\033[2J");
	assert_int_equal(action_history_get(e, "dev", "api", &h, &cause), 0);
	assert_string_equal(h.images[0].digest, D3);
	assert_null(strchr(h.images[0].tags, '\033'));
	assert_null(strchr(h.images[0].tags, '\007'));
	assert_string_equal(h.images[0].tags, "v3");
	action_history_clear(&h);
	action_engine_free(e);
}

static void
read_only_env__refused_with_reason_other_env_writable(void **state)
{
	struct action_engine *e;
	struct action_request req = { .kind = ACTION_PAUSE, .env = "prod",
	    .service = "api" };
	struct action_outcome out;
	struct action_plan *p;
	char *cause, *why;

	CF.envs[2].read_only = true;
	e = engine();
	why = action_engine_disabled(e, 2);
	assert_string_equal(why, "read-only mode: prod is read_only in the "
	    "config");
	free(why);
	assert_null(action_engine_disabled(e, 1));
	cause = preview_refused(e, &req);
	assert_string_equal(cause,
	    "read-only mode: prod is read_only in the config");
	free(cause);
	req.env = "staging";
	p = preview_ok(e, &req);
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_SUBMITTED);
	action_outcome_clear(&out);
	action_plan_free(p);
	assert_int_equal(F.mutating, 1);
	action_engine_free(e);
	CF.envs[2].read_only = false;
}

/* Last: the global switch cannot be turned off again. */
static void
global_read_only__plan_made_before__execute_refused(void **state)
{
	struct action_options opt = { 0 };
	struct action_request req = { .kind = ACTION_PAUSE, .env = "dev",
	    .service = "api" };
	struct action_engine *e;
	struct action_outcome out;
	struct action_plan *p;
	cJSON *r[2];

	opt.call = fake_call;
	opt.audit_path = audit_path;
	opt.read_only_why = "wallboard mode";
	e = action_engine_new(&CF, &opt);
	p = preview_ok(e, &req);
	aws_set_global_read_only();
	assert_int_equal(action_execute(e, p, "yes", &out), ACTION_REFUSED);
	assert_non_null(strstr(out.message, "read-only mode: wallboard mode"));
	assert_int_equal(F.mutating, 0);
	assert_int_equal(audit_records(r, 2), 0);
	action_outcome_clear(&out);
	action_plan_free(p);
	action_engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(preview_scale__valid__two_calls_before_after_typed_name),
		T(preview_scale__out_of_range__refused_without_calls),
		T(execute_scale__confirmed__revision_then_update_and_audited),
		T(execute__wrong_confirmation__refused_nothing_sent_nothing_logged),
		T(execute__same_plan_twice__second_refused),
		T(execute__plan_file_replayed__refused_by_audit),
		T(production__from_config_not_name__decides_confirm_word),
		T(execute__plan_file_says_not_production__config_wants_name),
		T(preview__operation_in_progress__refused),
		T(execute__state_changed_since_preview__refused_and_audited),
		T(execute__audit_unwritable__refused_nothing_sent),
		T(execute__timeout_after_server_applied__reports_applied_once),
		T(execute__timeout_not_applied__reports_not_applied_once),
		T(rollback__named_digest__update_service_by_digest),
		T(promote__dev_to_staging__deploys_dev_digest),
		T(promote__to_tag_tracking_prod__retag_then_start_deployment),
		T(promote__start_deployment_denied__not_applied_says_tag_moved),
		T(scale__create_revision_denied__update_service_not_sent),
		T(pause_resume__state_rules__refused_when_not_applicable),
		T(plan_json__round_trip__same_plan),
		T(track__operation__progress_until_succeeded),
		T(history__service__images_runs_and_operations),
		T(history__hostile_tag__cleaned_at_ingestion),
		T(read_only_env__refused_with_reason_other_env_writable),
		T(global_read_only__plan_made_before__execute_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
