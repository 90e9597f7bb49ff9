/* CloudWatch parsers and the metrics plan against canned responses. */
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

#include "aws/cloudwatch.h"
#include "config/config.h"
#include "poll/metrics.h"
#include "util/util.h"

static cJSON *
load(const char *rel)
{
	return test_load_json(rel);
}

static void
cloudwatch_get_metric_data_request__one_query__exact_json(void **state)
{
	struct cw_query q = {
		.id = "s0_p99", .ns = "AWS/AppRunner", .metric = "RequestLatency",
		.stat = "p99", .period = 60, .ndims = 2,
		.dim_names = { "ServiceName", "ServiceID" },
		.dim_values = { "momentum-prod-api", "abc" },
	};
	cJSON *r;
	char *txt;

	(void)state;
	r = cloudwatch_get_metric_data_request(&q, 1, 1764000000, 1764003600,
	    NULL);
	txt = cJSON_PrintUnformatted(r);
	assert_string_equal(txt,
	    "{\"MetricDataQueries\":[{\"Id\":\"s0_p99\",\"MetricStat\":{"
	    "\"Metric\":{\"Namespace\":\"AWS/AppRunner\",\"MetricName\":"
	    "\"RequestLatency\",\"Dimensions\":[{\"Name\":\"ServiceName\","
	    "\"Value\":\"momentum-prod-api\"},{\"Name\":\"ServiceID\","
	    "\"Value\":\"abc\"}]},\"Period\":60,\"Stat\":\"p99\"},"
	    "\"ReturnData\":true}],\"StartTime\":1764000000,\"EndTime\":"
	    "1764003600,\"ScanBy\":\"TimestampAscending\"}");
	free(txt);
	cJSON_Delete(r);
}

static void
cloudwatch_parse_get_metric_data__two_pages__merged_and_sorted(void **state)
{
	cJSON *p1 = load("cloudwatch/get_metric_data_p1.json");
	cJSON *p2 = load("cloudwatch/get_metric_data_p2.json");
	struct cw_result *r = NULL;
	const struct cw_result *x;
	size_t n = 0;
	char *next = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(cloudwatch_parse_get_metric_data(p1, &r, &n, &next,
	    &cause), 0);
	assert_string_equal(next, "more");
	free(next);
	assert_int_equal(cloudwatch_parse_get_metric_data(p2, &r, &n, &next,
	    &cause), 0);
	assert_null(next);
	assert_int_equal(n, 3);
	x = cw_result_find(r, n, "s0_req");
	assert_int_equal(x->n, 3);
	assert_int_equal(x->ts[0], 1764000000);
	assert_true(x->v[0] == 600 && x->v[2] == 1200);
	x = cw_result_find(r, n, "s0_p99");
	assert_int_equal(x->n, 2);
	assert_true(x->v[0] == 250.5 && x->v[1] == 300);
	assert_string_equal(x->status, "Complete");
	assert_int_equal(cw_result_find(r, n, "s0_cpu")->n, 0);
	assert_null(cw_result_find(r, n, "nope"));
	cw_results_free(r, n);
	cJSON_Delete(p1);
	cJSON_Delete(p2);

	p1 = load("cloudwatch/get_metric_data_mismatch.json");
	r = NULL;
	n = 0;
	assert_int_equal(cloudwatch_parse_get_metric_data(p1, &r, &n, &next,
	    &cause), -1);
	assert_non_null(strstr(cause, "2 timestamps and 1 values"));
	free(cause);
	cw_results_free(r, n);
	cJSON_Delete(p1);
}

static void
cloudwatch_parse_describe_alarms__canned__firing_first_sanitized(void **state)
{
	cJSON *j = load("cloudwatch/describe_alarms.json");
	struct alarms_data d = { 0 };
	char *next = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(cloudwatch_parse_describe_alarms(j, "prod", &d.alarms,
	    &d.n, &next, &cause), 0);
	assert_null(next);	/* "" means no more */
	assert_int_equal(d.n, 4);
	alarms_data_sort(&d);
	assert_int_equal(d.firing, 2);
	assert_string_equal(d.alarms[0].name, "momentum-prod-all");
	assert_string_equal(d.alarms[0].metric, "composite");
	assert_string_equal(d.alarms[1].name, "momentum-prod-api-5xx");
	assert_string_equal(d.alarms[1].env, "prod");
	assert_string_equal(d.alarms[1].metric, "AWS/AppRunner/5xxStatusResponses");
	assert_int_equal(d.alarms[1].updated_at, 1764000500);
	/* no ESC sequence, no bidi override */
	assert_string_equal(d.alarms[1].reason,
	    "Threshold Crossed: 3 datapoints were greater than 5.0");
	assert_string_equal(d.alarms[2].state, "INSUFFICIENT_DATA");
	assert_string_equal(d.alarms[2].metric, "metric math");
	assert_string_equal(d.alarms[3].state, "OK");
	cJSON_Delete(j);
	{
		struct alarms_data *h = xmalloc(sizeof *h);
		*h = d;
		alarms_data_free(h);
	}
}

