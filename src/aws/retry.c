/* Standard retry mode: backoff, retry quota, and clock-skew detection. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "aws/retry.h"
#include "util/util.h"

static int64_t
retry_real_now(void *ctx)
{
	return now_ms();
}

static void
retry_real_sleep(void *ctx, int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Uniform in [0, 1) from OpenSSL's thread-safe generator. */
static double
retry_real_random(void *ctx)
{
	uint64_t v = 0;

	if (RAND_bytes((unsigned char *)&v, sizeof v) != 1)
		v = (uint64_t)mono_ms() * 6364136223846793005ULL;
	return (double)(v >> 11) / 9007199254740992.0; /* 2^53 */
}

static const struct retry_env retry_default_env = {
    .now_ms = retry_real_now,
    .sleep_ms = retry_real_sleep,
    .random = retry_real_random,
    .ctx = NULL,
};

const struct retry_env *
retry_env_default(void)
{
	return &retry_default_env;
}

void
retry_quota_init(struct retry_quota *q)
{
	pthread_mutex_init(&q->lock, NULL);
	q->capacity = RETRY_QUOTA_INITIAL;
	q->max = RETRY_QUOTA_INITIAL;
}

void
retry_quota_destroy(struct retry_quota *q)
{
	pthread_mutex_destroy(&q->lock);
}

static bool
retry_is_timeout(const struct aws_error *e)
{
	return e->kind == AWS_ERR_TRANSPORT && e->code != NULL &&
	       strstr(e->code, "Timeout") != NULL;
}

/* Take 10 (timeout) or 5 tokens; 0 when the bucket cannot pay. */
int
retry_quota_acquire(struct retry_quota *q, const struct aws_error *e)
{
	int cost =
	    retry_is_timeout(e) ? RETRY_QUOTA_TIMEOUT_COST : RETRY_QUOTA_COST;

	pthread_mutex_lock(&q->lock);
	if (q->capacity < cost)
		cost = 0;
	else
		q->capacity -= cost;
	pthread_mutex_unlock(&q->lock);
	return cost;
}

/* After success: refund the last retry's cost, or 1 for a first-try success. */
void
retry_quota_release(struct retry_quota *q, int acquired)
{
	pthread_mutex_lock(&q->lock);
	q->capacity += acquired > 0 ? acquired : RETRY_QUOTA_SUCCESS;
	if (q->capacity > q->max)
		q->capacity = q->max;
	pthread_mutex_unlock(&q->lock);
}

int
retry_quota_available(struct retry_quota *q)
{
	int n;

	pthread_mutex_lock(&q->lock);
	n = q->capacity;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/*
 * r * min(2^(attempt-1), 20) seconds: the first retry waits up to 1 s,
 * the second up to 2 s, then 4, 8, 16, 20, 20...
 */
int64_t
retry_backoff_ms(int attempt, double r)
{
	int64_t cap = 1000;
	int i;

	if (r < 0)
		r = 0;
	if (r >= 1)
		r = 0.999999;
	for (i = 1; i < attempt && cap < RETRY_MAX_BACKOFF_MS; i++)
		cap *= 2;
	if (cap > RETRY_MAX_BACKOFF_MS)
		cap = RETRY_MAX_BACKOFF_MS;
	return (int64_t)(r * (double)cap);
}

bool
retry_decide(const struct aws_error *e, int attempt, int max_attempts,
             struct retry_quota *q, int *acquired)
{
	*acquired = 0;
	if (!aws_error_is_retryable(e))
		return false;
	if (attempt >= max_attempts)
		return false;
	*acquired = retry_quota_acquire(q, e);
	return *acquired > 0;
}

static bool
retry_code_is(const struct aws_error *e, const char *const *codes)
{
	if (e->kind != AWS_ERR_SERVICE || e->code == NULL)
		return false;
	for (; *codes != NULL; codes++) {
		if (strcmp(e->code, *codes) == 0)
			return true;
	}
	return false;
}

/* botocore's clock-skew codes; a retry also needs the Date to show skew. */
bool
retry_is_skew_error(const struct aws_error *e)
{
	static const char *const codes[] = {"RequestTimeTooSkewed",
	                                    "RequestExpired",
	                                    "RequestInTheFuture",
	                                    "InvalidSignatureException",
	                                    "SignatureDoesNotMatch",
	                                    "AuthFailure",
	                                    NULL};

	return retry_code_is(e, codes);
}

bool
retry_is_expired_token(const struct aws_error *e)
{
	static const char *const codes[] = {"ExpiredToken",
	                                    "ExpiredTokenException", NULL};

	return retry_code_is(e, codes);
}

/*
 * IMF-fixdate ("Wed, 25 Nov 2026 09:21:16 GMT") to time_t, by hand:
 * strptime's %a and %b follow the locale, and the console runs under
 * the user's locale for ncursesw.  (time_t)-1 when malformed.
 */
static time_t
retry_parse_http_date(const char *date)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p, *m;
	char mon[4];
	struct tm tm;
	int n = 0;

	p = strchr(date, ',');
	p = p != NULL ? p + 1 : date;
	memset(&tm, 0, sizeof tm);
	if (sscanf(p, " %2d %3s %4d %2d:%2d:%2d%n", &tm.tm_mday, mon,
	           &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n == 0)
		return (time_t)-1;
	m = strlen(mon) == 3 ? strstr(months, mon) : NULL;
	if (m == NULL || (m - months) % 3 != 0)
		return (time_t)-1;
	if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
		return (time_t)-1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

bool
retry_skew_from_date(const char *date, int64_t local_ms, long *offset_s)
{
	time_t server;
	long diff;

	if (date == NULL || *date == '\0')
		return false;
	server = retry_parse_http_date(date);
	if (server == (time_t)-1)
		return false;
	diff = (long)((int64_t)server - local_ms / 1000);
	*offset_s = labs(diff) > RETRY_SKEW_THRESHOLD_S ? diff : 0;
	return true;
}
