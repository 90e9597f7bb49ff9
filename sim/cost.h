/* momentum-sim cost model: what each environment's resources cost per day. */
#ifndef MOMENTUM_SIM_COST_H
#define MOMENTUM_SIM_COST_H

#include <stddef.h>
#include <stdint.h>

#include "sim/world.h"

/* One billed line: an AWS service (as Cost Explorer names it) in an env. */
struct sim_cost_item {
	const char *service;		/* "Amazon Relational Database Service" */
	const char *tag_service;	/* value of the Service tag, "" if untagged */
	int role;			/* App Runner service index, -1 otherwise */
	double share;			/* fraction of the env's monthly target */
	double usage_per_day;		/* UsageQuantity per day (hours, GB, ...) */
};

extern const struct sim_cost_item sim_cost_items[];
extern const size_t sim_cost_nitems;

/*
 * Cost in USD of item in env over the whole UTC day `day` (days since
 * 1970-01-01).  Deterministic in (seed, env, item, day); the prod api's
 * App Runner cost follows its average instance count over the day.
 */
double sim_cost_day(struct sim_world *w, int env, size_t item, int64_t day);

/*
 * Month-to-date cost at each of times[0..n-1] (sim seconds) for env, or
 * for the whole account when env is -1; today's cost accrues linearly.
 */
void sim_cost_mtd_series(struct sim_world *w, int env, const double *times,
    size_t n, double *out);

#endif
