/* Unit tests: ui_putn's text drawing on a real ncurses screen (output to /dev/null). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

static SCREEN *scr;
static FILE *scr_out, *scr_in;
static struct ui ui;

static int
setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	text_set_ascii(false);
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	if (scr_out == NULL || scr_in == NULL)
		return -1;
	/* Fixed size, whatever the environment says. */
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "400", 1);
	if ((scr = newterm("xterm-256color", scr_out, scr_in)) == NULL)
		return -1;
	set_term(scr);
	start_color();
	use_default_colors();
	memset(&ui, 0, sizeof ui);
	getmaxyx(stdscr, ui.rows, ui.cols);
	ui.color = has_colors();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(scr);
	fclose(scr_out);
	fclose(scr_in);
	return 0;
}

/* The cell at (y, x): its characters, attributes and colour pair. */
struct cell {
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attr;
	int pair;
};

static void
cell_at(int y, int x, struct cell *c)
{
	cchar_t cc;
	short pair;

	memset(c, 0, sizeof *c);
	assert_int_equal(mvin_wch(y, x, &cc), OK);
	assert_int_equal(getcchar(&cc, c->wch, &c->attr, &pair, &c->pair),
	    OK);
	if (c->pair == 0)
		c->pair = pair;
}

/*
 * Printable ASCII is copied into the line as cells; every cell must be
 * what waddstr with the role's attributes makes of it, in every theme,
 * with and without colour, for every role.
 */
static void
ascii_cells__every_theme_and_role__same_as_waddstr(void **state)
{
	static const char text[] = "Hello, world: 0123 ~!@#$%^&*()_+ {x}";
	const int themes[] = { THEME_DARK, THEME_LIGHT, THEME_HIGH_CONTRAST };
	struct cell a, b;
	size_t t, i, n = strlen(text);
	int c, colour, compared = 0;

	(void)state;
	for (colour = 0; colour < 2; colour++) {
		ui.color = colour == 1 && has_colors();
		for (t = 0; t < nitems(themes); t++) {
			term_set_theme(&ui, (enum ui_theme)themes[t]);
			for (c = 0; c < UC_COUNT; c++) {
				erase();
				assert_int_equal(ui_put(&ui, 0, 2, 60,
				    (enum ui_color)c, text), (int)n);
				attrset(ui_attr(&ui, (enum ui_color)c));
				mvaddstr(1, 2, text);
				attrset(ui_attr(&ui, UC_NORMAL));
				for (i = 0; i < n; i++) {
					cell_at(0, 2 + (int)i, &a);
					cell_at(1, 2 + (int)i, &b);
					assert_true(a.wch[0] == b.wch[0]);
					assert_true(a.wch[0] ==
					    (wchar_t)text[i]);
					assert_int_equal(a.attr, b.attr);
					assert_int_equal(a.pair, b.pair);
					compared++;
				}
			}
		}
	}
	assert_true(compared >= 2 * 3 * UC_COUNT * (int)n - 1);
	bkgdset(' ');
}

/* "a", count combining acute accents (U+0301, width 0), "b". */
static char *
piled(size_t count)
{
	struct buf b = { 0 };
	char *raw, *clean;
	size_t i;

	buf_putc(&b, 'a');
	for (i = 0; i < count; i++)
		buf_puts(&b, "\xcc\x81");
	buf_putc(&b, 'b');
	raw = xstrndup(b.data, b.len);
	buf_free(&b);
	clean = text_sanitize(raw, strlen(raw));
	free(raw);
	return clean;
}

/*
 * Characters of width 0 take bytes and no column: a pile of them on one
 * character (a log line can carry thousands) must neither overrun the
 * text being built nor reach the terminal in full.  Narrow (stack) and
 * wide (heap) cells both.
 */
static void
zero_width_pile__bounded_and_drawn(void **state)
{
	const size_t counts[] = { 0, 3, 600, 5000 };
	const int widths[] = { 10, 40, 300 };
	struct cell a, b;
	size_t k, j, marks;
	char *s;

	(void)state;
	term_set_theme(&ui, THEME_DARK);
	for (k = 0; k < nitems(counts); k++) {
		s = piled(counts[k]);
		/* The sanitizer keeps combining marks: a real input. */
		assert_true(strlen(s) == 2 + 2 * counts[k]);
		for (j = 0; j < nitems(widths); j++) {
			erase();
			assert_int_equal(ui_put(&ui, 3, 0, widths[j],
			    UC_NORMAL, s), 2);
			cell_at(3, 0, &a);
			cell_at(3, 1, &b);
			assert_true(a.wch[0] == L'a');
			for (marks = 0; a.wch[1 + marks] != 0; marks++)
				assert_true(a.wch[1 + marks] == 0x301);
			assert_true(marks == (counts[k] < 4 ? counts[k] : 4));
			assert_true(b.wch[0] == L'b');
		}
		free(s);
	}
	bkgdset(' ');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    ascii_cells__every_theme_and_role__same_as_waddstr),
		cmocka_unit_test(zero_width_pile__bounded_and_drawn),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
