/* momentum-sim alarms: the team's CloudWatch alarms, evaluated on demand. */
#ifndef MOMENTUM_SIM_ALARMS_H
#define MOMENTUM_SIM_ALARMS_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/metrics.h"
#include "sim/world.h"

enum sim_alarm_state { SIM_ALARM_OK, SIM_ALARM_ALARM, SIM_ALARM_INSUFFICIENT };

enum sim_cmp { SIM_CMP_GT, SIM_CMP_GE, SIM_CMP_LT, SIM_CMP_LE };

enum sim_missing { SIM_MISSING_MISSING, SIM_MISSING_NOT_BREACHING,
	SIM_MISSING_BREACHING, SIM_MISSING_IGNORE };

/* One alarm definition (derived from the world; names are stable). */
struct sim_alarm {
	char name[96];			/* "momentum-prod-api-5xx-rate" */
	char arn[160];
	char description[160];
	char action[128];		/* SNS topic ARN */
	int env, svc;			/* svc -1 for env-level alarms */
	char ns[32];
	char metric[48];
	struct {
		char name[24];
		char value[72];
	} dims[2];
	size_t ndims;
	char stat[16];			/* "Sum", "Maximum", "p99" */
	const char *unit;		/* NULL when unset */
	int period;
	int evaluation_periods;
	int datapoints_to_alarm;
	double threshold;
	enum sim_cmp cmp;
	enum sim_missing missing;
	/* Metric math alarms (5xx rate): numerator/denominator metrics. */
	bool math;
	char math_expr[64];		/* "100 * m1 / m2" */
	char math_m1[48], math_m2[48];	/* metric names, same dims */
	double created_at;
};

/* A state transition. */
struct sim_alarm_change {
	double t;
	enum sim_alarm_state from, to;
	char *reason;			/* human text */
	char *reason_data;		/* JSON */
};

/* An alarm's state at `now` and its transitions in the scanned window. */
struct sim_alarm_status {
	enum sim_alarm_state state;
	double updated;			/* when it entered the current state */
	char *reason;
	char *reason_data;
	struct sim_alarm_change *changes;	/* oldest first */
	size_t nchanges;
};

/* Every alarm of the world, env by env.  Caller frees *out (plain array). */
size_t sim_alarms_list(struct sim_world *w, struct sim_alarm **out);

/*
 * Evaluate alarm a at `now`, scanning back `window` seconds at the alarm
 * period.  Evaluations happen at period boundaries, so the result for a
 * given instant is the same whatever `now` the caller passes later.
 */
void sim_alarm_evaluate(struct sim_world *w, const struct sim_alarm *a,
    double now, double window, struct sim_alarm_status *st);
void sim_alarm_status_free(struct sim_alarm_status *st);

const char *sim_alarm_state_name(enum sim_alarm_state s);
const char *sim_alarm_cmp_name(enum sim_cmp c);
const char *sim_alarm_missing_name(enum sim_missing m);

#endif
