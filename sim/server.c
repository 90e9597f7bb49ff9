/* momentum-sim's HTTP server: libmicrohttpd glue, auth, faults and dispatch. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <microhttpd.h>

#include "aws/service.h"
#include "sim/api.h"
#include "sim/scenario.h"
#include "sim/server.h"

#define MAX_BODY (16u << 20)
#define STALL_MAX_MS 60000

/* How each service speaks: the X-Amz-Target prefix and error flavours. */
struct sim_svc {
	const char *name;		/* signing name, as in the request log */
	const char *target_prefix;	/* NULL: STS (query protocol) */
	const char *content_type;
	int fault_idx;			/* enum aws_service_id */
	const struct sim_op *ops;
	bool query_error;		/* CloudWatch: x-amzn-query-error */
	const char *internal_error;	/* __type for the 5xx fault */
	int internal_status;
};

static const struct sim_svc svcs[] = {
	{ "monitoring", "GraniteServiceVersion20100801",
	    "application/x-amz-json-1.0", AWS_SVC_CLOUDWATCH,
	    sim_cloudwatch_ops, true, "InternalServiceFault", 500 },
	{ "logs", "Logs_20140328", "application/x-amz-json-1.1",
	    AWS_SVC_LOGS, sim_logs_ops, false, "ServiceUnavailableException",
	    503 },
	{ "ce", "AWSInsightsIndexService", "application/x-amz-json-1.1",
	    AWS_SVC_CE, sim_ce_ops, false, "InternalFailure", 500 },
	{ "apprunner", "AppRunner", "application/x-amz-json-1.0",
	    AWS_SVC_APPRUNNER, sim_apprunner_ops, false,
	    "InternalServiceErrorException", 500 },
	{ "ecr", "AmazonEC2ContainerRegistry_V20150921",
	    "application/x-amz-json-1.1", AWS_SVC_ECR, sim_ecr_ops, false,
	    "ServerException", 500 },
	{ "sts", NULL, "text/xml", AWS_SVC_STS, NULL, false, "InternalFailure",
	    500 },
};

