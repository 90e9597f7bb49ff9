/* Metric generators for momentum-sim: pure functions of simulated time. */

/*
 * Every metric is computed on demand from (world seed, resource, minute)
 * and the service's state timeline (sim/world.h); nothing is stored, so
 * any range, including the last 7 days, answers at once.  The unit of
 * generation is the one-minute bucket; longer periods aggregate minutes.
 * A minute has data once it is complete (its end <= now) and once the
 * resource exists.
 *
 * Traffic: a daily cycle on US Eastern time (UTC-5, low around 03:30,
 * peak around 15:30), a weekend dip (x0.55 Saturday and Sunday), slow
 * hourly drift (+-12%) and per-minute noise (+-5%), times the service's
 * base_rps and the environment's traffic_scale.
 *
 * AWS/AppRunner, dimensions ServiceName + ServiceID (or ServiceName alone):
 *   Requests, 2xxStatusResponses, 4xxStatusResponses, 5xxStatusResponses
 *	(Count per minute; paused -> 0),
 *   RequestLatency (Milliseconds; a log-normal distribution per minute
 *	whose median rises with load per instance and with badness; pNN
 *	over a multi-minute period is the request-weighted mean of the
 *	per-minute pNN; badness 1 makes p99 about x5),
 *   ActiveInstances (ceil(concurrency / MaxConcurrency) clamped to the
 *	state's MinSize..MaxSize; 0 when paused),
 *   Concurrency (requests in flight = rps * (mean latency + hold), where
 *	hold is the time a request keeps its slot: api long polling 5 s,
 *	frontend slow clients 1.5 s, worker jobs 8 s; x(1+1.5b) when bad),
 *   CPUUtilization, MemoryUtilization (Percent; no data when paused).
 *   badness b (bad image) -> 5xx share 0.08% + 25%*b, latency up.
 * AWS/RDS, DBInstanceIdentifier=momentum-<env>-db:
 *   CPUUtilization (Percent), DatabaseConnections (Count),
 *   FreeStorageSpace (Bytes), ReadLatency, WriteLatency (Seconds),
 *   FreeableMemory (Bytes).  Rise with the env's api load and badness.
 * AWS/ElastiCache, CacheClusterId=momentum-<env>-redis (CacheNodeId=0001
 * optional): CPUUtilization, DatabaseMemoryUsagePercentage, CacheHitRate
 *   (Percent), Evictions, CurrConnections (Count).
 * AWS/CloudFront, DistributionId=<sim_metrics_cloudfront_id> + Region=Global:
 *   Requests (None), 4xxErrorRate, 5xxErrorRate (Percent), BytesDownloaded
 *   (None).
 * AWS/ApplicationELB, LoadBalancer=app/momentum-<env>-alb/<16 hex>:
 *   RequestCount, HTTPCode_ELB_5XX_Count, HTTPCode_Target_5XX_Count
 *   (Count), TargetResponseTime (Seconds, distribution).
 * Momentum/Cost, Environment=<env>: MonthToDateCost (None, USD) - the
 *   cost alarm's metric, from sim/cost.c.
 * AWS/Billing, Currency=USD: EstimatedCharges (None) - account total.
 */
#include "sim/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cost.h"
#include "util/util.h"

enum { AR_REQ, AR_2XX, AR_4XX, AR_5XX, AR_LAT, AR_INST, AR_CPU, AR_MEM,
	AR_CONC };
enum { RDS_CPU, RDS_CONN, RDS_STORAGE, RDS_RLAT, RDS_WLAT, RDS_MEM };
enum { RC_CPU, RC_MEM, RC_EVICT, RC_CONN, RC_HIT };
enum { CF_REQ, CF_4XX, CF_5XX, CF_BYTES };
enum { ALB_REQ, ALB_ELB5XX, ALB_T5XX, ALB_TRT };

struct metric_def {
	const char *name;
	const char *unit;
};

static const struct metric_def ar_defs[] = {
	{ "Requests", "Count" }, { "2xxStatusResponses", "Count" },
	{ "4xxStatusResponses", "Count" }, { "5xxStatusResponses", "Count" },
	{ "RequestLatency", "Milliseconds" }, { "ActiveInstances", "Count" },
	{ "CPUUtilization", "Percent" }, { "MemoryUtilization", "Percent" },
	{ "Concurrency", "Count" }, { NULL, NULL }
};
static const struct metric_def rds_defs[] = {
	{ "CPUUtilization", "Percent" }, { "DatabaseConnections", "Count" },
	{ "FreeStorageSpace", "Bytes" }, { "ReadLatency", "Seconds" },
	{ "WriteLatency", "Seconds" }, { "FreeableMemory", "Bytes" },
	{ NULL, NULL }
};
static const struct metric_def rc_defs[] = {
	{ "CPUUtilization", "Percent" },
	{ "DatabaseMemoryUsagePercentage", "Percent" },
	{ "Evictions", "Count" }, { "CurrConnections", "Count" },
	{ "CacheHitRate", "Percent" }, { NULL, NULL }
};
static const struct metric_def cf_defs[] = {
	{ "Requests", "None" }, { "4xxErrorRate", "Percent" },
	{ "5xxErrorRate", "Percent" }, { "BytesDownloaded", "None" },
	{ NULL, NULL }
};
static const struct metric_def alb_defs[] = {
	{ "RequestCount", "Count" }, { "HTTPCode_ELB_5XX_Count", "Count" },
	{ "HTTPCode_Target_5XX_Count", "Count" },
	{ "TargetResponseTime", "Seconds" }, { NULL, NULL }
};
static const struct metric_def cost_defs[] = {
	{ "MonthToDateCost", "None" }, { NULL, NULL }
};
static const struct metric_def bill_defs[] = {
	{ "EstimatedCharges", "None" }, { NULL, NULL }
};

