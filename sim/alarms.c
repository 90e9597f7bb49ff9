/* The team's CloudWatch alarms for the seed deployment, evaluated on demand. */

/*
 * Per environment <env> and App Runner service <svc> (frontend, api,
 * worker), named momentum-<env>-<svc>-...:
 *   -5xx-rate     100*5xx/Requests (metric math, Sum, 60 s) > 5 %,
 *                 2 of 3 periods, missing = notBreaching
 *   -p99-latency  RequestLatency p99 (60 s) > 500/1000/2500 ms, 2 of 3
 *   -cpu-high     CPUUtilization Average (300 s) > 80 %, 3 of 3
 *   -memory-high  MemoryUtilization Average (300 s) > 85 %, 2 of 3
 * and per environment:
 *   momentum-<env>-rds-connections      DatabaseConnections Maximum >
 *                                       80% of the class's max_connections
 *   momentum-<env>-rds-free-storage-low FreeStorageSpace Minimum < 2 GiB
 *   momentum-<env>-redis-memory         DatabaseMemoryUsagePercentage > 80
 *   momentum-<env>-redis-evictions      Evictions Sum (300 s) > 100
 *   momentum-<env>-monthly-cost         Momentum/Cost MonthToDateCost
 *                                       Maximum (6 h) > budget_high
 * There is no stored state: an alarm is evaluated at every period
 * boundary of a window scanned back from now, from the metric
 * functions, so its state and history are the same whoever asks.
 */
#include "sim/alarms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "sim/metricmath.h"
#include "util/util.h"

const char *
sim_alarm_state_name(enum sim_alarm_state s)
{
	switch (s) {
	case SIM_ALARM_OK: return "OK";
	case SIM_ALARM_ALARM: return "ALARM";
	case SIM_ALARM_INSUFFICIENT: return "INSUFFICIENT_DATA";
	}
	return "INSUFFICIENT_DATA";
}

const char *
sim_alarm_cmp_name(enum sim_cmp c)
{
	switch (c) {
	case SIM_CMP_GT: return "GreaterThanThreshold";
	case SIM_CMP_GE: return "GreaterThanOrEqualToThreshold";
	case SIM_CMP_LT: return "LessThanThreshold";
	case SIM_CMP_LE: return "LessThanOrEqualToThreshold";
	}
	return "GreaterThanThreshold";
}

static const char *
cmp_words(enum sim_cmp c)
{
	switch (c) {
	case SIM_CMP_GT: return "greater than";
	case SIM_CMP_GE: return "greater than or equal to";
	case SIM_CMP_LT: return "less than";
	case SIM_CMP_LE: return "less than or equal to";
	}
	return "greater than";
}

const char *
sim_alarm_missing_name(enum sim_missing m)
{
	switch (m) {
	case SIM_MISSING_MISSING: return "missing";
	case SIM_MISSING_NOT_BREACHING: return "notBreaching";
	case SIM_MISSING_BREACHING: return "breaching";
	case SIM_MISSING_IGNORE: return "ignore";
	}
	return "missing";
}

static struct sim_alarm *
add(struct sim_world *w, struct sim_alarm **arr, size_t *n, int env,
    const char *suffix)
{
	struct sim_alarm *a;

	*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
	a = &(*arr)[(*n)++];
	memset(a, 0, sizeof *a);
	a->env = env;
	a->svc = -1;
	snprintf(a->name, sizeof a->name, "momentum-%s-%s",
	    w->envs[env].name, suffix);
	snprintf(a->arn, sizeof a->arn, "arn:aws:cloudwatch:%s:%s:alarm:%s",
	    w->region, w->account, a->name);
	snprintf(a->action, sizeof a->action, "arn:aws:sns:%s:%s:momentum-%s-"
	    "alerts", w->region, w->account, w->envs[env].name);
	/* Defined a month before the simulation started, on a day boundary. */
	a->created_at = floor(w->t0 / 86400.0) * 86400.0 - 30 * 86400.0 +
	    9 * 3600.0;
	a->missing = SIM_MISSING_MISSING;
	a->datapoints_to_alarm = a->evaluation_periods = 1;
	return a;
}

