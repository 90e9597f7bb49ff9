/* Unit tests for the simulator's alarms (sim/alarms.c, DescribeAlarms*). */
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

#include "sim/alarms.h"
#include "sim/api.h"
#include "sim/world.h"
#include "util/util.h"

/* 2026-11-25 20:00 UTC: afternoon traffic in the US. */
#define NOW 1795636800.0

static const struct sim_alarm *
find(const struct sim_alarm *a, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	}
	fail_msg("no alarm %s", name);
	return NULL;
}

static void
set_badness(struct sim_world *w, const char *svc, double t, double b,
    bool paused)
{
	struct sim_service *s = sim_find_service_by_name(w, svc);
	struct sim_state st = s->cur;

	st.badness = b;
	st.paused = paused;
	sim_service_set_state(s, t, &st);
}

static void
list__per_env__the_team_alarms(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_alarm *a;
	size_t n = sim_alarms_list(w, &a);
	const struct sim_alarm *x;

	(void)state;
	assert_int_equal(n, 3 * (3 * 4 + 5));
	x = find(a, n, "momentum-prod-api-5xx-rate");
	assert_true(x->math);
	x = find(a, n, "momentum-prod-api-p99-latency");
	assert_string_equal(x->stat, "p99");
	find(a, n, "momentum-dev-frontend-cpu-high");
	find(a, n, "momentum-staging-worker-memory-high");
	find(a, n, "momentum-prod-rds-connections");
	find(a, n, "momentum-prod-rds-free-storage-low");
	find(a, n, "momentum-dev-redis-memory");
	find(a, n, "momentum-dev-redis-evictions");
	x = find(a, n, "momentum-prod-monthly-cost");
	assert_true(x->threshold == 300);
	free(a);
	sim_world_free(w);
}

static void
healthy__all_alarms__ok(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_alarm *a;
	struct sim_alarm_status st;
	size_t n = sim_alarms_list(w, &a), i;

	(void)state;
	for (i = 0; i < n; i++) {
		sim_alarm_evaluate(w, &a[i], NOW, 3600, &st);
		if (st.state != SIM_ALARM_OK)
			fail_msg("%s is %s: %s", a[i].name,
			    sim_alarm_state_name(st.state), st.reason);
		sim_alarm_status_free(&st);
	}
	free(a);
	sim_world_free(w);
}

static void
badness__fires_5xx_and_p99__then_recovers(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_alarm *a;
	struct sim_alarm_status st, st2;
	size_t n = sim_alarms_list(w, &a);
	const struct sim_alarm *e5 = find(a, n, "momentum-prod-api-5xx-rate");
	const struct sim_alarm *p99 = find(a, n,
	    "momentum-prod-api-p99-latency");
	double bad = NOW - 1800, heal = NOW - 600;

	(void)state;
	set_badness(w, "momentum-prod-api", bad, 1.0, false);
	set_badness(w, "momentum-prod-api", heal, 0.0, false);

	/* During the incident, within a few minutes of the bad deploy. */
	sim_alarm_evaluate(w, e5, bad + 240, 3600, &st);
	assert_int_equal(st.state, SIM_ALARM_ALARM);
	assert_true(st.updated > bad && st.updated <= bad + 240);
	assert_non_null(strstr(st.reason, "Threshold Crossed"));
	assert_non_null(strstr(st.reason_data, "\"recentDatapoints\""));
	sim_alarm_status_free(&st);
	sim_alarm_evaluate(w, p99, bad + 240, 3600, &st);
	assert_int_equal(st.state, SIM_ALARM_ALARM);
	sim_alarm_status_free(&st);

	/* After the rollback: OK again, with both transitions in history. */
	sim_alarm_evaluate(w, e5, NOW, 3600, &st);
	assert_int_equal(st.state, SIM_ALARM_OK);
	assert_int_equal(st.nchanges, 2);
	assert_int_equal(st.changes[0].from, SIM_ALARM_OK);
	assert_int_equal(st.changes[0].to, SIM_ALARM_ALARM);
	assert_int_equal(st.changes[1].to, SIM_ALARM_OK);
	assert_true(st.changes[1].t > heal && st.changes[1].t < heal + 300);

	/* History is a function of time, not of when you ask. */
	sim_alarm_evaluate(w, e5, NOW + 1234, 7200, &st2);
	assert_int_equal(st2.nchanges, 2);
	assert_true(st2.changes[0].t == st.changes[0].t);
	assert_true(st2.changes[1].t == st.changes[1].t);
	sim_alarm_status_free(&st);
	sim_alarm_status_free(&st2);
	free(a);
	sim_world_free(w);
}

static void
paused__cpu_alarm__insufficient_data(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_alarm *a;
	struct sim_alarm_status st;
	size_t n = sim_alarms_list(w, &a);

	(void)state;
	set_badness(w, "momentum-dev-worker", NOW - 3600, 0, true);
	sim_alarm_evaluate(w, find(a, n, "momentum-dev-worker-cpu-high"), NOW,
	    3600, &st);
	assert_int_equal(st.state, SIM_ALARM_INSUFFICIENT);
	assert_non_null(strstr(st.reason, "Insufficient Data"));
	sim_alarm_status_free(&st);
	sim_alarm_evaluate(w, find(a, n, "momentum-dev-worker-5xx-rate"), NOW,
	    3600, &st);
	assert_int_equal(st.state, SIM_ALARM_OK);	/* notBreaching */
	sim_alarm_status_free(&st);
	free(a);
	sim_world_free(w);
}

