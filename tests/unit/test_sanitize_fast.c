/* text_sanitize's fast paths: byte-identical to the one-at-a-time path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/util.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;	/* xorshift64, fixed seed: reproducible */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Pieces that move the state machine, the decoder and the cap around. */
static const char *pieces[] = {
	"plain text ", "x", " ", "GET /index.html HTTP/1.1", "~", "\x7f",
	"\x1b", "\x1b[", "\x1b[31m", "\x1b[2J", "\x1b[?1049h", "\x1b[1;2",
	"\x1b]0;pwned\x07", "\x1b]52;c;aGVsbG8=\x07", "\x1b]8;;http://x\x1b\\",
	"\x1b]", "\x1b\\", "\x1bP", "\x1bPq#0;2;0;0;0\x1b\\", "\x1bX", "\x1b^",
	"\x1b_", "\x1bN", "\x1bO", "\x1b(B", "\x1b#8", "\x1b\x1b", "\x1b" "7",
	"\xc2\x9b", "\xc2\x9b" "31m", "\xc2\x9d" "0;t\xc2\x9c", "\xc2\x90",
	"\xc2\x8e", "\xc2\x85", "\x9b", "\x9d", "\x90", "\x07", "\x08", "\r",
	"\n", "\r\n", "\t", "\0", "\x01", "\x1f", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xae", "\xe2\x80\x8b", "\xe2\x81\xa6",
	"\xef\xbb\xbf", "\xef\xbf\xbe", "\xf3\xa0\x80\x81", "\xd8\x9c",
	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe4\xb8\xad",
	"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xf8\x88\x80\x80\x80", "\xff", "\xfe", "\x80", "\xbf", "\xc2",
	"\xe2\x82", "\xf0\x9f\x98", "\xe2", "[31m", "]0;", "\\",
};

static size_t
rnd_input(char *out, size_t max)
{
	size_t n = 0, l;
	const char *p;

	while (n < max) {
		switch (rnd() % 6) {
		case 0:
			out[n++] = (char)(rnd() & 0xff);
			break;
		case 1:
			out[n++] = (char)(0x20 + rnd() % 0x5f);
			break;
		default:
			p = pieces[rnd() % nitems(pieces)];
			/* Pieces with a NUL are one byte long ("\0"). */
			l = *p == '\0' ? 1 : strlen(p);
			if (n + l > max)
				return n;
			memcpy(out + n, p, l);
			n += l;
		}
	}
	return n;
}

/* One buffer for text_sanitize_buf across all calls: reuse is tested. */
static struct buf reused;

static void
assert_same(const char *in, size_t len)
{
	char *fast = text_sanitize(in, len);
	char *ref = text_sanitize_ref(in, len);
	size_t fl = strlen(fast), rl = strlen(ref), bl;

	if (fl != rl || memcmp(fast, ref, fl) != 0) {
		fprintf(stderr, "input of %zu bytes: fast %zu bytes, ref %zu "
		    "bytes\n", len, fl, rl);
		fail();
	}
	/* The reusable-buffer form: same bytes, length, terminator. */
	bl = text_sanitize_buf(&reused, in, len);
	assert_int_equal(bl, rl);
	assert_int_equal(reused.len, rl);
	assert_memory_equal(reused.data, ref, rl + 1);
	free(fast);
	free(ref);
}

/* Safe to print: valid UTF-8, no C0 but LF, no DEL, no C1. */
static void
assert_printable(const char *s)
{
	uint32_t cp;
	int n;

	while ((n = utf8_decode(s, &cp)) > 0) {
		assert_false(n == 1 && (unsigned char)*s >= 0x80);
		assert_true(cp == '\n' || cp >= 0x20);
		assert_false(cp >= 0x7f && cp <= 0x9f);
		assert_false(cp == 0x202e || cp == 0x200b || cp == 0x2066);
		s += n;
	}
}

static void
text_sanitize__random_hostile_strings__fast_same_as_reference(void **state)
{
	char buf[600], *out;
	size_t i, n;

	(void)state;
	for (i = 0; i < 100000; i++) {
		n = rnd_input(buf, 1 + rnd() % (i % 16 == 0 ? sizeof buf : 60));
		assert_same(buf, n);
		if (i % 64 == 0) {
			out = text_sanitize(buf, n);
			assert_printable(out);
			free(out);
		}
	}
}

