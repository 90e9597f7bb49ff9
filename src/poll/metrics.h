/* The metrics plan: which GetMetricData queries an environment needs,
 * and how their answers become struct metrics_data. */
#ifndef MOMENTUM_POLL_METRICS_H
#define MOMENTUM_POLL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/cloudwatch.h"
#include "model/model.h"

struct config_env;

/* A service to query: App Runner dimensions need ServiceName and ServiceID. */
struct metrics_ids {
	const char *role;
	const char *name;
	const char *id;		/* NULL: not known yet, no queries for it */
};

struct metrics_plan_slot {
	int svc;		/* service index, or -1 for an infra row */
	int kind;		/* enum metric_kind, or infra value index */
	int infra;		/* infra row index (packed), or -1 */
};

struct metrics_plan {
	struct cw_query *q;	/* nq <= CW_MAX_QUERIES */
	struct metrics_plan_slot *slots;	/* parallel to q */
	size_t nq;
	int64_t start, end;
	int period;
	char **roles;		/* one per service, in ids order */
	size_t nsvcs;
	struct infra_row rows[INFRA_COUNT];	/* names/labels/units only */
	size_t nrows;
	char **owned;		/* strings the queries borrow */
	size_t nowned;
};

/*
 * Queries for the services in ids (all of them, in order, even those
 * without an id) and, when e is not NULL, for the environment's RDS,
 * Redis, CloudFront and ALB.  The window is [start, end) at period.
 */
struct metrics_plan *metrics_plan_new(const struct config_env *e,
    const struct metrics_ids *ids, size_t nids, int64_t start, int64_t end,
    int period);
void metrics_plan_free(struct metrics_plan *p);
/*
 * Turn answers into data: requests become per second, 4xx/5xx a
 * percentage of requests, infra values scaled to their units; last[]
 * and infra vals are the newest values.  Caller frees (metrics_data_free).
 */
struct metrics_data *metrics_plan_apply(const struct metrics_plan *p,
    const struct cw_result *r, size_t nr);

#endif
