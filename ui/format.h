/* Terminal-free formatting and plotting: numbers, ages, sparklines, braille. */
#ifndef MOMENTUM_UI_FORMAT_H
#define MOMENTUM_UI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every fmt_* writes a NUL-terminated string into out (size bytes, at
 * least 16 is always enough) and returns out.  NAN prints as "-".
 */

/* 0.5 -> "0.50", 12.34 -> "12.3", 1234 -> "1234", 12345 -> "12.3k", "1.2M". */
char *fmt_num(double v, char *out, size_t size);
/* Latency in milliseconds: 0.4 -> "<1ms", 12 -> "12ms", 1234 -> "1.23s", 65000
 * -> "65s". */
char *fmt_ms(double ms, char *out, size_t size);
/* Percent: 0 -> "0%", 0.04 -> "0.04%", 1.5 -> "1.5%", 42 -> "42%". */
char *fmt_pct(double v, char *out, size_t size);
/* Age of data: 0 -> "now", 12 -> "12s ago", 185 -> "3m ago", 7300 -> "2h ago",
 * "3d ago". */
char *fmt_age(int64_t seconds, char *out, size_t size);
/* Duration: 12 -> "12s", 185 -> "3m05s", 7380 -> "2h03m", 270000 -> "3d03h". */
char *fmt_duration(int64_t seconds, char *out, size_t size);
/* Bytes: 512 -> "512 B", 1536 -> "1.5 KiB", "12 MiB", "1.2 GiB". */
char *fmt_bytes(uint64_t n, char *out, size_t size);
/* Money: 12.3 -> "$12.30", 1234.5 -> "$1,234", negative "-$3.00"; other
 * currencies "12.30 EUR". */
char *fmt_money(double v, const char *currency, char *out, size_t size);

/*
 * Sparklines.  Reduce n values to width columns (each column takes the
 * largest value of its bucket; the newest values are at the right) and
 * map them to levels 0..7 against [lo, hi]: NAN lo means 0, hi <= lo or
 * NAN means the data's own largest value.  A column with no data gets
 * level -1.
 */
void spark_levels(const double *v, size_t n, double lo, double hi, int *levels,
                  int width);
/*
 * The lower bound a sparkline of these values should use: 0, or when
 * every value sits high above 0, a little under the smallest, so that a
 * busy but steady series still shows its movement.
 */
double spark_floor(const double *v, size_t n);
/*
 * Render levels as "▁▂▃▄▅▆▇█" (or " .:-=+*#" in ascii) with a space for
 * -1.  Returns a new string of exactly width columns.  Caller frees.
 */
char *spark_render(const int *levels, int width, bool ascii);
/* Both steps at once.  Caller frees. */
char *sparkline(const double *v, size_t n, double lo, double hi, int width,
                bool ascii);

/*
 * Braille plotting into a cell grid: w x h cells, each 2 x 4 dots, so
 * the plot has 2w x 4h dots with (0, 0) at the top left.  Nothing here
 * needs a terminal, so charts are unit-testable.
 */
struct braille {
	int w, h;
	uint8_t *cells; /* w * h dot masks, Unicode braille bit order */
};

struct braille *braille_new(int w, int h);
void braille_free(struct braille *b); /* NULL is a no-op */
void braille_clear(struct braille *b);
/* Set the dot at (px, py); ignored outside the grid. */
void braille_set(struct braille *b, int px, int py);
bool braille_get(const struct braille *b, int px, int py);
/* A straight line of dots between two points (Bresenham). */
void braille_line(struct braille *b, int x0, int y0, int x1, int y1);
/*
 * Plot n values spread over the full width, scaled so vmin is the
 * bottom dot row and vmax the top; consecutive points are joined, NAN
 * leaves a gap.  Values outside [vmin, vmax] are clamped.
 */
void braille_plot(struct braille *b, const double *v, size_t n, double vmin,
                  double vmax);
/* Dot mask of cell (cx, cy). */
uint8_t braille_cell(const struct braille *b, int cx, int cy);
/*
 * Text of cell row cy: U+2800 + mask per cell, or in ascii one of
 * " .'|" style glyphs (" " empty, "." low dots only, "'" high only,
 * ":" both).  Caller frees.
 */
char *braille_row(const struct braille *b, int cy, bool ascii);

/* "Nice" upper bound for an axis: 0.87 -> 1, 13 -> 15, 230 -> 250, 0 -> 1. */
double axis_nice_max(double v);

#endif
