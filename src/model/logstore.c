/* Bounded, de-duplicated, time-ordered scrollback of sanitized log lines. */
#include "model/logstore.h"

#include <ctype.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/sanitize.h"
#include "util/util.h"

#define LOGSTORE_MAX_EVENT_LINES 200	/* a longer stack trace is cut */
#define LOGSTORE_MAX_RAW 65536		/* bytes of one event looked at */
#define SRC_BUCKETS 64			/* interned source names (power of two) */
#define SRC_RAW_MAX 48			/* "%.24s/%.8s" and its NUL fit */

/*
 * A source name ("<group tail>/<stream tail>", sanitized), interned: a
 * service has a handful of streams, so 10,000 lines share a few of these.
 * Keyed by the raw (unsanitized) name; freed when no event uses it.
 */
struct src {
	char *name;		/* sanitized, into buf */
	size_t refs;		/* events using it */
	struct src *next;	/* hash chain */
	char buf[];		/* raw key, then name */
};

/*
 * One event: shared by its lines, and the de-dup set's entry.  One
 * allocation each for events and lines keeps 10,000 lines small.
 */
struct ev {
	struct src *src;
	struct ev *next;	/* hash chain */
	uint32_t nlines;	/* lines still held */
	uint32_t hash;		/* hash_str(event_id), low bits */
	bool has_id;		/* false: never de-duplicated */
	bool embedded;		/* inside its only line's allocation */
	char event_id[];	/* "" when !has_id */
};

/* Bytes of an event whose id is il bytes long. */
#define EV_SIZE(il) (offsetof(struct ev, event_id) + (il) + 1)

/*
 * One line.  l.message points at msg, and l.event_id at its event's
 * event_id, which is how a line finds its event (rec_ev).
 */
struct rec {
	struct log_line l;
	char msg[];
};

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
	size_t nbuckets;	/* power of two */
	struct src *srcs[SRC_BUCKETS];	/* interned source names */
	struct logstore_status status;
	/* Written under lock with atomics, so it may be read as a hint anywhere. */
	uint64_t generation;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
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
	ls->status.env = -1;
	ls->next_seq = 1;
	return ls;
}

static struct ev *
ev_find(struct logstore *ls, const char *id, uint32_t h)
{
	struct ev *e;

	/* Ids of close events share long prefixes: compare hashes first. */
	for (e = ls->buckets[h & (ls->nbuckets - 1)]; e != NULL; e = e->next) {
		if (e->hash == h && e->has_id && strcmp(e->event_id, id) == 0)
			return e;
	}
	return NULL;
}

static void
src_release(struct logstore *ls, struct src *sp)
{
	struct src **pp;

	if (--sp->refs > 0)
		return;
	pp = &ls->srcs[hash_str(sp->buf) & (SRC_BUCKETS - 1)];
	while (*pp != sp)
		pp = &(*pp)->next;
	*pp = sp->next;
	free(sp);
}

static void
ev_release(struct logstore *ls, struct ev *e)
{
	struct ev **pp;

	if (--e->nlines > 0)
		return;
	if (e->has_id) {
		pp = &ls->buckets[e->hash & (ls->nbuckets - 1)];
		while (*pp != e)
			pp = &(*pp)->next;
		*pp = e->next;
	}
	src_release(ls, e->src);
	if (!e->embedded)
		free(e);
}

static void
rec_free(struct logstore *ls, struct rec *r)
{
	ev_release(ls, rec_ev(r));	/* an embedded event goes with r */
	free(r);
}

/*
 * Fill in an event at e (EV_SIZE(il) bytes): its own allocation, or
 * the tail of its only line's (embedded), which saves a malloc per
 * single-line event.
 */
static struct ev *
ev_init(struct ev *e, const char *event_id, size_t il, uint32_t h,
    struct src *sp, bool embedded)
{
	e->embedded = embedded;
	e->hash = h;
	e->src = sp;
	sp->refs++;
	e->nlines = 0;
	e->next = NULL;
	e->has_id = event_id != NULL;
	memcpy(e->event_id, event_id != NULL ? event_id : "", il);
	e->event_id[il] = '\0';
	return e;
}

static void
clear_locked(struct logstore *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		rec_free(ls, ls->recs[i]);
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
	free(ls->recs);
	free(ls->buckets);
	logstore_status_clear(&ls->status);
	pthread_mutex_destroy(&ls->lock);
	free(ls);
}

