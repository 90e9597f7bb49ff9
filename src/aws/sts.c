/* STS AssumeRole over the query protocol, and a tiny XML text finder. */
#include "aws/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "util/util.h"

#define STS_API_VERSION "2011-06-15"

/* Decode the five XML entities and numeric references into b. */
static void
xml_decode(struct buf *b, const char *s, size_t len)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i, j, n;
	unsigned long cp;
	char *end, num[16];

	buf_append(b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] != '&') {
			buf_putc(b, s[i]);
			continue;
		}
		for (j = 0; j < nitems(ents); j++) {
			n = strlen(ents[j].name);
			if (len - i >= n && memcmp(s + i, ents[j].name, n) == 0)
				break;
		}
		if (j < nitems(ents)) {
			buf_putc(b, ents[j].c);
			i += strlen(ents[j].name) - 1;
			continue;
		}
		/* &#NN; and &#xNN; (ASCII only; others kept verbatim). */
		if (len - i > 3 && s[i + 1] == '#') {
			n = 0;
			while (i + 2 + n < len && n < sizeof num - 1 &&
			    s[i + 2 + n] != ';')
				n++;
			if (i + 2 + n < len && s[i + 2 + n] == ';' && n > 0) {
				memcpy(num, s + i + 2, n);
				num[n] = '\0';
				if (num[0] == 'x' || num[0] == 'X')
					cp = strtoul(num + 1, &end, 16);
				else
					cp = strtoul(num, &end, 10);
				if (*end == '\0' && end != num && cp > 0 &&
				    cp < 0x80) {
					buf_putc(b, (char)cp);
					i += n + 2;
					continue;
				}
			}
		}
		buf_putc(b, '&');
	}
}

/*
 * Text of the first <tag>...</tag> (attributes allowed on the opening
 * tag, "<tag/>" is ""), entity-decoded; NULL when absent or unclosed.
 * xml_find_text("<a><b>x &amp; y</b></a>", n, "b") gives "x & y".
 * Caller frees.
 */
char *
xml_find_text(const char *xml, size_t len, const char *tag)
{
	size_t tlen = strlen(tag), i;
	const char *p = xml, *end = xml + len, *open_end, *close;
	char *closing;
	struct buf b = {0};

	if (xml == NULL || tlen == 0)
		return NULL;
	for (;;) {
		p = memmem(p, (size_t)(end - p), "<", 1);
		if (p == NULL || (size_t)(end - p) < tlen + 2)
			return NULL;
		if (memcmp(p + 1, tag, tlen) == 0 && (p[1 + tlen] == '>' ||
		    p[1 + tlen] == ' ' || p[1 + tlen] == '\t' ||
		    p[1 + tlen] == '\n' || p[1 + tlen] == '\r' ||
		    p[1 + tlen] == '/'))
			break;
		p++;
	}
	open_end = memchr(p, '>', (size_t)(end - p));
	if (open_end == NULL)
		return NULL;
	if (open_end[-1] == '/')
		return xstrdup("");
	open_end++;
	closing = xasprintf("</%s>", tag);
	close = memmem(open_end, (size_t)(end - open_end), closing,
	    strlen(closing));
	free(closing);
	if (close == NULL)
		return NULL;
	i = (size_t)(close - open_end);
	xml_decode(&b, open_end, i);
	return buf_steal(&b);
}

/*
 * Parse an AssumeRoleResponse: the AccessKeyId, SecretAccessKey,
 * SessionToken and Expiration inside <Credentials>.  On error *cause
 * (caller frees) never quotes the body, which may hold secrets.
 */
int
sts_parse_assume_role(const char *xml, size_t len,
    struct aws_credentials *out, char **cause)
{
	char *block, *exp, *code, *msg;
	size_t blen;

	*cause = NULL;
	memset(out, 0, sizeof *out);
	if (xml == NULL || len == 0) {
		*cause = xstrdup("empty AssumeRole response");
		return -1;
	}
	if ((code = xml_find_text(xml, len, "Code")) != NULL &&
	    memmem(xml, len, "<ErrorResponse", 14) != NULL) {
		msg = xml_find_text(xml, len, "Message");
		*cause = xasprintf("AssumeRole failed: %s%s%s", code,
		    msg != NULL ? ": " : "", msg != NULL ? msg : "");
		free(code);
		free(msg);
		return -1;
	}
	free(code);
	block = xml_find_text(xml, len, "Credentials");
	if (block == NULL) {
		*cause = xstrdup("AssumeRole response has no <Credentials> "
		    "(malformed or truncated)");
		return -1;
	}
	blen = strlen(block);
	out->access_key_id = xml_find_text(block, blen, "AccessKeyId");
	out->secret_access_key = xml_find_text(block, blen,
	    "SecretAccessKey");
	out->session_token = xml_find_text(block, blen, "SessionToken");
	exp = xml_find_text(block, blen, "Expiration");
	secret_free(block);
	if (out->access_key_id == NULL || *out->access_key_id == '\0' ||
	    out->secret_access_key == NULL ||
	    *out->secret_access_key == '\0' || out->session_token == NULL ||
	    *out->session_token == '\0') {
		*cause = xstrdup("AssumeRole response lacks AccessKeyId, "
		    "SecretAccessKey or SessionToken");
		free(exp);
		aws_credentials_clear(out);
		return -1;
	}
	if (exp != NULL) {
		out->expiration = aws_parse_iso8601(exp);
		if (out->expiration == (time_t)-1) {
			*cause = xasprintf("AssumeRole response has a bad "
			    "Expiration \"%.40s\"", exp);
			free(exp);
			aws_credentials_clear(out);
			return -1;
		}
		free(exp);
	}
	out->source = "assume-role";
	return 0;
}

