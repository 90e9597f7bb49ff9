/* Unit tests for the remote-text sanitizer and column measuring. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sanitize.h"
#include "util/util.h"

/* Sanitize a C string literal (length taken with sizeof - 1 so NULs count). */
#define SAN(lit) text_sanitize((lit), sizeof(lit) - 1)

static void
expect_san(const char *in, size_t len, const char *want)
{
	char *got = text_sanitize(in, len);

	assert_string_equal(got, want);
	free(got);
}
#define EXPECT(lit, want) expect_san((lit), sizeof(lit) - 1, (want))

/* No byte a terminal treats as a control may survive, except LF. */
static void
assert_no_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int n;

	for (; *p != '\0'; p++)
		assert_true(*p >= 0x20 || *p == '\n');
	while ((n = utf8_decode(s, &cp)) > 0) {
		assert_false(cp >= 0x7f && cp <= 0x9f);
		s += n;
	}
}

static void
text_sanitize__plain_ascii__unchanged(void **state)
{
	EXPECT("GET /api/users 200 12ms", "GET /api/users 200 12ms");
	EXPECT("", "");
}

static void
text_sanitize__null__empty_string(void **state)
{
	char *s = text_sanitize(NULL, 5);

	assert_string_equal(s, "");
	free(s);
}

static void
text_sanitize__sgr_colour__removed_without_residue(void **state)
{
	EXPECT("\033[31mERROR\033[0m done", "ERROR done");
	EXPECT("\033[38;2;255;0;0mred", "red");
	EXPECT("a\033[?1049hb", "ab");   /* alternate screen */
	EXPECT("x\033[2J\033[Hy", "xy"); /* clear + home */
}

static void
text_sanitize__osc52_clipboard__removed(void **state)
{
	EXPECT("pre\033]52;c;ZWNobyBoYWNrZWQ=\007post", "prepost");
	EXPECT("pre\033]52;c;ZWNobyBoYWNrZWQ=\033\\post", "prepost");
}

static void
text_sanitize__osc_title_set__removed(void **state)
{
	EXPECT("\033]0;pwned\007log line", "log line");
	EXPECT("\033]2;title\033\\log", "log");
	/* OSC 8 hyperlink: the visible text stays, the URL goes. */
	EXPECT("\033]8;;http://evil/\033\\click\033]8;;\033\\", "click");
}

static void
text_sanitize__dcs_and_apc__removed(void **state)
{
	EXPECT("a\033P+q544e\033\\b", "ab");
	EXPECT("a\033_apc payload\033\\b", "ab");
	EXPECT("a\033^pm\033\\b", "ab");
	EXPECT("a\033Xsos\033\\b", "ab");
}

static void
text_sanitize__short_escapes__removed(void **state)
{
	EXPECT("a\033cb", "ab");        /* RIS: full reset */
	EXPECT("a\0337b\0338c", "abc"); /* save/restore cursor */
	EXPECT("a\033(0b", "ab");       /* line drawing charset */
	EXPECT("a\033#8b", "ab");       /* DECALN */
	EXPECT("a\033Nxb", "ab");       /* SS2 + char */
	EXPECT("trailing\033", "trailing");
}

static void
text_sanitize__unterminated_osc__stops_at_newline(void **state)
{
	EXPECT("a\033]0;never ends\nnext", "a\nnext");
	EXPECT("a\033]0;never ends", "a");
}

static void
text_sanitize__c1_controls_utf8__sequences_consumed(void **state)
{
	/* U+009B is CSI, U+009D is OSC, U+009C is ST. */
	EXPECT("a\xc2\x9b"
	       "31mb",
	       "ab");
	EXPECT("a\xc2\x9d"
	       "0;title\xc2\x9c"
	       "b",
	       "ab");
	EXPECT("a\xc2\x90"
	       "dcs\xc2\x9c"
	       "b",
	       "ab");
	/* Other C1 controls become visible U+FFFD. */
	EXPECT("a\xc2\x85"
	       "b",
	       "a\xef\xbf\xbd"
	       "b");
}

static void
text_sanitize__raw_c1_bytes__replacement(void **state)
{
	/* A raw 0x9b byte is invalid UTF-8: U+FFFD, never CSI. */
	EXPECT("a\x9b"
	       "31mb",
	       "a\xef\xbf\xbd"
	       "31mb");
}

