/* The AWS credentials chain (SDK order), with a thread-safe refreshing cache. */
#include "aws/credentials.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/profile.h"
#include "aws/service.h"
#include "aws/sigv4.h"
#include "aws/sts.h"
#include "util/util.h"

extern char **environ;

#define CREDS_REFRESH_BEFORE_S	300	/* refresh 5 minutes before expiry */
#define CREDS_RETRY_AFTER_S	10	/* after a failed early refresh */
#define CREDS_PROCESS_TIMEOUT_MS 60000
#define CREDS_PROCESS_MAX_OUTPUT (1024 * 1024)
#define CREDS_MAX_ROLE_DEPTH	8
#define CONTAINER_HOST		"http://169.254.170.2"
#define IMDS_DEFAULT_ENDPOINT	"http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT	"http://[fd00:ec2::254]"
#define IMDS_TOKEN_TTL		"21600"

struct aws_creds_provider {
	/* Set at creation, read-only afterwards. */
	char *profile;
	char *role_arn;
	char *external_id;
	char *role_session_name;
	char *region;
	char *sts_endpoint;
	time_t (*clock)(void);
	int process_timeout_ms;

	/*
	 * The cache.  Every field below is read and written only with lock
	 * held.  One thread at a time refreshes (refreshing set); the
	 * others keep using still-valid credentials, or wait on cond when
	 * there are none.  gen counts finished refreshes so waiters learn
	 * the outcome of the one they waited for.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct aws_credentials cached;
	bool have;
	bool refreshing;
	unsigned long gen;
	char *last_error;	/* cause of the last failed refresh */
	time_t retry_after;	/* no refresh attempt before this after a failure */
};

/* What one resolution needs: the provider's settings and the tried list. */
struct creds_ctx {
	struct aws_creds_provider *p;
	struct buf tried;		/* "source: why; source: why" */
	char *last;			/* the last "source: why" added */
	time_t now;
};

/* ---- small helpers --------------------------------------------------- */

void
aws_credentials_clear(struct aws_credentials *c)
{
	if (c == NULL)
		return;
	secret_free(c->access_key_id);
	secret_free(c->secret_access_key);
	secret_free(c->session_token);
	memset(c, 0, sizeof *c);
}

void
aws_credentials_copy(struct aws_credentials *dst,
    const struct aws_credentials *src)
{
	dst->access_key_id = xstrdup(src->access_key_id);
	dst->secret_access_key = xstrdup(src->secret_access_key);
	dst->session_token = xstrdup(src->session_token);
	dst->expiration = src->expiration;
	dst->source = src->source;
}

static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* See credentials.h. */
time_t
aws_parse_iso8601(const char *s)
{
	struct tm tm;
	const char *p;
	int sign, oh, om;
	time_t t;

	if (s == NULL || strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return (time_t)-1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
	    tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
	    tm.tm_sec < 0 || tm.tm_sec > 60)
		return (time_t)-1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return (time_t)-1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	t = timegm(&tm);
	if (*p == '\0' || ((*p == 'Z' || *p == 'z') && p[1] == '\0'))
		return t;
	if (*p != '+' && *p != '-')
		return (time_t)-1;
	sign = *p == '+' ? 1 : -1;
	p++;
	if ((oh = digits(p, 2)) < 0)
		return (time_t)-1;
	p += 2;
	if (*p == ':')
		p++;
	if ((om = digits(p, 2)) < 0 || p[2] != '\0' || oh > 23 || om > 59)
		return (time_t)-1;
	return t - sign * (oh * 3600 + om * 60);
}

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static bool
env_true(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

static void
tried_add(struct creds_ctx *c, const char *source, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
tried_add(struct creds_ctx *c, const char *source, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = xvasprintf(fmt, ap);
	va_end(ap);
	free(c->last);
	c->last = xasprintf("%s: %s", source, why);
	buf_printf(&c->tried, "%s%s", c->tried.len == 0 ? "" : "; ",
	    c->last);
	free(why);
}

static void
json_wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			secure_zero(j->valuestring, strlen(j->valuestring));
		json_wipe(j->child);
	}
}

/* Wipe every string in a cJSON tree (it held secrets), then delete it. */
static void
json_delete_secret(cJSON *j)
{
	if (j == NULL)
		return;
	json_wipe(j);
	cJSON_Delete(j);
}

/*
 * The JSON every HTTP and process source answers with: AccessKeyId,
 * SecretAccessKey, Token or SessionToken, Expiration.  Returns 0, or -1
 * with *why (never quoting the body).
 */
