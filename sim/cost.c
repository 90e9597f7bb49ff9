/* Cost Explorer for momentum-sim: GetCostAndUsage and GetCostForecast. */

/*
 * Costs accrue per (environment, billed item, UTC day).  Each env's
 * monthly target is 0.93 x the middle of its budget range (sim/world.h:
 * budget_low..budget_high, which follow the seed: dev $50-100, prod
 * $200-300, staging in between); items take fixed shares of it, with
 * +-6% daily noise.  The prod api's App Runner line follows its average
 * ActiveInstances over the day (sampled hourly), so scaling up costs more.
 * Today's line is partial (Estimated) and grows with the clock.
 */
#include "sim/cost.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/api.h"
#include "sim/metrics.h"
#include "util/util.h"

const struct sim_cost_item sim_cost_items[] = {
	{ "AWS App Runner", "frontend", 0, 0.12, 24 },
	{ "AWS App Runner", "api", 1, 0.24, 72 },
	{ "AWS App Runner", "worker", 2, 0.08, 24 },
	{ "Amazon Relational Database Service", "database", -1, 0.21, 48 },
	{ "Amazon ElastiCache", "cache", -1, 0.14, 24 },
	{ "Elastic Load Balancing", "api", -1, 0.09, 24 },
	{ "Amazon CloudFront", "frontend", -1, 0.05, 2.5 },
	{ "AmazonCloudWatch", "", -1, 0.04, 30 },
	{ "Amazon EC2 Container Registry (ECR)", "", -1, 0.01, 1.2 },
	{ "Amazon Simple Storage Service", "", -1, 0.02, 12 },
};
const size_t sim_cost_nitems = nitems(sim_cost_items);

#define DAY 86400.0

static double
env_target(struct sim_world *w, int env)
{
	const struct sim_env *e = &w->envs[env];
	double lo = e->budget_low, hi = e->budget_high;

	if (!(hi > 0)) {
		static const double def[SIM_NENV][2] = { { 50, 100 },
		    { 100, 180 }, { 200, 300 } };
		lo = def[env][0];
		hi = def[env][1];
	}
	return 0.93 * (lo + hi) / 2.0;
}

/* Prod api: average instances over the day relative to its minimum. */
static double
instance_factor(struct sim_world *w, int env, int svc, int64_t day)
{
	struct sim_metric m = { SIM_NS_APPRUNNER, 5, env, svc };	/* ActiveInstances */
	struct sim_stat st = { SIM_STAT_AVG, 0 };
	double v[24], sum = 0;
	int i, k = 0;

	sim_metric_series(w, &m, &st, (double)day * DAY, 3600, 24,
	    (double)day * DAY + DAY, v);
	for (i = 0; i < 24; i++) {
		if (!isnan(v[i])) {
			sum += v[i];
			k++;
		}
	}
	if (k == 0)
		return 1.0;
	/* A typical day averages about 3 instances (seed minimum 2). */
	return 0.75 + 0.25 * (sum / k) / 3.0;
}

double
sim_cost_day(struct sim_world *w, int env, size_t item, int64_t day)
{
	const struct sim_cost_item *it = &sim_cost_items[item];
	double c, n;
	char key[64];

	snprintf(key, sizeof key, "cost/%d/%zu", env, item);
	n = sim_noise(w->seed, sim_hash(key), day) * 2 - 1;
	c = env_target(w, env) * it->share / 30.4 * (1.0 + 0.06 * n);
	if (it->role == 1 && env == SIM_NENV - 1)
		c *= instance_factor(w, env, 1, day);
	return c;
}

/* All items of env (or every env when -1) over one day. */
static double
day_total(struct sim_world *w, int env, int64_t day)
{
	double sum = 0;
	size_t i;
	int e;

	for (e = 0; e < SIM_NENV; e++) {
		if (env >= 0 && e != env)
			continue;
		for (i = 0; i < sim_cost_nitems; i++)
			sum += sim_cost_day(w, e, i, day);
	}
	return sum;
}

