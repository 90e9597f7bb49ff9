/* Braille line charts with a value axis, a time axis and deployment markers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

/* "1h", "30m", "7d", "90s": the shortest exact form. */
static void
short_span(int64_t s, char *out, size_t size)
{
	if (s >= 86400 && s % 86400 == 0)
		snprintf(out, size, "%lldd", (long long)(s / 86400));
	else if (s >= 3600 && s % 3600 == 0)
		snprintf(out, size, "%lldh", (long long)(s / 3600));
	else if (s >= 60)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else
		snprintf(out, size, "%llds", (long long)s);
}

/*
 * Resample the series onto one slot per period across [start, end] so
 * the chart's x axis is time, whatever range the series covers.
 */
static double *
chart_values(const struct chart *c, size_t *n)
{
	const struct series *s = c->s;
	int period = s->period > 0 ? s->period : 60;
	size_t slots, i;
	double *v;
	int64_t t, k;

	slots = (size_t)((c->end - c->start) / period) + 1;
	if (slots < 2)
		slots = 2;
	if (slots > 4096)
		slots = 4096;
	v = xcalloc(slots, sizeof *v);
	for (i = 0; i < slots; i++)
		v[i] = NAN;
	for (i = 0; i < s->n; i++) {
		t = s->start + (int64_t)i * s->period;
		if (t < c->start || t > c->end)
			continue;
		k = (t - c->start) * (int64_t)(slots - 1) /
		    (c->end - c->start > 0 ? c->end - c->start : 1);
		if (k >= 0 && (size_t)k < slots)
			v[k] = s->v[i];
	}
	*n = slots;
	return v;
}

void
chart_draw(struct ui *ui, int y, int x, int h, int w, const struct chart *c)
{
	char top[32], now[32], lab[32];
	int lw = 6, pw, ph, row, col, i;
	struct braille *b;
	double vmax, last = NAN, *vals;
	size_t n, k;
	char *line;
	int64_t span;

	if (h < 3 || w < lw + 8)
		return;
	if (c->s != NULL)
		last = series_last(c->s);
	ui_put(ui, y, x, w, UC_ACCENT, c->title);
	c->fmt(last, now, sizeof now);
	ui_put_right(ui, y, x, w, isnan(last) ? UC_DIM : UC_NORMAL, now);

	ph = h - 2;
	pw = w - lw - 1;
	vmax = c->max > 0
	           ? c->max
	           : axis_nice_max(c->s != NULL ? series_max(c->s) : NAN);
	c->fmt(vmax, top, sizeof top);
	ui_put_right(ui, y + 1, x, lw - 1, UC_DIM, top);
	ui_put_right(ui, y + ph, x, lw - 1, UC_DIM, "0");
	for (row = 0; row < ph; row++)
		ui_put(ui, y + 1 + row, x + lw, 1, UC_DIM,
		       ui_glyph(ui, G_VLINE));

	b = braille_new(pw, ph);
	if (c->s != NULL && c->s->v != NULL && c->end > c->start) {
		vals = chart_values(c, &n);
		braille_plot(b, vals, n, 0, vmax);
		free(vals);
	}
	for (row = 0; row < ph; row++) {
		line = braille_row(b, row, ui->ascii);
		ui_put(ui, y + 1 + row, x + lw + 1, pw, c->color, line);
		free(line);
	}

	span = c->end - c->start;
	ui_hline(ui, y + h - 1, x + lw + 1, pw, UC_DIM);

	/* Deployment markers: a dotted column where the plot is empty. */
	for (k = 0; k < c->nmarkers; k++) {
		if (c->markers[k].t < c->start || c->markers[k].t > c->end ||
		    span <= 0)
			continue;
		col = (int)((c->markers[k].t - c->start) * (pw - 1) / span);
		for (row = 0; row < ph; row++)
			if (braille_cell(b, col, row) == 0)
				ui_put(ui, y + 1 + row, x + lw + 1 + col, 1,
				       c->markers[k].color,
				       ui_glyph(ui, G_MARK));
		ui_put(ui, y + h - 1, x + lw + 1 + col, 1, c->markers[k].color,
		       ui_glyph(ui, G_UP));
	}
	/* Time axis labels last: they win over a marker's arrow. */
	lab[0] = '-';
	short_span(span, lab + 1, sizeof lab - 1);
	ui_put(ui, y + h - 1, x + lw + 1, pw, UC_DIM, lab);
	short_span(span / 2, lab + 1, sizeof lab - 1);
	i = text_width(lab);
	if (pw > 24)
		ui_put(ui, y + h - 1, x + lw + 1 + pw / 2 - i / 2, i, UC_DIM,
		       lab);
	ui_put_right(ui, y + h - 1, x + lw + 1, pw, UC_DIM, "now");

	braille_free(b);
}
