/* CloudWatch Logs: FilterLogEvents tailing and log group lookup. */
#include "aws/logs.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awsjson.h"
#include "util/util.h"

/* Times in ms from a JSON number: no undefined cast out of range. */
static int64_t
logs_ms(double d)
{
	if (!(d == d))
		return 0;
	if (d >= 9.2e18)
		return INT64_MAX;
	if (d <= -9.2e18)
		return INT64_MIN;
	return (int64_t)d;
}

cJSON *
logs_filter_request(const char *group, int64_t start_ms, int64_t end_ms,
    const char *pattern, const char *next_token, int limit)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "logGroupName", group);
	if (start_ms > 0)
		cJSON_AddNumberToObject(r, "startTime", (double)start_ms);
	if (end_ms > 0)
		cJSON_AddNumberToObject(r, "endTime", (double)end_ms);
	aj_add_str(r, "filterPattern", pattern);
	aj_add_str(r, "nextToken", next_token);
	if (limit <= 0 || limit > 10000)
		limit = 1000;
	cJSON_AddNumberToObject(r, "limit", limit);
	return r;
}

int
logs_parse_filter(const cJSON *resp, const char *group,
    struct log_event_in **out, size_t *n, const char **next_token,
    char **cause)
{
	const cJSON *list, *it;
	struct log_event_in *e;
	const char *msg;

	*out = NULL;
	*n = 0;
	*next_token = NULL;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("FilterLogEvents: not an object");
		return -1;
	}
	list = aj_array(resp, "events");
	if (list != NULL && cJSON_GetArraySize(list) > 0)
		*out = xreallocarray(NULL, (size_t)cJSON_GetArraySize(list),
		    sizeof **out);
	cJSON_ArrayForEach(it, list) {
		if ((msg = aj_str(it, "message")) == NULL)
			continue;
		e = &(*out)[(*n)++];
		memset(e, 0, sizeof *e);
		e->ts_ms = logs_ms(aj_num(it, "timestamp", 0));
		e->ingest_ms = logs_ms(aj_num(it, "ingestionTime", 0));
		e->event_id = aj_str(it, "eventId");
		e->group = group;
		e->stream = aj_str(it, "logStreamName");
		e->message = msg;
		e->message_len = strlen(msg);
	}
	*next_token = aj_str(resp, "nextToken");
	if (*next_token != NULL && **next_token == '\0')
		*next_token = NULL;
	return 0;
}

cJSON *
logs_describe_log_groups_request(const char *prefix, int limit)
{
	cJSON *r = cJSON_CreateObject();

	aj_add_str(r, "logGroupNamePrefix", prefix);
	if (limit < 1 || limit > 50)
		limit = 50;
	cJSON_AddNumberToObject(r, "limit", limit);
	return r;
}

int
logs_parse_describe_log_groups(const cJSON *resp, char ***names, size_t *n,
    char **cause)
{
	const cJSON *it;
	char *name;

	*names = NULL;
	*n = 0;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("DescribeLogGroups: not an object");
		return -1;
	}
	cJSON_ArrayForEach(it, aj_array(resp, "logGroups")) {
		if ((name = aj_clean(it, "logGroupName")) == NULL)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = name;
	}
	return 0;
}

char *
logs_apprunner_group(const char *service_name, const char *service_id)
{
	return xasprintf("/aws/apprunner/%s/%s/application", service_name,
	    service_id);
}

char *
logs_apprunner_group_kind(const char *service_name, const char *service_id,
    const char *kind)
{
	return xasprintf("/aws/apprunner/%s/%s/%s", service_name, service_id,
	    kind);
}

/*
 * ---- FilterLogEvents without a cJSON tree ---------------------------
 *
 * A single pass over the body that accepts exactly what
 * cJSON_ParseWithLength accepts (its grammar and its quirks: any byte
 * <= 32 is white space, a leading UTF-8 BOM is skipped, numbers are the
 * longest run of [0-9+-.eE] that strtod takes, nesting is limited to
 * CJSON_NESTING_LIMIT, anything after the top-level value is ignored)
 * and decodes strings the way cJSON does, into one buffer the caller
 * frees.  Members are looked up as aj_* does: first occurrence, case
 * sensitive, compared as C strings.
 */

