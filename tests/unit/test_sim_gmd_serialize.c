/* Unit tests: GetMetricData's direct number serializer matches cJSON's numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/api.h"
#include "sim/metrics.h"
#include "sim/world.h"
#include "util/util.h"

#include "testlib.h"

#define NOW 1795636800.0	/* 2026-11-25 20:00 UTC */
#define START (NOW - 86400)
#define NPTS 1440

static const char *names[] = { "Requests", "2xxStatusResponses",
    "4xxStatusResponses", "5xxStatusResponses", "RequestLatency",
    "ActiveInstances", "CPUUtilization", "MemoryUtilization", "Concurrency" };
/* 9 x 6 + 5 queries x 1,440 points fit one page (100,800 points). */
static const char *stats[] = { "Sum", "Average", "Maximum", "SampleCount",
    "p99", "p99.9" };

/* Expressions over m0 that leave the generators' rounding (slow path). */
static const char *exprs[] = { "m0/3", "-m0", "m0*0.000001", "m0*1e9/7",
    "m0-1000000" };

static double
apply_expr(int e, double v)
{
	switch (e) {
	case 0: return v / 3;
	case 1: return -v;
	case 2: return v * 0.000001;
	case 3: return v * 1e9 / 7;
	default: return v - 1000000;
	}
}

/* A reference array printed by cJSON (one number node per value) and parsed back. */
static cJSON *
reference(const double *v, size_t n)
{
	cJSON *a = cJSON_CreateArray(), *back;
	char *s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isnan(v[i]))
			cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
	}
	s = cJSON_PrintUnformatted(a);
	back = cJSON_Parse(s);
	assert_non_null(back);
	cJSON_free(s);
	cJSON_Delete(a);
	return back;
}

/*
 * got must hold exactly the non-NAN doubles of v (a correct client parses
 * them back bit for bit) and agree with cJSON's own printing of them.
 * cJSON prints "%1.15g" when that reads back within DBL_EPSILON, so it
 * can be one ulp off (4871 * 0.000001 prints as 0.004871); the direct
 * serializer is exact.
 */
static void
same_numbers(const cJSON *got, const double *v, size_t n, const char *what)
{
	cJSON *want = reference(v, n);
	const cJSON *g, *x;
	size_t i = 0;

	if (cJSON_GetArraySize(got) != cJSON_GetArraySize(want))
		fail_msg("%s: %d values, want %d", what,
		    cJSON_GetArraySize(got), cJSON_GetArraySize(want));
	assert_true(cJSON_GetArraySize(want) > 1000);
	x = want->child;
	cJSON_ArrayForEach(g, got) {
		double a = g->valuedouble, b = x->valuedouble;

		while (isnan(v[i]))
			i++;
		assert_true(cJSON_IsNumber(g));
		if (memcmp(&a, &v[i], sizeof a) != 0)
			fail_msg("%s[%zu]: %.17g != %.17g", what, i, a, v[i]);
		if (fabs(a - b) > fmax(fabs(a), fabs(b)) * DBL_EPSILON)
			fail_msg("%s[%zu]: %.17g vs cJSON %.17g", what, i, a, b);
		x = x->next;
		i++;
	}
	cJSON_Delete(want);
}

