/* Client-core internals: retry policy, clock skew, usage counting, debug. */
#ifndef MOMENTUM_AWS_RETRY_H
#define MOMENTUM_AWS_RETRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "aws/service.h"

struct aws_client;

/*
 * The clock, sleep and random source the retry loop uses.  Tests inject
 * their own to check decisions without waiting.  now_ms is wall-clock
 * milliseconds (signing time, skew); random returns [0, 1).
 */
struct retry_env {
	int64_t (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, int64_t ms);
	double (*random)(void *ctx);
	void *ctx;
};

/* The real clock, nanosleep and a thread-safe random source. */
const struct retry_env *retry_env_default(void);

/* Standard mode constants (botocore retries/standard.py, quota.py). */
#define RETRY_MAX_ATTEMPTS 3
#define RETRY_MAX_BACKOFF_MS 20000
#define RETRY_QUOTA_INITIAL 500
#define RETRY_QUOTA_COST 5
#define RETRY_QUOTA_TIMEOUT_COST 10
#define RETRY_QUOTA_SUCCESS 1
/* A response Date further than this from our clock means skew. */
#define RETRY_SKEW_THRESHOLD_S 240

/* The retry token bucket (one per client).  All fields under lock. */
struct retry_quota {
	pthread_mutex_t lock;
	int capacity;
	int max;
};

void retry_quota_init(struct retry_quota *q);
void retry_quota_destroy(struct retry_quota *q);
/*
 * Take the cost of retrying after e (10 for timeouts, 5 otherwise).
 * Returns the amount taken, or 0 when the bucket cannot pay (no retry).
 */
int retry_quota_acquire(struct retry_quota *q, const struct aws_error *e);
/*
 * After a successful call: give back what the last retry took
 * (acquired > 0), or RETRY_QUOTA_SUCCESS when there was no retry;
 * never above the initial capacity.
 */
void retry_quota_release(struct retry_quota *q, int acquired);
int retry_quota_available(struct retry_quota *q);

/*
 * Full-jitter backoff before attempt+1, attempt being the 1-based number
 * of the attempt that failed: r * min(2^(attempt-1) s, 20 s), r in [0,1).
 */
int64_t retry_backoff_ms(int attempt, double r);

/*
 * Should a call retry after attempt (1-based) failed with e?  True when
 * e is retryable, attempts remain and the quota pays; *acquired receives
 * what the quota took.
 */
bool retry_decide(const struct aws_error *e, int attempt, int max_attempts,
                  struct retry_quota *q, int *acquired);

/* Errors that mean our clock is off (RequestTimeTooSkewed, ...). */
bool retry_is_skew_error(const struct aws_error *e);
/* ExpiredToken / ExpiredTokenException: refresh credentials, retry once. */
bool retry_is_expired_token(const struct aws_error *e);

/*
 * Parse an HTTP Date ("Wed, 25 Nov 2026 09:21:16 GMT") and compare it
 * with local_ms.  Returns false (offset untouched) when unparseable;
 * else true with *offset_s = server - local in seconds when they differ
 * by more than RETRY_SKEW_THRESHOLD_S, or 0 when the clocks agree.
 */
bool retry_skew_from_date(const char *date, int64_t local_ms, long *offset_s);

/* Use env instead of the real clock/sleep/random (tests). */
void aws_client_set_retry_env(struct aws_client *c,
                              const struct retry_env *env);
/* Current clock offset (server - local seconds) the client signs with. */
long aws_client_skew(struct aws_client *c);

/* ---- usage accounting (usage.c) ------------------------------------- */

/* One HTTP attempt of svc/op went out; err NULL on a 2xx answer. */
void usage_count_attempt(enum aws_service_id svc, const char *op,
                         const struct aws_error *err, bool is_retry);
/*
 * A call succeeded: bill what AWS bills (GetMetricData metrics requested
 * = MetricDataQueries entries with a MetricStat; one CE request).
 */
void usage_count_success(enum aws_service_id svc, const char *op,
                         const cJSON *request);

/* ---- debug output (MOMENTUM_DEBUG=1) -------------------------------- */

/* "Authorization: [redacted]" for secret headers, else a copy.  Caller frees.
 */
char *debug_redact_header(const char *line);
/*
 * Copy of body with the values of secret fields (SecretAccessKey,
 * SessionToken, authorizationToken, password...) replaced by
 * "[redacted]", in JSON strings and XML elements.  Caller frees.
 */
char *debug_redact_body(const char *body, size_t len);

#endif