#define FP_NESTING	1000	/* CJSON_NESTING_LIMIT */

struct fp {
	const unsigned char	*s;
	size_t			 len;
	size_t			 off;
	size_t			 depth;
	char			*out;		/* decoded strings */
	size_t			 used;		/* kept bytes of out */
	unsigned char		 dp;		/* locale decimal point */
};

static void
fp_ws(struct fp *f)
{
	if (f->off >= f->len)
		return;
	while (f->off < f->len && f->s[f->off] <= 32)
		f->off++;
	if (f->off == f->len)
		f->off--;
}

static unsigned
fp_hex4(const unsigned char *p)
{
	unsigned h = 0, i;

	for (i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			h += (unsigned)p[i] - '0';
		else if (p[i] >= 'A' && p[i] <= 'F')
			h += 10u + p[i] - 'A';
		else if (p[i] >= 'a' && p[i] <= 'f')
			h += 10u + p[i] - 'a';
		else
			return 0;	/* as cJSON: an invalid digit is U+0000 */
		if (i < 3)
			h <<= 4;
	}
	return h;
}

/* One \u escape (or surrogate pair) at p; bytes consumed, 0 = invalid. */
static size_t
fp_utf16(const unsigned char *p, const unsigned char *end, unsigned char **o)
{
	unsigned long cp;
	unsigned first, second;
	size_t seq, n, i;
	unsigned char mark = 0;

	if (end - p < 6)
		return 0;
	first = fp_hex4(p + 2);
	if (first >= 0xDC00 && first <= 0xDFFF)
		return 0;
	if (first >= 0xD800 && first <= 0xDBFF) {
		if (end - (p + 6) < 6 || p[6] != '\\' || p[7] != 'u')
			return 0;
		second = fp_hex4(p + 8);
		if (second < 0xDC00 || second > 0xDFFF)
			return 0;
		cp = 0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF));
		seq = 12;
	} else {
		cp = first;
		seq = 6;
	}
	if (cp < 0x80)
		n = 1;
	else if (cp < 0x800) {
		n = 2;
		mark = 0xC0;
	} else if (cp < 0x10000) {
		n = 3;
		mark = 0xE0;
	} else {
		n = 4;
		mark = 0xF0;
	}
	for (i = n - 1; i > 0; i--) {
		(*o)[i] = (unsigned char)((cp | 0x80) & 0xBF);
		cp >>= 6;
	}
	(*o)[0] = n > 1 ? (unsigned char)((cp | mark) & 0xFF) :
	    (unsigned char)(cp & 0x7F);
	*o += n;
	return seq;
}

/*
 * Eight bytes at a time: a mask whose lowest set high bit marks the
 * first zero byte of w (borrows only run upwards from a zero byte, so
 * the lowest marked byte is exact; higher ones may be false).
 */
#define FP_ONES		0x0101010101010101ULL
#define FP_HIGHS	0x8080808080808080ULL
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FP_SWAR		1
#else
#define FP_SWAR		0
#endif

static inline uint64_t
fp_zero_bytes(uint64_t w)
{
	return (w - FP_ONES) & ~w & FP_HIGHS;
}

/* The first '"' or '\\' in [p, lim), or lim. */
static const unsigned char *
fp_quote_or_backslash(const unsigned char *p, const unsigned char *lim)
{
#if FP_SWAR
	uint64_t w, m;

	while (lim - p >= 8) {
		memcpy(&w, p, 8);
		m = fp_zero_bytes(w ^ (FP_ONES * '"')) |
		    fp_zero_bytes(w ^ (FP_ONES * '\\'));
		if (m != 0)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < lim && *p != '"' && *p != '\\')
		p++;
	return p;
}

