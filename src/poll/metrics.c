/* The metrics plan: GetMetricData queries per environment and their answers. */
#include "poll/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/util.h"

static const struct {
	enum metric_kind kind;
	const char *metric;
	const char *stat;
} svc_metrics[] = {
	{ MET_REQUESTS, "Requests", "Sum" },
	{ MET_4XX_PCT, "4xxStatusResponses", "Sum" },
	{ MET_5XX_PCT, "5xxStatusResponses", "Sum" },
	{ MET_LAT_P50, "RequestLatency", "p50" },
	{ MET_LAT_P99, "RequestLatency", "p99" },
	{ MET_CPU, "CPUUtilization", "Average" },
	{ MET_MEM, "MemoryUtilization", "Average" },
	{ MET_INSTANCES, "ActiveInstances", "Maximum" },
	{ MET_CONCURRENCY, "Concurrency", "Average" },
};

struct infra_metric {
	const char *metric;
	const char *stat;
	const char *label;
	const char *unit;
	double mul;
	bool per_sec;		/* Sum over the period -> per second */
};

static const struct infra_def {
	enum infra_kind kind;
	const char *ns;
	const char *dim;
	struct infra_metric m[4];
} infra_defs[INFRA_COUNT] = {
	{ INFRA_RDS, "AWS/RDS", "DBInstanceIdentifier", {
		{ "CPUUtilization", "Average", "cpu", "%", 1, false },
		{ "DatabaseConnections", "Average", "conn", "", 1, false },
		{ "FreeStorageSpace", "Minimum", "free", "GB", 1e-9, false },
		{ "ReadLatency", "Average", "read", "ms", 1000, false } } },
	{ INFRA_REDIS, "AWS/ElastiCache", "CacheClusterId", {
		{ "CPUUtilization", "Average", "cpu", "%", 1, false },
		{ "DatabaseMemoryUsagePercentage", "Average", "mem", "%", 1, false },
		{ "CurrConnections", "Average", "conn", "", 1, false },
		{ "CacheHitRate", "Average", "hit", "%", 1, false } } },
	{ INFRA_CLOUDFRONT, "AWS/CloudFront", "DistributionId", {
		{ "Requests", "Sum", "req/s", "", 1, true },
		{ "4xxErrorRate", "Average", "4xx", "%", 1, false },
		{ "5xxErrorRate", "Average", "5xx", "%", 1, false },
		{ "BytesDownloaded", "Sum", "out", "MB/s", 1e-6, true } } },
	{ INFRA_ALB, "AWS/ApplicationELB", "LoadBalancer", {
		{ "RequestCount", "Sum", "req/s", "", 1, true },
		{ "TargetResponseTime", "Average", "resp", "ms", 1000, false },
		{ "HTTPCode_Target_5XX_Count", "Sum", "5xx", "", 1, false },
		{ "HTTPCode_ELB_5XX_Count", "Sum", "elb5xx", "", 1, false } } },
};

static const char *
own(struct metrics_plan *p, const char *s)
{
	p->owned = xreallocarray(p->owned, p->nowned + 1, sizeof *p->owned);
	p->owned[p->nowned] = xstrdup(s);
	return p->owned[p->nowned++];
}

static struct cw_query *
add_query(struct metrics_plan *p, int svc, int kind, int infra)
{
	struct cw_query *q;

	if (p->nq >= CW_MAX_QUERIES)
		return NULL;
	p->q = xreallocarray(p->q, p->nq + 1, sizeof *p->q);
	p->slots = xreallocarray(p->slots, p->nq + 1, sizeof *p->slots);
	q = &p->q[p->nq];
	memset(q, 0, sizeof *q);
	q->period = p->period;
	if (svc >= 0)
		snprintf(q->id, sizeof q->id, "s%d_%d", svc, kind);
	else
		snprintf(q->id, sizeof q->id, "i%d_%d", infra, kind);
	p->slots[p->nq] = (struct metrics_plan_slot){ svc, kind, infra };
	p->nq++;
	return q;
}

static const char *
infra_id(const struct config_env *e, enum infra_kind k)
{
	switch (k) {
	case INFRA_RDS:
		return e->rds_id;
	case INFRA_REDIS:
		return e->redis_id;
	case INFRA_CLOUDFRONT:
		return e->cloudfront_id;
	case INFRA_ALB:
		return e->alb_name;
	default:
		return NULL;
	}
}

