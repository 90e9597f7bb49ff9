/* Bounded, de-duplicated, time-ordered scrollback of sanitized log lines. */
#include "model/logstore.h"

#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/util.h"

#define LOGSTORE_MAX_EVENT_LINES 200	/* a longer stack trace is cut */
#define LOGSTORE_MAX_RAW 65536		/* bytes of one event looked at */
#define SRC_BUCKETS 64			/* interned source names (power of two) */
#define SRC_RAW_MAX 48			/* "%.24s/%.8s" and its NUL fit */
#define CHUNK_SIZE (64 * 1024)		/* arena chunk, header included */
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

/*
 * A source name ("<group tail>/<stream tail>", sanitized), interned: a
 * service has a handful of streams, so 10,000 lines share a few of these.
 * Keyed by the raw (unsanitized) name; freed when no event uses it.
 */
struct src {
	char *name;		/* sanitized, into buf */
	size_t refs;		/* events using it */
	size_t rawlen;		/* strlen(buf) */
	struct src *next;	/* hash chain */
	char buf[];		/* raw key, then name */
};

/*
 * Lines live in chunks of CHUNK_SIZE bytes, no malloc per line.  Each
 * event is one block in a chunk: the event (de-dup entry), then its
 * lines, each a struct log_line followed by its text.  A chunk counts
 * the bytes of its events still held and is freed when none is left;
 * when lines arrive far out of order and pin half-empty chunks, the
 * store is compacted (compact_locked).
 */
struct chunk {
	struct chunk *prev, *next;	/* every chunk of the store */
	size_t cap;		/* bytes of data */
	size_t used;		/* bump offset into data */
	size_t live;		/* bytes of events still held */
	max_align_t data[];
};

/* One event: shared by its lines, and the de-dup set's entry. */
struct ev {
	struct chunk *chunk;	/* NULL once moved by compact_locked */
	struct src *src;
	struct ev *next;	/* hash chain; the copy once moved */
	uint32_t hash;		/* hash of event_id, low bits */
	uint32_t size;		/* bytes of the block (event and lines) */
	uint16_t nlines;	/* lines still held */
	bool has_id;		/* false: never de-duplicated */
	char event_id[];	/* "" when !has_id */
};

/*
 * A bucket's tag has the bit of each of its events' hashes: a new id
 * (the usual case) is mostly told absent without walking the chain.
 */
#define TAG_BIT(h) ((uint8_t)(1u << (((h) >> 16) & 7)))

/* Bytes of an event whose id is il bytes long, lines not included. */
#define EV_SIZE(il) ALIGN8(offsetof(struct ev, event_id) + (il) + 1)

/*
 * One line.  l.message points at msg, and l.event_id at its event's
 * event_id, which is how a line finds its event (rec_ev).
 */
struct rec {
	struct log_line l;
	char msg[];
};

/* Bytes of a line whose text is ll bytes long (NUL included). */
#define REC_SIZE(ll) ALIGN8(sizeof(struct rec) + (ll))

static struct ev *
rec_ev(const struct rec *r)
{
	return (struct ev *)(void *)((char *)(uintptr_t)r->l.event_id -
	    offsetof(struct ev, event_id));
}

struct logstore {
	/*
	 * Everything below is under lock: pollers append, the UI reads
	 * between logstore_lock() and logstore_unlock().
	 */
	pthread_mutex_t lock;
	size_t max;
	struct rec **recs;	/* sorted by (ts_ms, seq) */
	size_t n, cap;
	uint64_t next_seq;
	struct ev **buckets;	/* event id set */
	uint8_t *tags;		/* per bucket: TAG_BIT of each hash in it */
	size_t nbuckets;	/* power of two */
	struct src *srcs[SRC_BUCKETS];	/* interned source names */
	struct src *last_src;	/* the previous event's */
	struct chunk *chunks;	/* all chunks; the first is filled */
	size_t chunk_bytes;	/* malloc'd for chunks */
	size_t live_bytes;	/* held by events */
	struct buf scratch;	/* sanitized text of the event being added */
	struct logstore_status status;
	/* Written under lock with atomics, so it may be read as a hint anywhere. */
	uint64_t generation;
};