static const struct {
	const char *ns;
	const struct metric_def *defs;
} namespaces[SIM_NS_COUNT] = {
	[SIM_NS_APPRUNNER] = { "AWS/AppRunner", ar_defs },
	[SIM_NS_RDS] = { "AWS/RDS", rds_defs },
	[SIM_NS_REDIS] = { "AWS/ElastiCache", rc_defs },
	[SIM_NS_CLOUDFRONT] = { "AWS/CloudFront", cf_defs },
	[SIM_NS_ALB] = { "AWS/ApplicationELB", alb_defs },
	[SIM_NS_COST] = { "Momentum/Cost", cost_defs },
	[SIM_NS_BILLING] = { "AWS/Billing", bill_defs },
};

/* Noise channels, mixed into the resource key. */
#define K_DRIFT 0x9e3779b97f4a7c15ULL
#define K_MIN 0xc2b2ae3d27d4eb4fULL
#define K_LAT 0x165667b19e3779f9ULL
#define K_ERR 0x27d4eb2f165667c5ULL
#define K_4XX 0x85ebca77c2b2ae63ULL
#define K_RES 0xff51afd7ed558ccdULL
#define K_RES2 0xc4ceb9fe1a85ec53ULL

/* Median latency (ms) of a healthy, idle instance, by role. */
static const double role_latency[] = { 38, 62, 140 };
static const double role_memory[] = { 31, 44, 39 };
/*
 * Seconds a request holds its slot beyond the response latency: the
 * api serves Momentum's real-time features by long polling, the
 * frontend streams assets to slow clients, the worker runs jobs.  It is
 * what makes concurrency (and so ActiveInstances) follow the daily cycle.
 */
static const double role_hold[] = { 1.5, 5.0, 8.0 };

int
sim_stat_parse(const char *s, struct sim_stat *st)
{
	static const struct {
		const char *name;
		enum sim_stat_kind kind;
	} names[] = {
		{ "Sum", SIM_STAT_SUM }, { "Average", SIM_STAT_AVG },
		{ "Minimum", SIM_STAT_MIN }, { "Maximum", SIM_STAT_MAX },
		{ "SampleCount", SIM_STAT_COUNT },
	};
	char *end;
	double p;
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < nitems(names); i++) {
		if (strcmp(s, names[i].name) == 0) {
			st->kind = names[i].kind;
			st->pct = 0;
			return 0;
		}
	}
	if (s[0] != 'p' || s[1] < '0' || s[1] > '9')
		return -1;
	p = strtod(s + 1, &end);
	if (*end != '\0' || !(p > 0) || p > 100 || strlen(s) > 8)
		return -1;
	st->kind = SIM_STAT_PCT;
	st->pct = p;
	return 0;
}

static int
role_index(const char *role)
{
	if (role == NULL)
		return 1;
	if (strcmp(role, "frontend") == 0)
		return 0;
	if (strcmp(role, "worker") == 0)
		return 2;
	return 1;
}

static int
env_index(struct sim_world *w, const char *name)
{
	int i;

	for (i = 0; i < SIM_NENV; i++) {
		if (w->envs[i].name != NULL && strcmp(w->envs[i].name, name) == 0)
			return i;
	}
	return -1;
}

void
sim_metrics_cloudfront_id(int env, char *out, size_t len)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char name[32], id[15];
	uint64_t h;
	int i;

	snprintf(name, sizeof name, "momentum-cdn-%d", env);
	h = sim_hash(name);
	id[0] = 'E';
	for (i = 1; i < 14; i++) {
		id[i] = alpha[h % 36];
		h = h / 36 + (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	}
	id[14] = '\0';
	snprintf(out, len, "%s", id);
}

void
sim_metrics_alb_name(int env, char *out, size_t len)
{
	static const char *names[SIM_NENV] = { "dev", "staging", "prod" };
	char key[32];

	snprintf(key, sizeof key, "momentum-alb-%d", env);
	snprintf(out, len, "app/momentum-%s-alb/%016llx",
	    env >= 0 && env < SIM_NENV ? names[env] : "x",
	    (unsigned long long)sim_hash(key));
}

/* Find a dimension by name; NULL when absent. */
static const char *
dim_get(const struct sim_dim *dims, size_t ndims, const char *name)
{
	size_t i;

	for (i = 0; i < ndims; i++) {
		if (dims[i].name != NULL && strcmp(dims[i].name, name) == 0)
			return dims[i].value;
	}
	return NULL;
}

/* True when every dimension's name is in allowed[] (and none repeats). */
static bool
dims_only(const struct sim_dim *dims, size_t ndims, const char **allowed)
{
	size_t i, j;
	const char **a;
	bool ok;

	for (i = 0; i < ndims; i++) {
		if (dims[i].name == NULL || dims[i].value == NULL)
			return false;
		ok = false;
		for (a = allowed; *a != NULL; a++)
			ok = ok || strcmp(*a, dims[i].name) == 0;
		if (!ok)
			return false;
		for (j = 0; j < i; j++) {
			if (strcmp(dims[j].name, dims[i].name) == 0)
				return false;
		}
	}
	return true;
}

/* Env whose "momentum-<env>-<suffix>" equals value, or -1. */
static int
env_of_resource(struct sim_world *w, const char *value, const char *suffix)
{
	char buf[96];
	int i;

	if (value == NULL)
		return -1;
	for (i = 0; i < SIM_NENV; i++) {
		snprintf(buf, sizeof buf, "momentum-%s-%s", w->envs[i].name,
		    suffix);
		if (strcmp(buf, value) == 0)
			return i;
	}
	return -1;
}

int
sim_metric_lookup(struct sim_world *w, const char *ns, const char *name,
    const struct sim_dim *dims, size_t ndims, const char *unit,
    struct sim_metric *m)
{
	static const char *ar_dims[] = { "ServiceName", "ServiceID", NULL };
	static const char *rds_dims[] = { "DBInstanceIdentifier", NULL };
	static const char *rc_dims[] = { "CacheClusterId", "CacheNodeId", NULL };
	static const char *cf_dims[] = { "DistributionId", "Region", NULL };
	static const char *alb_dims[] = { "LoadBalancer", NULL };
	static const char *cost_dims[] = { "Environment", NULL };
	static const char *bill_dims[] = { "Currency", NULL };
	const struct metric_def *d;
	const char *v;
	char buf[96];
	int i, k;

