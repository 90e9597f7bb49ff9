/* Tests for standard-mode retry decisions, the quota, skew and usage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/client.h"
#include "aws/retry.h"
#include "util/util.h"

static void
backoff__full_jitter__capped_exponential(void **state)
{
	/* r = 0 waits nothing; r -> 1 waits the cap 1, 2, 4, 8, 16, 20 s. */
	assert_int_equal(retry_backoff_ms(1, 0.0), 0);
	assert_int_equal(retry_backoff_ms(1, 0.5), 500);
	assert_int_equal(retry_backoff_ms(2, 0.5), 1000);
	assert_int_equal(retry_backoff_ms(3, 0.5), 2000);
	assert_int_equal(retry_backoff_ms(4, 0.25), 2000);
	assert_int_equal(retry_backoff_ms(5, 0.5), 8000);
	assert_int_equal(retry_backoff_ms(6, 0.5), 10000);
	assert_int_equal(retry_backoff_ms(7, 0.5), 10000);
	assert_int_equal(retry_backoff_ms(60, 0.5), 10000);
	assert_true(retry_backoff_ms(6, 0.9999) < 20000);
	assert_true(retry_backoff_ms(6, 0.9999) >= 19990);
	/* Out-of-range random values are clamped, not trusted. */
	assert_int_equal(retry_backoff_ms(2, -3.0), 0);
	assert_true(retry_backoff_ms(2, 7.0) < 2000);
}

static void
decide__retryable_until_max_attempts__then_stop(void **state)
{
	struct retry_quota q;
	struct aws_error e = {0};
	int acquired;

	retry_quota_init(&q);
	aws_error_set(&e, AWS_ERR_SERVICE, "ThrottlingException", 400, "x");
	assert_true(retry_decide(&e, 1, 3, &q, &acquired));
	assert_int_equal(acquired, RETRY_QUOTA_COST);
	assert_true(retry_decide(&e, 2, 3, &q, &acquired));
	assert_false(retry_decide(&e, 3, 3, &q, &acquired));
	assert_int_equal(acquired, 0);
	assert_int_equal(retry_quota_available(&q), 500 - 2 * 5);

	aws_error_set(&e, AWS_ERR_SERVICE, "ValidationException", 400, "x");
	assert_false(retry_decide(&e, 1, 3, &q, &acquired));
	assert_int_equal(retry_quota_available(&q), 490);

	aws_error_set(&e, AWS_ERR_TRANSPORT, "ReadTimeout", 0, "x");
	assert_true(retry_decide(&e, 1, 3, &q, &acquired));
	assert_int_equal(acquired, RETRY_QUOTA_TIMEOUT_COST);
	assert_int_equal(retry_quota_available(&q), 480);

	aws_error_set(&e, AWS_ERR_READ_ONLY, "ReadOnlyMode", 0, "x");
	assert_false(retry_decide(&e, 1, 3, &q, &acquired));
	aws_error_clear(&e);
	retry_quota_destroy(&q);
}

static void
quota__drained__no_more_retries_until_refund(void **state)
{
	struct retry_quota q;
	struct aws_error e = {0};
	int acquired, n = 0;

	retry_quota_init(&q);
	aws_error_set(&e, AWS_ERR_SERVICE, "InternalFailure", 500, "x");
	while (retry_decide(&e, 1, 3, &q, &acquired))
		n++;
	assert_int_equal(n, 500 / 5);
	assert_int_equal(retry_quota_available(&q), 0);
	assert_false(retry_decide(&e, 1, 3, &q, &acquired));

	/* A success after a retry refunds that retry's cost... */
	retry_quota_release(&q, 5);
	assert_int_equal(retry_quota_available(&q), 5);
	assert_true(retry_decide(&e, 1, 3, &q, &acquired));
	/* ...a first-try success refunds one token. */
	retry_quota_release(&q, 0);
	assert_int_equal(retry_quota_available(&q), 1);
	assert_false(retry_decide(&e, 1, 3, &q, &acquired));

	/* Never above the initial capacity. */
	for (n = 0; n < 600; n++)
		retry_quota_release(&q, 10);
	assert_int_equal(retry_quota_available(&q), RETRY_QUOTA_INITIAL);
	aws_error_clear(&e);
	retry_quota_destroy(&q);
}

static void
skew_from_date__far_and_near__offset_or_zero(void **state)
{
	/* Wed, 25 Nov 2026 09:00:00 GMT */
	int64_t server = 1795597200;
	long off = 12345;

	assert_true(retry_skew_from_date("Wed, 25 Nov 2026 09:00:00 GMT",
	                                 (server - 600) * 1000, &off));
	assert_int_equal(off, 600);
	assert_true(retry_skew_from_date("Wed, 25 Nov 2026 09:00:00 GMT",
	                                 (server + 3600) * 1000 + 999, &off));
	assert_int_equal(off, -3600);
	/* Within four minutes: clocks agree. */
	assert_true(retry_skew_from_date("Wed, 25 Nov 2026 09:00:00 GMT",
	                                 (server - 200) * 1000, &off));
	assert_int_equal(off, 0);
	/* Without the weekday: still parsed. */
	assert_true(retry_skew_from_date("25 Nov 2026 09:00:00 GMT",
	                                 (server - 600) * 1000, &off));
	assert_int_equal(off, 600);
	off = 77;
	assert_false(retry_skew_from_date("yesterday", server * 1000, &off));
	assert_false(retry_skew_from_date("Wed, 25 Foo 2026 09:00:00 GMT",
	                                  server * 1000, &off));
	assert_false(retry_skew_from_date("Wed, 25 ov 2026 09:00:00 GMT",
	                                  server * 1000, &off));
	assert_false(retry_skew_from_date("Wed, 25 Nov 2026 29:00:00 GMT",
	                                  server * 1000, &off));
	assert_false(retry_skew_from_date(NULL, server * 1000, &off));
	assert_false(retry_skew_from_date("", server * 1000, &off));
	assert_int_equal(off, 77);
}

