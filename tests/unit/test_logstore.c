/* Log store: de-dup over overlapping windows, order, bounds, sanitizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/logstore.h"
#include "util/util.h"

static struct log_event_in
ev(int64_t ts, const char *id, const char *msg)
{
	struct log_event_in e = {
		.ts_ms = ts, .ingest_ms = ts + 5, .event_id = id,
		.group = "/aws/apprunner/momentum-prod-api/0123/application",
		.stream = "instance/abcdef0123456789", .message = msg,
		.message_len = strlen(msg),
	};
	return e;
}

static void
logstore_append__overlapping_windows__each_event_once(void **state)
{
	struct logstore *ls;
	struct log_event_in w1[] = {
		ev(1000, "e1", "one"), ev(2000, "e2", "two"), ev(3000, "e3", "three"),
	};
	/* next poll: startTime = newest - 60 s, so it sees e2, e3 again,
	 * plus a late event (e4 with an older timestamp than e3) and e5 */
	struct log_event_in w2[] = {
		ev(2000, "e2", "two"), ev(3000, "e3", "three"),
		ev(2500, "e4", "late"), ev(4000, "e5", "five"),
	};
	const struct log_line *l;

	(void)state;
	ls = logstore_new(0);
	assert_int_equal(logstore_max_lines(ls), LOGSTORE_DEFAULT_LINES);
	assert_int_equal(logstore_append(ls, w1, 3), 3);
	assert_int_equal(logstore_append(ls, w2, 4), 2);
	assert_int_equal(logstore_append(ls, w2, 4), 0);
	assert_int_equal(logstore_newest_ts(ls), 4000);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 5);
	l = logstore_line(ls, 2);
	assert_string_equal(l->message, "late");	/* in time order */
	assert_string_equal(l->event_id, "e4");
	assert_string_equal(l->source, "application/abcdef01");
	assert_int_equal(l->ingest_ms, 2505);
	assert_string_equal(logstore_line(ls, 3)->message, "three");
	assert_null(logstore_line(ls, 5));
	logstore_unlock(ls);
	logstore_free(ls);
}

static void
logstore_append__over_capacity__oldest_evicted_and_not_readded(void **state)
{
	struct logstore *ls;
	struct log_event_in e;
	char id[32], msg[32];
	uint64_t gen;
	int i;

	(void)state;
	ls = logstore_new(100);
	for (i = 0; i < 250; i++) {
		snprintf(id, sizeof id, "id%d", i);
		snprintf(msg, sizeof msg, "line %d", i);
		e = ev(10000 + i, id, msg);
		logstore_append(ls, &e, 1);
	}
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 100);
	assert_string_equal(logstore_line(ls, 0)->message, "line 150");
	assert_string_equal(logstore_line(ls, 99)->message, "line 249");
	logstore_unlock(ls);
	/* an evicted event comes back in an overlapping window: dropped */
	gen = logstore_generation(ls);
	e = ev(10003, "id3", "line 3");
	assert_int_equal(logstore_append(ls, &e, 1), 0);
	assert_int_equal(logstore_generation(ls), gen);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 100);
	logstore_unlock(ls);
	/* evicted ids left the de-dup set: no unbounded growth, and a
	 * newer event with a reused id is accepted */
	e = ev(20000, "id0", "reused id");
	assert_int_equal(logstore_append(ls, &e, 1), 1);
	logstore_free(ls);
}

static void
logstore_append__multiline_and_escapes__split_and_sanitized(void **state)
{
	struct logstore *ls;
	struct log_event_in e;
	const struct log_line *l;
	const char *raw = "ERROR boom\033]0;pwned\007\n  at f()\r\n  at g()\n\n";
	size_t i;

	(void)state;
	ls = logstore_new(10);
	e = ev(5, "m1", raw);
	assert_int_equal(logstore_append(ls, &e, 1), 1);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 3);
	l = logstore_line(ls, 0);
	assert_string_equal(l->message, "ERROR boom");
	assert_false(l->cont);
	assert_int_equal(l->level, LOG_LEVEL_ERROR);
	l = logstore_line(ls, 1);
	assert_string_equal(l->message, "  at f()");
	assert_true(l->cont);
	assert_int_equal(l->level, LOG_LEVEL_ERROR);
	assert_string_equal(logstore_line(ls, 2)->message, "  at g()");
	for (i = 0; i < 3; i++)
		assert_null(strpbrk(logstore_line(ls, i)->message,
		    "\033\007\r\n"));
	logstore_unlock(ls);
	logstore_free(ls);
}

