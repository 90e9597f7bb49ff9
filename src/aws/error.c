/* Typed AWS errors: construction, formatting, and parsing error responses. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "util/sanitize.h"
#include "util/util.h"

#define ERROR_MAX_TEXT 1024

/*
 * AWS standard retry mode's throttling codes (botocore
 * retries/standard.py and the SDK retry spec).
 */
static const char *const error_throttle_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    NULL};

/* Transient errors worth another attempt. */
static const char *const error_transient_codes[] = {"RequestTimeout",
                                                    "RequestTimeoutException",
                                                    "PriorRequestNotComplete",
                                                    "InternalError",
                                                    "InternalFailure",
                                                    "ServiceUnavailable",
                                                    NULL};

static bool
error_in_list(const char *code, const char *const *list)
{
	if (code == NULL)
		return false;
	for (; *list != NULL; list++) {
		if (strcmp(code, *list) == 0)
			return true;
	}
	return false;
}

/*
 * Copy text from the network without control characters: C0, DEL, and
 * the UTF-8 encodings of C1 (U+0080..U+009F) become one space each; runs
 * of them collapse.  Cut at ERROR_MAX_TEXT bytes on a character
 * boundary.  The full sanitizer lives with the UI; this keeps an error
 * message from moving a cursor.  Caller frees.
 */
static char *
error_sanitize(const char *s, size_t len)
{
	struct buf b = {0};
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	bool space = false;
	char *out;

	while (i < len && p[i] != '\0') {
		if (b.len >= ERROR_MAX_TEXT) {
			/* Back up to a character boundary, then mark the cut.
			 */
			while (b.len > 0 && ((unsigned char)b.data[b.len - 1] &
			                     0xc0) == 0x80)
				b.len--;
			if (b.len > 0 &&
			    (unsigned char)b.data[b.len - 1] >= 0xc0)
				b.len--;
			b.data[b.len] = '\0';
			buf_puts(&b, "...");
			break;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			if (!space && b.len > 0)
				buf_putc(&b, ' ');
			space = true;
			i++;
			continue;
		}
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			if (!space && b.len > 0)
				buf_putc(&b, ' ');
			space = true;
			i += 2;
			continue;
		}
		space = false;
		buf_putc(&b, (char)p[i]);
		i++;
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (b.data == NULL)
		return xstrdup("");
	/* And what hides or reorders text: bidi, zero-width, bad UTF-8. */
	out = text_sanitize(b.data, b.len);
	buf_free(&b);
	return out;
}

/*
 * Set kind, code, status and message (printf-style, sanitized).
 * request_id and endpoint are kept: they describe the call, not the
 * failure.  Example: aws_error_set(e, AWS_ERR_CONFIG, "UnknownService",
 * 0, "unknown service %s", name).
 */
void
aws_error_set(struct aws_error *e, enum aws_error_kind kind, const char *code,
              int http_status, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(e->code);
	free(e->message);
	e->kind = kind;
	e->code = xstrdup(code != NULL ? code : "Error");
	e->http_status = http_status;
	e->message = error_sanitize(msg, strlen(msg));
	free(msg);
}

/* Free the members and zero the struct; fine on a zeroed struct. */
void
aws_error_clear(struct aws_error *e)
{
	if (e == NULL)
		return;
	free(e->code);
	free(e->message);
	free(e->request_id);
	free(e->endpoint);
	memset(e, 0, sizeof *e);
}

/* Move src into dst (dst's old contents are freed); src becomes empty. */
void
aws_error_move(struct aws_error *dst, struct aws_error *src)
{
	if (dst == src)
		return;
	aws_error_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof *src);
}

/*
 * "Code: message (HTTP 403, request id abc)"; the parenthesis holds
 * whatever is known.  Caller frees.
 */
char *
aws_error_format(const struct aws_error *e)
{
	struct buf b = {0};
	const char *sep = " (";

	buf_puts(&b, e->code != NULL ? e->code : "Error");
	if (e->message != NULL && *e->message != '\0')
		buf_printf(&b, ": %s", e->message);
	if (e->http_status != 0) {
		buf_printf(&b, "%sHTTP %d", sep, e->http_status);
		sep = ", ";
	}
	if (e->request_id != NULL && *e->request_id != '\0') {
		buf_printf(&b, "%srequest id %s", sep, e->request_id);
		sep = ", ";
	}
	if (*sep == ',')
		buf_putc(&b, ')');
	return buf_steal(&b);
}

static bool
error_code_has(const struct aws_error *e, const char *needle)
{
	return e->code != NULL && strstr(e->code, needle) != NULL;
}