/*
 * Hash of n bytes, eight at a time (event ids are 56 digits, sharing
 * long prefixes between close events: every byte counts).
 */
static uint64_t
hash_mem(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, s, n);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

struct logstore *
logstore_new(size_t max_lines)
{
	struct logstore *ls;

	ls = xcalloc(1, sizeof *ls);
	pthread_mutex_init(&ls->lock, NULL);
	ls->max = max_lines ? max_lines : LOGSTORE_DEFAULT_LINES;
	ls->nbuckets = 64;
	while (ls->nbuckets < ls->max)
		ls->nbuckets <<= 1;
	ls->buckets = xcalloc(ls->nbuckets, sizeof *ls->buckets);
	ls->tags = xcalloc(ls->nbuckets, 1);
	ls->status.env = -1;
	ls->next_seq = 1;
	return ls;
}

static struct ev *
ev_find(struct logstore *ls, const char *id, uint32_t h)
{
	struct ev *e;
	size_t b = h & (ls->nbuckets - 1);

	if (!(ls->tags[b] & TAG_BIT(h)))
		return NULL;
	/* Ids of close events share long prefixes: compare hashes first. */
	for (e = ls->buckets[b]; e != NULL; e = e->next) {
		if (e->hash == h && e->has_id && strcmp(e->event_id, id) == 0)
			return e;
	}
	return NULL;
}

static void
ev_link(struct logstore *ls, struct ev *e)
{
	size_t b;

	if (!e->has_id)
		return;
	b = e->hash & (ls->nbuckets - 1);
	e->next = ls->buckets[b];
	ls->buckets[b] = e;
	ls->tags[b] |= TAG_BIT(e->hash);
}

static void
src_release(struct logstore *ls, struct src *sp)
{
	struct src **pp;

	if (--sp->refs > 0)
		return;
	if (ls->last_src == sp)
		ls->last_src = NULL;
	pp = &ls->srcs[hash_mem(sp->buf, sp->rawlen) & (SRC_BUCKETS - 1)];
	while (*pp != sp)
		pp = &(*pp)->next;
	*pp = sp->next;
	free(sp);
}

static void
chunk_unlink_free(struct logstore *ls, struct chunk *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ls->chunks = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	ls->chunk_bytes -= sizeof *c + c->cap;
	free(c);
}

/*
 * size bytes (a multiple of 8) for an event block.  A block larger than
 * a chunk gets a chunk of its own.
 */
