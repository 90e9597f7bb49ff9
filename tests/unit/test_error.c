/* Tests for typed AWS errors: parsing JSON 1.0/1.1, query header, XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/error.h"
#include "util/util.h"

/* Parse tests/data/errors/<name> as an error response body. */
static void
parse_file(struct aws_error *e, int status, const char *name,
           const char *query_error, const char *request_id)
{
	char *path, *body, *cause = NULL;
	size_t len;

	path = xasprintf("%s/tests/data/errors/%s", MOMENTUM_SOURCE_DIR, name);
	body = read_file(path, &len, &cause);
	if (body == NULL)
		fail_msg("%s", cause);
	aws_error_from_response(e, status, body, len, query_error, request_id);
	free(body);
	free(path);
}

static void
from_response__json10_with_query_header__legacy_code(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 404, "cloudwatch_json10_not_found.json",
	           "ResourceNotFound;Sender", "req-1");
	assert_int_equal(e.kind, AWS_ERR_SERVICE);
	assert_string_equal(e.code, "ResourceNotFound");
	assert_string_equal(e.message, "Alarm web-5xx does not exist");
	assert_int_equal(e.http_status, 404);
	assert_string_equal(e.request_id, "req-1");
	aws_error_clear(&e);
}

static void
from_response__json10_namespaced_type__short_code(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 400, "cloudwatch_json10_throttled.json", NULL, NULL);
	assert_string_equal(e.code, "ThrottlingException");
	assert_string_equal(e.message, "Rate exceeded");
	assert_null(e.request_id);
	assert_true(aws_error_is_throttle(&e));
	assert_true(aws_error_is_retryable(&e));
	assert_string_equal(aws_error_short(&e), "throttled");
	aws_error_clear(&e);
}

static void
from_response__json11_plain_type__code_and_message(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 400, "logs_json11_not_found.json", NULL, "abc");
	assert_string_equal(e.code, "ResourceNotFoundException");
	assert_string_equal(e.message,
	                    "The specified log group does not exist.");
	assert_false(aws_error_is_retryable(&e));
	aws_error_clear(&e);
}

static void
from_response__json11_type_with_url_suffix__code_stripped(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 400, "ecr_json11_access_denied.json", NULL, "rid");
	assert_string_equal(e.code, "AccessDeniedException");
	assert_non_null(strstr(e.message, "not authorized to perform: "
	                                  "ecr:PutImage"));
	assert_string_equal(aws_error_short(&e), "denied");
	aws_error_clear(&e);
}

static void
from_response__control_characters__stripped(void **state)
{
	struct aws_error e = {0};
	size_t i;

	parse_file(&e, 400, "apprunner_json10_invalid_request.json", NULL,
	           NULL);
	assert_string_equal(e.code, "InvalidRequestException");
	for (i = 0; e.message[i] != '\0'; i++)
		assert_true((unsigned char)e.message[i] >= 0x20);
	assert_non_null(strstr(e.message, "MaxSize must be greater"));
	assert_null(strchr(e.message, 0x1b));
	aws_error_clear(&e);
}

/* Bidi overrides, zero-width characters and bad UTF-8 do not survive. */
static void
from_response__bidi_and_zero_width__dropped(void **state)
{
	static const char body[] = "{\"__type\":\"ValidationException\","
	    "\"message\":\"name \xe2\x80\xae" "gnp.exe\xe2\x80\xac is "
	    "ad\xe2\x80\x8bmin \xff\xfe bad\"}";
	struct aws_error e = {0};

	(void)state;
	aws_error_from_response(&e, 400, body, sizeof body - 1, NULL, NULL);
	assert_string_equal(e.code, "ValidationException");
	assert_null(strstr(e.message, "\xe2\x80\xae"));
	assert_null(strstr(e.message, "\xe2\x80\x8b"));
	assert_null(strchr(e.message, '\xff'));
	assert_non_null(strstr(e.message, "admin"));
	aws_error_clear(&e);
}