static void
gmd_serialize__day_of_every_metric__same_values_as_cjson(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	struct buf req = { 0 };
	const cJSON *res, *it;
	double *vals = xreallocarray(NULL, NPTS, sizeof *vals);
	double *tss = xreallocarray(NULL, NPTS, sizeof *tss);
	char *body, id[16];
	cJSON *back;
	size_t nq = 0, i, k, ne = nitems(exprs);
	int checked = 0;

	(void)state;
	buf_puts(&req, "{\"MetricDataQueries\":[");
	for (i = 0; i < nitems(names); i++) {
		for (k = 0; k < nitems(stats); k++) {
			buf_printf(&req, "%s{\"Id\":\"m%zu\",\"MetricStat\":{"
			    "\"Metric\":{\"Namespace\":\"AWS/AppRunner\","
			    "\"MetricName\":\"%s\",\"Dimensions\":[{\"Name\":"
			    "\"ServiceName\",\"Value\":\"momentum-prod-api\"}]},"
			    "\"Period\":60,\"Stat\":\"%s\"}}", nq ? "," : "",
			    nq, names[i], stats[k]);
			nq++;
		}
	}
	for (i = 0; i < ne; i++)
		buf_printf(&req, ",{\"Id\":\"e%zu\",\"Expression\":\"%s\"}",
		    i, exprs[i]);
	buf_printf(&req, "],\"StartTime\":%.0f,\"EndTime\":%.0f,"
	    "\"ScanBy\":\"TimestampAscending\"}", START, NOW);
	assert_int_equal(test_sim_call(sim_cloudwatch_ops, "monitoring", w,
	    NOW, "GetMetricData", req.data, &r), 0);
	/* What goes on the wire, parsed the way a client would. */
	body = cJSON_PrintUnformatted(r.json);
	back = cJSON_Parse(body);
	assert_non_null(back);
	cJSON_free(body);
	assert_null(cJSON_GetObjectItem(back, "NextToken"));
	res = cJSON_GetObjectItem(back, "MetricDataResults");
	assert_int_equal(cJSON_GetArraySize(res), (int)(nq + ne));

	for (i = 0; i < nq + ne; i++) {
		struct sim_metric m;
		struct sim_stat st;
		struct sim_dim dim = { "ServiceName", "momentum-prod-api" };
		size_t q = i < nq ? i : 0, j;

		it = cJSON_GetArrayItem(res, (int)i);
		snprintf(id, sizeof id, i < nq ? "m%zu" : "e%zu",
		    i < nq ? i : i - nq);
		assert_string_equal(cJSON_GetObjectItem(it, "Id")->valuestring,
		    id);
		assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner",
		    names[q / nitems(stats)], &dim, 1, NULL, &m), 0);
		assert_int_equal(sim_stat_parse(stats[q % nitems(stats)], &st),
		    0);
		sim_metric_series(w, &m, &st, START, 60, NPTS, NOW, vals);
		for (j = 0; j < NPTS; j++) {
			if (i >= nq && !isnan(vals[j]))
				vals[j] = apply_expr((int)(i - nq), vals[j]);
			tss[j] = isnan(vals[j]) ? NAN : START + 60.0 * (double)j;
		}
		same_numbers(cJSON_GetObjectItem(it, "Values"), vals, NPTS,
		    id);
		same_numbers(cJSON_GetObjectItem(it, "Timestamps"), tss, NPTS,
		    id);
		checked++;
	}
	assert_int_equal(checked, (int)(nq + ne));
	cJSON_Delete(back);
	sim_reply_free(&r);
	buf_free(&req);
	free(vals);
	free(tss);
	sim_world_free(w);
}

static void
gmd_serialize__duplicate_id_among_many__first_repeat_named(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	struct buf req = { 0 };
	size_t i;

	(void)state;
	/* 400 distinct ids, then q123 again, then q7 again: q123 is named. */
	buf_puts(&req, "{\"MetricDataQueries\":[");
	for (i = 0; i < 402; i++) {
		buf_printf(&req, "%s{\"Id\":\"q%zu\",\"MetricStat\":{"
		    "\"Metric\":{\"Namespace\":\"AWS/AppRunner\","
		    "\"MetricName\":\"Requests\",\"Dimensions\":[{\"Name\":"
		    "\"ServiceName\",\"Value\":\"momentum-prod-api\"}]},"
		    "\"Period\":60,\"Stat\":\"Sum\"}}", i ? "," : "",
		    i < 400 ? i : i == 400 ? 123 : 7);
	}
	buf_printf(&req, "],\"StartTime\":%.0f,\"EndTime\":%.0f}", NOW - 600,
	    NOW);
	assert_int_equal(test_sim_call(sim_cloudwatch_ops, "monitoring", w,
	    NOW, "GetMetricData", req.data, &r), -1);
	assert_int_equal(r.status, 400);
	assert_string_equal(r.error_message,
	    "The value q123 for field Id must be unique.");
	sim_reply_free(&r);
	buf_free(&req);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    gmd_serialize__day_of_every_metric__same_values_as_cjson),
		cmocka_unit_test(
		    gmd_serialize__duplicate_id_among_many__first_repeat_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