static const char *
req_header(const struct sim_http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* CloudWatch's legacy query error code for a JSON __type. */
static const char *
query_code(const char *type)
{
	static const struct { const char *type, *code; } map[] = {
		{ "InvalidParameterValueException", "InvalidParameterValue" },
		{ "InvalidParameterCombinationException",
		    "InvalidParameterCombination" },
		{ "MissingRequiredParameterException", "MissingParameter" },
		{ "InternalServiceFault", "InternalServiceError" },
		{ "LimitExceededFault", "LimitExceeded" },
		{ "DashboardInvalidInputError", "InvalidParameterInput" },
		{ "InvalidFormatFault", "InvalidFormat" },
		{ "ThrottlingException", "Throttling" },
		{ "AccessDeniedException", "AccessDenied" },
		{ "UnrecognizedClientException", "InvalidClientTokenId" },
		{ "InvalidSignatureException", "SignatureDoesNotMatch" },
		{ "MissingAuthenticationTokenException",
		    "MissingAuthenticationToken" },
		{ "IncompleteSignatureException", "IncompleteSignature" },
		{ "ExpiredTokenException", "ExpiredToken" },
		{ "UnknownOperationException", "InvalidAction" },
	};
	size_t i;

	for (i = 0; i < nitems(map); i++)
		if (strcmp(map[i].type, type) == 0)
			return map[i].code;
	return type;
}

/* An upper bound of the unformatted JSON length of it (not counting the NUL). */
static size_t
json_bound(const cJSON *it)
{
	const cJSON *c;
	size_t n;

	switch (it->type & 0xff) {
	case cJSON_Raw:
		return it->valuestring != NULL ? strlen(it->valuestring) : 0;
	case cJSON_String:
		/* Every byte may become \u00XX. */
		return it->valuestring != NULL ?
		    6 * strlen(it->valuestring) + 2 : 4;
	case cJSON_Array:
	case cJSON_Object:
		n = 2;
		for (c = it->child; c != NULL; c = c->next) {
			n += json_bound(c) + 1;
			if ((it->type & 0xff) == cJSON_Object)
				n += (c->string != NULL ?
				    6 * strlen(c->string) : 0) + 3;
		}
		return n;
	default:
		return 64;		/* numbers, true, false, null */
	}
}

/*
 * Print o into body.  Bodies can be megabytes (GetMetricData): print
 * once into a buffer of the right size rather than letting cJSON grow
 * one by doubling and then copying it.
 */
static void
print_body(const cJSON *o, struct buf *body)
{
	size_t cap = json_bound(o) + 64;
	char *s = xmalloc(cap);

	if (!cJSON_PrintPreallocated((cJSON *)o, s, (int)(cap > INT_MAX ?
	    INT_MAX : cap), false)) {
		/* Cannot happen with the bound above; still answer. */
		free(s);
		s = cJSON_PrintUnformatted(o);
		if (s == NULL)
			return;
		cap = strlen(s) + 1;
	}
	body->data = s;
	body->len = strlen(s);
	body->cap = cap;
}

static void
json_error(const struct sim_svc *svc, struct sim_http_response *resp,
    int status, const char *type, const char *message)
{
	cJSON *o = cJSON_CreateObject();
	char *s;

	resp->status = status;
	resp->content_type = svc != NULL ? svc->content_type :
	    "application/x-amz-json-1.1";
	cJSON_AddStringToObject(o, "__type", type);
	cJSON_AddStringToObject(o, "message", message);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	buf_reset(&resp->body);
	buf_puts(&resp->body, s);
	cJSON_free(s);
	free(resp->query_error);
	resp->query_error = NULL;
	if (svc != NULL && svc->query_error)
		resp->query_error = xasprintf("%s;%s", query_code(type),
		    status >= 500 ? "Receiver" : "Sender");
}

/* The error in the protocol of svc (XML for STS). */
static void
proto_error(const struct sim_svc *svc, struct sim_http_response *resp,
    int status, const char *type, const char *message)
{
	if (svc != NULL && svc->target_prefix == NULL)
		sim_sts_error(resp, status, type, message);
	else
		json_error(svc, resp, status, type, message);
}

/* Map a sigv4/auth code to the name the service's protocol uses. */
static const char *
auth_error_name(const struct sim_svc *svc, const char *code)
{
	static const struct { const char *code, *json; } map[] = {
		{ "MissingAuthenticationToken",
		    "MissingAuthenticationTokenException" },
		{ "IncompleteSignature", "IncompleteSignatureException" },
		{ "InvalidClientTokenId", "UnrecognizedClientException" },
		{ "SignatureDoesNotMatch", "InvalidSignatureException" },
		{ "RequestExpired", "InvalidSignatureException" },
		{ "ExpiredToken", "ExpiredTokenException" },
	};
	size_t i;

	if (svc != NULL && svc->target_prefix == NULL) {
		/* STS reports an expired signature as SignatureDoesNotMatch. */
		if (strcmp(code, "RequestExpired") == 0)
			return "SignatureDoesNotMatch";
		return code;
	}
	for (i = 0; i < nitems(map); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].json;
	return code;
}

static void
format_http_date(time_t t, char *out, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
make_request_id(uint64_t seed, uint64_t n, char *out)
{
	uint64_t a = mix(seed ^ mix(n)), b = mix(a ^ n);

	snprintf(out, 40, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
	    (unsigned)a & 0xfff, (unsigned)(0x8000 | ((b >> 48) & 0x3fff)),
	    (unsigned long long)(b & 0xffffffffffffULL));
}

/* Does this request hit a fault of the given rate? */
static bool
roll(uint64_t seed, uint64_t n, const char *kind, double rate)
{
	if (rate <= 0)
		return false;
	if (rate >= 1)
		return true;
	return sim_noise(seed, sim_hash(kind), (int64_t)n) < rate;
}

void
sim_http_response_free(struct sim_http_response *resp)
{
	buf_free(&resp->body);
	free(resp->query_error);
	memset(resp, 0, sizeof *resp);
}

static const struct sim_op *
find_op(const struct sim_op *ops, const char *name)
{
	if (ops == NULL)
		return NULL;
	for (; ops->name != NULL; ops++)
		if (strcmp(ops->name, name) == 0)
			return ops;
	return NULL;
}

static void
run_json_op(struct sim_ctx *ctx, const struct sim_svc *svc,
    const struct sim_op *op, const struct sim_identity *id,
    const struct sim_http_request *req, struct sim_http_response *resp)
{
	struct sim_reply reply;
	struct sim_call call;
	const char *end = NULL;
	cJSON *in;

	if (req->body_len == 0)
		in = cJSON_CreateObject();
	else {
		in = cJSON_ParseWithLengthOpts(req->body, req->body_len, &end,
		    false);
		if (in != NULL) {
			/* Only whitespace may follow the document. */
			while (end < req->body + req->body_len &&
			    strchr(" \t\r\n", *end) != NULL && *end != '\0')
				end++;
			if (end != req->body + req->body_len ||
			    !cJSON_IsObject(in)) {
				cJSON_Delete(in);
				in = NULL;
			}
		}
	}
	if (in == NULL) {
		json_error(svc, resp, 400, "SerializationException",
		    "Start of structure or map found where not expected, or "
		    "the request body is not a JSON object");
		return;
	}
	memset(&reply, 0, sizeof reply);
	memset(&call, 0, sizeof call);
	call.w = ctx->w;
	call.access_key = id->access_key;
	call.read_only_key = id->read_only;
	call.service = svc->name;
	call.operation = op->name;
	pthread_mutex_lock(&ctx->w->lock);
	call.now = sim_now(ctx->w);
	sim_scenario_apply(ctx->scenario, ctx->w, call.now);
	sim_world_tick(ctx->w, call.now);
	if (op->fn(&call, in, &reply) != 0 && reply.status < 400) {
		/* A handler failed without saying why: still answer. */
		sim_error(&reply, 500, svc->internal_error,
		    "internal error in %s", op->name);
	}
	pthread_mutex_unlock(&ctx->w->lock);
	cJSON_Delete(in);
	if (reply.status >= 400) {
		json_error(svc, resp, reply.status, reply.error_type,
		    reply.error_message != NULL ? reply.error_message : "");
	} else {
		resp->status = 200;
		resp->content_type = svc->content_type;
		if (reply.json == NULL)
			reply.json = cJSON_CreateObject();
		buf_free(&resp->body);
		print_body(reply.json, &resp->body);
	}
	sim_reply_free(&reply);
}

void
sim_handle(struct sim_ctx *ctx, const struct sim_http_request *req,
    struct sim_http_response *resp)
{
	const struct sim_svc *svc = NULL;
	const struct sim_op *op = NULL;
	struct sim_identity id;
	struct sim_faults f;
	struct sigv4_request sreq;
	const char *target, *dot, *code = NULL, *logerr = NULL;
	const char *fault = NULL, *opname = NULL;
	char *message = NULL, *tmp = NULL, *opcopy = NULL;
	uint64_t n;
	time_t server_now;
	double wall = (double)now_ms() / 1000.0;
	size_t i, plen;

	memset(resp, 0, sizeof *resp);
	memset(&id, 0, sizeof id);
	n = __atomic_fetch_add(&ctx->nreq, 1, __ATOMIC_RELAXED);
	make_request_id(ctx->w->seed, n, resp->request_id);

	/* Which service: X-Amz-Target for the JSON ones, else STS. */
	target = req_header(req, "x-amz-target");
	if (target != NULL) {
		dot = strrchr(target, '.');
		plen = dot != NULL ? (size_t)(dot - target) : strlen(target);
		for (i = 0; i < nitems(svcs); i++) {
			if (svcs[i].target_prefix != NULL &&
			    strlen(svcs[i].target_prefix) == plen &&
			    strncmp(svcs[i].target_prefix, target, plen) == 0)
				svc = &svcs[i];
		}
		opcopy = xstrdup(dot != NULL ? dot + 1 : "");
		opname = opcopy;
	} else
		svc = &svcs[nitems(svcs) - 1];

	pthread_mutex_lock(&ctx->w->lock);
	/* Scenario events may change faults: apply them first. */
	sim_scenario_apply(ctx->scenario, ctx->w, sim_now(ctx->w));
	sim_faults_get(ctx->w, svc != NULL ? svc->fault_idx : -1, &f);
	pthread_mutex_unlock(&ctx->w->lock);
	server_now = (time_t)wall + f.clock_skew_s;
	format_http_date(server_now, resp->date, sizeof resp->date);
	resp->latency_ms = f.latency_ms;

	/* Authenticate before anything else, as AWS does. */
	if (ctx->auth != NULL) {
		memset(&sreq, 0, sizeof sreq);
		sreq.method = req->method;
		sreq.path = req->path;
		sreq.query = req->query;
		sreq.headers = req->headers;
		sreq.nheaders = req->nheaders;
		sreq.body = req->body;
		sreq.body_len = req->body_len;
		if (sim_auth_check(ctx->auth, &sreq, server_now, &id, &code,
		    &message) != 0) {
			const char *name = auth_error_name(svc, code);

			proto_error(svc, resp, 403, name,
			    message != NULL ? message : code);
			logerr = name;
			goto done;
		}
	} else {
		id.access_key = xstrdup("ANONYMOUS");
		snprintf(id.arn, sizeof id.arn,
		    "arn:aws:iam::123456789012:user/momentum-oncall");
		snprintf(id.user_id, sizeof id.user_id, "AIDAANONYMOUS");
	}

	if (svc == NULL) {
		tmp = xasprintf("Operation %.200s is not supported by this "
		    "endpoint", target);
		json_error(NULL, resp, 400, "UnknownOperationException", tmp);
		logerr = "UnknownOperationException";
		goto done;
	}
	if (svc->target_prefix != NULL &&
	    (op = find_op(svc->ops, opname)) == NULL) {
		tmp = xasprintf("Operation %.200s is not supported by %s",
		    opname, svc->name);
		json_error(svc, resp, 400, "UnknownOperationException", tmp);
		logerr = "UnknownOperationException";
		goto done;
	}
	if (op != NULL && op->mutating && id.read_only) {
		tmp = xasprintf("User: %s is not authorized to perform: %s:%s "
		    "because the key is read-only", id.arn, svc->name,
		    op->name);
		json_error(svc, resp, 400, "AccessDeniedException", tmp);
		logerr = "AccessDeniedException";
		goto done;
	}

	/* Faults that replace the answer. */
	if (roll(ctx->w->seed, n, "reset", f.reset_rate)) {
		resp->delivery = SIM_DELIVER_RESET;
		fault = "reset";
		goto done;
	}
	if (f.stall) {
		resp->delivery = SIM_DELIVER_STALL;
		fault = "stall";
		goto done;
	}
	if (roll(ctx->w->seed, n, "throttle", f.throttle_rate)) {
		proto_error(svc, resp, 400, svc->target_prefix == NULL ?
		    "Throttling" : "ThrottlingException", "Rate exceeded");
		logerr = svc->target_prefix == NULL ? "Throttling" :
		    "ThrottlingException";
		fault = "throttle";
		goto done;
	}
	if (roll(ctx->w->seed, n, "error", f.error_rate)) {
		proto_error(svc, resp, svc->internal_status,
		    svc->internal_error, "We encountered an internal error. "
		    "Please try again.");
		logerr = svc->internal_error;
		fault = "error";
		goto done;
	}

	if (svc->target_prefix == NULL) {
		const char *err;

		const char *form = req->body != NULL ? req->body : "";
		size_t flen = req->body_len;

		/* A GET carries its parameters in the query string. */
		if (flen == 0 && req->query != NULL) {
			form = req->query;
			flen = strlen(req->query);
		}
		sim_sts_handle(ctx, &id, form, flen, server_now,
		    f.creds_ttl_s, resp, &opname, &err);
		logerr = err;
	} else {
		run_json_op(ctx, svc, op, &id, req, resp);
	}

	/* Faults that damage the answer. */
	if (roll(ctx->w->seed, n, "truncate", f.truncate_rate)) {
		resp->delivery = SIM_DELIVER_TRUNCATE;
		fault = "truncate";
	} else if (roll(ctx->w->seed, n, "malformed", f.malformed_rate)) {
		buf_reset(&resp->body);
		buf_puts(&resp->body, "{\"__malformed\": <html>\x01\x02 "
		    "Service Unavailable</ht");
		fault = "malformed";
	}
done:
	if (resp->status == 0 && resp->delivery != SIM_DELIVER_RESET &&
	    resp->delivery != SIM_DELIVER_STALL) {
		/* Nobody answered: still send a well-formed error. */
		proto_error(svc, resp, 500, "InternalFailure",
		    "the simulator produced no answer");
		logerr = "InternalFailure";
	}
	if (logerr == NULL && resp->status >= 400 && resp->body.data != NULL) {
		/* Recover the __type the handler chose, for the log. */
		cJSON *o = cJSON_ParseWithLength(resp->body.data,
		    resp->body.len);
		const char *t = sim_json_str(o, "__type");

		free(tmp);
		tmp = xstrdup(t);
		logerr = tmp;
		cJSON_Delete(o);
	}
	sim_reqlog_write(ctx->log, wall, svc != NULL ? svc->name : NULL,
	    op != NULL ? op->name : opname, id.access_key,
	    resp->delivery == SIM_DELIVER_RESET ||
	    resp->delivery == SIM_DELIVER_STALL ? 0 : resp->status, logerr,
	    fault);
	free(message);
	free(tmp);
	free(opcopy);
	sim_identity_clear(&id);
}

/* ---- libmicrohttpd --------------------------------------------------- */

struct sim_server {
	struct MHD_Daemon *d;
	struct sim_ctx *ctx;
	int port;
};

/* Per-connection request state, created by the URI log callback. */
struct conn_state {
	char *uri;		/* raw, with the query string */
	struct buf body;
	bool too_big;
	bool started;		/* the headers-only first call has been seen */
};

struct hdr_collect {
	struct sigv4_header *h;
	size_t n;
};

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn_state *cs = xcalloc(1, sizeof *cs);

	cs->uri = xstrdup(uri);
	return cs;
}

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hdr_collect *hc = cls;

	hc->h = xreallocarray(hc->h, hc->n + 1, sizeof *hc->h);
	hc->h[hc->n].name = key;
	hc->h[hc->n].value = value != NULL ? value : "";
	hc->n++;
	return MHD_YES;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;

	if (cs == NULL)
		return;
	free(cs->uri);
	buf_free(&cs->body);
	free(cs);
	*con_cls = NULL;
}

