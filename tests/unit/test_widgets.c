/* Unit tests for the terminal-free formatters, sparklines and braille grids. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/format.h"
#include "util/sanitize.h"
#include "util/util.h"

static char b[64];

static void
fmt_num__ranges__short_forms(void **state)
{
	assert_string_equal(fmt_num(0, b, sizeof b), "0");
	assert_string_equal(fmt_num(0.5, b, sizeof b), "0.50");
	assert_string_equal(fmt_num(12.34, b, sizeof b), "12.3");
	assert_string_equal(fmt_num(42, b, sizeof b), "42");
	assert_string_equal(fmt_num(1234, b, sizeof b), "1234");
	assert_string_equal(fmt_num(12345, b, sizeof b), "12.3k");
	assert_string_equal(fmt_num(1.5e6, b, sizeof b), "1.5M");
	assert_string_equal(fmt_num(2.5e9, b, sizeof b), "2.5G");
	assert_string_equal(fmt_num(NAN, b, sizeof b), "-");
}

static void
fmt_ms__ranges__units(void **state)
{
	assert_string_equal(fmt_ms(0.4, b, sizeof b), "<1ms");
	assert_string_equal(fmt_ms(12, b, sizeof b), "12ms");
	assert_string_equal(fmt_ms(999, b, sizeof b), "999ms");
	assert_string_equal(fmt_ms(1234, b, sizeof b), "1.23s");
	assert_string_equal(fmt_ms(65000, b, sizeof b), "65s");
	assert_string_equal(fmt_ms(NAN, b, sizeof b), "-");
}

static void
fmt_pct__ranges__precision(void **state)
{
	assert_string_equal(fmt_pct(0, b, sizeof b), "0%");
	assert_string_equal(fmt_pct(0.04, b, sizeof b), "0.04%");
	assert_string_equal(fmt_pct(1.5, b, sizeof b), "1.5%");
	assert_string_equal(fmt_pct(42.4, b, sizeof b), "42%");
	assert_string_equal(fmt_pct(100, b, sizeof b), "100%");
	assert_string_equal(fmt_pct(NAN, b, sizeof b), "-");
}

static void
fmt_age__ranges__ago(void **state)
{
	assert_string_equal(fmt_age(0, b, sizeof b), "now");
	assert_string_equal(fmt_age(-3, b, sizeof b), "now");
	assert_string_equal(fmt_age(12, b, sizeof b), "12s ago");
	assert_string_equal(fmt_age(185, b, sizeof b), "3m ago");
	assert_string_equal(fmt_age(7300, b, sizeof b), "2h ago");
	assert_string_equal(fmt_age(3 * 86400 + 5, b, sizeof b), "3d ago");
}

static void
fmt_duration__ranges__two_units(void **state)
{
	assert_string_equal(fmt_duration(12, b, sizeof b), "12s");
	assert_string_equal(fmt_duration(185, b, sizeof b), "3m05s");
	assert_string_equal(fmt_duration(7380, b, sizeof b), "2h03m");
	assert_string_equal(fmt_duration(270000, b, sizeof b), "3d03h");
	assert_string_equal(fmt_duration(-5, b, sizeof b), "0s");
}

static void
fmt_bytes__ranges__binary_units(void **state)
{
	assert_string_equal(fmt_bytes(0, b, sizeof b), "0 B");
	assert_string_equal(fmt_bytes(512, b, sizeof b), "512 B");
	assert_string_equal(fmt_bytes(1536, b, sizeof b), "1.5 KiB");
	assert_string_equal(fmt_bytes(12u << 20, b, sizeof b), "12 MiB");
	assert_string_equal(fmt_bytes((uint64_t)1288490189, b, sizeof b),
	    "1.2 GiB");
}

static void
fmt_money__usd_and_other__separators(void **state)
{
	assert_string_equal(fmt_money(12.3, "USD", b, sizeof b), "$12.30");
	assert_string_equal(fmt_money(1234.5, "USD", b, sizeof b), "$1,235");
	assert_string_equal(fmt_money(1234567, NULL, b, sizeof b),
	    "$1,234,567");
	assert_string_equal(fmt_money(-3, "USD", b, sizeof b), "-$3.00");
	assert_string_equal(fmt_money(12.3, "EUR", b, sizeof b), "12.30 EUR");
	assert_string_equal(fmt_money(NAN, "USD", b, sizeof b), "-");
}

static void
spark_levels__ramp__all_eight_levels(void **state)
{
	double v[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	int lv[8], i;

	spark_levels(v, 8, 0, 7, lv, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(lv[i], i);
}

static void
spark_levels__gaps_and_short_series__minus_one(void **state)
{
	double v[3] = { 5, NAN, 10 };
	int lv[5];

	spark_levels(v, 3, NAN, NAN, lv, 5);
	/* Fewer values than columns: right-aligned, left columns empty. */
	assert_int_equal(lv[0], -1);
	assert_int_equal(lv[1], -1);
	assert_int_equal(lv[2], 3);
	assert_int_equal(lv[3], -1);
	assert_int_equal(lv[4], 7);
}

static void
spark_levels__bucket__takes_maximum(void **state)
{
	double v[6] = { 1, 9, 1, 1, 1, 1 };
	int lv[3];

	spark_levels(v, 6, 0, 9, lv, 3);
	assert_int_equal(lv[0], 7);	/* the spike is never averaged away */
	assert_int_equal(lv[1], 0);
	assert_int_equal(lv[2], 0);
}

