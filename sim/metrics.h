/* momentum-sim metric generators: every metric is a function of sim time. */
#ifndef MOMENTUM_SIM_METRICS_H
#define MOMENTUM_SIM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/world.h"

/*
 * Locking: every function here reads the world, so the caller holds
 * w->lock (the server holds it around every handler; single-threaded
 * tests need not bother).
 */

enum sim_ns {
	SIM_NS_APPRUNNER, SIM_NS_RDS, SIM_NS_REDIS, SIM_NS_CLOUDFRONT,
	SIM_NS_ALB, SIM_NS_COST, SIM_NS_BILLING, SIM_NS_COUNT
};

enum sim_stat_kind {
	SIM_STAT_SUM, SIM_STAT_AVG, SIM_STAT_MIN, SIM_STAT_MAX,
	SIM_STAT_COUNT, SIM_STAT_PCT
};

struct sim_stat {
	enum sim_stat_kind kind;
	double pct;			/* 0..100 for SIM_STAT_PCT */
};

/* A resolved metric: which generator, for which environment/service. */
struct sim_metric {
	enum sim_ns ns;
	int id;				/* metric index inside the namespace */
	int env;			/* -1 for account-wide metrics */
	int svc;			/* -1 unless an App Runner metric */
};

struct sim_dim {
	const char *name;
	const char *value;
};

/*
 * Parse a CloudWatch statistic: Sum, Average, Minimum, Maximum,
 * SampleCount, or pNN / pNN.N (0 < NN <= 100).  Returns -1 for anything
 * else (tm99, wm99, ... are not supported).
 */
int sim_stat_parse(const char *s, struct sim_stat *st);

/*
 * Resolve a metric by namespace, name and the exact dimension set, the
 * way CloudWatch matches them.  Returns 0 on success, -1 when no such
 * metric exists (CloudWatch answers that with an empty series).  A
 * non-NULL unit must match the metric's unit.
 */
int sim_metric_lookup(struct sim_world *w, const char *ns, const char *name,
    const struct sim_dim *dims, size_t ndims, const char *unit,
    struct sim_metric *m);

/* The unit a metric is published with ("Count", "Percent", ...). */
const char *sim_metric_unit(const struct sim_metric *m);

/*
 * Fill out[0..n-1] with the statistic of m over the periods
 * [start + i*period, start + (i+1)*period).  Minutes that are not yet
 * complete at `now`, or before the resource existed, have no data; a
 * period without any data is NAN.  period is a multiple of 60.
 */
void sim_metric_series(struct sim_world *w, const struct sim_metric *m,
    const struct sim_stat *st, double start, int period, size_t n,
    double now, double *out);

/*
 * The same, sharing per-minute service samples between the series of
 * one request (a GetMetricData asks for many metrics of the same
 * services over the same range).  cache NULL = no sharing.
 */
struct sim_metric_cache;
struct sim_metric_cache *sim_metric_cache_new(void);
void sim_metric_cache_free(struct sim_metric_cache *c);
void sim_metric_series_cached(struct sim_world *w, struct sim_metric_cache *c,
    const struct sim_metric *m, const struct sim_stat *st, double start,
    int period, size_t n, double now, double *out);

/* Identifiers of the per-environment edge resources (stable, seed-free). */
void sim_metrics_cloudfront_id(int env, char *out, size_t len);	/* "E2Q..." */
void sim_metrics_alb_name(int env, char *out, size_t len);	/* "app/momentum-prod-alb/<16 hex>" */

/* One minute of one App Runner service, for other generators (logs). */
struct sim_svc_sample {
	bool exists;			/* the service existed */
	bool up;			/* not paused */
	double rps;			/* requests per second */
	double err_share;		/* fraction of 5xx responses */
	double p50, sigma;		/* latency: median ms, log-normal sigma */
	double instances;
	double badness;
};

/* Samples for minutes minute0 .. minute0+n-1 of env/svc. */
void sim_metrics_service_samples(struct sim_world *w, int env, int svc,
    int64_t minute0, size_t n, struct sim_svc_sample *out);

/* Daily traffic shape in [0.05, 1] at sim time t (US Eastern cycle, weekend dip). */
double sim_metrics_traffic(double t);

#endif