/* One word for a status line. */
const char *
aws_error_short(const struct aws_error *e)
{
	switch (e->kind) {
	case AWS_ERR_NONE:
		return "ok";
	case AWS_ERR_READ_ONLY:
		return "read-only";
	case AWS_ERR_PARSE:
		return "bad response";
	case AWS_ERR_CREDENTIALS:
		return "credentials";
	case AWS_ERR_CONFIG:
		return "error";
	case AWS_ERR_TRANSPORT:
		if (error_code_has(e, "Timeout"))
			return "timeout";
		return "unreachable";
	case AWS_ERR_SERVICE:
		break;
	}
	if (aws_error_is_throttle(e))
		return "throttled";
	if (error_code_has(e, "AccessDenied") ||
	    error_code_has(e, "Unauthorized") ||
	    error_code_has(e, "NotAuthorized"))
		return "denied";
	if (error_code_has(e, "Signature") ||
	    error_code_has(e, "InvalidClientTokenId") ||
	    error_code_has(e, "ExpiredToken") ||
	    error_code_has(e, "UnrecognizedClient"))
		return "credentials";
	if (error_code_has(e, "Timeout"))
		return "timeout";
	return "error";
}

/* True for the standard retry mode's throttling errors (and HTTP 429). */
bool
aws_error_is_throttle(const struct aws_error *e)
{
	if (e->kind != AWS_ERR_SERVICE)
		return false;
	return e->http_status == 429 ||
	       error_in_list(e->code, error_throttle_codes);
}

/*
 * True when another attempt may succeed: throttling, transient codes,
 * HTTP 500/502/503/504, and transport failures other than a
 * certificate that failed verification.
 */
bool
aws_error_is_retryable(const struct aws_error *e)
{
	switch (e->kind) {
	case AWS_ERR_TRANSPORT:
		/* An untrusted certificate stays untrusted. */
		return e->code == NULL ||
		       strcmp(e->code, "TLSVerifyFailed") != 0;
	case AWS_ERR_SERVICE:
		break;
	default:
		return false;
	}
	if (aws_error_is_throttle(e))
		return true;
	if (error_in_list(e->code, error_transient_codes))
		return true;
	switch (e->http_status) {
	case 500:
	case 502:
	case 503:
	case 504:
		return true;
	}
	return false;
}

/*
 * Normalise a JSON __type: "com.amazon.coral#ThrottlingException" and
 * "ThrottlingException:http://internal.amazon.com/coral/..." both become
 * "ThrottlingException".  Caller frees.
 */
static char *
error_normalise_type(const char *type)
{
	const char *start, *end;

	start = strrchr(type, '#');
	start = start != NULL ? start + 1 : type;
	end = strchr(start, ':');
	if (end == NULL)
		end = start + strlen(start);
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	return error_sanitize(start, (size_t)(end - start));
}