/* First day (days since epoch) of the month holding `day`. */
static int64_t
month_first(int64_t day)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	return day - (tm.tm_mday - 1);
}

void
sim_cost_mtd_series(struct sim_world *w, int env, const double *times,
    size_t n, double *out)
{
	int64_t cache_day[64];
	double cache_val[64];
	size_t ncache = 0, i, c;
	int64_t day, d;
	double sum, v;

	for (i = 0; i < n; i++) {
		day = (int64_t)floor(times[i] / DAY);
		sum = 0;
		for (d = month_first(day); d <= day; d++) {
			for (c = 0; c < ncache; c++) {
				if (cache_day[c] == d)
					break;
			}
			if (c == ncache) {
				v = day_total(w, env, d);
				if (ncache < nitems(cache_day)) {
					cache_day[ncache] = d;
					cache_val[ncache++] = v;
				}
			} else
				v = cache_val[c];
			if (d == day)
				v *= (times[i] - (double)day * DAY) / DAY;
			sum += v;
		}
		out[i] = sum;
	}
}

/* ---- Cost Explorer operations ------------------------------------------ */

/* Parse "YYYY-MM-DD" into days since epoch. */
static int
parse_date(const char *s, int64_t *day)
{
	struct tm tm;
	int y, mo, d;
	char tail;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
	    strlen(s) != 10)
		return -1;
	if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	*day = (int64_t)timegm(&tm) / 86400;
	/* Reject 2026-02-30 and friends: timegm normalizes them. */
	{
		time_t t = (time_t)(*day * 86400);
		struct tm chk;

		gmtime_r(&t, &chk);
		if (chk.tm_mday != d || chk.tm_mon != mo - 1)
			return -1;
	}
	return 0;
}

static void
format_date(int64_t day, char *out, size_t len)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* Next month's first day after `day`'s month. */
static int64_t
month_next(int64_t day)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	tm.tm_mday = 1;
	tm.tm_mon += 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (int64_t)timegm(&tm) / 86400;
}

/* What a cost line is, for filters and groups. */
struct line {
	int env;
	size_t item;
};

static const char *
line_dim(struct sim_world *w, const struct line *l, const char *type,
    const char *key)
{
	if (strcmp(type, "DIMENSION") == 0) {
		if (strcmp(key, "SERVICE") == 0)
			return sim_cost_items[l->item].service;
		if (strcmp(key, "REGION") == 0)
			return strcmp(sim_cost_items[l->item].service,
			    "Amazon CloudFront") == 0 ? "global" : w->region;
		if (strcmp(key, "LINKED_ACCOUNT") == 0)
			return w->account;
		return NULL;
	}
	if (strcmp(key, "Environment") == 0)
		return w->envs[l->env].name;
	if (strcmp(key, "Service") == 0)
		return sim_cost_items[l->item].tag_service;
	if (strcmp(key, "Project") == 0)
		return "momentum";
	return "";
}

