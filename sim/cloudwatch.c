/* CloudWatch over JSON 1.0 for momentum-sim: metric data and alarms. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/alarms.h"
#include "sim/api.h"
#include "sim/metricmath.h"
#include "sim/metrics.h"
#include "util/util.h"

#define MAX_QUERIES 500
#define MAX_DATAPOINTS 100800
#define MAX_TOTAL_POINTS 5000000

/* A timestamp member: epoch seconds, or an ISO 8601 string. */
static bool
json_time(const cJSON *in, const char *member, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(in, member);
	struct tm tm;
	const char *end;

	if (cJSON_IsNumber(v)) {
		*out = v->valuedouble;
		return isfinite(*out);
	}
	if (!cJSON_IsString(v))
		return false;
	memset(&tm, 0, sizeof tm);
	end = strptime(v->valuestring, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL)
		return false;
	while (*end == '.' || isdigit((unsigned char)*end))
		end++;
	if (*end != '\0' && strcmp(end, "Z") != 0 && strcmp(end, "+00:00") != 0)
		return false;
	*out = (double)timegm(&tm);
	return true;
}

/*
 * Numbers for the Timestamps/Values arrays, written straight into the
 * reply as raw JSON (cJSON_CreateRaw): a day of 500 queries is 1.4
 * million numbers, and one cJSON node plus a "%1.17g" round trip per
 * number would cost more than computing them.  Integers and values
 * with at most 4 (or, below 1, 7) decimals -- what the generators
 * publish -- take the fast path; anything else is printed exactly.
 */
/* Digits of u into p; returns the length. */
static size_t
fmt_uint(char *p, uint64_t u)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "6263646566676869707172737475767778798081828384858687888990919293"
	    "949596979899";
	char tmp[24];
	size_t n = sizeof tmp, len;

	while (u >= 100) {
		n -= 2;
		memcpy(tmp + n, pairs + (u % 100) * 2, 2);
		u /= 100;
	}
	if (u >= 10) {
		n -= 2;
		memcpy(tmp + n, pairs + u * 2, 2);
	} else
		tmp[--n] = (char)('0' + u);
	len = sizeof tmp - n;
	memcpy(p, tmp + n, len);
	return len;
}

/* The longest number fmt_number writes ("%.17g" of a double is <= 24). */
#define NUMBER_MAX 32

/* v as JSON into out (NUMBER_MAX bytes, not terminated); returns the length. */
static size_t
fmt_number(char *out, double v)
{
	double a = fabs(v), scale;
	int64_t scaled, ip, frac;
	int digits, k, len;
	size_t n = 0;
	char tmp[NUMBER_MAX];

	if (v < 0)
		out[n++] = '-';
	if (a < 1e15 && v == floor(v))
		return n + fmt_uint(out + n, (uint64_t)a);
	digits = a < 1 ? 7 : 4;
	scale = digits == 7 ? 1e7 : 1e4;
	if (a < 1e11 && floor(v * scale + 0.5) / scale == v) {
		scaled = (int64_t)floor(a * scale + 0.5);
		ip = scaled / (int64_t)scale;
		frac = scaled % (int64_t)scale;
		n += fmt_uint(out + n, (uint64_t)ip);
		if (frac != 0) {
			out[n] = '.';
			for (k = digits; k >= 1; k--) {
				out[n + (size_t)k] = (char)('0' + frac % 10);
				frac /= 10;
			}
			k = digits;
			while (out[n + (size_t)k] == '0')
				k--;
			n += (size_t)k + 1;
		}
		return n;
	}
	len = snprintf(tmp, sizeof tmp, "%.17g", v);
	if (len < 0 || (size_t)len >= sizeof tmp)
		len = 0;
	memcpy(out, tmp, (size_t)len);
	return (size_t)len;
}

/* Make room for n more bytes (and the terminator) in b. */
static void
reserve(struct buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (b->cap >= need)
		return;
	if (need < 2 * b->cap)
		need = 2 * b->cap;
	b->data = xrealloc(b->data, need);
	if (b->len == 0)
		b->data[0] = '\0';
	b->cap = need;
}

static void
put_number(struct buf *b, double v)
{
	reserve(b, NUMBER_MAX);
	b->len += fmt_number(b->data + b->len, v);
	b->data[b->len] = '\0';
}

/*
 * A raw JSON item that takes s (malloc'd) rather than copying it: the
 * Values arrays total megabytes.  cJSON frees it with its default hook,
 * free(); no hooks are installed anywhere.
 */
static cJSON *
raw_adopt(char *s)
{
	cJSON *it = cJSON_CreateRaw("");

	cJSON_free(it->valuestring);
	it->valuestring = s;
	return it;
}

/* FNV-1a of a string, for the query id set. */
static uint32_t
id_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

enum qstate { Q_TODO, Q_BUSY, Q_DONE };

struct query {
	const char *id;
	const char *label;
	bool ret;
	bool is_expr;
	struct mm_expr *expr;
	bool known;			/* MetricStat: metric exists */
	struct sim_metric m;
	struct sim_stat st;
	const char *metric_name;
	int period;			/* 0 for expressions until resolved */
	double start;			/* aligned grid start */
	size_t n;
	double *vals;
	enum qstate state;
	bool failed;
};