/* Decode the five XML entities and numeric references.  Caller frees. */
static char *
error_xml_decode(const char *s, size_t len)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {
	    {"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},
	    {"&quot;", '"'}, {"&apos;", '\''},
	};
	struct buf b = {0};
	size_t i = 0, k, n;

	while (i < len) {
		if (s[i] != '&') {
			buf_putc(&b, s[i++]);
			continue;
		}
		for (k = 0; k < nitems(ents); k++) {
			n = strlen(ents[k].name);
			if (i + n <= len &&
			    strncmp(s + i, ents[k].name, n) == 0)
				break;
		}
		if (k < nitems(ents)) {
			buf_putc(&b, ents[k].c);
			i += strlen(ents[k].name);
			continue;
		}
		if (i + 2 < len && s[i + 1] == '#') {
			const char *semi = memchr(s + i, ';', len - i);
			unsigned long cp;
			char *endp;

			if (semi != NULL && semi - (s + i) < 12) {
				if (s[i + 2] == 'x' || s[i + 2] == 'X')
					cp = strtoul(s + i + 3, &endp, 16);
				else
					cp = strtoul(s + i + 2, &endp, 10);
				if (endp == semi && cp > 0 && cp < 0x80) {
					buf_putc(&b, (char)cp);
					i = (size_t)(semi - s) + 1;
					continue;
				}
			}
		}
		buf_putc(&b, s[i++]);
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/*
 * Text of the first <tag>...</tag> (no attributes on tag expected, but
 * tolerated) in xml, decoded and sanitized; NULL when absent.  Caller
 * frees.
 */
static char *
error_xml_text(const char *xml, size_t len, const char *tag)
{
	size_t tlen = strlen(tag), i;
	const char *start = NULL, *end;
	char *raw, *out;

	for (i = 0; i + tlen + 2 <= len; i++) {
		if (xml[i] != '<' || strncmp(xml + i + 1, tag, tlen) != 0)
			continue;
		if (xml[i + 1 + tlen] == '>') {
			start = xml + i + tlen + 2;
			break;
		}
		if (xml[i + 1 + tlen] == ' ') {
			end = memchr(xml + i, '>', len - i);
			if (end == NULL)
				return NULL;
			if (end[-1] == '/')
				return xstrdup("");
			start = end + 1;
			break;
		}
	}
	if (start == NULL)
		return NULL;
	for (end = start; end + tlen + 3 <= xml + len; end++) {
		if (end[0] == '<' && end[1] == '/' &&
		    strncmp(end + 2, tag, tlen) == 0 && end[2 + tlen] == '>')
			break;
	}
	if (end + tlen + 3 > xml + len)
		return NULL;
	raw = error_xml_decode(start, (size_t)(end - start));
	out = error_sanitize(raw, strlen(raw));
	free(raw);
	return out;
}

static const char *
error_status_code(int status)
{
	switch (status) {
	case 400:
		return "BadRequest";
	case 401:
		return "Unauthorized";
	case 403:
		return "AccessDenied";
	case 404:
		return "NotFound";
	case 413:
		return "RequestEntityTooLarge";
	case 429:
		return "TooManyRequestsException";
	case 500:
		return "InternalFailure";
	case 502:
		return "BadGateway";
	case 503:
		return "ServiceUnavailable";
	case 504:
		return "GatewayTimeout";
	}
	return NULL;
}

/* Parse a JSON error body; fills *code / *message when found. */
static void
error_parse_json(const char *body, size_t len, char **code, char **message)
{
	cJSON *root;
	const cJSON *v;
	static const char *const code_keys[] = {"__type", "code", "Code"};
	static const char *const msg_keys[] = {"message", "Message",
	                                       "errorMessage"};
	size_t i;

	root = cJSON_ParseWithLength(body, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return;
	}
	for (i = 0; i < nitems(code_keys) && *code == NULL; i++) {
		v = cJSON_GetObjectItemCaseSensitive(root, code_keys[i]);
		if (cJSON_IsString(v) && *v->valuestring != '\0')
			*code = error_normalise_type(v->valuestring);
	}
	for (i = 0; i < nitems(msg_keys) && *message == NULL; i++) {
		v = cJSON_GetObjectItemCaseSensitive(root, msg_keys[i]);
		if (cJSON_IsString(v))
			*message = error_sanitize(v->valuestring,
			                          strlen(v->valuestring));
	}
	cJSON_Delete(root);
}

/* True when body (after whitespace) starts with c. */
static bool
error_body_starts(const char *body, size_t len, char c)
{
	size_t i;

	for (i = 0; i < len && isspace((unsigned char)body[i]); i++)
		;
	return i < len && body[i] == c;
}

/*
 * Parse an error response into e.  The legacy code in x-amzn-query-error
 * ("ResourceNotFound;Sender") wins over the body's __type, as boto3 does
 * for CloudWatch's JSON protocol.  A body that says nothing useful still
 * gives a code from the status ("ServiceUnavailable", "HTTP 418").
 */
void
aws_error_from_response(struct aws_error *e, int http_status, const char *body,
                        size_t len, const char *query_error_header,
                        const char *request_id)
{
	char *code = NULL, *message = NULL, *xml_rid = NULL;
	const char *semi, *fallback;

	if (body == NULL)
		len = 0;
	if (len > 0 && error_body_starts(body, len, '{'))
		error_parse_json(body, len, &code, &message);
	else if (len > 0 && error_body_starts(body, len, '<')) {
		code = error_xml_text(body, len, "Code");
		message = error_xml_text(body, len, "Message");
		xml_rid = error_xml_text(body, len, "RequestId");
		if (xml_rid == NULL)
			xml_rid = error_xml_text(body, len, "RequestID");
	}
	if (query_error_header != NULL && *query_error_header != '\0') {
		semi = strchr(query_error_header, ';');
		if (semi == NULL)
			semi = query_error_header + strlen(query_error_header);
		if (semi > query_error_header) {
			free(code);
			code =
			    error_sanitize(query_error_header,
			                   (size_t)(semi - query_error_header));
		}
	}
	if (code != NULL && *code == '\0') {
		free(code);
		code = NULL;
	}

	free(e->code);
	free(e->message);
	e->kind = AWS_ERR_SERVICE;
	e->http_status = http_status;
	if (code == NULL) {
		fallback = error_status_code(http_status);
		e->code = fallback != NULL ? xstrdup(fallback)
		                           : xasprintf("HTTP %d", http_status);
	} else
		e->code = code;
	if (message != NULL && *message != '\0')
		e->message = message;
	else {
		free(message);
		if (len == 0)
			e->message = xasprintf("HTTP %d with an empty body",
			                       http_status);
		else if (code == NULL) {
			char *snip =
			    error_sanitize(body, len < 120 ? len : 120);

			e->message = xasprintf("HTTP %d with an unrecognised "
			                       "body: %s%s",
			                       http_status, snip,
			                       len > 120 ? "..." : "");
			free(snip);
		} else
			e->message = xstrdup("");
	}
	if (request_id != NULL && *request_id != '\0') {
		free(e->request_id);
		e->request_id = error_sanitize(request_id, strlen(request_id));
	} else if (xml_rid != NULL && *xml_rid != '\0') {
		free(e->request_id);
		e->request_id = xml_rid;
		xml_rid = NULL;
	}
	free(xml_rid);
}
