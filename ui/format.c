/* Number, time and money formatting; sparkline levels; braille dot grids. */
#include "ui/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

char *
fmt_num(double v, char *out, size_t size)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(out, size, "-");
	else if (a < 10 && a != floor(a))
		snprintf(out, size, "%.2f", v);
	else if (a < 100 && a != floor(a))
		snprintf(out, size, "%.1f", v);
	else if (a < 10000)
		snprintf(out, size, "%.0f", v);
	else if (a < 1e6)
		snprintf(out, size, "%.1fk", v / 1e3);
	else if (a < 1e9)
		snprintf(out, size, "%.1fM", v / 1e6);
	else
		snprintf(out, size, "%.1fG", v / 1e9);
	return out;
}

char *
fmt_ms(double ms, char *out, size_t size)
{
	if (isnan(ms))
		snprintf(out, size, "-");
	else if (ms < 1)
		snprintf(out, size, "<1ms");
	else if (ms < 1000)
		snprintf(out, size, "%.0fms", ms);
	else if (ms < 10000)
		snprintf(out, size, "%.2fs", ms / 1000);
	else
		snprintf(out, size, "%.0fs", ms / 1000);
	return out;
}

char *
fmt_pct(double v, char *out, size_t size)
{
	if (isnan(v))
		snprintf(out, size, "-");
	else if (v == 0)
		snprintf(out, size, "0%%");
	else if (fabs(v) < 0.1)
		snprintf(out, size, "%.2f%%", v);
	else if (fabs(v) < 10)
		snprintf(out, size, "%.1f%%", v);
	else
		snprintf(out, size, "%.0f%%", v);
	return out;
}

char *
fmt_age(int64_t s, char *out, size_t size)
{
	if (s < 1)
		snprintf(out, size, "now");
	else if (s < 60)
		snprintf(out, size, "%llds ago", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lldm ago", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh ago", (long long)(s / 3600));
	else
		snprintf(out, size, "%lldd ago", (long long)(s / 86400));
	return out;
}

char *
fmt_duration(int64_t s, char *out, size_t size)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lldm%02llds", (long long)(s / 60),
		         (long long)(s % 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh%02lldm", (long long)(s / 3600),
		         (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%lldd%02lldh", (long long)(s / 86400),
		         (long long)(s % 86400 / 3600));
	return out;
}

char *
fmt_bytes(uint64_t n, char *out, size_t size)
{
	static const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(out, size, "%llu B", (unsigned long long)n);
		return out;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < nitems(units)) {
		v /= 1024;
		u++;
	}
	if (v < 10 && v != floor(v))
		snprintf(out, size, "%.1f %s", v, units[u]);
	else
		snprintf(out, size, "%.0f %s", v, units[u]);
	return out;
}

/* Digits of an integer amount with thousands separators. */
static void
group_thousands(unsigned long long n, char *out, size_t size)
{
	char digits[32], tmp[48];
	size_t len, i, j = 0;

	snprintf(digits, sizeof digits, "%llu", n);
	len = strlen(digits);
	for (i = 0; i < len && j + 2 < sizeof tmp; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			tmp[j++] = ',';
		tmp[j++] = digits[i];
	}
	tmp[j] = '\0';
	snprintf(out, size, "%s", tmp);
}

char *
fmt_money(double v, const char *currency, char *out, size_t size)
{
	char num[48];
	const char *sign = v < 0 ? "-" : "";
	double a = fabs(v);
	bool usd = currency == NULL || strcmp(currency, "USD") == 0;

	if (isnan(v)) {
		snprintf(out, size, "-");
		return out;
	}
	if (a < 1000)
		snprintf(num, sizeof num, "%.2f", a);
	else
		group_thousands((unsigned long long)llround(a), num,
		                sizeof num);
	if (usd)
		snprintf(out, size, "%s$%s", sign, num);
	else
		snprintf(out, size, "%s%s %s", sign, num, currency);
	return out;
}

double
spark_floor(const double *v, size_t n)
{
	double mn = NAN, mx = NAN;
	size_t i;

	for (i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (isnan(mn) || v[i] < mn)
			mn = v[i];
		if (isnan(mx) || v[i] > mx)
			mx = v[i];
	}
	if (isnan(mn) || mn <= 0 || mn < mx * 0.5)
		return 0;
	/* Steady and high: start a bit under the minimum. */
	return mn - (mx - mn) * 0.25 - mn * 0.02;
}

void
spark_levels(const double *v, size_t n, double base, double max, int *levels,
             int width)
{
	double m = 0, x;
	size_t lo, hi, i;
	int c;
	bool any;

	if (width <= 0)
		return;
	if (isnan(base))
		base = 0;
	if (isnan(max) || max <= base) {
		m = base;
		for (i = 0; i < n; i++)
			if (!isnan(v[i]) && v[i] > m)
				m = v[i];
		max = m;
	}
	for (c = 0; c < width; c++) {
		levels[c] = -1;
		if (n == 0)
			continue;
		/*
		 * Bucket c covers [lo, hi).  With fewer values than columns the
		 * newest values sit at the right and the left stays empty.
		 */
		if (n >= (size_t)width) {
			lo = (size_t)c * n / (size_t)width;
			hi = (size_t)(c + 1) * n / (size_t)width;
		} else {
			if ((size_t)(width - c) > n)
				continue;
			lo = n - (size_t)(width - c);
			hi = lo + 1;
		}
		any = false;
		x = 0;
		for (i = lo; i < hi; i++) {
			if (isnan(v[i]))
				continue;
			if (!any || v[i] > x)
				x = v[i];
			any = true;
		}
		if (!any)
			continue;
		if (max <= base || x <= base)
			levels[c] = 0;
		else if (x >= max)
			levels[c] = 7;
		else
			levels[c] = (int)((x - base) / (max - base) * 7.999);
	}
}