static void
text_sanitize__c0_controls__replaced_tab_cr_lf_handled(void **state)
{
	EXPECT("a\tb", "a b");
	EXPECT("a\r\nb", "a\nb");
	EXPECT("over\rwrite", "overwrite");
	EXPECT("bell\007", "bell\xef\xbf\xbd");
	EXPECT("back\bspace", "back\xef\xbf\xbdspace");
	EXPECT("del\x7f", "del\xef\xbf\xbd");
	EXPECT("nul\0byte", "nul\xef\xbf\xbd"
	                    "byte");
}

static void
text_sanitize__invalid_utf8__replacement_per_subpart(void **state)
{
	EXPECT("\xff", "\xef\xbf\xbd");
	EXPECT("a\x80"
	       "b",
	       "a\xef\xbf\xbd"
	       "b");
	/* Truncated 3-byte sequence: one U+FFFD, next char kept. */
	EXPECT("\xe2\x82"
	       "x",
	       "\xef\xbf\xbd"
	       "x");
	/* Truncated at the end of input. */
	EXPECT("ok\xf0\x9f\x98", "ok\xef\xbf\xbd");
	/* Valid euro sign and emoji survive. */
	EXPECT("\xe2\x82\xac \xf0\x9f\x98\x80",
	       "\xe2\x82\xac \xf0\x9f\x98\x80");
}