	if (ns == NULL || name == NULL)
		return -1;
	memset(m, 0, sizeof *m);
	m->env = m->svc = -1;
	for (k = 0; k < SIM_NS_COUNT; k++) {
		if (strcmp(namespaces[k].ns, ns) == 0)
			break;
	}
	if (k == SIM_NS_COUNT)
		return -1;
	m->ns = (enum sim_ns)k;
	d = namespaces[k].defs;
	for (i = 0; d[i].name != NULL; i++) {
		if (strcmp(d[i].name, name) == 0)
			break;
	}
	if (d[i].name == NULL)
		return -1;
	m->id = i;
	if (unit != NULL && strcmp(unit, d[i].unit) != 0)
		return -1;

	switch (m->ns) {
	case SIM_NS_APPRUNNER: {
		struct sim_service *s;
		const char *id;

		if (!dims_only(dims, ndims, ar_dims))
			return -1;
		v = dim_get(dims, ndims, "ServiceName");
		id = dim_get(dims, ndims, "ServiceID");
		if (v == NULL)
			return -1;
		s = sim_find_service_by_name(w, v);
		if (s != NULL && (id == NULL || strcmp(id, s->id) == 0)) {
			m->env = s->env;
			m->svc = (int)(s - w->envs[s->env].svcs);
		}
		return m->svc < 0 ? -1 : 0;
	}
	case SIM_NS_RDS:
		if (!dims_only(dims, ndims, rds_dims) || ndims != 1)
			return -1;
		m->env = env_of_resource(w,
		    dim_get(dims, ndims, "DBInstanceIdentifier"), "db");
		break;
	case SIM_NS_REDIS:
		if (!dims_only(dims, ndims, rc_dims))
			return -1;
		v = dim_get(dims, ndims, "CacheNodeId");
		if (v != NULL && strcmp(v, "0001") != 0)
			return -1;
		m->env = env_of_resource(w,
		    dim_get(dims, ndims, "CacheClusterId"), "redis");
		break;
	case SIM_NS_CLOUDFRONT:
		if (!dims_only(dims, ndims, cf_dims) || ndims != 2)
			return -1;
		if (strcmp(dim_get(dims, ndims, "Region"), "Global") != 0)
			return -1;
		v = dim_get(dims, ndims, "DistributionId");
		for (i = 0; i < SIM_NENV; i++) {
			sim_metrics_cloudfront_id(i, buf, sizeof buf);
			if (strcmp(buf, v) == 0)
				m->env = i;
		}
		break;
	case SIM_NS_ALB:
		if (!dims_only(dims, ndims, alb_dims) || ndims != 1)
			return -1;
		v = dim_get(dims, ndims, "LoadBalancer");
		for (i = 0; i < SIM_NENV; i++) {
			sim_metrics_alb_name(i, buf, sizeof buf);
			if (strcmp(buf, v) == 0)
				m->env = i;
		}
		break;
	case SIM_NS_COST:
		if (!dims_only(dims, ndims, cost_dims) || ndims != 1)
			return -1;
		m->env = env_index(w, dim_get(dims, ndims, "Environment"));
		break;
	case SIM_NS_BILLING:
		if (!dims_only(dims, ndims, bill_dims) || ndims != 1 ||
		    strcmp(dim_get(dims, ndims, "Currency"), "USD") != 0)
			return -1;
		return 0;
	default:
		return -1;
	}
	return m->env < 0 ? -1 : 0;
}

const char *
sim_metric_unit(const struct sim_metric *m)
{
	if ((int)m->ns < 0 || m->ns >= SIM_NS_COUNT)
		return "None";
	return namespaces[m->ns].defs[m->id].unit;
}

/* Noise in [-1, 1) for (key, bucket). */
static inline double
snoise(uint64_t seed, uint64_t key, int64_t b)
{
	return sim_noise(seed, key, b) * 2.0 - 1.0;
}

/* Smooth noise in [-1, 1] drifting over `span` seconds. */
static double
drift(uint64_t seed, uint64_t key, double t, double span)
{
	double x = t / span, f;
	int64_t b = (int64_t)floor(x);
	double a, c;

	f = x - (double)b;
	a = sim_noise(seed, key, b);
	c = sim_noise(seed, key, b + 1);
	f = f * f * (3 - 2 * f);
	return (a + (c - a) * f) * 2.0 - 1.0;
}

/* drift() with its two bucket values remembered (minutes walk forward). */
struct drift_cache {
	int64_t b;
	double a, c;
	bool valid;
};

static double
drift_cached(struct drift_cache *dc, uint64_t seed, uint64_t key, double t,
    double span)
{
	double x = t / span, f;
	int64_t b = (int64_t)floor(x);

	if (!dc->valid || dc->b != b) {
		dc->a = sim_noise(seed, key, b);
		dc->c = sim_noise(seed, key, b + 1);
		dc->b = b;
		dc->valid = true;
	}
	f = x - (double)b;
	f = f * f * (3 - 2 * f);
	return (dc->a + (dc->c - dc->a) * f) * 2.0 - 1.0;
}

double
sim_metrics_traffic(double t)
{
	double local = t - 5 * 3600.0, h, x, f;
	int64_t day = (int64_t)floor(local / 86400.0);
	int dow;

	h = (local - (double)day * 86400.0) / 3600.0;
	x = (1.0 - cos(2.0 * M_PI * (h - 3.5) / 24.0)) / 2.0;
	f = 0.08 + 0.92 * x * sqrt(x);
	dow = (int)(((day + 4) % 7 + 7) % 7);	/* 0 = Sunday */
	if (dow == 0 || dow == 6)
		f *= 0.55;
	return f < 0.05 ? 0.05 : f;
}

