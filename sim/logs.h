/* momentum-sim CloudWatch Logs: log groups and events generated on demand. */
#ifndef MOMENTUM_SIM_LOGS_H
#define MOMENTUM_SIM_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/world.h"

/* One generated log event (message owned by the caller's buffer). */
struct sim_log_event {
	int64_t key;			/* ordering key: second * 1000 + index */
	int64_t timestamp;		/* ms */
	int64_t ingestion;		/* ms; visible once <= now */
	int stream;			/* index into the group's streams */
	char id[64];			/* eventId: 56 digits */
	const char *message;
};

/* Log group names of the world, sorted; caller frees the array and names. */
size_t sim_logs_groups(struct sim_world *w, char ***names);

/*
 * Visit every event of the group with from_ms <= timestamp < to_ms in
 * ascending order, ignoring visibility, until fn returns false.  For
 * tests and tools; the handlers add tokens, limits and visibility.
 * Returns -1 if the group does not exist.
 */
int sim_logs_each(struct sim_world *w, const char *group, int64_t from_ms,
    int64_t to_ms, bool (*fn)(void *arg, const struct sim_log_event *ev,
    const char *stream), void *arg);

#endif
