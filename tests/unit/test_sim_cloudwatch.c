/* Unit tests for the simulator's GetMetricData (sim/cloudwatch.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/api.h"
#include "sim/world.h"
#include "util/util.h"

#define NOW 1795636800.0	/* 2026-11-25 20:00 UTC */

#define Q(id, name, stat, period) \
	"{\"Id\":\"" id "\",\"MetricStat\":{\"Metric\":{\"Namespace\":" \
	"\"AWS/AppRunner\",\"MetricName\":\"" name "\",\"Dimensions\":[{" \
	"\"Name\":\"ServiceName\",\"Value\":\"momentum-prod-api\"}]}," \
	"\"Period\":" #period ",\"Stat\":\"" stat "\"}}"

static int
gmd(struct sim_world *w, const char *queries, const char *extra,
    struct sim_reply *r)
{
	struct sim_call c;
	char *json = xasprintf("{\"MetricDataQueries\":[%s],\"StartTime\":%.0f,"
	    "\"EndTime\":%.0f%s}", queries, NOW - 3600, NOW, extra);
	cJSON *in = cJSON_Parse(json);
	int rc;

	assert_non_null(in);
	memset(&c, 0, sizeof c);
	memset(r, 0, sizeof *r);
	c.w = w;
	c.now = NOW;
	c.service = "monitoring";
	c.operation = "GetMetricData";
	assert_string_equal(sim_cloudwatch_ops[0].name, "GetMetricData");
	rc = sim_cloudwatch_ops[0].fn(&c, in, r);
	cJSON_Delete(in);
	free(json);
	if (rc == 0) {
		/* Arrays are raw JSON in the reply: look at what goes out. */
		char *body = cJSON_PrintUnformatted(r->json);

		cJSON_Delete(r->json);
		r->json = cJSON_Parse(body);
		assert_non_null(r->json);
		cJSON_free(body);
	}
	return rc;
}

static const cJSON *
result(const struct sim_reply *r, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(r->json,
	    "MetricDataResults"), i);
}

static void
gmd__stat_and_math__consistent(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	const cJSON *a, *b, *e, *ts;
	int i, n;

	(void)state;
	assert_int_equal(gmd(w, Q("m1", "5xxStatusResponses", "Sum", 60) ","
	    Q("m2", "Requests", "Sum", 60) ",{\"Id\":\"e1\",\"Expression\":"
	    "\"100*m1/m2\",\"Label\":\"rate\"}", ",\"ScanBy\":"
	    "\"TimestampAscending\"", &r), 0);
	a = result(&r, 0);
	b = result(&r, 1);
	e = result(&r, 2);
	assert_string_equal(cJSON_GetObjectItem(a, "Label")->valuestring,
	    "5xxStatusResponses");
	assert_string_equal(cJSON_GetObjectItem(e, "Label")->valuestring,
	    "rate");
	assert_string_equal(cJSON_GetObjectItem(e, "StatusCode")->valuestring,
	    "Complete");
	n = cJSON_GetArraySize(cJSON_GetObjectItem(b, "Values"));
	assert_int_equal(n, 60);
	ts = cJSON_GetObjectItem(b, "Timestamps");
	for (i = 0; i < n; i++) {
		double v1 = cJSON_GetArrayItem(cJSON_GetObjectItem(a, "Values"),
		    i)->valuedouble;
		double v2 = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "Values"),
		    i)->valuedouble;
		double ve = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "Values"),
		    i)->valuedouble;

		assert_true(fabs(ve - 100 * v1 / v2) < 1e-9);
		if (i > 0)
			assert_true(cJSON_GetArrayItem(ts, i)->valuedouble -
			    cJSON_GetArrayItem(ts, i - 1)->valuedouble == 60);
	}
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
gmd__default_descending__unknown_metric_empty(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	const cJSON *ts;

	(void)state;
	assert_int_equal(gmd(w, Q("m1", "Requests", "Sum", 300) ","
	    Q("m2", "NoSuchMetric", "Sum", 300), "", &r), 0);
	ts = cJSON_GetObjectItem(result(&r, 0), "Timestamps");
	assert_int_equal(cJSON_GetArraySize(ts), 12);
	assert_true(cJSON_GetArrayItem(ts, 0)->valuedouble >
	    cJSON_GetArrayItem(ts, 1)->valuedouble);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(result(&r, 1),
	    "Values")), 0);
	sim_reply_free(&r);
	sim_world_free(w);
}

