/* CloudWatch: GetMetricData batches and alarms, as model structs. */
#include "aws/cloudwatch.h"

#include <stdlib.h>
#include <string.h>

#include "aws/awsjson.h"
#include "util/util.h"

cJSON *
cloudwatch_get_metric_data_request(const struct cw_query *q, size_t n,
    int64_t start, int64_t end, const char *next_token)
{
	cJSON *r, *arr, *mq, *ms, *m, *dims, *d;
	size_t i, j;

	r = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(r, "MetricDataQueries");
	for (i = 0; i < n && i < CW_MAX_QUERIES; i++) {
		mq = cJSON_CreateObject();
		cJSON_AddStringToObject(mq, "Id", q[i].id);
		ms = cJSON_AddObjectToObject(mq, "MetricStat");
		m = cJSON_AddObjectToObject(ms, "Metric");
		cJSON_AddStringToObject(m, "Namespace", q[i].ns);
		cJSON_AddStringToObject(m, "MetricName", q[i].metric);
		dims = cJSON_AddArrayToObject(m, "Dimensions");
		for (j = 0; j < q[i].ndims && j < CW_MAX_DIMS; j++) {
			d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "Name", q[i].dim_names[j]);
			cJSON_AddStringToObject(d, "Value", q[i].dim_values[j]);
			cJSON_AddItemToArray(dims, d);
		}
		cJSON_AddNumberToObject(ms, "Period", q[i].period);
		cJSON_AddStringToObject(ms, "Stat", q[i].stat);
		cJSON_AddBoolToObject(mq, "ReturnData", 1);
		cJSON_AddItemToArray(arr, mq);
	}
	cJSON_AddNumberToObject(r, "StartTime", (double)start);
	cJSON_AddNumberToObject(r, "EndTime", (double)end);
	cJSON_AddStringToObject(r, "ScanBy", "TimestampAscending");
	aj_add_str(r, "NextToken", next_token);
	return r;
}

const struct cw_result *
cw_result_find(const struct cw_result *r, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(r[i].id, id) == 0)
			return &r[i];
	}
	return NULL;
}

void
cw_results_free(struct cw_result *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].id);
		free(r[i].status);
		free(r[i].ts);
		free(r[i].v);
	}
	free(r);
}

/* Sort one result ascending by time (answers may be descending). */
static void
sort_points(struct cw_result *r)
{
	size_t i, j;
	int64_t t;
	double v;

	/* insertion sort: pages arrive nearly sorted */
	for (i = 1; i < r->n; i++) {
		t = r->ts[i];
		v = r->v[i];
		for (j = i; j > 0 && r->ts[j - 1] > t; j--) {
			r->ts[j] = r->ts[j - 1];
			r->v[j] = r->v[j - 1];
		}
		r->ts[j] = t;
		r->v[j] = v;
	}
}

int
cloudwatch_parse_get_metric_data(const cJSON *resp, struct cw_result **out,
    size_t *n, char **next_token, char **cause)
{
	const cJSON *list, *it, *ts, *vs, *t, *v;
	struct cw_result *r;
	const char *id;
	size_t i, nt, nv, k;

	*next_token = NULL;
	if ((list = aj_array(resp, "MetricDataResults")) == NULL) {
		*cause = xstrdup("GetMetricData: no MetricDataResults");
		return -1;
	}
	cJSON_ArrayForEach(it, list) {
		if ((id = aj_str(it, "Id")) == NULL)
			continue;
		r = NULL;
		for (i = 0; i < *n; i++) {
			if (strcmp((*out)[i].id, id) == 0)
				r = &(*out)[i];
		}
		if (r == NULL) {
			*out = xreallocarray(*out, *n + 1, sizeof **out);
			r = &(*out)[(*n)++];
			memset(r, 0, sizeof *r);
			r->id = aj_clean_str(id);
		}
		free(r->status);
		r->status = aj_clean(it, "StatusCode");
		ts = aj_array(it, "Timestamps");
		vs = aj_array(it, "Values");
		nt = (size_t)cJSON_GetArraySize(ts);
		nv = (size_t)cJSON_GetArraySize(vs);
		if (nt != nv) {
			*cause = xasprintf("GetMetricData: %s has %zu timestamps "
			    "and %zu values", r->id, nt, nv);
			return -1;
		}
		if (nt > 200000) {
			*cause = xstrdup("GetMetricData: too many datapoints");
			return -1;
		}
		r->ts = xreallocarray(r->ts, r->n + nt + 1, sizeof *r->ts);
		r->v = xreallocarray(r->v, r->n + nt + 1, sizeof *r->v);
		k = 0;
		t = ts != NULL ? ts->child : NULL;
		v = vs != NULL ? vs->child : NULL;
		for (; t != NULL && v != NULL; t = t->next, v = v->next) {
			if (!cJSON_IsNumber(t) || !cJSON_IsNumber(v))
				continue;
			r->ts[r->n + k] = (int64_t)t->valuedouble;
			r->v[r->n + k] = v->valuedouble;
			k++;
		}
		r->n += k;
		sort_points(r);
	}
	*next_token = xstrdup(aj_str(resp, "NextToken"));
	if (*next_token != NULL && **next_token == '\0') {
		free(*next_token);
		*next_token = NULL;
	}
	return 0;
}