static void
dim(struct sim_alarm *a, const char *name, const char *value)
{
	snprintf(a->dims[a->ndims].name, sizeof a->dims[0].name, "%s", name);
	snprintf(a->dims[a->ndims].value, sizeof a->dims[0].value, "%s", value);
	a->ndims++;
}

static void
metric(struct sim_alarm *a, const char *ns, const char *name,
    const char *stat, int period, int eval, int dtoa, enum sim_cmp cmp,
    double threshold)
{
	snprintf(a->ns, sizeof a->ns, "%s", ns);
	snprintf(a->metric, sizeof a->metric, "%s", name);
	snprintf(a->stat, sizeof a->stat, "%s", stat);
	a->period = period;
	a->evaluation_periods = eval;
	a->datapoints_to_alarm = dtoa;
	a->cmp = cmp;
	a->threshold = threshold;
}

size_t
sim_alarms_list(struct sim_world *w, struct sim_alarm **out)
{
	static const double p99_ms[] = { 500, 1000, 2500 };
	struct sim_alarm *arr = NULL, *a;
	size_t n = 0;
	int e, s, maxconn;
	char suffix[64], name[64], id[40];

	for (e = 0; e < SIM_NENV; e++) {
		const struct sim_env *env = &w->envs[e];

		for (s = 0; s < SIM_NSVC; s++) {
			const char *role;
			int ri;

			role = env->svcs[s].role;
			snprintf(name, sizeof name, "%s", env->svcs[s].name);
			snprintf(id, sizeof id, "%s", env->svcs[s].id);
			ri = strcmp(role, "frontend") == 0 ? 0 :
			    strcmp(role, "worker") == 0 ? 2 : 1;

			snprintf(suffix, sizeof suffix, "%s-5xx-rate", role);
			a = add(w, &arr, &n, e, suffix);
			a->svc = s;
			metric(a, "AWS/AppRunner", "", "Sum", 60, 3, 2,
			    SIM_CMP_GT, 5);
			a->math = true;
			snprintf(a->math_expr, sizeof a->math_expr,
			    "100 * m1 / m2");
			snprintf(a->math_m1, sizeof a->math_m1,
			    "5xxStatusResponses");
			snprintf(a->math_m2, sizeof a->math_m2, "Requests");
			a->missing = SIM_MISSING_NOT_BREACHING;
			dim(a, "ServiceName", name);
			dim(a, "ServiceID", id);
			snprintf(a->description, sizeof a->description,
			    "5xx responses above 5%% of requests on %s", name);

			snprintf(suffix, sizeof suffix, "%s-p99-latency", role);
			a = add(w, &arr, &n, e, suffix);
			a->svc = s;
			metric(a, "AWS/AppRunner", "RequestLatency", "p99", 60,
			    3, 2, SIM_CMP_GT, p99_ms[ri]);
			a->unit = "Milliseconds";
			a->missing = SIM_MISSING_NOT_BREACHING;
			dim(a, "ServiceName", name);
			dim(a, "ServiceID", id);
			snprintf(a->description, sizeof a->description,
			    "p99 request latency of %s above %.0f ms", name,
			    p99_ms[ri]);

			snprintf(suffix, sizeof suffix, "%s-cpu-high", role);
			a = add(w, &arr, &n, e, suffix);
			a->svc = s;
			metric(a, "AWS/AppRunner", "CPUUtilization", "Average",
			    300, 3, 3, SIM_CMP_GT, 80);
			dim(a, "ServiceName", name);
			dim(a, "ServiceID", id);
			snprintf(a->description, sizeof a->description,
			    "CPU of %s above 80%% for 15 minutes", name);

			snprintf(suffix, sizeof suffix, "%s-memory-high", role);
			a = add(w, &arr, &n, e, suffix);
			a->svc = s;
			metric(a, "AWS/AppRunner", "MemoryUtilization",
			    "Average", 300, 3, 2, SIM_CMP_GT, 85);
			dim(a, "ServiceName", name);
			dim(a, "ServiceID", id);
			snprintf(a->description, sizeof a->description,
			    "Memory of %s above 85%%", name);
		}

		maxconn = env->rds_class != NULL &&
		    strstr(env->rds_class, "small") != NULL ? 198 : 87;
		a = add(w, &arr, &n, e, "rds-connections");
		metric(a, "AWS/RDS", "DatabaseConnections", "Maximum", 300, 2,
		    2, SIM_CMP_GT, floor(maxconn * 0.8));
		snprintf(name, sizeof name, "momentum-%s-db", env->name);
		dim(a, "DBInstanceIdentifier", name);
		snprintf(a->description, sizeof a->description,
		    "%s connections above 80%% of max_connections (%d)", name,
		    maxconn);

		a = add(w, &arr, &n, e, "rds-free-storage-low");
		metric(a, "AWS/RDS", "FreeStorageSpace", "Minimum", 300, 1, 1,
		    SIM_CMP_LT, 2147483648.0);
		dim(a, "DBInstanceIdentifier", name);
		snprintf(a->description, sizeof a->description,
		    "%s free storage below 2 GiB", name);

		snprintf(name, sizeof name, "momentum-%s-redis", env->name);
		a = add(w, &arr, &n, e, "redis-memory");
		metric(a, "AWS/ElastiCache", "DatabaseMemoryUsagePercentage",
		    "Average", 300, 2, 2, SIM_CMP_GT, 80);
		dim(a, "CacheClusterId", name);
		snprintf(a->description, sizeof a->description,
		    "%s memory usage above 80%%", name);

		a = add(w, &arr, &n, e, "redis-evictions");
		metric(a, "AWS/ElastiCache", "Evictions", "Sum", 300, 2, 2,
		    SIM_CMP_GT, 100);
		dim(a, "CacheClusterId", name);
		snprintf(a->description, sizeof a->description,
		    "%s evicting keys", name);

		a = add(w, &arr, &n, e, "monthly-cost");
		metric(a, "Momentum/Cost", "MonthToDateCost", "Maximum", 21600,
		    1, 1, SIM_CMP_GT, env->budget_high > 0 ?
		    env->budget_high : 300);
		dim(a, "Environment", env->name);
		snprintf(a->description, sizeof a->description,
		    "Month-to-date cost of %s above the budget ($%.0f)",
		    env->name, a->threshold);
	}
	*out = arr;
	return n;
}