/* Evaluate a CE Expression on a line; -1 on a malformed expression. */
static int
expr_match(struct sim_world *w, const cJSON *x, const struct line *l,
    char **cause)
{
	const cJSON *sub, *vals, *v;
	const char *key, *have;
	int r, n = 0;

	if (!cJSON_IsObject(x)) {
		*cause = xstrdup("Expression must be an object");
		return -1;
	}
	for (sub = x->child; sub != NULL; sub = sub->next)
		n++;
	if (n != 1) {
		*cause = xstrdup("Expression must have exactly one of And, "
		    "Or, Not, Dimensions, Tags, CostCategories");
		return -1;
	}
	if ((sub = cJSON_GetObjectItemCaseSensitive(x, "And")) != NULL ||
	    (sub = cJSON_GetObjectItemCaseSensitive(x, "Or")) != NULL) {
		bool and = strcmp(sub->string, "And") == 0;

		if (!cJSON_IsArray(sub) || cJSON_GetArraySize(sub) < 2) {
			*cause = xasprintf("%s needs at least two expressions",
			    sub->string);
			return -1;
		}
		cJSON_ArrayForEach(v, sub) {
			r = expr_match(w, v, l, cause);
			if (r < 0)
				return -1;
			if (and && !r)
				return 0;
			if (!and && r)
				return 1;
		}
		return and ? 1 : 0;
	}
	if ((sub = cJSON_GetObjectItemCaseSensitive(x, "Not")) != NULL) {
		r = expr_match(w, sub, l, cause);
		return r < 0 ? -1 : !r;
	}
	if ((sub = cJSON_GetObjectItemCaseSensitive(x, "Dimensions")) != NULL ||
	    (sub = cJSON_GetObjectItemCaseSensitive(x, "Tags")) != NULL) {
		bool dim = strcmp(sub->string, "Dimensions") == 0;

		key = sim_json_str(sub, "Key");
		vals = cJSON_GetObjectItemCaseSensitive(sub, "Values");
		if (key == NULL || !cJSON_IsArray(vals)) {
			*cause = xasprintf("%s needs Key and Values",
			    sub->string);
			return -1;
		}
		have = line_dim(w, l, dim ? "DIMENSION" : "TAG", key);
		if (have == NULL) {
			*cause = xasprintf("Dimension %s is not allowed. "
			    "Allowed dimension(s): SERVICE, REGION, "
			    "LINKED_ACCOUNT", key);
			return -1;
		}
		cJSON_ArrayForEach(v, vals) {
			if (cJSON_IsString(v) && strcmp(v->valuestring,
			    have) == 0)
				return 1;
		}
		return 0;
	}
	*cause = xstrdup("Unsupported filter expression");
	return -1;
}

static const char *metric_names[] = { "UnblendedCost", "AmortizedCost",
	"BlendedCost", "NetUnblendedCost", "NetAmortizedCost", "UsageQuantity",
	"NormalizedUsageAmount" };

struct req {
	int64_t start, end;		/* [start, end) days */
	bool monthly;
	const cJSON *filter;
	const char *metrics[8];
	size_t nmetrics;
	struct {
		bool tag;
		const char *key;
	} groups[2];
	size_t ngroups;
};

static int
parse_period(struct sim_call *call, const cJSON *in, struct sim_reply *out,
    int64_t *start, int64_t *end)
{
	const cJSON *tp = cJSON_GetObjectItemCaseSensitive(in, "TimePeriod");
	const char *s = sim_json_str(tp, "Start"), *e = sim_json_str(tp, "End");

	if (!cJSON_IsObject(tp) || s == NULL || e == NULL)
		return sim_error(out, 400, "ValidationException",
		    "TimePeriod with Start and End is required");
	if (parse_date(s, start) < 0)
		return sim_error(out, 400, "ValidationException",
		    "Start date is invalid: %.40s", s);
	if (parse_date(e, end) < 0)
		return sim_error(out, 400, "ValidationException",
		    "End date is invalid: %.40s", e);
	if (*start >= *end)
		return sim_error(out, 400, "ValidationException",
		    "Start date (%s) must be before the end date (%s)", s, e);
	return 0;
}

static int
parse_granularity(const cJSON *in, struct sim_reply *out, bool *monthly)
{
	const char *g = sim_json_str(in, "Granularity");

	if (g == NULL)
		return sim_error(out, 400, "ValidationException",
		    "Granularity is required");
	if (strcmp(g, "MONTHLY") == 0)
		*monthly = true;
	else if (strcmp(g, "DAILY") == 0)
		*monthly = false;
	else if (strcmp(g, "HOURLY") == 0)
		return sim_error(out, 400, "ValidationException",
		    "Hourly granularity is only available with resource-"
		    "level data enabled");
	else
		return sim_error(out, 400, "ValidationException",
		    "Granularity %.20s is not one of DAILY, MONTHLY, HOURLY",
		    g);
	return 0;
}

