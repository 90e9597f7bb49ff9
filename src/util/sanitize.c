/* The one sanitizer for remote text, plus column-aware measuring and cutting.
 */
#include "util/sanitize.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "util/util.h"

#define REPLACEMENT 0xfffd

/* Written once by the UI before threads start (text_set_ascii); read-only
 * after. */
static bool ascii_mode;

void
text_set_ascii(bool on)
{
	ascii_mode = on;
}

bool
text_ascii(void)
{
	return ascii_mode;
}

int
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Strict decoder over a byte range.  Returns the number of bytes used
 * (>= 1) and the code point, or U+FFFD for the maximal invalid subpart
 * (Unicode "best practice": a valid-looking prefix that is cut short is
 * one U+FFFD, a byte that can never start a sequence is one U+FFFD).
 */
static size_t
decode_strict(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char c = p[0];
	uint32_t v;
	size_t need, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* no overlongs */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		*cp = REPLACEMENT; /* 80-c1, f5-ff */
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		v = (v << 6) | (p[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

int
utf8_decode(const char *s, uint32_t *cp)
{
	size_t n;

	if (*s == '\0') {
		*cp = 0;
		return 0;
	}
	n = strnlen(s, 4);
	return (int)decode_strict((const unsigned char *)s, n, cp);
}

/*
 * Invisible characters that could reorder or hide text, or that
 * terminals disagree on the width of: dropped.  Unicode's
 * Default_Ignorable_Code_Point set (bidi controls, zero-width spaces and
 * joiners, word joiners, soft hyphen, Hangul fillers, variation
 * selectors, tags), plus interlinear annotation and the noncharacters
 * U+FFFE and U+FFFF.  Combining marks are text and stay.
 */
static bool
is_dropped(uint32_t cp)
{
	if (cp < 0x00ad)
		return false;
	return cp == 0x00ad || cp == 0x034f || cp == 0x061c ||
	       (cp >= 0x115f && cp <= 0x1160) ||
	       (cp >= 0x17b4 && cp <= 0x17b5) ||
	       (cp >= 0x180b && cp <= 0x180f) ||
	       (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3164 ||
	       (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff ||
	       cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfffb) ||
	       cp == 0xfffe || cp == 0xffff ||
	       (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	       (cp >= 0x1d173 && cp <= 0x1d17a) ||
	       (cp >= 0xe0000 && cp <= 0xe0fff);
}

enum esc_state { S_NORMAL, S_ESC, S_CSI, S_NF, S_SS, S_STR, S_STR_ESC };

struct san {
	struct buf out;
	enum esc_state st;
	bool osc; /* string may also end with BEL */
	bool full;
};

static void
san_emit(struct san *z, uint32_t cp)
{
	char enc[4];
	int n;

	if (z->full)
		return;
	n = utf8_encode(cp, enc);
	if (z->out.len + (size_t)n > TEXT_MAX) {
		buf_puts(&z->out, "\xe2\x80\xa6"); /* … */
		z->full = true;
		return;
	}
	buf_append(&z->out, enc, (size_t)n);
}

static void
san_normal(struct san *z, uint32_t cp)
{
	switch (cp) {
	case 0x1b:
		z->st = S_ESC;
		return;
	case 0x9b:
		z->st = S_CSI;
		return;
	case 0x9d:
		z->st = S_STR;
		z->osc = true;
		return;
	case 0x90:
	case 0x98:
	case 0x9e:
	case 0x9f:
		z->st = S_STR;
		z->osc = false;
		return;
	case 0x8e:
	case 0x8f:
		z->st = S_SS;
		return;
	case '\t':
		san_emit(z, ' ');
		return;
	case '\r':
		return;
	case '\n':
	case 0x2028:
	case 0x2029:
		san_emit(z, '\n');
		return;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
		san_emit(z, REPLACEMENT);
		return;
	}
	if (is_dropped(cp))
		return;
	san_emit(z, cp);
}

/* Feed one code point through the escape-sequence state machine. */
static void
san_feed(struct san *z, uint32_t cp)
{
	for (;;) {
		switch (z->st) {
		case S_NORMAL:
			san_normal(z, cp);
			return;
		case S_ESC:
			z->st = S_NORMAL;
			if (cp == '[')
				z->st = S_CSI;
			else if (cp == ']') {
				z->st = S_STR;
				z->osc = true;
			} else if (cp == 'P' || cp == 'X' || cp == '^' ||
			           cp == '_') {
				z->st = S_STR;
				z->osc = false;
			} else if (cp == 'N' || cp == 'O')
				z->st = S_SS;
			else if (cp >= 0x20 && cp <= 0x2f)
				z->st = S_NF;
			else if (cp == 0x1b)
				z->st = S_ESC;
			else if (cp < 0x30 || cp > 0x7e)
				continue; /* lone ESC: drop it, keep cp */
			return;
		case S_CSI:
			if (cp >= 0x20 && cp <= 0x3f)
				return;
			z->st = S_NORMAL;
			if (cp >= 0x40 && cp <= 0x7e)
				return;
			continue; /* aborted: cp is ordinary */
		case S_NF:
			if (cp >= 0x20 && cp <= 0x2f)
				return;
			z->st = S_NORMAL;
			if (cp >= 0x30 && cp <= 0x7e)
				return;
			continue;
		case S_SS:
			z->st = S_NORMAL;
			if (cp >= 0x20 && cp <= 0x7e)
				return;
			continue;
		case S_STR:
			if ((cp == 0x07 && z->osc) || cp == 0x9c)
				z->st = S_NORMAL;
			else if (cp == 0x1b)
				z->st = S_STR_ESC;
			else if (cp == '\n') {
				/* Unterminated: give the next line back. */
				z->st = S_NORMAL;
				continue;
			}
			return;
		case S_STR_ESC:
			if (cp == '\\') {
				z->st = S_NORMAL;
				return;
			}
			z->st = S_ESC; /* ESC ends the string, starts anew */
			continue;
		}
	}
}

/*
 * Eight bytes at once: non-zero when any of them is not printable ASCII
 * (below 0x20, DEL, or 0x80 and above).  Exact per byte: the additions
 * work on the low seven bits, so no carry crosses into the next byte.
 */
static inline uint64_t
swar_unprintable(uint64_t w)
{
	const uint64_t hi = 0x8080808080808080ULL;
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t low = w & lo7;

	return (w & hi) |			/* 0x80 and above */
	    ((low + 0x0101010101010101ULL) & hi) |	/* low bits 0x7f */
	    (~(low + 0x6060606060606060ULL) & hi);	/* below 0x20 */
}

/* Length of the run of printable ASCII (0x20-0x7e) at p, at most n. */
static size_t
ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	uint64_t w, bad;

	while (n - i >= 8) {
		w = load_le64(p + i);
		if ((bad = swar_unprintable(w)) != 0)
			return i + (size_t)(__builtin_ctzll(bad) >> 3);
		i += 8;
	}
	while (i < n && p[i] >= 0x20 && p[i] <= 0x7e)
		i++;
	return i;
}

/* text_sanitize(), with or without the fast paths, into out (reset). */
static void
sanitize_into(struct buf *out, const char *s, size_t len, bool fast)
{
	struct san z;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, need;
	uint32_t cp;

	memset(&z, 0, sizeof z);
	z.out = *out;
	z.out.len = 0;
	/*
	 * Most text comes out no longer than it went in: room for that
	 * (and the ellipsis) at once rather than growing one doubling at a
	 * time.  The buffer still grows when replacements make it longer.
	 */
	need = (len < TEXT_MAX ? len : TEXT_MAX) + 4;
	if (z.out.data == NULL || z.out.cap < need) {
		free(z.out.data);
		z.out.cap = need;
		z.out.data = xmalloc(z.out.cap);
	}
	z.out.data[0] = '\0';
	if (s == NULL) {
		*out = z.out;
		return;
	}
	while (i < len && !z.full) {
		/*
		 * Fast path: a run of printable ASCII outside any escape
		 * sequence goes through unchanged, in one copy (most log
		 * text is exactly that).  Same result as feeding it byte by
		 * byte, cap and ellipsis included.
		 */
		if (fast && z.st == S_NORMAL && p[i] >= 0x20 && p[i] <= 0x7e) {
			size_t run, room;

			run = 1 + ascii_run(p + i + 1, len - i - 1);
			room = TEXT_MAX - z.out.len;
			if (run <= room) {
				buf_append(&z.out, p + i, run);
				i += run;
				continue;
			}
			buf_append(&z.out, p + i, room);
			buf_puts(&z.out, "\xe2\x80\xa6"); /* … */
			z.full = true;
			break;
		}
		n = decode_strict(p + i, len - i, &cp);
		i += n;
		san_feed(&z, cp);
	}
	*out = z.out;
}

static char *
sanitize_bytes(const char *s, size_t len, bool fast)
{
	struct buf b = { NULL, 0, 0 };

	sanitize_into(&b, s, len, fast);
	return buf_steal(&b);
}

char *
text_sanitize(const char *s, size_t len)
{
	return sanitize_bytes(s, len, true);
}

char *
text_sanitize_ref(const char *s, size_t len)
{
	return sanitize_bytes(s, len, false);
}

size_t
text_sanitize_buf(struct buf *out, const char *s, size_t len)
{
	sanitize_into(out, s, len, true);
	return out->len;
}

char *
text_sanitize_line(const char *s, size_t len)
{
	char *t = text_sanitize(s, len), *p;
	struct buf b = {0};
	bool brk = false;

	buf_puts(&b, "");
	for (p = t; *p != '\0'; p++) {
		if (*p == '\n') {
			brk = true;
			continue;
		}
		if (brk) {
			while (b.len > 0 && b.data[b.len - 1] == ' ')
				b.len--;
			b.data[b.len] = '\0';
			if (b.len > 0)
				buf_puts(&b, " \xe2\x8f\x8e "); /* ⏎ */
			while (*p == ' ')
				p++;
			brk = false;
			if (*p == '\0')
				break;
			if (*p == '\n') {
				brk = true;
				continue;
			}
		}
		buf_putc(&b, *p);
	}
	free(t);
	t = buf_steal(&b);
	strtrim(t);
	return t;
}

char *
text_clean(const char *s)
{
	if (s == NULL)
		return NULL;
	return text_sanitize_line(s, strlen(s));
}

int
text_cp_width(uint32_t cp)
{
	int w;

	if (ascii_mode)
		return 1;
	if (cp < 0x7f)
		return cp < 0x20 ? 0 : 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
text_width(const char *s)
{
	uint32_t cp;
	int n, w = 0;

	if (s == NULL)
		return 0;
	while ((n = utf8_decode(s, &cp)) > 0) {
		w += text_cp_width(cp);
		s += n;
	}
	return w;
}

size_t
text_prefix(const char *s, int cols, int *used)
{
	const char *p = s;
	uint32_t cp;
	int n, w = 0, cw;

	while ((n = utf8_decode(p, &cp)) > 0) {
		cw = text_cp_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		p += n;
	}
	if (used != NULL)
		*used = w;
	return (size_t)(p - s);
}

char *
text_cut(const char *s, int cols)
{
	const char *ell = ascii_mode ? "~" : "\xe2\x80\xa6";
	size_t n;
	char *r;

	if (s == NULL || cols <= 0)
		return xstrdup("");
	if (text_width(s) <= cols)
		return xstrdup(s);
	n = text_prefix(s, cols - 1, NULL);
	r = xmalloc(n + strlen(ell) + 1);
	memcpy(r, s, n);
	strcpy(r + n, ell);
	return r;
}