struct lookup {
	const double *m1, *m2;
};

static const double *
math_lookup(void *arg, const char *id)
{
	struct lookup *l = arg;

	if (strcmp(id, "m1") == 0)
		return l->m1;
	if (strcmp(id, "m2") == 0)
		return l->m2;
	return NULL;
}

/* The alarm's datapoints for n periods from start; false if unknown. */
static bool
alarm_series(struct sim_world *w, const struct sim_alarm *a, double start,
    size_t n, double now, double *out)
{
	struct sim_dim dims[2];
	struct sim_metric m1, m2;
	struct sim_stat st;
	struct lookup l;
	struct mm_expr *e;
	double *v1, *v2;
	char *cause = NULL;
	size_t i;
	int rc;

	for (i = 0; i < a->ndims; i++) {
		dims[i].name = a->dims[i].name;
		dims[i].value = a->dims[i].value;
	}
	if (sim_stat_parse(a->stat, &st) < 0)
		return false;
	if (!a->math) {
		if (sim_metric_lookup(w, a->ns, a->metric, dims, a->ndims,
		    NULL, &m1) < 0)
			return false;
		sim_metric_series(w, &m1, &st, start, a->period, n, now, out);
		return true;
	}
	if (sim_metric_lookup(w, a->ns, a->math_m1, dims, a->ndims, NULL,
	    &m1) < 0 || sim_metric_lookup(w, a->ns, a->math_m2, dims,
	    a->ndims, NULL, &m2) < 0)
		return false;
	v1 = xreallocarray(NULL, n, sizeof *v1);
	v2 = xreallocarray(NULL, n, sizeof *v2);
	sim_metric_series(w, &m1, &st, start, a->period, n, now, v1);
	sim_metric_series(w, &m2, &st, start, a->period, n, now, v2);
	l.m1 = v1;
	l.m2 = v2;
	e = mm_parse(a->math_expr, &cause);
	rc = e != NULL ? mm_eval(e, n, math_lookup, &l, out, &cause) : -1;
	mm_free(e);
	free(cause);
	free(v1);
	free(v2);
	return rc == 0;
}

