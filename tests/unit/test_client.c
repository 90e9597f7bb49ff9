/* Tests for the client core against a scripted loopback HTTP server. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/client.h"
#include "aws/http.h"
#include "aws/retry.h"
#include "util/util.h"

#include "testlib.h"

/* ---- a scripted HTTP/1.1 server on 127.0.0.1:0 ---------------------- */

enum reply_kind { REPLY_NORMAL, REPLY_TRUNCATE, REPLY_HANG };

struct reply {
	enum reply_kind kind;
	int status;
	const char *headers; /* extra "Name: v\r\n" lines */
	const char *body;
	long date_offset_s; /* Date header = now + this */
};

struct seen {
	char *head; /* request line + headers */
	char *body;
};

struct server {
	int fd;
	int port;
	pthread_t thread;
	atomic_int stop;
	struct reply replies[8];
	int nreplies;
	struct seen seen[16];
	int nseen; /* written by the server thread only */
	pthread_mutex_t lock;
};

static char *
http_date(long offset)
{
	time_t t = time(NULL) + offset;
	struct tm tm;
	char buf[64];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return xstrdup(buf);
}

/* Read one request; 0 on success. */
static int
server_read(int fd, struct seen *out)
{
	struct buf b = {0};
	char chunk[4096], *end, *cl;
	ssize_t n;
	size_t hlen, blen = 0;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n <= 0) {
			buf_free(&b);
			return -1;
		}
		buf_append(&b, chunk, (size_t)n);
		end = strstr(b.data, "\r\n\r\n");
		if (end == NULL)
			continue;
		hlen = (size_t)(end - b.data) + 4;
		cl = strcasestr(b.data, "\r\ncontent-length:");
		if (cl != NULL && cl < end)
			blen = strtoul(cl + 17, NULL, 10);
		if (b.len >= hlen + blen)
			break;
	}
	out->head = xstrndup(b.data, hlen);
	out->body = xstrndup(b.data + hlen, blen);
	buf_free(&b);
	return 0;
}

static void
server_reply(int fd, const struct reply *r)
{
	char *date = http_date(r->date_offset_s), *msg;
	size_t blen = r->body != NULL ? strlen(r->body) : 0;

	msg = xasprintf("HTTP/1.1 %d X\r\nDate: %s\r\n"
	                "x-amzn-RequestId: rid-%d\r\n%sContent-Length: %zu\r\n"
	                "Connection: close\r\n\r\n",
	                r->status, date, r->status,
	                r->headers != NULL ? r->headers : "",
	                r->kind == REPLY_TRUNCATE ? blen + 100 : blen);
	if (r->kind == REPLY_HANG) {
		sleep(2);
		free(msg);
		free(date);
		return;
	}
	/* A client that hung up early is the client's problem. */
	if (write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg) && blen > 0) {
		if (write(fd, r->body, blen) < 0)
			blen = 0;
	}
	free(msg);
	free(date);
}

static void *
server_main(void *arg)
{
	struct server *s = arg;
	struct pollfd pfd;
	struct seen req;
	int c, i;

	while (!atomic_load(&s->stop)) {
		pfd.fd = s->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		if (server_read(c, &req) == 0) {
			pthread_mutex_lock(&s->lock);
			i = s->nseen;
			if (s->nseen < (int)nitems(s->seen))
				s->seen[s->nseen++] = req;
			else {
				free(req.head);
				free(req.body);
			}
			pthread_mutex_unlock(&s->lock);
			server_reply(
			    c,
			    &s->replies[i < s->nreplies ? i : s->nreplies - 1]);
		}
		close(c);
	}
	return NULL;
}

