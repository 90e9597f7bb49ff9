/* CloudWatch: GetMetricData batches and alarms, as model structs. */
#ifndef MOMENTUM_CLOUDWATCH_H
#define MOMENTUM_CLOUDWATCH_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/model.h"

#define CW_MAX_QUERIES 500	/* GetMetricData limit per call */
#define CW_MAX_DIMS 3

/* One MetricStat query.  Strings are borrowed. */
struct cw_query {
	char id[24];		/* [a-z][a-zA-Z0-9_]* */
	const char *ns;
	const char *metric;
	const char *stat;	/* "Sum", "Average", "p99", ... */
	int period;
	size_t ndims;
	const char *dim_names[CW_MAX_DIMS];
	const char *dim_values[CW_MAX_DIMS];
};

/* One answer series, ascending by time. */
struct cw_result {
	char *id;
	char *status;		/* Complete, PartialData, ... */
	size_t n;
	int64_t *ts;		/* epoch seconds */
	double *v;
};

/* n <= CW_MAX_QUERIES queries over [start, end) (epoch seconds). */
cJSON *cloudwatch_get_metric_data_request(const struct cw_query *q,
    size_t n, int64_t start, int64_t end, const char *next_token);
/*
 * Append the results of one page to *out / *n (a page may continue an id
 * from an earlier page: its points are merged).  *next_token gets
 * NextToken or NULL (caller frees).
 */
int cloudwatch_parse_get_metric_data(const cJSON *resp,
    struct cw_result **out, size_t *n, char **next_token, char **cause);
void cw_results_free(struct cw_result *r, size_t n);
const struct cw_result *cw_result_find(const struct cw_result *r, size_t n,
    const char *id);

cJSON *cloudwatch_describe_alarms_request(const char *prefix,
    const char *next_token);
/* Append metric and composite alarms (env copied into each). */
int cloudwatch_parse_describe_alarms(const cJSON *resp, const char *env,
    struct alarm_info **out, size_t *n, char **next_token, char **cause);

cJSON *cloudwatch_describe_alarm_history_request(const char *alarm_name,
    int max_records);
/* State updates, newest first. */
int cloudwatch_parse_alarm_history(const cJSON *resp,
    struct alarm_history **out, size_t *n, char **cause);

/* ALARM first, then INSUFFICIENT_DATA, then OK; by name within; sets firing. */
void alarms_data_sort(struct alarms_data *d);

#endif