static void
gmd__max_datapoints__paginates_without_loss(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	char extra[128];
	const char *q = Q("m1", "Requests", "Sum", 60) ","
	    Q("m2", "RequestLatency", "p99", 60);
	const cJSON *x;
	int total = 0, pages = 0;
	char tok[64] = "";

	(void)state;
	do {
		snprintf(extra, sizeof extra, ",\"MaxDatapoints\":25%s%s%s",
		    tok[0] ? ",\"NextToken\":\"" : "", tok, tok[0] ? "\"" : "");
		assert_int_equal(gmd(w, q, extra, &r), 0);
		cJSON_ArrayForEach(x, cJSON_GetObjectItem(r.json,
		    "MetricDataResults"))
			total += cJSON_GetArraySize(cJSON_GetObjectItem(x,
			    "Values"));
		tok[0] = '\0';
		if (cJSON_GetObjectItem(r.json, "NextToken") != NULL)
			snprintf(tok, sizeof tok, "%s", cJSON_GetObjectItem(
			    r.json, "NextToken")->valuestring);
		sim_reply_free(&r);
		pages++;
	} while (tok[0] != '\0' && pages < 20);
	assert_int_equal(total, 120);
	assert_int_equal(pages, 5);
	sim_world_free(w);
}

static void
gmd__bad_requests__validation_errors(void **state)
{
	struct sim_world *w = sim_world_new(2, 1, NOW);
	struct sim_reply r;
	struct buf many = { 0 };
	static const struct {
		const char *q, *extra, *type;
	} cases[] = {
		{ Q("m1", "Requests", "Sum", 61), "", "ValidationError" },
		{ Q("m1", "Requests", "tm99", 60), "", "ValidationError" },
		{ Q("m1", "Requests", "Sum", 60) "," Q("m1", "Requests", "Sum",
		    60), "", "ValidationError" },
		{ Q("M1", "Requests", "Sum", 60), "", "ValidationError" },
		{ "{\"Id\":\"e1\",\"Expression\":\"m1 +\"}", "",
		    "ValidationError" },
		{ "{\"Id\":\"e1\",\"Expression\":\"m9 * 2\"}", "",
		    "ValidationError" },
		{ "{\"Id\":\"e1\",\"Expression\":\"e2\"},{\"Id\":\"e2\","
		    "\"Expression\":\"e1\"}", "", "ValidationError" },
		{ Q("m1", "Requests", "Sum", 60), ",\"ScanBy\":\"Sideways\"",
		    "ValidationError" },
		{ Q("m1", "Requests", "Sum", 60), ",\"NextToken\":\"nope\"",
		    "InvalidNextToken" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		if (gmd(w, cases[i].q, cases[i].extra, &r) != -1)
			fail_msg("case %zu accepted", i);
		assert_string_equal(r.error_type, cases[i].type);
		sim_reply_free(&r);
	}
	for (i = 0; i < 501; i++)
		buf_printf(&many, "%s{\"Id\":\"q%zu\",\"Expression\":\"1\"}",
		    i ? "," : "", i);
	assert_int_equal(gmd(w, many.data, "", &r), -1);
	assert_non_null(strstr(r.error_message, "500"));
	sim_reply_free(&r);
	buf_free(&many);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gmd__stat_and_math__consistent),
		cmocka_unit_test(gmd__default_descending__unknown_metric_empty),
		cmocka_unit_test(gmd__max_datapoints__paginates_without_loss),
		cmocka_unit_test(gmd__bad_requests__validation_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