/* sim_metrics_traffic() for whole minutes, from a table of the day. */
static double day_shape[1440];
static pthread_once_t day_shape_once = PTHREAD_ONCE_INIT;

static void
day_shape_init(void)
{
	double x, h;
	int i;

	for (i = 0; i < 1440; i++) {
		h = i / 60.0;
		x = (1.0 - cos(2.0 * M_PI * (h - 3.5) / 24.0)) / 2.0;
		day_shape[i] = 0.08 + 0.92 * x * sqrt(x);
	}
}

static double
traffic_minute(int64_t minute)
{
	int64_t local = minute - 300, day, dow;
	double f;

	pthread_once(&day_shape_once, day_shape_init);
	day = local >= 0 ? local / 1440 : (local - 1439) / 1440;
	f = day_shape[local - day * 1440];
	dow = ((day + 4) % 7 + 7) % 7;	/* 0 = Sunday */
	if (dow == 0 || dow == 6)
		f *= 0.55;
	return f < 0.05 ? 0.05 : f;
}

/* Inverse standard normal CDF (Acklam's rational approximation). */
static double
probit(double p)
{
	static const double a[] = { -3.969683028665376e+01,
	    2.209460984245205e+02, -2.759285104469687e+02,
	    1.383577518672690e+02, -3.066479806614716e+01,
	    2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01,
	    1.615858368580409e+02, -1.556989798598866e+02,
	    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03,
	    -3.223964580411365e-01, -2.400758277161838e+00,
	    -2.549671010029101e+00, 4.374664141464968e+00,
	    2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03,
	    3.224671290700398e-01, 2.445134137142996e+00,
	    3.754408661907416e+00 };
	double q, r;

	if (p <= 0.0005)
		p = 0.0005;
	if (p >= 0.9995)
		p = 0.9995;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		    c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - 0.02425) {
		q = sqrt(-2 * log(1 - p));
		return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q +
		    c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	q = p - 0.5;
	r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r +
	    a[5]) * q /
	    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/* A service's generator context: constants plus a copy of its timeline. */
struct svc_ctx {
	uint64_t seed, key;
	int role;
	double rps_peak;
	double created_at;
	struct sim_timeline_entry *tl;
	size_t ntl, ti;
	struct sim_state cur;
	unsigned need;			/* NEED_* fields to compute */
	struct drift_cache drift, mdrift;
};

/* Which parts of a service minute a series needs. */
#define NEED_STATUS	0x01	/* r2, r4, r5 */
#define NEED_CPU	0x02
#define NEED_MEM	0x04
#define NEED_ALL	0x07

/* One minute of one service. */
struct svc_min {
	bool exists;			/* resource existed for the minute */
	bool up;			/* not paused */
	double badness;
	double req, r2, r4, r5;
	double p50, sigma;		/* latency distribution (ms) */
	double inst, conc, cpu, mem;
};

/*
 * Copy the part of s's timeline that covers [t0, t1] (w->lock held).
 */
static void
svc_ctx_init(struct sim_world *w, int env, int svc, double t0, double t1,
    struct svc_ctx *c)
{
	const struct sim_service *s;
	size_t i, first, last;

	memset(c, 0, sizeof *c);
	s = &w->envs[env].svcs[svc];
	c->seed = w->seed;
	c->key = sim_hash(s->name);
	c->role = role_index(s->role);
	c->rps_peak = s->base_rps;	/* already scaled by the env */
	c->created_at = s->created_at;
	c->cur = s->cur;
	c->need = NEED_ALL;
	if (s->ntimeline > 0) {
		first = 0;
		for (i = 0; i < s->ntimeline; i++) {
			if (s->timeline[i].t <= t0)
				first = i;
		}
		last = first;
		while (last + 1 < s->ntimeline && s->timeline[last + 1].t <= t1)
			last++;
		c->ntl = last - first + 1;
		c->tl = xreallocarray(NULL, c->ntl, sizeof *c->tl);
		memcpy(c->tl, &s->timeline[first], c->ntl * sizeof *c->tl);
	}
}

static void
svc_ctx_free(struct svc_ctx *c)
{
	free(c->tl);
	c->tl = NULL;
}

/* State at t; t must not decrease between calls (walks forward). */
static const struct sim_state *
svc_state(struct svc_ctx *c, double t)
{
	if (c->ntl == 0)
		return &c->cur;
	if (c->ti > 0 && c->tl[c->ti].t > t)
		c->ti = 0;
	while (c->ti + 1 < c->ntl && c->tl[c->ti + 1].t <= t)
		c->ti++;
	return &c->tl[c->ti].state;
}