static bool
breaches(const struct sim_alarm *a, double v)
{
	switch (a->cmp) {
	case SIM_CMP_GT: return v > a->threshold;
	case SIM_CMP_GE: return v >= a->threshold;
	case SIM_CMP_LT: return v < a->threshold;
	case SIM_CMP_LE: return v <= a->threshold;
	}
	return false;
}

static void
fmt_short_time(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%02d/%02d/%02d %02d:%02d:%02d", tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_year % 100, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
fmt_iso(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S.000+0000", &tm);
}

/* Human and JSON reasons for the evaluation ending at T (window vals). */
static void
make_reason(const struct sim_alarm *a, const double *vals, double first_ts,
    double T, enum sim_alarm_state state, int breach, char **reason,
    char **data)
{
	struct buf b = { 0 };
	cJSON *o, *arr, *dp;
	char ts[40];
	int k, shown = 0, present = 0;

	for (k = a->evaluation_periods - 1; k >= 0; k--) {
		if (isnan(vals[k]))
			continue;
		present++;
		if (state == SIM_ALARM_ALARM && !breaches(a, vals[k]))
			continue;
		fmt_short_time(first_ts + k * a->period, ts, sizeof ts);
		buf_printf(&b, "%s%g (%s)", shown++ ? ", " : "", vals[k], ts);
	}
	if (state == SIM_ALARM_INSUFFICIENT)
		*reason = xasprintf("Insufficient Data: %d datapoint%s "
		    "unknown.", a->evaluation_periods,
		    a->evaluation_periods == 1 ? " was" : "s were");
	else if (state == SIM_ALARM_ALARM)
		*reason = xasprintf("Threshold Crossed: %d out of the last %d "
		    "datapoints [%s] were %s the threshold (%g) (minimum %d "
		    "datapoint%s for OK -> ALARM transition).", breach,
		    a->evaluation_periods, b.data ? b.data : "",
		    cmp_words(a->cmp), a->threshold, a->datapoints_to_alarm,
		    a->datapoints_to_alarm == 1 ? "" : "s");
	else
		*reason = xasprintf("Threshold Crossed: %d datapoint%s [%s] "
		    "%s not %s the threshold (%g).", present,
		    present == 1 ? "" : "s", b.data ? b.data : "",
		    present == 1 ? "was" : "were", cmp_words(a->cmp),
		    a->threshold);
	buf_free(&b);

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "version", "1.0");
	fmt_iso(T, ts, sizeof ts);
	cJSON_AddStringToObject(o, "queryDate", ts);
	fmt_iso(first_ts, ts, sizeof ts);
	cJSON_AddStringToObject(o, "startDate", ts);
	if (!a->math)
		cJSON_AddStringToObject(o, a->stat[0] == 'p' ?
		    "extendedStatistic" : "statistic", a->stat);
	if (a->unit != NULL)
		cJSON_AddStringToObject(o, "unit", a->unit);
	cJSON_AddNumberToObject(o, "period", a->period);
	arr = cJSON_AddArrayToObject(o, "recentDatapoints");
	for (k = 0; k < a->evaluation_periods; k++) {
		if (!isnan(vals[k]))
			cJSON_AddItemToArray(arr, cJSON_CreateNumber(vals[k]));
	}
	cJSON_AddNumberToObject(o, "threshold", a->threshold);
	arr = cJSON_AddArrayToObject(o, "evaluatedDatapoints");
	for (k = a->evaluation_periods - 1; k >= 0; k--) {
		dp = cJSON_CreateObject();
		fmt_iso(first_ts + k * a->period, ts, sizeof ts);
		cJSON_AddStringToObject(dp, "timestamp", ts);
		if (!isnan(vals[k]))
			cJSON_AddNumberToObject(dp, "value", vals[k]);
		cJSON_AddItemToArray(arr, dp);
	}
	*data = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
}

