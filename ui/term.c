/* Terminal setup: curses, locale, colours and themes, teardown on fatal(). */
#include <curses.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

/* A colour role in a theme: 24-bit colours, -1 = terminal default. */
struct role_style {
	int fg, bg;
	int attr; /* A_BOLD etc. added on top of the pair */
	int mono; /* attributes used without colour */
};

#define DEF (-1)

static const struct role_style theme_dark[UC_COUNT] = {
    [UC_NORMAL] = {DEF, DEF, 0, 0},
    [UC_DIM] = {0x808080, DEF, 0, A_DIM},
    [UC_OK] = {0x5fd75f, DEF, 0, 0},
    [UC_WARN] = {0xffd75f, DEF, 0, A_UNDERLINE},
    [UC_BAD] = {0xff5f5f, DEF, A_BOLD, A_BOLD | A_REVERSE},
    [UC_ACCENT] = {0x5fafd7, DEF, 0, A_BOLD},
    [UC_HEADER] = {0x87afd7, DEF, A_BOLD, A_BOLD | A_UNDERLINE},
    [UC_TAB] = {0xbcbcbc, 0x303030, 0, 0},
    [UC_TAB_ACTIVE] = {0x000000, 0x5fafd7, A_BOLD, A_REVERSE | A_BOLD},
    [UC_STATUS] = {0xd0d0d0, 0x262626, 0, A_REVERSE},
    [UC_SELECT] = {0xffffff, 0x005f87, 0, A_REVERSE},
    [UC_MATCH] = {0x000000, 0xffd75f, 0, A_REVERSE | A_BOLD},
    [UC_MARKER] = {0xd787ff, DEF, A_BOLD, A_BOLD},
    [UC_CHART] = {0x5fafd7, DEF, 0, 0},
};

static const struct role_style theme_light[UC_COUNT] = {
    [UC_NORMAL] = {DEF, DEF, 0, 0},
    [UC_DIM] = {0x808080, DEF, 0, A_DIM},
    [UC_OK] = {0x008700, DEF, 0, 0},
    [UC_WARN] = {0xaf5f00, DEF, A_BOLD, A_UNDERLINE},
    [UC_BAD] = {0xd70000, DEF, A_BOLD, A_BOLD | A_REVERSE},
    [UC_ACCENT] = {0x005faf, DEF, 0, A_BOLD},
    [UC_HEADER] = {0x005f87, DEF, A_BOLD, A_BOLD | A_UNDERLINE},
    [UC_TAB] = {0x303030, 0xd0d0d0, 0, 0},
    [UC_TAB_ACTIVE] = {0xffffff, 0x005faf, A_BOLD, A_REVERSE | A_BOLD},
    [UC_STATUS] = {0x262626, 0xdadada, 0, A_REVERSE},
    [UC_SELECT] = {0x000000, 0xafd7ff, 0, A_REVERSE},
    [UC_MATCH] = {0x000000, 0xffd700, 0, A_REVERSE | A_BOLD},
    [UC_MARKER] = {0x8700af, DEF, A_BOLD, A_BOLD},
    [UC_CHART] = {0x005faf, DEF, 0, 0},
};

static const struct role_style theme_contrast[UC_COUNT] = {
    [UC_NORMAL] = {0xffffff, 0x000000, 0, 0},
    [UC_DIM] = {0xbcbcbc, 0x000000, 0, A_DIM},
    [UC_OK] = {0x00ff00, 0x000000, A_BOLD, A_BOLD},
    [UC_WARN] = {0xffff00, 0x000000, A_BOLD, A_UNDERLINE | A_BOLD},
    [UC_BAD] = {0xffffff, 0xd70000, A_BOLD, A_BOLD | A_REVERSE},
    [UC_ACCENT] = {0x00ffff, 0x000000, A_BOLD, A_BOLD},
    [UC_HEADER] = {0xffffff, 0x000000, A_BOLD | A_UNDERLINE,
                   A_BOLD | A_UNDERLINE},
    [UC_TAB] = {0xffffff, 0x000000, 0, 0},
    [UC_TAB_ACTIVE] = {0x000000, 0xffff00, A_BOLD, A_REVERSE | A_BOLD},
    [UC_STATUS] = {0x000000, 0xffffff, 0, A_REVERSE},
    [UC_SELECT] = {0x000000, 0x00ffff, A_BOLD, A_REVERSE | A_BOLD},
    [UC_MATCH] = {0x000000, 0xff00ff, A_BOLD, A_REVERSE | A_BOLD},
    [UC_MARKER] = {0xff00ff, 0x000000, A_BOLD, A_BOLD},
    [UC_CHART] = {0x00ffff, 0x000000, A_BOLD, 0},
};

/* Attributes per role, filled by term_set_theme; read by ui_attr. */
static int role_attr[UC_COUNT];
static bool curses_up;
static SCREEN *screen; /* from newterm; freed by term_end */

static const struct role_style *
theme_styles(enum ui_theme t)
{
	switch (t) {
	case THEME_LIGHT:
		return theme_light;
	case THEME_HIGH_CONTRAST:
		return theme_contrast;
	default:
		return theme_dark;
	}
}

int
term_theme_parse(const char *name)
{
	if (name == NULL || strcasecmp(name, "dark") == 0)
		return THEME_DARK;
	if (strcasecmp(name, "light") == 0)
		return THEME_LIGHT;
	if (strcasecmp(name, "high-contrast") == 0 ||
	    strcasecmp(name, "contrast") == 0)
		return THEME_HIGH_CONTRAST;
	return -1;
}