/* Lines of every env that pass the filter; -1 on a bad filter. */
static int
select_lines(struct sim_world *w, const cJSON *filter, struct line *lines,
    size_t *n, char **cause)
{
	struct line l;
	int r;

	*n = 0;
	for (l.env = 0; l.env < SIM_NENV; l.env++) {
		for (l.item = 0; l.item < sim_cost_nitems; l.item++) {
			r = filter == NULL ? 1 : expr_match(w, filter, &l,
			    cause);
			if (r < 0)
				return -1;
			if (r)
				lines[(*n)++] = l;
		}
	}
	return 0;
}

static cJSON *
money(double amount, const char *metric)
{
	cJSON *o = cJSON_CreateObject();
	char buf[64];

	snprintf(buf, sizeof buf, "%.10f", amount);
	cJSON_AddStringToObject(o, "Amount", buf);
	cJSON_AddStringToObject(o, "Unit",
	    strcmp(metric, "UsageQuantity") == 0 ||
	    strcmp(metric, "NormalizedUsageAmount") == 0 ? "N/A" : "USD");
	return o;
}

/* Value of one line over [d0, d1) up to now (partial today). */
static double
line_amount(struct sim_world *w, const struct line *l, int64_t d0,
    int64_t d1, double now, bool usage)
{
	int64_t today = (int64_t)floor(now / DAY), d;
	double sum = 0, frac;

	for (d = d0; d < d1 && d <= today; d++) {
		frac = d == today ? (now - (double)today * DAY) / DAY : 1.0;
		if (usage)
			sum += sim_cost_items[l->item].usage_per_day * frac;
		else
			sum += sim_cost_day(w, l->env, l->item, d) * frac;
	}
	return sum;
}

#define CE_PAGE 100

