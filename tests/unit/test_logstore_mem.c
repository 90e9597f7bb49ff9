/* Log store layout and level guess: same results as the plain versions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/logstore.h"
#include "util/sanitize.h"
#include "util/util.h"

#include "ref_level.h"

/* The source name as first written: xasprintf, then sanitize. */
static char *
ref_source(const char *group, const char *stream)
{
	const char *g = "", *s = "", *p;
	char *raw, *out;

	if (group != NULL) {
		g = group;
		if ((p = strrchr(group, '/')) != NULL && p[1] != '\0')
			g = p + 1;
	}
	if (stream != NULL) {
		s = stream;
		if ((p = strrchr(stream, '/')) != NULL && p[1] != '\0')
			s = p + 1;
	}
	if (*s != '\0')
		raw = xasprintf("%.24s/%.8s", g, s);
	else
		raw = xasprintf("%.24s", g);
	out = text_sanitize_line(raw, strlen(raw));
	free(raw);
	return out;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;	/* xorshift64, fixed seed: reproducible */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Random text built from level words, their near misses and noise. */
static size_t
rnd_text(char *out, size_t max)
{
	static const char *parts[] = {
		"ERROR", "error", "ErRoR", "ERR", "err", "ERRORS", "errno",
		"FATAL", "fatal", "CRITICAL", "critical", "PANIC", "panic",
		"WARNING", "warning", "WARN", "warn", "WARNED", "INFO", "info",
		"INFORM", "NOTICE", "notice", "DEBUG", "debug", "TRACE",
		"trace", "traceback", "level=", "[", "]", " ", "  ", "_", "-",
		"1", "42", "x", "\xc3\xa9", "\xe2\x80\x8b", "\x1b[31m", "\n",
		"\t", ":", "=", "\"", "{", "}", "@", "`", "\xff", "\x80",
		"Error", "iNfO", "dEbUg", "crit", "pan", "not", "tra",
	};
	size_t n = 0, l;
	const char *p;

	while (n < max) {
		if (rnd() % 8 == 0) {
			out[n++] = (char)(rnd() & 0xff);
			continue;
		}
		p = parts[rnd() % nitems(parts)];
		l = strlen(p);
		if (n + l > max)
			break;
		memcpy(out + n, p, l);
		n += l;
	}
	return n;
}

static void
log_level_guess__random_and_hostile__same_as_plain_scan(void **state)
{
	static const char *fixed[] = {
		"", "E", "ERR", "ERROR", "ERRORS", "xERROR", "1ERROR", "ERROR1",
		"_ERROR_", "error:", "INFO retrying after error",
		"warning: WARN", "WARNINGS WARN", "level=debug", "\xff" "ERROR",
		"\xc3\xa9" "ERROR", "traceback TRACE", "noticed NOTICE",
	};
	char buf[400];
	size_t i, n, cut;

	(void)state;
	for (i = 0; i < nitems(fixed); i++)
		assert_int_equal(log_level_guess(fixed[i], strlen(fixed[i])),
		    ref_level_guess(fixed[i], strlen(fixed[i])));
	for (i = 0; i < 200000; i++) {
		n = rnd_text(buf, 1 + rnd() % (i % 10 == 0 ? 300 : 40));
		assert_int_equal(log_level_guess(buf, n),
		    ref_level_guess(buf, n));
		/* Cut inside a word: the window's end is a word end. */
		cut = n > 0 ? rnd() % n : 0;
		assert_int_equal(log_level_guess(buf, cut),
		    ref_level_guess(buf, cut));
	}
	/* Only 256 bytes are looked at, and its end is a word end. */
	memset(buf, ' ', sizeof buf);
	memcpy(buf + 254, "ERRORS", 6);	/* "ER" is inside */
	assert_int_equal(log_level_guess(buf, 300), ref_level_guess(buf, 300));
	assert_int_equal(log_level_guess(buf, 300), LOG_LEVEL_NONE);
	memcpy(buf + 251, "ERRORS", 6);	/* "ERROR" is inside */
	assert_int_equal(log_level_guess(buf, 300), ref_level_guess(buf, 300));
	assert_int_equal(log_level_guess(buf, 300), LOG_LEVEL_ERROR);
}

static void
logstore_source__random_and_hostile_names__same_as_plain_format(void **state)
{
	static const char *names[] = {
		"/aws/apprunner/momentum-prod-api/0123/application",
		"instance/abcdef0123456789", "", "/", "a/", "/b",
		"\x1b]0;pwned\x07title", "x\x1b[2Jy/\xe2\x80\xae" "evil",
		"\xe2\x80\x8bzero\xe2\x80\x8bwidth/\xe2\x80\x8b\xe2\x80\x8b",
		"twenty-four-bytes-exactly/0123456789abcdef\xc3\xa9\xc3\xa9",
		"stream/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"line\nbreak/cr\rlf", "tab\there/\t\t\t", NULL,
	};
	struct logstore *ls;
	struct log_event_in e;
	const struct log_line *l;
	char id[32], *want;
	size_t i, g, s, k;

	(void)state;
	ls = logstore_new(50);
	for (i = 0; i < 2000; i++) {
		g = rnd() % nitems(names);
		s = rnd() % nitems(names);
		snprintf(id, sizeof id, "ev%zu", i);
		memset(&e, 0, sizeof e);
		e.ts_ms = (int64_t)i;
		e.event_id = id;
		e.group = names[g];
		e.stream = names[s];
		e.message = "m";
		e.message_len = 1;
		assert_int_equal(logstore_append(ls, &e, 1), 1);
		want = ref_source(names[g], names[s]);
		logstore_lock(ls);
		k = logstore_count(ls) - 1;
		l = logstore_line(ls, k);
		assert_int_equal(l->ts_ms, (int64_t)i);
		assert_string_equal(l->source, want);
		assert_string_equal(l->event_id, id);
		logstore_unlock(ls);
		free(want);
	}
	logstore_free(ls);
}

static void
logstore_source__same_stream__one_shared_string(void **state)
{
	struct logstore *ls;
	struct log_event_in e[3];
	const char *a, *b, *c;
	size_t i;

	(void)state;
	ls = logstore_new(10);
	memset(e, 0, sizeof e);
	for (i = 0; i < 3; i++) {
		e[i].ts_ms = (int64_t)i;
		e[i].group = "/aws/apprunner/svc/id/application";
		e[i].stream = i < 2 ? "instance/aaaaaaaa11" : "instance/bbbbbbbb22";
		e[i].message = "x";
		e[i].message_len = 1;
	}
	assert_int_equal(logstore_append(ls, e, 3), 3);
	logstore_lock(ls);
	a = logstore_line(ls, 0)->source;
	b = logstore_line(ls, 1)->source;
	c = logstore_line(ls, 2)->source;
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, c);
	assert_string_equal(a, "application/aaaaaaaa");
	assert_string_equal(c, "application/bbbbbbbb");
	/* No event id: never a duplicate, and an empty id for the view. */
	assert_string_equal(logstore_line(ls, 0)->event_id, "");
	logstore_unlock(ls);
	assert_int_equal(logstore_append(ls, e, 3), 3);
	logstore_free(ls);
}

