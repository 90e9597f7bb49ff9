/* Unit tests for the simulator's CloudWatch Logs (sim/logs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/api.h"
#include "sim/logs.h"
#include "sim/world.h"
#include "util/util.h"

/* 2026-11-19 00:00 UTC (Thursday); 20:00 UTC is the US afternoon peak. */
#define DAY0 1795046400.0
#define HOUR 3600.0
#define NOW (DAY0 + 2 * 86400.0)

static char *
app_group(struct sim_world *w, const char *svc, const char *kind)
{
	struct sim_service *s = sim_find_service_by_name(w, svc);

	return xasprintf("/aws/apprunner/%s/%s/%s", s->name, s->id, kind);
}

struct collect {
	size_t n, cap, errors, hostile;
	char **ids;
	char **msgs;
	int64_t last_ts;
	bool ordered;
};

static bool
collect(void *arg, const struct sim_log_event *ev, const char *stream)
{
	struct collect *c = arg;

	(void)stream;
	/* Grow geometrically: a day of prod events is ~10^5 entries, and
	 * one-at-a-time growth is quadratic under ASan's copying realloc. */
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 1024 : c->cap * 2;
		c->ids = xreallocarray(c->ids, c->cap, sizeof *c->ids);
		c->msgs = xreallocarray(c->msgs, c->cap, sizeof *c->msgs);
	}
	c->ids[c->n] = xstrdup(ev->id);
	c->msgs[c->n] = xstrdup(ev->message);
	c->n++;
	if (strstr(ev->message, "ERROR") != NULL)
		c->errors++;
	if (strchr(ev->message, '\x1b') != NULL ||
	    strstr(ev->message, "\xe2\x80\xae") != NULL)
		c->hostile++;
	if (ev->timestamp < c->last_ts)
		c->ordered = false;
	c->last_ts = ev->timestamp;
	assert_true(ev->ingestion > ev->timestamp);
	assert_int_equal(strlen(ev->id), 56);
	return true;
}

static void
collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->ids[i]);
		free(c->msgs[i]);
	}
	free(c->ids);
	free(c->msgs);
}

static void
run(struct sim_world *w, const char *group, double from, double to,
    struct collect *c)
{
	memset(c, 0, sizeof *c);
	c->ordered = true;
	assert_int_equal(sim_logs_each(w, group, (int64_t)(from * 1000),
	    (int64_t)(to * 1000), collect, c), 0);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
groups__per_service__application_and_service(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	char **names;
	size_t n, i;

	(void)state;
	n = sim_logs_groups(w, &names);
	assert_int_equal(n, 18);
	for (i = 0; i < n; i++) {
		assert_true(str_starts_with(names[i], "/aws/apprunner/momentum-"));
		assert_true(str_ends_with(names[i], "/application") ||
		    str_ends_with(names[i], "/service"));
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sim_world_free(w);
}

static void
events__same_seed__identical_and_ids_unique(void **state)
{
	struct sim_world *a = sim_world_new(5, 1, NOW), *b = sim_world_new(5, 1,
	    NOW);
	char *g = app_group(a, "momentum-prod-api", "application");
	struct collect ca, cb;
	size_t i;

	(void)state;
	run(a, g, DAY0 + 19 * HOUR, DAY0 + 21 * HOUR, &ca);
	run(b, g, DAY0 + 19 * HOUR, DAY0 + 21 * HOUR, &cb);
	assert_true(ca.n > 1000);
	assert_int_equal(ca.n, cb.n);
	assert_true(ca.ordered);
	for (i = 0; i < ca.n; i++) {
		assert_string_equal(ca.ids[i], cb.ids[i]);
		assert_string_equal(ca.msgs[i], cb.msgs[i]);
	}
	qsort(ca.ids, ca.n, sizeof *ca.ids, cmp_str);
	for (i = 1; i < ca.n; i++)
		assert_string_not_equal(ca.ids[i - 1], ca.ids[i]);
	collect_free(&ca);
	collect_free(&cb);
	free(g);
	sim_world_free(a);
	sim_world_free(b);
}

static void
events__rate__follows_traffic(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "application");
	struct collect night, peak;

	(void)state;
	run(w, g, DAY0 + 8 * HOUR, DAY0 + 9 * HOUR, &night);
	run(w, g, DAY0 + 20 * HOUR, DAY0 + 21 * HOUR, &peak);
	assert_true(night.n > 100);
	assert_true(peak.n > 3 * night.n);
	/* A healthy service logs few errors. */
	assert_true(peak.errors < peak.n / 50);
	collect_free(&night);
	collect_free(&peak);
	free(g);
	sim_world_free(w);
}

static void
events__badness__fill_with_errors_and_traces(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, NOW);
	struct sim_service *s = sim_find_service_by_name(w, "momentum-prod-api");
	char *g = app_group(w, "momentum-prod-api", "application");
	struct sim_state st = s->cur;
	struct collect c;
	size_t i, traces = 0;