static void
text_sanitize__random_bytes__fast_same_as_reference(void **state)
{
	char buf[256];
	size_t i, j, n;

	(void)state;
	for (i = 0; i < 50000; i++) {
		n = rnd() % sizeof buf;
		for (j = 0; j < n; j++) {
			/* Mostly printable ASCII, so runs start and stop
			 * everywhere. */
			buf[j] = (char)(rnd() % 4 != 0 ? 0x20 + rnd() % 0x5f :
			    rnd() & 0xff);
		}
		assert_same(buf, n);
	}
}

/*
 * Around the TEXT_MAX cap: ASCII runs, multi-byte characters, escape
 * sequences and dropped characters that end exactly at, just before and
 * just after the cap.
 */
static void
text_sanitize__around_the_cap__fast_same_as_reference(void **state)
{
	static const char *tails[] = {
		"a", "ab", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
		"\x1b[31m", "\x1b[31mz", "\xe2\x80\x8b", "\xe2\x80\x8bq", "\r",
		"\n", "\t", "\xff", "\x1b]0;t\aafter", "",
	};
	size_t size = TEXT_MAX + 64, base, t, k, l;
	char *buf = xmalloc(size + 16), *out;
	int delta;

	(void)state;
	for (delta = -6; delta <= 3; delta++) {
		for (t = 0; t < nitems(tails); t++) {
			for (k = 0; k < 3; k++) {
				/* Fill: ASCII only, then a few UTF-8 pieces. */
				base = (size_t)((int)TEXT_MAX + delta);
				memset(buf, k == 0 ? 'x' : ' ', base);
				if (k == 2)
					memcpy(buf + base - 8, "\xc3\xa9\x1b[1m\xe2\x82\xac",
					    8);
				l = strlen(tails[t]);
				memcpy(buf + base, tails[t], l);
				memcpy(buf + base + l, "tail", 4);
				assert_same(buf, base + l + 4);
				assert_same(buf, base + l);
				out = text_sanitize(buf, base + l + 4);
				assert_true(strlen(out) <= TEXT_MAX + 3);
				assert_printable(out);
				free(out);
			}
		}
	}
	/* A random hostile string far over the cap. */
	for (k = 0; k < 4; k++) {
		l = rnd_input(buf, size);
		assert_same(buf, l);
	}
	free(buf);
}

static void
text_sanitize__nul_and_empty__fast_same_as_reference(void **state)
{
	(void)state;
	assert_same("", 0);
	assert_same("a\0b", 3);
	assert_same("\0\0\0", 3);
	assert_same("\x1b[\0m", 4);
	assert_same("\x1b]0;\0\x07ok", 7);
	assert_same(NULL, 0);
}

/*
 * The eight-bytes-at-once scan: every byte value at every position of
 * a printable ASCII string spanning three words, before and after
 * escape sequences, so a wrong bound (0x1f/0x20, 0x7e/0x7f, 0x80, 0xff)
 * in any lane shows.
 */
static void
text_sanitize__every_byte_in_every_lane__fast_same_as_reference(void **state)
{
	char buf[40];
	size_t pos, len;
	unsigned b;

	(void)state;
	for (b = 0; b < 256; b++) {
		for (pos = 0; pos < 24; pos++) {
			for (len = pos + 1; len <= 26; len += 3) {
				memset(buf, 'a' + (char)(pos % 26), sizeof buf);
				buf[pos] = (char)b;
				assert_same(buf, len);
				buf[0] = '\x1b';	/* start in an escape */
				assert_same(buf, len);
				memcpy(buf, "\xc3\xa9", 2);	/* after UTF-8 */
				assert_same(buf, len);
			}
		}
	}
	buf_free(&reused);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_sanitize__random_hostile_strings__fast_same_as_reference),
		cmocka_unit_test(text_sanitize__random_bytes__fast_same_as_reference),
		cmocka_unit_test(text_sanitize__around_the_cap__fast_same_as_reference),
		cmocka_unit_test(text_sanitize__nul_and_empty__fast_same_as_reference),
		cmocka_unit_test(text_sanitize__every_byte_in_every_lane__fast_same_as_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
