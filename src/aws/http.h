/* HTTPS transport on libcurl: one reused handle per thread. */
#ifndef MOMENTUM_AWS_HTTP_H
#define MOMENTUM_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/error.h"
#include "util/util.h"

struct http_request {
	const char *method;		/* "POST", "GET", "PUT" */
	const char *url;
	const char *const *headers;	/* "Name: value" lines */
	size_t nheaders;
	const void *body;
	size_t body_len;
	long connect_timeout_ms;	/* 0 = 3000 */
	long timeout_ms;		/* 0 = 10000 */
	size_t max_body;		/* 0 = 64 MiB; larger answers fail */
	bool no_proxy;			/* never through a proxy (credential
					   endpoints, as botocore) */
};

struct http_response {
	long status;
	struct buf body;
	char *date;			/* Date header */
	char *request_id;		/* x-amzn-RequestId / x-amz-request-id */
	char *query_error;		/* x-amzn-query-error */
	char *content_type;
};

/*
 * Perform one request on the calling thread's reused CURL handle.  TLS
 * verification is always on ($AWS_CA_BUNDLE honoured); proxies come from
 * the environment; CURLOPT_NOSIGNAL is set.  Returns 0 when any HTTP
 * response arrived (whatever its status), -1 on transport failure with
 * err filled (kind AWS_ERR_TRANSPORT, message naming the endpoint).
 */
int http_perform(const struct http_request *req, struct http_response *resp,
    struct aws_error *err);
void http_response_free(struct http_response *resp);

#endif