static void
skew_and_token_errors__classified(void **state)
{
	struct aws_error e = {0};

	aws_error_set(&e, AWS_ERR_SERVICE, "RequestTimeTooSkewed", 403, "x");
	assert_true(retry_is_skew_error(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "InvalidSignatureException", 400,
	              "Signature expired");
	assert_true(retry_is_skew_error(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "RequestExpired", 400, "x");
	assert_true(retry_is_skew_error(&e));
	assert_false(retry_is_expired_token(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "ExpiredTokenException", 400, "x");
	assert_true(retry_is_expired_token(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "ExpiredToken", 400, "x");
	assert_true(retry_is_expired_token(&e));
	aws_error_set(&e, AWS_ERR_TRANSPORT, "ExpiredToken", 0, "x");
	assert_false(retry_is_expired_token(&e));
	aws_error_clear(&e);
}

static void
usage__attempts_errors_metrics_ce__counted(void **state)
{
	struct aws_usage u;
	struct aws_error e = {0};
	cJSON *req;
	size_t i;
	const struct aws_usage_op *gmd = NULL, *ce = NULL;

	aws_usage_reset();
	req = cJSON_Parse("{\"MetricDataQueries\":["
	                  "{\"Id\":\"a\",\"MetricStat\":{\"Metric\":{}}},"
	                  "{\"Id\":\"b\",\"MetricStat\":{\"Metric\":{}}},"
	                  "{\"Id\":\"c\",\"Expression\":\"a+b\"}]}");
	assert_non_null(req);
	aws_error_set(&e, AWS_ERR_SERVICE, "Throttling", 400, "x");
	usage_count_attempt(AWS_SVC_CLOUDWATCH, "GetMetricData", &e, false);
	usage_count_attempt(AWS_SVC_CLOUDWATCH, "GetMetricData", NULL, true);
	usage_count_success(AWS_SVC_CLOUDWATCH, "GetMetricData", req);
	usage_count_attempt(AWS_SVC_CE, "GetCostAndUsage", NULL, false);
	usage_count_success(AWS_SVC_CE, "GetCostAndUsage", NULL);
	/* DescribeAlarms costs nothing extra. */
	usage_count_attempt(AWS_SVC_CLOUDWATCH, "DescribeAlarms", NULL, false);
	usage_count_success(AWS_SVC_CLOUDWATCH, "DescribeAlarms", req);

	aws_usage_get(&u);
	assert_int_equal(u.calls, 4);
	assert_int_equal(u.errors, 1);
	assert_int_equal(u.throttles, 1);
	assert_int_equal(u.retries, 1);
	assert_int_equal(u.metrics_requested, 2);
	assert_int_equal(u.ce_requests, 1);
	assert_true(u.dollars > 0.01 + 2 * 0.00001 - 1e-9);
	assert_true(u.dollars < 0.01 + 2 * 0.00001 + 1e-9);
	assert_int_equal(u.nops, 3);
	for (i = 0; i < u.nops; i++) {
		if (strcmp(u.ops[i].operation, "GetMetricData") == 0)
			gmd = &u.ops[i];
		if (strcmp(u.ops[i].operation, "GetCostAndUsage") == 0)
			ce = &u.ops[i];
	}
	assert_non_null(gmd);
	assert_int_equal(gmd->svc, AWS_SVC_CLOUDWATCH);
	assert_int_equal(gmd->calls, 2);
	assert_int_equal(gmd->errors, 1);
	assert_int_equal(gmd->throttles, 1);
	assert_int_equal(gmd->retries, 1);
	assert_non_null(ce);
	assert_int_equal(ce->svc, AWS_SVC_CE);
	assert_int_equal(ce->calls, 1);

	aws_usage_reset();
	aws_usage_get(&u);
	assert_int_equal(u.calls, 0);
	assert_int_equal(u.nops, 0);
	cJSON_Delete(req);
	aws_error_clear(&e);
}

static void
usage__table_full__totals_still_count(void **state)
{
	struct aws_usage u;
	char op[32];
	int i;

	aws_usage_reset();
	for (i = 0; i < 100; i++) {
		snprintf(op, sizeof op, "Op%d", i);
		usage_count_attempt(AWS_SVC_LOGS, op, NULL, false);
	}
	aws_usage_get(&u);
	assert_int_equal(u.calls, 100);
	assert_int_equal(u.nops, nitems(u.ops));
	aws_usage_reset();
}

static void
env_default__random_in_range__and_clock_sane(void **state)
{
	const struct retry_env *env = retry_env_default();
	double r;
	int i;

	for (i = 0; i < 1000; i++) {
		r = env->random(env->ctx);
		assert_true(r >= 0.0 && r < 1.0);
	}
	assert_true(env->now_ms(env->ctx) / 1000 - (int64_t)time(NULL) <= 1);
	env->sleep_ms(env->ctx, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(backoff__full_jitter__capped_exponential),
	    cmocka_unit_test(decide__retryable_until_max_attempts__then_stop),
	    cmocka_unit_test(quota__drained__no_more_retries_until_refund),
	    cmocka_unit_test(skew_from_date__far_and_near__offset_or_zero),
	    cmocka_unit_test(skew_and_token_errors__classified),
	    cmocka_unit_test(usage__attempts_errors_metrics_ce__counted),
	    cmocka_unit_test(usage__table_full__totals_still_count),
	    cmocka_unit_test(env_default__random_in_range__and_clock_sane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
