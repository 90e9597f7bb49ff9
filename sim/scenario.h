/* Scenarios: timed events (deploys, faults, pauses) played against the world. */
#ifndef MOMENTUM_SIM_SCENARIO_H
#define MOMENTUM_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/world.h"

enum sim_event_kind {
	SIM_EV_DEPLOY,		/* deploy ENV ROLE [bad|broken] TAG */
	SIM_EV_PUSH,		/* push ROLE [bad|broken] TAG */
	SIM_EV_ROLLBACK,	/* rollback ENV ROLE */
	SIM_EV_PAUSE,		/* pause ENV ROLE */
	SIM_EV_RESUME,		/* resume ENV ROLE */
	SIM_EV_SCALE,		/* scale ENV ROLE MIN MAX [CONCURRENCY] */
	SIM_EV_BADNESS,		/* badness ENV ROLE X */
	SIM_EV_FAULT,		/* fault [SERVICE] k=v,... */
	SIM_EV_CLEAR_FAULTS,	/* clear-faults */
	SIM_EV_NOTE,		/* note "text" (shows in the request log) */
};

struct sim_event {
	double at;		/* seconds after the start of sim time */
	enum sim_event_kind kind;
	char env[16];
	char role[16];
	char tag[64];
	bool bad;
	bool broken;
	int min_size, max_size, max_concurrency;
	double value;
	char *text;		/* fault spec or note */
	int line;
};

struct sim_scenario {
	char *name;
	struct sim_event *events;	/* sorted by at */
	size_t nevents;
	size_t next;			/* first event not yet applied */
};

/*
 * Parse scenario text (see sim/scenarios/README.md).  name labels
 * errors.  Returns NULL with *cause (caller frees) on the first bad line.
 */
struct sim_scenario *sim_scenario_parse(const char *text, const char *name,
    char **cause);
/*
 * Load a scenario by path (contains '/' or ends in .scn) or by name from
 * MOMENTUM_SOURCE_DIR/sim/scenarios then MOMENTUM_DATADIR/scenarios.
 */
struct sim_scenario *sim_scenario_load(const char *name_or_path,
    char **cause);
void sim_scenario_free(struct sim_scenario *sc);
/*
 * Apply every event due at sim time now (w->lock held), each effective
 * at its own instant w->t0 + at.  Returns how many were applied; an
 * event that cannot apply (repository full, unknown tag) is skipped and
 * reported on stderr.
 */
int sim_scenario_apply(struct sim_scenario *sc, struct sim_world *w,
    double now);

#endif