struct metrics_plan *
metrics_plan_new(const struct config_env *e, const struct metrics_ids *ids,
    size_t nids, int64_t start, int64_t end, int period)
{
	struct metrics_plan *p;
	struct cw_query *q;
	const struct infra_def *d;
	struct infra_row *row;
	const char *name, *id, *val;
	size_t i, j;
	int k;

	p = xcalloc(1, sizeof *p);
	p->start = start;
	p->end = end;
	p->period = period > 0 ? period : 60;
	p->nsvcs = nids;
	p->roles = xcalloc(nids ? nids : 1, sizeof *p->roles);
	for (i = 0; i < nids; i++) {
		p->roles[i] = xstrdup(ids[i].role);
		if (ids[i].id == NULL || ids[i].name == NULL)
			continue;
		name = own(p, ids[i].name);
		id = own(p, ids[i].id);
		for (j = 0; j < nitems(svc_metrics); j++) {
			if ((q = add_query(p, (int)i, (int)svc_metrics[j].kind,
			    -1)) == NULL)
				break;
			q->ns = "AWS/AppRunner";
			q->metric = svc_metrics[j].metric;
			q->stat = svc_metrics[j].stat;
			q->ndims = 2;
			q->dim_names[0] = "ServiceName";
			q->dim_values[0] = name;
			q->dim_names[1] = "ServiceID";
			q->dim_values[1] = id;
		}
	}
	for (k = 0; e != NULL && k < INFRA_COUNT; k++) {
		d = &infra_defs[k];
		if ((val = infra_id(e, d->kind)) == NULL)
			continue;
		row = &p->rows[p->nrows];
		row->kind = d->kind;
		row->name = xstrdup(val);
		row->nvals = 4;
		val = own(p, val);
		for (j = 0; j < 4; j++) {
			row->labels[j] = xstrdup(d->m[j].label);
			row->units[j] = xstrdup(d->m[j].unit);
			if ((q = add_query(p, -1, (int)j, (int)p->nrows)) == NULL)
				break;
			q->ns = d->ns;
			q->metric = d->m[j].metric;
			q->stat = d->m[j].stat;
			q->ndims = 1;
			q->dim_names[0] = d->dim;
			q->dim_values[0] = val;
			if (d->kind == INFRA_CLOUDFRONT) {
				/* CloudFront publishes with Region=Global */
				q->ndims = 2;
				q->dim_names[1] = "Region";
				q->dim_values[1] = "Global";
			}
		}
		p->nrows++;
	}
	return p;
}

void
metrics_plan_free(struct metrics_plan *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	free(p->q);
	free(p->slots);
	for (i = 0; i < p->nsvcs; i++)
		free(p->roles[i]);
	free(p->roles);
	for (i = 0; i < p->nrows; i++) {
		free(p->rows[i].name);
		for (j = 0; j < 4; j++) {
			free(p->rows[i].labels[j]);
			free(p->rows[i].units[j]);
		}
	}
	for (i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p);
}

static size_t
npoints(const struct metrics_plan *p)
{
	int64_t n = (p->end - p->start) / p->period;

	if (n < 1)
		n = 1;
	if (n > MODEL_MAX_SERIES)
		n = MODEL_MAX_SERIES;
	return (size_t)n;
}

static void
fill(struct series *s, const struct cw_result *r, double mul)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		if (isfinite(r->v[i]))
			series_set(s, r->ts[i], r->v[i] * mul);
	}
}

/* x as a percentage of requests, point by point. */
static void
to_percent(struct series *x, const struct series *req_sum)
{
	size_t i;

	for (i = 0; i < x->n && i < req_sum->n; i++) {
		if (isnan(x->v[i]))
			continue;
		if (isnan(req_sum->v[i]) || req_sum->v[i] <= 0)
			x->v[i] = x->v[i] > 0 ? 100.0 : 0.0;
		else
			x->v[i] = 100.0 * x->v[i] / req_sum->v[i];
	}
}

struct metrics_data *
metrics_plan_apply(const struct metrics_plan *p, const struct cw_result *r,
    size_t nr)
{
	struct metrics_data *md;
	struct service_metrics *sm;
	struct infra_row *row;
	const struct infra_def *d;
	const struct cw_result *res;
	struct series req_sum, vals[4];
	size_t i, j, n = npoints(p);
	int k;

	md = xcalloc(1, sizeof *md);
	md->range_start = p->start;
	md->range_end = p->end;
	md->period = p->period;
	md->nsvcs = p->nsvcs;
	md->svcs = xcalloc(p->nsvcs ? p->nsvcs : 1, sizeof *md->svcs);
	for (i = 0; i < p->nsvcs; i++) {
		sm = &md->svcs[i];
		sm->role = xstrdup(p->roles[i]);
		for (k = 0; k < MET_COUNT; k++)
			series_init(&sm->s[k], p->start, p->period, n);
		series_init(&req_sum, p->start, p->period, n);
		for (j = 0; j < p->nq; j++) {
			if (p->slots[j].svc != (int)i)
				continue;
			res = cw_result_find(r, nr, p->q[j].id);
			fill(&sm->s[p->slots[j].kind], res, 1);
			if (p->slots[j].kind == MET_REQUESTS)
				fill(&req_sum, res, 1);
		}
		to_percent(&sm->s[MET_4XX_PCT], &req_sum);
		to_percent(&sm->s[MET_5XX_PCT], &req_sum);
		for (j = 0; j < n; j++) {
			if (!isnan(sm->s[MET_REQUESTS].v[j]))
				sm->s[MET_REQUESTS].v[j] /= p->period;
		}
		series_free(&req_sum);
		for (k = 0; k < MET_COUNT; k++)
			sm->last[k] = series_last(&sm->s[k]);
	}
	md->ninfra = p->nrows;
	for (i = 0; i < p->nrows; i++) {
		row = &md->infra[i];
		row->kind = p->rows[i].kind;
		row->name = xstrdup(p->rows[i].name);
		row->nvals = p->rows[i].nvals;
		d = &infra_defs[row->kind];
		for (k = 0; k < 4; k++) {
			row->labels[k] = xstrdup(p->rows[i].labels[k]);
			row->units[k] = xstrdup(p->rows[i].units[k]);
			series_init(&vals[k], p->start, p->period, n);
		}
		for (j = 0; j < p->nq; j++) {
			if (p->slots[j].infra != (int)i)
				continue;
			k = p->slots[j].kind;
			fill(&vals[k], cw_result_find(r, nr, p->q[j].id),
			    d->m[k].mul / (d->m[k].per_sec ? p->period : 1));
		}
		for (k = 0; k < 4; k++) {
			row->vals[k] = series_last(&vals[k]);
			if (k == 0)
				row->trend = vals[0];	/* moved */
			else
				series_free(&vals[k]);
		}
	}
	return md;
}