static void
spark_levels__floor__relative_to_range(void **state)
{
	double v[4] = { 10, 15, 20, NAN };
	int lv[4];

	spark_levels(v, 4, 10, 20, lv, 4);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 3);
	assert_int_equal(lv[2], 7);
	assert_int_equal(lv[3], -1);
}

static void
spark_floor__steady_high_or_low__floor(void **state)
{
	double steady[3] = { 100, 104, 98 };
	double spiky[3] = { 1, 50, 100 };
	double f = spark_floor(steady, 3);

	assert_true(f > 0 && f < 98);
	assert_true(spark_floor(spiky, 3) == 0);
	assert_true(spark_floor(NULL, 0) == 0);
}

static void
sparkline__render__blocks_and_ascii(void **state)
{
	double v[4] = { 0, 7, NAN, 3.5 };
	char *s;

	s = sparkline(v, 4, 0, 7, 4, false);
	assert_string_equal(s, "\xe2\x96\x81\xe2\x96\x88 \xe2\x96\x84");
	assert_int_equal(text_width(s), 4);
	free(s);
	s = sparkline(v, 4, 0, 7, 4, true);
	assert_string_equal(s, "_# -");
	free(s);
	s = sparkline(v, 4, 0, 7, 0, true);
	assert_string_equal(s, "");
	free(s);
}

static void
braille_set__each_dot__unicode_bit(void **state)
{
	struct braille *g = braille_new(1, 1);
	static const uint8_t want[2][4] = {
		{ 0x01, 0x02, 0x04, 0x40 },
		{ 0x08, 0x10, 0x20, 0x80 },
	};
	int x, y;

	for (x = 0; x < 2; x++)
		for (y = 0; y < 4; y++) {
			braille_clear(g);
			braille_set(g, x, y);
			assert_int_equal(braille_cell(g, 0, 0), want[x][y]);
			assert_true(braille_get(g, x, y));
		}
	braille_set(g, 5, 5);	/* outside: ignored */
	braille_set(g, -1, 0);
	braille_free(g);
}

static void
braille_row__full_cell__u28ff(void **state)
{
	struct braille *g = braille_new(2, 1);
	char *row;
	int y;

	for (y = 0; y < 4; y++) {
		braille_set(g, 0, y);
		braille_set(g, 1, y);
	}
	row = braille_row(g, 0, false);
	assert_string_equal(row, "\xe2\xa3\xbf ");	/* U+28FF, blank */
	free(row);
	row = braille_row(g, 0, true);
	assert_string_equal(row, ": ");
	free(row);
	braille_free(g);
}

static void
braille_plot__rising_series__bottom_left_to_top_right(void **state)
{
	struct braille *g = braille_new(4, 2);	/* 8 x 8 dots */
	double v[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	int i;

	braille_plot(g, v, 8, 0, 7);
	for (i = 0; i < 8; i++)
		assert_true(braille_get(g, i, 7 - i));
	assert_false(braille_get(g, 0, 0));
	assert_false(braille_get(g, 7, 7));
	braille_free(g);
}

static void
braille_plot__nan_gap__not_joined(void **state)
{
	struct braille *g = braille_new(3, 1);	/* 6 x 4 dots */
	double v[3] = { 0, NAN, 0 };
	int x;

	braille_plot(g, v, 3, 0, 1);
	assert_true(braille_get(g, 0, 3));
	assert_true(braille_get(g, 5, 3));
	for (x = 1; x < 5; x++)
		assert_false(braille_get(g, x, 3));
	braille_free(g);
}

static void
braille_plot__out_of_range__clamped(void **state)
{
	struct braille *g = braille_new(1, 1);
	double v[2] = { -50, 50 };

	braille_plot(g, v, 2, 0, 1);
	assert_true(braille_get(g, 0, 3));
	assert_true(braille_get(g, 1, 0));
	braille_free(g);
}

static void
axis_nice_max__values__round_up(void **state)
{
	assert_true(axis_nice_max(0.87) == 1);
	assert_true(axis_nice_max(13) == 15);
	assert_true(axis_nice_max(230) == 250);
	assert_true(axis_nice_max(0) == 1);
	assert_true(axis_nice_max(NAN) == 1);
	assert_true(axis_nice_max(100) == 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_num__ranges__short_forms),
		cmocka_unit_test(fmt_ms__ranges__units),
		cmocka_unit_test(fmt_pct__ranges__precision),
		cmocka_unit_test(fmt_age__ranges__ago),
		cmocka_unit_test(fmt_duration__ranges__two_units),
		cmocka_unit_test(fmt_bytes__ranges__binary_units),
		cmocka_unit_test(fmt_money__usd_and_other__separators),
		cmocka_unit_test(spark_levels__ramp__all_eight_levels),
		cmocka_unit_test(spark_levels__gaps_and_short_series__minus_one),
		cmocka_unit_test(spark_levels__bucket__takes_maximum),
		cmocka_unit_test(spark_levels__floor__relative_to_range),
		cmocka_unit_test(spark_floor__steady_high_or_low__floor),
		cmocka_unit_test(sparkline__render__blocks_and_ascii),
		cmocka_unit_test(braille_set__each_dot__unicode_bit),
		cmocka_unit_test(braille_row__full_cell__u28ff),
		cmocka_unit_test(braille_plot__rising_series__bottom_left_to_top_right),
		cmocka_unit_test(braille_plot__nan_gap__not_joined),
		cmocka_unit_test(braille_plot__out_of_range__clamped),
		cmocka_unit_test(axis_nice_max__values__round_up),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_widgets: C.UTF-8 locale missing\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
