/* Drawing primitives: column-exact text, glyphs, ages, status colours. */
#include <curses.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

static const char *glyphs_utf8[G_COUNT] = {
    [G_HLINE] = "\xe2\x94\x80",    /* ─ */
    [G_VLINE] = "\xe2\x94\x82",    /* │ */
    [G_BULLET] = "\xe2\x97\x8f",   /* ● */
    [G_UP] = "\xe2\x96\xb2",       /* ▲ */
    [G_DOWN] = "\xe2\x96\xbc",     /* ▼ */
    [G_ELLIPSIS] = "\xe2\x80\xa6", /* … */
    [G_MARK] = "\xe2\x94\x86",     /* ┆ */
    [G_BLOCK] = "\xe2\x96\x88",    /* █ */
    [G_SHADE] = "\xe2\x96\x91",    /* ░ */
    [G_DOT] = "\xc2\xb7",          /* · */
    [G_ARROW] = "\xe2\x86\x92",    /* → */
    [G_VBAR] = "\xe2\x96\x8c",     /* ▌ */
};

static const char *glyphs_ascii[G_COUNT] = {
    [G_HLINE] = "-", [G_VLINE] = "|",    [G_BULLET] = "*", [G_UP] = "^",
    [G_DOWN] = "v",  [G_ELLIPSIS] = "~", [G_MARK] = ":",   [G_BLOCK] = "#",
    [G_SHADE] = ".", [G_DOT] = ".",      [G_ARROW] = ">",  [G_VBAR] = "|",
};

const char *
ui_glyph(const struct ui *ui, enum ui_glyph g)
{
	return ui->ascii ? glyphs_ascii[g] : glyphs_utf8[g];
}

/* ASCII stand-in for a non-ASCII code point (ASCII mode). */
static char
ascii_for(uint32_t cp)
{
	static const struct {
		uint32_t cp;
		char c;
	} map[] = {
	    {0x2026, '~'}, {0x23ce, '|'}, {0x2500, '-'}, {0x2502, '|'},
	    {0x25cf, '*'}, {0x25b2, '^'}, {0x25bc, 'v'}, {0x2506, ':'},
	    {0x2588, '#'}, {0x2591, '.'}, {0x00b7, '.'}, {0x2192, '>'},
	    {0x2581, '_'}, {0x2582, '.'}, {0x2583, ':'}, {0x2584, '-'},
	    {0x2585, '='}, {0x2586, '+'}, {0x2587, '*'}, {0x258c, '|'},
	    {0x2013, '-'}, {0x2014, '-'}, {0x00a0, ' '}, {0xfffd, '?'},
	};
	size_t i;

	for (i = 0; i < nitems(map); i++)
		if (map[i].cp == cp)
			return map[i].c;
	return '?';
}

/*
 * The cells of printable ASCII text in role c, rendered as waddch would
 * render them on stdscr (the role's attributes and colour pair, plus the
 * background's attributes; its colour only when the role has none), so
 * that waddchnstr can copy them into the line as they are.
 */
static chtype
ui_ascii_attr(struct ui *ui, enum ui_color c)
{
	chtype a = (chtype)ui_attr(ui, c), bk = getbkgd(stdscr) & A_ATTRIBUTES;

	if ((a & A_COLOR) == 0)
		return a | bk;
	return a | (bk & ~A_COLOR);
}

#define UI_PUT_STACK	1024	/* bytes of text a call draws without malloc */
#define UI_MAX_ZERO_WIDTH 4	/* marks drawn after one character, at most */

/*
 * Room for need more bytes in the text being built (out, *cap bytes,
 * on used; sbuf is the caller's stack buffer).  Column counts do not
 * bound bytes: characters of width 0 take bytes and no column.
 */
static char *
putn_reserve(char *out, char *sbuf, size_t *cap, size_t on, size_t need)
{
	char *bigger;

	if (on + need + 1 <= *cap)
		return out;
	while (on + need + 1 > *cap)
		*cap *= 2;
	if (out == sbuf) {
		bigger = xmalloc(*cap);
		memcpy(bigger, out, on);
		return bigger;
	}
	return xrealloc(out, *cap);
}