static int
ce_get_cost_and_usage(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct sim_world *w = call->w;
	struct req q;
	const cJSON *v, *gb;
	struct line lines[SIM_NENV * 16];
	size_t nlines, i, k, g;
	int64_t today = (int64_t)floor(call->now / DAY), d, next;
	long page = 0;
	char *cause = NULL, sbuf[16], ebuf[16], *keys[2];
	const char *tok;
	cJSON *res, *rbt, *r, *tp, *total, *groups, *grp, *gm, *ka, *gd;
	int nperiod = 0;

	memset(&q, 0, sizeof q);
	if (parse_period(call, in, out, &q.start, &q.end) < 0 ||
	    parse_granularity(in, out, &q.monthly) < 0)
		return -1;
	if (q.start > today)
		return sim_error(out, 400, "DataUnavailableException",
		    "Data is not available for the requested time period");
	if (q.start < today - 14 * 31)
		return sim_error(out, 400, "ValidationException",
		    "start date is too old: historical data beyond 14 months "
		    "is not available");
	v = cJSON_GetObjectItemCaseSensitive(in, "Metrics");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
		return sim_error(out, 400, "ValidationException",
		    "Metrics is required");
	cJSON_ArrayForEach(r, v) {
		bool ok = false;

		if (!cJSON_IsString(r))
			return sim_error(out, 400, "ValidationException",
			    "Metrics must be strings");
		for (i = 0; i < nitems(metric_names); i++)
			ok = ok || strcmp(metric_names[i], r->valuestring) == 0;
		if (!ok)
			return sim_error(out, 400, "ValidationException",
			    "Invalid metric type: %.40s. Valid values are "
			    "UnblendedCost, AmortizedCost, BlendedCost, "
			    "NetUnblendedCost, NetAmortizedCost, "
			    "UsageQuantity, NormalizedUsageAmount",
			    r->valuestring);
		if (q.nmetrics == nitems(q.metrics))
			return sim_error(out, 400, "ValidationException",
			    "Too many metrics");
		q.metrics[q.nmetrics++] = r->valuestring;
	}
	gb = cJSON_GetObjectItemCaseSensitive(in, "GroupBy");
	if (gb != NULL) {
		if (!cJSON_IsArray(gb) || cJSON_GetArraySize(gb) > 2)
			return sim_error(out, 400, "ValidationException",
			    "You can only group by up to two dimensions");
		cJSON_ArrayForEach(r, gb) {
			const char *type = sim_json_str(r, "Type");
			const char *key = sim_json_str(r, "Key");

			if (type == NULL || key == NULL)
				return sim_error(out, 400,
				    "ValidationException",
				    "GroupBy needs Type and Key");
			if (strcmp(type, "DIMENSION") == 0) {
				if (strcmp(key, "SERVICE") != 0 &&
				    strcmp(key, "REGION") != 0 &&
				    strcmp(key, "LINKED_ACCOUNT") != 0)
					return sim_error(out, 400,
					    "ValidationException",
					    "Group Definition dimension is "
					    "invalid. Valid values are AZ, "
					    "INSTANCE_TYPE, LINKED_ACCOUNT, "
					    "OPERATION, PURCHASE_TYPE, "
					    "SERVICE, USAGE_TYPE, PLATFORM, "
					    "TENANCY, RECORD_TYPE, "
					    "LEGAL_ENTITY_NAME, REGION, "
					    "DATABASE_ENGINE");
			} else if (strcmp(type, "TAG") != 0)
				return sim_error(out, 400,
				    "ValidationException",
				    "Group Definition type %.20s is invalid",
				    type);
			q.groups[q.ngroups].tag = strcmp(type, "TAG") == 0;
			q.groups[q.ngroups++].key = key;
		}
	}
	q.filter = cJSON_GetObjectItemCaseSensitive(in, "Filter");
	if (select_lines(w, q.filter, lines, &nlines, &cause) < 0) {
		sim_error(out, 400, "ValidationException", "%s", cause);
		free(cause);
		return -1;
	}
	tok = sim_json_str(in, "NextPageToken");
	if (tok != NULL) {
		char *end;

		page = strtol(tok, &end, 10);
		if (*end != '\0' || page <= 0 || page > 100000)
			return sim_error(out, 400,
			    "InvalidNextTokenException",
			    "Invalid pagination token");
	}

	res = cJSON_CreateObject();
	if (q.ngroups > 0) {
		gd = cJSON_AddArrayToObject(res, "GroupDefinitions");
		for (g = 0; g < q.ngroups; g++) {
			grp = cJSON_CreateObject();
			cJSON_AddStringToObject(grp, "Type",
			    q.groups[g].tag ? "TAG" : "DIMENSION");
			cJSON_AddStringToObject(grp, "Key", q.groups[g].key);
			cJSON_AddItemToArray(gd, grp);
		}
	}
	rbt = cJSON_AddArrayToObject(res, "ResultsByTime");
	for (d = q.start; d < q.end; d = next) {
		next = q.monthly ? month_next(d) : d + 1;
		if (next > q.end)
			next = q.end;
		if (nperiod++ < page * CE_PAGE)
			continue;
		if (nperiod > (page + 1) * CE_PAGE) {
			char b[24];

			snprintf(b, sizeof b, "%ld", page + 1);
			cJSON_AddStringToObject(res, "NextPageToken", b);
			break;
		}
		r = cJSON_CreateObject();
		tp = cJSON_AddObjectToObject(r, "TimePeriod");
		format_date(d, sbuf, sizeof sbuf);
		format_date(next, ebuf, sizeof ebuf);
		cJSON_AddStringToObject(tp, "Start", sbuf);
		cJSON_AddStringToObject(tp, "End", ebuf);
		total = cJSON_AddObjectToObject(r, "Total");
		groups = cJSON_AddArrayToObject(r, "Groups");
		if (q.ngroups == 0) {
			for (k = 0; k < q.nmetrics; k++) {
				double sum = 0;
				bool usage = strstr(q.metrics[k], "Usage") !=
				    NULL;

				for (i = 0; i < nlines; i++)
					sum += line_amount(w, &lines[i], d,
					    next, call->now, usage);
				cJSON_AddItemToObject(total, q.metrics[k],
				    money(sum, q.metrics[k]));
			}
		} else {
			/* Distinct group keys in first-seen order. */
			bool done[SIM_NENV * 16];

			memset(done, 0, sizeof done);
			for (i = 0; i < nlines; i++) {
				size_t j;

				if (done[i])
					continue;
				for (g = 0; g < q.ngroups; g++) {
					const char *val = line_dim(w,
					    &lines[i], q.groups[g].tag ?
					    "TAG" : "DIMENSION",
					    q.groups[g].key);

					keys[g] = q.groups[g].tag ?
					    xasprintf("%s$%s", q.groups[g].key,
					    val) : xstrdup(val);
				}
				grp = cJSON_CreateObject();
				ka = cJSON_AddArrayToObject(grp, "Keys");
				for (g = 0; g < q.ngroups; g++)
					cJSON_AddItemToArray(ka,
					    cJSON_CreateString(keys[g]));
				gm = cJSON_AddObjectToObject(grp, "Metrics");
				for (k = 0; k < q.nmetrics; k++) {
					double sum = 0;
					bool usage = strstr(q.metrics[k],
					    "Usage") != NULL;

					for (j = i; j < nlines; j++) {
						bool same = true;

						for (g = 0; g < q.ngroups; g++) {
							const char *val =
							    line_dim(w, &lines[j],
							    q.groups[g].tag ? "TAG" :
							    "DIMENSION",
							    q.groups[g].key);
							const char *kv = keys[g];

							if (q.groups[g].tag)
								kv += strlen(
								    q.groups[g].key) + 1;
							same = same &&
							    strcmp(val, kv) == 0;
						}
						if (!same)
							continue;
						if (k == 0)
							done[j] = true;
						sum += line_amount(w, &lines[j],
						    d, next, call->now, usage);
					}
					cJSON_AddItemToObject(gm, q.metrics[k],
					    money(sum, q.metrics[k]));
				}
				cJSON_AddItemToArray(groups, grp);
				for (g = 0; g < q.ngroups; g++)
					free(keys[g]);
			}
		}
		cJSON_AddBoolToObject(r, "Estimated", next > today);
		cJSON_AddItemToArray(rbt, r);
	}
	cJSON_AddArrayToObject(res, "DimensionValueAttributes");
	out->status = 200;
	out->json = res;
	return 0;
}