static void
logstore_find__position_survives_inserts_before(void **state)
{
	struct logstore *ls;
	struct log_event_in e[3] = { ev(100, "a", "a"), ev(200, "b", "b"),
	    ev(300, "c", "c") };
	struct log_event_in late = ev(150, "d", "d");
	const struct log_line *top;
	int64_t ts;
	uint64_t seq;

	(void)state;
	ls = logstore_new(10);
	logstore_append(ls, e, 3);
	logstore_lock(ls);
	top = logstore_line(ls, 1);	/* paused view's top line: "b" */
	ts = top->ts_ms;
	seq = top->seq;
	logstore_unlock(ls);
	logstore_append(ls, &late, 1);	/* lands before "b" */
	logstore_lock(ls);
	assert_int_equal(logstore_find(ls, ts, seq), 2);
	assert_string_equal(logstore_line(ls, 2)->message, "b");
	assert_int_equal(logstore_find(ls, 1000, 0), 4);
	logstore_unlock(ls);
	logstore_free(ls);
}

static void
logstore_status__clear_and_errors__reported(void **state)
{
	struct logstore *ls;
	struct logstore_status st;
	struct log_event_in e = ev(1, "x", "x");

	(void)state;
	ls = logstore_new(10);
	logstore_append(ls, &e, 1);
	logstore_clear(ls, 2, "api", "ERROR");
	logstore_set_status(ls, 1234, NULL, NULL);
	logstore_set_status(ls, 2345, "ThrottlingException: slow\033[2J down",
	    "throttled");
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 0);
	logstore_get_status(ls, &st);
	logstore_unlock(ls);
	assert_int_equal(st.env, 2);
	assert_string_equal(st.role, "api");
	assert_string_equal(st.filter, "ERROR");
	assert_int_equal(st.fetched_at_ms, 1234);
	assert_int_equal(st.attempted_at_ms, 2345);
	assert_string_equal(st.error, "ThrottlingException: slow down");
	assert_string_equal(st.error_short, "throttled");
	assert_int_equal(st.calls, 2);
	logstore_status_clear(&st);
	logstore_clear(ls, 0, NULL, NULL);
	logstore_lock(ls);
	logstore_get_status(ls, &st);
	logstore_unlock(ls);
	assert_int_equal(st.env, -1);
	assert_null(st.role);
	logstore_status_clear(&st);
	logstore_free(ls);
}

static void
log_level_guess__first_level_word__wins(void **state)
{
	(void)state;
	assert_int_equal(log_level_guess("INFO retrying after error", 25),
	    LOG_LEVEL_INFO);
	assert_int_equal(log_level_guess("{\"level\":\"warn\",\"x\":1}", 22),
	    LOG_LEVEL_WARN);
	assert_int_equal(log_level_guess("[ERROR] db down", 15),
	    LOG_LEVEL_ERROR);
	assert_int_equal(log_level_guess("terrorism", 9), LOG_LEVEL_NONE);
	assert_int_equal(log_level_guess("GET /health 200", 15),
	    LOG_LEVEL_NONE);
	assert_int_equal(log_level_guess("debug: x", 8), LOG_LEVEL_DEBUG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(logstore_append__overlapping_windows__each_event_once),
		cmocka_unit_test(logstore_append__over_capacity__oldest_evicted_and_not_readded),
		cmocka_unit_test(logstore_append__multiline_and_escapes__split_and_sanitized),
		cmocka_unit_test(logstore_find__position_survives_inserts_before),
		cmocka_unit_test(logstore_status__clear_and_errors__reported),
		cmocka_unit_test(log_level_guess__first_level_word__wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