struct gmd {
	struct sim_call *call;
	struct query *q;
	size_t nq;
	double start, end;
	/* Temporary arrays handed to the metric math lookup. */
	double **tmp;
	size_t ntmp;
	struct query *cur;		/* expression being evaluated */
	struct sim_metric_cache *cache;
	char *err;
};

static struct query *
find_query(struct gmd *g, const char *id)
{
	size_t i;

	for (i = 0; i < g->nq; i++) {
		if (strcmp(g->q[i].id, id) == 0)
			return &g->q[i];
	}
	return NULL;
}

static bool
valid_id(const char *id)
{
	if (id == NULL || !islower((unsigned char)id[0]) || strlen(id) > 255)
		return false;
	for (id++; *id != '\0'; id++) {
		if (!isalnum((unsigned char)*id) && *id != '_')
			return false;
	}
	return true;
}

/* An expression's period: its own, else the largest of what it uses. */
static int
resolve_period(struct gmd *g, struct query *q, int depth)
{
	const char **ids;
	size_t i, n;
	struct query *r;
	int p, best = 0;

	if (q->period > 0)
		return q->period;
	if (depth > 32)
		return 60;
	n = mm_refs(q->expr, &ids);
	for (i = 0; i < n; i++) {
		r = find_query(g, ids[i]);
		if (r == NULL || r == q)
			continue;
		p = resolve_period(g, r, depth + 1);
		if (p > best)
			best = p;
	}
	return best > 0 ? best : 60;
}

static int compute(struct gmd *g, struct query *q);

/* Metric math lookup: the referenced query resampled onto cur's grid. */
static const double *
gmd_lookup(void *arg, const char *id)
{
	struct gmd *g = arg;
	struct query *r = find_query(g, id), *cur = g->cur;
	double *v, ts, j;
	size_t i;

	if (r == NULL || r == cur || r->failed)
		return NULL;
	if (compute(g, r) < 0)
		return NULL;
	g->cur = cur;
	v = xreallocarray(NULL, cur->n ? cur->n : 1, sizeof *v);
	for (i = 0; i < cur->n; i++) {
		ts = cur->start + (double)i * cur->period;
		j = (ts - r->start) / r->period;
		v[i] = (j >= 0 && j < (double)r->n && j == floor(j)) ?
		    r->vals[(size_t)j] : NAN;
	}
	g->tmp = xreallocarray(g->tmp, g->ntmp + 1, sizeof *g->tmp);
	g->tmp[g->ntmp++] = v;
	return v;
}

/* Compute a query's values (memoized); -1 with g->err set on failure. */
static int
compute(struct gmd *g, struct query *q)
{
	char *cause = NULL;
	size_t i;

	if (q->state == Q_DONE)
		return q->failed ? -1 : 0;
	if (q->state == Q_BUSY) {
		if (g->err == NULL)
			g->err = xasprintf("Circular dependency detected in "
			    "the expression of %s", q->id);
		return -1;
	}
	q->state = Q_BUSY;
	q->vals = xreallocarray(NULL, q->n ? q->n : 1, sizeof *q->vals);
	if (!q->is_expr) {
		if (q->known)
			sim_metric_series_cached(g->call->w, g->cache, &q->m,
			    &q->st, q->start, q->period, q->n, g->call->now,
			    q->vals);
		else
			for (i = 0; i < q->n; i++)
				q->vals[i] = NAN;
	} else {
		g->cur = q;
		if (mm_eval(q->expr, q->n, gmd_lookup, g, q->vals,
		    &cause) < 0) {
			if (g->err == NULL)
				g->err = xasprintf("Error in expression %s: "
				    "%s", q->id, cause);
			free(cause);
			q->failed = true;
		}
	}
	q->state = Q_DONE;
	return q->failed ? -1 : 0;
}

static void
gmd_free(struct gmd *g)
{
	size_t i;

	for (i = 0; i < g->nq; i++) {
		mm_free(g->q[i].expr);
		free(g->q[i].vals);
	}
	free(g->q);
	for (i = 0; i < g->ntmp; i++)
		free(g->tmp[i]);
	free(g->tmp);
	free(g->err);
	sim_metric_cache_free(g->cache);
}

static int
parse_metric_stat(struct gmd *g, struct query *q, const cJSON *ms, int idx,
    struct sim_reply *out)
{
	const cJSON *metric = cJSON_GetObjectItemCaseSensitive(ms, "Metric");
	const cJSON *dims, *d;
	struct sim_dim dv[30];
	size_t nd = 0;
	double period;
	const char *stat;

