/* HTTP(S) transport on libcurl: one reused easy handle per thread. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/client.h"
#include "aws/http.h"
#include "util/sanitize.h"
#include "util/util.h"

#define HTTP_CONNECT_TIMEOUT_MS 3000
#define HTTP_TIMEOUT_MS 10000
#define HTTP_MAX_BODY (64u * 1024 * 1024)

/*
 * Each thread owns one CURL handle, created on first use and kept so
 * connections are reused.  Only the owning thread touches it; the key's
 * destructor frees it when a thread exits without http_thread_cleanup().
 */
static pthread_key_t http_key;
static pthread_once_t http_key_once = PTHREAD_ONCE_INIT;

struct http_ctx {
	struct http_response *resp;
	size_t max_body;
	bool too_big;
};

static void
http_handle_free(void *p)
{
	if (p != NULL)
		curl_easy_cleanup(p);
}

static void
http_key_init(void)
{
	if (pthread_key_create(&http_key, http_handle_free) != 0)
		fatal("pthread_key_create failed");
}

/* curl_global_init once, from main, before any thread starts. */
void
http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("curl_global_init failed");
	pthread_once(&http_key_once, http_key_init);
}

/* Free this (the main) thread's handle, then libcurl's globals. */
void
http_global_cleanup(void)
{
	http_thread_cleanup();
	curl_global_cleanup();
}

/* Free the calling thread's CURL handle, if it has one. */
void
http_thread_cleanup(void)
{
	CURL *h;

	pthread_once(&http_key_once, http_key_init);
	h = pthread_getspecific(http_key);
	if (h != NULL) {
		pthread_setspecific(http_key, NULL);
		curl_easy_cleanup(h);
	}
}

static CURL *
http_handle(void)
{
	CURL *h;

	pthread_once(&http_key_once, http_key_init);
	h = pthread_getspecific(http_key);
	if (h == NULL) {
		h = curl_easy_init();
		if (h == NULL)
			fatal("curl_easy_init failed");
		pthread_setspecific(http_key, h);
	} else
		curl_easy_reset(h); /* keeps the connection cache */
	return h;
}

static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_ctx *ctx = arg;
	size_t len = size * n;

	if (ctx->resp->body.len + len > ctx->max_body) {
		ctx->too_big = true;
		return 0;
	}
	buf_append(&ctx->resp->body, data, len);
	return len;
}

/*
 * Replace *slot with the header's value (trimmed, sanitized: request ids
 * reach the screen and the audit log).
 */
static void
http_header_value(char **slot, const char *v, size_t len)
{
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' ||
	                   v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	free(*slot);
	*slot = text_sanitize_line(v, len);
}

static size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_ctx *ctx = arg;
	struct http_response *r = ctx->resp;
	size_t len = size * n, nlen;
	const char *colon;
	static const struct {
		const char *name;
		size_t off;
	} wanted[] = {
	    {"date", offsetof(struct http_response, date)},
	    {"x-amzn-requestid", offsetof(struct http_response, request_id)},
	    {"x-amz-request-id", offsetof(struct http_response, request_id)},
	    {"x-amzn-query-error", offsetof(struct http_response, query_error)},
	    {"content-type", offsetof(struct http_response, content_type)},
	};
	size_t i;

	/* A new status line (after 100 Continue or a redirect): start over. */
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		free(r->date);
		free(r->request_id);
		free(r->query_error);
		free(r->content_type);
		r->date = r->request_id = r->query_error = NULL;
		r->content_type = NULL;
		return len;
	}
	colon = memchr(data, ':', len);
	if (colon == NULL)
		return len;
	nlen = (size_t)(colon - data);
	for (i = 0; i < nitems(wanted); i++) {
		if (strlen(wanted[i].name) == nlen &&
		    strncasecmp(data, wanted[i].name, nlen) == 0) {
			http_header_value((char **)((char *)r + wanted[i].off),
			                  colon + 1, len - nlen - 1);
			break;
		}
	}
	return len;
}

/* "3 s", "0.5 s". */
static char *
http_seconds(long ms)
{
	if (ms % 1000 == 0)
		return xasprintf("%ld s", ms / 1000);
	return xasprintf("%.1f s", (double)ms / 1000.0);
}

