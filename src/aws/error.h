/* One typed error for every way an AWS call can fail. */
#ifndef MOMENTUM_AWS_ERROR_H
#define MOMENTUM_AWS_ERROR_H

#include <stdbool.h>

enum aws_error_kind {
	AWS_ERR_NONE = 0,
	AWS_ERR_SERVICE,	/* the service answered with an error */
	AWS_ERR_TRANSPORT,	/* unreachable, reset, timeout */
	AWS_ERR_CREDENTIALS,	/* no usable credentials */
	AWS_ERR_READ_ONLY,	/* refused by the read-only chokepoint */
	AWS_ERR_PARSE,		/* malformed or truncated response */
	AWS_ERR_CONFIG,		/* bad config, unknown service/region */
};

/*
 * code: "ThrottlingException", "AccessDeniedException", ... (for
 * transport errors a short tag like "ConnectTimeout"); message: human
 * text, already sanitized and never containing secrets; http_status 0
 * when no response arrived; request_id from x-amzn-RequestId (or the
 * XML RequestId) when known.  All strings owned by the struct.
 */
struct aws_error {
	enum aws_error_kind kind;
	char *code;
	char *message;
	int http_status;
	char *request_id;
	char *endpoint;		/* URL the call went to, when known */
};

void aws_error_set(struct aws_error *e, enum aws_error_kind kind,
    const char *code, int http_status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void aws_error_clear(struct aws_error *e);	/* frees members, zeroes */
void aws_error_move(struct aws_error *dst, struct aws_error *src);
/* "AccessDeniedException: User ... (HTTP 403, request id abc)". Caller frees. */
char *aws_error_format(const struct aws_error *e);
/* One word for status lines: "throttled", "denied", "unreachable",
 * "timeout", "read-only", "bad response", "credentials", "error". */
const char *aws_error_short(const struct aws_error *e);
bool aws_error_is_throttle(const struct aws_error *e);
bool aws_error_is_retryable(const struct aws_error *e);

/*
 * Parse an error response body into e (kind AWS_ERR_SERVICE).  Handles
 * JSON {"__type": "ns#Code", "message"|"Message": ...}, the
 * x-amzn-query-error "Code;Sender" header (pass NULL when absent), and
 * XML <ErrorResponse><Error><Code>..</Code><Message>..</Message>.
 */
void aws_error_from_response(struct aws_error *e, int http_status,
    const char *body, size_t len, const char *query_error_header,
    const char *request_id);

#endif