/* "https://sts.amazonaws.com:443/x" -> authority and path. */
static int
endpoint_split(const char *url, char **authority, char **path)
{
	const char *p, *slash;

	p = strstr(url, "://");
	if (p == NULL)
		return -1;
	p += 3;
	slash = strchr(p, '/');
	if (slash == p)
		return -1;
	if (slash == NULL) {
		*authority = xstrdup(p);
		*path = xstrdup("/");
	} else {
		*authority = xstrndup(p, (size_t)(slash - p));
		*path = xstrdup(slash);
	}
	if (strpbrk(*authority, " \r\n@") != NULL || **authority == '\0') {
		free(*authority);
		free(*path);
		return -1;
	}
	return 0;
}

static void
form_add(struct buf *b, const char *key, const char *value)
{
	char *enc = uri_encode(value, strlen(value), 1);

	buf_printf(b, "&%s=%s", key, enc);
	free(enc);
}

/*
 * AssumeRole: POST "Action=AssumeRole&Version=2011-06-15&RoleArn=..."
 * to endpoint, signed for service "sts" in region with src.  The answer
 * is parsed into out; an error answer becomes err through
 * aws_error_from_response, a transport failure names the endpoint.
 */
int
sts_assume_role(const char *endpoint, const char *region,
    const struct aws_credentials *src, const char *role_arn,
    const char *session_name, const char *external_id, int duration_s,
    struct aws_credentials *out, struct aws_error *err)
{
	struct buf body = {0};
	struct sigv4_header sh[4];
	struct sigv4_request sreq;
	struct sigv4_params sp;
	struct http_request hreq;
	struct http_response resp;
	const char *lines[5];
	char *authority = NULL, *path = NULL, *url = NULL, *auth = NULL;
	char *lhost = NULL, *ldate = NULL, *ltoken = NULL, *lauth = NULL;
	char date[17], dur[16], *cause = NULL, *name = NULL;
	size_t nsh = 0, nlines = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(&resp, 0, sizeof resp);
	if (endpoint == NULL || endpoint_split(endpoint, &authority,
	    &path) != 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint", 0,
		    "bad STS endpoint URL \"%s\"", endpoint == NULL ? "" :
		    endpoint);
		return -1;
	}
	url = xstrdup(endpoint);
	if (session_name == NULL || *session_name == '\0')
		name = xasprintf("momentum-console-%lld",
		    (long long)time(NULL));
	else
		name = xstrdup(session_name);

	buf_puts(&body, "Action=AssumeRole&Version=" STS_API_VERSION);
	form_add(&body, "RoleArn", role_arn);
	form_add(&body, "RoleSessionName", name);
	if (external_id != NULL && *external_id != '\0')
		form_add(&body, "ExternalId", external_id);
	if (duration_s > 0) {
		snprintf(dur, sizeof dur, "%d", duration_s);
		form_add(&body, "DurationSeconds", dur);
	}

	memset(&sp, 0, sizeof sp);
	sp.region = region != NULL && *region != '\0' ? region : "us-east-1";
	sp.service = "sts";
	sp.when = time(NULL);
	sp.normalize_path = 1;
	sigv4_format_date(sp.when, date);

	sh[nsh++] = (struct sigv4_header){ "Host", authority };
	sh[nsh++] = (struct sigv4_header){ "Content-Type",
	    "application/x-www-form-urlencoded; charset=utf-8" };
	sh[nsh++] = (struct sigv4_header){ "X-Amz-Date", date };
	if (src->session_token != NULL && *src->session_token != '\0')
		sh[nsh++] = (struct sigv4_header){ "X-Amz-Security-Token",
		    src->session_token };
	memset(&sreq, 0, sizeof sreq);
	sreq.method = "POST";
	sreq.path = path;
	sreq.headers = sh;
	sreq.nheaders = nsh;
	sreq.body = body.data;
	sreq.body_len = body.len;
	auth = sigv4_authorization(&sreq, src, &sp);

	lhost = xasprintf("Host: %s", authority);
	ldate = xasprintf("X-Amz-Date: %s", date);
	lauth = xasprintf("Authorization: %s", auth);
	lines[nlines++] = lhost;
	lines[nlines++] = "Content-Type: application/x-www-form-urlencoded; "
	    "charset=utf-8";
	lines[nlines++] = ldate;
	if (nsh == 4) {
		ltoken = xasprintf("X-Amz-Security-Token: %s",
		    src->session_token);
		lines[nlines++] = ltoken;
	}
	lines[nlines++] = lauth;

	memset(&hreq, 0, sizeof hreq);
	hreq.method = "POST";
	hreq.url = url;
	hreq.headers = lines;
	hreq.nheaders = nlines;
	hreq.body = body.data;
	hreq.body_len = body.len;
	hreq.max_body = 1024 * 1024;
	if (http_perform(&hreq, &resp, err) != 0)
		goto out;
	if (resp.status != 200) {
		aws_error_from_response(err, (int)resp.status, resp.body.data,
		    resp.body.len, resp.query_error, resp.request_id);
		if (err->endpoint == NULL)
			err->endpoint = xstrdup(url);
		goto out;
	}
	if (sts_parse_assume_role(resp.body.data, resp.body.len, out,
	    &cause) != 0) {
		aws_error_set(err, AWS_ERR_PARSE, "MalformedResponse",
		    (int)resp.status, "%s (from %s)", cause, url);
		free(err->endpoint);
		err->endpoint = xstrdup(url);
		free(cause);
		goto out;
	}
	rc = 0;

out:
	buf_free_secret(&resp.body);
	http_response_free(&resp);
	buf_free(&body);
	secret_free(ltoken);
	free(lhost);
	free(ldate);
	free(lauth);
	free(auth);
	free(authority);
	free(path);
	free(url);
	free(name);
	return rc;
}