	(void)state;
	st.badness = 1.0;
	sim_service_set_state(s, DAY0 + 20 * HOUR, &st);
	run(w, g, DAY0 + 20 * HOUR, DAY0 + 20.25 * HOUR, &c);
	assert_true(c.errors > c.n / 3);
	for (i = 0; i < c.n; i++) {
		if (strstr(c.msgs[i], "Traceback (most recent call last):\n"))
			traces++;
	}
	assert_true(traces > 10);
	collect_free(&c);
	free(g);
	sim_world_free(w);
}

static void
events__over_a_day__some_hostile_user_agents(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, NOW);
	char *g = app_group(w, "momentum-prod-frontend", "application");
	struct collect c;

	(void)state;
	run(w, g, DAY0, DAY0 + 86400, &c);
	assert_true(c.hostile > 0);
	assert_true(c.hostile < c.n / 50);
	collect_free(&c);
	free(g);
	sim_world_free(w);
}

static void
service_group__deployments__logged(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "service");
	struct collect c;
	size_t i, ok = 0;

	(void)state;
	run(w, g, 0, NOW, &c);
	assert_true(c.n > 0);
	assert_true(c.ordered);
	for (i = 0; i < c.n; i++) {
		if (strstr(c.msgs[i], "was successful."))
			ok++;
	}
	assert_true(ok > 0);
	collect_free(&c);
	free(g);
	sim_world_free(w);
}

/* Call a logs handler with a JSON request. */
static int
call(struct sim_world *w, double now, const char *op, const char *json,
    struct sim_reply *r)
{
	return test_sim_call(sim_logs_ops, "logs", w, now, op, json, r);
}

static void
filter__paginated__each_event_once(void **state)
{
	struct sim_world *w = sim_world_new(9, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "application");
	int64_t from = (int64_t)((NOW - 1800) * 1000), to = (int64_t)(NOW * 1000);
	struct sim_reply r;
	char *req, *tok = NULL;
	size_t total = 0, pages = 0, nall = 0, i;
	char **seen = NULL;
	cJSON *ev, *e;
	struct collect all;

	(void)state;
	do {
		req = tok == NULL ? xasprintf("{\"logGroupName\":\"%s\","
		    "\"startTime\":%lld,\"endTime\":%lld,\"limit\":500}", g,
		    (long long)from, (long long)to) :
		    xasprintf("{\"logGroupName\":\"%s\",\"startTime\":%lld,"
		    "\"endTime\":%lld,\"limit\":500,\"nextToken\":\"%s\"}", g,
		    (long long)from, (long long)to, tok);
		assert_int_equal(call(w, NOW, "FilterLogEvents", req, &r), 0);
		free(req);
		free(tok);
		tok = NULL;
		ev = cJSON_GetObjectItem(r.json, "events");
		cJSON_ArrayForEach(e, ev) {
			seen = xreallocarray(seen, total + 1, sizeof *seen);
			seen[total++] = xstrdup(cJSON_GetObjectItem(e,
			    "eventId")->valuestring);
			assert_true(cJSON_GetObjectItem(e, "ingestionTime")->
			    valuedouble <= NOW * 1000);
		}
		assert_true(cJSON_GetArraySize(ev) <= 500);
		if (cJSON_GetObjectItem(r.json, "nextToken") != NULL)
			tok = xstrdup(cJSON_GetObjectItem(r.json,
			    "nextToken")->valuestring);
		sim_reply_free(&r);
		pages++;
	} while (tok != NULL && pages < 100);
	assert_true(pages > 2);
	/* Same set as a direct walk, minus events not yet ingested. */
	run(w, g, NOW - 1800, NOW + 0.001, &all);
	for (i = 0; i < all.n; i++)
		nall++;
	assert_true(total <= nall && total > nall * 9 / 10);
	qsort(seen, total, sizeof *seen, cmp_str);
	for (i = 1; i < total; i++)
		assert_string_not_equal(seen[i - 1], seen[i]);
	for (i = 0; i < total; i++)
		free(seen[i]);
	free(seen);
	collect_free(&all);
	free(g);
	sim_world_free(w);
}