/* ui_put for the first len bytes of s (at a character boundary). */
static int
ui_putn(struct ui *ui, int y, int x, int w, enum ui_color c, const char *s,
        size_t len)
{
	const char *end;
	char sbuf[UI_PUT_STACK], *out, enc[4];
	chtype scells[UI_PUT_STACK], *cells, a;
	size_t on = 0, i;
	uint32_t cp;
	int n, cw, col = 0, zw = 0;
	size_t cap = sizeof sbuf;
	bool ascii = true;

	if (s == NULL || y < 0 || y >= ui->rows || x < 0 || x >= ui->cols ||
	    w <= 0)
		return 0;
	if (x + w > ui->cols)
		w = ui->cols - x;
	out = sbuf;
	end = s + strnlen(s, len);
	while (col < w && s < end) {
		/* Fast path: printable ASCII is one column a byte, as is. */
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s <= 0x7e) {
			const char *e = s;

			while (e < end && col + (e - s) < w &&
			       (unsigned char)*e >= 0x20 &&
			       (unsigned char)*e <= 0x7e)
				e++;
			out = putn_reserve(out, sbuf, &cap, on, (size_t)(e - s));
			memcpy(out + on, s, (size_t)(e - s));
			on += (size_t)(e - s);
			col += (int)(e - s);
			s = e;
			zw = 0;
			continue;
		}
		if ((n = utf8_decode(s, &cp)) <= 0)
			break;
		s += n;
		if (cp == '\n' || cp == '\t')
			cp = ' ';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = 0xfffd; /* never reaches the terminal raw */
		cw = text_cp_width(cp);
		if (col + cw > w)
			break;
		/* A pile of combining marks on one character: draw a few. */
		if (cw == 0 && ++zw > UI_MAX_ZERO_WIDTH)
			continue;
		if (cw > 0)
			zw = 0;
		out = putn_reserve(out, sbuf, &cap, on, 4);
		if (ui->ascii) {
			out[on++] = cp < 0x80 ? (char)cp : ascii_for(cp);
		} else if (cp >= 0x80 && wcwidth((wchar_t)cp) < 0) {
			memcpy(out + on, "\xef\xbf\xbd", 3);
			on += 3;
			ascii = false;
		} else {
			n = utf8_encode(cp, enc);
			memcpy(out + on, enc, (size_t)n);
			on += (size_t)n;
			if (cp >= 0x80)
				ascii = false;
		}
		col += cw;
	}
	if (on > 0 && ascii) {
		/*
		 * Printable ASCII (the most of what a console draws): the
		 * cells are copied into the line, without waddstr's work a
		 * character (multibyte state, wcwidth, control checks).
		 */
		cells = on <= nitems(scells) ? scells :
		    xreallocarray(NULL, on, sizeof *cells);
		a = ui_ascii_attr(ui, c);
		for (i = 0; i < on; i++)
			cells[i] = (chtype)(unsigned char)out[i] | a;
		mvaddchnstr(y, x, cells, (int)on);
		attrset(ui_attr(ui, UC_NORMAL));	/* as the other path */
		if (cells != scells)
			free(cells);
	} else if (on > 0) {
		out[on] = '\0';
		attrset(ui_attr(ui, c));
		mvaddstr(y, x, out);
		attrset(ui_attr(ui, UC_NORMAL));
	}
	if (out != sbuf)
		free(out);
	return col;
}

int
ui_put(struct ui *ui, int y, int x, int w, enum ui_color c, const char *s)
{
	return ui_putn(ui, y, x, w, c, s, SIZE_MAX);
}

int
ui_putf(struct ui *ui, int y, int x, int w, enum ui_color c, const char *fmt,
        ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	n = ui_put(ui, y, x, w, c, s);
	free(s);
	return n;
}

int
ui_put_right(struct ui *ui, int y, int x, int w, enum ui_color c, const char *s)
{
	int tw = text_width(s);

	if (tw >= w)
		return ui_put(ui, y, x, w, c, s);
	return ui_put(ui, y, x + w - tw, tw, c, s);
}

void
ui_put_cell(struct ui *ui, int y, int x, int w, enum ui_color c, const char *s,
            bool right)
{
	char *cut;
	int tw;

	if (w <= 0)
		return;
	cut = text_cut(s != NULL ? s : "", w);
	tw = text_width(cut);
	ui_fill(ui, y, x, w, c);
	if (right)
		ui_put(ui, y, x + w - tw, tw, c, cut);
	else
		ui_put(ui, y, x, w, c, cut);
	free(cut);
}

void
ui_fill(struct ui *ui, int y, int x, int w, enum ui_color c)
{
	if (y < 0 || y >= ui->rows || x < 0 || x >= ui->cols || w <= 0)
		return;
	if (x + w > ui->cols)
		w = ui->cols - x;
	attrset(ui_attr(ui, c));
	mvhline(y, x, ' ', w);
	attrset(ui_attr(ui, UC_NORMAL));
}

void
ui_hline(struct ui *ui, int y, int x, int w, enum ui_color c)
{
	struct buf b = {0};
	const char *g = ui_glyph(ui, G_HLINE);
	int i;

	for (i = 0; i < w; i++)
		buf_puts(&b, g);
	if (b.data != NULL)
		ui_put(ui, y, x, w, c, b.data);
	buf_free(&b);
}

