/* Model structs: freeing them, and small series helpers. */
#include "model/model.h"

#include <math.h>
#include <stdlib.h>

#include "util/util.h"

static const struct {
	int64_t seconds;
	int period;
	const char *name;
} detail_windows[DETAIL_COUNT] = {
	[DETAIL_1H] = { 3600, 60, "1h" },
	[DETAIL_3H] = { 3 * 3600, 60, "3h" },
	[DETAIL_12H] = { 12 * 3600, 300, "12h" },
	[DETAIL_24H] = { 24 * 3600, 300, "24h" },
	[DETAIL_7D] = { 7 * 24 * 3600, 3600, "7d" },
};

int64_t
detail_window_seconds(enum detail_window w)
{
	if ((unsigned)w >= DETAIL_COUNT)
		return 3600;
	return detail_windows[w].seconds;
}

int
detail_window_period(enum detail_window w)
{
	if ((unsigned)w >= DETAIL_COUNT)
		return 60;
	return detail_windows[w].period;
}

const char *
detail_window_name(enum detail_window w)
{
	if ((unsigned)w >= DETAIL_COUNT)
		return "?";
	return detail_windows[w].name;
}

const char *
metric_kind_name(enum metric_kind k)
{
	static const char *names[MET_COUNT] = {
		[MET_REQUESTS] = "req/s",
		[MET_LAT_P50] = "p50",
		[MET_LAT_P99] = "p99",
		[MET_4XX_PCT] = "4xx%",
		[MET_5XX_PCT] = "5xx%",
		[MET_CPU] = "cpu%",
		[MET_MEM] = "mem%",
		[MET_INSTANCES] = "inst",
		[MET_CONCURRENCY] = "conc",
	};

	if ((unsigned)k >= MET_COUNT)
		return "?";
	return names[k];
}

void
series_init(struct series *s, int64_t start, int period, size_t n)
{
	size_t i;

	if (n > MODEL_MAX_SERIES)
		n = MODEL_MAX_SERIES;
	s->start = start;
	s->period = period > 0 ? period : 60;
	s->n = n;
	s->v = n ? xreallocarray(NULL, n, sizeof *s->v) : NULL;
	for (i = 0; i < n; i++)
		s->v[i] = NAN;
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void
series_set(struct series *s, int64_t t, double v)
{
	int64_t i;

	if (s->v == NULL || s->period <= 0 || t < s->start)
		return;
	i = (t - s->start) / s->period;
	if (i < 0 || (size_t)i >= s->n)
		return;
	s->v[i] = v;
}

double
series_last(const struct series *s)
{
	size_t i;

	for (i = s->n; i > 0; i--) {
		if (!isnan(s->v[i - 1]))
			return s->v[i - 1];
	}
	return NAN;
}

double
series_max(const struct series *s)
{
	double m = NAN;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!isnan(s->v[i]) && (isnan(m) || s->v[i] > m))
			m = s->v[i];
	}
	return m;
}

void
op_info_clear(struct op_info *o)
{
	free(o->id);
	free(o->type);
	free(o->status);
	o->id = o->type = o->status = NULL;
}

void
service_info_clear(struct service_info *s)
{
	size_t i;

	free(s->role);
	free(s->name);
	free(s->arn);
	free(s->id);
	free(s->status);
	free(s->url);
	free(s->image);
	free(s->image_digest);
	free(s->image_tag);
	free(s->cpu);
	free(s->memory);
	free(s->asc_arn);
	free(s->asc_name);
	for (i = 0; i < s->nops; i++)
		op_info_clear(&s->ops[i]);
	free(s->ops);
	*s = (struct service_info){ 0 };
}

void
services_data_free(void *p)
{
	struct services_data *d = p;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		service_info_clear(&d->svcs[i]);
	free(d->svcs);
	free(d);
}

void
service_metrics_clear(struct service_metrics *m)
{
	int k;

	free(m->role);
	m->role = NULL;
	for (k = 0; k < MET_COUNT; k++)
		series_free(&m->s[k]);
}

void
metrics_data_free(void *p)
{
	struct metrics_data *d = p;
	size_t i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsvcs; i++)
		service_metrics_clear(&d->svcs[i]);
	free(d->svcs);
	for (i = 0; i < INFRA_COUNT; i++) {
		free(d->infra[i].name);
		for (j = 0; j < 4; j++) {
			free(d->infra[i].labels[j]);
			free(d->infra[i].units[j]);
		}
		series_free(&d->infra[i].trend);
	}
	free(d);
}

void
alarm_info_clear(struct alarm_info *a)
{
	size_t i;

	free(a->env);
	free(a->name);
	free(a->state);
	free(a->reason);
	free(a->metric);
	for (i = 0; i < a->nhist; i++)
		free(a->hist[i].summary);
	free(a->hist);
	*a = (struct alarm_info){ 0 };
}

void
alarms_data_free(void *p)
{
	struct alarms_data *d = p;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		alarm_info_clear(&d->alarms[i]);
	free(d->alarms);
	free(d);
}

void
cost_data_free(void *p)
{
	struct cost_data *d = p;
	size_t i;

	if (d == NULL)
		return;
	free(d->currency);
	for (i = 0; i < d->nby_service; i++)
		free(d->by_service[i].name);
	free(d->by_service);
	free(d);
}

void
detail_data_free(void *p)
{
	struct detail_data *d = p;

	if (d == NULL)
		return;
	free(d->role);
	service_metrics_clear(&d->m);
	free(d);
}