static void
svc_minute(struct svc_ctx *c, int64_t minute, struct svc_min *o)
{
	const struct sim_state *st;
	double t = (double)minute * 60.0, rps, b, base, mean, conc, u;
	double maxc, share, hold;
	int lo, hi;

	memset(o, 0, sizeof *o);
	if (t + 60.0 <= c->created_at)
		return;
	o->exists = true;
	st = svc_state(c, t);
	if (st->paused)
		return;
	o->up = true;
	b = st->badness < 0 ? 0 : st->badness > 1 ? 1 : st->badness;
	o->badness = b;
	rps = c->rps_peak * traffic_minute(minute) *
	    (1.0 + 0.12 * drift_cached(&c->drift, c->seed, c->key ^ K_DRIFT, t,
	    3600.0) + 0.05 * snoise(c->seed, c->key ^ K_MIN, minute));
	if (rps < 0)
		rps = 0;
	maxc = st->max_concurrency > 0 ? st->max_concurrency : 100;
	lo = st->min_size > 0 ? st->min_size : 1;
	hi = st->max_size >= lo ? st->max_size : lo;

	/* Instances follow concurrency (Little's law) within min..max. */
	base = role_latency[c->role];
	hold = role_hold[c->role] * (1.0 + 1.5 * b);
	conc = rps * (base * 1.3 * (1.0 + 2.0 * b) / 1000.0 + hold);
	o->inst = ceil(conc / maxc);
	o->inst = o->inst < lo ? lo : o->inst > hi ? hi : o->inst;
	u = conc / (o->inst * maxc);
	o->p50 = base * (1.0 + 0.5 * u * u + (u > 1 ? 4.0 * (u - 1) : 0)) *
	    (1.0 + b) * (1.0 + 0.05 * snoise(c->seed, c->key ^ K_LAT, minute));
	o->sigma = 0.6 + 0.1 * (u > 1.5 ? 1.5 : u) + 0.4 * b;
	mean = o->p50 * exp(o->sigma * o->sigma / 2);
	o->conc = rps * (mean / 1000.0 + hold);
	o->inst = ceil(o->conc / maxc);
	o->inst = o->inst < lo ? lo : o->inst > hi ? hi : o->inst;
	u = o->conc / (o->inst * maxc);

	o->req = floor(rps * 60.0 + 0.5);
	if (c->need & NEED_STATUS) {
		share = (0.0008 + 0.25 * b) *
		    (1.0 + 0.4 * snoise(c->seed, c->key ^ K_ERR, minute));
		o->r5 = floor(o->req * share + 0.5);
		o->r4 = floor(o->req * (0.015 + 0.006 *
		    snoise(c->seed, c->key ^ K_4XX, minute)) + 0.5);
		if (o->r4 + o->r5 > o->req)
			o->r4 = o->req - o->r5;
		o->r2 = o->req - o->r4 - o->r5;
	}
	if (c->need & NEED_CPU) {
		o->cpu = 3.0 + 62.0 * (u > 1.2 ? 1.2 : u) + 18.0 * b +
		    2.0 * snoise(c->seed, c->key ^ K_RES, minute);
		o->cpu = o->cpu < 0.5 ? 0.5 : o->cpu > 100 ? 100 : o->cpu;
	}
	if (c->need & NEED_MEM) {
		o->mem = role_memory[c->role] + 14.0 * (u > 1 ? 1 : u) +
		    30.0 * b + 1.5 * drift_cached(&c->mdrift, c->seed,
		    c->key ^ K_RES2, t, 1800.0);
		o->mem = o->mem > 99 ? 99 : o->mem;
	}
}

/* Per-minute value of a simple (non-distribution) metric; NAN = no data. */
struct env_ctx {
	struct sim_world *w;
	int env;
	uint64_t seed, key;
	struct svc_ctx svc[SIM_NSVC];
	bool have[SIM_NSVC];
	struct svc_min min[SIM_NSVC];	/* storage when not cached */
	const struct svc_min *cur[SIM_NSVC];	/* this minute, per service */
};

static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double
rds_value(struct env_ctx *e, int id, int64_t minute)
{
	const struct sim_env *env = &e->w->envs[e->env];
	const struct svc_min *api = e->cur[1], *wk = e->cur[2];
	double t = (double)minute * 60.0, tr = traffic_minute(minute);
	double b = api->badness, gb, mem, n;
	bool small = strstr(env->rds_class, "small") != NULL;

	n = snoise(e->seed, e->key ^ (uint64_t)id, minute);
	switch (id) {
	case RDS_CPU:
		return clampd(4 + 30 * tr * (e->env == 2 ? 1 : 0.6) + 45 * b +
		    2.5 * n, 0.5, 100);
	case RDS_CONN:
		return floor(3 + 5 * (api->inst + wk->inst) + 130 * b +
		    2 * n + 0.5);
	case RDS_STORAGE:
		gb = (double)env->rds_storage_gb;
		return floor(gb * 1073741824.0 * (0.63 - 0.02 *
		    drift(e->seed, e->key ^ K_DRIFT, t, 7 * 86400.0) -
		    0.001 * n));
	case RDS_RLAT:
		return 0.0009 + 0.0012 * tr + 0.006 * b + 0.0002 * n;
	case RDS_WLAT:
		return 0.0016 + 0.0015 * tr + 0.008 * b + 0.0003 * n;
	case RDS_MEM:
		mem = small ? 2147483648.0 : 1073741824.0;
		return floor(mem * (0.36 - 0.06 * tr - 0.12 * b + 0.01 * n));
	}
	return NAN;
}

static double
redis_mem_pct(struct env_ctx *e, int64_t minute)
{
	double t = (double)minute * 60.0;

	return clampd(34 + 10 * drift(e->seed, e->key ^ K_DRIFT, t,
	    6 * 3600.0) + 8 * traffic_minute(minute) + 48 * e->cur[1]->badness,
	    1, 99.5);
}

static double
redis_value(struct env_ctx *e, int id, int64_t minute)
{
	double tr = traffic_minute(minute), mem;
	double n = snoise(e->seed, e->key ^ (uint64_t)(id + 16), minute);
	double b = e->cur[1]->badness;

	switch (id) {
	case RC_CPU:
		return clampd(1.5 + 12 * tr + 22 * b + n, 0.2, 100);
	case RC_MEM:
		return redis_mem_pct(e, minute);
	case RC_EVICT:
		mem = redis_mem_pct(e, minute);
		return mem > 75 ? floor((mem - 75) * 12 * (1.2 + n) + 0.5) : 0;
	case RC_CONN:
		return floor(6 + 4 * e->cur[1]->inst + 2 * e->cur[2]->inst +
		    2 * n + 0.5);
	case RC_HIT:
		return clampd(94 + 2.5 * n - 30 * b, 0, 100);
	}
	return NAN;
}

static double
cf_value(struct env_ctx *e, int id, int64_t minute)
{
	const struct svc_min *fe = e->cur[0], *api = e->cur[1];
	double n = snoise(e->seed, e->key ^ (uint64_t)(id + 32), minute);

	switch (id) {
	case CF_REQ:
		return floor(fe->req * 4.2 * (1 + 0.05 * n) + 0.5);
	case CF_4XX:
		return clampd(1.3 + 0.4 * n, 0, 100);
	case CF_5XX:
		return clampd(0.03 + 0.02 * n + 20 * fe->badness +
		    4 * api->badness, 0, 100);
	case CF_BYTES:
		return floor(fe->req * 4.2 * 38000 * (1 + 0.1 * n));
	}
	return NAN;
}

