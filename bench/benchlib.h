/* Shared by the simulator benchmarks: signed AWS JSON request headers. */
#ifndef MOMENTUM_BENCHLIB_H
#define MOMENTUM_BENCHLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "util/util.h"

/*
 * The headers of a POST of body to http://127.0.0.1:port/ for the JSON
 * 1.0 operation target of service, signed with SigV4 now (the signature
 * stays valid for five minutes, so requests can be replayed).  Caller
 * frees with curl_slist_free_all.
 */
static struct curl_slist *
bench_signed_headers(int port, const char *target, const char *body,
    const char *service, const char *akid, const char *secret)
{
	struct aws_credentials creds = { (char *)akid, (char *)secret, NULL,
	    0, "bench" };
	struct sigv4_params p = { "us-east-1", service, time(NULL), 1 };
	struct sigv4_header h[4];
	struct sigv4_request req;
	struct curl_slist *l = NULL;
	char host[64], date[17], *authz, *line;

	snprintf(host, sizeof host, "127.0.0.1:%d", port);
	sigv4_format_date(p.when, date);
	h[0].name = "host";
	h[0].value = host;
	h[1].name = "x-amz-date";
	h[1].value = date;
	h[2].name = "content-type";
	h[2].value = "application/x-amz-json-1.0";
	h[3].name = "x-amz-target";
	h[3].value = target;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/";
	req.headers = h;
	req.nheaders = 4;
	req.body = body;
	req.body_len = strlen(body);
	authz = sigv4_authorization(&req, &creds, &p);
	line = xasprintf("Authorization: %s", authz);
	l = curl_slist_append(l, line);
	free(line);
	free(authz);
	line = xasprintf("X-Amz-Date: %s", date);
	l = curl_slist_append(l, line);
	free(line);
	l = curl_slist_append(l, "Content-Type: application/x-amz-json-1.0");
	line = xasprintf("X-Amz-Target: %s", target);
	l = curl_slist_append(l, line);
	free(line);
	l = curl_slist_append(l, "Expect:");
	return l;
}

#endif
