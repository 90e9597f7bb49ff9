/* The AWS client core: read-only chokepoint, signing, retries, skew. */
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "util/util.h"

#define CLIENT_DEBUG_BODY_MAX 4096

/* Where one service lives, split the way signing needs it. */
struct client_endpoint {
	char *configured; /* as resolved, for messages */
	char *url;        /* scheme://host[:port]/path we POST to */
	char *host;       /* Host header value */
	char *path;       /* request path, "/" at least */
};

/*
 * Set up once by aws_client_new and then read-only, except: read_only
 * and skew_s are atomics any thread may change; quota has its own lock;
 * env is set by tests before any call.
 */
struct aws_client {
	char *name;
	struct aws_profile *profile;
	char *region;
	struct client_endpoint ep[AWS_SVC_COUNT];
	struct aws_creds_provider *creds;
	long connect_timeout_ms;
	long timeout_ms;
	int max_attempts;
	struct retry_env env;
	struct retry_quota quota;
	atomic_bool read_only;
	atomic_long skew_s; /* server - local, seconds */
};

/* The process-wide switch: once on, stays on (--read-only, --wallboard). */
static atomic_bool client_global_read_only;

void
aws_set_global_read_only(void)
{
	atomic_store(&client_global_read_only, true);
}

bool
aws_global_read_only(void)
{
	return atomic_load(&client_global_read_only);
}

void
aws_client_set_read_only(struct aws_client *c, bool on)
{
	atomic_store(&c->read_only, on);
}

bool
aws_client_read_only(const struct aws_client *c)
{
	return aws_global_read_only() ||
	       (c != NULL && atomic_load(&((struct aws_client *)c)->read_only));
}

/*
 * The chokepoint's decision: everything is allowed unless read-only mode
 * is on (globally or for this client), and then only the service's
 * explicit read allow-list.
 */
bool
aws_op_allowed(const struct aws_client *c, enum aws_service_id svc,
               const char *operation)
{
	if (!aws_client_read_only(c))
		return true;
	return aws_service_op_is_read(aws_service_get(svc), operation);
}

void
aws_client_set_retry_env(struct aws_client *c, const struct retry_env *env)
{
	c->env = *env;
}

long
aws_client_skew(struct aws_client *c)
{
	return atomic_load(&c->skew_s);
}

const char *
aws_client_region(const struct aws_client *c)
{
	return c->region;
}

const char *
aws_client_endpoint(const struct aws_client *c, enum aws_service_id svc)
{
	if ((int)svc < 0 || svc >= AWS_SVC_COUNT)
		return NULL;
	return c->ep[svc].configured;
}

/* ---- debug output --------------------------------------------------- */

static const char *const debug_secret_headers[] = {
    "authorization", "x-amz-security-token", "proxy-authorization",
    "cookie",        "set-cookie",
};

static const char *const debug_secret_fields[] = {
    "SecretAccessKey",   "SessionToken", "authorizationToken",
    "Password",          "SecretString", "aws_secret_access_key",
    "aws_session_token", "Token",
};

/* "Authorization: [redacted]" for secret headers.  Caller frees. */
char *
debug_redact_header(const char *line)
{
	const char *colon = strchr(line, ':');
	size_t n, i;

	if (colon == NULL)
		return xstrdup(line);
	n = (size_t)(colon - line);
	for (i = 0; i < nitems(debug_secret_headers); i++) {
		if (strlen(debug_secret_headers[i]) == n &&
		    strncasecmp(line, debug_secret_headers[i], n) == 0)
			return xasprintf("%.*s: [redacted]", (int)n, line);
	}
	return xstrdup(line);
}

static bool
debug_is_secret_field(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < nitems(debug_secret_fields); i++) {
		if (strlen(debug_secret_fields[i]) == n &&
		    strncasecmp(name, debug_secret_fields[i], n) == 0)
			return true;
	}
	return false;
}

/*
 * Copy body replacing the values of secret fields: JSON "Name": "..."
 * and XML <Name>...</Name>.  Works on truncated or malformed input
 * (a secret whose end is missing is redacted to the end).  Caller frees.
 */