static int
conn_fd(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	return ci != NULL ? ci->connect_fd : -1;
}

static bool
is_stopping(struct sim_ctx *ctx)
{
	return ctx->stopping != NULL &&
	    __atomic_load_n(ctx->stopping, __ATOMIC_RELAXED) != 0;
}

/* Sleep ms in small steps so shutdown is not held up. */
static void
nap(struct sim_ctx *ctx, int ms)
{
	struct timespec ts;

	while (ms > 0 && !is_stopping(ctx)) {
		int step = ms > 50 ? 50 : ms;

		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/* Hold the connection until the client goes away, 60 s, or shutdown. */
static void
stall(struct sim_ctx *ctx, int fd)
{
	struct pollfd pfd;
	int waited = 0;
	char byte;

	while (waited < STALL_MAX_MS &&
	    !is_stopping(ctx)) {
		pfd.fd = fd;
		pfd.events = POLLIN | POLLRDHUP;
		pfd.revents = 0;
		if (fd < 0) {
			nap(ctx, 100);
		} else if (poll(&pfd, 1, 100) > 0) {
			if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))
				return;
			if ((pfd.revents & POLLIN) &&
			    recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
				return;
			nap(ctx, 100);	/* pipelined bytes: keep waiting */
		}
		waited += 100;
	}
}

struct trunc {
	char *data;
	size_t len;		/* bytes we will send before failing */
};

static ssize_t
trunc_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct trunc *t = cls;
	size_t n;

	if (pos >= t->len)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = t->len - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(out, t->data + pos, n);
	return (ssize_t)n;
}

