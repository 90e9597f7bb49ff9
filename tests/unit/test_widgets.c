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

#include <curses.h>

#include "ui/format.h"
#include "ui/ui.h"
#include "views/view.h"
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
	double v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	int lv[8], i;

	spark_levels(v, 8, 0, 7, lv, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(lv[i], i);
}

static void
spark_levels__gaps_and_short_series__minus_one(void **state)
{
	double v[3] = {5, NAN, 10};
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
	double v[6] = {1, 9, 1, 1, 1, 1};
	int lv[3];

	spark_levels(v, 6, 0, 9, lv, 3);
	assert_int_equal(lv[0], 7); /* the spike is never averaged away */
	assert_int_equal(lv[1], 0);
	assert_int_equal(lv[2], 0);
}

static void
spark_levels__floor__relative_to_range(void **state)
{
	double v[4] = {10, 15, 20, NAN};
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
	double steady[3] = {100, 104, 98};
	double spiky[3] = {1, 50, 100};
	double f = spark_floor(steady, 3);

	assert_true(f > 0 && f < 98);
	assert_true(spark_floor(spiky, 3) == 0);
	assert_true(spark_floor(NULL, 0) == 0);
}

static void
sparkline__render__blocks_and_ascii(void **state)
{
	double v[4] = {0, 7, NAN, 3.5};
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
	    {0x01, 0x02, 0x04, 0x40},
	    {0x08, 0x10, 0x20, 0x80},
	};
	int x, y;

	for (x = 0; x < 2; x++)
		for (y = 0; y < 4; y++) {
			braille_clear(g);
			braille_set(g, x, y);
			assert_int_equal(braille_cell(g, 0, 0), want[x][y]);
			assert_true(braille_get(g, x, y));
		}
	braille_set(g, 5, 5); /* outside: ignored */
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
	assert_string_equal(row, "\xe2\xa3\xbf "); /* U+28FF, blank */
	free(row);
	row = braille_row(g, 0, true);
	assert_string_equal(row, ": ");
	free(row);
	braille_free(g);
}

static void
braille_plot__rising_series__bottom_left_to_top_right(void **state)
{
	struct braille *g = braille_new(4, 2); /* 8 x 8 dots */
	double v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
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
	struct braille *g = braille_new(3, 1); /* 6 x 4 dots */
	double v[3] = {0, NAN, 0};
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
	double v[2] = {-50, 50};

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

/* ---- table layout, key table, dialogs (no terminal needed) ---------- */

static void
table_layout__narrow__drops_highest_drop_first(void **state)
{
	struct table_col cols[4] = {
	    {"A", 10, false, false, 0, 0, 0},
	    {"B", 10, false, false, 2, 0, 0},
	    {"C", 10, false, false, 1, 0, 0},
	    {"D", 5, false, true, 0, 0, 0},
	};

	/* 10+10+10+5 + 3 gaps = 38 fits 40: D takes the 2 spare columns. */
	table_layout(cols, 4, 40);
	assert_int_equal(cols[0].x, 0);
	assert_int_equal(cols[1].x, 11);
	assert_int_equal(cols[3].w, 7);
	/* 30 wide: B (drop 2) goes first, then 10+10+5+2 = 27 fits. */
	table_layout(cols, 4, 30);
	assert_int_equal(cols[1].x, -1);
	assert_true(cols[2].x >= 0);
	assert_int_equal(cols[2].x, 11);
	/* 20 wide: C goes too. */
	table_layout(cols, 4, 20);
	assert_int_equal(cols[2].x, -1);
	assert_int_equal(cols[3].x, 11);
}

static void
table_move__actions__clamped(void **state)
{
	size_t sel = 0;

	assert_true(table_move(&sel, 5, 2, "down"));
	assert_int_equal(sel, 1);
	assert_true(table_move(&sel, 5, 2, "page-down"));
	assert_int_equal(sel, 3);
	assert_true(table_move(&sel, 5, 2, "page-down"));
	assert_int_equal(sel, 4);
	assert_true(table_move(&sel, 5, 2, "top"));
	assert_int_equal(sel, 0);
	assert_true(table_move(&sel, 5, 2, "up"));
	assert_int_equal(sel, 0);
	assert_true(table_move(&sel, 5, 2, "bottom"));
	assert_int_equal(sel, 4);
	assert_false(table_move(&sel, 5, 2, "select"));
	assert_false(table_move(&sel, 0, 2, "down"));
}

static void
keys_parse__names__round_trip(void **state)
{
	static const char *specs[] = {"q",   "Enter", "Tab", "S-Tab",
	                              "Esc", "Space", "C-r", "F5",
	                              "Up",  "PgDn",  "$",   "?"};
	char name[32];
	size_t i;
	int k;

	for (i = 0; i < nitems(specs); i++) {
		k = keys_parse(specs[i]);
		assert_true(k >= 0);
		assert_string_equal(keys_name(k, name, sizeof name), specs[i]);
	}
	assert_int_equal(keys_parse("C-r"), 0x12);
	assert_int_equal(keys_parse("F5"), KEY_F(5));
	assert_int_equal(keys_parse("nonsense"), -1);
	assert_int_equal(keys_parse(""), -1);
}

static void
keys_lookup__view_binding__wins_over_global(void **state)
{
	assert_string_equal(keys_lookup('q', "overview"), "quit");
	assert_string_equal(keys_lookup('/', "overview"), "filter");
	assert_string_equal(keys_lookup('/', "logs"), "search");
	assert_string_equal(keys_lookup('f', "logs"), "follow");
	assert_null(keys_lookup('f', "overview"));
	assert_string_equal(keys_lookup(KEY_DOWN, "alarms"), "down");
	assert_string_equal(keys_lookup('s', "service"), "scale");
	assert_null(keys_lookup('s', "logs"));
	/* "log" must not match the "logs" binding. */
	assert_null(keys_lookup('f', "log"));
}

static void
keys_table__every_binding__has_action_and_help(void **state)
{
	const struct key_binding *t;
	size_t n, i;

	t = keys_table(&n);
	assert_true(n > 20);
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].action);
		assert_non_null(t[i].help);
		assert_true(strlen(t[i].help) > 3);
		if (t[i].views != NULL) {
			/* Every view named in the table exists. */
			char buf[128], *p, *save = NULL;

			snprintf(buf, sizeof buf, "%s", t[i].views);
			for (p = strtok_r(buf, " ", &save); p != NULL;
			     p = strtok_r(NULL, " ", &save))
				assert_non_null(views_find(p));
		}
	}
}

