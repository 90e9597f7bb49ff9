/* Process-wide API usage counters and the estimated bill they imply. */
#include <pthread.h>
#include <string.h>

#include "aws/client.h"
#include "aws/retry.h"
#include "util/util.h"

/* AWS list prices the estimate uses. */
#define USAGE_DOLLARS_PER_METRIC (0.01 / 1000.0)
#define USAGE_DOLLARS_PER_CE_REQUEST 0.01

/* Any thread may count; every access to usage_total is under usage_lock. */
static pthread_mutex_t usage_lock = PTHREAD_MUTEX_INITIALIZER;
static struct aws_usage usage_total;

/* The row for svc/op, created on first use; NULL when the table is full. */
static struct aws_usage_op *
usage_op(enum aws_service_id svc, const char *op)
{
	struct aws_usage_op *u;
	size_t i;

	for (i = 0; i < usage_total.nops; i++) {
		u = &usage_total.ops[i];
		if (u->svc == svc && strcmp(u->operation, op) == 0)
			return u;
	}
	if (usage_total.nops == nitems(usage_total.ops))
		return NULL;
	u = &usage_total.ops[usage_total.nops++];
	memset(u, 0, sizeof *u);
	u->svc = svc;
	strncpy(u->operation, op, sizeof u->operation - 1);
	return u;
}

void
usage_count_attempt(enum aws_service_id svc, const char *op,
                    const struct aws_error *err, bool is_retry)
{
	struct aws_usage_op *u;
	bool throttle = err != NULL && aws_error_is_throttle(err);

	pthread_mutex_lock(&usage_lock);
	u = usage_op(svc, op);
	usage_total.calls++;
	if (u != NULL)
		u->calls++;
	if (is_retry) {
		usage_total.retries++;
		if (u != NULL)
			u->retries++;
	}
	if (err != NULL) {
		usage_total.errors++;
		if (u != NULL)
			u->errors++;
	}
	if (throttle) {
		usage_total.throttles++;
		if (u != NULL)
			u->throttles++;
	}
	pthread_mutex_unlock(&usage_lock);
}

/* MetricDataQueries entries that fetch a metric (MetricStat), not math. */
static uint64_t
usage_metrics_in(const cJSON *request)
{
	const cJSON *queries, *q;
	uint64_t n = 0;

	queries =
	    cJSON_GetObjectItemCaseSensitive(request, "MetricDataQueries");
	if (!cJSON_IsArray(queries))
		return 0;
	cJSON_ArrayForEach(q, queries)
	{
		if (cJSON_IsObject(
		        cJSON_GetObjectItemCaseSensitive(q, "MetricStat")))
			n++;
	}
	return n;
}

void
usage_count_success(enum aws_service_id svc, const char *op,
                    const cJSON *request)
{
	uint64_t metrics = 0;
	bool ce = svc == AWS_SVC_CE;

	if (svc == AWS_SVC_CLOUDWATCH && strcmp(op, "GetMetricData") == 0 &&
	    request != NULL)
		metrics = usage_metrics_in(request);
	if (metrics == 0 && !ce)
		return;
	pthread_mutex_lock(&usage_lock);
	usage_total.metrics_requested += metrics;
	usage_total.dollars += (double)metrics * USAGE_DOLLARS_PER_METRIC;
	if (ce) {
		usage_total.ce_requests++;
		usage_total.dollars += USAGE_DOLLARS_PER_CE_REQUEST;
	}
	pthread_mutex_unlock(&usage_lock);
}

/* A consistent copy of the counters. */
void
aws_usage_get(struct aws_usage *out)
{
	pthread_mutex_lock(&usage_lock);
	*out = usage_total;
	pthread_mutex_unlock(&usage_lock);
}

void
aws_usage_reset(void)
{
	pthread_mutex_lock(&usage_lock);
	memset(&usage_total, 0, sizeof usage_total);
	pthread_mutex_unlock(&usage_lock);
}
