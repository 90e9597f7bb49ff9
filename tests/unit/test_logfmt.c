/* Unit tests: the compact form of JSON log lines (src/model/logfmt.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model/logfmt.h"
#include "util/sanitize.h"
#include "util/util.h"

#include "testlib.h"

static void
expect_compact(const char *in, const char *want)
{
	char *got = log_json_compact(in);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
compact__momentum_api_line__level_logger_msg_then_members(void **state)
{
	(void)state;
	/* What the simulated api writes. */
	expect_compact("{\"level\":\"INFO\",\"time\":\"2026-11-25T12:18:03.160Z\","
	    "\"logger\":\"momentum.api\",\"msg\":\"goal updated\","
	    "\"user_id\":4411,\"goal_id\":\"g-93\",\"duration_ms\":12.5}",
	    "INFO momentum.api: goal updated user_id=4411 goal_id=g-93 "
	    "duration_ms=12.5");
	/* Other spellings: lower-case level, message, name, @timestamp. */
	expect_compact("{\"@timestamp\":\"x\",\"severity\":\"warning\","
	    "\"name\":\"worker\",\"message\":\"retrying\",\"attempt\":2}",
	    "WARNING worker: retrying attempt=2");
	/* pino's numeric levels. */
	expect_compact("{\"level\":50,\"time\":1,\"msg\":\"boom\"}",
	    "ERROR boom");
	expect_compact("{\"level\":30,\"msg\":\"ok\"}", "INFO ok");
	/* No message: the members alone. */
	expect_compact("{\"level\":\"debug\",\"a\":1,\"b\":true,\"c\":null}",
	    "DEBUG a=1 b=true c=null");
	/* Strings that need quotes keep them; nested values as JSON. */
	expect_compact("{\"msg\":\"m\",\"path\":\"/a b\",\"eq\":\"k=v\","
	    "\"empty\":\"\",\"err\":{\"code\":\"E1\",\"n\":[1,2]}}",
	    "m path=\"/a b\" eq=\"k=v\" empty=\"\" "
	    "err={\"code\":\"E1\",\"n\":[1,2]}");
	/* Surrounding spaces are fine. */
	expect_compact("  {\"msg\":\"x\"}  ", "x");
}

static void
compact__not_one_json_object__null(void **state)
{
	(void)state;
	expect_compact("10.0.1.2 - - [25/Nov/2026] \"GET / HTTP/1.1\" 200",
	    NULL);
	expect_compact("", NULL);
	expect_compact("{", NULL);
	expect_compact("{}", NULL);	/* nothing to show: raw */
	expect_compact("[1,2]", NULL);
	expect_compact("{\"msg\":\"cut", NULL);
	expect_compact("{\"msg\":\"a\"} {\"msg\":\"b\"}", NULL);
	expect_compact("{\"msg\":\"a\"} trailing}", NULL);
	expect_compact("{msg: 1}", NULL);
}

/*
 * JSON escapes can spell what the ingestion sanitizer already removed
 * from the raw text: escape sequences, bidi controls, line breaks.  The
 * compact text is sanitized again and stays on one line.
 */
static void
compact__escapes_spelling_controls__sanitized(void **state)
{
	const char *hostile[] = {
		"{\"msg\":\"\\u001b]0;pwned\\u0007 title\"}",
		"{\"msg\":\"\\u001b[2J\\u001b[H clear\"}",
		"{\"msg\":\"a\\u202eb\",\"k\":\"\\u009b31m\"}",
		"{\"msg\":\"line1\\nline2\\r\\nline3\"}",
		"{\"\\u001b[31mkey\":\"v\\u0000cut\"}",
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < nitems(hostile); i++) {
		got = log_json_compact(hostile[i]);
		assert_non_null(got);
		test_assert_terminal_safe(got);
		free(got);
	}
	/* The text itself survives around what was removed. */
	got = log_json_compact(hostile[3]);
	assert_non_null(strstr(got, "line1"));
	assert_non_null(strstr(got, "line3"));
	free(got);
}

/* A long line: every member shown, nothing cut here (the view cuts). */
static void
compact__long_line__all_members(void **state)
{
	struct buf b = { 0 };
	char *got;
	int i;

	(void)state;
	buf_puts(&b, "{\"msg\":\"many\"");
	for (i = 0; i < 500; i++)
		buf_printf(&b, ",\"k%d\":%d", i, i);
	buf_putc(&b, '}');
	got = log_json_compact(b.data);
	assert_non_null(got);
	assert_non_null(strstr(got, "many k0=0 k1=1 "));
	assert_non_null(strstr(got, " k499=499"));
	free(got);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    compact__momentum_api_line__level_logger_msg_then_members),
		cmocka_unit_test(compact__not_one_json_object__null),
		cmocka_unit_test(compact__escapes_spelling_controls__sanitized),
		cmocka_unit_test(compact__long_line__all_members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