static void
ui_strcasestr__cases__first_match_or_null(void **state)
{
	const char *h = "GET /api ERROR error Error";

	assert_ptr_equal(ui_strcasestr(h, "error"), h + 9);
	assert_ptr_equal(ui_strcasestr(h, "ERROR"), h + 9);
	assert_ptr_equal(ui_strcasestr(h, "rror e"), h + 10);
	assert_ptr_equal(ui_strcasestr(h, "get"), h);
	assert_null(ui_strcasestr(h, "warn"));
	assert_null(ui_strcasestr(h, ""));
	assert_null(ui_strcasestr(NULL, "x"));
	assert_null(ui_strcasestr(h, NULL));
	assert_null(ui_strcasestr("err", "error"));
}

static int done_calls;
static bool done_ok;

static bool
count_done(struct ui *ui, struct dialog *d, bool ok, void *arg)
{
	done_calls++;
	done_ok = ok;
	return true;
}

static void
type_keys(struct ui *ui, const char *s)
{
	for (; *s != '\0'; s++)
		dialog_key(ui, (unsigned char)*s);
}

static void
dialog_key__typed_confirmation__wrong_word_refused(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Scale prod api");

	done_calls = 0;
	dialog_add_line(d, UC_NORMAL, "min 2 -> 3");
	dialog_require_text(d, "prod");
	dialog_set_done(d, count_done, NULL);
	ui_dialog_open(&ui, d);
	type_keys(&ui, "prd");
	dialog_key(&ui, '\r');
	assert_int_equal(done_calls, 0); /* still open, error shown */
	assert_ptr_equal(ui.dialog, d);
	dialog_key(&ui, KEY_BACKSPACE);
	dialog_key(&ui, KEY_BACKSPACE);
	type_keys(&ui, "rod");
	assert_string_equal(dialog_field(d, 0), "prod");
	dialog_key(&ui, '\r');
	assert_int_equal(done_calls, 1);
	assert_true(done_ok);
	assert_null(ui.dialog);
	/* Key repeat after the dialog closed submits nothing. */
	dialog_key(&ui, '\r');
	assert_int_equal(done_calls, 1);
}

static bool
chain_done(struct ui *ui, struct dialog *d, bool ok, void *arg)
{
	struct dialog *next = dialog_new("Step 2");

	done_calls++;
	dialog_set_done(next, count_done, NULL);
	ui_dialog_open(ui, next);
	return true;
}