const char *
term_theme_name(enum ui_theme t)
{
	switch (t) {
	case THEME_LIGHT:
		return "light";
	case THEME_HIGH_CONTRAST:
		return "high-contrast";
	default:
		return "dark";
	}
}

int
term_rgb_to_256(int r, int g, int b)
{
	static const int levels[6] = {0, 95, 135, 175, 215, 255};
	int ci[3], in[3] = {r, g, b}, i, j, best, d, bd, cube, gray, gv;
	long dc, dg;

	for (i = 0; i < 3; i++) {
		best = 0;
		bd = 1 << 30;
		for (j = 0; j < 6; j++) {
			d = abs(in[i] - levels[j]);
			if (d < bd) {
				bd = d;
				best = j;
			}
		}
		ci[i] = best;
	}
	cube = 16 + 36 * ci[0] + 6 * ci[1] + ci[2];
	dc = 0;
	for (i = 0; i < 3; i++)
		dc += (long)(in[i] - levels[ci[i]]) * (in[i] - levels[ci[i]]);
	gv = (r + g + b) / 3;
	gray = gv < 8 ? 0 : gv > 238 ? 23 : (gv - 8) / 10;
	gv = 8 + 10 * gray;
	dg = (long)(r - gv) * (r - gv) + (long)(g - gv) * (g - gv) +
	     (long)(b - gv) * (b - gv);
	return dg < dc ? 232 + gray : cube;
}

/* Basic 8-colour approximation for terminals without 256 colours. */
static int
rgb_to_8(int rgb)
{
	int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
	int c = 0;

	if (r >= 0x80)
		c |= COLOR_RED;
	if (g >= 0x80)
		c |= COLOR_GREEN;
	if (b >= 0x80)
		c |= COLOR_BLUE;
	return c;
}

static bool
want_truecolor(void)
{
	const char *ct = getenv("COLORTERM");

	return ct != NULL && (strcasecmp(ct, "truecolor") == 0 ||
	                      strcasecmp(ct, "24bit") == 0);
}

/*
 * The colour number for a 24-bit value: direct-colour terminfo takes
 * the RGB value itself; with COLORTERM=truecolor and a redefinable
 * palette we define colour 16 + slot exactly; otherwise the nearest of
 * the 256 (or 8) colours.
 */
static int
colour_number(int rgb, int *slot)
{
	int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

	if (rgb < 0)
		return -1;
	if (COLORS >= 0x1000000)
		return rgb;
	if (COLORS >= 256 && want_truecolor() && can_change_color() &&
	    *slot < 200) {
		int n = 16 + (*slot)++;

		if (init_extended_color(n, r * 1000 / 255, g * 1000 / 255,
		                        b * 1000 / 255) == OK)
			return n;
	}
	if (COLORS >= 256)
		return term_rgb_to_256(r, g, b);
	return rgb_to_8(rgb);
}

void
term_set_theme(struct ui *ui, enum ui_theme t)
{
	const struct role_style *st = theme_styles(t);
	int i, fg, bg, slot = 0;

	ui->theme = t;
	for (i = 0; i < UC_COUNT; i++) {
		if (!ui->color) {
			role_attr[i] = st[i].mono;
			continue;
		}
		fg = colour_number(st[i].fg, &slot);
		bg = colour_number(st[i].bg, &slot);
		init_extended_pair(i + 1, fg, bg);
		role_attr[i] = (int)COLOR_PAIR(i + 1) | st[i].attr;
		/* Eight colours have no grey: dim white stands in for it. */
		if (COLORS < 256 && i == UC_DIM)
			role_attr[i] |= A_DIM;
	}
	if (ui->color)
		bkgdset((chtype)' ' | (chtype)role_attr[UC_NORMAL]);
}

int
ui_attr(const struct ui *ui, enum ui_color c)
{
	if (c < 0 || c >= UC_COUNT)
		return 0;
	return role_attr[c];
}

static void
term_fatal_hook(void)
{
	term_end();
}

int
term_init(struct ui *ui, char **cause)
{
	const char *cs = nl_langinfo(CODESET), *nc = getenv("NO_COLOR");

	ui->ascii = cs == NULL || (strcasecmp(cs, "UTF-8") != 0 &&
	                           strcasecmp(cs, "utf8") != 0);
	text_set_ascii(ui->ascii);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause =
		    xstrdup("standard input and output must be a terminal");
		return -1;
	}
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	/* newterm, not initscr: an unknown TERM is an error we can explain. */
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		const char *term = getenv("TERM");

		*cause = xasprintf("cannot use terminal type '%s' (no terminfo "
		                   "entry?); try TERM=xterm-256color",
		                   term != NULL ? term : "(unset)");
		return -1;
	}
	set_term(screen);
	curses_up = true;
	fatal_set_hook(term_fatal_hook);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	curs_set(0);
	ui->color = (nc == NULL || *nc == '\0') && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	term_set_theme(ui, ui->theme);
	if (ui->mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
		              BUTTON5_PRESSED,
		          NULL);
		mouseinterval(0);
	}
	getmaxyx(stdscr, ui->rows, ui->cols);
	return 0;
}

void
term_end(void)
{
	if (!curses_up)
		return;
	curses_up = false;
	if (has_mouse())
		mousemask(0, NULL);
	curs_set(1);
	endwin();
	delscreen(screen);
	screen = NULL;
}

void
term_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, ui->rows, ui->cols);
	/*
	 * The terminal reflowed or cropped what was on it: what curses
	 * believes is on screen is wrong, so repaint everything.
	 */
	clearok(curscr, TRUE);
}