static void
from_response__sts_xml__code_message_request_id(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 403, "sts_xml_access_denied.xml", NULL, NULL);
	assert_string_equal(e.code, "AccessDenied");
	assert_non_null(strstr(e.message, "role/deploy & more"));
	assert_string_equal(e.request_id,
	                    "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
	aws_error_clear(&e);

	parse_file(&e, 403, "sts_xml_signature.xml", NULL, "header-id");
	assert_string_equal(e.code, "SignatureDoesNotMatch");
	/* The header's request id wins over the body's. */
	assert_string_equal(e.request_id, "header-id");
	assert_string_equal(aws_error_short(&e), "credentials");
	aws_error_clear(&e);
}

static void
from_response__html_502__status_code_and_snippet(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 502, "gateway_502.html", NULL, NULL);
	assert_string_equal(e.code, "BadGateway");
	assert_non_null(strstr(e.message, "HTTP 502"));
	assert_non_null(strstr(e.message, "Bad Gateway"));
	assert_true(aws_error_is_retryable(&e));
	aws_error_clear(&e);
}

static void
from_response__empty_and_truncated__sensible_codes(void **state)
{
	struct aws_error e = {0};

	parse_file(&e, 500, "empty.txt", NULL, NULL);
	assert_string_equal(e.code, "InternalFailure");
	assert_string_equal(e.message, "HTTP 500 with an empty body");
	assert_true(aws_error_is_retryable(&e));
	aws_error_clear(&e);

	parse_file(&e, 418, "truncated.json", NULL, NULL);
	assert_string_equal(e.code, "HTTP 418");
	assert_non_null(strstr(e.message, "unrecognised body"));
	assert_false(aws_error_is_retryable(&e));
	aws_error_clear(&e);

	aws_error_from_response(&e, 503, NULL, 0, NULL, NULL);
	assert_string_equal(e.code, "ServiceUnavailable");
	aws_error_clear(&e);
}

static void
from_response__query_header_without_sender__code(void **state)
{
	struct aws_error e = {0};

	aws_error_from_response(&e, 400, "", 0, "Throttling", NULL);
	assert_string_equal(e.code, "Throttling");
	assert_true(aws_error_is_throttle(&e));
	aws_error_clear(&e);
}

static void
is_throttle__standard_list__all_recognised(void **state)
{
	static const char *const codes[] = {
	    "Throttling",
	    "ThrottlingException",
	    "ThrottledException",
	    "RequestThrottledException",
	    "TooManyRequestsException",
	    "ProvisionedThroughputExceededException",
	    "TransactionInProgressException",
	    "RequestLimitExceeded",
	    "BandwidthLimitExceeded",
	    "LimitExceededException",
	    "RequestThrottled",
	    "SlowDown",
	    "PriorRequestNotComplete",
	    "EC2ThrottledException",
	};
	struct aws_error e = {0};
	size_t i;

	for (i = 0; i < nitems(codes); i++) {
		aws_error_set(&e, AWS_ERR_SERVICE, codes[i], 400, "x");
		assert_true(aws_error_is_throttle(&e));
		assert_true(aws_error_is_retryable(&e));
	}
	aws_error_set(&e, AWS_ERR_SERVICE, "AccessDeniedException", 400, "x");
	assert_false(aws_error_is_throttle(&e));
	assert_false(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "Whatever", 429, "x");
	assert_true(aws_error_is_throttle(&e));
	aws_error_clear(&e);
}