static void
trunc_free(void *cls)
{
	struct trunc *t = cls;

	free(t->data);
	free(t);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct sim_server *srv = cls;
	struct conn_state *cs = *con_cls;
	struct sim_http_request req;
	struct sim_http_response resp;
	struct hdr_collect hc = { NULL, 0 };
	struct MHD_Response *r;
	char *path, *q;
	enum MHD_Result ret;
	int fd;

	if (cs == NULL)
		return MHD_NO;
	if (!cs->started) {
		cs->started = true;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (cs->body.len + *upload_data_size > MAX_BODY)
			cs->too_big = true;
		else
			buf_append(&cs->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}

	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hc);
	path = xstrdup(cs->uri);
	q = strchr(path, '?');
	if (q != NULL)
		*q++ = '\0';
	memset(&req, 0, sizeof req);
	req.method = method;
	req.path = path;
	req.query = q;
	req.headers = hc.h;
	req.nheaders = hc.n;
	req.body = cs->body.data != NULL ? cs->body.data : "";
	req.body_len = cs->body.len;
	if (cs->too_big) {
		memset(&resp, 0, sizeof resp);
		resp.status = 413;
		resp.content_type = "application/x-amz-json-1.1";
		buf_puts(&resp.body, "{\"__type\":\"SerializationException\","
		    "\"message\":\"Request body too large\"}");
		format_http_date(time(NULL), resp.date, sizeof resp.date);
		snprintf(resp.request_id, sizeof resp.request_id,
		    "00000000-0000-4000-8000-000000000000");
	} else
		sim_handle(srv->ctx, &req, &resp);
	free(hc.h);
	free(path);

	if (resp.latency_ms > 0)
		nap(srv->ctx, resp.latency_ms);
	fd = conn_fd(c);
	switch (resp.delivery) {
	case SIM_DELIVER_RESET:
		if (fd >= 0) {
			struct linger lg = { 1, 0 };

			/* An RST rather than a FIN. */
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		}
		sim_http_response_free(&resp);
		return MHD_NO;
	case SIM_DELIVER_STALL:
		stall(srv->ctx, fd);
		sim_http_response_free(&resp);
		return MHD_NO;
	case SIM_DELIVER_TRUNCATE: {
		struct trunc *t = xmalloc(sizeof *t);
		size_t full = resp.body.len;

		t->len = full / 2;
		t->data = buf_steal(&resp.body);
		r = MHD_create_response_from_callback(full, 4096, trunc_read,
		    t, trunc_free);
		break;
	}
	case SIM_DELIVER_NORMAL:
	default:
		/* Hand the body over rather than copy it (freed by MHD). */
		if (resp.body.data == NULL)
			r = MHD_create_response_from_buffer(0, (char *)"",
			    MHD_RESPMEM_PERSISTENT);
		else {
			size_t len = resp.body.len;
			char *data = buf_steal(&resp.body);

			r = MHD_create_response_from_buffer(len, data,
			    MHD_RESPMEM_MUST_FREE);
			if (r == NULL)
				free(data);
		}
		break;
	}
	if (r == NULL) {
		sim_http_response_free(&resp);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", resp.content_type != NULL ?
	    resp.content_type : "application/json");
	MHD_add_response_header(r, "x-amzn-RequestId", resp.request_id);
	MHD_add_response_header(r, "Date", resp.date);
	if (resp.query_error != NULL)
		MHD_add_response_header(r, "x-amzn-query-error",
		    resp.query_error);
	ret = MHD_queue_response(c, (unsigned)resp.status, r);
	MHD_destroy_response(r);
	sim_http_response_free(&resp);
	return ret;
}

struct sim_server *
sim_server_start(struct sim_ctx *ctx, int port, char **cause)
{
	struct sim_server *s = xcalloc(1, sizeof *s);
	const union MHD_DaemonInfo *di;
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->ctx = ctx;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_SUPPRESS_DATE_NO_CLOCK |
	    MHD_USE_POLL, (uint16_t)port, NULL, NULL, access_cb, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
	    MHD_OPTION_END);
	if (s->d == NULL) {
		*cause = xasprintf("cannot listen on 127.0.0.1:%d: %s", port,
		    errno != 0 ? strerror(errno) : "libmicrohttpd failed");
		free(s);
		return NULL;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di != NULL ? di->port : port;
	return s;
}

int
sim_server_port(const struct sim_server *s)
{
	return s->port;
}

void
sim_server_stop(struct sim_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