static int
creds_from_json(const char *text, size_t len, const char *token_key,
    const char *source, struct aws_credentials *out, char **why)
{
	cJSON *j, *ak, *sk, *tok, *exp, *ver, *code;

	memset(out, 0, sizeof *out);
	j = cJSON_ParseWithLength(text, len);
	if (j == NULL || !cJSON_IsObject(j)) {
		*why = xstrdup("answer is not a JSON object");
		json_delete_secret(j);
		return -1;
	}
	ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	if (strcmp(source, "credential-process") == 0 &&
	    (!cJSON_IsNumber(ver) || ver->valueint != 1)) {
		*why = xstrdup("JSON \"Version\" must be 1");
		json_delete_secret(j);
		return -1;
	}
	code = cJSON_GetObjectItemCaseSensitive(j, "Code");
	if (cJSON_IsString(code) && strcmp(code->valuestring, "Success") != 0) {
		*why = xasprintf("answer has Code \"%.64s\"", code->valuestring);
		json_delete_secret(j);
		return -1;
	}
	ak = cJSON_GetObjectItemCaseSensitive(j, "AccessKeyId");
	sk = cJSON_GetObjectItemCaseSensitive(j, "SecretAccessKey");
	tok = cJSON_GetObjectItemCaseSensitive(j, token_key);
	exp = cJSON_GetObjectItemCaseSensitive(j, "Expiration");
	if (!cJSON_IsString(ak) || *ak->valuestring == '\0' ||
	    !cJSON_IsString(sk) || *sk->valuestring == '\0') {
		*why = xstrdup("answer lacks AccessKeyId or SecretAccessKey");
		json_delete_secret(j);
		return -1;
	}
	if (exp != NULL && !cJSON_IsNull(exp)) {
		if (!cJSON_IsString(exp) ||
		    aws_parse_iso8601(exp->valuestring) == (time_t)-1) {
			*why = xstrdup("answer has a malformed Expiration "
			    "(want ISO 8601)");
			json_delete_secret(j);
			return -1;
		}
		out->expiration = aws_parse_iso8601(exp->valuestring);
	}
	out->access_key_id = xstrdup(ak->valuestring);
	out->secret_access_key = xstrdup(sk->valuestring);
	if (cJSON_IsString(tok) && *tok->valuestring != '\0')
		out->session_token = xstrdup(tok->valuestring);
	out->source = source;
	json_delete_secret(j);
	return 0;
}

/* ---- environment ----------------------------------------------------- */