static double
alb_value(struct env_ctx *e, int id, int64_t minute)
{
	const struct svc_min *api = e->cur[1];
	double n = sim_noise(e->seed, e->key ^ (uint64_t)(id + 48), minute);

	switch (id) {
	case ALB_REQ:
		return api->req;
	case ALB_ELB5XX:
		return floor(api->req * 0.0002 * 2 * n);
	case ALB_T5XX:
		return api->r5;
	}
	return NAN;
}

/* Accumulates one period. */
struct acc {
	double sum, min, max, count, wsum, wpct;
	double *vals;
	size_t nvals, cap;
};

static void
acc_reset(struct acc *a)
{
	a->sum = a->wsum = a->wpct = a->count = 0;
	a->min = INFINITY;
	a->max = -INFINITY;
	a->nvals = 0;
}

static void
acc_value(struct acc *a, double v, bool keep)
{
	a->sum += v;
	a->count += 1;
	if (v < a->min)
		a->min = v;
	if (v > a->max)
		a->max = v;
	if (keep) {
		if (a->nvals == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->vals = xreallocarray(a->vals, a->cap, sizeof *a->vals);
		}
		a->vals[a->nvals++] = v;
	}
}

/* A latency minute: weight = requests; scale converts ms to the unit. */
static void
acc_dist(struct acc *a, const struct sim_stat *st, double z, double p50,
    double sigma, double weight, double scale)
{
	double v;

	a->count += weight;
	switch (st->kind) {
	case SIM_STAT_SUM:
	case SIM_STAT_AVG:
		a->sum += p50 * exp(sigma * sigma / 2) * scale * weight;
		break;
	case SIM_STAT_MIN:
		v = p50 * exp(-2.3 * sigma) * scale;
		a->min = v < a->min ? v : a->min;
		break;
	case SIM_STAT_MAX:
		v = p50 * exp(3.7 * sigma) * scale;
		a->max = v > a->max ? v : a->max;
		break;
	case SIM_STAT_PCT:
		a->wpct += weight * p50 * scale * exp(sigma * z);
		a->wsum += weight;
		break;
	case SIM_STAT_COUNT:
		break;
	}
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
acc_result(struct acc *a, const struct sim_stat *st, bool dist)
{
	size_t k;

	if (a->count <= 0 && !(dist && a->wsum > 0))
		return NAN;
	switch (st->kind) {
	case SIM_STAT_SUM:
		return a->sum;
	case SIM_STAT_AVG:
		return a->sum / a->count;
	case SIM_STAT_MIN:
		return a->min;
	case SIM_STAT_MAX:
		return a->max;
	case SIM_STAT_COUNT:
		return a->count;
	case SIM_STAT_PCT:
		if (dist)
			return a->wsum > 0 ? a->wpct / a->wsum : NAN;
		if (a->nvals == 0)
			return NAN;
		qsort(a->vals, a->nvals, sizeof *a->vals, cmp_double);
		k = (size_t)ceil(st->pct / 100.0 * (double)a->nvals);
		k = k == 0 ? 0 : k - 1;
		return a->vals[k >= a->nvals ? a->nvals - 1 : k];
	}
	return NAN;
}

/* Round to a plausible published precision (also keeps JSON short). */
static double
tidy(double v)
{
	double a = fabs(v);

	if (isnan(v) || a >= 1e6)
		return isnan(v) ? v : floor(v + 0.5);
	if (a >= 100)
		return floor(v * 100 + 0.5) / 100;
	if (a >= 1)
		return floor(v * 10000 + 0.5) / 10000;
	return floor(v * 1e7 + 0.5) / 1e7;
}

static void
series_cost(struct sim_world *w, const struct sim_metric *m, double start,
    int period, size_t n, double now, double *out)
{
	double *times = xreallocarray(NULL, n ? n : 1, sizeof *times);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		double end = start + (double)(i + 1) * period;

		out[i] = NAN;
		if (start + (double)i * period + 60 > now)
			continue;
		times[k++] = end < now ? end : now;
	}
	sim_cost_mtd_series(w, m->ns == SIM_NS_BILLING ? -1 : m->env, times,
	    k, times);
	k = 0;
	for (i = 0; i < n; i++) {
		if (start + (double)i * period + 60 > now)
			continue;
		out[i] = floor(times[k++] * 100 + 0.5) / 100;
	}
	free(times);
}

/*
 * Minutes of services computed once per request: a console asks for
 * several metrics of the same services over the same range, and every
 * App Runner metric of a minute comes out of the same svc_minute().
 */
#define CACHE_SLOTS 32
#define CACHE_MAX_MINUTES (14 * 1440)	/* ~2 MB per service range */

struct sim_metric_cache {
	struct {
		int env, svc;
		int64_t m0, count;
		struct svc_min *mins;
	} slot[CACHE_SLOTS];
	size_t n;
};

struct sim_metric_cache *
sim_metric_cache_new(void)
{
	return xcalloc(1, sizeof(struct sim_metric_cache));
}

void
sim_metric_cache_free(struct sim_metric_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free(c->slot[i].mins);
	free(c);
}

/*
 * Across requests, the last few computed ranges are kept too, keyed by
 * a hash of everything they depend on (seed, service constants, the
 * timeline slice, the range): the pages of one paginated GetMetricData,
 * or a console polling the same window, then cost a copy.
 */
#define STORE_SLOTS 24
#define STORE_MAX_MINUTES (2 * 1440)	/* at most 24 x 300 KB kept */

