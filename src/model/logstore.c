/* Bounded, de-duplicated, time-ordered scrollback of sanitized log lines. */
#include "model/logstore.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/sanitize.h"
#include "util/util.h"

#define LOGSTORE_MAX_EVENT_LINES 200	/* a longer stack trace is cut */
#define LOGSTORE_MAX_RAW 65536		/* bytes of one event looked at */

/*
 * One event: shared by its lines, and the de-dup set's entry.  One
 * allocation each for events and lines keeps 10,000 lines small.
 */
struct ev {
	char *event_id;		/* into buf; NULL: never de-duplicated */
	char *source;		/* into buf */
	size_t nlines;		/* lines still held */
	struct ev *next;	/* hash chain */
	char buf[];
};

struct rec {
	struct log_line l;	/* l.message points at msg */
	struct ev *ev;
	char msg[];
};

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
	while (ls->nbuckets < ls->max * 2)
		ls->nbuckets <<= 1;
	ls->buckets = xcalloc(ls->nbuckets, sizeof *ls->buckets);
	ls->status.env = -1;
	ls->next_seq = 1;
	return ls;
}

static struct ev *
ev_find(struct logstore *ls, const char *id)
{
	struct ev *e;

	for (e = ls->buckets[hash_str(id) & (ls->nbuckets - 1)]; e != NULL;
	    e = e->next) {
		if (strcmp(e->event_id, id) == 0)
			return e;
	}
	return NULL;
}

static void
ev_release(struct logstore *ls, struct ev *e)
{
	struct ev **pp;

	if (--e->nlines > 0)
		return;
	if (e->event_id != NULL) {
		pp = &ls->buckets[hash_str(e->event_id) & (ls->nbuckets - 1)];
		while (*pp != e)
			pp = &(*pp)->next;
		*pp = e->next;
	}
	free(e);
}

static void
rec_free(struct logstore *ls, struct rec *r)
{
	ev_release(ls, r->ev);
	free(r);
}

static struct ev *
ev_new(const char *event_id, const char *source)
{
	size_t il = event_id != NULL ? strlen(event_id) + 1 : 0;
	size_t sl = strlen(source) + 1;
	struct ev *e;

	e = xmalloc(sizeof *e + il + sl);
	e->nlines = 0;
	e->next = NULL;
	e->source = e->buf;
	memcpy(e->source, source, sl);
	e->event_id = NULL;
	if (event_id != NULL) {
		e->event_id = e->buf + sl;
		memcpy(e->event_id, event_id, il);
	}
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

static bool
is_word(const char *s, size_t len, size_t at, size_t wlen)
{
	if (at > 0 && isalnum((unsigned char)s[at - 1]))
		return false;
	if (at + wlen < len && isalpha((unsigned char)s[at + wlen]))
		return false;
	return true;
}

enum log_level
log_level_guess(const char *s, size_t len)
{
	static const struct {
		const char *word;
		enum log_level level;
	} words[] = {
		{ "ERROR", LOG_LEVEL_ERROR }, { "ERR", LOG_LEVEL_ERROR },
		{ "FATAL", LOG_LEVEL_ERROR }, { "CRITICAL", LOG_LEVEL_ERROR },
		{ "PANIC", LOG_LEVEL_ERROR }, { "WARNING", LOG_LEVEL_WARN },
		{ "WARN", LOG_LEVEL_WARN }, { "INFO", LOG_LEVEL_INFO },
		{ "NOTICE", LOG_LEVEL_INFO }, { "DEBUG", LOG_LEVEL_DEBUG },
		{ "TRACE", LOG_LEVEL_DEBUG },
	};
	size_t at, i, wl;

	if (len > 256)
		len = 256;
	/* The earliest level word wins: "INFO retrying after error" is info. */
	for (at = 0; at < len; at++) {
		if (!isalpha((unsigned char)s[at]))
			continue;
		for (i = 0; i < nitems(words); i++) {
			wl = strlen(words[i].word);
			if (at + wl <= len &&
			    strncasecmp(s + at, words[i].word, wl) == 0 &&
			    is_word(s, len, at, wl))
				return words[i].level;
		}
	}
	return LOG_LEVEL_NONE;
}

/* "<group tail>/<stream tail, 8 chars>", sanitized.  Caller frees. */
static char *
short_source(const char *group, const char *stream)
{
	const char *g = "", *s = "", *p;
	char *raw, *out;

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
	if (*s != '\0')
		raw = xasprintf("%.24s/%.8s", g, s);
	else
		raw = xasprintf("%.24s", g);
	out = text_sanitize_line(raw, strlen(raw));
	free(raw);
	return out;
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
		ls->recs = xreallocarray(ls->recs, ls->cap, sizeof *ls->recs);
	}
	/* New lines have the largest seq: they go after equal timestamps. */
	at = lower_bound(ls, r->l.ts_ms, r->l.seq);
	memmove(&ls->recs[at + 1], &ls->recs[at],
	    (ls->n - at) * sizeof *ls->recs);
	ls->recs[at] = r;
	ls->n++;
}

static void
add_event(struct logstore *ls, const struct log_event_in *in)
{
	struct ev *e;
	struct rec *r;
	char *text, *line, *nl, *src;
	size_t len, ll, nlines = 0;
	enum log_level level;
	uint64_t h;

	len = in->message_len;
	if (len > LOGSTORE_MAX_RAW)
		len = LOGSTORE_MAX_RAW;
	text = text_sanitize(in->message != NULL ? in->message : "", len);
	/* Trailing newlines would make empty continuation lines. */
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';

	src = short_source(in->group, in->stream);
	e = ev_new(in->event_id, src);
	free(src);
	if (e->event_id != NULL) {
		h = hash_str(e->event_id) & (ls->nbuckets - 1);
		e->next = ls->buckets[h];
		ls->buckets[h] = e;
	}
	level = log_level_guess(text, len);
	line = text;
	do {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		ll = strlen(line) + 1;
		r = xmalloc(sizeof *r + ll);
		memset(&r->l, 0, sizeof r->l);
		memcpy(r->msg, line, ll);
		r->ev = e;
		r->l.ts_ms = in->ts_ms;
		r->l.ingest_ms = in->ingest_ms;
		r->l.seq = ls->next_seq++;
		r->l.event_id = e->event_id != NULL ? e->event_id : "";
		r->l.source = e->source;
		r->l.message = r->msg;
		r->l.level = level;
		r->l.cont = nlines > 0;
		e->nlines++;
		insert_rec(ls, r);
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

	pthread_mutex_lock(&ls->lock);
	for (i = 0; i < n; i++) {
		if (ev[i].event_id != NULL && ev_find(ls, ev[i].event_id) != NULL)
			continue;
		/* Full, and older than everything held: it would go at once
		 * (and might be an event we already evicted). */
		if (ls->n >= ls->max && ls->n > 0 &&
		    ev[i].ts_ms < ls->recs[0]->l.ts_ms)
			continue;
		add_event(ls, &ev[i]);
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