static bool
keep_open_done(struct ui *ui, struct dialog *d, bool ok, void *arg)
{
	done_calls++;
	if (strcmp(dialog_field(d, 0), "3") != 0) {
		dialog_set_error(d, "min must be 3");
		return false;
	}
	return true;
}

static void
dialog_key__callback_opens_next__no_use_after_free(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Step 1");

	done_calls = 0;
	dialog_set_done(d, chain_done, NULL);
	ui_dialog_open(&ui, d);
	dialog_key(&ui, 'y');
	assert_int_equal(done_calls, 1);
	assert_non_null(ui.dialog);
	assert_ptr_not_equal(ui.dialog, NULL);
	dialog_key(&ui, 'y'); /* the second dialog answers now */
	assert_int_equal(done_calls, 2);
	assert_null(ui.dialog);
}

static void
dialog_key__callback_rejects__stays_open_then_accepts(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Scale");

	done_calls = 0;
	dialog_add_field(d, "min", "2", true);
	dialog_set_done(d, keep_open_done, NULL);
	ui_dialog_open(&ui, d);
	dialog_key(&ui, '\r');
	assert_int_equal(done_calls, 1);
	assert_ptr_equal(ui.dialog, d); /* kept open, error shown */
	dialog_key(&ui, KEY_BACKSPACE);
	dialog_key(&ui, '3');
	dialog_key(&ui, '\r');
	assert_int_equal(done_calls, 2);
	assert_null(ui.dialog);
}

static void
dialog_key__esc__cancels_once(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Promote");

	done_calls = 0;
	dialog_set_done(d, count_done, NULL);
	ui_dialog_open(&ui, d);
	dialog_key(&ui, 27);
	assert_int_equal(done_calls, 1);
	assert_false(done_ok);
	assert_null(ui.dialog);
}

static void
dialog_key__yes_no__plain_confirm(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Pause api");

	done_calls = 0;
	dialog_set_done(d, count_done, NULL);
	ui_dialog_open(&ui, d);
	dialog_key(&ui, 'x'); /* ignored */
	assert_int_equal(done_calls, 0);
	dialog_key(&ui, 'y');
	assert_int_equal(done_calls, 1);
	assert_true(done_ok);
}

static void
dialog_key__numeric_fields__digits_only_and_tab(void **state)
{
	struct ui ui = {0};
	struct dialog *d = dialog_new("Scale");
	int fmin, fmax;

	fmin = dialog_add_field(d, "min", "2", true);
	fmax = dialog_add_field(d, "max", "20", true);
	ui_dialog_open(&ui, d);
	type_keys(&ui, "a5-");
	assert_string_equal(dialog_field(d, fmin), "25");
	dialog_key(&ui, '\t');
	dialog_key(&ui, KEY_BACKSPACE);
	type_keys(&ui, "5");
	assert_string_equal(dialog_field(d, fmax), "25");
	assert_null(dialog_field(d, 7));
	ui_dialog_close(&ui);
	assert_null(ui.dialog);
}

int
main(void)
{
	int rc;
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
	    cmocka_unit_test(
	        braille_plot__rising_series__bottom_left_to_top_right),
	    cmocka_unit_test(braille_plot__nan_gap__not_joined),
	    cmocka_unit_test(braille_plot__out_of_range__clamped),
	    cmocka_unit_test(axis_nice_max__values__round_up),
	    cmocka_unit_test(table_layout__narrow__drops_highest_drop_first),
	    cmocka_unit_test(table_move__actions__clamped),
	    cmocka_unit_test(keys_parse__names__round_trip),
	    cmocka_unit_test(keys_lookup__view_binding__wins_over_global),
	    cmocka_unit_test(keys_table__every_binding__has_action_and_help),
	    cmocka_unit_test(
	        dialog_key__typed_confirmation__wrong_word_refused),
	    cmocka_unit_test(ui_strcasestr__cases__first_match_or_null),
	    cmocka_unit_test(dialog_key__esc__cancels_once),
	    cmocka_unit_test(
	        dialog_key__callback_opens_next__no_use_after_free),
	    cmocka_unit_test(
	        dialog_key__callback_rejects__stays_open_then_accepts),
	    cmocka_unit_test(dialog_key__yes_no__plain_confirm),
	    cmocka_unit_test(dialog_key__numeric_fields__digits_only_and_tab),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_widgets: C.UTF-8 locale missing\n");
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	keys_free();
	return rc;
}