static struct {
	uint64_t key;
	int64_t count;
	struct svc_min *mins;
	uint64_t used;
} store[STORE_SLOTS];
static uint64_t store_clock;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
ctx_key(const struct svc_ctx *c, int env, int svc, int64_t m0, int64_t count)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, &c->seed, sizeof c->seed);
	h = fnv(h, &c->key, sizeof c->key);
	h = fnv(h, &c->rps_peak, sizeof c->rps_peak);
	h = fnv(h, &c->created_at, sizeof c->created_at);
	h = fnv(h, &env, sizeof env);
	h = fnv(h, &svc, sizeof svc);
	h = fnv(h, &m0, sizeof m0);
	h = fnv(h, &count, sizeof count);
	if (c->ntl > 0)
		h = fnv(h, c->tl, c->ntl * sizeof *c->tl);
	else
		h = fnv(h, &c->cur, sizeof c->cur);
	return h;
}

/* Copy a stored range into mins; false if not stored. */
static bool
store_get(uint64_t key, int64_t count, struct svc_min *mins)
{
	bool hit = false;
	size_t i;

	pthread_mutex_lock(&store_lock);
	for (i = 0; i < STORE_SLOTS; i++) {
		if (store[i].mins != NULL && store[i].key == key &&
		    store[i].count == count) {
			memcpy(mins, store[i].mins, (size_t)count *
			    sizeof *mins);
			store[i].used = ++store_clock;
			hit = true;
			break;
		}
	}
	pthread_mutex_unlock(&store_lock);
	return hit;
}

static void
store_put(uint64_t key, int64_t count, const struct svc_min *mins)
{
	size_t i, victim = 0;

	pthread_mutex_lock(&store_lock);
	for (i = 0; i < STORE_SLOTS; i++) {
		if (store[i].mins == NULL) {
			victim = i;
			break;
		}
		if (store[i].used < store[victim].used)
			victim = i;
	}
	store[victim].mins = xreallocarray(store[victim].mins,
	    (size_t)count, sizeof *mins);
	memcpy(store[victim].mins, mins, (size_t)count * sizeof *mins);
	store[victim].key = key;
	store[victim].count = count;
	store[victim].used = ++store_clock;
	pthread_mutex_unlock(&store_lock);
}

/* The cached minutes [m0, m0+count) of env/svc, computing them if new. */
static const struct svc_min *
cache_minutes(struct sim_world *w, struct sim_metric_cache *c, int env,
    int svc, int64_t m0, int64_t count)
{
	struct svc_ctx ctx;
	struct svc_min *mins;
	uint64_t key;
	size_t i;
	int64_t k;

	for (i = 0; i < c->n; i++) {
		if (c->slot[i].env == env && c->slot[i].svc == svc &&
		    c->slot[i].m0 == m0 && c->slot[i].count == count)
			return c->slot[i].mins;
	}
	if (c->n == CACHE_SLOTS)
		return NULL;
	mins = xreallocarray(NULL, (size_t)(count > 0 ? count : 1),
	    sizeof *mins);
	svc_ctx_init(w, env, svc, (double)m0 * 60.0,
	    (double)(m0 + count) * 60.0, &ctx);
	key = ctx_key(&ctx, env, svc, m0, count);
	if (!store_get(key, count, mins)) {
		for (k = 0; k < count; k++)
			svc_minute(&ctx, m0 + k, &mins[k]);
		if (count <= STORE_MAX_MINUTES)
			store_put(key, count, mins);
	}
	svc_ctx_free(&ctx);
	c->slot[c->n].env = env;
	c->slot[c->n].svc = svc;
	c->slot[c->n].m0 = m0;
	c->slot[c->n].count = count;
	c->slot[c->n].mins = mins;
	c->n++;
	return mins;
}

void
sim_metric_series(struct sim_world *w, const struct sim_metric *m,
    const struct sim_stat *st, double start, int period, size_t n,
    double now, double *out)
{
	sim_metric_series_cached(w, NULL, m, st, start, period, n, now, out);
}