	if (!cJSON_IsObject(metric))
		return sim_error(out, 400, "ValidationError",
		    "The parameter MetricDataQueries.member.%d.MetricStat."
		    "Metric is required.", idx);
	if (!sim_json_num(ms, "Period", &period))
		return sim_error(out, 400, "ValidationError",
		    "The parameter MetricDataQueries.member.%d.MetricStat."
		    "Period is required.", idx);
	if (period < 1 || period != floor(period) || period > 86400 * 366 ||
	    fmod(period, 60) != 0)
		return sim_error(out, 400, "ValidationError",
		    "The parameter MetricDataQueries.member.%d.MetricStat."
		    "Period must be a multiple of 60.", idx);
	stat = sim_json_str(ms, "Stat");
	if (stat == NULL)
		return sim_error(out, 400, "ValidationError",
		    "The parameter MetricDataQueries.member.%d.MetricStat."
		    "Stat is required.", idx);
	if (sim_stat_parse(stat, &q->st) < 0)
		return sim_error(out, 400, "ValidationError",
		    "The value %.32s for parameter MetricDataQueries.member."
		    "%d.MetricStat.Stat is not a valid statistic.", stat, idx);
	dims = cJSON_GetObjectItemCaseSensitive(metric, "Dimensions");
	if (dims != NULL && !cJSON_IsArray(dims))
		return sim_error(out, 400, "ValidationError",
		    "Dimensions must be a list.");
	cJSON_ArrayForEach(d, dims) {
		if (nd == nitems(dv))
			return sim_error(out, 400, "ValidationError",
			    "The collection MetricDataQueries.member.%d."
			    "MetricStat.Metric.Dimensions must not have a "
			    "size greater than 30.", idx);
		dv[nd].name = sim_json_str(d, "Name");
		dv[nd].value = sim_json_str(d, "Value");
		if (dv[nd].name == NULL || dv[nd].value == NULL)
			return sim_error(out, 400, "ValidationError",
			    "Each dimension needs a Name and a Value.");
		nd++;
	}
	q->period = (int)period;
	q->metric_name = sim_json_str(metric, "MetricName");
	q->known = sim_metric_lookup(g->call->w,
	    sim_json_str(metric, "Namespace"), q->metric_name, dv, nd,
	    sim_json_str(ms, "Unit"), &q->m) == 0;
	return 0;
}

/* Pagination token: "<query index>:<last timestamp or ->". */
static int
parse_token(const char *tok, size_t nq, size_t *qi, bool *has_ts, double *ts)
{
	char *end;
	unsigned long v;

	if (strncmp(tok, "mq1:", 4) != 0)
		return -1;
	v = strtoul(tok + 4, &end, 10);
	if (end == tok + 4 || *end != ':' || v >= nq)
		return -1;
	*qi = v;
	if (strcmp(end + 1, "-") == 0) {
		*has_ts = false;
		return 0;
	}
	*ts = strtod(end + 1, &end);
	if (*end != '\0' || !isfinite(*ts))
		return -1;
	*has_ts = true;
	return 0;
}