char *
debug_redact_body(const char *body, size_t len)
{
	struct buf b = {0};
	size_t i = 0, j, k;

	while (i < len) {
		if (body[i] == '"') {
			/* A JSON string: is it a secret key followed by ':'? */
			for (j = i + 1; j < len && body[j] != '"'; j++) {
				if (body[j] == '\\')
					j++;
			}
			if (j >= len) {
				buf_append(&b, body + i, len - i);
				break;
			}
			buf_append(&b, body + i, j + 1 - i);
			if (!debug_is_secret_field(body + i + 1, j - i - 1)) {
				i = j + 1;
				continue;
			}
			for (k = j + 1;
			     k < len && isspace((unsigned char)body[k]); k++)
				;
			if (k >= len || body[k] != ':') {
				i = j + 1;
				continue;
			}
			for (k++; k < len && isspace((unsigned char)body[k]);
			     k++)
				;
			if (k >= len || body[k] != '"') {
				i = j + 1;
				continue;
			}
			buf_puts(&b, ": \"[redacted]\"");
			for (k++; k < len && body[k] != '"'; k++) {
				if (body[k] == '\\')
					k++;
			}
			i = k + 1;
			continue;
		}
		if (body[i] == '<' && i + 1 < len && body[i + 1] != '/') {
			for (j = i + 1; j < len && body[j] != '>' &&
			                body[j] != ' ' && body[j] != '/';
			     j++)
				;
			if (j < len && body[j] == '>' &&
			    debug_is_secret_field(body + i + 1, j - i - 1)) {
				buf_append(&b, body + i, j + 1 - i);
				buf_puts(&b, "[redacted]");
				for (k = j + 1; k < len && body[k] != '<'; k++)
					;
				i = k;
				continue;
			}
		}
		buf_putc(&b, body[i]);
		i++;
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

static bool
client_debug(void)
{
	const char *v = getenv("MOMENTUM_DEBUG");

	return v != NULL && strcmp(v, "1") == 0;
}

static void
client_debug_body(const char *prefix, const char *body, size_t len)
{
	size_t n = len < CLIENT_DEBUG_BODY_MAX ? len : CLIENT_DEBUG_BODY_MAX;
	char *red, *p;

	if (len == 0)
		return;
	red = debug_redact_body(body, n);
	for (p = red; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	fprintf(stderr, "%s%s%s\n", prefix, red,
	        len > n ? " [...truncated]" : "");
	free(red);
}

static void
client_debug_request(const struct aws_service *s, const char *op, int attempt,
                     const char *url, const char *const *lines, size_t n,
                     const char *body, size_t len)
{
	char *red;
	size_t i;

	fprintf(stderr, "momentum-console: > POST %s (%s %s, attempt %d)\n",
	        url, s->name, op, attempt);
	for (i = 0; i < n; i++) {
		red = debug_redact_header(lines[i]);
		fprintf(stderr, "momentum-console: > %s\n", red);
		free(red);
	}
	client_debug_body("momentum-console: > ", body, len);
}

static void
client_debug_response(const struct http_response *r)
{
	fprintf(stderr,
	        "momentum-console: < HTTP %ld, %zu bytes, request id "
	        "%s, date %s%s%s\n",
	        r->status, r->body.len,
	        r->request_id != NULL ? r->request_id : "-",
	        r->date != NULL ? r->date : "-",
	        r->query_error != NULL ? ", query error " : "",
	        r->query_error != NULL ? r->query_error : "");
	client_debug_body("momentum-console: < ", r->body.data, r->body.len);
}

/* ---- client life cycle ---------------------------------------------- */

/* $name is 1, true or yes. */
static bool
env_true(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && (strcmp(v, "1") == 0 ||
	    strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

/* Split an endpoint URL for signing.  -1 with *cause on a bad URL. */
static int
client_endpoint_parse(struct client_endpoint *ep, const char *url, char **cause)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	int rc = -1;
	bool default_port;

	if (u == NULL)
		fatal("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*cause = xasprintf("bad endpoint URL: %s", url);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		*cause =
		    xasprintf("endpoint URL must be http or https: %s", url);
		goto out;
	}
	/*
	 * TLS is always on, so plain HTTP is only for this machine (the
	 * simulator, moto, a local proxy) unless asked for: signed requests
	 * and session tokens would otherwise cross the network unencrypted.
	 */
	if (strcmp(scheme, "http") == 0 && !aws_host_is_loopback(host) &&
	    !env_true("MOMENTUM_ALLOW_HTTP")) {
		*cause = xasprintf("endpoint %s is plain HTTP to another "
		    "machine; use https://, or set MOMENTUM_ALLOW_HTTP=1 to "
		    "send requests (and session tokens) unencrypted", url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
		port = NULL;
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		path = NULL;
	default_port =
	    port == NULL ||
	    (strcmp(scheme, "http") == 0 && strcmp(port, "80") == 0) ||
	    (strcmp(scheme, "https") == 0 && strcmp(port, "443") == 0);
	if (default_port)
		ep->host = xstrdup(host);
	else
		ep->host = xasprintf("%s:%s", host, port);
	ep->path = xstrdup(path != NULL && *path != '\0' ? path : "/");
	ep->url = xasprintf("%s://%s%s", scheme, ep->host, ep->path);
	ep->configured = xstrdup(url);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	return rc;
}

/*
 * A client for one environment: profile, region, one endpoint per
 * service, and a credentials chain.  NULL with *cause (caller frees) on
 * a broken config file, missing region, unknown profile or bad endpoint.
 */
struct aws_client *
aws_client_new(const struct aws_client_config *cfg, char **cause)
{
	struct aws_client *c;
	struct aws_creds_options opt;
	const char *pname;
	char *url, *why = NULL;
	size_t i;

	*cause = NULL;
	c = xcalloc(1, sizeof *c);
	c->name = xstrdup(cfg->name != NULL ? cfg->name : "default");
	c->connect_timeout_ms = cfg->connect_timeout_ms;
	c->timeout_ms = cfg->timeout_ms;
	c->max_attempts =
	    cfg->max_attempts > 0 ? cfg->max_attempts : RETRY_MAX_ATTEMPTS;
	c->env = *retry_env_default();
	retry_quota_init(&c->quota);
	atomic_init(&c->read_only, cfg->read_only);
	atomic_init(&c->skew_s, 0);

	c->profile = aws_profile_load(cfg->profile, &why);
	if (c->profile == NULL && why != NULL) {
		*cause = why;
		goto fail;
	}
	pname = cfg->profile != NULL ? cfg->profile : getenv("AWS_PROFILE");
	if (c->profile == NULL && pname != NULL && *pname != '\0' &&
	    strcmp(pname, "default") != 0) {
		*cause = xasprintf("the config profile (%s) could not be found",
		                   pname);
		goto fail;
	}

	if (cfg->region != NULL && *cfg->region != '\0')
		c->region = xstrdup(cfg->region);
	else
		c->region = aws_region_resolve(c->profile);
	if (c->region == NULL) {
		*cause = xstrdup("no AWS region: set --region, AWS_REGION, "
		                 "AWS_DEFAULT_REGION or region in the profile");
		goto fail;
	}

	for (i = 0; i < AWS_SVC_COUNT; i++) {
		const struct aws_service *s = aws_service_get(i);

		url = aws_endpoint_resolve(s, c->region, c->profile,
		                           cfg->endpoint_url);
		if (url == NULL) {
			*cause =
			    xasprintf("no endpoint for %s in region \"%s\"",
			              s->name, c->region);
			goto fail;
		}
		if (client_endpoint_parse(&c->ep[i], url, &why) != 0) {
			*cause = xasprintf("%s: %s", s->name, why);
			free(why);
			free(url);
			goto fail;
		}
		free(url);
	}

	memset(&opt, 0, sizeof opt);
	opt.profile = cfg->profile;
	opt.role_arn = cfg->role_arn;
	opt.external_id = cfg->external_id;
	opt.region = c->region;
	/* The environment's endpoint override covers the role's STS too. */
	if (cfg->endpoint_url != NULL && *cfg->endpoint_url != '\0')
		opt.sts_endpoint = c->ep[AWS_SVC_STS].configured;
	c->creds = aws_creds_provider_new(&opt);
	if (c->creds == NULL) {
		*cause = xstrdup("cannot set up the credentials chain");
		goto fail;
	}
	return c;
fail:
	aws_client_free(c);
	return NULL;
}

void
aws_client_free(struct aws_client *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < AWS_SVC_COUNT; i++) {
		free(c->ep[i].configured);
		free(c->ep[i].url);
		free(c->ep[i].host);
		free(c->ep[i].path);
	}
	aws_creds_provider_free(c->creds);
	aws_profile_free(c->profile);
	retry_quota_destroy(&c->quota);
	free(c->region);
	free(c->name);
	free(c);
}

/* ---- the call path -------------------------------------------------- */

/* Operation names go into a header: letters and digits only. */
static bool
client_op_ok(const char *op)
{
	if (op == NULL || *op == '\0' || strlen(op) > 64)
		return false;
	for (; *op != '\0'; op++) {
		if (!isalnum((unsigned char)*op))
			return false;
	}
	return true;
}

/* Fields of one attempt's request that must outlive signing. */
struct client_attempt {
	struct sigv4_header sh[8];
	size_t nsh;
	char *lines[9];
	size_t nlines;
};

static void
client_attempt_add(struct client_attempt *a, const char *name,
                   const char *value)
{
	a->sh[a->nsh].name = name;
	a->sh[a->nsh].value = value;
	a->nsh++;
}

static void
client_attempt_free(struct client_attempt *a)
{
	size_t i;

	for (i = 0; i < a->nlines; i++)
		secret_free(a->lines[i]);
	memset(a, 0, sizeof *a);
}

/*
 * Send one call with retries until a 2xx answer (0, resp filled) or a
 * final error (-1, err filled).  Every attempt fetches credentials and
 * is signed afresh at the skew-corrected time.
 */
static int
client_send(struct aws_client *c, const struct aws_service *s, const char *op,
            const char *content_type, const char *target, const char *body,
            size_t body_len, struct http_response *resp, struct aws_error *err)
{
	const struct client_endpoint *ep = &c->ep[s->id];
	struct aws_credentials cr;
	struct aws_error aerr;
	struct sigv4_request sreq;
	struct sigv4_params sp;
	struct http_request hreq;
	struct client_attempt a;
	char amz_date[17], *auth, *cause;
	int attempt = 0, acquired = 0, rc;
	bool skew_retried = false, token_retried = false;
	bool is_retry = false, debug = client_debug();
	long skew, off;
	int64_t now;
	size_t i;

	memset(&aerr, 0, sizeof aerr);
	for (;;) {
		attempt++;
		memset(&cr, 0, sizeof cr);
		cause = NULL;
		if (aws_creds_get(c->creds, &cr, &cause) != 0) {
			aws_error_set(err, AWS_ERR_CREDENTIALS, "NoCredentials",
			              0, "%s",
			              cause != NULL ? cause : "no credentials");
			free(cause);
			aws_error_clear(&aerr);
			return -1;
		}

		skew = atomic_load(&c->skew_s);
		now = c->env.now_ms(c->env.ctx);
		sigv4_format_date((time_t)(now / 1000) + skew, amz_date);

		memset(&a, 0, sizeof a);
		client_attempt_add(&a, "host", ep->host);
		client_attempt_add(&a, "x-amz-date", amz_date);
		client_attempt_add(&a, "content-type", content_type);
		if (target != NULL)
			client_attempt_add(&a, "x-amz-target", target);
		if (cr.session_token != NULL)
			client_attempt_add(&a, "x-amz-security-token",
			                   cr.session_token);
		if (s->id == AWS_SVC_CLOUDWATCH)
			client_attempt_add(&a, "x-amzn-query-mode", "true");

		memset(&sreq, 0, sizeof sreq);
		sreq.method = "POST";
		sreq.path = ep->path;
		sreq.headers = a.sh;
		sreq.nheaders = a.nsh;
		sreq.body = body;
		sreq.body_len = body_len;
		memset(&sp, 0, sizeof sp);
		sp.region =
		    s->fixed_region != NULL ? s->fixed_region : c->region;
		sp.service = s->signing_name;
		sp.when = (time_t)(now / 1000) + skew;
		sp.normalize_path = 1;
		auth = sigv4_authorization(&sreq, &cr, &sp);
		if (auth == NULL) {
			aws_credentials_clear(&cr);
			aws_error_set(err, AWS_ERR_CREDENTIALS, "SigningFailed",
			              0, "cannot sign %s %s", s->name, op);
			aws_error_clear(&aerr);
			return -1;
		}
		for (i = 0; i < a.nsh; i++)
			a.lines[a.nlines++] =
			    xasprintf("%s: %s", a.sh[i].name, a.sh[i].value);
		a.lines[a.nlines++] = xasprintf("Authorization: %s", auth);
		secret_free(auth);
		aws_credentials_clear(&cr);

		memset(&hreq, 0, sizeof hreq);
		hreq.method = "POST";
		hreq.url = ep->url;
		hreq.headers = (const char *const *)a.lines;
		hreq.nheaders = a.nlines;
		hreq.body = body;
		hreq.body_len = body_len;
		hreq.connect_timeout_ms = c->connect_timeout_ms;
		hreq.timeout_ms = c->timeout_ms;
		if (debug)
			client_debug_request(s, op, attempt, ep->url,
			                     (const char *const *)a.lines,
			                     a.nlines, body, body_len);

		aws_error_clear(&aerr);
		rc = http_perform(&hreq, resp, &aerr);
		client_attempt_free(&a);
		if (rc == 0) {
			if (debug)
				client_debug_response(resp);
			/* Any answer's Date tells us how far off our clock is.
			 */
			if (retry_skew_from_date(
			        resp->date, c->env.now_ms(c->env.ctx), &off))
				atomic_store(&c->skew_s, off);
			if (resp->status >= 200 && resp->status < 300) {
				usage_count_attempt(s->id, op, NULL, is_retry);
				retry_quota_release(&c->quota, acquired);
				return 0;
			}
			aws_error_from_response(&aerr, (int)resp->status,
			                        resp->body.data, resp->body.len,
			                        resp->query_error,
			                        resp->request_id);
			free(aerr.endpoint);
			aerr.endpoint = xstrdup(ep->configured);
		} else if (debug)
			fprintf(stderr, "momentum-console: < %s: %s\n",
			        aerr.code, aerr.message);
		usage_count_attempt(s->id, op, &aerr, is_retry);
		http_response_free(resp);

		/* Extra attempts for skew and expired tokens, once each. */
		if (retry_is_skew_error(&aerr) && !skew_retried &&
		    atomic_load(&c->skew_s) != skew) {
			skew_retried = true;
			is_retry = true;
			attempt--;
			continue;
		}
		if (retry_is_expired_token(&aerr) && !token_retried) {
			token_retried = true;
			is_retry = true;
			aws_creds_invalidate(c->creds);
			attempt--;
			continue;
		}
		if (retry_decide(&aerr, attempt, c->max_attempts, &c->quota,
		                 &acquired)) {
			is_retry = true;
			c->env.sleep_ms(
			    c->env.ctx,
			    retry_backoff_ms(attempt,
			                     c->env.random(c->env.ctx)));
			continue;
		}
		aws_error_move(err, &aerr);
		return -1;
	}
}

/* True when the body is empty or only whitespace. */
static bool
client_body_empty(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!isspace((unsigned char)p[i]))
			return false;
	}
	return true;
}

/* A well-formed 2xx answer that cannot be used. */
static void
client_parse_error(struct aws_error *err, const struct aws_client *c,
                   const struct aws_service *s, const char *op,
                   const struct http_response *r, const char *what)
{
	aws_error_set(err, AWS_ERR_PARSE, "MalformedResponse", (int)r->status,
	              "%s from %s %s at %s (%zu bytes)", what, s->name, op,
	              c->ep[s->id].configured, r->body.len);
	free(err->request_id);
	err->request_id = xstrdup(r->request_id);
	free(err->endpoint);
	err->endpoint = xstrdup(c->ep[s->id].configured);
}

/* The chokepoint's refusal; nothing has been sent or even signed. */
static bool
client_refuse(struct aws_client *c, enum aws_service_id svc, const char *op,
              struct aws_error *err)
{
	const struct aws_service *s;

	if (aws_op_allowed(c, svc, op))
		return false;
	s = aws_service_get(svc);
	aws_error_set(err, AWS_ERR_READ_ONLY, "ReadOnlyMode", 0,
	              "read-only mode refused %s %s", s != NULL ? s->name : "?",
	              op != NULL ? op : "?");
	return true;
}

/*
 * One AWS JSON 1.0/1.1 call.  Returns the parsed answer (caller
 * cJSON_Delete()s; an empty body gives {}) or NULL with err filled.
 *
 *	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", NULL, &err);
 */
cJSON *
aws_call_json(struct aws_client *c, enum aws_service_id svc,
              const char *operation, const cJSON *request,
              struct aws_error *err)
{
	return aws_call_json_ex(c, svc, operation, request, err, NULL);
}

/*
 * The one AWS JSON call: chokepoint, request body, send (retries,
 * signing, usage).  On success returns 0 with *resp filled (caller
 * http_response_free()s) and *request_id set when asked for.
 */
static int
client_call_json(struct aws_client *c, enum aws_service_id svc,
                 const char *operation, const cJSON *request,
                 struct aws_error *err, char **request_id,
                 const struct aws_service **sp, struct http_response *resp)
{
	const struct aws_service *s;
	char *body, *target, *ctype;
	int rc = -1;

	memset(resp, 0, sizeof *resp);
	if (request_id != NULL)
		*request_id = NULL;
	/* First: the read-only chokepoint, before credentials or I/O. */
	if (client_refuse(c, svc, operation, err))
		return -1;
	s = aws_service_get(svc);
	if (s == NULL || s->protocol != AWS_PROTO_JSON) {
		aws_error_set(err, AWS_ERR_CONFIG, "UnsupportedProtocol", 0,
		              "%s does not speak AWS JSON",
		              s != NULL ? s->name : "?");
		return -1;
	}
	if (!client_op_ok(operation)) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidOperation", 0,
		              "bad operation name for %s", s->name);
		return -1;
	}
	*sp = s;

	body =
	    request != NULL ? cJSON_PrintUnformatted(request) : xstrdup("{}");
	if (body == NULL)
		fatal("cJSON_PrintUnformatted failed");
	target = xasprintf("%s.%s", s->target_prefix, operation);
	ctype = xasprintf("application/x-amz-json-%s", s->json_version);
	if (client_send(c, s, operation, ctype, target, body, strlen(body),
	                resp, err) == 0) {
		usage_count_success(svc, operation, request);
		if (request_id != NULL)
			*request_id = xstrdup(resp->request_id);
		rc = 0;
	}
	free(ctype);
	free(target);
	free(body);
	return rc;
}

/*
 * As aws_call_json(); when request_id is not NULL it receives the
 * x-amzn-RequestId of a successful answer (caller frees; NULL when the
 * service sent none).  Failures keep theirs in err->request_id.
 */
cJSON *
aws_call_json_ex(struct aws_client *c, enum aws_service_id svc,
                 const char *operation, const cJSON *request,
                 struct aws_error *err, char **request_id)
{
	const struct aws_service *s = NULL;
	struct http_response resp;
	cJSON *out = NULL;

	if (client_call_json(c, svc, operation, request, err, request_id, &s,
	                     &resp) != 0)
		return NULL;
	if (client_body_empty(resp.body.data, resp.body.len))
		out = cJSON_CreateObject();
	else {
		out = cJSON_ParseWithLength(resp.body.data, resp.body.len);
		if (out == NULL || !cJSON_IsObject(out)) {
			cJSON_Delete(out);
			out = NULL;
			client_parse_error(err, c, s, operation, &resp,
			                   "malformed JSON");
		}
	}
	http_response_free(&resp);
	return out;
}

/*
 * As aws_call_json(), but the successful answer's raw body (caller
 * frees; *len bytes, NUL-terminated; an empty body gives "{}") for
 * callers that parse it themselves.  The body is not checked as JSON.
 */
char *
aws_call_json_body(struct aws_client *c, enum aws_service_id svc,
                   const char *operation, const cJSON *request, size_t *len,
                   struct aws_error *err)
{
	const struct aws_service *s = NULL;
	struct http_response resp;
	char *out;

	*len = 0;
	if (client_call_json(c, svc, operation, request, err, NULL, &s,
	                     &resp) != 0)
		return NULL;
	if (client_body_empty(resp.body.data, resp.body.len)) {
		out = xstrdup("{}");
		*len = 2;
	} else {
		/* Take the buffer (struct buf keeps it NUL-terminated). */
		out = resp.body.data;
		*len = resp.body.len;
		memset(&resp.body, 0, sizeof resp.body);
	}
	http_response_free(&resp);
	return out;
}

/*
 * One query-protocol call (STS): form-encoded Action, Version and
 * params; returns the XML answer (caller frees) or NULL with err.
 */
char *
aws_call_query(struct aws_client *c, enum aws_service_id svc,
               const char *action, const char *const *params,
               struct aws_error *err)
{
	const struct aws_service *s;
	struct http_response resp;
	struct buf body = {0};
	char *k, *v, *out = NULL;
	size_t i;

	/* First: the read-only chokepoint, before credentials or I/O. */
	if (client_refuse(c, svc, action, err))
		return NULL;
	s = aws_service_get(svc);
	if (s == NULL || s->protocol != AWS_PROTO_QUERY) {
		aws_error_set(err, AWS_ERR_CONFIG, "UnsupportedProtocol", 0,
		              "%s does not speak the query protocol",
		              s != NULL ? s->name : "?");
		return NULL;
	}
	if (!client_op_ok(action)) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidOperation", 0,
		              "bad action name for %s", s->name);
		return NULL;
	}

	/*
	 * Action and Version are ours: a second Action= would make what the
	 * server runs depend on how it reads duplicates, past the read-only
	 * check of action.
	 */
	for (i = 0; params != NULL && params[i] != NULL && params[i + 1] != NULL;
	     i += 2) {
		if (strcasecmp(params[i], "Action") == 0 ||
		    strcasecmp(params[i], "Version") == 0) {
			aws_error_set(err, AWS_ERR_CONFIG, "InvalidParameter", 0,
			              "%s: the parameter %s is set by the "
			              "client", s->name, params[i]);
			return NULL;
		}
	}
	buf_printf(&body, "Action=%s&Version=%s", action, s->api_version);
	for (i = 0;
	     params != NULL && params[i] != NULL && params[i + 1] != NULL;
	     i += 2) {
		k = uri_encode(params[i], strlen(params[i]), 1);
		v = uri_encode(params[i + 1], strlen(params[i + 1]), 1);
		buf_printf(&body, "&%s=%s", k, v);
		free(k);
		free(v);
	}
	memset(&resp, 0, sizeof resp);
	if (client_send(c, s, action,
	                "application/x-www-form-urlencoded; charset=utf-8",
	                NULL, body.data, body.len, &resp, err) == 0) {
		usage_count_success(svc, action, NULL);
		if (client_body_empty(resp.body.data, resp.body.len) ||
		    memchr(resp.body.data, '<', resp.body.len) == NULL)
			client_parse_error(err, c, s, action, &resp,
			                   "no XML answer");
		else
			out = buf_steal(&resp.body);
		http_response_free(&resp);
	}
	buf_free(&body);
	return out;
}
