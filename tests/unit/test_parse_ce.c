/* Cost Explorer parsers, the month window and the cost cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "testlib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aws/costexplorer.h"
#include "util/util.h"

static cJSON *
load(const char *rel)
{
	return test_load_json(rel);
}

#define NOV4 1762257600		/* 2025-11-04 12:00 UTC */

static void
ce_parse_cost_and_usage__canned__daily_and_by_service(void **state)
{
	cJSON *j = load("ce/get_cost_and_usage.json");
	struct cost_data *d = xcalloc(1, sizeof *d);
	char *next = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(ce_parse_cost_and_usage(j, d, &next, &cause), 0);
	assert_null(next);
	assert_string_equal(d->currency, "USD");
	assert_true(fabs(d->mtd - 14.0) < 1e-9);
	assert_true(fabs(d->daily[0] - 5.75) < 1e-9);
	assert_true(fabs(d->daily[1] - 6.25) < 1e-9);
	assert_true(fabs(d->daily[2] - 2.0) < 1e-9);	/* from Total */
	assert_int_equal(d->ndays, 3);
	assert_int_equal(d->nby_service, 3);		/* bad amount skipped */
	assert_string_equal(d->by_service[0].name, "AWS App Runner");
	assert_true(fabs(d->by_service[0].amount - 10.0) < 1e-9);
	assert_string_equal(d->by_service[2].name, "Amazon CloudWatch");
	cost_data_free(d);
	cJSON_Delete(j);
}

static void
ce_requests__tag_filter__exact_json(void **state)
{
	cJSON *r;
	char *txt;

	(void)state;
	r = ce_cost_and_usage_request("2025-11-01", "2025-11-04",
	    "Environment", "prod", NULL);
	txt = cJSON_PrintUnformatted(r);
	assert_string_equal(txt, "{\"TimePeriod\":{\"Start\":\"2025-11-01\","
	    "\"End\":\"2025-11-04\"},\"Granularity\":\"DAILY\",\"Metrics\":"
	    "[\"UnblendedCost\"],\"GroupBy\":[{\"Type\":\"DIMENSION\","
	    "\"Key\":\"SERVICE\"}],\"Filter\":{\"Tags\":{\"Key\":"
	    "\"Environment\",\"Values\":[\"prod\"]}}}");
	free(txt);
	cJSON_Delete(r);
	r = ce_forecast_request("2025-11-04", "2025-12-01", NULL, NULL);
	txt = cJSON_PrintUnformatted(r);
	assert_string_equal(txt, "{\"TimePeriod\":{\"Start\":\"2025-11-04\","
	    "\"End\":\"2025-12-01\"},\"Metric\":\"UNBLENDED_COST\","
	    "\"Granularity\":\"MONTHLY\"}");
	free(txt);
	cJSON_Delete(r);
}

static void
ce_parse_forecast__canned__amount(void **state)
{
	cJSON *j = load("ce/get_cost_forecast.json");
	double a = 0;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ce_parse_forecast(j, &a, &cause), 0);
	assert_true(fabs(a - 187.654321) < 1e-9);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"Total\":{\"Amount\":\"NaN\"}}");
	assert_int_equal(ce_parse_forecast(j, &a, &cause), -1);
	free(cause);
	cJSON_Delete(j);
}

static void
ce_month_window__mid_month_first_and_december__dates(void **state)
{
	char s[11], e[11], fs[11], fe[11];
	int days;

	(void)state;
	ce_month_window(NOV4, s, e, fs, fe, &days);
	assert_string_equal(s, "2025-11-01");
	assert_string_equal(e, "2025-11-04");
	assert_string_equal(fs, "2025-11-04");
	assert_string_equal(fe, "2025-12-01");
	assert_int_equal(days, 4);
	ce_month_window(1764547200 + 3600, s, e, fs, fe, &days);	/* 2025-12-01 01:00 */
	assert_string_equal(s, "2025-12-01");
	assert_string_equal(e, "2025-12-02");	/* Start < End */
	assert_string_equal(fe, "2026-01-01");
	assert_int_equal(days, 1);
}

static void
cost_cache__round_trip_and_other_month__rejected(void **state)
{
	struct cost_data d = { 0 }, *got;
	struct cost_item items[2] = { { "AWS App Runner", 10 },
	    { "Amazon RDS", 4.5 } };
	int64_t fetched = 0;
	char *text, *cause = NULL;

	(void)state;
	d.currency = "USD";
	d.mtd = 14.5;
	d.forecast = 120;
	d.daily[0] = 5;
	d.daily[3] = 9.5;
	d.ndays = 4;
	d.by_service = items;
	d.nby_service = 2;
	text = cost_cache_encode(&d, (int64_t)NOV4 * 1000);
	got = cost_cache_decode(text, NOV4 + 86400, &fetched, &cause);
	assert_non_null(got);
	assert_int_equal(fetched, (int64_t)NOV4 * 1000);
	assert_true(got->mtd == 14.5 && got->forecast == 120);
	assert_true(got->daily[3] == 9.5);
	assert_int_equal(got->ndays, 4);
	assert_int_equal(got->nby_service, 2);
	assert_string_equal(got->by_service[1].name, "Amazon RDS");
	cost_data_free(got);
	/* next month: stale by definition */
	assert_null(cost_cache_decode(text, NOV4 + 40 * 86400, &fetched,
	    &cause));
	free(cause);
	free(text);
	assert_null(cost_cache_decode("{garbage", NOV4, &fetched, &cause));
	free(cause);
	/* an edited file cannot smuggle escapes into the UI */
	got = cost_cache_decode("{\"version\":1,\"month\":\"2025-11\","
	    "\"fetched_at_ms\":1,\"mtd\":1,\"by_service\":[{\"name\":"
	    "\"x\\u001b[2Jy\",\"amount\":1}]}", NOV4, &fetched, &cause);
	assert_non_null(got);
	assert_string_equal(got->by_service[0].name, "xy");
	cost_data_free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ce_parse_cost_and_usage__canned__daily_and_by_service),
		cmocka_unit_test(ce_requests__tag_filter__exact_json),
		cmocka_unit_test(ce_parse_forecast__canned__amount),
		cmocka_unit_test(ce_month_window__mid_month_first_and_december__dates),
		cmocka_unit_test(cost_cache__round_trip_and_other_month__rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