static int
cw_get_metric_data(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct gmd g;
	const cJSON *qs, *qj, *ms;
	const char *scan, *tok, *expr;
	double maxdp = MAX_DATAPOINTS, period, ts, tok_ts = 0, npoints;
	bool asc = false, tok_has_ts = false, more = false;
	size_t i, j, k, tok_qi = 0, budget, total = 0, idmask, *idset = NULL;
	int idx, rc = -1;
	cJSON *res, *results, *r;
	struct buf tsb = { 0 }, vb = { 0 };
	struct {
		double start;
		int period;
		size_t first, count;
		bool asc;
	} tsc = { NAN, 0, 0, 0, false };	/* what tsb holds */
	bool contiguous;
	char *cause = NULL, buf[64];

	memset(&g, 0, sizeof g);
	g.call = call;
	qs = cJSON_GetObjectItemCaseSensitive(in, "MetricDataQueries");
	if (!cJSON_IsArray(qs))
		return sim_error(out, 400, "ValidationError",
		    "The parameter MetricDataQueries is required.");
	if (cJSON_GetArraySize(qs) > MAX_QUERIES)
		return sim_error(out, 400, "ValidationError",
		    "The collection MetricDataQueries must not have a size "
		    "greater than 500.");
	if (cJSON_GetArraySize(qs) == 0)
		return sim_error(out, 400, "ValidationError",
		    "The collection MetricDataQueries must not be empty.");
	if (!json_time(in, "StartTime", &g.start))
		return sim_error(out, 400, "ValidationError",
		    "The parameter StartTime is required.");
	if (!json_time(in, "EndTime", &g.end))
		return sim_error(out, 400, "ValidationError",
		    "The parameter EndTime is required.");
	if (g.start >= g.end)
		return sim_error(out, 400, "ValidationError",
		    "The parameter StartTime must be less than the parameter "
		    "EndTime.");
	if (g.start < 0 || g.end > 1e11)
		return sim_error(out, 400, "ValidationError",
		    "The parameters StartTime and EndTime must be valid "
		    "timestamps.");
	scan = sim_json_str(in, "ScanBy");
	if (scan != NULL) {
		if (strcmp(scan, "TimestampAscending") == 0)
			asc = true;
		else if (strcmp(scan, "TimestampDescending") != 0)
			return sim_error(out, 400, "ValidationError",
			    "1 validation error detected: Value '%.40s' at "
			    "'scanBy' failed to satisfy constraint: Member "
			    "must satisfy enum value set: [TimestampDescending"
			    ", TimestampAscending]", scan);
	}
	if (sim_json_num(in, "MaxDatapoints", &maxdp) && (maxdp < 1 ||
	    maxdp != floor(maxdp)))
		return sim_error(out, 400, "ValidationError",
		    "The parameter MaxDatapoints must be a positive integer.");
	if (maxdp > MAX_DATAPOINTS)
		maxdp = MAX_DATAPOINTS;

	g.nq = (size_t)cJSON_GetArraySize(qs);
	g.q = xcalloc(g.nq, sizeof *g.q);
	for (idmask = 1; idmask < 2 * g.nq; idmask <<= 1)
		;
	idset = xcalloc(idmask, sizeof *idset);
	idmask--;
	g.cache = sim_metric_cache_new();
	i = 0;
	cJSON_ArrayForEach(qj, qs) {
		struct query *q = &g.q[i++];
		const cJSON *rd;

		idx = (int)i;
		q->id = sim_json_str(qj, "Id");
		if (!valid_id(q->id)) {
			sim_error(out, 400, "ValidationError", "The value %.64s "
			    "for parameter MetricDataQueries.member.%d.Id is "
			    "not valid: it must start with a lowercase letter "
			    "and contain only letters, numbers and "
			    "underscores.", q->id ? q->id : "(null)", idx);
			goto out;
		}
		/* Ids seen so far, in an open-addressing set (500 ids). */
		for (j = id_hash(q->id) & idmask; idset[j] != 0;
		    j = (j + 1) & idmask) {
			if (strcmp(g.q[idset[j] - 1].id, q->id) == 0) {
				sim_error(out, 400, "ValidationError",
				    "The value %.64s for field Id must be "
				    "unique.", q->id);
				goto out;
			}
		}
		idset[j] = i;
		q->label = sim_json_str(qj, "Label");
		rd = cJSON_GetObjectItemCaseSensitive(qj, "ReturnData");
		q->ret = rd == NULL || cJSON_IsTrue(rd);
		ms = cJSON_GetObjectItemCaseSensitive(qj, "MetricStat");
		expr = sim_json_str(qj, "Expression");
		if ((ms != NULL) == (expr != NULL)) {
			sim_error(out, 400, "ValidationError", "Exactly one "
			    "of MetricStat and Expression must be set in "
			    "MetricDataQueries.member.%d.", idx);
			goto out;
		}
		if (ms != NULL) {
			if (parse_metric_stat(&g, q, ms, idx, out) < 0)
				goto out;
			if (q->label == NULL)
				q->label = q->metric_name;
			continue;
		}
		q->is_expr = true;
		if ((q->expr = mm_parse(expr, &cause)) == NULL) {
			sim_error(out, 400, "ValidationError", "Error in "
			    "expression %s: %s", q->id, cause);
			free(cause);
			goto out;
		}
		if (sim_json_num(qj, "Period", &period)) {
			if (period < 60 || fmod(period, 60) != 0 ||
			    period > 86400 * 366) {
				sim_error(out, 400, "ValidationError",
				    "The parameter MetricDataQueries.member.%d."
				    "Period must be a multiple of 60.", idx);
				goto out;
			}
			q->period = (int)period;
		}
		if (q->label == NULL)
			q->label = q->id;
	}
	/* Every referenced id must exist; then resolve grids. */
	for (i = 0; i < g.nq; i++) {
		const char **ids;
		size_t n;

		if (!g.q[i].is_expr)
			continue;
		n = mm_refs(g.q[i].expr, &ids);
		for (j = 0; j < n; j++) {
			if (find_query(&g, ids[j]) == NULL ||
			    strcmp(ids[j], g.q[i].id) == 0) {
				sim_error(out, 400, "ValidationError",
				    "Error in expression %s: Unrecognized "
				    "metric id or function: %.64s", g.q[i].id,
				    ids[j]);
				goto out;
			}
		}
	}
	for (i = 0; i < g.nq; i++) {
		struct query *q = &g.q[i];

		if (q->is_expr)
			q->period = resolve_period(&g, q, 0);
		q->start = floor(g.start / q->period) * q->period;
		npoints = ceil((g.end - q->start) / q->period);
		if (!(npoints <= MAX_TOTAL_POINTS)) {
			total = MAX_TOTAL_POINTS + 1;
			break;
		}
		q->n = (size_t)npoints;
		total += q->n;
	}
	if (total > MAX_TOTAL_POINTS) {
		sim_error(out, 400, "ValidationError", "The request asks for "
		    "%zu datapoints; reduce the time range or raise the "
		    "Period.", total);
		goto out;
	}
	tok = sim_json_str(in, "NextToken");
	if (tok != NULL && parse_token(tok, g.nq, &tok_qi, &tok_has_ts,
	    &tok_ts) < 0) {
		sim_error(out, 400, "InvalidNextToken", "The service "
		    "cannot process the NextToken.");
		goto out;
	}

	res = cJSON_CreateObject();
	results = cJSON_AddArrayToObject(res, "MetricDataResults");
	budget = (size_t)maxdp;
	for (i = tok_qi; i < g.nq && !more; i++) {
		struct query *q = &g.q[i];
		size_t first_emit = 0, emitted = 0, last = 0;
		bool partial = false;

		if (!q->ret)
			continue;
		if (compute(&g, q) < 0) {
			sim_error(out, 400, "ValidationError", "%s", g.err);
			cJSON_Delete(res);
			goto out;
		}
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "Id", q->id);
		cJSON_AddStringToObject(r, "Label", q->label ? q->label : "");
		buf_reset(&vb);
		/* Room for every value: no growth checks in the loop. */
		reserve(&vb, q->n * (NUMBER_MAX + 1) + 2);
		vb.data[vb.len++] = '[';
		contiguous = true;
		for (k = 0; k < q->n; k++) {
			j = asc ? k : q->n - 1 - k;
			if (isnan(q->vals[j])) {
				if (emitted > 0)
					contiguous = false;
				continue;
			}
			ts = q->start + (double)j * q->period;
			if (i == tok_qi && tok_has_ts &&
			    (asc ? ts <= tok_ts : ts >= tok_ts))
				continue;
			if (emitted == budget) {
				partial = true;
				break;
			}
			if (emitted == 0)
				first_emit = j;
			else
				vb.data[vb.len++] = ',';
			vb.len += fmt_number(vb.data + vb.len, q->vals[j]);
			emitted++;
			last = j;
		}
		vb.data[vb.len++] = ']';
		vb.data[vb.len] = '\0';
		/*
		 * Queries on the same grid share their timestamps: format
		 * a contiguous run once and reuse it.
		 */
		if (!contiguous || emitted == 0 || tsc.start != q->start ||
		    tsc.period != q->period || tsc.first != first_emit ||
		    tsc.count != emitted || tsc.asc != asc) {
			buf_reset(&tsb);
			buf_putc(&tsb, '[');
			for (k = 0; k < q->n; k++) {
				j = asc ? k : q->n - 1 - k;
				if (isnan(q->vals[j]))
					continue;
				if (asc ? j < first_emit : j > first_emit)
					continue;
				if (asc ? j > last : j < last)
					break;
				if (tsb.len > 1)
					buf_putc(&tsb, ',');
				put_number(&tsb, q->start + (double)j *
				    q->period);
			}
			buf_putc(&tsb, ']');
			tsc.start = contiguous ? q->start : NAN;
			tsc.period = q->period;
			tsc.first = first_emit;
			tsc.count = emitted;
			tsc.asc = asc;
		}
		cJSON_AddItemToObject(r, "Timestamps", cJSON_CreateRaw(tsb.data));
		cJSON_AddItemToObject(r, "Values", raw_adopt(buf_steal(&vb)));
		budget -= emitted;
		cJSON_AddStringToObject(r, "StatusCode",
		    partial ? "PartialData" : "Complete");
		cJSON_AddArrayToObject(r, "Messages");
		cJSON_AddItemToArray(results, r);
		if (partial) {
			snprintf(buf, sizeof buf, "mq1:%zu:%.0f", i,
			    q->start + (double)last * q->period);
			cJSON_AddStringToObject(res, "NextToken", buf);
			more = true;
		} else if (budget == 0) {
			/* Next page starts with the next returned query. */
			for (j = i + 1; j < g.nq && !g.q[j].ret; j++)
				;
			if (j < g.nq) {
				snprintf(buf, sizeof buf, "mq1:%zu:-", j);
				cJSON_AddStringToObject(res, "NextToken", buf);
			}
			more = true;
		}
	}
	cJSON_AddArrayToObject(res, "Messages");
	out->status = 200;
	out->json = res;
	rc = 0;