static void
http_fail(struct aws_error *err, CURLcode rc, const struct http_request *req,
          const char *errbuf, long connect_ms, long timeout_ms, CURL *h)
{
	const char *detail = *errbuf != '\0' ? errbuf : curl_easy_strerror(rc);
	char *url, *secs;
	size_t len;
	curl_off_t connect_time = 0;
	long os_errno = 0;

	/* "http://host:port/" reads better without the root slash. */
	url = xstrdup(req->url);
	len = strlen(url);
	if (len > 1 && url[len - 1] == '/' && url[len - 2] != '/' &&
	    strchr(strstr(url, "://") != NULL ? strstr(url, "://") + 3 : url,
	           '/') == url + len - 1)
		url[len - 1] = '\0';

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		aws_error_set(err, AWS_ERR_TRANSPORT, "ConnectFailed", 0,
		              "cannot connect to %s: %s", url,
		              os_errno != 0 ? strerror((int)os_errno) : detail);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		aws_error_set(err, AWS_ERR_TRANSPORT, "UnknownHost", 0,
		              "cannot resolve the host of %s: %s", url, detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		/*
		 * A reused connection reports no connect time, so ask curl's
		 * message too: "Failed to connect ... Timeout was reached",
		 * "Connection timed out" and "Resolving timed out" come from
		 * the connect phase, "Operation timed out" from later.
		 */
		curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_time);
		if (strstr(errbuf, "Failed to connect") != NULL ||
		    strstr(errbuf, "Connection timed out") != NULL ||
		    strstr(errbuf, "Resolving timed out") != NULL ||
		    (connect_time == 0 && *errbuf == '\0')) {
			secs = http_seconds(connect_ms);
			aws_error_set(err, AWS_ERR_TRANSPORT, "ConnectTimeout",
			              0, "timed out after %s connecting to %s",
			              secs, url);
		} else {
			secs = http_seconds(timeout_ms);
			aws_error_set(err, AWS_ERR_TRANSPORT, "ReadTimeout", 0,
			              "timed out after %s talking to %s", secs,
			              url);
		}
		free(secs);
		break;
	case CURLE_SSL_CONNECT_ERROR:
		aws_error_set(err, AWS_ERR_TRANSPORT, "TLSError", 0,
		              "TLS failed talking to %s: %s", url, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		/* Not retried: a certificate does not fix itself. */
		aws_error_set(err, AWS_ERR_TRANSPORT, "TLSVerifyFailed", 0,
		              "TLS failed talking to %s: %s", url, detail);
		break;
	case CURLE_PARTIAL_FILE:
		aws_error_set(err, AWS_ERR_TRANSPORT, "TruncatedResponse", 0,
		              "truncated response from %s: %s", url, detail);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		aws_error_set(err, AWS_ERR_TRANSPORT, "ConnectionReset", 0,
		              "connection to %s failed: %s", url, detail);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint", 0,
		              "bad endpoint URL %s: %s", url, detail);
		break;
	default:
		aws_error_set(err, AWS_ERR_TRANSPORT, "TransportError", 0,
		              "request to %s failed: %s", url, detail);
		break;
	}
	free(err->endpoint);
	err->endpoint = url;
}

/*
 * Perform one request on the calling thread's handle.  0 when an HTTP
 * response arrived (any status), -1 with err on transport failure, an
 * answer larger than max_body, or a bad URL.  resp is zeroed first.
 */
int
http_perform(const struct http_request *req, struct http_response *resp,
             struct aws_error *err)
{
	CURL *h = http_handle();
	struct curl_slist *hdrs = NULL, *tmp;
	struct http_ctx ctx;
	char errbuf[CURL_ERROR_SIZE];
	const char *ca;
	long connect_ms, timeout_ms, status = 0;
	CURLcode rc;
	size_t i;

	memset(resp, 0, sizeof *resp);
	memset(&ctx, 0, sizeof ctx);
	ctx.resp = resp;
	ctx.max_body = req->max_body != 0 ? req->max_body : HTTP_MAX_BODY;
	connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
	                                         : HTTP_CONNECT_TIMEOUT_MS;
	timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : HTTP_TIMEOUT_MS;
	errbuf[0] = '\0';

	for (i = 0; i < req->nheaders; i++) {
		tmp = curl_slist_append(hdrs, req->headers[i]);
		if (tmp == NULL)
			fatal("curl_slist_append failed");
		hdrs = tmp;
	}
	/* No 100-continue round trip; no Accept header we did not sign. */
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		fatal("curl_slist_append failed");
	hdrs = tmp;

	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* What the AWS SDKs speak to these services; we sign the Host line. */
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	/* Verification is always on; there is deliberately no switch. */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	ca = getenv("AWS_CA_BUNDLE");
	if (ca != NULL && *ca != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	/*
	 * Proxies: libcurl reads http(s)_proxy / no_proxy itself, except
	 * for credential endpoints (the handle is reused, so both ways are
	 * set every time).
	 */
	curl_easy_setopt(h, CURLOPT_NOPROXY, req->no_proxy ? "*" : NULL);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &ctx);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
	                 "momentum-console/" MOMENTUM_VERSION);

	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else {
		if (strcmp(req->method, "POST") == 0)
			curl_easy_setopt(h, CURLOPT_POST, 1L);
		else {
			curl_easy_setopt(h, CURLOPT_POST, 1L);
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
		}
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		                 req->body != NULL ? req->body : "");
	}

	rc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	if (rc == CURLE_WRITE_ERROR && ctx.too_big) {
		aws_error_set(err, AWS_ERR_PARSE, "ResponseTooLarge", 0,
		              "response from %s is larger than %zu bytes",
		              req->url, ctx.max_body);
		free(err->endpoint);
		err->endpoint = xstrdup(req->url);
		http_response_free(resp);
		return -1;
	}
	if (rc != CURLE_OK) {
		http_fail(err, rc, req, errbuf, connect_ms, timeout_ms, h);
		http_response_free(resp);
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	resp->status = status;
	if (resp->body.data == NULL)
		buf_append(&resp->body, "", 0);
	return 0;
}

/* Free the members; the struct may be reused. */
void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	buf_free(&resp->body);
	free(resp->date);
	free(resp->request_id);
	free(resp->query_error);
	free(resp->content_type);
	memset(resp, 0, sizeof *resp);
}