/*
 * The end of a string as cJSON finds it, from p (not inside an escape):
 * a backslash skips the byte after it (and may not be the last byte),
 * the first quote not skipped ends the string.  NULL = no end.
 */
static const unsigned char *
fp_string_end(const unsigned char *p, const unsigned char *lim)
{
	for (;;) {
		p = fp_quote_or_backslash(p, lim);
		if (p >= lim)
			return NULL;
		if (*p == '"')
			return p;
		if (p + 1 >= lim)
			return NULL;
		p += 2;
	}
}

/* One escape at p (a backslash before end) into *o; bytes read, 0 = bad. */
static size_t
fp_escape(const unsigned char *p, const unsigned char *end, unsigned char **o)
{
	switch (p[1]) {
	case 'b': *(*o)++ = '\b'; return 2;
	case 'f': *(*o)++ = '\f'; return 2;
	case 'n': *(*o)++ = '\n'; return 2;
	case 'r': *(*o)++ = '\r'; return 2;
	case 't': *(*o)++ = '\t'; return 2;
	case '"':
	case '\\':
	case '/':
		*(*o)++ = p[1];
		return 2;
	case 'u':
		return fp_utf16(p, end, o);
	default:
		return 0;
	}
}

/*
 * The string at f->off (which must be '"'), decoded at f->out + f->used
 * and NUL-terminated; keep = advance f->used past it.  NULL = malformed.
 * Accepts and decodes what cJSON's parse_string does.
 *
 * The copies run eight bytes at a time and may write past the byte they
 * stop at, which later bytes overwrite.  o stays behind p (a kept string
 * and its NUL are shorter than the string and its quotes), so o + 8 <=
 * f->out + f->len whenever p + 8 <= f->s + f->len.
 */
static const char *
fp_string(struct fp *f, bool keep)
{
	const unsigned char *p, *end, *esc, *lim = f->s + f->len;
	unsigned char *o, *start;
	size_t seq;

	if (f->off >= f->len || f->s[f->off] != '"')
		return NULL;
	p = f->s + f->off + 1;
	/* Most strings have no escape: two memchr and one memcpy. */
	if ((end = memchr(p, '"', (size_t)(lim - p))) == NULL)
		return NULL;
	start = o = (unsigned char *)f->out + f->used;
	if ((esc = memchr(p, '\\', (size_t)(end - p))) == NULL) {
		memcpy(o, p, (size_t)(end - p));
		o += end - p;
		goto done;
	}
	memcpy(o, p, (size_t)(esc - p));
	o += esc - p;
	p = esc;
	/*
	 * Escapes: decode up to the first quote no escape consumed.  Each
	 * escape but \u reads the two bytes cJSON's search for the end
	 * skips, so that quote is the end cJSON finds.  A \u escape needs
	 * that end first (cJSON checks its length against it); from there
	 * on the decoding is bounded by it.
	 */
	end = NULL;
	for (;;) {
#if FP_SWAR
		if (lim - p >= 8) {
			uint64_t w, m;

			memcpy(&w, p, 8);
			memcpy(o, &w, 8);
			m = fp_zero_bytes(w ^ (FP_ONES * '"')) |
			    fp_zero_bytes(w ^ (FP_ONES * '\\'));
			if (m == 0) {
				p += 8;
				o += 8;
				continue;
			}
			seq = (size_t)__builtin_ctzll(m) >> 3;
			p += seq;
			o += seq;
		} else
#endif
		if (p >= lim)
			return NULL;
		else if (*p != '"' && *p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (*p == '"') {
			end = p;
			goto done;
		}
		if (p + 1 >= lim)
			return NULL;
		if (p[1] == 'u')
			break;
		if ((seq = fp_escape(p, lim, &o)) == 0)
			return NULL;
		p += seq;
	}
	/* A \u escape at p: the rest is bounded by the end cJSON finds. */
	if ((end = fp_string_end(p, lim)) == NULL)
		return NULL;
	while (p < end) {
		const unsigned char *bs;

		if ((bs = memchr(p, '\\', (size_t)(end - p))) == NULL)
			bs = end;
		memcpy(o, p, (size_t)(bs - p));
		o += bs - p;
		p = bs;
		if (p >= end)
			break;
		if ((seq = fp_escape(p, end, &o)) == 0)
			return NULL;
		p += seq;
	}
done:
	*o++ = '\0';
	if (keep)
		f->used += (size_t)(o - start);
	f->off = (size_t)(end - f->s) + 1;
	return (const char *)start;
}

/* A number as cJSON's parse_number reads it (no length limit). */
static int
fp_number(struct fp *f, double *out)
{
	char sbuf[64], *buf = sbuf, *after;
	size_t i, n = f->len - f->off;
	const unsigned char *p = f->s + f->off;
	bool plain = true;
	int64_t v = 0;
	int rc = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c >= '0' && c <= '9') {
			if (i < 15)
				v = v * 10 + (c - '0');
			continue;
		}
		if (c != '+' && c != '-' && c != 'e' && c != 'E' && c != '.')
			break;
		if (!(i == 0 && c == '-'))
			plain = false;
	}
	/* Up to 15 digits, optionally negative: exact, strtod agrees. */
	if (plain && i > 0 && i <= 15 && !(i == 1 && p[0] == '-')) {
		*out = p[0] == '-' ? -(double)v : (double)v;
		f->off += i;
		return 0;
	}
	if (i >= sizeof sbuf)
		buf = xmalloc(i + 1);
	memcpy(buf, p, i);
	buf[i] = '\0';
	if ((after = memchr(buf, '.', i)) != NULL) {
		for (; after < buf + i; after++) {
			if (*after == '.')
				*after = (char)f->dp;
		}
	}
	*out = strtod(buf, &after);
	if (after == buf)
		rc = -1;
	else
		f->off += (size_t)(after - buf);
	if (buf != sbuf)
		free(buf);
	return rc;
}