static void
text_sanitize__overlong_encodings__rejected(void **state)
{
	/* Overlong "/" and overlong ESC must not decode to ASCII. */
	EXPECT("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xc0\x9b", "\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xe0\x80\x9b", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xf0\x80\x80\x9b",
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

static void
text_sanitize__surrogates_and_out_of_range__rejected(void **state)
{
	EXPECT("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xf4\x90\x80\x80",
	       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	EXPECT("\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd");
	/* The last valid code point U+10FFFD is kept. */
	EXPECT("\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd");
}

static void
text_sanitize__bidi_controls__removed(void **state)
{
	/* "Trojan source": RLO/LRI/PDI and friends. */
	EXPECT("ab\xe2\x80\xae"
	       "cd\xe2\x80\xac",
	       "abcd");
	EXPECT("\xe2\x81\xa6x\xe2\x81\xa9", "x");
	EXPECT("\xe2\x80\x8e"
	       "a\xe2\x80\x8f",
	       "a");
	EXPECT("\xd8\x9c"
	       "a",
	       "a"); /* U+061C */
}

static void
text_sanitize__zero_width__removed(void **state)
{
	EXPECT("ad\xe2\x80\x8bmin", "admin"); /* ZWSP */
	EXPECT("a\xe2\x80\x8c\xe2\x80\x8d"
	       "b",
	       "ab");                         /* ZWNJ ZWJ */
	EXPECT("\xef\xbb\xbfhello", "hello"); /* BOM */
	EXPECT("a\xe2\x81\xa0"
	       "b",
	       "ab"); /* word joiner */
	EXPECT("a\xf3\xa0\x80\x81"
	       "b",
	       "ab"); /* tag char */
}

/*
 * Every Default_Ignorable_Code_Point (Unicode 15 DerivedCoreProperties)
 * is dropped, at its ends and inside its ranges; combining marks, which
 * are text, stay.
 */
static void
text_sanitize__default_ignorables__removed_marks_kept(void **state)
{
	static const uint32_t ignorable[] = {
		0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5,
		0x180b, 0x180d, 0x180e, 0x180f, 0x200b, 0x200f, 0x202a,
		0x202e, 0x2060, 0x2065, 0x206f, 0x3164, 0xfe00, 0xfe0f,
		0xfeff, 0xffa0, 0xfff0, 0xfff8, 0x1bca0, 0x1bca3, 0x1d173,
		0x1d17a, 0xe0000, 0xe0001, 0xe007f, 0xe0100, 0xe01ef, 0xe0fff,
	};
	static const uint32_t kept[] = {
		0x00ac, 0x00ae, 0x0301, 0x0350, 0x1161, 0x180a, 0x2010,
		0x2070, 0x3165, 0xfdff, 0xfe10, 0xffa1, 0x1d172, 0x1d17b,
		0xe1000,
	};
	char in[16], want[16];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < nitems(ignorable); i++) {
		in[0] = 'a';
		n = utf8_encode(ignorable[i], in + 1);
		in[1 + n] = 'b';
		in[2 + n] = '\0';
		expect_san(in, strlen(in), "ab");
	}
	for (i = 0; i < nitems(kept); i++) {
		in[0] = 'a';
		n = utf8_encode(kept[i], in + 1);
		in[1 + n] = 'b';
		in[2 + n] = '\0';
		memcpy(want, in, sizeof want);
		expect_san(in, strlen(in), want);
	}
}

static void
text_sanitize__line_separators__become_newline(void **state)
{
	EXPECT("a\xe2\x80\xa8"
	       "b",
	       "a\nb");
}

static void
text_sanitize__huge_line__capped_with_ellipsis(void **state)
{
	size_t n = 1 << 20;
	char *in = xmalloc(n), *out;

	memset(in, 'x', n);
	out = text_sanitize(in, n);
	assert_true(strlen(out) <= TEXT_MAX + 3);
	assert_true(str_ends_with(out, "\xe2\x80\xa6"));
	assert_int_equal(out[0], 'x');
	free(out);

	/* Invalid bytes triple in size; the cap still holds. */
	memset(in, 0xff, n);
	out = text_sanitize(in, n);
	assert_true(strlen(out) <= TEXT_MAX + 3);
	assert_true(str_ends_with(out, "\xe2\x80\xa6"));
	free(out);
	free(in);
}

static void
text_sanitize__cap_boundary__ellipsis_only_beyond(void **state)
{
	char *in = xmalloc(TEXT_MAX + 2), *out;

	memset(in, 'x', TEXT_MAX + 1);
	out = text_sanitize(in, TEXT_MAX);
	assert_int_equal(strlen(out), TEXT_MAX);
	assert_false(str_ends_with(out, "\xe2\x80\xa6"));
	free(out);
	out = text_sanitize(in, TEXT_MAX + 1);
	assert_int_equal(strlen(out), TEXT_MAX + 3);
	assert_true(str_ends_with(out, "x\xe2\x80\xa6"));
	free(out);
	/* A multi-byte character that would cross the cap is not split. */
	memset(in, 'x', TEXT_MAX - 1);
	memcpy(in + TEXT_MAX - 1, "\xc3\xa9", 2);
	out = text_sanitize(in, TEXT_MAX + 1);
	assert_int_equal(strlen(out), TEXT_MAX - 1 + 3);
	assert_true(str_ends_with(out, "x\xe2\x80\xa6"));
	free(out);
	free(in);
}

static void
text_sanitize__ascii_runs_between_sequences__same_as_bytewise(void **state)
{
	/* Runs of plain text meet every kind of sequence at their edges. */
	EXPECT("ab\033[1;31mcd\033[0m\033]0;t\007ef\033Pq\033\\gh\xc3\xa9ij"
	       "\x01kl\033(Bmn\033",
	       "abcdef"
	       "gh\xc3\xa9ij\xef\xbf\xbdklmn");
}

static void
text_sanitize__random_bytes__never_emit_controls(void **state)
{
	unsigned char in[4096];
	unsigned int seed = 12345;
	size_t i;
	int round;
	char *out;

	for (round = 0; round < 200; round++) {
		for (i = 0; i < sizeof in; i++) {
			seed = seed * 1103515245 + 12345;
			in[i] = (unsigned char)(seed >> 16);
			if (i % 7 == 0)
				in[i] = 0x1b;
		}
		out = text_sanitize((const char *)in, sizeof in);
		assert_no_controls(out);
		/* Output is valid UTF-8: re-sanitizing changes nothing. */
		{
			char *again = text_sanitize(out, strlen(out));

			assert_string_equal(again, out);
			free(again);
		}
		free(out);
	}
}

static void
text_sanitize_line__newlines__visible_separator(void **state)
{
	char *s = text_clean("  first\n\n  second\r\nthird \n");

	assert_string_equal(s, "first \xe2\x8f\x8e second \xe2\x8f\x8e third");
	free(s);
	s = text_clean("\033]0;x\007Throttling: Rate exceeded");
	assert_string_equal(s, "Throttling: Rate exceeded");
	free(s);
	assert_null(text_clean(NULL));
}

static void
text_width__cjk_emoji_combining__columns(void **state)
{
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* 日本 */
	assert_int_equal(text_width("\xf0\x9f\x98\x80"), 2);         /* 😀 */
	assert_int_equal(text_width("e\xcc\x81"), 1);    /* e + U+0301 */
	assert_int_equal(text_width("\xe2\x80\xa6"), 1); /* … */
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width(NULL), 0);
}

static void
text_cut__by_columns__never_splits_characters(void **state)
{
	char *s;

	s = text_cut("deployment", 6);
	assert_string_equal(s, "deplo\xe2\x80\xa6");
	assert_int_equal(text_width(s), 6);
	free(s);

	s = text_cut("short", 10);
	assert_string_equal(s, "short");
	free(s);

	s = text_cut("exact", 5);
	assert_string_equal(s, "exact");
	free(s);

	/* 日本語テキスト cut to 6 columns: two CJK chars (4) + … fits 5. */
	s = text_cut("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86", 6);
	assert_string_equal(s, "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	assert_true(text_width(s) <= 6);
	free(s);

	/* Multi-byte chars are kept whole: "éééé" to 3 -> "éé…". */
	s = text_cut("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3);
	assert_string_equal(s, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	free(s);

	/* Combining marks stay with their base. */
	s = text_cut("e\xcc\x81"
	             "e\xcc\x81"
	             "e\xcc\x81",
	             2);
	assert_string_equal(s, "e\xcc\x81\xe2\x80\xa6");
	free(s);

	s = text_cut("abc", 0);
	assert_string_equal(s, "");
	free(s);
	s = text_cut("abc", 1);
	assert_string_equal(s, "\xe2\x80\xa6");
	free(s);
}

static void
text_cut__ascii_mode__tilde_and_one_column_each(void **state)
{
	char *s;

	text_set_ascii(true);
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 2);
	s = text_cut("deployment", 6);
	assert_string_equal(s, "deplo~");
	free(s);
	text_set_ascii(false);
}

static void
text_prefix__wide_char_at_edge__stops_before(void **state)
{
	int used;
	size_t n = text_prefix("a\xe6\x97\xa5"
	                       "b",
	                       2, &used);

	assert_int_equal(n, 1);
	assert_int_equal(used, 1);
}

static void
utf8_encode__round_trip__all_lengths(void **state)
{
	uint32_t cps[] = {0x41, 0xe9, 0x20ac, 0x1f600, 0x10fffd};
	char out[8];
	uint32_t back;
	size_t i;
	int n;

	for (i = 0; i < nitems(cps); i++) {
		n = utf8_encode(cps[i], out);
		out[n] = '\0';
		assert_int_equal(utf8_decode(out, &back), n);
		assert_int_equal(back, cps[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_sanitize__plain_ascii__unchanged),
	    cmocka_unit_test(text_sanitize__null__empty_string),
	    cmocka_unit_test(
	        text_sanitize__sgr_colour__removed_without_residue),
	    cmocka_unit_test(text_sanitize__osc52_clipboard__removed),
	    cmocka_unit_test(text_sanitize__osc_title_set__removed),
	    cmocka_unit_test(text_sanitize__dcs_and_apc__removed),
	    cmocka_unit_test(text_sanitize__short_escapes__removed),
	    cmocka_unit_test(text_sanitize__unterminated_osc__stops_at_newline),
	    cmocka_unit_test(
	        text_sanitize__c1_controls_utf8__sequences_consumed),
	    cmocka_unit_test(text_sanitize__raw_c1_bytes__replacement),
	    cmocka_unit_test(
	        text_sanitize__c0_controls__replaced_tab_cr_lf_handled),
	    cmocka_unit_test(
	        text_sanitize__invalid_utf8__replacement_per_subpart),
	    cmocka_unit_test(text_sanitize__overlong_encodings__rejected),
	    cmocka_unit_test(
	        text_sanitize__surrogates_and_out_of_range__rejected),
	    cmocka_unit_test(text_sanitize__bidi_controls__removed),
	    cmocka_unit_test(text_sanitize__zero_width__removed),
	    cmocka_unit_test(text_sanitize__default_ignorables__removed_marks_kept),
	    cmocka_unit_test(text_sanitize__line_separators__become_newline),
	    cmocka_unit_test(text_sanitize__huge_line__capped_with_ellipsis),
	    cmocka_unit_test(text_sanitize__cap_boundary__ellipsis_only_beyond),
	    cmocka_unit_test(
	        text_sanitize__ascii_runs_between_sequences__same_as_bytewise),
	    cmocka_unit_test(text_sanitize__random_bytes__never_emit_controls),
	    cmocka_unit_test(text_sanitize_line__newlines__visible_separator),
	    cmocka_unit_test(text_width__cjk_emoji_combining__columns),
	    cmocka_unit_test(text_cut__by_columns__never_splits_characters),
	    cmocka_unit_test(text_cut__ascii_mode__tilde_and_one_column_each),
	    cmocka_unit_test(text_prefix__wide_char_at_edge__stops_before),
	    cmocka_unit_test(utf8_encode__round_trip__all_lengths),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_sanitize: C.UTF-8 locale missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