static int
ce_get_cost_forecast(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	static const char *metrics[] = { "BLENDED_COST", "UNBLENDED_COST",
	    "AMORTIZED_COST", "NET_UNBLENDED_COST", "NET_AMORTIZED_COST",
	    "USAGE_QUANTITY", "NORMALIZED_USAGE_AMOUNT" };
	struct sim_world *w = call->w;
	struct line lines[SIM_NENV * 16];
	size_t nlines, i;
	int64_t start, end, today = (int64_t)floor(call->now / DAY), d, next;
	const char *metric = sim_json_str(in, "Metric");
	double level = 80, z, mean, total = 0, var, pmean, pvar;
	bool monthly, ok = false, usage;
	char *cause = NULL, buf[64], sbuf[16], ebuf[16];
	cJSON *res, *arr, *r, *tp, *tot;

	if (parse_period(call, in, out, &start, &end) < 0 ||
	    parse_granularity(in, out, &monthly) < 0)
		return -1;
	if (metric == NULL)
		return sim_error(out, 400, "ValidationException",
		    "Metric is required");
	for (i = 0; i < nitems(metrics); i++)
		ok = ok || strcmp(metric, metrics[i]) == 0;
	if (!ok)
		return sim_error(out, 400, "ValidationException",
		    "Metric %.40s is not valid", metric);
	usage = strstr(metric, "USAGE") != NULL;
	if (start < today)
		return sim_error(out, 400, "ValidationException",
		    "Start date must be equal to or no later than the "
		    "current date to avoid a validation error");
	if (end > today + 366)
		return sim_error(out, 400, "ValidationException",
		    "End date must be within 12 months of the current date");
	if (sim_json_num(in, "PredictionIntervalLevel", &level) &&
	    (level < 51 || level > 99))
		return sim_error(out, 400, "ValidationException",
		    "PredictionIntervalLevel must be between 51 and 99");
	if (select_lines(w, cJSON_GetObjectItemCaseSensitive(in, "Filter"),
	    lines, &nlines, &cause) < 0) {
		sim_error(out, 400, "ValidationException", "%s", cause);
		free(cause);
		return -1;
	}
	/* z for a two-sided interval at `level` percent. */
	z = level >= 95 ? 1.96 + (level - 95) * 0.16 : 0.674 +
	    (level - 50) * (1.96 - 0.674) / 45.0;

	res = cJSON_CreateObject();
	arr = cJSON_CreateArray();
	for (d = start; d < end; d = next) {
		int64_t dd;

		next = monthly ? month_next(d) : d + 1;
		if (next > end)
			next = end;
		pmean = pvar = 0;
		for (dd = d; dd < next; dd++) {
			/* The model without noise; today's remainder only. */
			mean = 0;
			for (i = 0; i < nlines; i++) {
				const struct sim_cost_item *it =
				    &sim_cost_items[lines[i].item];

				mean += usage ? it->usage_per_day :
				    env_target(w, lines[i].env) * it->share /
				    30.4;
			}
			if (dd == today)
				mean *= 1.0 - (call->now - (double)today *
				    DAY) / DAY;
			var = (mean * 0.05) * (mean * 0.05) *
			    (1.0 + (double)(dd - today) / 30.0);
			pmean += mean;
			pvar += var;
		}
		r = cJSON_CreateObject();
		tp = cJSON_AddObjectToObject(r, "TimePeriod");
		format_date(d, sbuf, sizeof sbuf);
		format_date(next, ebuf, sizeof ebuf);
		cJSON_AddStringToObject(tp, "Start", sbuf);
		cJSON_AddStringToObject(tp, "End", ebuf);
		snprintf(buf, sizeof buf, "%.10f", pmean);
		cJSON_AddStringToObject(r, "MeanValue", buf);
		snprintf(buf, sizeof buf, "%.10f", pmean - z * sqrt(pvar) < 0 ?
		    0 : pmean - z * sqrt(pvar));
		cJSON_AddStringToObject(r, "PredictionIntervalLowerBound", buf);
		snprintf(buf, sizeof buf, "%.10f", pmean + z * sqrt(pvar));
		cJSON_AddStringToObject(r, "PredictionIntervalUpperBound", buf);
		cJSON_AddItemToArray(arr, r);
		total += pmean;
	}
	tot = cJSON_AddObjectToObject(res, "Total");
	snprintf(buf, sizeof buf, "%.10f", total);
	cJSON_AddStringToObject(tot, "Amount", buf);
	cJSON_AddStringToObject(tot, "Unit", usage ? "N/A" : "USD");
	cJSON_AddItemToObject(res, "ForecastResultsByTime", arr);
	out->status = 200;
	out->json = res;
	return 0;
}

const struct sim_op sim_ce_ops[] = {
	{ "GetCostAndUsage", false, ce_get_cost_and_usage },
	{ "GetCostForecast", false, ce_get_cost_forecast },
	{ NULL, false, NULL },
};