static int fp_value(struct fp *, int, void *);

/* What fp_value does with a value: skip, keep a string, or a number. */
enum {
	FP_SKIP,
	FP_ROOT,
	FP_EVENTS,
	FP_EVENT,
};

struct fp_event {
	const char	*message, *event_id, *stream;
	double		 ts, ingest;
	bool		 have[5];
};

struct fp_root {
	struct log_event_in	*ev;
	size_t			 n, cap;
	const char		*group;
	const char		*next_token;
	bool			 have_events, have_token;
};

/* A member value that aj_str / aj_num would read. */
static int
fp_member(struct fp *f, int kind, const char **str, double *num)
{
	const char *s;
	char *end;
	double d;

	if (f->off < f->len && f->s[f->off] == '"') {
		if ((s = fp_string(f, true)) == NULL)
			return -1;
		if (str != NULL)
			*str = s;
		if (num != NULL && s[0] != '\0') {
			errno = 0;
			d = strtod(s, &end);
			if (errno == 0 && *end == '\0' && isfinite(d))
				*num = d;
		}
		return 0;
	}
	if (num != NULL && f->off < f->len && (f->s[f->off] == '-' ||
	    (f->s[f->off] >= '0' && f->s[f->off] <= '9')))
		return fp_number(f, num);
	return fp_value(f, kind, NULL);
}

/*
 * A member name at f->off.  Names without escapes (all of them, in
 * practice) are not copied: *key points into the body, *klen is its
 * length as a C string (cJSON keeps names as C strings, so a raw NUL
 * ends one).  Others are decoded as fp_string does.  -1 = malformed.
 */
static int
fp_key(struct fp *f, const char **key, size_t *klen)
{
	const unsigned char *p, *q, *lim = f->s + f->len;

	if (f->off >= f->len || f->s[f->off] != '"')
		return -1;
	p = f->s + f->off + 1;
	q = fp_quote_or_backslash(p, lim);
	if (q < lim && *q == '"') {
		*key = (const char *)p;
		*klen = strnlen(*key, (size_t)(q - p));
		f->off = (size_t)(q - f->s) + 1;
		return 0;
	}
	if ((*key = fp_string(f, false)) == NULL)
		return -1;
	*klen = strlen(*key);
	return 0;
}