static void
logstore_append__evict_and_refill__sources_and_ids_reused(void **state)
{
	struct logstore *ls;
	struct log_event_in e;
	char id[64], stream[32];
	size_t i;

	(void)state;
	/* Many streams come and go: interned names are freed with their
	 * last event (ASan's leak check sees any that are not). */
	ls = logstore_new(100);
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "%056zu", i);
		snprintf(stream, sizeof stream, "instance/%08zu", i / 7);
		memset(&e, 0, sizeof e);
		e.ts_ms = (int64_t)i;
		e.event_id = id;
		e.group = "/g";
		e.stream = stream;
		e.message = "one\ntwo";
		e.message_len = 7;
		assert_int_equal(logstore_append(ls, &e, 1), 1);
		/* The same event again is still a duplicate. */
		assert_int_equal(logstore_append(ls, &e, 1), 0);
	}
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 100);
	assert_string_equal(logstore_line(ls, 99)->message, "two");
	assert_true(logstore_line(ls, 99)->cont);
	assert_string_equal(logstore_line(ls, 99)->source, "g/00000714");
	logstore_unlock(ls);
	logstore_clear(ls, 0, "api", NULL);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), 0);
	logstore_unlock(ls);
	/* After a clear, nothing is a duplicate any more. */
	assert_int_equal(logstore_append(ls, &e, 1), 1);
	logstore_free(ls);
}

