/* Cost Explorer: month-to-date cost, forecast, and the on-disk cache. */
#include "aws/costexplorer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/awsjson.h"
#include "util/util.h"

#define CE_METRIC "UnblendedCost"

static void
add_filter(cJSON *r, const char *tag_key, const char *tag_value)
{
	cJSON *f, *tags, *vals;

	if (tag_key == NULL || *tag_key == '\0')
		return;
	f = cJSON_AddObjectToObject(r, "Filter");
	tags = cJSON_AddObjectToObject(f, "Tags");
	cJSON_AddStringToObject(tags, "Key", tag_key);
	vals = cJSON_AddArrayToObject(tags, "Values");
	cJSON_AddItemToArray(vals, cJSON_CreateString(
	    tag_value != NULL ? tag_value : ""));
}

cJSON *
ce_cost_and_usage_request(const char *start, const char *end,
    const char *tag_key, const char *tag_value, const char *next_page)
{
	cJSON *r, *tp, *metrics, *groups, *g;

	r = cJSON_CreateObject();
	tp = cJSON_AddObjectToObject(r, "TimePeriod");
	cJSON_AddStringToObject(tp, "Start", start);
	cJSON_AddStringToObject(tp, "End", end);
	cJSON_AddStringToObject(r, "Granularity", "DAILY");
	metrics = cJSON_AddArrayToObject(r, "Metrics");
	cJSON_AddItemToArray(metrics, cJSON_CreateString(CE_METRIC));
	groups = cJSON_AddArrayToObject(r, "GroupBy");
	g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "Type", "DIMENSION");
	cJSON_AddStringToObject(g, "Key", "SERVICE");
	cJSON_AddItemToArray(groups, g);
	add_filter(r, tag_key, tag_value);
	aj_add_str(r, "NextPageToken", next_page);
	return r;
}

/* Day of month of "YYYY-MM-DD", or 0. */
static int
day_of(const char *date)
{
	int y, m, d;

	if (date == NULL || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    d < 1 || d > 31)
		return 0;
	return d;
}

static void
add_service(struct cost_data *out, const char *raw, double amount)
{
	size_t i;

	for (i = 0; i < out->nby_service; i++) {
		if (strcmp(out->by_service[i].name, raw) == 0) {
			out->by_service[i].amount += amount;
			return;
		}
	}
	out->by_service = xreallocarray(out->by_service, out->nby_service + 1,
	    sizeof *out->by_service);
	out->by_service[out->nby_service].name = xstrdup(raw);
	out->by_service[out->nby_service].amount = amount;
	out->nby_service++;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct cost_item *x = a, *y = b;

	if (x->amount != y->amount)
		return x->amount > y->amount ? -1 : 1;
	return strcmp(x->name, y->name);
}

int
ce_parse_cost_and_usage(const cJSON *resp, struct cost_data *out,
    char **next_page, char **cause)
{
	const cJSON *list, *day, *grp, *keys, *metric, *total;
	const char *unit;
	char *name;
	double amount;
	int d;

	*next_page = NULL;
	if ((list = aj_array(resp, "ResultsByTime")) == NULL) {
		*cause = xstrdup("GetCostAndUsage: no ResultsByTime");
		return -1;
	}
	cJSON_ArrayForEach(day, list) {
		d = day_of(aj_str(aj_object(day, "TimePeriod"), "Start"));
		if (d == 0)
			continue;
		cJSON_ArrayForEach(grp, aj_array(day, "Groups")) {
			keys = aj_array(grp, "Keys");
			metric = aj_object(aj_object(grp, "Metrics"), CE_METRIC);
			if (keys == NULL || metric == NULL ||
			    !cJSON_IsString(cJSON_GetArrayItem(keys, 0)))
				continue;
			amount = aj_num(metric, "Amount", NAN);
			if (!isfinite(amount))
				continue;
			unit = aj_str(metric, "Unit");
			if (out->currency == NULL && unit != NULL)
				out->currency = aj_clean_str(unit);
			name = aj_clean_str(
			    cJSON_GetArrayItem(keys, 0)->valuestring);
			add_service(out, name, amount);
			free(name);
			out->daily[d - 1] += amount;
			out->mtd += amount;
			if (d > out->ndays)
				out->ndays = d;
		}
		/* Ungrouped answers carry the day's cost in Total. */
		if (aj_array(day, "Groups") == NULL ||
		    cJSON_GetArraySize(aj_array(day, "Groups")) == 0) {
			total = aj_object(aj_object(day, "Total"), CE_METRIC);
			amount = aj_num(total, "Amount", NAN);
			if (isfinite(amount)) {
				out->daily[d - 1] += amount;
				out->mtd += amount;
				if (d > out->ndays)
					out->ndays = d;
			}
		}
	}
	if (out->nby_service > 1)
		qsort(out->by_service, out->nby_service,
		    sizeof *out->by_service, item_cmp);
	if (out->currency == NULL)
		out->currency = xstrdup("USD");
	*next_page = xstrdup(aj_str(resp, "NextPageToken"));
	if (*next_page != NULL && **next_page == '\0') {
		free(*next_page);
		*next_page = NULL;
	}
	return 0;
}