void
sim_metric_series_cached(struct sim_world *w, struct sim_metric_cache *cache,
    const struct sim_metric *m, const struct sim_stat *st, double start,
    int period, size_t n, double now, double *out)
{
	const struct svc_min *cached[SIM_NSVC] = { NULL };
	int64_t cm0 = 0, ccount = 0;
	struct env_ctx e;
	struct acc a;
	int64_t m0, m1, mi, mlast;
	double end = start + (double)n * period, v;
	bool dist, keep = st->kind == SIM_STAT_PCT;
	unsigned needs;
	double z;
	size_t i, k;
	char key[64];

	if (period < 60)
		period = 60;
	if (m->ns == SIM_NS_COST || m->ns == SIM_NS_BILLING) {
		series_cost(w, m, start, period, n, now, out);
		return;
	}
	memset(&e, 0, sizeof e);
	memset(&a, 0, sizeof a);
	e.w = w;
	e.env = m->env;
	e.seed = w->seed;
	snprintf(key, sizeof key, "%s/%d", namespaces[m->ns].ns, m->env);
	e.key = sim_hash(key);
	if (m->ns == SIM_NS_APPRUNNER)
		needs = m->id == AR_CPU ? NEED_CPU : m->id == AR_MEM ? NEED_MEM :
		    m->id == AR_2XX || m->id == AR_4XX || m->id == AR_5XX ?
		    NEED_STATUS : 0;
	else
		needs = m->ns == SIM_NS_ALB && m->id == ALB_T5XX ? NEED_STATUS :
		    0;
	z = st->kind == SIM_STAT_PCT ? probit(st->pct / 100.0) : 0;
	for (k = 0; k < SIM_NSVC; k++) {
		bool need = false;

		switch (m->ns) {
		case SIM_NS_APPRUNNER:
			need = (int)k == m->svc;
			break;
		case SIM_NS_CLOUDFRONT:
			need = k <= 1;
			break;
		case SIM_NS_ALB:
		case SIM_NS_REDIS:
		case SIM_NS_RDS:
			need = k >= 1;
			break;
		default:
			break;
		}
		if (need) {
			svc_ctx_init(w, m->env, (int)k, start, end, &e.svc[k]);
			e.svc[k].need = needs;
			e.have[k] = true;
		}
	}
	dist = (m->ns == SIM_NS_APPRUNNER && m->id == AR_LAT) ||
	    (m->ns == SIM_NS_ALB && m->id == ALB_TRT);
	/* Minutes complete at `now`: those ending at or before it. */
	mlast = (int64_t)floor(now / 60.0) - 1;
	if (cache != NULL && n > 0) {
		cm0 = (int64_t)floor(start / 60.0);
		ccount = (int64_t)floor((start + (double)(n - 1) * period) /
		    60.0) + period / 60 - cm0;
		if (cm0 + ccount - 1 > mlast)
			ccount = mlast - cm0 + 1;
		/* Long ranges stream minute by minute instead. */
		if (ccount > CACHE_MAX_MINUTES)
			ccount = 0;
		for (k = 0; k < SIM_NSVC && ccount > 0; k++) {
			if (e.have[k])
				cached[k] = cache_minutes(w, cache, m->env,
				    (int)k, cm0, ccount);
		}
	}

	/*
	 * One-minute periods of a cached App Runner count or gauge: every
	 * statistic of a single datapoint is the datapoint (SampleCount 1).
	 */
	if (period == 60 && m->ns == SIM_NS_APPRUNNER && m->id != AR_LAT &&
	    cached[m->svc] != NULL && start == floor(start / 60.0) * 60.0) {
		const struct svc_min *base = cached[m->svc];
		int64_t first = (int64_t)(start / 60.0);

		for (i = 0; i < n; i++) {
			const struct svc_min *sm;

			mi = first + (int64_t)i;
			out[i] = NAN;
			if (mi > mlast || mi - cm0 >= ccount)
				continue;
			sm = &base[mi - cm0];
			if (!sm->exists)
				continue;
			switch (m->id) {
			case AR_REQ: v = sm->req; break;
			case AR_2XX: v = sm->r2; break;
			case AR_4XX: v = sm->r4; break;
			case AR_5XX: v = sm->r5; break;
			case AR_INST: v = sm->up ? sm->inst : 0; break;
			case AR_CONC: v = sm->conc; break;
			case AR_CPU: v = sm->up ? sm->cpu : NAN; break;
			case AR_MEM: v = sm->up ? sm->mem : NAN; break;
			default: v = NAN; break;
			}
			if (!isnan(v))
				out[i] = st->kind == SIM_STAT_COUNT ? 1 : tidy(v);
		}
		goto done;
	}

	for (i = 0; i < n; i++) {
		acc_reset(&a);
		m0 = (int64_t)floor((start + (double)i * period) / 60.0);
		m1 = m0 + period / 60;
		for (mi = m0; mi < m1 && mi <= mlast; mi++) {
			for (k = 0; k < SIM_NSVC; k++) {
				if (!e.have[k])
					continue;
				if (cached[k] != NULL)
					e.cur[k] = &cached[k][mi - cm0];
				else {
					svc_minute(&e.svc[k], mi, &e.min[k]);
					e.cur[k] = &e.min[k];
				}
			}
			if (m->ns == SIM_NS_APPRUNNER) {
				const struct svc_min *s = e.cur[m->svc];

				if (!s->exists)
					continue;
				switch (m->id) {
				case AR_REQ: v = s->req; break;
				case AR_2XX: v = s->r2; break;
				case AR_4XX: v = s->r4; break;
				case AR_5XX: v = s->r5; break;
				case AR_INST: v = s->up ? s->inst : 0; break;
				case AR_CONC: v = s->conc; break;
				case AR_CPU: v = s->up ? s->cpu : NAN; break;
				case AR_MEM: v = s->up ? s->mem : NAN; break;
				case AR_LAT:
					if (s->up && s->req > 0)
						acc_dist(&a, st, z, s->p50,
						    s->sigma, s->req, 1.0);
					continue;
				default: v = NAN; break;
				}
			} else {
				/* Shared resources exist as long as the api. */
				if (!e.cur[1]->exists)
					continue;
				switch (m->ns) {
				case SIM_NS_RDS:
					v = rds_value(&e, m->id, mi);
					break;
				case SIM_NS_REDIS:
					v = redis_value(&e, m->id, mi);
					break;
				case SIM_NS_CLOUDFRONT:
					v = cf_value(&e, m->id, mi);
					break;
				case SIM_NS_ALB:
					if (m->id == ALB_TRT) {
						if (e.cur[1]->up &&
						    e.cur[1]->req > 0)
							acc_dist(&a, st, z,
							    e.cur[1]->p50,
							    e.cur[1]->sigma,
							    e.cur[1]->req,
							    0.001);
						continue;
					}
					v = alb_value(&e, m->id, mi);
					break;
				default:
					v = NAN;
					break;
				}
			}
			if (!isnan(v))
				acc_value(&a, v, keep);
		}
		out[i] = tidy(acc_result(&a, st, dist));
	}
done:
	free(a.vals);
	for (k = 0; k < SIM_NSVC; k++) {
		if (e.have[k])
			svc_ctx_free(&e.svc[k]);
	}
}

void
sim_metrics_service_samples(struct sim_world *w, int env, int svc,
    int64_t minute0, size_t n, struct sim_svc_sample *out)
{
	struct svc_ctx c;
	struct svc_min m;
	size_t i;

	svc_ctx_init(w, env, svc, (double)minute0 * 60.0,
	    (double)(minute0 + (int64_t)n) * 60.0, &c);
	c.need = NEED_STATUS;
	for (i = 0; i < n; i++) {
		svc_minute(&c, minute0 + (int64_t)i, &m);
		out[i].exists = m.exists;
		out[i].up = m.up;
		out[i].rps = m.req / 60.0;
		out[i].err_share = m.req > 0 ? m.r5 / m.req : 0;
		out[i].p50 = m.p50;
		out[i].sigma = m.sigma;
		out[i].instances = m.up ? m.inst : 0;
		out[i].badness = m.badness;
	}
	svc_ctx_free(&c);
}