static void
logstore_append__out_of_order__sorted_by_time_then_arrival(void **state)
{
	static const int64_t ts[] = { 5, 3, 5, 9, 1, 9, 3, 10, 0, 10 };
	struct logstore *ls;
	struct log_event_in e[nitems(ts)];
	const struct log_line *l, *prev = NULL;
	size_t i;

	(void)state;
	ls = logstore_new(0);
	memset(e, 0, sizeof e);
	for (i = 0; i < nitems(ts); i++) {
		e[i].ts_ms = ts[i];
		e[i].message = "x";
		e[i].message_len = 1;
	}
	for (i = 0; i < nitems(ts); i++)
		assert_int_equal(logstore_append(ls, &e[i], 1), 1);
	logstore_lock(ls);
	assert_int_equal(logstore_count(ls), nitems(ts));
	for (i = 0; i < logstore_count(ls); i++) {
		l = logstore_line(ls, i);
		if (prev != NULL)
			assert_true(prev->ts_ms < l->ts_ms ||
			    (prev->ts_ms == l->ts_ms && prev->seq < l->seq));
		prev = l;
	}
	logstore_unlock(ls);
	logstore_free(ls);
}

/*
 * A stream whose clock is far ahead: one event of each page is newer
 * than everything else and outlives the rest of its page, pinning the
 * chunk it was stored in.  The store compacts: its bytes stay bounded by
 * the lines it holds, and every line, source and id survives the moves
 * (de-dup included).
 */
static void
logstore_append__far_future_lines_pin_chunks__compacted_and_intact(
    void **state)
{
	enum { PAGES = 150, PER = 60, MAX = 400 };
	struct logstore *ls;
	struct log_event_in e[PER];
	char ids[PER][64], msgs[PER][700], stream[PER][32];
	const struct log_line *l;
	size_t p, i, max_bytes = 0, b, lines;
	unsigned long long k, j;
	int64_t ts;

	(void)state;
	ls = logstore_new(MAX);
	for (p = 0; p < PAGES; p++) {
		memset(e, 0, sizeof e);
		for (i = 0; i < PER; i++) {
			/* Event 0 of a page is 10^9 ms ahead of the rest. */
			ts = i == 0 ? 1000000000 + (int64_t)p :
			    (int64_t)(p * PER + i);
			snprintf(ids[i], sizeof ids[i], "%056zu", p * PER + i);
			snprintf(stream[i], sizeof stream[i], "i/%03zu", i % 5);
			snprintf(msgs[i], sizeof msgs[i],
			    "event %zu of page %zu %0600d\nsecond", i, p, 0);
			e[i].ts_ms = ts;
			e[i].event_id = ids[i];
			e[i].group = "/aws/g";
			e[i].stream = stream[i];
			e[i].message = msgs[i];
			e[i].message_len = strlen(msgs[i]);
		}
		assert_int_equal(logstore_append(ls, e, PER), PER);
		/* The same page again: all duplicates, also after moves. */
		assert_int_equal(logstore_append(ls, e, PER), 0);
		logstore_lock(ls);
		b = logstore_bytes(ls);
		if (b > max_bytes)
			max_bytes = b;
		lines = logstore_count(ls);
		for (i = 0; i < lines; i++) {
			l = logstore_line(ls, i);
			if (l->cont) {
				assert_string_equal(l->message, "second");
				continue;
			}
			assert_int_equal(sscanf(l->message, "event %llu of "
			    "page %llu", &k, &j), 2);
			assert_int_equal(strtoull(l->event_id, NULL, 10),
			    j * PER + k);
			assert_int_equal(l->ts_ms, k == 0 ?
			    1000000000 + (int64_t)j : (int64_t)(j * PER + k));
			assert_true(l->source[0] == 'g' && l->source[1] == '/');
			assert_int_equal(l->source[4] - '0', (int)(k % 5));
		}
		logstore_unlock(ls);
	}
	/*
	 * At most 400 lines of about 700 bytes.  Without compaction
	 * nearly every page (43 KB) would keep a chunk: over 6 MB.
	 */
	assert_true(max_bytes < 2 * 1024 * 1024);
	logstore_free(ls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_level_guess__random_and_hostile__same_as_plain_scan),
		cmocka_unit_test(logstore_source__random_and_hostile_names__same_as_plain_format),
		cmocka_unit_test(logstore_source__same_stream__one_shared_string),
		cmocka_unit_test(logstore_append__evict_and_refill__sources_and_ids_reused),
		cmocka_unit_test(logstore_append__out_of_order__sorted_by_time_then_arrival),
		cmocka_unit_test(logstore_append__far_future_lines_pin_chunks__compacted_and_intact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