static void *
block_alloc(struct logstore *ls, size_t size, struct chunk **cp)
{
	struct chunk *c = ls->chunks;
	size_t cap;
	void *p;

	if (c == NULL || c->cap - c->used < size) {
		cap = CHUNK_SIZE - sizeof *c;
		if (cap < size)
			cap = size;
		c = xmalloc(sizeof *c + cap);
		c->cap = cap;
		c->used = c->live = 0;
		c->prev = NULL;
		c->next = ls->chunks;
		if (c->next != NULL) {
			c->next->prev = c;
			/* The old filling chunk may already be empty. */
			if (c->next->live == 0)
				chunk_unlink_free(ls, c->next);
		}
		ls->chunks = c;
		ls->chunk_bytes += sizeof *c + cap;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	c->live += size;
	ls->live_bytes += size;
	*cp = c;
	return p;
}

static void
ev_release(struct logstore *ls, struct ev *e)
{
	struct ev **pp, *o;
	struct chunk *c;
	size_t b;
	uint8_t tag = 0;

	if (--e->nlines > 0)
		return;
	if (e->has_id) {
		b = e->hash & (ls->nbuckets - 1);
		pp = &ls->buckets[b];
		while (*pp != e)
			pp = &(*pp)->next;
		*pp = e->next;
		for (o = ls->buckets[b]; o != NULL; o = o->next)
			tag |= TAG_BIT(o->hash);
		ls->tags[b] = tag;
	}
	src_release(ls, e->src);
	c = e->chunk;
	c->live -= e->size;
	ls->live_bytes -= e->size;
	if (c->live == 0) {
		if (c == ls->chunks)
			c->used = 0;	/* the filling chunk: start it over */
		else
			chunk_unlink_free(ls, c);
	}
}

static void
clear_locked(struct logstore *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		ev_release(ls, rec_ev(ls->recs[i]));
	ls->n = 0;
}

void
logstore_status_clear(struct logstore_status *st)
{
	free(st->role);
	free(st->filter);
	free(st->error);
	st->role = st->filter = st->error = NULL;
}

void
logstore_free(struct logstore *ls)
{
	if (ls == NULL)
		return;
	clear_locked(ls);
	while (ls->chunks != NULL)
		chunk_unlink_free(ls, ls->chunks);
	free(ls->recs);
	free(ls->buckets);
	free(ls->tags);
	buf_free(&ls->scratch);
	logstore_status_clear(&ls->status);
	pthread_mutex_destroy(&ls->lock);
	free(ls);
}

static void
bump(struct logstore *ls)
{
	__atomic_add_fetch(&ls->generation, 1, __ATOMIC_RELEASE);
}

/*
 * Byte classes for the level guess, ASCII only (the text is UTF-8, in
 * which no byte of a multi-byte character is a letter or digit): ALNUM,
 * ALPHA, and LSTART for the first letters of level words.
 */
#define CL_ALNUM	0x01
#define CL_ALPHA	0x02
#define CL_LSTART	0x04

static const unsigned char byte_class[256] = {
	['0'] = CL_ALNUM, ['1'] = CL_ALNUM, ['2'] = CL_ALNUM,
	['3'] = CL_ALNUM, ['4'] = CL_ALNUM, ['5'] = CL_ALNUM,
	['6'] = CL_ALNUM, ['7'] = CL_ALNUM, ['8'] = CL_ALNUM,
	['9'] = CL_ALNUM,
#define L(c) [c] = CL_ALNUM | CL_ALPHA, [c - 32] = CL_ALNUM | CL_ALPHA
#define S(c) [c] = CL_ALNUM | CL_ALPHA | CL_LSTART, \
	[c - 32] = CL_ALNUM | CL_ALPHA | CL_LSTART
	L('a'), L('b'), S('c'), S('d'), S('e'), S('f'), L('g'), L('h'),
	S('i'), L('j'), L('k'), L('l'), L('m'), S('n'), L('o'), S('p'),
	L('q'), L('r'), L('s'), S('t'), L('u'), L('v'), S('w'), L('x'),
	L('y'), L('z'),
#undef L
#undef S
};

/* Does the level word w (lower case) start at s[at]? */
static bool
level_word(const char *s, size_t len, size_t at, const char *w)
{
	size_t k;

	for (k = 0; w[k] != '\0'; k++) {
		/* Exact ASCII case folding: only 'X' and 'x' map to 'x'. */
		if (at + k >= len || ((unsigned char)s[at + k] | 0x20) != w[k])
			return false;
	}
	/* A whole word: "ERRORS" is not "ERROR", "ERROR42" is. */
	return at + k >= len ||
	    !(byte_class[(unsigned char)s[at + k]] & CL_ALPHA);
}

/*
 * The earliest level word wins: "INFO retrying after error" is info.
 * Only word starts (the previous byte is not alphanumeric) whose letter
 * begins a level word are looked at, and only the words with that
 * letter; every letter belongs to one level.  Letters and digits are
 * ASCII ones (isalnum in the C locale).
 */
/* The level of a level word starting at s[at] (a word start), or NONE. */
static enum log_level
level_at(const char *s, size_t len, size_t at)
{
	switch ((unsigned char)s[at] | 0x20) {
	case 'e':
		if (level_word(s, len, at, "error") ||
		    level_word(s, len, at, "err"))
			return LOG_LEVEL_ERROR;
		break;
	case 'f':
		if (level_word(s, len, at, "fatal"))
			return LOG_LEVEL_ERROR;
		break;
	case 'c':
		if (level_word(s, len, at, "critical"))
			return LOG_LEVEL_ERROR;
		break;
	case 'p':
		if (level_word(s, len, at, "panic"))
			return LOG_LEVEL_ERROR;
		break;
	case 'w':
		if (level_word(s, len, at, "warning") ||
		    level_word(s, len, at, "warn"))
			return LOG_LEVEL_WARN;
		break;
	case 'i':
		if (level_word(s, len, at, "info"))
			return LOG_LEVEL_INFO;
		break;
	case 'n':
		if (level_word(s, len, at, "notice"))
			return LOG_LEVEL_INFO;
		break;
	case 'd':
		if (level_word(s, len, at, "debug"))
			return LOG_LEVEL_DEBUG;
		break;
	case 't':
		if (level_word(s, len, at, "trace"))
			return LOG_LEVEL_DEBUG;
		break;
	}
	return LOG_LEVEL_NONE;
}

/*
 * Eight bytes at once: 0x80 in the lanes holding an ASCII letter or
 * digit.  Lanes of 0x80 and above are never set; the additions work on
 * bytes below 0x80, so no carry crosses lanes.
 */
static inline uint64_t
swar_alnum(uint64_t w)
{
	const uint64_t hi = 0x8080808080808080ULL;
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t x = w & ~hi, l = x | (0x20 * ones), dig, alpha;

	/* In [lo, hi]: x + (0x80 - lo) has bit 7, x + (0x7f - hi) has not. */
	dig = (x + (0x80 - '0') * ones) & ~(x + (0x7f - '9') * ones);
	alpha = (l + (0x80 - 'a') * ones) & ~(l + (0x7f - 'z') * ones);
	return (dig | alpha) & ~w & hi;
}

/*
 * The earliest level word wins: "INFO retrying after error" is info.
 * Only word starts (the previous byte is not alphanumeric) whose letter
 * begins a level word are looked at, and only the words with that
 * letter; every letter belongs to one level.  Letters and digits are
 * ASCII ones (isalnum in the C locale).  Word starts are found eight
 * bytes at a time.
 */
enum log_level
log_level_guess(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t at = 0, lane;
	uint64_t w, an, starts, carry = 0;
	unsigned prev = 0, cl;
	enum log_level lv;

	if (len > 256)
		len = 256;
	for (; len - at >= 8; at += 8) {
		w = load_le64(u + at);
		an = swar_alnum(w);
		/* Alphanumeric lanes whose previous byte is not. */
		starts = an & ~((an << 8) | carry);
		carry = an >> 56;
		while (starts != 0) {
			lane = (size_t)__builtin_ctzll(starts) >> 3;
			starts &= starts - 1;
			if ((byte_class[u[at + lane]] & CL_LSTART) &&
			    (lv = level_at(s, len, at + lane)) != LOG_LEVEL_NONE)
				return lv;
		}
	}
	if (at > 0)
		prev = byte_class[u[at - 1]];
	for (; at < len; prev = cl, at++) {
		cl = byte_class[u[at]];
		if (!(cl & CL_LSTART) || (prev & CL_ALNUM))
			continue;
		if ((lv = level_at(s, len, at)) != LOG_LEVEL_NONE)
			return lv;
	}
	return LOG_LEVEL_NONE;
}

/* Append at most max bytes of s (like "%.*s"). */
static size_t
put_max(char *out, size_t at, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	memcpy(out + at, s, n);
	return at + n;
}

/*
 * The interned "<group tail, 24 bytes>/<stream tail, 8 bytes>",
 * sanitized; the caller takes a reference (its event's).
 */
static struct src *
src_get(struct logstore *ls, const char *group, const char *stream)
{
	const char *g = "", *s = "", *p;
	char raw[SRC_RAW_MAX], *name;
	size_t n, rl, nl;
	struct src *sp, **head;

	if (group != NULL) {
		g = group;
		if ((p = strrchr(group, '/')) != NULL && p[1] != '\0')
			g = p + 1;
	}
	if (stream != NULL) {
		s = stream;
		if ((p = strrchr(stream, '/')) != NULL && p[1] != '\0')
			s = p + 1;
	}
	n = put_max(raw, 0, g, 24);
	if (*s != '\0') {
		raw[n++] = '/';
		n = put_max(raw, n, s, 8);
	}
	raw[n] = '\0';

	/* Events of a page mostly come from the same stream or two. */
	sp = ls->last_src;
	if (sp != NULL && sp->rawlen == n && memcmp(sp->buf, raw, n) == 0)
		return sp;
	head = &ls->srcs[hash_mem(raw, n) & (SRC_BUCKETS - 1)];
	for (sp = *head; sp != NULL; sp = sp->next) {
		if (sp->rawlen == n && memcmp(sp->buf, raw, n) == 0)
			return ls->last_src = sp;
	}
	name = text_sanitize_line(raw, n);
	rl = n + 1;
	nl = strlen(name) + 1;
	sp = xmalloc(sizeof *sp + rl + nl);
	memcpy(sp->buf, raw, rl);
	sp->rawlen = n;
	sp->name = sp->buf + rl;
	memcpy(sp->name, name, nl);
	free(name);
	sp->refs = 0;
	sp->next = *head;
	*head = sp;
	return ls->last_src = sp;
}

/* First index whose (ts, seq) is >= the given one. */
static size_t
lower_bound(const struct logstore *ls, int64_t ts, uint64_t seq)
{
	size_t lo = 0, hi = ls->n, mid;
	const struct log_line *l;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		l = &ls->recs[mid]->l;
		if (l->ts_ms < ts || (l->ts_ms == ts && l->seq < seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
insert_rec(struct logstore *ls, struct rec *r)
{
	size_t at;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 256;
		/* Full plus a page is the usual peak: no need to double. */
		if (ls->cap > ls->max + 1024 && ls->n < ls->max + 1024)
			ls->cap = ls->max + 1024;
		ls->recs = xreallocarray(ls->recs, ls->cap, sizeof *ls->recs);
	}
	/*
	 * New lines have the largest seq: they go after equal timestamps,
	 * so a line no older than the newest goes at the end (the usual
	 * case when tailing).
	 */
	if (ls->n == 0 || ls->recs[ls->n - 1]->l.ts_ms <= r->l.ts_ms)
		at = ls->n;
	else
		at = lower_bound(ls, r->l.ts_ms, r->l.seq);
	memmove(&ls->recs[at + 1], &ls->recs[at],
	    (ls->n - at) * sizeof *ls->recs);
	ls->recs[at] = r;
	ls->n++;
}

/* Add one event; h is the hash of its id (0 without an id). */
static void
add_event(struct logstore *ls, const struct log_event_in *in, uint32_t h)
{
	struct ev *e;
	struct rec *r;
	struct src *sp;
	struct chunk *c;
	char *text, *line, *nl;
	size_t len, ll, il, size, nlines, k;
	enum log_level level;

	len = in->message_len;
	if (len > LOGSTORE_MAX_RAW)
		len = LOGSTORE_MAX_RAW;
	len = text_sanitize_buf(&ls->scratch,
	    in->message != NULL ? in->message : "", len);
	text = ls->scratch.data;
	/* Trailing newlines would make empty continuation lines. */
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';

	/* The block: the event, then its lines (at most 200). */
	il = in->event_id != NULL ? strlen(in->event_id) : 0;
	size = EV_SIZE(il);
	nlines = 0;
	line = text;
	do {
		nl = memchr(line, '\n', len - (size_t)(line - text));
		ll = nl != NULL ? (size_t)(nl - line) : len -
		    (size_t)(line - text);
		size += REC_SIZE(ll + 1);
		nlines++;
		line = nl != NULL ? nl + 1 : NULL;
	} while (line != NULL && nlines < LOGSTORE_MAX_EVENT_LINES);

	sp = src_get(ls, in->group, in->stream);
	e = block_alloc(ls, size, &c);
	e->chunk = c;
	e->src = sp;
	sp->refs++;
	e->next = NULL;
	e->hash = h;
	e->size = (uint32_t)size;
	e->nlines = (uint16_t)nlines;
	e->has_id = in->event_id != NULL;
	memcpy(e->event_id, in->event_id != NULL ? in->event_id : "", il);
	e->event_id[il] = '\0';
	ev_link(ls, e);

	level = log_level_guess(text, len);
	r = (struct rec *)(void *)((char *)e + EV_SIZE(il));
	line = text;
	for (k = 0; k < nlines; k++) {
		nl = memchr(line, '\n', len - (size_t)(line - text));
		ll = nl != NULL ? (size_t)(nl - line) : len -
		    (size_t)(line - text);
		memset(&r->l, 0, sizeof r->l);
		memcpy(r->msg, line, ll);
		r->msg[ll] = '\0';
		r->l.ts_ms = in->ts_ms;
		r->l.ingest_ms = in->ingest_ms;
		r->l.seq = ls->next_seq++;
		r->l.event_id = e->event_id;
		r->l.source = sp->name;
		r->l.message = r->msg;
		r->l.level = level;
		r->l.cont = k > 0;
		insert_rec(ls, r);
		r = (struct rec *)(void *)((char *)r + REC_SIZE(ll + 1));
		if (nl == NULL)
			break;
		line = nl + 1;
	}
}

/*
 * Lines that arrive far out of order (a clock far ahead, a late page)
 * can pin chunks whose other events are gone.  When the chunks hold
 * more than twice the live bytes (plus two chunks of slack), copy every
 * held event into new chunks, in scrollback order, and free the old
 * ones.  Line pointers change, which the reading contract allows (they
 * are valid only until logstore_unlock).
 */
static void
compact_locked(struct logstore *ls)
{
	struct chunk *old = ls->chunks, *c, *next;
	struct ev *e, *ne;
	struct rec *r;
	size_t i, off;

	if (ls->chunk_bytes <= 2 * ls->live_bytes + 2 * CHUNK_SIZE)
		return;
	ls->chunks = NULL;
	ls->chunk_bytes = ls->live_bytes = 0;
	memset(ls->buckets, 0, ls->nbuckets * sizeof *ls->buckets);
	memset(ls->tags, 0, ls->nbuckets);
	for (i = 0; i < ls->n; i++) {
		r = ls->recs[i];
		e = rec_ev(r);
		if (e->chunk != NULL) {
			ne = block_alloc(ls, e->size, &c);
			memcpy(ne, e, e->size);
			ne->chunk = c;
			ne->next = NULL;
			ev_link(ls, ne);
			e->chunk = NULL;	/* moved: next is the copy */
			e->next = ne;
		}
		ne = e->next;
		off = (size_t)((char *)r - (char *)e);
		r = (struct rec *)(void *)((char *)ne + off);
		r->l.event_id = ne->event_id;
		r->l.message = r->msg;
		ls->recs[i] = r;
	}
	for (c = old; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

static void
evict_locked(struct logstore *ls)
{
	size_t drop, i;

	if (ls->n <= ls->max)
		return;
	drop = ls->n - ls->max;
	for (i = 0; i < drop; i++)
		ev_release(ls, rec_ev(ls->recs[i]));
	memmove(&ls->recs[0], &ls->recs[drop], (ls->n - drop) * sizeof *ls->recs);
	ls->n -= drop;
	compact_locked(ls);
}

size_t
logstore_append(struct logstore *ls, const struct log_event_in *ev, size_t n)
{
	size_t i, added = 0;
	uint32_t h;

	pthread_mutex_lock(&ls->lock);
	for (i = 0; i < n; i++) {
		h = 0;
		if (ev[i].event_id != NULL) {
			h = (uint32_t)hash_mem(ev[i].event_id,
			    strlen(ev[i].event_id));
			if (ev_find(ls, ev[i].event_id, h) != NULL)
				continue;
		}
		/* Full, and older than everything held: it would go at once
		 * (and might be an event we already evicted). */
		if (ls->n >= ls->max && ls->n > 0 &&
		    ev[i].ts_ms < ls->recs[0]->l.ts_ms)
			continue;
		add_event(ls, &ev[i], h);
		added++;
	}
	evict_locked(ls);
	if (added > 0)
		bump(ls);
	pthread_mutex_unlock(&ls->lock);
	return added;
}

void
logstore_clear(struct logstore *ls, int env, const char *role,
    const char *filter)
{
	pthread_mutex_lock(&ls->lock);
	clear_locked(ls);
	logstore_status_clear(&ls->status);
	ls->status = (struct logstore_status){ .env = role != NULL ? env : -1 };
	ls->status.role = xstrdup(role);
	if (filter != NULL && *filter != '\0')
		ls->status.filter = xstrdup(filter);
	bump(ls);
	pthread_mutex_unlock(&ls->lock);
}

void
logstore_set_status(struct logstore *ls, int64_t when_ms, const char *error,
    const char *error_short)
{
	pthread_mutex_lock(&ls->lock);
	ls->status.attempted_at_ms = when_ms;
	free(ls->status.error);
	ls->status.error = NULL;
	ls->status.error_short = NULL;
	ls->status.calls++;
	if (error != NULL) {
		ls->status.error = text_sanitize_line(error, strlen(error));
		ls->status.error_short = error_short != NULL ? error_short : "error";
	} else
		ls->status.fetched_at_ms = when_ms;
	bump(ls);
	pthread_mutex_unlock(&ls->lock);
	/*
	 * A poll has ended and its responses are freed.  Their pages lie
	 * between scrollback lines, where malloc cannot shrink the heap:
	 * give the free ones back now.  About 1.5 MB less RSS with a full
	 * scrollback, for about 0.6 ms a poll (docs/benchmarks.md, RSS).
	 */
	malloc_trim(0);
}

int64_t
logstore_newest_ts(struct logstore *ls)
{
	int64_t ts = 0;

	pthread_mutex_lock(&ls->lock);
	if (ls->n > 0)
		ts = ls->recs[ls->n - 1]->l.ts_ms;
	pthread_mutex_unlock(&ls->lock);
	return ts;
}

void
logstore_lock(struct logstore *ls)
{
	pthread_mutex_lock(&ls->lock);
}

void
logstore_unlock(struct logstore *ls)
{
	pthread_mutex_unlock(&ls->lock);
}

size_t
logstore_count(const struct logstore *ls)
{
	return ls->n;
}

const struct log_line *
logstore_line(const struct logstore *ls, size_t i)
{
	if (i >= ls->n)
		return NULL;
	return &ls->recs[i]->l;
}

size_t
logstore_find(const struct logstore *ls, int64_t ts_ms, uint64_t seq)
{
	return lower_bound(ls, ts_ms, seq);
}

uint64_t
logstore_generation(const struct logstore *ls)
{
	return __atomic_load_n(&ls->generation, __ATOMIC_ACQUIRE);
}

void
logstore_get_status(const struct logstore *ls, struct logstore_status *out)
{
	*out = ls->status;
	out->role = xstrdup(ls->status.role);
	out->filter = xstrdup(ls->status.filter);
	out->error = xstrdup(ls->status.error);
}

size_t
logstore_max_lines(const struct logstore *ls)
{
	return ls->max;
}

size_t
logstore_bytes(const struct logstore *ls)
{
	return ls->chunk_bytes + ls->cap * sizeof *ls->recs +
	    ls->nbuckets * (sizeof *ls->buckets + 1);
}
