/* CloudWatch Logs parsers against canned responses, into the log store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

#include "aws/logs.h"
#include "util/util.h"

static cJSON *
load(const char *rel)
{
	return test_load_json(rel);
}

static void
logs_filter_request__window_and_pattern__exact_json(void **state)
{
	cJSON *r;
	char *txt;

	(void)state;
	r = logs_filter_request("/g", 1764000000000, 0, "ERROR", NULL, 0);
	txt = cJSON_PrintUnformatted(r);
	assert_string_equal(txt, "{\"logGroupName\":\"/g\",\"startTime\":"
	    "1764000000000,\"filterPattern\":\"ERROR\",\"limit\":1000}");
	free(txt);
	cJSON_Delete(r);
	r = logs_filter_request("/g", 5, 9, "", "tok", 50);
	txt = cJSON_PrintUnformatted(r);
	assert_string_equal(txt, "{\"logGroupName\":\"/g\",\"startTime\":5,"
	    "\"endTime\":9,\"nextToken\":\"tok\",\"limit\":50}");
	free(txt);
	cJSON_Delete(r);
}

static void
logs_parse_filter__canned__events_into_store(void **state)
{
	cJSON *j = load("logs/filter_log_events.json");
	struct log_event_in *ev;
	struct logstore *ls;
	const struct log_line *l;
	const char *next;
	char *cause = NULL;
	size_t n, i;

	(void)state;
	assert_int_equal(logs_parse_filter(j, "/aws/apprunner/x/y/application",
	    &ev, &n, &next, &cause), 0);
	assert_int_equal(n, 3);		/* the one without a message is skipped */
	assert_string_equal(next, "tok-2");
	assert_int_equal(ev[0].ts_ms, 1764000000123);
	assert_int_equal(ev[0].ingest_ms, 1764000000500);
	assert_string_equal(ev[1].stream, "instance/9f8e7d6c5b4a");

	ls = logstore_new(100);
	assert_int_equal(logstore_append(ls, ev, n), 3);
	/* the same page again (overlapping window): nothing new */
	assert_int_equal(logstore_append(ls, ev, n), 0);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 4);	/* ERROR event has 2 lines */
	l = logstore_line(ls, 1);
	assert_string_equal(l->message, "clipboard attack");
	assert_string_equal(l->source, "application/1a2b3c4d");
	assert_string_equal(logstore_line(ls, 2)->message,
	    "ERROR upstream timeout");
	assert_int_equal(logstore_line(ls, 2)->level, LOG_LEVEL_ERROR);
	assert_true(logstore_line(ls, 3)->cont);
	for (i = 0; i < logstore_count(ls); i++)
		assert_null(strchr(logstore_line(ls, i)->message, '\033'));
	logstore_unlock(ls);
	logstore_free(ls);
	free(ev);
	cJSON_Delete(j);

	j = cJSON_Parse("[]");
	assert_int_equal(logs_parse_filter(j, "/g", &ev, &n, &next, &cause),
	    -1);
	free(cause);
	cJSON_Delete(j);
}

static void
logs_parse_describe_log_groups__canned__names(void **state)
{
	cJSON *j = load("logs/describe_log_groups.json");
	char **names, *cause = NULL, *g;
	size_t n;

	(void)state;
	assert_int_equal(logs_parse_describe_log_groups(j, &names, &n, &cause),
	    0);
	assert_int_equal(n, 2);
	g = logs_apprunner_group("momentum-prod-api",
	    "8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5");
	assert_string_equal(names[0], g);
	free(g);
	free(names[0]);
	free(names[1]);
	free(names);
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logs_filter_request__window_and_pattern__exact_json),
		cmocka_unit_test(logs_parse_filter__canned__events_into_store),
		cmocka_unit_test(logs_parse_describe_log_groups__canned__names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