cJSON *
cloudwatch_describe_alarms_request(const char *prefix, const char *next_token)
{
	cJSON *r = cJSON_CreateObject(), *types;

	aj_add_str(r, "AlarmNamePrefix", prefix);
	types = cJSON_AddArrayToObject(r, "AlarmTypes");
	cJSON_AddItemToArray(types, cJSON_CreateString("MetricAlarm"));
	cJSON_AddItemToArray(types, cJSON_CreateString("CompositeAlarm"));
	cJSON_AddNumberToObject(r, "MaxRecords", 100);
	aj_add_str(r, "NextToken", next_token);
	return r;
}

static void
add_alarm(const cJSON *it, const char *env, bool composite,
    struct alarm_info **out, size_t *n)
{
	struct alarm_info *a;
	const char *ns, *metric;

	if (aj_str(it, "AlarmName") == NULL)
		return;
	*out = xreallocarray(*out, *n + 1, sizeof **out);
	a = &(*out)[(*n)++];
	memset(a, 0, sizeof *a);
	a->env = xstrdup(env);
	a->name = aj_clean(it, "AlarmName");
	a->state = aj_clean(it, "StateValue");
	if (a->state == NULL)
		a->state = xstrdup("INSUFFICIENT_DATA");
	a->reason = aj_clean(it, "StateReason");
	a->updated_at = aj_time(it, "StateUpdatedTimestamp");
	ns = aj_str(it, "Namespace");
	metric = aj_str(it, "MetricName");
	if (composite)
		a->metric = xstrdup("composite");
	else if (ns != NULL && metric != NULL) {
		char *raw = xasprintf("%s/%s", ns, metric);

		a->metric = aj_clean_str(raw);
		free(raw);
	} else if (aj_array(it, "Metrics") != NULL)
		a->metric = xstrdup("metric math");
}

int
cloudwatch_parse_describe_alarms(const cJSON *resp, const char *env,
    struct alarm_info **out, size_t *n, char **next_token, char **cause)
{
	const cJSON *it;

	*next_token = NULL;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("DescribeAlarms: not an object");
		return -1;
	}
	cJSON_ArrayForEach(it, aj_array(resp, "MetricAlarms"))
		add_alarm(it, env, false, out, n);
	cJSON_ArrayForEach(it, aj_array(resp, "CompositeAlarms"))
		add_alarm(it, env, true, out, n);
	*next_token = xstrdup(aj_str(resp, "NextToken"));
	if (*next_token != NULL && **next_token == '\0') {
		free(*next_token);
		*next_token = NULL;
	}
	return 0;
}

cJSON *
cloudwatch_describe_alarm_history_request(const char *alarm_name,
    int max_records)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "AlarmName", alarm_name);
	cJSON_AddStringToObject(r, "HistoryItemType", "StateUpdate");
	cJSON_AddStringToObject(r, "ScanBy", "TimestampDescending");
	if (max_records < 1 || max_records > 100)
		max_records = 10;
	cJSON_AddNumberToObject(r, "MaxRecords", max_records);
	return r;
}

static int
hist_cmp(const void *a, const void *b)
{
	const struct alarm_history *x = a, *y = b;

	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
	return 0;
}

int
cloudwatch_parse_alarm_history(const cJSON *resp, struct alarm_history **out,
    size_t *n, char **cause)
{
	const cJSON *it;
	struct alarm_history *h;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("DescribeAlarmHistory: not an object");
		return -1;
	}
	cJSON_ArrayForEach(it, aj_array(resp, "AlarmHistoryItems")) {
		if (aj_str(it, "HistorySummary") == NULL)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		h = &(*out)[(*n)++];
		h->when = aj_time(it, "Timestamp");
		h->summary = aj_clean(it, "HistorySummary");
	}
	if (*n > 1)
		qsort(*out, *n, sizeof **out, hist_cmp);
	return 0;
}

static int
state_rank(const char *s)
{
	if (s != NULL && strcmp(s, "ALARM") == 0)
		return 0;
	if (s != NULL && strcmp(s, "OK") == 0)
		return 2;
	return 1;
}

static int
alarm_cmp(const void *a, const void *b)
{
	const struct alarm_info *x = a, *y = b;
	int rx = state_rank(x->state), ry = state_rank(y->state), c;

	if (rx != ry)
		return rx - ry;
	if ((c = strcmp(x->env != NULL ? x->env : "",
	    y->env != NULL ? y->env : "")) != 0)
		return c;
	return strcmp(x->name, y->name);
}

void
alarms_data_sort(struct alarms_data *d)
{
	size_t i;

	if (d->n > 1)
		qsort(d->alarms, d->n, sizeof *d->alarms, alarm_cmp);
	d->firing = 0;
	for (i = 0; i < d->n; i++) {
		if (state_rank(d->alarms[i].state) == 0)
			d->firing++;
	}
}