static void
filter__json_pattern__only_errors(void **state)
{
	struct sim_world *w = sim_world_new(9, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "application"), *req;
	struct sim_reply r;
	cJSON *e;

	(void)state;
	req = xasprintf("{\"logGroupIdentifier\":\"arn:aws:logs:us-east-1:"
	    "123456789012:log-group:%s:*\",\"startTime\":%lld,"
	    "\"filterPattern\":\"{ $.level = \\\"ERROR\\\" }\"}", g,
	    (long long)((NOW - 6 * HOUR) * 1000));
	assert_int_equal(call(w, NOW, "FilterLogEvents", req, &r), 0);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r.json, "events")) {
		assert_non_null(strstr(cJSON_GetObjectItem(e,
		    "message")->valuestring, "\"level\":\"ERROR\""));
		assert_non_null(cJSON_GetObjectItem(e, "logStreamName"));
	}
	sim_reply_free(&r);
	free(req);
	free(g);
	sim_world_free(w);
}

static void
handlers__bad_input__aws_errors(void **state)
{
	struct sim_world *w = sim_world_new(9, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "application"), *req;
	struct sim_reply r;

	(void)state;
	assert_int_equal(call(w, NOW, "FilterLogEvents",
	    "{\"logGroupName\":\"/nope\"}", &r), -1);
	assert_string_equal(r.error_type, "ResourceNotFoundException");
	sim_reply_free(&r);
	req = xasprintf("{\"logGroupName\":\"%s\",\"filterPattern\":"
	    "\"{ $.x = \"}", g);
	assert_int_equal(call(w, NOW, "FilterLogEvents", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidParameterException");
	assert_string_equal(r.error_message, "Invalid filter pattern");
	sim_reply_free(&r);
	free(req);
	req = xasprintf("{\"logGroupName\":\"%s\",\"nextToken\":\"zz\"}", g);
	assert_int_equal(call(w, NOW, "FilterLogEvents", req, &r), -1);
	assert_string_equal(r.error_type, "InvalidParameterException");
	sim_reply_free(&r);
	free(req);
	req = xasprintf("{\"logGroupName\":\"%s\",\"logStreamName\":\"x\"}", g);
	assert_int_equal(call(w, NOW, "GetLogEvents", req, &r), -1);
	assert_string_equal(r.error_type, "ResourceNotFoundException");
	sim_reply_free(&r);
	free(req);
	assert_int_equal(call(w, NOW, "DescribeLogGroups", "{\"limit\":51}",
	    &r), -1);
	assert_string_equal(r.error_type, "InvalidParameterException");
	sim_reply_free(&r);
	free(g);
	sim_world_free(w);
}

static void
describe_groups__limit__paginates(void **state)
{
	struct sim_world *w = sim_world_new(9, 1, NOW);
	struct sim_reply r;
	char *req;
	const char *tok;
	size_t total = 0;

	(void)state;
	assert_int_equal(call(w, NOW, "DescribeLogGroups",
	    "{\"logGroupNamePrefix\":\"/aws/apprunner/momentum-prod-\","
	    "\"limit\":4}", &r), 0);
	total += (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "logGroups"));
	tok = cJSON_GetObjectItem(r.json, "nextToken")->valuestring;
	req = xasprintf("{\"logGroupNamePrefix\":\"/aws/apprunner/"
	    "momentum-prod-\",\"limit\":4,\"nextToken\":\"%s\"}", tok);
	sim_reply_free(&r);
	assert_int_equal(call(w, NOW, "DescribeLogGroups", req, &r), 0);
	total += (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "logGroups"));
	assert_null(cJSON_GetObjectItem(r.json, "nextToken"));
	assert_int_equal(total, 6);
	sim_reply_free(&r);
	free(req);
	sim_world_free(w);
}