static int
listen_loopback(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static struct server *
server_start(const struct reply *replies, int n)
{
	struct server *s = xcalloc(1, sizeof *s);

	memcpy(s->replies, replies, (size_t)n * sizeof *replies);
	s->nreplies = n;
	pthread_mutex_init(&s->lock, NULL);
	s->fd = listen_loopback(&s->port);
	assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
	return s;
}

static int
server_count(struct server *s)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->nseen;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Request i as the server saw it; the lock orders us after its write. */
static struct seen *
seen_at(struct server *s, int i)
{
	struct seen *r;

	pthread_mutex_lock(&s->lock);
	assert_true(i < s->nseen);
	r = &s->seen[i];
	pthread_mutex_unlock(&s->lock);
	return r;
}

static void
server_stop(struct server *s)
{
	int i;

	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	for (i = 0; i < s->nseen; i++) {
		free(s->seen[i].head);
		free(s->seen[i].body);
	}
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Value of header name in a captured request head.  Caller frees. */
static char *
seen_header(const struct seen *r, const char *name)
{
	char *pat = xasprintf("\r\n%s:", name), *p, *end;

	p = strcasestr(r->head, pat);
	free(pat);
	if (p == NULL)
		return NULL;
	p += strlen(name) + 3;
	while (*p == ' ')
		p++;
	end = strstr(p, "\r\n");
	return xstrndup(p, (size_t)(end - p));
}

static void
assert_header(const struct seen *r, const char *name, const char *want)
{
	char *v = seen_header(r, name);

	if (v == NULL)
		fail_msg("header %s missing in:\n%s", name, r->head);
	assert_string_equal(v, want);
	free(v);
}

/* ---- fake clock, sleep and random ----------------------------------- */

/* Virtual time: the clock is real time plus everything "slept". */
struct fake {
	int64_t sleeps[16];
	int nsleeps;
	double r;
	int64_t slept_ms;
};

static int64_t
fake_now(void *ctx)
{
	return now_ms() + ((struct fake *)ctx)->slept_ms;
}

static void
fake_sleep(void *ctx, int64_t ms)
{
	struct fake *f = ctx;

	if (f->nsleeps < (int)nitems(f->sleeps))
		f->sleeps[f->nsleeps++] = ms;
	f->slept_ms += ms;
}

static double
fake_random(void *ctx)
{
	return ((struct fake *)ctx)->r;
}

static struct fake fake;

static void
set_env(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTCLIENT", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "SECRETKEYDONOTPRINT", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_CONFIG_FILE", "/nonexistent/momentum-test/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE",
	       "/nonexistent/momentum-test/credentials", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("MOMENTUM_DEBUG");
}

static struct aws_client *
client_for(struct server *s, bool read_only, long timeout_ms, int attempts)
{
	struct aws_client_config cfg;
	struct aws_client *c;
	struct retry_env env = {
	    .now_ms = fake_now,
	    .sleep_ms = fake_sleep,
	    .random = fake_random,
	    .ctx = &fake,
	};
	char *url, *cause = NULL;

	url = xasprintf("http://127.0.0.1:%d", s != NULL ? s->port : 9);
	memset(&cfg, 0, sizeof cfg);
	cfg.name = "test";
	cfg.region = "us-west-2";
	cfg.endpoint_url = url;
	cfg.read_only = read_only;
	cfg.timeout_ms = timeout_ms;
	cfg.max_attempts = attempts;
	c = aws_client_new(&cfg, &cause);
	if (c == NULL)
		fail_msg("aws_client_new: %s", cause);
	free(url);
	memset(&fake, 0, sizeof fake);
	fake.r = 0.5;
	aws_client_set_retry_env(c, &env);
	return c;
}

/* ---- tests ---------------------------------------------------------- */

static void
call_json__logs_200__parsed_and_signed(void **state)
{
	static const struct reply r[] = {
	    {.status = 200,
	     .body = "{\"logGroups\":[{\"logGroupName\":"
	             "\"/aws/apprunner/api\"}]}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	cJSON *req = cJSON_Parse("{\"limit\":5}"), *resp;
	char *auth, *host;

	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", req, &err);
	if (resp == NULL)
		fail_msg("%s: %s", err.code, err.message);
	assert_string_equal(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(resp, "logGroups"), 0)
	        ->child->valuestring,
	    "/aws/apprunner/api");
	assert_int_equal(server_count(s), 1);
	assert_non_null(strstr(seen_at(s, 0)->head, "POST / HTTP/1.1\r\n"));
	assert_header(seen_at(s, 0), "X-Amz-Target",
	              "Logs_20140328.DescribeLogGroups");
	assert_header(seen_at(s, 0), "Content-Type",
	              "application/x-amz-json-1.1");
	host = xasprintf("127.0.0.1:%d", s->port);
	assert_header(seen_at(s, 0), "Host", host);
	free(host);
	assert_null(seen_header(seen_at(s, 0), "x-amzn-query-mode"));
	assert_null(seen_header(seen_at(s, 0), "X-Amz-Security-Token"));
	assert_string_equal(seen_at(s, 0)->body, "{\"limit\":5}");
	auth = seen_header(seen_at(s, 0), "Authorization");
	assert_non_null(auth);
	assert_true(str_starts_with(
	    auth, "AWS4-HMAC-SHA256 Credential=AKIDTESTCLIENT/"));
	assert_non_null(strstr(auth, "/us-west-2/logs/aws4_request"));
	assert_non_null(strstr(auth, "x-amz-target"));
	free(auth);
	cJSON_Delete(resp);
	cJSON_Delete(req);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__cloudwatch__query_mode_json10_and_usage(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = "{\"MetricDataResults\":[]}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	struct aws_usage u;
	cJSON *req, *resp;
	char *auth;

	req = cJSON_Parse(
	    "{\"MetricDataQueries\":[{\"Id\":\"a\","
	    "\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/AppRunner\","
	    "\"MetricName\":\"Requests\"},\"Period\":60,\"Stat\":\"Sum\"}},"
	    "{\"Id\":\"b\",\"Expression\":\"a*2\"}],"
	    "\"StartTime\":1,\"EndTime\":2}");
	aws_usage_reset();
	resp = aws_call_json(c, AWS_SVC_CLOUDWATCH, "GetMetricData", req, &err);
	assert_non_null(resp);
	assert_header(seen_at(s, 0), "X-Amz-Target",
	              "GraniteServiceVersion20100801.GetMetricData");
	assert_header(seen_at(s, 0), "Content-Type",
	              "application/x-amz-json-1.0");
	assert_header(seen_at(s, 0), "x-amzn-query-mode", "true");
	auth = seen_header(seen_at(s, 0), "Authorization");
	assert_non_null(strstr(auth, "/us-west-2/monitoring/aws4_request"));
	free(auth);
	aws_usage_get(&u);
	assert_int_equal(u.calls, 1);
	assert_int_equal(u.metrics_requested, 1);
	assert_int_equal(u.errors, 0);
	cJSON_Delete(resp);
	cJSON_Delete(req);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__cost_explorer__signed_for_us_east_1(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = "{\"ResultsByTime\":[]}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	struct aws_usage u;
	cJSON *resp;
	char *auth;

	aws_usage_reset();
	resp = aws_call_json(c, AWS_SVC_CE, "GetCostAndUsage", NULL, &err);
	assert_non_null(resp);
	assert_string_equal(seen_at(s, 0)->body, "{}");
	auth = seen_header(seen_at(s, 0), "Authorization");
	assert_non_null(strstr(auth, "/us-east-1/ce/aws4_request"));
	free(auth);
	assert_header(seen_at(s, 0), "X-Amz-Target",
	              "AWSInsightsIndexService.GetCostAndUsage");
	aws_usage_get(&u);
	assert_int_equal(u.ce_requests, 1);
	assert_true(u.dollars > 0.0099 && u.dollars < 0.0101);
	cJSON_Delete(resp);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__500_then_200__retried_with_backoff(void **state)
{
	static const struct reply r[] = {
	    {.status = 500, .body = "{\"__type\":\"InternalFailure\"}"},
	    {.status = 200, .body = "{\"services\":[]}"},
	};
	struct server *s = server_start(r, 2);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	struct aws_usage u;
	cJSON *resp;
	char *d1, *d2;

	aws_usage_reset();
	resp = aws_call_json(c, AWS_SVC_APPRUNNER, "ListServices", NULL, &err);
	assert_non_null(resp);
	assert_int_equal(server_count(s), 2);
	assert_int_equal(fake.nsleeps, 1);
	assert_int_equal(fake.sleeps[0], 500); /* 0.5 * min(1 s, 20 s) */
	/* Re-signed: each attempt carries its own signature. */
	d1 = seen_header(seen_at(s, 0), "Authorization");
	d2 = seen_header(seen_at(s, 1), "Authorization");
	assert_non_null(d1);
	assert_non_null(d2);
	free(d1);
	free(d2);
	aws_usage_get(&u);
	assert_int_equal(u.calls, 2);
	assert_int_equal(u.errors, 1);
	assert_int_equal(u.retries, 1);
	cJSON_Delete(resp);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__throttled_every_time__three_attempts_then_error(void **state)
{
	static const struct reply r[] = {
	    {.status = 400,
	     .headers = "x-amzn-query-error: Throttling;Sender\r\n",
	     .body = "{\"__type\":\"com.amazonaws#ThrottlingException\","
	             "\"message\":\"Rate exceeded\"}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	struct aws_usage u;
	char *msg, *d1, *d3, *a1, *a3;

	aws_usage_reset();
	assert_null(
	    aws_call_json(c, AWS_SVC_CLOUDWATCH, "DescribeAlarms", NULL, &err));
	assert_int_equal(server_count(s), 3);
	assert_int_equal(fake.nsleeps, 2);
	assert_int_equal(fake.sleeps[0], 500);
	assert_int_equal(fake.sleeps[1], 1000);
	assert_int_equal(err.kind, AWS_ERR_SERVICE);
	assert_string_equal(err.code, "Throttling");
	assert_string_equal(err.request_id, "rid-400");
	assert_int_equal(err.http_status, 400);
	msg = aws_error_format(&err);
	assert_string_equal(msg, "Throttling: Rate exceeded (HTTP 400, "
	                         "request id rid-400)");
	free(msg);
	aws_usage_get(&u);
	assert_int_equal(u.throttles, 3);
	assert_int_equal(u.retries, 2);
	/* Re-signed per attempt: 1.5 virtual seconds later, a new date and
	 * a new signature. */
	d1 = seen_header(seen_at(s, 0), "X-Amz-Date");
	d3 = seen_header(seen_at(s, 2), "X-Amz-Date");
	a1 = seen_header(seen_at(s, 0), "Authorization");
	a3 = seen_header(seen_at(s, 2), "Authorization");
	assert_string_not_equal(d1, d3);
	assert_string_not_equal(a1, a3);
	free(d1);
	free(d3);
	free(a1);
	free(a3);
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__access_denied__not_retried(void **state)
{
	static const struct reply r[] = {
	    {.status = 400,
	     .body = "{\"__type\":\"AccessDeniedException\","
	             "\"Message\":\"no\"}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};

	assert_null(
	    aws_call_json(c, AWS_SVC_ECR, "DescribeRepositories", NULL, &err));
	assert_int_equal(server_count(s), 1);
	assert_int_equal(fake.nsleeps, 0);
	assert_string_equal(err.code, "AccessDeniedException");
	assert_non_null(err.endpoint);
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__empty_and_malformed_bodies__object_or_parse_error(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = ""},
	    {.status = 200, .body = "{\"services\": [1, 2"},
	};
	struct server *s = server_start(r, 2);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	cJSON *resp;
	char *url;

	resp = aws_call_json(c, AWS_SVC_APPRUNNER, "PauseService", NULL, &err);
	assert_non_null(resp);
	assert_true(cJSON_IsObject(resp));
	assert_null(resp->child);
	cJSON_Delete(resp);

	assert_null(
	    aws_call_json(c, AWS_SVC_APPRUNNER, "ListServices", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_PARSE);
	assert_string_equal(err.code, "MalformedResponse");
	url = xasprintf("http://127.0.0.1:%d", s->port);
	assert_non_null(strstr(err.message, url));
	assert_non_null(strstr(err.message, "apprunner ListServices"));
	assert_string_equal(err.request_id, "rid-200");
	free(url);
	assert_int_equal(server_count(s), 2);
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__truncated_body__transport_error_retried(void **state)
{
	static const struct reply r[] = {
	    {.kind = REPLY_TRUNCATE, .status = 200, .body = "{\"services\":"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 2);
	struct aws_error err = {0};

	assert_null(
	    aws_call_json(c, AWS_SVC_APPRUNNER, "ListServices", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_TRANSPORT);
	assert_int_equal(server_count(s), 2);
	assert_non_null(strstr(err.message, "127.0.0.1"));
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__server_hangs__timeout_names_endpoint(void **state)
{
	static const struct reply r[] = {
	    {.kind = REPLY_HANG, .status = 200, .body = "{}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 300, 1);
	struct aws_error err = {0};
	char *want;

	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "FilterLogEvents", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_TRANSPORT);
	assert_string_equal(err.code, "ReadTimeout");
	want = xasprintf("timed out after 0.3 s talking to "
	                 "http://127.0.0.1:%d",
	                 s->port);
	assert_string_equal(err.message, want);
	free(want);
	assert_string_equal(aws_error_short(&err), "timeout");
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__nothing_listening__cannot_connect_names_endpoint(void **state)
{
	struct aws_client *c;
	struct aws_error err = {0};
	struct server fake_srv;
	int fd;
	char *want;

	/* A port that was free a moment ago and has no listener now. */
	memset(&fake_srv, 0, sizeof fake_srv);
	fd = listen_loopback(&fake_srv.port);
	close(fd);
	c = client_for(&fake_srv, false, 0, 1);
	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_TRANSPORT);
	assert_string_equal(err.code, "ConnectFailed");
	want = xasprintf("cannot connect to http://127.0.0.1:%d: "
	                 "Connection refused",
	                 fake_srv.port);
	assert_string_equal(err.message, want);
	free(want);
	aws_error_clear(&err);
	aws_client_free(c);
}

static void
call_json__listener_never_accepts__connect_timeout(void **state)
{
	struct aws_client_config cfg;
	struct aws_client *c;
	struct aws_error err = {0};
	struct sockaddr_in sa;
	int fd, port, filler[4], i;
	char *url, *cause = NULL, *want;

	/* A full accept queue: the kernel drops further SYNs. */
	memset(&sa, 0, sizeof sa);
	fd = listen_loopback(&port);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 0), 0);
	for (i = 0; i < 4; i++) {
		filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(filler[i], (struct sockaddr *)&sa, sizeof sa);
	}
	usleep(100000);

	url = xasprintf("http://127.0.0.1:%d", port);
	memset(&cfg, 0, sizeof cfg);
	cfg.region = "us-west-2";
	cfg.endpoint_url = url;
	cfg.connect_timeout_ms = 300;
	cfg.timeout_ms = 5000;
	cfg.max_attempts = 1;
	c = aws_client_new(&cfg, &cause);
	assert_non_null(c);
	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_TRANSPORT);
	assert_string_equal(err.code, "ConnectTimeout");
	want = xasprintf("timed out after 0.3 s connecting to %s", url);
	assert_string_equal(err.message, want);
	free(want);
	free(url);
	aws_error_clear(&err);
	aws_client_free(c);
	for (i = 0; i < 4; i++)
		close(filler[i]);
	close(fd);
}

static void
call_json__read_only__refused_before_credentials_or_io(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = "{}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, true, 0, 0);
	struct aws_error err = {0};
	cJSON *resp;

	/* No credentials at all: the refusal must not even look for them. */
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_null(aws_call_json(c, AWS_SVC_ECR, "PutImage", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_READ_ONLY);
	assert_string_equal(err.code, "ReadOnlyMode");
	assert_string_equal(err.message, "read-only mode refused ecr PutImage");
	assert_null(
	    aws_call_json(c, AWS_SVC_APPRUNNER, "UpdateService", NULL, &err));
	assert_string_equal(err.message,
	                    "read-only mode refused apprunner UpdateService");
	assert_false(aws_op_allowed(c, AWS_SVC_APPRUNNER, "StartDeployment"));
	assert_true(aws_op_allowed(c, AWS_SVC_APPRUNNER, "ListServices"));
	assert_int_equal(server_count(s), 0);

	/* A read goes through (and then needs credentials). */
	set_env();
	resp =
	    aws_call_json(c, AWS_SVC_ECR, "DescribeRepositories", NULL, &err);
	assert_non_null(resp);
	assert_int_equal(server_count(s), 1);
	cJSON_Delete(resp);

	/* Switching the client back to read-write allows mutations. */
	aws_client_set_read_only(c, false);
	assert_true(aws_op_allowed(c, AWS_SVC_ECR, "PutImage"));
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__no_credentials__credentials_error(void **state)
{
	struct aws_client *c = client_for(NULL, false, 0, 1);
	struct aws_error err = {0};

	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_CREDENTIALS);
	assert_non_null(err.message);
	assert_true(strlen(err.message) > 0);
	set_env();
	aws_error_clear(&err);
	aws_client_free(c);
}

static void
call_json__skewed_clock__corrected_and_retried_once(void **state)
{
	static const struct reply r[] = {
	    {.status = 400,
	     .date_offset_s = 3600,
	     .body = "{\"__type\":\"InvalidSignatureException\","
	             "\"message\":\"Signature expired\"}"},
	    {.status = 200, .date_offset_s = 3600, .body = "{}"},
	};
	struct server *s = server_start(r, 2);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	struct tm tm1, tm2;
	char *d1, *d2;
	cJSON *resp;
	long diff;

	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err);
	assert_non_null(resp);
	assert_int_equal(server_count(s), 2);
	assert_int_equal(fake.nsleeps, 0); /* no backoff for skew */
	diff = aws_client_skew(c);
	assert_true(diff >= 3598 && diff <= 3602);
	d1 = seen_header(seen_at(s, 0), "X-Amz-Date");
	d2 = seen_header(seen_at(s, 1), "X-Amz-Date");
	memset(&tm1, 0, sizeof tm1);
	memset(&tm2, 0, sizeof tm2);
	assert_non_null(strptime(d1, "%Y%m%dT%H%M%SZ", &tm1));
	assert_non_null(strptime(d2, "%Y%m%dT%H%M%SZ", &tm2));
	diff = (long)(timegm(&tm2) - timegm(&tm1));
	assert_true(diff >= 3598 && diff <= 3602);
	free(d1);
	free(d2);
	cJSON_Delete(resp);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__skew_error_without_skew__not_retried(void **state)
{
	static const struct reply r[] = {
	    {.status = 403,
	     .body = "{\"__type\":\"SignatureDoesNotMatch\","
	             "\"message\":\"bad secret\"}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};

	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	assert_int_equal(server_count(s), 1);
	assert_string_equal(err.code, "SignatureDoesNotMatch");
	assert_int_equal(aws_client_skew(c), 0);
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_json__expired_token__refreshed_and_retried_once(void **state)
{
	static const struct reply r[] = {
	    {.status = 400,
	     .body =
	         "{\"__type\":\"ExpiredTokenException\","
	         "\"message\":\"The security token included in the request is "
	         "expired\"}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};

	assert_null(
	    aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	/* One refresh-and-retry, then the error stands (not retryable). */
	assert_int_equal(server_count(s), 2);
	assert_int_equal(fake.nsleeps, 0);
	assert_string_equal(err.code, "ExpiredTokenException");
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
call_query__sts__form_body_and_xml(void **state)
{
	static const struct reply r[] = {
	    {.status = 200,
	     .body = "<GetCallerIdentityResponse><"
	             "GetCallerIdentityResult><Account>123456789012</Account>"
	             "</GetCallerIdentityResult></GetCallerIdentityResponse>"},
	    {.status = 403,
	     .body = "<ErrorResponse><Error><Code>"
	             "AccessDenied</Code><Message>nope</Message></Error>"
	             "<RequestId>x-1</RequestId></ErrorResponse>"},
	};
	static const char *const params[] = {
	    "RoleArn", "arn:aws:iam::1:role/a b", "RoleSessionName", "s", NULL};
	struct server *s = server_start(r, 2);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};
	char *xml, *auth;

	xml = aws_call_query(c, AWS_SVC_STS, "GetCallerIdentity", NULL, &err);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<Account>123456789012</Account>"));
	free(xml);
	assert_string_equal(seen_at(s, 0)->body,
	                    "Action=GetCallerIdentity&Version=2011-06-15");
	assert_header(seen_at(s, 0), "Content-Type",
	              "application/x-www-form-urlencoded; charset=utf-8");
	assert_null(seen_header(seen_at(s, 0), "X-Amz-Target"));
	auth = seen_header(seen_at(s, 0), "Authorization");
	assert_non_null(strstr(auth, "/us-west-2/sts/aws4_request"));
	free(auth);

	assert_null(aws_call_query(c, AWS_SVC_STS, "AssumeRole", params, &err));
	assert_string_equal(
	    seen_at(s, 1)->body,
	    "Action=AssumeRole&Version="
	    "2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&"
	    "RoleSessionName=s");
	assert_string_equal(err.code, "AccessDenied");
	assert_string_equal(err.message, "nope");
	assert_string_equal(err.request_id, "rid-403");

	/* Wrong protocol for the service is a config error, not a crash. */
	assert_null(
	    aws_call_query(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_CONFIG);
	assert_null(
	    aws_call_json(c, AWS_SVC_STS, "GetCallerIdentity", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_CONFIG);
	assert_null(aws_call_json(c, AWS_SVC_LOGS, "Bad\r\nOp", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_CONFIG);

	/* A second Action (or Version) is refused before anything is sent. */
	{
		static const char *const dup[] = { "action",
		    "GetFederationToken", NULL };
		static const char *const ver[] = { "Version", "2099-01-01",
		    NULL };

		aws_error_clear(&err);
		assert_null(aws_call_query(c, AWS_SVC_STS, "GetCallerIdentity",
		    dup, &err));
		assert_string_equal(err.code, "InvalidParameter");
		aws_error_clear(&err);
		assert_null(aws_call_query(c, AWS_SVC_STS, "GetCallerIdentity",
		    ver, &err));
		assert_string_equal(err.code, "InvalidParameter");
		pthread_mutex_lock(&s->lock);
		assert_int_equal(s->nseen, 2);
		pthread_mutex_unlock(&s->lock);
	}
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static void
redact__headers_and_bodies__secrets_replaced(void **state)
{
	static const char xml[] =
	    "<Credentials><AccessKeyId>ASIA1</AccessKeyId>"
	    "<SecretAccessKey>wJalrXUtnFEMI</SecretAccessKey><SessionToken>"
	    "FQoGZXIvYXdzE</SessionToken></Credentials>";
	static const char json[] =
	    "{\"authorizationData\":[{"
	    "\"authorizationToken\" : \"QVdTOnNlY3JldA==\",\"proxyEndpoint\":"
	    "\"x\"}],\"SecretAccessKey\":\"a\\\"b\",\"nextToken\":\"keep\"}";
	char *s;

	s = debug_redact_header(
	    "Authorization: AWS4-HMAC-SHA256 "
	    "Credential=AKID/20260101/us-east-1/logs/aws4_request, "
	    "SignedHeaders=host, Signature=abcdef");
	assert_string_equal(s, "Authorization: [redacted]");
	free(s);
	s = debug_redact_header("x-amz-security-token: FQoGZXIvYXdzE");
	assert_string_equal(s, "x-amz-security-token: [redacted]");
	free(s);
	s = debug_redact_header("X-Amz-Target: Logs_20140328.GetLogEvents");
	assert_string_equal(s, "X-Amz-Target: Logs_20140328.GetLogEvents");
	free(s);

	s = debug_redact_body(xml, strlen(xml));
	assert_null(strstr(s, "wJalrXUtnFEMI"));
	assert_null(strstr(s, "FQoGZXIvYXdzE"));
	assert_non_null(strstr(s, "<AccessKeyId>ASIA1</AccessKeyId>"));
	assert_non_null(strstr(s, "<SecretAccessKey>[redacted]"
	                          "</SecretAccessKey>"));
	free(s);

	s = debug_redact_body(json, strlen(json));
	assert_null(strstr(s, "QVdTOnNlY3JldA=="));
	assert_null(strstr(s, "a\\\"b"));
	assert_non_null(strstr(s, "\"authorizationToken\": \"[redacted]\""));
	assert_non_null(strstr(s, "\"nextToken\":\"keep\""));
	free(s);

	/* Truncated in the middle of a secret: still redacted. */
	s = debug_redact_body(xml, 60);
	assert_null(strstr(s, "wJalr"));
	free(s);
	s = debug_redact_body(json, 40);
	assert_null(strstr(s, "QVdT"));
	free(s);
}

static void
debug_output__full_call__no_secret_reaches_stderr(void **state)
{
	static const struct reply r[] = {
	    {.status = 200,
	     .body = "{\"Credentials\":{\"SecretAccessKey\":"
	             "\"RESPONSESECRET\",\"SessionToken\":\"RESPONSETOKEN\"},"
	             "\"marker\":\"visible-marker\"}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c;
	struct aws_error err = {0};
	char path[] = "/tmp/momentum-debug-XXXXXX", *log, *cause;
	int fd, saved;
	cJSON *resp;

	setenv("AWS_SESSION_TOKEN", "SESSIONTOKENSECRET", 1);
	setenv("MOMENTUM_DEBUG", "1", 1);
	c = client_for(s, false, 0, 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_non_null(resp);
	/* The token went on the wire... */
	assert_header(seen_at(s, 0), "X-Amz-Security-Token",
	              "SESSIONTOKENSECRET");
	/* ...but not into the debug output. */
	log = read_file(path, NULL, &cause);
	unlink(path);
	assert_non_null(log);
	assert_non_null(strstr(log, "> POST http://127.0.0.1:"));
	assert_non_null(strstr(log, "Logs_20140328.DescribeLogGroups"));
	assert_non_null(strstr(log, "visible-marker"));
	assert_non_null(strstr(log, "Authorization: [redacted]"));
	assert_null(strstr(log, "SESSIONTOKENSECRET"));
	assert_null(strstr(log, "SECRETKEYDONOTPRINT"));
	assert_null(strstr(log, "Signature="));
	assert_null(strstr(log, "RESPONSESECRET"));
	assert_null(strstr(log, "RESPONSETOKEN"));
	free(log);
	cJSON_Delete(resp);
	set_env();
	aws_client_free(c);
	server_stop(s);
}

static void
client_new__endpoints_region_and_bad_input(void **state)
{
	struct aws_client_config cfg;
	struct aws_client *c;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.region = "eu-west-1";
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:4566/", 1);
	c = aws_client_new(&cfg, &cause);
	assert_non_null(c);
	assert_string_equal(aws_client_region(c), "eu-west-1");
	assert_string_equal(aws_client_endpoint(c, AWS_SVC_LOGS),
	                    "http://127.0.0.1:4566");
	assert_string_equal(aws_client_endpoint(c, AWS_SVC_ECR),
	                    "https://api.ecr.eu-west-1.amazonaws.com");
	assert_string_equal(aws_client_endpoint(c, AWS_SVC_CE),
	                    "https://ce.us-east-1.amazonaws.com");
	assert_string_equal(aws_client_endpoint(c, AWS_SVC_CLOUDWATCH),
	                    "https://monitoring.eu-west-1.amazonaws.com");
	assert_false(aws_client_read_only(c));
	aws_client_free(c);
	unsetenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS");

	cfg.endpoint_url = "ftp://127.0.0.1/";
	assert_null(aws_client_new(&cfg, &cause));
	assert_non_null(strstr(cause, "http or https"));
	free(cause);

	cfg.endpoint_url = NULL;
	cfg.region = "eu-west-1/evil";
	assert_null(aws_client_new(&cfg, &cause));
	assert_non_null(cause);
	free(cause);

	cfg.region = NULL;
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	assert_null(aws_client_new(&cfg, &cause));
	assert_non_null(strstr(cause, "region"));
	free(cause);

	cfg.region = "us-east-1";
	cfg.profile = "no-such-profile";
	assert_null(aws_client_new(&cfg, &cause));
	assert_non_null(strstr(cause, "no-such-profile"));
	free(cause);
}

static void
http_perform__headers_and_size_limit__captured_or_refused(void **state)
{
	static const struct reply r[] = {
	    {.status = 400,
	     .headers = "x-amzn-query-error: "
	                "InvalidParameterValue;Sender\r\nContent-Type: "
	                "application/x-amz-json-1.0\r\n",
	     .body = "{\"__type\":\"InvalidParameterValueException\"}"},
	};
	static const char *const hdrs[] = {"X-Test: 1"};
	struct server *s = server_start(r, 1);
	struct http_request req;
	struct http_response resp;
	struct aws_error err = {0};
	char *url;

	url = xasprintf("http://127.0.0.1:%d/", s->port);
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = url;
	req.headers = hdrs;
	req.nheaders = 1;
	req.body = "{}";
	req.body_len = 2;
	assert_int_equal(http_perform(&req, &resp, &err), 0);
	assert_int_equal(resp.status, 400);
	assert_string_equal(resp.request_id, "rid-400");
	assert_string_equal(resp.query_error, "InvalidParameterValue;Sender");
	assert_string_equal(resp.content_type, "application/x-amz-json-1.0");
	assert_non_null(resp.date);
	assert_int_equal(resp.body.len, strlen(r[0].body));
	assert_header(seen_at(s, 0), "X-Test", "1");
	assert_null(seen_header(seen_at(s, 0), "Expect"));
	http_response_free(&resp);
	assert_null(resp.date);

	/* An answer above max_body is refused, not truncated silently. */
	req.max_body = 10;
	assert_int_equal(http_perform(&req, &resp, &err), -1);
	assert_int_equal(err.kind, AWS_ERR_PARSE);
	assert_string_equal(err.code, "ResponseTooLarge");
	assert_null(resp.body.data);
	aws_error_clear(&err);
	free(url);
	server_stop(s);
}

/*
 * The environment's endpoint override also carries the role's AssumeRole
 * (a simulator config with role_arn never reaches the real STS).
 */
static void
client_new__role_with_endpoint_override__assume_role_sent_there(void **state)
{
	static const struct reply r[] = {
	    {.status = 200,
	     .body = "<AssumeRoleResponse><AssumeRoleResult><Credentials>"
	             "<AccessKeyId>ASIAROLE</AccessKeyId>"
	             "<SecretAccessKey>rolesecret</SecretAccessKey>"
	             "<SessionToken>roletoken</SessionToken>"
	             "<Expiration>2099-01-01T00:00:00Z</Expiration>"
	             "</Credentials></AssumeRoleResult></AssumeRoleResponse>"},
	    {.status = 200, .body = "{\"logGroups\": []}"},
	};
	struct server *s = server_start(r, 2);
	struct aws_client_config cfg;
	struct aws_client *c;
	struct aws_error err = {0};
	char *url, *cause = NULL, *auth;
	cJSON *resp;

	(void)state;
	url = xasprintf("http://127.0.0.1:%d", s->port);
	memset(&cfg, 0, sizeof cfg);
	cfg.name = "test";
	cfg.region = "us-west-2";
	cfg.endpoint_url = url;
	cfg.role_arn = "arn:aws:iam::123456789012:role/momentum-console";
	c = aws_client_new(&cfg, &cause);
	assert_non_null(c);
	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err);
	assert_non_null(resp);
	cJSON_Delete(resp);
	assert_non_null(strstr(seen_at(s, 0)->body, "Action=AssumeRole"));
	auth = seen_header(seen_at(s, 1), "Authorization");
	assert_non_null(strstr(auth, "Credential=ASIAROLE/"));
	free(auth);
	aws_client_free(c);
	free(url);
	server_stop(s);
}

/* Header values reach the screen and the audit log: no escape survives. */
static void
http_perform__hostile_request_id__sanitized(void **state)
{
	static const struct reply r[] = {
	    {.status = 200,
	     .headers = "x-amzn-RequestId: \x1b]0;pwned\x07rid\xe2\x80\xae"
	                "-\xc2\x9b" "31m7\r\n",
	     .body = "{}"},
	};
	struct server *s = server_start(r, 1);
	struct http_request req;
	struct http_response resp;
	struct aws_error err = {0};
	char *url;

	(void)state;
	url = xasprintf("http://127.0.0.1:%d/", s->port);
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.url = url;
	req.body = "{}";
	req.body_len = 2;
	assert_int_equal(http_perform(&req, &resp, &err), 0);
	assert_non_null(resp.request_id);
	assert_non_null(strstr(resp.request_id, "rid"));
	test_assert_terminal_safe(resp.request_id);
	http_response_free(&resp);
	free(url);
	server_stop(s);
}

struct worker {
	struct aws_client *c;
	int ok;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct aws_error err = {0};
	cJSON *resp;
	int i;

	for (i = 0; i < 5; i++) {
		resp = aws_call_json(w->c, AWS_SVC_LOGS, "GetLogEvents", NULL,
		                     &err);
		if (resp != NULL)
			w->ok++;
		cJSON_Delete(resp);
		aws_error_clear(&err);
	}
	http_thread_cleanup();
	return NULL;
}

static void
call_json__shared_client_many_threads__all_succeed(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = "{\"events\":[]}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct worker w[4];
	pthread_t t[4];
	struct aws_usage u;
	int i;

	aws_usage_reset();
	for (i = 0; i < 4; i++) {
		w[i].c = c;
		w[i].ok = 0;
		assert_int_equal(
		    pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].ok, 5);
	}
	aws_usage_get(&u);
	assert_int_equal(u.calls, 20);
	assert_int_equal(u.nops, 1);
	assert_int_equal(u.ops[0].calls, 20);
	aws_client_free(c);
	server_stop(s);
}

/* Last: the global switch is one-way for the whole process. */
static void
global_read_only__on__every_client_refuses_mutations(void **state)
{
	static const struct reply r[] = {
	    {.status = 200, .body = "{}"},
	};
	struct server *s = server_start(r, 1);
	struct aws_client *c = client_for(s, false, 0, 0);
	struct aws_error err = {0};

	assert_false(aws_global_read_only());
	assert_true(aws_op_allowed(c, AWS_SVC_APPRUNNER, "ResumeService"));
	aws_set_global_read_only();
	assert_true(aws_global_read_only());
	assert_true(aws_client_read_only(c));
	assert_false(aws_op_allowed(c, AWS_SVC_APPRUNNER, "ResumeService"));
	assert_null(
	    aws_call_json(c, AWS_SVC_APPRUNNER, "ResumeService", NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_READ_ONLY);
	assert_null(aws_call_query(c, AWS_SVC_STS, "DecodeAuthorizationMessage",
	                           NULL, &err));
	assert_int_equal(err.kind, AWS_ERR_READ_ONLY);
	/* The client's own switch cannot undo the global one. */
	aws_client_set_read_only(c, false);
	assert_false(aws_op_allowed(c, AWS_SVC_ECR, "PutImage"));
	assert_int_equal(server_count(s), 0);
	aws_error_clear(&err);
	aws_client_free(c);
	server_stop(s);
}

static int
setup(void **state)
{
	set_env();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(call_json__logs_200__parsed_and_signed),
	    cmocka_unit_test(
	        call_json__cloudwatch__query_mode_json10_and_usage),
	    cmocka_unit_test(call_json__cost_explorer__signed_for_us_east_1),
	    cmocka_unit_test(call_json__500_then_200__retried_with_backoff),
	    cmocka_unit_test(
	        call_json__throttled_every_time__three_attempts_then_error),
	    cmocka_unit_test(call_json__access_denied__not_retried),
	    cmocka_unit_test(
	        call_json__empty_and_malformed_bodies__object_or_parse_error),
	    cmocka_unit_test(
	        call_json__truncated_body__transport_error_retried),
	    cmocka_unit_test(call_json__server_hangs__timeout_names_endpoint),
	    cmocka_unit_test(
	        call_json__nothing_listening__cannot_connect_names_endpoint),
	    cmocka_unit_test(
	        call_json__listener_never_accepts__connect_timeout),
	    cmocka_unit_test(
	        call_json__read_only__refused_before_credentials_or_io),
	    cmocka_unit_test(call_json__no_credentials__credentials_error),
	    cmocka_unit_test(
	        call_json__skewed_clock__corrected_and_retried_once),
	    cmocka_unit_test(call_json__skew_error_without_skew__not_retried),
	    cmocka_unit_test(
	        call_json__expired_token__refreshed_and_retried_once),
	    cmocka_unit_test(call_query__sts__form_body_and_xml),
	    cmocka_unit_test(redact__headers_and_bodies__secrets_replaced),
	    cmocka_unit_test(debug_output__full_call__no_secret_reaches_stderr),
	    cmocka_unit_test(client_new__endpoints_region_and_bad_input),
	    cmocka_unit_test(
	        http_perform__headers_and_size_limit__captured_or_refused),
	    cmocka_unit_test(http_perform__hostile_request_id__sanitized),
	    cmocka_unit_test(
	        client_new__role_with_endpoint_override__assume_role_sent_there),
	    cmocka_unit_test(
	        call_json__shared_client_many_threads__all_succeed),
	    cmocka_unit_test(
	        global_read_only__on__every_client_refuses_mutations),
	};
	int rc;

	http_global_init();
	rc = cmocka_run_group_tests(tests, setup, NULL);
	http_global_cleanup();
	return rc;
}