char *
spark_render(const int *levels, int width, bool ascii)
{
	static const char *blocks[] = {
	    "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
	static const char ascii_levels[] = "_.:-=+*#";
	struct buf b = {0};
	int c, l;

	buf_puts(&b, "");
	for (c = 0; c < width; c++) {
		l = levels[c];
		if (l < 0)
			buf_putc(&b, ' ');
		else if (ascii)
			buf_putc(&b, ascii_levels[l > 7 ? 7 : l]);
		else
			buf_puts(&b, blocks[l > 7 ? 7 : l]);
	}
	return buf_steal(&b);
}

char *
sparkline(const double *v, size_t n, double lo, double hi, int width,
          bool ascii)
{
	int *levels;
	char *s;

	if (width <= 0)
		return xstrdup("");
	levels = xcalloc((size_t)width, sizeof *levels);
	spark_levels(v, n, lo, hi, levels, width);
	s = spark_render(levels, width, ascii);
	free(levels);
	return s;
}

struct braille *
braille_new(int w, int h)
{
	struct braille *b = xcalloc(1, sizeof *b);

	b->w = w > 0 ? w : 0;
	b->h = h > 0 ? h : 0;
	b->cells = xcalloc((size_t)b->w * (size_t)b->h + 1, 1);
	return b;
}

void
braille_free(struct braille *b)
{
	if (b == NULL)
		return;
	free(b->cells);
	free(b);
}

void
braille_clear(struct braille *b)
{
	memset(b->cells, 0, (size_t)b->w * (size_t)b->h);
}

/* Unicode braille: dots 1-3 and 7 down the left column, 4-6 and 8 the right. */
static uint8_t
dot_bit(int dx, int dy)
{
	static const uint8_t bits[2][4] = {
	    {0x01, 0x02, 0x04, 0x40},
	    {0x08, 0x10, 0x20, 0x80},
	};

	return bits[dx][dy];
}

void
braille_set(struct braille *b, int px, int py)
{
	if (px < 0 || py < 0 || px >= b->w * 2 || py >= b->h * 4)
		return;
	b->cells[(py / 4) * b->w + px / 2] |= dot_bit(px % 2, py % 4);
}

bool
braille_get(const struct braille *b, int px, int py)
{
	if (px < 0 || py < 0 || px >= b->w * 2 || py >= b->h * 4)
		return false;
	return (b->cells[(py / 4) * b->w + px / 2] & dot_bit(px % 2, py % 4)) !=
	       0;
}

void
braille_line(struct braille *b, int x0, int y0, int x1, int y1)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy, e2;

	for (;;) {
		braille_set(b, x0, y0);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

void
braille_plot(struct braille *b, const double *v, size_t n, double vmin,
             double vmax)
{
	int pw = b->w * 2, ph = b->h * 4, px, py, lx = 0, ly = 0;
	bool have = false;
	double x;
	size_t i;

	if (pw == 0 || ph == 0 || n == 0)
		return;
	if (!(vmax > vmin))
		vmax = vmin + 1;
	for (i = 0; i < n; i++) {
		if (isnan(v[i])) {
			have = false;
			continue;
		}
		px = n == 1
		         ? pw - 1
		         : (int)lround((double)i * (pw - 1) / (double)(n - 1));
		x = v[i] < vmin ? vmin : v[i] > vmax ? vmax : v[i];
		py = (ph - 1) -
		     (int)lround((x - vmin) / (vmax - vmin) * (ph - 1));
		if (have)
			braille_line(b, lx, ly, px, py);
		else
			braille_set(b, px, py);
		lx = px;
		ly = py;
		have = true;
	}
}

uint8_t
braille_cell(const struct braille *b, int cx, int cy)
{
	if (cx < 0 || cy < 0 || cx >= b->w || cy >= b->h)
		return 0;
	return b->cells[cy * b->w + cx];
}

char *
braille_row(const struct braille *b, int cy, bool ascii)
{
	struct buf out = {0};
	uint8_t m;
	int cx;
	char enc[4];

	buf_puts(&out, "");
	for (cx = 0; cx < b->w; cx++) {
		m = braille_cell(b, cx, cy);
		if (ascii) {
			bool hi = (m & (0x01 | 0x08 | 0x02 | 0x10)) != 0;
			bool lo = (m & (0x04 | 0x20 | 0x40 | 0x80)) != 0;

			buf_putc(&out, hi && lo ? ':'
			               : hi     ? '\''
			               : lo     ? '.'
			                        : ' ');
			continue;
		}
		if (m == 0) {
			buf_putc(&out, ' ');
			continue;
		}
		/* U+2800 + m, always three bytes. */
		enc[0] = (char)0xe2;
		enc[1] = (char)(0xa0 | (m >> 6));
		enc[2] = (char)(0x80 | (m & 0x3f));
		buf_append(&out, enc, 3);
	}
	return buf_steal(&out);
}

double
axis_nice_max(double v)
{
	static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	double mag, f;
	size_t i;

	if (isnan(v) || v <= 0)
		return 1;
	mag = pow(10, floor(log10(v)));
	f = v / mag;
	for (i = 0; i < nitems(steps); i++)
		if (f <= steps[i] + 1e-9)
			return steps[i] * mag;
	return 10 * mag;
}