static int
call(struct sim_world *w, double now, const char *op, const char *json,
    struct sim_reply *r)
{
	return test_sim_call(sim_cloudwatch_ops, "monitoring", w, now, op, json, r);
}

static void
describe_alarms__filters_and_pages(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_reply r;
	const cJSON *arr, *x;
	char *req;

	(void)state;
	set_badness(w, "momentum-prod-api", NOW - 900, 1.0, false);
	assert_int_equal(call(w, NOW, "DescribeAlarms",
	    "{\"StateValue\":\"ALARM\"}", &r), 0);
	arr = cJSON_GetObjectItem(r.json, "MetricAlarms");
	assert_true(cJSON_GetArraySize(arr) >= 2);
	cJSON_ArrayForEach(x, arr) {
		assert_string_equal(cJSON_GetObjectItem(x,
		    "StateValue")->valuestring, "ALARM");
		assert_non_null(strstr(cJSON_GetObjectItem(x,
		    "AlarmArn")->valuestring, "arn:aws:cloudwatch:us-east-1:"));
	}
	sim_reply_free(&r);

	assert_int_equal(call(w, NOW, "DescribeAlarms",
	    "{\"AlarmNamePrefix\":\"momentum-dev-\",\"MaxRecords\":10}", &r),
	    0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "MetricAlarms")), 10);
	req = xasprintf("{\"AlarmNamePrefix\":\"momentum-dev-\",\"MaxRecords\""
	    ":10,\"NextToken\":\"%s\"}", cJSON_GetObjectItem(r.json,
	    "NextToken")->valuestring);
	sim_reply_free(&r);
	assert_int_equal(call(w, NOW, "DescribeAlarms", req, &r), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "MetricAlarms")), 7);
	assert_null(cJSON_GetObjectItem(r.json, "NextToken"));
	sim_reply_free(&r);
	free(req);

	assert_int_equal(call(w, NOW, "DescribeAlarms", "{\"AlarmNames\":["
	    "\"momentum-prod-api-5xx-rate\",\"nope\"]}", &r), 0);
	arr = cJSON_GetObjectItem(r.json, "MetricAlarms");
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	x = cJSON_GetArrayItem(arr, 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(x, "Metrics")),
	    3);
	sim_reply_free(&r);

	assert_int_equal(call(w, NOW, "DescribeAlarms",
	    "{\"StateValue\":\"BROKEN\"}", &r), -1);
	assert_string_equal(r.error_type, "ValidationError");
	sim_reply_free(&r);
	assert_int_equal(call(w, NOW, "DescribeAlarms",
	    "{\"MaxRecords\":101}", &r), -1);
	sim_reply_free(&r);
	assert_int_equal(call(w, NOW, "DescribeAlarms",
	    "{\"NextToken\":\"garbage\"}", &r), -1);
	assert_string_equal(r.error_type, "InvalidNextToken");
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
history__state_updates__json_history_data(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_reply r;
	const cJSON *arr, *x;
	cJSON *hd;
	int n = 0;

	(void)state;
	set_badness(w, "momentum-prod-api", NOW - 1800, 1.0, false);
	set_badness(w, "momentum-prod-api", NOW - 600, 0.0, false);
	assert_int_equal(call(w, NOW, "DescribeAlarmHistory",
	    "{\"AlarmName\":\"momentum-prod-api-5xx-rate\",\"HistoryItemType\":"
	    "\"StateUpdate\",\"ScanBy\":\"TimestampAscending\"}", &r), 0);
	arr = cJSON_GetObjectItem(r.json, "AlarmHistoryItems");
	cJSON_ArrayForEach(x, arr) {
		hd = cJSON_Parse(cJSON_GetObjectItem(x,
		    "HistoryData")->valuestring);
		assert_non_null(hd);
		assert_non_null(cJSON_GetObjectItem(hd, "oldState"));
		assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(hd,
		    "newState"), "stateReason"));
		cJSON_Delete(hd);
		n++;
	}
	assert_int_equal(n, 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0),
	    "HistorySummary")->valuestring, "Alarm updated from OK to ALARM");
	sim_reply_free(&r);

	assert_int_equal(call(w, NOW, "DescribeAlarmHistory",
	    "{\"AlarmName\":\"momentum-prod-api-5xx-rate\",\"HistoryItemType\":"
	    "\"Action\"}", &r), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "AlarmHistoryItems")), 2);
	sim_reply_free(&r);
	assert_int_equal(call(w, NOW, "DescribeAlarmHistory",
	    "{\"HistoryItemType\":\"Bogus\"}", &r), -1);
	assert_string_equal(r.error_type, "ValidationError");
	sim_reply_free(&r);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list__per_env__the_team_alarms),
		cmocka_unit_test(healthy__all_alarms__ok),
		cmocka_unit_test(badness__fires_5xx_and_p99__then_recovers),
		cmocka_unit_test(paused__cpu_alarm__insufficient_data),
		cmocka_unit_test(describe_alarms__filters_and_pages),
		cmocka_unit_test(history__state_updates__json_history_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
