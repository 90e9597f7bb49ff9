/* STS over the query protocol: GetCallerIdentity and AssumeRole (XML). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/server.h"

#define STS_NS "https://sts.amazonaws.com/doc/2011-06-15/"
#define ACCOUNT "123456789012"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *
url_decode(const char *s, size_t n)
{
	struct buf b = { 0 };
	size_t i;
	int h, l;

	buf_puts(&b, "");
	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			buf_putc(&b, ' ');
		else if (s[i] == '%' && i + 2 < n &&
		    (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			buf_putc(&b, (char)(h * 16 + l));
			i += 2;
		} else
			buf_putc(&b, s[i]);
	}
	return buf_steal(&b);
}

char *
sim_form_get(const char *form, size_t len, const char *key)
{
	const char *p = form, *end = form + len, *amp, *eq;
	size_t klen = strlen(key);
	char *name;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		name = url_decode(p, (size_t)((eq != NULL ? eq : amp) - p));
		if (strlen(name) == klen && strcmp(name, key) == 0) {
			free(name);
			if (eq == NULL)
				return xstrdup("");
			return url_decode(eq + 1, (size_t)(amp - eq - 1));
		}
		free(name);
		p = amp + 1;
	}
	return NULL;
}

static void
xml_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&apos;");
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				buf_puts(b, "?");
			else
				buf_putc(b, *s);
		}
	}
}

void
sim_sts_error(struct sim_http_response *resp, int status, const char *code,
    const char *message)
{
	resp->status = status;
	resp->content_type = "text/xml";
	buf_reset(&resp->body);
	buf_puts(&resp->body, "<ErrorResponse xmlns=\"" STS_NS "\">\n"
	    "  <Error>\n    <Type>");
	buf_puts(&resp->body, status >= 500 ? "Receiver" : "Sender");
	buf_puts(&resp->body, "</Type>\n    <Code>");
	xml_escape(&resp->body, code);
	buf_puts(&resp->body, "</Code>\n    <Message>");
	xml_escape(&resp->body, message);
	buf_puts(&resp->body, "</Message>\n  </Error>\n  <RequestId>");
	buf_puts(&resp->body, resp->request_id);
	buf_puts(&resp->body, "</RequestId>\n</ErrorResponse>\n");
}

static void
elem(struct buf *b, const char *indent, const char *name, const char *value)
{
	buf_printf(b, "%s<%s>", indent, name);
	xml_escape(b, value);
	buf_printf(b, "</%s>\n", name);
}

static void
get_caller_identity(const struct sim_identity *id,
    struct sim_http_response *resp)
{
	struct buf *b = &resp->body;

	resp->status = 200;
	resp->content_type = "text/xml";
	buf_puts(b, "<GetCallerIdentityResponse xmlns=\"" STS_NS "\">\n"
	    "  <GetCallerIdentityResult>\n");
	elem(b, "    ", "Arn", id->arn);
	elem(b, "    ", "UserId", id->user_id);
	elem(b, "    ", "Account", ACCOUNT);
	buf_puts(b, "  </GetCallerIdentityResult>\n  <ResponseMetadata>\n");
	elem(b, "    ", "RequestId", resp->request_id);
	buf_puts(b, "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n");
}

static bool
valid_session_name(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("_+=,.@-", s[i]) ==
		    NULL)
			return false;
	return true;
}

static const char *
assume_role(struct sim_ctx *ctx, const struct sim_identity *id,
    const char *form, size_t len, time_t now, int creds_ttl_s,
    struct sim_http_response *resp)
{
	char *role = sim_form_get(form, len, "RoleArn");
	char *session = sim_form_get(form, len, "RoleSessionName");
	char *dur = sim_form_get(form, len, "DurationSeconds");
	char *akid = NULL, *secret = NULL, *token = NULL, *msg = NULL;
	char *end, exp[32], *arn = NULL, *roleid = NULL;
	const char *err = NULL, *rname;
	long duration = 3600;
	struct tm tm;
	time_t expires;
	struct buf *b = &resp->body;

	if (role == NULL || strlen(role) < 20) {
		err = "ValidationError";
		msg = xasprintf("1 validation error detected: Value %s at "
		    "'roleArn' failed to satisfy constraint: Member must have "
		    "length greater than or equal to 20",
		    role == NULL ? "null" : "(too short)");
		goto out;
	}
	if (session == NULL || !valid_session_name(session)) {
		err = "ValidationError";
		msg = xstrdup("1 validation error detected: Value at "
		    "'roleSessionName' failed to satisfy constraint: Member "
		    "must satisfy regular expression pattern: [\\w+=,.@-]* "
		    "and have length between 2 and 64");
		goto out;
	}
	if (dur != NULL) {
		duration = strtol(dur, &end, 10);
		if (*dur == '\0' || *end != '\0' || duration < 900 ||
		    duration > 43200) {
			err = "ValidationError";
			msg = xasprintf("1 validation error detected: Value "
			    "'%.20s' at 'durationSeconds' failed to satisfy "
			    "constraint: Member must have value between 900 "
			    "and 43200", dur);
			goto out;
		}
	}
	if (strncmp(role, "arn:aws:iam::" ACCOUNT ":role/", 31) != 0 ||
	    role[31] == '\0') {
		err = "AccessDenied";
		msg = xasprintf("User: %s is not authorized to perform: "
		    "sts:AssumeRole on resource: %.300s", id->arn, role);
		goto out;
	}
	if (creds_ttl_s > 0 && creds_ttl_s < duration)
		duration = creds_ttl_s;
	expires = now + duration;
	sim_auth_issue(ctx->auth, id->read_only, expires, role, session,
	    &akid, &secret, &token);
	gmtime_r(&expires, &tm);
	strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rname = strrchr(role, '/') + 1;
	arn = xasprintf("arn:aws:sts::%s:assumed-role/%s/%s", ACCOUNT, rname,
	    session);
	roleid = xasprintf("AROA%.16s:%s", akid + 4, session);

	resp->status = 200;
	resp->content_type = "text/xml";
	buf_puts(b, "<AssumeRoleResponse xmlns=\"" STS_NS "\">\n"
	    "  <AssumeRoleResult>\n    <AssumedRoleUser>\n");
	elem(b, "      ", "Arn", arn);
	elem(b, "      ", "AssumedRoleId", roleid);
	buf_puts(b, "    </AssumedRoleUser>\n    <Credentials>\n");
	elem(b, "      ", "AccessKeyId", akid);
	elem(b, "      ", "SecretAccessKey", secret);
	elem(b, "      ", "SessionToken", token);
	elem(b, "      ", "Expiration", exp);
	buf_puts(b, "    </Credentials>\n    <PackedPolicySize>0"
	    "</PackedPolicySize>\n  </AssumeRoleResult>\n"
	    "  <ResponseMetadata>\n");
	elem(b, "    ", "RequestId", resp->request_id);
	buf_puts(b, "  </ResponseMetadata>\n</AssumeRoleResponse>\n");
out:
	if (err != NULL)
		sim_sts_error(resp, strcmp(err, "AccessDenied") == 0 ? 403 :
		    400, err, msg);
	free(role);
	free(session);
	free(dur);
	free(akid);
	secret_free(secret);
	secret_free(token);
	free(msg);
	free(arn);
	free(roleid);
	return err;
}

void
sim_sts_handle(struct sim_ctx *ctx, const struct sim_identity *id,
    const char *form, size_t len, time_t now, int creds_ttl_s,
    struct sim_http_response *resp, const char **op, const char **err)
{
	char *action = sim_form_get(form, len, "Action");
	char *version = sim_form_get(form, len, "Version");
	char *msg;

	*op = NULL;
	*err = NULL;
	if (action == NULL) {
		sim_sts_error(resp, 400, "MissingAction",
		    "Missing Action parameter");
		*err = "MissingAction";
	} else if (version != NULL && strcmp(version, "2011-06-15") != 0) {
		msg = xasprintf("Could not find operation %.100s for version "
		    "%.40s", action, version);
		sim_sts_error(resp, 400, "InvalidAction", msg);
		free(msg);
		*err = "InvalidAction";
	} else if (strcmp(action, "GetCallerIdentity") == 0) {
		*op = "GetCallerIdentity";
		get_caller_identity(id, resp);
	} else if (strcmp(action, "AssumeRole") == 0) {
		*op = "AssumeRole";
		if (ctx->auth == NULL) {
			sim_sts_error(resp, 400, "InvalidAction",
			    "AssumeRole needs the simulator's key store");
			*err = "InvalidAction";
		} else
			*err = assume_role(ctx, id, form, len, now,
			    creds_ttl_s, resp);
	} else {
		msg = xasprintf("Could not find operation %.100s for version "
		    "2011-06-15", action);
		sim_sts_error(resp, 400, "InvalidAction", msg);
		free(msg);
		*err = "InvalidAction";
	}
	free(action);
	free(version);
}