/* Is the member name (key, klen) the C string lit? */
#define KEY_IS(key, klen, lit) \
	((klen) == sizeof(lit) - 1 && memcmp((key), (lit), (klen)) == 0)

static int
fp_object(struct fp *f, int kind, void *arg)
{
	struct fp_root *root = arg;
	struct fp_event ev;
	const char *key;
	size_t klen;
	int sub, slot;

	if (f->depth >= FP_NESTING)
		return -1;
	f->depth++;
	if (f->off >= f->len || f->s[f->off] != '{')
		return -1;
	memset(&ev, 0, sizeof ev);
	f->off++;
	fp_ws(f);
	if (f->off < f->len && f->s[f->off] == '}')
		goto done;
	if (f->off >= f->len)
		return -1;
	f->off--;
	do {
		f->off++;
		fp_ws(f);
		if (fp_key(f, &key, &klen) != 0)
			return -1;
		fp_ws(f);
		if (f->off >= f->len || f->s[f->off] != ':')
			return -1;
		f->off++;
		fp_ws(f);
		sub = FP_SKIP;
		slot = -1;
		if (kind == FP_ROOT) {
			if (!root->have_events && KEY_IS(key, klen, "events")) {
				root->have_events = true;
				if (f->off < f->len && f->s[f->off] == '[')
					sub = FP_EVENTS;
			} else if (!root->have_token &&
			    KEY_IS(key, klen, "nextToken")) {
				root->have_token = true;
				slot = 0;
			}
		} else if (kind == FP_EVENT) {
			if (KEY_IS(key, klen, "message"))
				slot = 0;
			else if (KEY_IS(key, klen, "eventId"))
				slot = 1;
			else if (KEY_IS(key, klen, "logStreamName"))
				slot = 2;
			else if (KEY_IS(key, klen, "timestamp"))
				slot = 3;
			else if (KEY_IS(key, klen, "ingestionTime"))
				slot = 4;
			if (slot >= 0 && ev.have[slot])
				slot = -1;
			else if (slot >= 0)
				ev.have[slot] = true;
		}
		if (kind == FP_ROOT && slot == 0) {
			root->next_token = NULL;
			if (fp_member(f, FP_SKIP, &root->next_token, NULL) != 0)
				return -1;
		} else if (kind == FP_EVENT && slot >= 0) {
			const char **sp = NULL;
			double *np = NULL;

			switch (slot) {
			case 0: sp = &ev.message; break;
			case 1: sp = &ev.event_id; break;
			case 2: sp = &ev.stream; break;
			case 3: np = &ev.ts; break;
			case 4: np = &ev.ingest; break;
			}
			if (fp_member(f, FP_SKIP, sp, np) != 0)
				return -1;
		} else if (fp_value(f, sub, root) != 0)
			return -1;
		fp_ws(f);
	} while (f->off < f->len && f->s[f->off] == ',');
	if (f->off >= f->len || f->s[f->off] != '}')
		return -1;
done:
	f->depth--;
	f->off++;
	if (kind == FP_EVENT && ev.message != NULL) {
		struct log_event_in *e;

		if (root->n == root->cap) {
			root->cap = root->cap == 0 ? 64 : root->cap * 2;
			root->ev = xreallocarray(root->ev, root->cap,
			    sizeof *root->ev);
		}
		e = &root->ev[root->n++];
		memset(e, 0, sizeof *e);
		e->ts_ms = logs_ms(ev.ts);
		e->ingest_ms = logs_ms(ev.ingest);
		e->event_id = ev.event_id;
		e->group = root->group;
		e->stream = ev.stream;
		e->message = ev.message;
		e->message_len = strlen(ev.message);
	}
	return 0;
}