out:
	buf_free(&tsb);
	buf_free(&vb);
	free(idset);
	gmd_free(&g);
	return rc;
}

/* ---- alarms ------------------------------------------------------------- */

static void
iso_time(double t, char *buf, size_t len)
{
	time_t s = (time_t)floor(t);
	struct tm tm;
	int ms = (int)((t - floor(t)) * 1000);

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ms);
}

static cJSON *
alarm_json(const struct sim_alarm *a, const struct sim_alarm_status *st)
{
	cJSON *o = cJSON_CreateObject(), *arr, *d, *m, *ms, *met, *dims;
	size_t i, k;

	cJSON_AddStringToObject(o, "AlarmName", a->name);
	cJSON_AddStringToObject(o, "AlarmArn", a->arn);
	cJSON_AddStringToObject(o, "AlarmDescription", a->description);
	cJSON_AddNumberToObject(o, "AlarmConfigurationUpdatedTimestamp",
	    a->created_at);
	cJSON_AddBoolToObject(o, "ActionsEnabled", true);
	arr = cJSON_AddArrayToObject(o, "OKActions");
	cJSON_AddItemToArray(arr, cJSON_CreateString(a->action));
	arr = cJSON_AddArrayToObject(o, "AlarmActions");
	cJSON_AddItemToArray(arr, cJSON_CreateString(a->action));
	cJSON_AddArrayToObject(o, "InsufficientDataActions");
	cJSON_AddStringToObject(o, "StateValue",
	    sim_alarm_state_name(st->state));
	cJSON_AddStringToObject(o, "StateReason", st->reason);
	cJSON_AddStringToObject(o, "StateReasonData", st->reason_data);
	cJSON_AddNumberToObject(o, "StateUpdatedTimestamp", st->updated);
	cJSON_AddNumberToObject(o, "StateTransitionedTimestamp", st->updated);
	if (!a->math) {
		cJSON_AddStringToObject(o, "MetricName", a->metric);
		cJSON_AddStringToObject(o, "Namespace", a->ns);
		if (a->stat[0] == 'p')
			cJSON_AddStringToObject(o, "ExtendedStatistic", a->stat);
		else
			cJSON_AddStringToObject(o, "Statistic", a->stat);
		dims = cJSON_AddArrayToObject(o, "Dimensions");
		for (i = 0; i < a->ndims; i++) {
			d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "Name", a->dims[i].name);
			cJSON_AddStringToObject(d, "Value", a->dims[i].value);
			cJSON_AddItemToArray(dims, d);
		}
		cJSON_AddNumberToObject(o, "Period", a->period);
		if (a->unit != NULL)
			cJSON_AddStringToObject(o, "Unit", a->unit);
	} else {
		arr = cJSON_AddArrayToObject(o, "Metrics");
		for (k = 0; k < 3; k++) {
			m = cJSON_CreateObject();
			cJSON_AddStringToObject(m, "Id",
			    k == 0 ? "m1" : k == 1 ? "m2" : "e1");
			if (k < 2) {
				ms = cJSON_AddObjectToObject(m, "MetricStat");
				met = cJSON_AddObjectToObject(ms, "Metric");
				cJSON_AddStringToObject(met, "Namespace", a->ns);
				cJSON_AddStringToObject(met, "MetricName",
				    k == 0 ? a->math_m1 : a->math_m2);
				dims = cJSON_AddArrayToObject(met,
				    "Dimensions");
				for (i = 0; i < a->ndims; i++) {
					d = cJSON_CreateObject();
					cJSON_AddStringToObject(d, "Name",
					    a->dims[i].name);
					cJSON_AddStringToObject(d, "Value",
					    a->dims[i].value);
					cJSON_AddItemToArray(dims, d);
				}
				cJSON_AddNumberToObject(ms, "Period",
				    a->period);
				cJSON_AddStringToObject(ms, "Stat", a->stat);
				cJSON_AddBoolToObject(m, "ReturnData", false);
			} else {
				cJSON_AddStringToObject(m, "Expression",
				    a->math_expr);
				cJSON_AddStringToObject(m, "Label",
				    "5xx error rate (%)");
				cJSON_AddBoolToObject(m, "ReturnData", true);
			}
			cJSON_AddItemToArray(arr, m);
		}
	}
	cJSON_AddNumberToObject(o, "EvaluationPeriods", a->evaluation_periods);
	cJSON_AddNumberToObject(o, "DatapointsToAlarm",
	    a->datapoints_to_alarm);
	cJSON_AddNumberToObject(o, "Threshold", a->threshold);
	cJSON_AddStringToObject(o, "ComparisonOperator",
	    sim_alarm_cmp_name(a->cmp));
	cJSON_AddStringToObject(o, "TreatMissingData",
	    sim_alarm_missing_name(a->missing));
	return o;
}

