/* Bounded, de-duplicated scrollback of log events for the logs view. */
#ifndef MOMENTUM_LOGSTORE_H
#define MOMENTUM_LOGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGSTORE_DEFAULT_LINES 10000

enum log_level {
	LOG_LEVEL_NONE,		/* no level word found */
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
};

/*
 * One line of scrollback.  A multi-line event (stack trace) is split at
 * '\n' into several lines: the first has cont == false, the following
 * ones cont == true, and all share timestamp, event id and source.
 * message is sanitized (text_sanitize): no control characters at all, so
 * views print it as is.  Lines are ordered by (ts_ms, seq); seq is
 * unique and never reused, so (ts_ms, seq) names a line even while
 * other lines are inserted before it or evicted.
 */
struct log_line {
	int64_t ts_ms;		/* event timestamp, epoch ms */
	int64_t ingest_ms;	/* ingestionTime, epoch ms */
	uint64_t seq;		/* insertion number, unique */
	const char *event_id;	/* shared by the lines of one event */
	const char *source;	/* short name: "<role>/<stream prefix>" or group tail */
	const char *message;	/* one line, sanitized */
	enum log_level level;	/* guessed from the event's first line */
	bool cont;		/* continuation line of a multi-line event */
};

/* An event as the poller hands it over (raw strings, not yet sanitized). */
struct log_event_in {
	int64_t ts_ms;
	int64_t ingest_ms;
	const char *event_id;	/* required for de-dup; NULL = never a duplicate */
	const char *group;	/* log group name */
	const char *stream;	/* log stream name */
	const char *message;
	size_t message_len;
};

/* What the log poller last did, for the logs view's header. */
struct logstore_status {
	int env;		/* -1 = no target */
	char *role;		/* NULL = none */
	char *filter;		/* server-side filter pattern, NULL = none */
	int64_t fetched_at_ms;	/* last successful poll, 0 = never */
	int64_t attempted_at_ms;
	char *error;		/* NULL when the last poll succeeded */
	const char *error_short;	/* static: "throttled", "denied", ... */
	uint64_t calls;		/* polls (status updates) for this target */
};

struct logstore;

/* max_lines 0 = LOGSTORE_DEFAULT_LINES. */
struct logstore *logstore_new(size_t max_lines);
void logstore_free(struct logstore *ls);	/* NULL is a no-op */

/*
 * Add events (any order).  Events whose event_id is already held are
 * skipped, so overlapping FilterLogEvents windows are harmless; events
 * older than the oldest line while the scrollback is full are dropped.
 * When over max_lines the oldest lines are evicted.  Returns the number
 * of new events.  Takes the mutex itself.  Bumps the generation when
 * anything changed.
 */
size_t logstore_append(struct logstore *ls, const struct log_event_in *ev,
    size_t n);
/* Drop everything (new log target); status is reset to env/role/filter. */
void logstore_clear(struct logstore *ls, int env, const char *role,
    const char *filter);
/* Record the outcome of a poll; error NULL = success at when_ms. */
void logstore_set_status(struct logstore *ls, int64_t when_ms,
    const char *error, const char *error_short);
/* Newest event timestamp held (0 = none); the poller's tail anchor. */
int64_t logstore_newest_ts(struct logstore *ls);

/*
 * Reading, for the UI thread: lock, read, unlock.  Pointers returned by
 * logstore_line() and the strings in them are valid only until
 * logstore_unlock().  Pollers keep appending while the view is paused;
 * a paused view remembers (ts_ms, seq) of its top line and finds it again
 * with logstore_find().  Eviction of the oldest lines still applies.
 *
 *	logstore_lock(ls);
 *	for (i = top; i < logstore_count(ls) && i < top + rows; i++)
 *		draw(logstore_line(ls, i));
 *	logstore_unlock(ls);
 */
void logstore_lock(struct logstore *ls);
void logstore_unlock(struct logstore *ls);
size_t logstore_count(const struct logstore *ls);	/* lock held */
const struct log_line *logstore_line(const struct logstore *ls, size_t i);	/* lock held */
/* Index of the first line at or after (ts_ms, seq); count when none.  Lock held. */
size_t logstore_find(const struct logstore *ls, int64_t ts_ms, uint64_t seq);
/* Changes whenever lines or status change.  Lock held, or any time as a hint. */
uint64_t logstore_generation(const struct logstore *ls);
/* Copy of the status (caller frees the copy with logstore_status_clear). Lock held. */
void logstore_get_status(const struct logstore *ls, struct logstore_status *out);
void logstore_status_clear(struct logstore_status *st);
size_t logstore_max_lines(const struct logstore *ls);
/*
 * Bytes the store has allocated for its lines: the chunks the lines
 * live in, the line index and the de-dup table (malloc's own headers
 * not included).  Lock held.  For tests and benchmarks.
 */
size_t logstore_bytes(const struct logstore *ls);

/* Level guess from a raw or sanitized line ("ERROR", "level=warn", ...). */
enum log_level log_level_guess(const char *s, size_t len);

#endif
