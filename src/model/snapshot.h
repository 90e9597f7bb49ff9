/* Immutable, reference-counted snapshots per (environment, source). */
#ifndef MOMENTUM_SNAPSHOT_H
#define MOMENTUM_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

enum source {
	SRC_SERVICES,		/* struct services_data */
	SRC_METRICS,		/* struct metrics_data */
	SRC_ALARMS,		/* struct alarms_data */
	SRC_COST,		/* struct cost_data */
	SRC_DETAIL,		/* struct detail_data, on request (poller_request_detail) */
	SRC_COUNT
};

/*
 * A published snapshot is never modified.  data is the last good data
 * (NULL until the first success); when the latest poll failed, error
 * says why (short word in error_short: "throttled", "denied",
 * "unreachable"...) and data is the older one, now stale.
 */
struct snapshot {
	int refs;			/* atomic; use acquire/release */
	enum source source;
	int env;
	void *data;
	void (*free_data)(void *);
	int64_t fetched_at_ms;		/* when data was fetched; 0 = never */
	int64_t attempted_at_ms;	/* last poll attempt */
	char *error;			/* NULL when the last poll succeeded */
	const char *error_short;
	uint64_t generation;		/* set by store_publish: 1, 2, ... per slot */
	struct snapshot *shared;	/* older snapshot whose data this one shows */
};

struct snapshot *snapshot_new(enum source src, int env, void *data,
    void (*free_data)(void *));
void snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);	/* NULL is a no-op */
/*
 * A failed poll: a new snapshot showing prev's data (prev may be NULL:
 * no data yet) with error set.  Holds a reference on prev; copies error.
 */
struct snapshot *snapshot_new_failed(struct snapshot *prev, enum source src,
    int env, int64_t attempted_at_ms, const char *error,
    const char *error_short);

/*
 * The store: one slot per (env, source).  Workers publish; the UI
 * acquires (gets a reference it must unref) under the store's mutex.
 * Publishing writes a byte to the wake pipe.
 */
struct store;
struct store *store_new(int nenv);
void store_free(struct store *st);
int store_wake_fd(struct store *st);	/* read end for poll() */
void store_drain_wake(struct store *st);
void store_publish(struct store *st, struct snapshot *s);	/* takes the reference */
/* New reference or NULL when nothing published yet. */
struct snapshot *store_acquire(struct store *st, int env, enum source src);
/* Wake the UI without data (log store updates, action progress). */
void store_wake(struct store *st);

#endif
