/*
 * Unit test: the log store under out-of-order, duplicated, huge and
 * hostile events, checking every held line against its event after each
 * batch (chunk compaction, eviction, clears and de-dup included).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/logstore.h"
#include "util/sanitize.h"
#include "util/util.h"

#include "testlib.h"

#define NEV		4000
#define MAX_EVENT_LINES	200	/* LOGSTORE_MAX_EVENT_LINES */
#define MAX_RAW		65536	/* LOGSTORE_MAX_RAW */

struct stress {
	char		*ids[NEV], *msgs[NEV];
	size_t		 mlen[NEV];
	int64_t		 ts[NEV];
	uint64_t	 rng;
};

static unsigned
rnd(struct stress *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (unsigned)s->rng;
}

/*
 * Event k: mostly short lines, one in ten over 64 KB (cut by the store),
 * with newlines, ESC, C1 CSI; ids of 1-200 digits or the usual 56; one
 * in twenty far in the future (it pins its chunk: compaction).
 */
static void
make_event(struct stress *s, int k)
{
	unsigned kind = rnd(s) % 10, c;
	size_t n, i;
	char *m;

	n = kind == 0 ? 70000 + rnd(s) % 70000 : kind == 1 ? rnd(s) % 4000 :
	    rnd(s) % 300;
	m = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		c = rnd(s) % 100;
		m[i] = c < 3 ? '\n' : c < 4 ? 0x1b : c < 5 ? (char)0xc2 :
		    c < 6 ? (char)0x9b : (char)('a' + rnd(s) % 26);
	}
	m[n] = '\0';
	s->msgs[k] = m;
	s->mlen[k] = n;
	s->ids[k] = xasprintf("%0*d",
	    (int)(rnd(s) % 3 == 0 ? 1 + rnd(s) % 200 : 56), k);
	s->ts[k] = rnd(s) % 20 == 0 ? 1000000000 + (int64_t)k :
	    (int64_t)k - (int64_t)(rnd(s) % 500);
}

/* The k held lines v[] of event id are the last k lines of its text. */
static void
check_event(struct stress *s, const struct log_line **v, size_t k, long id)
{
	char *san, *lines[MAX_EVENT_LINES + 1], *p, *q;
	size_t sl, nl = 0, i;

	san = text_sanitize(s->msgs[id], s->mlen[id] > MAX_RAW ? MAX_RAW :
	    s->mlen[id]);
	sl = strlen(san);
	while (sl > 0 && san[sl - 1] == '\n')
		san[--sl] = '\0';
	p = san;
	for (;;) {
		lines[nl++] = p;
		p = strchr(p, '\n');
		if (p == NULL || nl == MAX_EVENT_LINES)
			break;
		*p++ = '\0';
	}
	if (p != NULL && nl == MAX_EVENT_LINES &&
	    (q = strchr(lines[MAX_EVENT_LINES - 1], '\n')) != NULL)
		*q = '\0';
	assert_true(k <= nl);
	for (i = 0; i < k; i++) {
		assert_string_equal(v[i]->message, lines[nl - k + i]);
		assert_int_equal(v[i]->cont, nl - k + i > 0);
		assert_true(v[i]->ts_ms == s->ts[id]);
	}
	free(san);
}

/* Every held line: order, no control bytes, and its event's text. */
static void
check_store(struct stress *s, struct logstore *ls, size_t max)
{
	const struct log_line *prev = NULL, *l, *f, *v[MAX_EVENT_LINES + 1];
	size_t i, st, k, cnt = logstore_count(ls);

	assert_true(cnt <= max);
	for (i = 0; i < cnt; i++) {
		l = logstore_line(ls, i);
		if (prev != NULL)
			assert_true(prev->ts_ms < l->ts_ms ||
			    (prev->ts_ms == l->ts_ms && prev->seq < l->seq));
		test_assert_terminal_safe(l->message);
		assert_null(strchr(l->source, 0x1b));
		prev = l;
	}
	for (i = 0; i < cnt; i = st) {
		f = logstore_line(ls, i);
		k = 0;
		for (st = i; st < cnt &&
		    logstore_line(ls, st)->event_id == f->event_id; st++) {
			assert_true(k <= MAX_EVENT_LINES);
			v[k++] = logstore_line(ls, st);
		}
		if (f->event_id[0] != '\0')
			check_event(s, v, k, strtol(f->event_id, NULL, 10));
	}
}

static void
stress(uint64_t seed, size_t max)
{
	struct stress *s = calloc(1, sizeof *s);
	struct logstore *ls = logstore_new(max);
	struct log_event_in ev[128], re[64];
	const struct log_line *l;
	int k = 0, round, n, j;
	size_t i, m;
	long id;

	assert_non_null(s);
	s->rng = 88172645463325252ULL ^ (seed * 0x9e3779b97f4a7c15ULL);
	for (round = 0; k < NEV; round++) {
		n = 1 + (int)(rnd(s) % 100);
		memset(ev, 0, sizeof ev);
		for (j = 0; j < n && k < NEV; j++, k++) {
			make_event(s, k);
			ev[j].event_id = rnd(s) % 50 == 0 ? NULL : s->ids[k];
			ev[j].ts_ms = s->ts[k];
			ev[j].group = "/aws/g";
			ev[j].stream = (rnd(s) & 1) ? "i/a" : "x/\x1b[3mb";
			ev[j].message = s->msgs[k];
			ev[j].message_len = s->mlen[k];
		}
		logstore_append(ls, ev, (size_t)j);
		if (round % 97 == 96)
			logstore_clear(ls, 0, "api", NULL);
		logstore_lock(ls);
		check_store(s, ls, max);
		/* Held events sent again are all duplicates. */
		m = 0;
		for (i = 0; i < logstore_count(ls) && m < nitems(re);
		    i += 1 + rnd(s) % 7) {
			l = logstore_line(ls, i);
			if (l->event_id[0] == '\0')
				continue;
			id = strtol(l->event_id, NULL, 10);
			memset(&re[m], 0, sizeof re[m]);
			re[m].event_id = s->ids[id];
			re[m].ts_ms = s->ts[id];
			re[m].message = "dup";
			re[m].message_len = 3;
			m++;
		}
		logstore_unlock(ls);
		assert_int_equal(logstore_append(ls, re, m), 0);
	}
	logstore_free(ls);
	for (k = 0; k < NEV; k++) {
		free(s->ids[k]);
		free(s->msgs[k]);
	}
	free(s);
}

static void
stress__tiny_scrollback__every_line_checked(void **state)
{
	(void)state;
	stress(1, 1);
	stress(2, 7);
}

static void
stress__small_scrollback__every_line_checked(void **state)
{
	(void)state;
	stress(3, 50);
	stress(4, 300);
}

static void
stress__large_scrollback__every_line_checked(void **state)
{
	(void)state;
	stress(5, 2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stress__tiny_scrollback__every_line_checked),
		cmocka_unit_test(stress__small_scrollback__every_line_checked),
		cmocka_unit_test(stress__large_scrollback__every_line_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