static int
parse_state(const char *s, enum sim_alarm_state *st)
{
	if (strcmp(s, "OK") == 0)
		*st = SIM_ALARM_OK;
	else if (strcmp(s, "ALARM") == 0)
		*st = SIM_ALARM_ALARM;
	else if (strcmp(s, "INSUFFICIENT_DATA") == 0)
		*st = SIM_ALARM_INSUFFICIENT;
	else
		return -1;
	return 0;
}

static int
parse_count_token(const char *tok, size_t *start)
{
	char *end;
	unsigned long v;

	if (tok == NULL) {
		*start = 0;
		return 0;
	}
	if (strncmp(tok, "al1:", 4) != 0)
		return -1;
	v = strtoul(tok + 4, &end, 10);
	if (end == tok + 4 || *end != '\0' || v > 1000000)
		return -1;
	*start = v;
	return 0;
}

#define HISTORY_WINDOW 86400.0

static int
cw_describe_alarms(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct sim_alarm *alarms;
	struct sim_alarm_status st;
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(in, "AlarmNames");
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(in, "AlarmTypes");
	const cJSON *v;
	const char *prefix = sim_json_str(in, "AlarmNamePrefix");
	const char *sv = sim_json_str(in, "StateValue");
	const char *aprefix = sim_json_str(in, "ActionPrefix");
	enum sim_alarm_state want = SIM_ALARM_OK;
	double maxrec = 50;
	size_t n, i, start, seen = 0, emitted = 0;
	bool metric_type = true;
	cJSON *res, *arr;
	char buf[32];

	if (sv != NULL && parse_state(sv, &want) < 0)
		return sim_error(out, 400, "ValidationError",
		    "1 validation error detected: Value '%.32s' at "
		    "'stateValue' failed to satisfy constraint: Member must "
		    "satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
		    sv);
	if (sim_json_num(in, "MaxRecords", &maxrec) &&
	    (maxrec < 1 || maxrec > 100 || maxrec != floor(maxrec)))
		return sim_error(out, 400, "ValidationError",
		    "1 validation error detected: Value '%g' at 'maxRecords' "
		    "failed to satisfy constraint: Member must have value "
		    "between 1 and 100", maxrec);
	if (names != NULL && (!cJSON_IsArray(names) ||
	    cJSON_GetArraySize(names) > 100))
		return sim_error(out, 400, "ValidationError",
		    "AlarmNames must be a list of at most 100 names.");
	if (names != NULL && prefix != NULL)
		return sim_error(out, 400, "InvalidParameterCombination",
		    "AlarmNamePrefix and AlarmNames cannot be specified "
		    "together.");
	if (parse_count_token(sim_json_str(in, "NextToken"), &start) < 0)
		return sim_error(out, 400, "InvalidNextToken",
		    "The service cannot process the NextToken.");
	if (types != NULL) {
		metric_type = false;
		cJSON_ArrayForEach(v, types) {
			if (!cJSON_IsString(v) ||
			    (strcmp(v->valuestring, "MetricAlarm") != 0 &&
			    strcmp(v->valuestring, "CompositeAlarm") != 0))
				return sim_error(out, 400, "ValidationError",
				    "AlarmTypes must be MetricAlarm or "
				    "CompositeAlarm.");
			if (strcmp(v->valuestring, "MetricAlarm") == 0)
				metric_type = true;
		}
	}

	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "MetricAlarms");
	cJSON_AddArrayToObject(res, "CompositeAlarms");
	n = metric_type ? sim_alarms_list(call->w, &alarms) : 0;
	if (!metric_type)
		alarms = NULL;
	for (i = 0; i < n; i++) {
		const struct sim_alarm *a = &alarms[i];
		bool match = true;

		if (prefix != NULL && strncmp(a->name, prefix,
		    strlen(prefix)) != 0)
			continue;
		if (aprefix != NULL && strncmp(a->action, aprefix,
		    strlen(aprefix)) != 0)
			continue;
		if (names != NULL) {
			match = false;
			cJSON_ArrayForEach(v, names) {
				if (cJSON_IsString(v) &&
				    strcmp(v->valuestring, a->name) == 0)
					match = true;
			}
		}
		if (!match)
			continue;
		sim_alarm_evaluate(call->w, a, call->now, HISTORY_WINDOW, &st);
		if (sv != NULL && st.state != want) {
			sim_alarm_status_free(&st);
			continue;
		}
		if (seen++ < start) {
			sim_alarm_status_free(&st);
			continue;
		}
		if (emitted == (size_t)maxrec) {
			sim_alarm_status_free(&st);
			snprintf(buf, sizeof buf, "al1:%zu", start + emitted);
			cJSON_AddStringToObject(res, "NextToken", buf);
			break;
		}
		cJSON_AddItemToArray(arr, alarm_json(a, &st));
		emitted++;
		sim_alarm_status_free(&st);
	}
	free(alarms);
	out->status = 200;
	out->json = res;
	return 0;
}

