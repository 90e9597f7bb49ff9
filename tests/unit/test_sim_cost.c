/* Unit tests for the simulator's Cost Explorer (sim/cost.c). */
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
#include "sim/cost.h"
#include "sim/world.h"
#include "util/util.h"

/* 2026-11-25 12:00 UTC. */
#define NOW 1795608000.0
#define DAYNUM(t) ((int64_t)floor((t) / 86400.0))

static double
month_total(struct sim_world *w, int env, int64_t first_day)
{
	double sum = 0;
	int64_t d;
	size_t i;

	for (d = first_day; d < first_day + 30; d++)
		for (i = 0; i < sim_cost_nitems; i++)
			sum += sim_cost_day(w, env, i, d);
	return sum;
}

static void
monthly__per_env__within_seed_estimates(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	double dev, stg, prod;

	(void)state;
	dev = month_total(w, 0, DAYNUM(NOW) - 60);
	stg = month_total(w, 1, DAYNUM(NOW) - 60);
	prod = month_total(w, 2, DAYNUM(NOW) - 60);
	assert_true(dev >= 50 && dev <= 100);
	assert_true(prod >= 200 && prod <= 300);
	assert_true(stg > dev && stg < prod);
	sim_world_free(w);
}

static void
day__same_seed__deterministic(void **state)
{
	struct sim_world *a = sim_world_new(3, 1, NOW), *b = sim_world_new(3, 1,
	    NOW);

	(void)state;
	assert_true(sim_cost_day(a, 2, 1, DAYNUM(NOW) - 3) ==
	    sim_cost_day(b, 2, 1, DAYNUM(NOW) - 3));
	assert_true(sim_cost_day(a, 2, 1, DAYNUM(NOW) - 3) !=
	    sim_cost_day(a, 2, 1, DAYNUM(NOW) - 4));
	sim_world_free(a);
	sim_world_free(b);
}

static int
call(struct sim_world *w, const char *op, const char *json,
    struct sim_reply *r)
{
	return test_sim_call(sim_ce_ops, "ce", w, NOW, op, json, r);
}

static double
amount(const cJSON *metrics, const char *name)
{
	const cJSON *m = cJSON_GetObjectItem(metrics, name);

	assert_non_null(m);
	assert_string_equal(cJSON_GetObjectItem(m, "Unit")->valuestring, "USD");
	return atof(cJSON_GetObjectItem(m, "Amount")->valuestring);
}