static void
cloudwatch_parse_alarm_history__canned__newest_first(void **state)
{
	cJSON *j = load("cloudwatch/describe_alarm_history.json"), *req;
	struct alarm_history *h;
	size_t n;
	char *cause = NULL, *txt;

	(void)state;
	assert_int_equal(cloudwatch_parse_alarm_history(j, &h, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].when, 1764000500);
	assert_string_equal(h[0].summary, "Alarm updated from OK to ALARM");
	free(h[0].summary);
	free(h[1].summary);
	free(h);
	cJSON_Delete(j);
	req = cloudwatch_describe_alarm_history_request("a", 5);
	txt = cJSON_PrintUnformatted(req);
	assert_string_equal(txt, "{\"AlarmName\":\"a\",\"HistoryItemType\":"
	    "\"StateUpdate\",\"ScanBy\":\"TimestampDescending\","
	    "\"MaxRecords\":5}");
	free(txt);
	cJSON_Delete(req);
}

static void
metrics_plan__seed_env__under_500_and_applied(void **state)
{
	struct config *cf;
	char *cause = NULL;
	struct metrics_plan *plan;
	struct metrics_ids ids[3] = {
		{ "frontend", "momentum-prod-frontend", "id-f" },
		{ "api", "momentum-prod-api", "id-a" },
		{ "worker", "momentum-prod-worker", NULL },	/* unknown id */
	};
	struct cw_result *r;
	struct metrics_data *md;
	size_t i, nr;
	int64_t end = 1764003600, start = end - 3600;

	(void)state;
	assert_int_equal(config_parse_string(config_default_text, "x", &cf,
	    &cause), 0);
	plan = metrics_plan_new(&cf->envs[2], ids, 3, start, end, 60);
	assert_true(plan->nq > 0 && plan->nq <= CW_MAX_QUERIES);
	/* worker has no ServiceID yet: no queries for it */
	for (i = 0; i < plan->nq; i++) {
		assert_true(plan->q[i].id[0] >= 'a' && plan->q[i].id[0] <= 'z');
		if (strcmp(plan->q[i].ns, "AWS/AppRunner") == 0)
			assert_string_not_equal(plan->q[i].dim_values[0],
			    "momentum-prod-worker");
	}
	/* fake answers: every query gets 60 points of value 2, requests 600,
	 * 5xx 6 per minute */
	nr = plan->nq;
	r = xcalloc(nr, sizeof *r);
	for (i = 0; i < nr; i++) {
		size_t k;

		r[i].id = xstrdup(plan->q[i].id);
		r[i].n = 60;
		r[i].ts = xcalloc(60, sizeof *r[i].ts);
		r[i].v = xcalloc(60, sizeof *r[i].v);
		for (k = 0; k < 60; k++) {
			r[i].ts[k] = start + (int64_t)k * 60;
			r[i].v[k] = 2;
			if (strcmp(plan->q[i].metric, "Requests") == 0 &&
			    strcmp(plan->q[i].ns, "AWS/AppRunner") == 0)
				r[i].v[k] = 600;
			if (strcmp(plan->q[i].metric, "5xxStatusResponses") == 0)
				r[i].v[k] = 6;
		}
	}
	md = metrics_plan_apply(plan, r, nr);
	assert_int_equal(md->nsvcs, 3);
	assert_string_equal(md->svcs[1].role, "api");
	assert_int_equal(md->svcs[1].s[MET_REQUESTS].n, 60);
	assert_true(fabs(md->svcs[1].last[MET_REQUESTS] - 10.0) < 1e-9);
	assert_true(fabs(md->svcs[1].last[MET_5XX_PCT] - 1.0) < 1e-9);
	assert_true(md->svcs[1].last[MET_LAT_P99] == 2);
	assert_true(isnan(md->svcs[2].last[MET_REQUESTS]));
	assert_int_equal(md->ninfra, 4);
	assert_int_equal(md->infra[INFRA_RDS].kind, INFRA_RDS);
	assert_string_equal(md->infra[INFRA_RDS].name, "momentum-prod-db");
	assert_true(md->infra[INFRA_RDS].nvals >= 2);
	assert_int_equal(md->infra[INFRA_RDS].trend.n, 60);
	assert_int_equal(md->period, 60);
	assert_int_equal(md->range_end, end);
	metrics_data_free(md);
	cw_results_free(r, nr);
	metrics_plan_free(plan);
	config_free(cf);
}

static void
metrics_plan__many_services__capped_at_500(void **state)
{
	struct metrics_ids ids[80];
	struct metrics_plan *plan;
	char names[80][24];
	size_t i;

	(void)state;
	for (i = 0; i < 80; i++) {
		snprintf(names[i], sizeof names[i], "svc%zu", i);
		ids[i] = (struct metrics_ids){ names[i], names[i], names[i] };
	}
	plan = metrics_plan_new(NULL, ids, 80, 0, 3600, 60);
	assert_int_equal(plan->nq, CW_MAX_QUERIES);
	assert_int_equal(plan->nsvcs, 80);
	metrics_plan_free(plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cloudwatch_get_metric_data_request__one_query__exact_json),
		cmocka_unit_test(cloudwatch_parse_get_metric_data__two_pages__merged_and_sorted),
		cmocka_unit_test(cloudwatch_parse_describe_alarms__canned__firing_first_sanitized),
		cmocka_unit_test(cloudwatch_parse_alarm_history__canned__newest_first),
		cmocka_unit_test(metrics_plan__seed_env__under_500_and_applied),
		cmocka_unit_test(metrics_plan__many_services__capped_at_500),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