/* One history item, before sorting. */
struct hitem {
	double t;
	const char *alarm;
	int type;			/* 0 config, 1 state, 2 action */
	char *summary;
	char *data;
};

static int
hitem_cmp(const void *x, const void *y)
{
	const struct hitem *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->type != b->type)
		return a->type - b->type;
	return strcmp(a->alarm, b->alarm);
}

static const char *htype_names[] = { "ConfigurationUpdate", "StateUpdate",
	"Action" };

static void
hpush(struct hitem **items, size_t *n, size_t *cap, struct hitem it)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*items = xreallocarray(*items, *cap, sizeof **items);
	}
	(*items)[(*n)++] = it;
}

static char *
state_history_data(const struct sim_alarm_change *c)
{
	cJSON *o = cJSON_CreateObject(), *os, *ns, *rd;
	char *s;

	cJSON_AddStringToObject(o, "version", "1.0");
	os = cJSON_AddObjectToObject(o, "oldState");
	cJSON_AddStringToObject(os, "stateValue", sim_alarm_state_name(c->from));
	ns = cJSON_AddObjectToObject(o, "newState");
	cJSON_AddStringToObject(ns, "stateValue", sim_alarm_state_name(c->to));
	cJSON_AddStringToObject(ns, "stateReason", c->reason);
	rd = cJSON_Parse(c->reason_data);
	if (rd != NULL)
		cJSON_AddItemToObject(ns, "stateReasonData", rd);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static int
cw_describe_alarm_history(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct sim_alarm *alarms;
	struct sim_alarm_status st;
	struct hitem *items = NULL, it;
	size_t nitems_ = 0, cap = 0, n, i, k, start, emitted = 0;
	const char *name = sim_json_str(in, "AlarmName");
	const char *type = sim_json_str(in, "HistoryItemType");
	const char *scan = sim_json_str(in, "ScanBy");
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(in, "AlarmTypes");
	double from = -INFINITY, to = INFINITY, maxrec = 100;
	int want_type = -1;
	bool asc = false, metric_type = true;
	cJSON *res, *arr, *o, *v;
	char buf[32], ts[64];

	if (type != NULL) {
		for (k = 0; k < nitems(htype_names); k++) {
			if (strcmp(type, htype_names[k]) == 0)
				want_type = (int)k;
		}
		if (want_type < 0 && strcmp(type, "AlarmContributorStateUpdate")
		    != 0 && strcmp(type, "AlarmContributorAction") != 0)
			return sim_error(out, 400, "ValidationError",
			    "1 validation error detected: Value '%.40s' at "
			    "'historyItemType' failed to satisfy constraint: "
			    "Member must satisfy enum value set: "
			    "[ConfigurationUpdate, StateUpdate, Action, "
			    "AlarmContributorStateUpdate, "
			    "AlarmContributorAction]", type);
		if (want_type < 0)
			want_type = 99;	/* valid, never matches */
	}
	if (scan != NULL) {
		if (strcmp(scan, "TimestampAscending") == 0)
			asc = true;
		else if (strcmp(scan, "TimestampDescending") != 0)
			return sim_error(out, 400, "ValidationError",
			    "1 validation error detected: Value '%.40s' at "
			    "'scanBy' failed to satisfy constraint: Member "
			    "must satisfy enum value set: "
			    "[TimestampDescending, TimestampAscending]", scan);
	}
	if (cJSON_GetObjectItemCaseSensitive(in, "StartDate") != NULL &&
	    !json_time(in, "StartDate", &from))
		return sim_error(out, 400, "ValidationError",
		    "StartDate is not a valid timestamp.");
	if (cJSON_GetObjectItemCaseSensitive(in, "EndDate") != NULL &&
	    !json_time(in, "EndDate", &to))
		return sim_error(out, 400, "ValidationError",
		    "EndDate is not a valid timestamp.");
	if (sim_json_num(in, "MaxRecords", &maxrec) &&
	    (maxrec < 1 || maxrec > 100 || maxrec != floor(maxrec)))
		return sim_error(out, 400, "ValidationError",
		    "1 validation error detected: Value '%g' at 'maxRecords' "
		    "failed to satisfy constraint: Member must have value "
		    "between 1 and 100", maxrec);
	if (parse_count_token(sim_json_str(in, "NextToken"), &start) < 0)
		return sim_error(out, 400, "InvalidNextToken",
		    "The service cannot process the NextToken.");
	if (types != NULL) {
		metric_type = false;
		cJSON_ArrayForEach(v, types) {
			if (cJSON_IsString(v) &&
			    strcmp(v->valuestring, "MetricAlarm") == 0)
				metric_type = true;
		}
	}

	n = sim_alarms_list(call->w, &alarms);
	for (i = 0; i < n && metric_type; i++) {
		const struct sim_alarm *a = &alarms[i];

		if (name != NULL && strcmp(name, a->name) != 0)
			continue;
		memset(&it, 0, sizeof it);
		it.alarm = a->name;
		it.t = a->created_at;
		it.type = 0;
		it.summary = xasprintf("Alarm \"%s\" created", a->name);
		{
			cJSON *d = cJSON_CreateObject(), *na;

			cJSON_AddStringToObject(d, "version", "1.0");
			cJSON_AddStringToObject(d, "type", "Create");
			na = cJSON_AddObjectToObject(d, "createdAlarm");
			cJSON_AddStringToObject(na, "alarmName", a->name);
			cJSON_AddNumberToObject(na, "threshold", a->threshold);
			cJSON_AddStringToObject(na, "comparisonOperator",
			    sim_alarm_cmp_name(a->cmp));
			it.data = cJSON_PrintUnformatted(d);
			cJSON_Delete(d);
		}
		hpush(&items, &nitems_, &cap, it);
		sim_alarm_evaluate(call->w, a, call->now, HISTORY_WINDOW, &st);
		for (k = 0; k < st.nchanges; k++) {
			const struct sim_alarm_change *c = &st.changes[k];

			memset(&it, 0, sizeof it);
			it.alarm = a->name;
			it.t = c->t;
			it.type = 1;
			it.summary = xasprintf("Alarm updated from %s to %s",
			    sim_alarm_state_name(c->from),
			    sim_alarm_state_name(c->to));
			it.data = state_history_data(c);
			hpush(&items, &nitems_, &cap, it);
			if (c->to == SIM_ALARM_INSUFFICIENT)
				continue;
			memset(&it, 0, sizeof it);
			it.alarm = a->name;
			it.t = c->t + 0.2;
			it.type = 2;
			it.summary = xasprintf("Successfully executed action "
			    "%s", a->action);
			{
				cJSON *d = cJSON_CreateObject();

				cJSON_AddStringToObject(d, "actionState",
				    "Succeeded");
				cJSON_AddStringToObject(d, "notificationResource",
				    a->action);
				iso_time(c->t + 0.2, ts, sizeof ts);
				cJSON_AddStringToObject(d, "publishedMessage",
				    ts);
				it.data = cJSON_PrintUnformatted(d);
				cJSON_Delete(d);
			}
			hpush(&items, &nitems_, &cap, it);
		}
		sim_alarm_status_free(&st);
	}
	if (nitems_ > 0)
		qsort(items, nitems_, sizeof *items, hitem_cmp);

	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "AlarmHistoryItems");
	k = 0;
	for (i = 0; i < nitems_; i++) {
		const struct hitem *h = &items[asc ? i : nitems_ - 1 - i];

		if (h->t < from || h->t > to)
			continue;
		if (want_type >= 0 && h->type != want_type)
			continue;
		if (k++ < start)
			continue;
		if (emitted == (size_t)maxrec) {
			snprintf(buf, sizeof buf, "al1:%zu", start + emitted);
			cJSON_AddStringToObject(res, "NextToken", buf);
			break;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "AlarmName", h->alarm);
		cJSON_AddStringToObject(o, "AlarmType", "MetricAlarm");
		cJSON_AddNumberToObject(o, "Timestamp", h->t);
		cJSON_AddStringToObject(o, "HistoryItemType",
		    htype_names[h->type]);
		cJSON_AddStringToObject(o, "HistorySummary", h->summary);
		cJSON_AddStringToObject(o, "HistoryData", h->data);
		cJSON_AddItemToArray(arr, o);
		emitted++;
	}
	for (i = 0; i < nitems_; i++) {
		free(items[i].summary);
		cJSON_free(items[i].data);
	}
	free(items);
	free(alarms);
	out->status = 200;
	out->json = res;
	return 0;
}

const struct sim_op sim_cloudwatch_ops[] = {
	{ "GetMetricData", false, cw_get_metric_data },
	{ "DescribeAlarms", false, cw_describe_alarms },
	{ "DescribeAlarmHistory", false, cw_describe_alarm_history },
	{ NULL, false, NULL },
};