static void
usage__daily_sums_to_monthly(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	struct sim_reply r;
	const cJSON *rbt, *x;
	double daily = 0, monthly;
	int n = 0;

	(void)state;
	assert_int_equal(call(w, "GetCostAndUsage", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-10-01\",\"End\":\"2026-11-01\"},\"Granularity\":\"DAILY\","
	    "\"Metrics\":[\"UnblendedCost\"]}", &r), 0);
	rbt = cJSON_GetObjectItem(r.json, "ResultsByTime");
	cJSON_ArrayForEach(x, rbt) {
		daily += amount(cJSON_GetObjectItem(x, "Total"),
		    "UnblendedCost");
		assert_false(cJSON_IsTrue(cJSON_GetObjectItem(x, "Estimated")));
		n++;
	}
	assert_int_equal(n, 31);
	sim_reply_free(&r);
	assert_int_equal(call(w, "GetCostAndUsage", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-10-01\",\"End\":\"2026-11-01\"},\"Granularity\":\"MONTHLY\","
	    "\"Metrics\":[\"UnblendedCost\",\"AmortizedCost\"]}", &r), 0);
	rbt = cJSON_GetObjectItem(r.json, "ResultsByTime");
	assert_int_equal(cJSON_GetArraySize(rbt), 1);
	x = cJSON_GetArrayItem(rbt, 0);
	monthly = amount(cJSON_GetObjectItem(x, "Total"), "UnblendedCost");
	assert_true(fabs(monthly - daily) < 0.01);
	assert_true(fabs(amount(cJSON_GetObjectItem(x, "Total"),
	    "AmortizedCost") - monthly) < 0.01);
	/* All three environments: between the sums of the seed's ranges. */
	assert_true(monthly > 300 && monthly < 600);
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
usage__group_by_service_and_filter_env(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	struct sim_reply r;
	const cJSON *g, *groups;
	double sum = 0;
	bool rds = false;

	(void)state;
	assert_int_equal(call(w, "GetCostAndUsage", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-10-01\",\"End\":\"2026-11-01\"},\"Granularity\":\"MONTHLY\","
	    "\"Metrics\":[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":"
	    "\"DIMENSION\",\"Key\":\"SERVICE\"}],\"Filter\":{\"Tags\":{\"Key\":"
	    "\"Environment\",\"Values\":[\"prod\"]}}}", &r), 0);
	groups = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r.json, "ResultsByTime"), 0), "Groups");
	assert_true(cJSON_GetArraySize(groups) >= 8);
	cJSON_ArrayForEach(g, groups) {
		const char *k = cJSON_GetArrayItem(cJSON_GetObjectItem(g,
		    "Keys"), 0)->valuestring;

		rds = rds || strcmp(k, "Amazon Relational Database Service") == 0;
		sum += amount(cJSON_GetObjectItem(g, "Metrics"), "UnblendedCost");
	}
	assert_true(rds);
	assert_true(sum >= 200 && sum <= 300);
	sim_reply_free(&r);

	assert_int_equal(call(w, "GetCostAndUsage", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-11-20\",\"End\":\"2026-11-26\"},\"Granularity\":\"DAILY\","
	    "\"Metrics\":[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":\"TAG\","
	    "\"Key\":\"Environment\"}]}", &r), 0);
	g = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "ResultsByTime"), 5);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(g, "Estimated")));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(g, "Groups"), 0), "Keys"),
	    0)->valuestring, "Environment$dev");
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
usage__bad_requests__ce_errors(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	struct sim_reply r;
	static const struct {
		const char *json, *type;
	} cases[] = {
		{ "{\"TimePeriod\":{\"Start\":\"2027-01-01\",\"End\":"
		    "\"2027-02-01\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"UnblendedCost\"]}", "DataUnavailableException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-11-10\",\"End\":"
		    "\"2026-11-10\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"UnblendedCost\"]}", "ValidationException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-02-30\",\"End\":"
		    "\"2026-03-10\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"UnblendedCost\"]}", "ValidationException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-11-01\",\"End\":"
		    "\"2026-11-10\"},\"Granularity\":\"WEEKLY\",\"Metrics\":"
		    "[\"UnblendedCost\"]}", "ValidationException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-11-01\",\"End\":"
		    "\"2026-11-10\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"Dollars\"]}", "ValidationException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-11-01\",\"End\":"
		    "\"2026-11-10\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"UnblendedCost\"],\"NextPageToken\":\"x\"}",
		    "InvalidNextTokenException" },
		{ "{\"TimePeriod\":{\"Start\":\"2026-11-01\",\"End\":"
		    "\"2026-11-10\"},\"Granularity\":\"DAILY\",\"Metrics\":"
		    "[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":\"DIMENSION\","
		    "\"Key\":\"COLOR\"}]}", "ValidationException" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(call(w, "GetCostAndUsage", cases[i].json, &r),
		    -1);
		assert_string_equal(r.error_type, cases[i].type);
		sim_reply_free(&r);
	}
	sim_world_free(w);
}

static void
usage__long_daily_range__paginates(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	struct sim_reply r;
	const char *tok;
	char *req;
	int n;

	(void)state;
	assert_int_equal(call(w, "GetCostAndUsage", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-06-01\",\"End\":\"2026-11-01\"},\"Granularity\":\"DAILY\","
	    "\"Metrics\":[\"UnblendedCost\"]}", &r), 0);
	n = cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "ResultsByTime"));
	tok = cJSON_GetObjectItem(r.json, "NextPageToken")->valuestring;
	req = xasprintf("{\"TimePeriod\":{\"Start\":\"2026-06-01\",\"End\":"
	    "\"2026-11-01\"},\"Granularity\":\"DAILY\",\"Metrics\":"
	    "[\"UnblendedCost\"],\"NextPageToken\":\"%s\"}", tok);
	sim_reply_free(&r);
	assert_int_equal(call(w, "GetCostAndUsage", req, &r), 0);
	n += cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "ResultsByTime"));
	assert_null(cJSON_GetObjectItem(r.json, "NextPageToken"));
	assert_int_equal(n, 153);
	sim_reply_free(&r);
	free(req);
	sim_world_free(w);
}

static void
forecast__bounds__bracket_mean(void **state)
{
	struct sim_world *w = sim_world_new(3, 1, NOW);
	struct sim_reply r;
	const cJSON *x;
	double total = 0, mean = 0, lo, hi;

	(void)state;
	assert_int_equal(call(w, "GetCostForecast", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-11-25\",\"End\":\"2026-12-31\"},\"Metric\":"
	    "\"UNBLENDED_COST\",\"Granularity\":\"MONTHLY\","
	    "\"PredictionIntervalLevel\":90,\"Filter\":{\"Tags\":{\"Key\":"
	    "\"Environment\",\"Values\":[\"prod\"]}}}", &r), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json,
	    "ForecastResultsByTime")), 2);
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(r.json,
	    "ForecastResultsByTime")) {
		mean = atof(cJSON_GetObjectItem(x, "MeanValue")->valuestring);
		lo = atof(cJSON_GetObjectItem(x,
		    "PredictionIntervalLowerBound")->valuestring);
		hi = atof(cJSON_GetObjectItem(x,
		    "PredictionIntervalUpperBound")->valuestring);
		assert_true(lo < mean && mean < hi);
		total += mean;
	}
	/* December alone is a whole prod month. */
	assert_true(mean >= 200 && mean <= 300);
	assert_true(fabs(atof(cJSON_GetObjectItem(cJSON_GetObjectItem(r.json,
	    "Total"), "Amount")->valuestring) - total) < 0.01);
	sim_reply_free(&r);
	assert_int_equal(call(w, "GetCostForecast", "{\"TimePeriod\":{\"Start\":"
	    "\"2026-11-01\",\"End\":\"2026-12-31\"},\"Metric\":"
	    "\"UNBLENDED_COST\",\"Granularity\":\"MONTHLY\"}", &r), -1);
	assert_string_equal(r.error_type, "ValidationException");
	sim_reply_free(&r);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(monthly__per_env__within_seed_estimates),
		cmocka_unit_test(day__same_seed__deterministic),
		cmocka_unit_test(usage__daily_sums_to_monthly),
		cmocka_unit_test(usage__group_by_service_and_filter_env),
		cmocka_unit_test(usage__bad_requests__ce_errors),
		cmocka_unit_test(usage__long_daily_range__paginates),
		cmocka_unit_test(forecast__bounds__bracket_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