/* 1 found, 0 nothing, -1 hard error (*why). */
static int
source_env(struct creds_ctx *c, struct aws_credentials *out, char **why)
{
	const char *ak = env_nonempty("AWS_ACCESS_KEY_ID");
	const char *sk = env_nonempty("AWS_SECRET_ACCESS_KEY");
	const char *tok = env_nonempty("AWS_SESSION_TOKEN");

	if (tok == NULL)
		tok = env_nonempty("AWS_SECURITY_TOKEN");
	if (ak == NULL && sk == NULL) {
		tried_add(c, "environment", "AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY are not set");
		return 0;
	}
	if (ak == NULL || sk == NULL) {
		*why = xasprintf("environment: %s is set but %s is not",
		    ak != NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    ak != NULL ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return -1;
	}
	memset(out, 0, sizeof *out);
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	out->session_token = xstrdup(tok);
	out->source = "environment";
	return 1;
}

/* ---- credential_process --------------------------------------------- */

/*
 * Run cmd through /bin/sh -c in its own process group, stdin from
 * /dev/null, collecting stdout and stderr.  Killed after timeout_ms.
 * Returns the exit status (>= 0), or -1 with *why.
 */
static int
process_run(const char *cmd, int timeout_ms, struct buf *out,
    struct buf *errout, char **why)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int opipe[2], epipe[2], status, rc, open_fds;
	struct pollfd pfd[2];
	char chunk[4096], *argv[4];
	int64_t deadline, left;
	ssize_t n;
	pid_t pid;
	size_t i;

	if (pipe2(opipe, O_CLOEXEC) != 0) {
		*why = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(epipe, O_CLOEXEC) != 0) {
		*why = xasprintf("pipe: %s", strerror(errno));
		close(opipe[0]);
		close(opipe[1]);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, opipe[1], 1);
	posix_spawn_file_actions_adddup2(&fa, epipe[1], 2);
	/*
	 * Nothing else: other threads' sockets and files (libcurl does not
	 * open them close-on-exec) stay with us.
	 */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(opipe[1]);
	close(epipe[1]);
	if (rc != 0) {
		close(opipe[0]);
		close(epipe[0]);
		*why = xasprintf("cannot run /bin/sh: %s", strerror(rc));
		return -1;
	}

	deadline = mono_ms() + timeout_ms;
	pfd[0].fd = opipe[0];
	pfd[1].fd = epipe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	open_fds = 2;
	while (open_fds > 0) {
		left = deadline - mono_ms();
		if (left <= 0)
			break;
		rc = poll(pfd, 2, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			break;
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 0 && out->len < CREDS_PROCESS_MAX_OUTPUT)
				buf_append(out, chunk, (size_t)n);
			else if (i == 1 && errout->len < 4096)
				buf_append(errout, chunk, (size_t)n);
		}
	}
	secure_zero(chunk, sizeof chunk);
	for (i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	if (open_fds > 0) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		*why = xasprintf("timed out after %d ms (killed)", timeout_ms);
		return -1;
	}
	/* Output closed: the process is exiting; bound the wait anyway. */
	for (;;) {
		rc = waitpid(pid, &status, WNOHANG);
		if (rc == pid)
			break;
		if (rc < 0 && errno != EINTR) {
			*why = xasprintf("waitpid: %s", strerror(errno));
			return -1;
		}
		if (mono_ms() >= deadline) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			*why = xasprintf("timed out after %d ms (killed)",
			    timeout_ms);
			return -1;
		}
		usleep(2000);
	}
	if (WIFSIGNALED(status)) {
		*why = xasprintf("killed by signal %d", WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

/*
 * The first line of stderr, control characters removed and cut to 200
 * bytes: enough to say "run aws sso login", and stdout (which carries
 * the secrets) is never quoted.  Caller frees.
 */
static char *
stderr_summary(const struct buf *e)
{
	struct buf b = {0};
	size_t i;

	buf_append(&b, "", 0);
	for (i = 0; i < e->len && b.len < 200; i++) {
		if (e->data[i] == '\n' && b.len > 0)
			break;
		if ((unsigned char)e->data[i] < 0x20 || e->data[i] == 0x7f)
			continue;
		buf_putc(&b, e->data[i]);
	}
	return buf_steal(&b);
}

static int
source_process(struct creds_ctx *c, const char *profile, const char *cmd,
    struct aws_credentials *out, char **why)
{
	struct buf o = {0}, e = {0};
	char *reason = NULL, *summary;
	int status, timeout;

	timeout = c->p->process_timeout_ms > 0 ? c->p->process_timeout_ms :
	    CREDS_PROCESS_TIMEOUT_MS;
	status = process_run(cmd, timeout, &o, &e, &reason);
	if (status != 0) {
		summary = stderr_summary(&e);
		if (status < 0)
			*why = xasprintf("credential_process of profile %s: "
			    "%s", profile, reason);
		else
			*why = xasprintf("credential_process of profile %s "
			    "exited with status %d%s%s", profile, status,
			    *summary != '\0' ? ": " : "", summary);
		free(summary);
		free(reason);
		buf_free_secret(&o);
		buf_free(&e);
		return -1;
	}
	buf_free(&e);
	if (creds_from_json(o.data == NULL ? "" : o.data, o.len,
	    "SessionToken", "credential-process", out, &reason) != 0) {
		*why = xasprintf("credential_process of profile %s: %s",
		    profile, reason);
		free(reason);
		buf_free_secret(&o);
		return -1;
	}
	buf_free_secret(&o);
	return 1;
}

/* ---- HTTP sources: container and IMDS ------------------------------- */

/* GET/PUT url with extra headers: 0 with status and body, or -1 with why. */
static int
http_simple(const char *method, const char *url, const char *const *headers,
    size_t nheaders, long timeout_ms, bool no_proxy, long *status,
    struct buf *body, char **why)
{
	struct http_request req;
	struct http_response resp;
	struct aws_error err;

	memset(&req, 0, sizeof req);
	memset(&err, 0, sizeof err);
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.nheaders = nheaders;
	req.body = "";
	req.body_len = 0;
	req.connect_timeout_ms = timeout_ms;
	req.timeout_ms = timeout_ms;
	req.max_body = 64 * 1024;
	req.no_proxy = no_proxy;
	if (http_perform(&req, &resp, &err) != 0) {
		*why = xstrdup(err.message != NULL ? err.message :
		    "request failed");
		aws_error_clear(&err);
		return -1;
	}
	*status = resp.status;
	*body = resp.body;
	memset(&resp.body, 0, sizeof resp.body);
	http_response_free(&resp);
	return 0;
}

/*
 * May credentials be fetched over plain HTTP from full (the
 * AWS_CONTAINER_CREDENTIALS_FULL_URI)?  As botocore: a loopback address
 * (127.0.0.0/8, ::1), the ECS and EKS agents (169.254.170.2,
 * 169.254.170.23, fd00:ec2::23) or "localhost"; the URL is parsed the
 * way libcurl will connect (so "http://127.0.0.1:80@evil/" or
 * "http://127.evil.example/" are not loopback), and may carry no user
 * part.  https:// is allowed to any host.
 */
static bool
container_url_allowed(const char *full)
{
	static const unsigned char eks6[16] = { 0xfd, 0x00, 0x0e, 0xc2,
	    [15] = 0x23 };
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL;
	unsigned char a[16];
	bool ok = false;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, full, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "https") == 0) {
		ok = true;
		goto out;
	}
	if (strcasecmp(scheme, "http") != 0)
		goto out;
	if (aws_host_is_loopback(host)) {
		ok = true;
		goto out;
	}
	switch (aws_host_ip(host, a)) {
	case AF_INET:
		ok = a[0] == 169 && a[1] == 254 && a[2] == 170 &&
		    (a[3] == 2 || a[3] == 23);
		break;
	case AF_INET6:
		ok = memcmp(a, eks6, 16) == 0;
		break;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return ok;
}

static int
source_container(struct creds_ctx *c, struct aws_credentials *out,
    char **why)
{
	const char *rel = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tokfile, *tok;
	char *url, *token = NULL, *hdr = NULL, *reason = NULL;
	const char *headers[1];
	struct buf body = {0};
	long status = 0;
	int rc = 0;

	if (rel == NULL && full == NULL) {
		tried_add(c, "container", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
		    "and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
		return 0;
	}
	if (rel != NULL)
		url = xasprintf("%s%s%s", CONTAINER_HOST, *rel == '/' ? "" :
		    "/", rel);
	else {
		if (!container_url_allowed(full)) {
			tried_add(c, "container", "AWS_CONTAINER_CREDENTIALS_"
			    "FULL_URI must be https:// or http:// to a "
			    "loopback or ECS/EKS agent address, without a "
			    "user part");
			return 0;
		}
		url = xstrdup(full);
	}
	if ((tokfile = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"))
	    != NULL) {
		token = read_file(tokfile, NULL, &reason);
		if (token == NULL) {
			tried_add(c, "container", "cannot read "
			    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: %s",
			    reason);
			free(reason);
			free(url);
			return 0;
		}
		strtrim(token);
	} else if ((tok = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
	    != NULL)
		token = xstrdup(tok);
	if (token != NULL && strpbrk(token, "\r\n") != NULL) {
		tried_add(c, "container", "the authorization token holds a "
		    "line break");
		secret_free(token);
		free(url);
		return 0;
	}
	if (token != NULL)
		hdr = xasprintf("Authorization: %s", token);
	headers[0] = hdr;
	if (http_simple("GET", url, headers, hdr != NULL ? 1 : 0, 2000, true,
	    &status, &body, &reason) != 0) {
		tried_add(c, "container", "%s", reason);
		free(reason);
	} else if (status != 200)
		tried_add(c, "container", "%s answered HTTP %ld", url, status);
	else if (creds_from_json(body.data, body.len, "Token", "container",
	    out, &reason) != 0) {
		tried_add(c, "container", "%s: %s", url, reason);
		free(reason);
	} else
		rc = 1;
	buf_free_secret(&body);
	secret_free(hdr);
	secret_free(token);
	free(url);
	(void)why;
	return rc;
}

static int
source_imds(struct creds_ctx *c, struct aws_credentials *out, char **why)
{
	const char *ep = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	char *base, *url, *reason = NULL, *hdr = NULL, *role;
	const char *headers[1];
	struct buf body = {0};
	long status = 0;
	size_t n;
	int rc = 0;

	if (env_true("AWS_EC2_METADATA_DISABLED")) {
		tried_add(c, "imds", "disabled by AWS_EC2_METADATA_DISABLED");
		return 0;
	}
	if (ep == NULL)
		ep = mode != NULL && strcasecmp(mode, "IPv6") == 0 ?
		    IMDS_IPV6_ENDPOINT : IMDS_DEFAULT_ENDPOINT;
	base = xstrdup(ep);
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';

	/* IMDSv2: a session token first. */
	url = xasprintf("%s/latest/api/token", base);
	headers[0] = "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL;
	if (http_simple("PUT", url, headers, 1, 1000, false, &status, &body,
	    &reason) != 0) {
		tried_add(c, "imds", "%s", reason);
		goto out;
	}
	free(url);
	url = NULL;
	if (status == 200 && body.len > 0) {
		strtrim(body.data);
		hdr = xasprintf("X-aws-ec2-metadata-token: %s", body.data);
	} else if ((status == 403 || status == 404 || status == 405) &&
	    !env_true("AWS_EC2_METADATA_V1_DISABLED")) {
		/* IMDSv1 fallback, as the SDKs do. */
	} else {
		tried_add(c, "imds", "token request to %s answered HTTP "
		    "%ld", base, status);
		goto out;
	}
	buf_free_secret(&body);

	url = xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
	headers[0] = hdr;
	if (http_simple("GET", url, headers, hdr != NULL ? 1 : 0, 1000, false,
	    &status, &body, &reason) != 0) {
		tried_add(c, "imds", "%s", reason);
		goto out;
	}
	if (status == 404) {
		tried_add(c, "imds", "no IAM role is attached to this "
		    "instance (%s)", base);
		goto out;
	}
	if (status != 200 || body.len == 0) {
		tried_add(c, "imds", "role list at %s answered HTTP %ld",
		    base, status);
		goto out;
	}
	body.data[strcspn(body.data, "\r\n")] = '\0';
	strtrim(body.data);
	if (*body.data == '\0' || strchr(body.data, '/') != NULL) {
		tried_add(c, "imds", "bad role name in the role list");
		goto out;
	}
	role = uri_encode(body.data, strlen(body.data), 1);
	buf_free(&body);
	free(url);
	url = xasprintf("%s/latest/meta-data/iam/security-credentials/%s",
	    base, role);
	free(role);
	if (http_simple("GET", url, headers, hdr != NULL ? 1 : 0, 1000, false,
	    &status, &body, &reason) != 0) {
		tried_add(c, "imds", "%s", reason);
		goto out;
	}
	if (status != 200) {
		tried_add(c, "imds", "role credentials at %s answered "
		    "HTTP %ld", base, status);
		goto out;
	}
	if (creds_from_json(body.data, body.len, "Token", "imds", out,
	    &reason) != 0) {
		tried_add(c, "imds", "%s", reason);
		goto out;
	}
	rc = 1;
out:
	free(reason);
	buf_free_secret(&body);
	secret_free(hdr);
	free(url);
	free(base);
	(void)why;
	return rc;
}

/* ---- STS AssumeRole -------------------------------------------------- */

static int
assume_role(struct creds_ctx *c, const struct aws_profile *prof,
    const struct aws_credentials *src, const char *role_arn,
    const char *external_id, const char *session_name, int duration,
    struct aws_credentials *out, char **why)
{
	struct aws_error err;
	char *region, *endpoint, *msg;
	int rc;

	memset(&err, 0, sizeof err);
	if (c->p->region != NULL)
		region = xstrdup(c->p->region);
	else if ((region = aws_region_resolve(prof)) == NULL)
		region = xstrdup("us-east-1");
	if (c->p->sts_endpoint != NULL)
		endpoint = xstrdup(c->p->sts_endpoint);
	else
		endpoint = aws_endpoint_resolve(aws_service_get(AWS_SVC_STS),
		    region, prof, NULL);
	if (endpoint == NULL) {
		*why = xasprintf("no STS endpoint for region %s", region);
		free(region);
		return -1;
	}
	rc = sts_assume_role(endpoint, region, src, role_arn, session_name,
	    external_id, duration, out, &err);
	if (rc != 0) {
		msg = aws_error_format(&err);
		*why = xasprintf("AssumeRole %s (with %s credentials) failed: %s",
		    role_arn, src->source != NULL ? src->source : "source",
		    msg);
		free(msg);
	}
	aws_error_clear(&err);
	free(endpoint);
	free(region);
	return rc == 0 ? 1 : -1;
}

/* ---- profiles -------------------------------------------------------- */

static int profile_resolve(struct creds_ctx *, const char *, const char **,
    size_t, struct aws_credentials *, char **);

static int
profile_static(const struct aws_profile *prof, struct aws_credentials *out,
    char **why)
{
	const char *ak = aws_profile_get(prof, "aws_access_key_id");
	const char *sk = aws_profile_get(prof, "aws_secret_access_key");
	const char *tok = aws_profile_get(prof, "aws_session_token");
	const char *where;

	if ((ak == NULL || *ak == '\0') && (sk == NULL || *sk == '\0'))
		return 0;
	if (ak == NULL || *ak == '\0' || sk == NULL || *sk == '\0') {
		where = aws_profile_where(prof, ak != NULL ?
		    "aws_access_key_id" : "aws_secret_access_key");
		*why = xasprintf("%s: profile %s has %s but no %s", where,
		    aws_profile_name(prof), ak != NULL ? "aws_access_key_id" :
		    "aws_secret_access_key", ak != NULL ?
		    "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	if (tok == NULL)
		tok = aws_profile_get(prof, "aws_security_token");
	memset(out, 0, sizeof *out);
	out->access_key_id = xstrdup(ak);
	out->secret_access_key = xstrdup(sk);
	out->session_token = tok != NULL && *tok != '\0' ? xstrdup(tok) : NULL;
	out->source = aws_profile_in_credentials_file(prof,
	    "aws_secret_access_key") ? "shared-credentials-file" :
	    "shared-config-file";
	return 1;
}

/* The source credentials of a role profile: source_profile or credential_source. */
static int
role_source(struct creds_ctx *c, const struct aws_profile *prof,
    const char **chain, size_t depth, struct aws_credentials *src,
    char **why)
{
	const char *sp = aws_profile_get(prof, "source_profile");
	const char *cs = aws_profile_get(prof, "credential_source");
	const char *name = aws_profile_name(prof), *where;
	struct buf loop = {0};
	size_t i;
	int rc;

	where = aws_profile_where(prof, "role_arn");
	if ((sp == NULL || *sp == '\0') == (cs == NULL || *cs == '\0')) {
		*why = xasprintf("%s: profile %s has role_arn but %s", where,
		    name, sp == NULL || *sp == '\0' ? "neither source_profile "
		    "nor credential_source" : "both source_profile and "
		    "credential_source");
		return -1;
	}
	if (cs != NULL && *cs != '\0') {
		if (strcasecmp(cs, "Environment") == 0)
			rc = source_env(c, src, why);
		else if (strcasecmp(cs, "Ec2InstanceMetadata") == 0)
			rc = source_imds(c, src, why);
		else if (strcasecmp(cs, "EcsContainer") == 0)
			rc = source_container(c, src, why);
		else {
			*why = xasprintf("%s: profile %s: unknown "
			    "credential_source \"%s\" (Environment, "
			    "Ec2InstanceMetadata or EcsContainer)",
			    aws_profile_where(prof, "credential_source"), name,
			    cs);
			return -1;
		}
		if (rc == 0)
			*why = xasprintf("profile %s: credential_source %s "
			    "gave no credentials (%s)", name, cs,
			    c->last != NULL ? c->last : "no reason");
		return rc == 1 ? 1 : -1;
	}
	/* A profile may name itself as the source of its static keys. */
	if (strcmp(sp, name) == 0) {
		rc = profile_static(prof, src, why);
		if (rc == 0)
			*why = xasprintf("%s: profile %s is its own "
			    "source_profile but has no static keys", where,
			    name);
		return rc == 1 ? 1 : -1;
	}
	for (i = 0; i < depth; i++) {
		if (strcmp(chain[i], sp) != 0)
			continue;
		for (i = 0; i < depth; i++)
			buf_printf(&loop, "%s -> ", chain[i]);
		buf_puts(&loop, sp);
		*why = xasprintf("source_profile loop: %s", loop.data);
		buf_free(&loop);
		return -1;
	}
	rc = profile_resolve(c, sp, chain, depth, src, why);
	if (rc == 0) {
		*why = xasprintf("%s: source_profile %s of profile %s has no "
		    "credentials", aws_profile_where(prof, "source_profile"),
		    sp, name);
		return -1;
	}
	return rc;
}

/*
 * Credentials of one named profile, the way botocore resolves it: role
 * (role_arn) first, then static keys, then credential_process.  chain
 * holds the profiles above this one, for loop detection.
 */
static int
profile_resolve(struct creds_ctx *c, const char *name, const char **chain,
    size_t depth, struct aws_credentials *out, char **why)
{
	struct aws_profile *prof;
	struct aws_credentials src;
	const char *role, *v, *next[CREDS_MAX_ROLE_DEPTH + 1];
	char *cause = NULL, *end;
	long duration = 0;
	size_t i;
	int rc;

	if (depth >= CREDS_MAX_ROLE_DEPTH) {
		*why = xasprintf("role chain deeper than %d profiles",
		    CREDS_MAX_ROLE_DEPTH);
		return -1;
	}
	prof = aws_profile_load(name, &cause);
	if (prof == NULL && cause != NULL) {
		*why = cause;
		return -1;
	}
	if (prof == NULL) {
		if (depth == 0)
			tried_add(c, "shared files", "profile \"%s\" not found "
			    "in the config or credentials file", name);
		return 0;
	}

	role = aws_profile_get(prof, "role_arn");
	if (role != NULL && *role != '\0') {
		for (i = 0; i < depth; i++)
			next[i] = chain[i];
		next[depth] = name;
		memset(&src, 0, sizeof src);
		rc = role_source(c, prof, next, depth + 1, &src, why);
		if (rc != 1) {
			aws_profile_free(prof);
			return -1;
		}
		if ((v = aws_profile_get(prof, "duration_seconds")) != NULL &&
		    *v != '\0') {
			duration = strtol(v, &end, 10);
			if (*end != '\0' || duration < 900 ||
			    duration > 43200) {
				*why = xasprintf("%s: duration_seconds must "
				    "be 900..43200", aws_profile_where(prof,
				    "duration_seconds"));
				aws_credentials_clear(&src);
				aws_profile_free(prof);
				return -1;
			}
		}
		rc = assume_role(c, prof, &src, role,
		    aws_profile_get(prof, "external_id"),
		    aws_profile_get(prof, "role_session_name"), (int)duration,
		    out, why);
		aws_credentials_clear(&src);
		aws_profile_free(prof);
		return rc;
	}

	rc = profile_static(prof, out, why);
	if (rc != 0) {
		aws_profile_free(prof);
		return rc;
	}
	v = aws_profile_get(prof, "credential_process");
	if (v != NULL && *v != '\0') {
		rc = source_process(c, name, v, out, why);
		aws_profile_free(prof);
		return rc;
	}
	if (depth == 0) {
		if (aws_profile_get(prof, "sso_session") != NULL ||
		    aws_profile_get(prof, "sso_start_url") != NULL)
			tried_add(c, "shared files", "profile \"%s\" uses IAM "
			    "Identity Center (SSO), which is read through "
			    "credential_process (e.g. \"aws configure "
			    "export-credentials --profile %s --format "
			    "process\")", name, name);
		else
			tried_add(c, "shared files", "profile \"%s\" has no "
			    "aws_access_key_id, role_arn or "
			    "credential_process", name);
	}
	aws_profile_free(prof);
	return 0;
}

/* ---- the chain ------------------------------------------------------- */

/*
 * Resolve once, without the cache.  Returns 0 with out filled, or -1
 * with *cause listing what was tried.
 */
static int
chain_resolve(struct aws_creds_provider *p, struct aws_credentials *out,
    char **cause)
{
	struct creds_ctx c;
	struct aws_credentials base;
	struct aws_profile *prof;
	const char *pname;
	char *why = NULL, *msg;
	int rc = 0;

	memset(&c, 0, sizeof c);
	memset(&base, 0, sizeof base);
	c.p = p;
	c.now = p->clock();
	buf_append(&c.tried, "", 0);

	if (p->profile == NULL)
		rc = source_env(&c, &base, &why);
	else
		tried_add(&c, "environment", "skipped: profile \"%s\" was "
		    "named explicitly", p->profile);
	pname = p->profile;
	if (pname == NULL && (pname = env_nonempty("AWS_PROFILE")) == NULL &&
	    (pname = env_nonempty("AWS_DEFAULT_PROFILE")) == NULL)
		pname = "default";
	if (rc == 0)
		rc = profile_resolve(&c, pname, NULL, 0, &base, &why);
	if (rc == 0)
		rc = source_container(&c, &base, &why);
	if (rc == 0)
		rc = source_imds(&c, &base, &why);

	if (rc == 0) {
		*cause = xasprintf("no AWS credentials found; tried %s",
		    c.tried.data);
		buf_free(&c.tried);
		free(c.last);
		return -1;
	}
	buf_free(&c.tried);
	free(c.last);
	c.last = NULL;
	if (rc < 0) {
		*cause = why;
		return -1;
	}
	if (base.expiration != 0 && base.expiration <= c.now) {
		*cause = xasprintf("credentials from %s expired at %lld (now "
		    "%lld)", base.source, (long long)base.expiration,
		    (long long)c.now);
		aws_credentials_clear(&base);
		return -1;
	}
	if (p->role_arn == NULL) {
		*out = base;
		return 0;
	}
	/*
	 * A role on top of whatever the chain gave; the profile (when it
	 * loads) still supplies the region and STS endpoint settings.
	 */
	memset(&c.tried, 0, sizeof c.tried);
	prof = aws_profile_load(pname, &why);
	free(why);
	rc = assume_role(&c, prof, &base, p->role_arn, p->external_id,
	    p->role_session_name, 0, out, &msg);
	aws_profile_free(prof);
	aws_credentials_clear(&base);
	if (rc != 1) {
		*cause = msg;
		return -1;
	}
	return 0;
}

/* ---- the provider and its cache ------------------------------------- */

static time_t
clock_system(void)
{
	return time(NULL);
}

struct aws_creds_provider *
aws_creds_provider_new(const struct aws_creds_options *opt)
{
	struct aws_creds_provider *p;

	p = xcalloc(1, sizeof *p);
	if (opt != NULL) {
		p->profile = xstrdup(opt->profile);
		p->role_arn = opt->role_arn != NULL && *opt->role_arn != '\0' ?
		    xstrdup(opt->role_arn) : NULL;
		p->external_id = xstrdup(opt->external_id);
		p->role_session_name = xstrdup(opt->role_session_name);
		p->region = opt->region != NULL && *opt->region != '\0' ?
		    xstrdup(opt->region) : NULL;
		p->sts_endpoint = opt->sts_endpoint != NULL &&
		    *opt->sts_endpoint != '\0' ? xstrdup(opt->sts_endpoint) :
		    NULL;
		p->clock = opt->clock;
		p->process_timeout_ms = opt->process_timeout_ms;
	}
	if (p->clock == NULL)
		p->clock = clock_system;
	if (pthread_mutex_init(&p->lock, NULL) != 0 ||
	    pthread_cond_init(&p->cond, NULL) != 0)
		fatal("cannot initialise the credentials lock");
	return p;
}

void
aws_creds_provider_free(struct aws_creds_provider *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	aws_credentials_clear(&p->cached);
	free(p->last_error);
	free(p->profile);
	free(p->role_arn);
	free(p->external_id);
	free(p->role_session_name);
	free(p->region);
	free(p->sts_endpoint);
	free(p);
}

/* Fresh enough to hand out without a refresh.  Call with lock held. */
static bool
cache_fresh(const struct aws_creds_provider *p, time_t now)
{
	if (!p->have)
		return false;
	if (p->cached.expiration == 0)
		return true;
	if (now < p->cached.expiration - CREDS_REFRESH_BEFORE_S)
		return true;
	/* In the refresh window, after a failed refresh: wait a little. */
	return now < p->cached.expiration && now < p->retry_after;
}

/* Still usable while another thread refreshes.  Call with lock held. */
static bool
cache_valid(const struct aws_creds_provider *p, time_t now)
{
	return p->have && (p->cached.expiration == 0 ||
	    now < p->cached.expiration);
}

/*
 * Credentials for a request: from the cache while they are more than
 * five minutes from expiry, otherwise refreshed by exactly one thread
 * while the others keep using the old ones (or wait when there are none
 * left).  After a failed refresh the old credentials (while valid) or
 * the failure are handed out for CREDS_RETRY_AFTER_S before the chain
 * runs again.
 */
int
aws_creds_get(struct aws_creds_provider *p, struct aws_credentials *out,
    char **cause)
{
	struct aws_credentials fresh;
	unsigned long gen;
	char *why = NULL;
	time_t now;
	int rc;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		now = p->clock();
		if (cache_fresh(p, now))
			goto hand_out;
		if (!cache_valid(p, now) && p->last_error != NULL &&
		    now < p->retry_after) {
			/*
			 * Nothing found a moment ago: do not rerun the chain
			 * (processes, metadata timeouts) on every call.
			 */
			*cause = xstrdup(p->last_error);
			pthread_mutex_unlock(&p->lock);
			return -1;
		}
		if (!p->refreshing)
			break;
		if (cache_valid(p, now))
			goto hand_out;
		gen = p->gen;
		while (p->refreshing && p->gen == gen)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->gen != gen && p->last_error != NULL &&
		    !cache_valid(p, p->clock())) {
			/* The refresh we waited for failed: share its cause. */
			*cause = xstrdup(p->last_error);
			pthread_mutex_unlock(&p->lock);
			return -1;
		}
	}
	p->refreshing = true;
	pthread_mutex_unlock(&p->lock);

	memset(&fresh, 0, sizeof fresh);
	rc = chain_resolve(p, &fresh, &why);

	pthread_mutex_lock(&p->lock);
	p->refreshing = false;
	p->gen++;
	free(p->last_error);
	p->last_error = NULL;
	now = p->clock();
	if (rc == 0) {
		aws_credentials_clear(&p->cached);
		p->cached = fresh;
		p->have = true;
		p->retry_after = 0;
	} else {
		p->last_error = xstrdup(why);
		p->retry_after = now + CREDS_RETRY_AFTER_S;
	}
	pthread_cond_broadcast(&p->cond);
	if (rc != 0 && !cache_valid(p, now)) {
		pthread_mutex_unlock(&p->lock);
		*cause = why;
		return -1;
	}
	free(why);

hand_out:
	aws_credentials_copy(out, &p->cached);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* The service rejected the cached credentials: drop them. */
void
aws_creds_invalidate(struct aws_creds_provider *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	if (!p->refreshing) {
		aws_credentials_clear(&p->cached);
		p->have = false;
	}
	free(p->last_error);
	p->last_error = NULL;
	p->retry_after = 0;
	pthread_mutex_unlock(&p->lock);
}