const char *
ui_strcasestr(const char *hay, const char *needle)
{
	size_t n;
	char lo, up;

	if (hay == NULL || needle == NULL || *needle == '\0')
		return NULL;
	n = strlen(needle);
	lo = (char)tolower((unsigned char)*needle);
	up = (char)toupper((unsigned char)*needle);
	/* Compare whole words only where the first letter matches. */
	for (; *hay != '\0'; hay++)
		if ((*hay == lo || *hay == up) &&
		    strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

int
ui_put_highlight(struct ui *ui, int y, int x, int w, enum ui_color c,
                 const char *s, const char *hl)
{
	const char *p = s, *m;
	int col = 0;
	size_t hn = hl != NULL ? strlen(hl) : 0;

	if (hn == 0)
		return ui_put(ui, y, x, w, c, s);
	while (col < w && *p != '\0') {
		m = ui_strcasestr(p, hl);
		if (m == NULL) {
			col += ui_put(ui, y, x + col, w - col, c, p);
			break;
		}
		col += ui_putn(ui, y, x + col, w - col, c, p, (size_t)(m - p));
		col += ui_putn(ui, y, x + col, w - col, UC_MATCH, m, hn);
		p = m + hn;
	}
	return col;
}

void
ui_message(struct ui *ui, bool bad, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(ui->message);
	ui->message = text_clean(raw);
	free(raw);
	ui->message_bad = bad;
	ui->message_until = mono_ms() + 5000;
	ui->dirty = true;
}

void
ui_snapshot_age(const struct ui *ui, const struct snapshot *s, char *out,
                size_t size, enum ui_color *c)
{
	char age[32];
	int64_t secs;

	if (s == NULL) {
		snprintf(out, size, "loading%s",
		         ui->ascii ? "..." : "\xe2\x80\xa6");
		*c = UC_DIM;
		return;
	}
	secs =
	    s->fetched_at_ms > 0 ? (ui->now_ms - s->fetched_at_ms) / 1000 : 0;
	fmt_age(secs, age, sizeof age);
	if (s->error != NULL) {
		const char *why =
		    s->error_short != NULL ? s->error_short : "error";

		if (s->data == NULL || s->fetched_at_ms == 0) {
			snprintf(out, size, "no data: %s", why);
			*c = UC_BAD;
		} else {
			snprintf(out, size, "stale: %s (%s)", why, age);
			*c = UC_WARN;
		}
		return;
	}
	snprintf(out, size, "%s", age);
	*c = UC_DIM;
}

void
ui_pane_header(struct ui *ui, int y, int x, int w, const char *title,
               const struct snapshot *s)
{
	char age[96];
	enum ui_color c;
	int tw;

	tw = ui_put(ui, y, x, w, UC_ACCENT, title);
	ui_snapshot_age(ui, s, age, sizeof age, &c);
	if (tw + 2 + text_width(age) <= w)
		ui_put_right(ui, y, x, w, c, age);
}

void
ui_clock(const struct ui *ui, int64_t ms, bool millis, char *out, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ui->utc)
		gmtime_r(&t, &tm);
	else
		localtime_r(&t, &tm);
	if (millis)
		snprintf(out, size, "%02d:%02d:%02d.%03d", tm.tm_hour,
		         tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	else
		snprintf(out, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
		         tm.tm_sec);
}

enum ui_color
ui_status_color(const char *st)
{
	if (st == NULL)
		return UC_DIM;
	if (strcmp(st, "RUNNING") == 0 || strcmp(st, "SUCCEEDED") == 0)
		return UC_OK;
	if (strstr(st, "FAIL") != NULL || strcmp(st, "DELETED") == 0)
		return UC_BAD;
	if (strcmp(st, "OPERATION_IN_PROGRESS") == 0 ||
	    strcmp(st, "IN_PROGRESS") == 0 || strcmp(st, "PENDING") == 0 ||
	    strcmp(st, "PAUSED") == 0)
		return UC_WARN;
	return UC_NORMAL;
}

enum ui_color
ui_alarm_color(const char *state)
{
	if (state == NULL)
		return UC_DIM;
	if (strcmp(state, "ALARM") == 0)
		return UC_BAD;
	if (strcmp(state, "OK") == 0)
		return UC_OK;
	return UC_WARN;
}

enum ui_color
ui_level_color(double v, double warn, double bad)
{
	if (v != v)
		return UC_DIM;
	if (v >= bad)
		return UC_BAD;
	if (v >= warn)
		return UC_WARN;
	return UC_NORMAL;
}