static int
fp_array(struct fp *f, int kind, void *arg)
{
	int sub = kind == FP_EVENTS ? FP_EVENT : FP_SKIP;

	if (f->depth >= FP_NESTING)
		return -1;
	f->depth++;
	if (f->off >= f->len || f->s[f->off] != '[')
		return -1;
	f->off++;
	fp_ws(f);
	if (f->off < f->len && f->s[f->off] == ']')
		goto done;
	if (f->off >= f->len)
		return -1;
	f->off--;
	do {
		f->off++;
		fp_ws(f);
		if (fp_value(f, sub, arg) != 0)
			return -1;
		fp_ws(f);
	} while (f->off < f->len && f->s[f->off] == ',');
	if (f->off >= f->len || f->s[f->off] != ']')
		return -1;
done:
	f->depth--;
	f->off++;
	return 0;
}

/*
 * One value at f->off.  kind says what it is to us: FP_EVENT values
 * that are not objects and FP_EVENTS values that are not arrays are
 * skipped, as aj_array and aj_str ignore them.
 */
static int
fp_value(struct fp *f, int kind, void *arg)
{
	size_t left = f->len - f->off;
	const unsigned char *p = f->s + f->off;
	double d;

	if (f->off >= f->len)
		return -1;
	if (left >= 4 && memcmp(p, "null", 4) == 0) {
		f->off += 4;
		return 0;
	}
	if (left >= 5 && memcmp(p, "false", 5) == 0) {
		f->off += 5;
		return 0;
	}
	if (left >= 4 && memcmp(p, "true", 4) == 0) {
		f->off += 4;
		return 0;
	}
	switch (*p) {
	case '"':
		return fp_string(f, false) == NULL ? -1 : 0;
	case '[':
		return fp_array(f, kind == FP_EVENTS ? FP_EVENTS : FP_SKIP,
		    arg);
	case '{':
		return fp_object(f, (kind == FP_ROOT || kind == FP_EVENT) ?
		    kind : FP_SKIP, arg);
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return fp_number(f, &d);
		return -1;
	}
}

/*
 * As logs_parse_filter, from the raw response body: no cJSON tree.
 * The strings in *out and *next_token point into *strings (caller
 * frees, also on failure it is NULL); *out is caller-freed.  Accepts
 * and rejects what cJSON_ParseWithLength + logs_parse_filter do.
 */
int
logs_parse_filter_body(const char *body, size_t len, const char *group,
    struct log_event_in **out, size_t *n, const char **next_token,
    char **strings, char **cause)
{
	struct fp f;
	struct fp_root root;
	struct lconv *lc;

	*out = NULL;
	*n = 0;
	*next_token = NULL;
	*strings = NULL;
	if (body == NULL || len == 0) {
		*cause = xstrdup("FilterLogEvents: empty response");
		return -1;
	}
	memset(&f, 0, sizeof f);
	memset(&root, 0, sizeof root);
	f.s = (const unsigned char *)body;
	f.len = len;
	f.out = xmalloc(len + 1);
	lc = localeconv();
	f.dp = (unsigned char)lc->decimal_point[0];
	root.group = group;
	if (len > 4 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
		f.off = 3;
	fp_ws(&f);
	if (f.off >= f.len || f.s[f.off] != '{') {
		/* Valid JSON of another type or none at all. */
		if (fp_value(&f, FP_SKIP, NULL) == 0)
			*cause = xstrdup("FilterLogEvents: not an object");
		else
			*cause = xstrdup("FilterLogEvents: malformed JSON");
		free(f.out);
		return -1;
	}
	if (fp_object(&f, FP_ROOT, &root) != 0) {
		free(root.ev);
		free(f.out);
		*cause = xstrdup("FilterLogEvents: malformed JSON");
		return -1;
	}
	*out = root.ev;
	*n = root.n;
	*next_token = root.next_token;
	if (*next_token != NULL && **next_token == '\0')
		*next_token = NULL;
	*strings = f.out;
	return 0;
}