void
sim_alarm_evaluate(struct sim_world *w, const struct sim_alarm *a,
    double now, double window, struct sim_alarm_status *st)
{
	double P = a->period, end, ws, sstart, T;
	int N = a->evaluation_periods, M = a->datapoints_to_alarm;
	size_t E, L, e, cap = 0;
	double *vals;
	enum sim_alarm_state prev = SIM_ALARM_INSUFFICIENT, s;
	int k, breach, present, last_breach = 0;
	bool known, first = true;

	memset(st, 0, sizeof *st);
	end = floor(now / P) * P;
	ws = floor((now - window) / P) * P;
	if (ws > end)
		ws = end;
	E = (size_t)((end - ws) / P) + 1;
	L = E - 1 + (size_t)N;
	sstart = ws - N * P;
	vals = xreallocarray(NULL, L, sizeof *vals);
	known = alarm_series(w, a, sstart, L, now, vals);
	if (!known)
		for (e = 0; e < L; e++)
			vals[e] = NAN;
	st->updated = ws;
	for (e = 0; e < E; e++) {
		const double *win = vals + e;

		T = ws + (double)e * P;
		breach = present = 0;
		for (k = 0; k < N; k++) {
			double v = win[k];

			if (isnan(v)) {
				if (a->missing == SIM_MISSING_NOT_BREACHING)
					present++;
				else if (a->missing == SIM_MISSING_BREACHING) {
					present++;
					breach++;
				}
				continue;
			}
			present++;
			if (breaches(a, v))
				breach++;
		}
		if (breach >= M)
			s = SIM_ALARM_ALARM;
		else if (present == 0)
			s = a->missing == SIM_MISSING_IGNORE && !first ? prev :
			    SIM_ALARM_INSUFFICIENT;
		else
			s = SIM_ALARM_OK;
		if (!first && s != prev) {
			struct sim_alarm_change *c;

			if (st->nchanges == cap) {
				cap = cap ? cap * 2 : 8;
				st->changes = xreallocarray(st->changes, cap,
				    sizeof *st->changes);
			}
			c = &st->changes[st->nchanges++];
			c->t = T;
			c->from = prev;
			c->to = s;
			make_reason(a, win, T - N * P, T, s, breach, &c->reason,
			    &c->reason_data);
			st->updated = T;
		}
		first = false;
		prev = s;
		last_breach = breach;
	}
	st->state = prev;
	make_reason(a, vals + (E - 1), end - N * P, end, prev, last_breach,
	    &st->reason, &st->reason_data);
	free(vals);
}

void
sim_alarm_status_free(struct sim_alarm_status *st)
{
	size_t i;

	for (i = 0; i < st->nchanges; i++) {
		free(st->changes[i].reason);
		cJSON_free(st->changes[i].reason_data);
	}
	free(st->changes);
	free(st->reason);
	cJSON_free(st->reason_data);
	memset(st, 0, sizeof *st);
}