static void
get_log_events__tokens__walk_backward_and_forward(void **state)
{
	struct sim_world *w = sim_world_new(9, 1, NOW);
	char *g = app_group(w, "momentum-prod-api", "application"), *req;
	struct sim_reply r;
	cJSON *streams, *evs;
	char stream[128], back[64], fwd[64];
	double first_ts, last_ts;
	int n1;

	(void)state;
	req = xasprintf("{\"logGroupName\":\"%s\"}", g);
	assert_int_equal(call(w, NOW, "DescribeLogStreams", req, &r), 0);
	free(req);
	streams = cJSON_GetObjectItem(r.json, "logStreams");
	snprintf(stream, sizeof stream, "%s", cJSON_GetObjectItem(
	    cJSON_GetArrayItem(streams, 0), "logStreamName")->valuestring);
	sim_reply_free(&r);

	/* Default: the newest events, ascending. */
	req = xasprintf("{\"logGroupName\":\"%s\",\"logStreamName\":\"%s\","
	    "\"limit\":50}", g, stream);
	assert_int_equal(call(w, NOW, "GetLogEvents", req, &r), 0);
	free(req);
	evs = cJSON_GetObjectItem(r.json, "events");
	n1 = cJSON_GetArraySize(evs);
	assert_int_equal(n1, 50);
	first_ts = cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 0),
	    "timestamp")->valuedouble;
	last_ts = cJSON_GetObjectItem(cJSON_GetArrayItem(evs, n1 - 1),
	    "timestamp")->valuedouble;
	assert_true(first_ts <= last_ts);
	assert_true(last_ts > (NOW - 600) * 1000);
	snprintf(back, sizeof back, "%s", cJSON_GetObjectItem(r.json,
	    "nextBackwardToken")->valuestring);
	snprintf(fwd, sizeof fwd, "%s", cJSON_GetObjectItem(r.json,
	    "nextForwardToken")->valuestring);
	sim_reply_free(&r);

	/* Backward: older events, all before the first one. */
	req = xasprintf("{\"logGroupName\":\"%s\",\"logStreamName\":\"%s\","
	    "\"limit\":50,\"nextToken\":\"%s\"}", g, stream, back);
	assert_int_equal(call(w, NOW, "GetLogEvents", req, &r), 0);
	free(req);
	evs = cJSON_GetObjectItem(r.json, "events");
	assert_int_equal(cJSON_GetArraySize(evs), 50);
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 49),
	    "timestamp")->valuedouble <= first_ts);
	sim_reply_free(&r);

	/* Forward at the head: nothing new yet, the same token back. */
	req = xasprintf("{\"logGroupName\":\"%s\",\"logStreamName\":\"%s\","
	    "\"nextToken\":\"%s\"}", g, stream, fwd);
	assert_int_equal(call(w, NOW, "GetLogEvents", req, &r), 0);
	free(req);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "events")), 0);
	assert_string_equal(cJSON_GetObjectItem(r.json,
	    "nextForwardToken")->valuestring, fwd);
	sim_reply_free(&r);
	/* ... and later, new events arrive after it. */
	req = xasprintf("{\"logGroupName\":\"%s\",\"logStreamName\":\"%s\","
	    "\"nextToken\":\"%s\"}", g, stream, fwd);
	assert_int_equal(call(w, NOW + 600, "GetLogEvents", req, &r), 0);
	free(req);
	evs = cJSON_GetObjectItem(r.json, "events");
	assert_true(cJSON_GetArraySize(evs) > 0);
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(evs, 0),
	    "timestamp")->valuedouble >= last_ts);
	sim_reply_free(&r);
	free(g);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups__per_service__application_and_service),
		cmocka_unit_test(events__same_seed__identical_and_ids_unique),
		cmocka_unit_test(events__rate__follows_traffic),
		cmocka_unit_test(events__badness__fill_with_errors_and_traces),
		cmocka_unit_test(events__over_a_day__some_hostile_user_agents),
		cmocka_unit_test(service_group__deployments__logged),
		cmocka_unit_test(filter__paginated__each_event_once),
		cmocka_unit_test(filter__json_pattern__only_errors),
		cmocka_unit_test(handlers__bad_input__aws_errors),
		cmocka_unit_test(describe_groups__limit__paginates),
		cmocka_unit_test(get_log_events__tokens__walk_backward_and_forward),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