static void
bump(struct logstore *ls)
{
	__atomic_add_fetch(&ls->generation, 1, __ATOMIC_RELEASE);
}

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
	return at + k >= len || !isalpha((unsigned char)s[at + k]);
}

/*
 * The earliest level word wins: "INFO retrying after error" is info.
 * Only word starts (the previous byte is not alphanumeric) whose letter
 * begins a level word are looked at, and only the words with that
 * letter; every letter belongs to one level.
 */
enum log_level
log_level_guess(const char *s, size_t len)
{
	size_t at;
	int c;

	if (len > 256)
		len = 256;
	for (at = 0; at < len; at++) {
		c = (unsigned char)s[at] | 0x20;
		if (c < 'c' || c > 'w' ||
		    (at > 0 && isalnum((unsigned char)s[at - 1])))
			continue;
		switch (c) {
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
 * sanitized; the caller takes a reference (ev_init).
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

	head = &ls->srcs[hash_str(raw) & (SRC_BUCKETS - 1)];
	for (sp = *head; sp != NULL; sp = sp->next) {
		if (strcmp(sp->buf, raw) == 0)
			return sp;
	}
	name = text_sanitize_line(raw, n);
	rl = n + 1;
	nl = strlen(name) + 1;
	sp = xmalloc(sizeof *sp + rl + nl);
	memcpy(sp->buf, raw, rl);
	sp->name = sp->buf + rl;
	memcpy(sp->name, name, nl);
	free(name);
	sp->refs = 0;
	sp->next = *head;
	*head = sp;
	return sp;
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

/* Add one event; h is hash_str(in->event_id) (0 without an id). */
static void
add_event(struct logstore *ls, const struct log_event_in *in, uint32_t h)
{
	struct ev *e;
	struct rec *r;
	struct src *sp;
	char *text, *line, *nl;
	size_t len, ll, il, ml, nlines = 0;
	enum log_level level;
	size_t b;

	len = in->message_len;
	if (len > LOGSTORE_MAX_RAW)
		len = LOGSTORE_MAX_RAW;
	text = text_sanitize(in->message != NULL ? in->message : "", len);
	/* Trailing newlines would make empty continuation lines. */
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';

	il = in->event_id != NULL ? strlen(in->event_id) : 0;
	sp = src_get(ls, in->group, in->stream);
	if (memchr(text, '\n', len) == NULL) {
		/* One line: line, message and event in one allocation. */
		ml = (len + 1 + 7) & ~(size_t)7;
		r = xmalloc(sizeof *r + ml + EV_SIZE(il));
		e = ev_init((struct ev *)(void *)(r->msg + ml), in->event_id,
		    il, h, sp, true);
	} else {
		r = NULL;
		e = ev_init(xmalloc(EV_SIZE(il)), in->event_id, il, h, sp,
		    false);
	}
	if (e->has_id) {
		b = h & (ls->nbuckets - 1);
		e->next = ls->buckets[b];
		ls->buckets[b] = e;
	}
	level = log_level_guess(text, len);
	line = text;
	do {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		ll = nl != NULL ? (size_t)(nl - line) + 1 : strlen(line) + 1;
		if (r == NULL)
			r = xmalloc(sizeof *r + ll);
		memset(&r->l, 0, sizeof r->l);
		memcpy(r->msg, line, ll);
		r->l.ts_ms = in->ts_ms;
		r->l.ingest_ms = in->ingest_ms;
		r->l.seq = ls->next_seq++;
		r->l.event_id = e->event_id;
		r->l.source = e->src->name;
		r->l.message = r->msg;
		r->l.level = level;
		r->l.cont = nlines > 0;
		e->nlines++;
		insert_rec(ls, r);
		r = NULL;
		nlines++;
		line = nl != NULL ? nl + 1 : NULL;
	} while (line != NULL && nlines < LOGSTORE_MAX_EVENT_LINES);
	free(text);
}

static void
evict_locked(struct logstore *ls)
{
	size_t drop, i;

	if (ls->n <= ls->max)
		return;
	drop = ls->n - ls->max;
	for (i = 0; i < drop; i++)
		rec_free(ls, ls->recs[i]);
	memmove(&ls->recs[0], &ls->recs[drop], (ls->n - drop) * sizeof *ls->recs);
	ls->n -= drop;
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
			h = (uint32_t)hash_str(ev[i].event_id);
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
