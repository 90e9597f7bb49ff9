/* What the pollers learn and the views draw: plain structs, no I/O. */
#ifndef MOMENTUM_MODEL_H
#define MOMENTUM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every string in these structs came through text_sanitize() at
 * ingestion (src/util/sanitize.h): it is valid UTF-8 with no control,
 * escape, bidi or zero-width characters, and views may print it as is.
 */

#define MODEL_MAX_SERIES 1440	/* points per series: 24h at 1 min */

enum metric_kind {
	MET_REQUESTS,		/* requests per second (Sum/period) */
	MET_LAT_P50,		/* ms */
	MET_LAT_P99,		/* ms */
	MET_4XX_PCT,
	MET_5XX_PCT,
	MET_CPU,		/* % */
	MET_MEM,		/* % */
	MET_INSTANCES,		/* ActiveInstances */
	MET_CONCURRENCY,
	MET_COUNT
};

struct series {
	int64_t start;		/* epoch seconds of points[0] */
	int period;		/* seconds between points */
	size_t n;
	double *v;		/* NAN where there is no datapoint */
};

struct op_info {		/* App Runner operation */
	char *id;
	char *type;		/* START_DEPLOYMENT, UPDATE_SERVICE, ... */
	char *status;		/* PENDING, IN_PROGRESS, SUCCEEDED, FAILED, ... */
	int64_t started_at, ended_at, updated_at;
};

struct service_info {
	char *role;		/* config name: "frontend", "api", "worker" */
	char *name;		/* App Runner ServiceName */
	char *arn;
	char *id;
	char *status;		/* RUNNING, OPERATION_IN_PROGRESS, PAUSED, ... */
	char *url;
	char *image;		/* ImageIdentifier (repo:tag or repo@digest) */
	char *image_digest;	/* sha256:..., from ECR when known */
	char *cpu;		/* "1024" */
	char *memory;		/* "2048" */
	char *asc_arn;
	char *asc_name;
	int asc_revision;
	int min_size, max_size, max_concurrency;
	int64_t updated_at;
	struct op_info *ops;	/* newest first */
	size_t nops;
	char *image_tag;	/* a tag of the running image (not "latest" if
				   another exists), from ECR when known */
};

struct services_data {
	struct service_info *svcs;
	size_t n;
};

struct service_metrics {
	char *role;
	struct series s[MET_COUNT];
	double last[MET_COUNT];	/* newest non-NAN value, NAN if none */
};

enum infra_kind { INFRA_RDS, INFRA_REDIS, INFRA_CLOUDFRONT, INFRA_ALB, INFRA_COUNT };

/* Health rows: up to 4 named values each ("CPU 23%", "conn 41"...). */
struct infra_row {
	enum infra_kind kind;
	char *name;		/* identifier from config */
	size_t nvals;
	char *labels[4];
	double vals[4];
	char *units[4];
	struct series trend;	/* first value over the last hour */
};

struct metrics_data {
	struct service_metrics *svcs;
	size_t nsvcs;
	struct infra_row infra[INFRA_COUNT];
	size_t ninfra;
	int64_t range_start, range_end;
	int period;
};

struct alarm_history {
	int64_t when;
	char *summary;
};

struct alarm_info {
	char *env;
	char *name;
	char *state;		/* OK, ALARM, INSUFFICIENT_DATA */
	char *reason;
	char *metric;		/* namespace/metric */
	int64_t updated_at;
	struct alarm_history *hist;	/* newest first */
	size_t nhist;
};

struct alarms_data {
	struct alarm_info *alarms;	/* ALARM first, then by name */
	size_t n;
	size_t firing;
};

struct cost_item {
	char *name;		/* service or tag value */
	double amount;
};

struct cost_data {
	char *currency;		/* "USD" */
	double mtd;		/* month to date */
	double forecast;	/* end of month estimate (mtd + forecast rest) */
	double budget_low, budget_high;
	struct cost_item *by_service;	/* largest first */
	size_t nby_service;
	double daily[31];	/* index = day of month - 1 */
	int ndays;		/* days so far this month */
};

/* ---- service detail: one service over a chosen window ---------------- */

enum detail_window { DETAIL_1H, DETAIL_3H, DETAIL_12H, DETAIL_24H, DETAIL_7D,
	DETAIL_COUNT };

struct detail_data {
	char *role;
	enum detail_window window;
	int64_t range_start, range_end;	/* epoch seconds */
	int period;			/* seconds between points */
	struct service_metrics m;	/* m.role == role */
};

/* Window length in seconds, its period, and a label ("1h" ... "7d"). */
int64_t detail_window_seconds(enum detail_window w);
int detail_window_period(enum detail_window w);
const char *detail_window_name(enum detail_window w);

/* ---- helpers (src/model/model.c) --------------------------------------- */

/* free_data functions for snapshots; NULL is a no-op. */
void services_data_free(void *p);
void metrics_data_free(void *p);
void alarms_data_free(void *p);
void cost_data_free(void *p);
void detail_data_free(void *p);
void op_info_clear(struct op_info *o);
void service_info_clear(struct service_info *s);
void service_metrics_clear(struct service_metrics *m);
void alarm_info_clear(struct alarm_info *a);

/* n points from start every period seconds, all NAN. */
void series_init(struct series *s, int64_t start, int period, size_t n);
void series_free(struct series *s);
/* Set the point covering epoch second t; ignored when outside. */
void series_set(struct series *s, int64_t t, double v);
/* Newest non-NAN value, NAN when none. */
double series_last(const struct series *s);
/* Largest non-NAN value, NAN when none. */
double series_max(const struct series *s);
/* Short metric name: "req/s", "p50", "p99", "4xx%", ... */
const char *metric_kind_name(enum metric_kind k);

#endif