cJSON *
ce_forecast_request(const char *start, const char *end, const char *tag_key,
    const char *tag_value)
{
	cJSON *r, *tp;

	r = cJSON_CreateObject();
	tp = cJSON_AddObjectToObject(r, "TimePeriod");
	cJSON_AddStringToObject(tp, "Start", start);
	cJSON_AddStringToObject(tp, "End", end);
	cJSON_AddStringToObject(r, "Metric", "UNBLENDED_COST");
	cJSON_AddStringToObject(r, "Granularity", "MONTHLY");
	add_filter(r, tag_key, tag_value);
	return r;
}

int
ce_parse_forecast(const cJSON *resp, double *amount, char **cause)
{
	const cJSON *total;
	double a;

	total = aj_object(resp, "Total");
	a = aj_num(total, "Amount", NAN);
	if (!isfinite(a)) {
		*cause = xstrdup("GetCostForecast: no Total.Amount");
		return -1;
	}
	*amount = a;
	return 0;
}

void
ce_month_window(int64_t now, char *start, char *end, char *fc_start,
    char *fc_end, int *days_so_far)
{
	time_t t = (time_t)now;
	struct tm tm, x;

	gmtime_r(&t, &tm);
	strftime(start, 11, "%Y-%m-01", &tm);
	strftime(fc_start, 11, "%Y-%m-%d", &tm);
	if (tm.tm_mday == 1) {
		x = tm;
		x.tm_mday++;
		x.tm_hour = 12;
		t = timegm(&x);
		gmtime_r(&t, &x);
		strftime(end, 11, "%Y-%m-%d", &x);
	} else
		strftime(end, 11, "%Y-%m-%d", &tm);
	x = tm;
	x.tm_mday = 1;
	x.tm_mon++;
	x.tm_hour = 12;
	t = timegm(&x);
	gmtime_r(&t, &x);
	strftime(fc_end, 11, "%Y-%m-01", &x);
	*days_so_far = tm.tm_mday;
}

static void
month_of(int64_t now, char *out)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 8, "%Y-%m", &tm);
}

char *
cost_cache_encode(const struct cost_data *d, int64_t fetched_ms)
{
	cJSON *r, *arr, *it;
	char month[8], *s;
	size_t i;
	int k;

	r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "version", 1);
	month_of(fetched_ms / 1000, month);
	cJSON_AddStringToObject(r, "month", month);
	cJSON_AddNumberToObject(r, "fetched_at_ms", (double)fetched_ms);
	cJSON_AddStringToObject(r, "currency",
	    d->currency != NULL ? d->currency : "USD");
	cJSON_AddNumberToObject(r, "mtd", d->mtd);
	cJSON_AddNumberToObject(r, "forecast", d->forecast);
	cJSON_AddNumberToObject(r, "ndays", d->ndays);
	arr = cJSON_AddArrayToObject(r, "daily");
	for (k = 0; k < 31; k++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(d->daily[k]));
	arr = cJSON_AddArrayToObject(r, "by_service");
	for (i = 0; i < d->nby_service; i++) {
		it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "name", d->by_service[i].name);
		cJSON_AddNumberToObject(it, "amount", d->by_service[i].amount);
		cJSON_AddItemToArray(arr, it);
	}
	s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	if (s == NULL)
		fatal("out of memory");
	return s;
}

struct cost_data *
cost_cache_decode(const char *text, int64_t now, int64_t *fetched_ms,
    char **cause)
{
	cJSON *r;
	const cJSON *it;
	struct cost_data *d;
	char month[8], *name;
	const char *m;
	double a;
	int k;

	if ((r = cJSON_Parse(text)) == NULL) {
		*cause = xstrdup("cost cache: not JSON");
		return NULL;
	}
	month_of(now, month);
	if ((m = aj_str(r, "month")) == NULL || strcmp(m, month) != 0 ||
	    aj_num(r, "version", 0) != 1) {
		*cause = xstrdup("cost cache: from another month or version");
		cJSON_Delete(r);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	*fetched_ms = (int64_t)aj_num(r, "fetched_at_ms", 0);
	d->currency = aj_clean(r, "currency");
	if (d->currency == NULL)
		d->currency = xstrdup("USD");
	d->mtd = aj_num(r, "mtd", 0);
	d->forecast = aj_num(r, "forecast", 0);
	k = (int)aj_num(r, "ndays", 0);
	d->ndays = k < 0 ? 0 : k > 31 ? 31 : k;
	k = 0;
	cJSON_ArrayForEach(it, aj_array(r, "daily")) {
		if (k < 31 && cJSON_IsNumber(it))
			d->daily[k] = it->valuedouble;
		k++;
	}
	cJSON_ArrayForEach(it, aj_array(r, "by_service")) {
		name = aj_clean(it, "name");
		a = aj_num(it, "amount", NAN);
		if (name != NULL && isfinite(a))
			add_service(d, name, a);
		free(name);
	}
	cJSON_Delete(r);
	if (*fetched_ms <= 0 || !isfinite(d->mtd)) {
		cost_data_free(d);
		*cause = xstrdup("cost cache: no fetch time");
		return NULL;
	}
	return d;
}