static void
is_retryable__transient_and_status__retry(void **state)
{
	static const int statuses[] = {500, 502, 503, 504};
	struct aws_error e = {0};
	size_t i;

	aws_error_set(&e, AWS_ERR_SERVICE, "RequestTimeout", 400, "x");
	assert_true(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_SERVICE, "RequestTimeoutException", 400, "x");
	assert_true(aws_error_is_retryable(&e));
	for (i = 0; i < nitems(statuses); i++) {
		aws_error_set(&e, AWS_ERR_SERVICE, "Odd", statuses[i], "x");
		assert_true(aws_error_is_retryable(&e));
	}
	aws_error_set(&e, AWS_ERR_SERVICE, "Odd", 501, "x");
	assert_false(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_TRANSPORT, "ConnectFailed", 0, "x");
	assert_true(aws_error_is_retryable(&e));
	assert_string_equal(aws_error_short(&e), "unreachable");
	aws_error_set(&e, AWS_ERR_TRANSPORT, "ReadTimeout", 0, "x");
	assert_string_equal(aws_error_short(&e), "timeout");
	assert_true(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_TRANSPORT, "TLSError", 0, "x");
	assert_true(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_TRANSPORT, "TLSVerifyFailed", 0, "x");
	assert_false(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_READ_ONLY, "ReadOnlyMode", 0, "x");
	assert_false(aws_error_is_retryable(&e));
	assert_string_equal(aws_error_short(&e), "read-only");
	aws_error_set(&e, AWS_ERR_CREDENTIALS, "NoCredentials", 0, "x");
	assert_false(aws_error_is_retryable(&e));
	aws_error_set(&e, AWS_ERR_PARSE, "MalformedResponse", 200, "x");
	assert_false(aws_error_is_retryable(&e));
	assert_string_equal(aws_error_short(&e), "bad response");
	aws_error_clear(&e);
}

static void
format__status_and_request_id__parenthesised(void **state)
{
	struct aws_error e = {0};
	char *s;

	aws_error_set(&e, AWS_ERR_SERVICE, "AccessDeniedException", 403,
	              "User %s is not authorized", "bob");
	e.request_id = xstrdup("abc");
	s = aws_error_format(&e);
	assert_string_equal(s, "AccessDeniedException: User bob is not "
	                       "authorized (HTTP 403, request id abc)");
	free(s);
	aws_error_clear(&e);

	aws_error_set(&e, AWS_ERR_TRANSPORT, "ConnectFailed", 0,
	              "cannot connect to %s", "http://127.0.0.1:9");
	s = aws_error_format(&e);
	assert_string_equal(s, "ConnectFailed: cannot connect to "
	                       "http://127.0.0.1:9");
	free(s);
	aws_error_clear(&e);
	assert_null(e.code);
}

static void
set__newlines_and_escape__flattened(void **state)
{
	struct aws_error e = {0};

	aws_error_set(&e, AWS_ERR_SERVICE, "X", 400,
	              "line1\n\x1b]0;title\x07"
	              "line2\r\n");
	assert_string_equal(e.message, "line1 ]0;title line2");
	aws_error_clear(&e);
}

static void
move__into_filled__old_freed_src_empty(void **state)
{
	struct aws_error a = {0}, b = {0};

	aws_error_set(&a, AWS_ERR_SERVICE, "A", 400, "a");
	aws_error_set(&b, AWS_ERR_SERVICE, "B", 500, "b");
	b.endpoint = xstrdup("http://x");
	aws_error_move(&a, &b);
	assert_string_equal(a.code, "B");
	assert_string_equal(a.endpoint, "http://x");
	assert_null(b.code);
	assert_int_equal(b.kind, AWS_ERR_NONE);
	aws_error_clear(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(
	        from_response__json10_with_query_header__legacy_code),
	    cmocka_unit_test(from_response__json10_namespaced_type__short_code),
	    cmocka_unit_test(
	        from_response__json11_plain_type__code_and_message),
	    cmocka_unit_test(
	        from_response__json11_type_with_url_suffix__code_stripped),
	    cmocka_unit_test(from_response__control_characters__stripped),
	    cmocka_unit_test(from_response__bidi_and_zero_width__dropped),
	    cmocka_unit_test(from_response__sts_xml__code_message_request_id),
	    cmocka_unit_test(from_response__html_502__status_code_and_snippet),
	    cmocka_unit_test(
	        from_response__empty_and_truncated__sensible_codes),
	    cmocka_unit_test(from_response__query_header_without_sender__code),
	    cmocka_unit_test(is_throttle__standard_list__all_recognised),
	    cmocka_unit_test(is_retryable__transient_and_status__retry),
	    cmocka_unit_test(format__status_and_request_id__parenthesised),
	    cmocka_unit_test(set__newlines_and_escape__flattened),
	    cmocka_unit_test(move__into_filled__old_freed_src_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
