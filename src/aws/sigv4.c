/* AWS Signature Version 4 on OpenSSL: canonical request, signer and verifier. */
#include "aws/sigv4.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/credentials.h"
#include "util/util.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/*
 * Headers never signed by default: they are changed by proxies or by the
 * transport (same list as botocore), and Authorization is the result.
 */
static const char *const sigv4_unsigned_headers[] = {
	"authorization", "expect", "transfer-encoding", "user-agent",
	"x-amzn-trace-id",
};

static const char hexdigits[] = "0123456789abcdef";

static void
hex_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		out[i * 2] = hexdigits[in[i] >> 4];
		out[i * 2 + 1] = hexdigits[in[i] & 0xf];
	}
	out[len * 2] = '\0';
}

/*
 * Hex SHA-256 of data, for payload hashes and the string to sign.
 * sha256_hex("", 0, out) gives "e3b0c442...b855".
 */
void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data == NULL ? "" : data, len, md, &mdlen,
	    EVP_sha256(), NULL) || mdlen != 32)
		fatal("EVP_Digest(sha256) failed");
	hex_encode(md, 32, out);
}

static void
hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
    unsigned char out[32])
{
	unsigned int outlen = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out,
	    &outlen) == NULL || outlen != 32)
		fatal("HMAC(sha256) failed");
}

/*
 * ASCII only, whatever the locale: the console runs setlocale(LC_ALL, "")
 * and a Latin-1 locale would call 0xe9 alphanumeric and 0xa0 a space.
 */
static bool
ascii_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/*
 * RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay,
 * everything else (including every UTF-8 byte) becomes %XX in upper case.
 * encode_slash=0 keeps '/' for paths.  uri_encode("a b/c", 5, 0) gives
 * "a%20b/c".  Caller frees.
 */
char *
uri_encode(const char *s, size_t len, int encode_slash)
{
	static const char upper[] = "0123456789ABCDEF";
	struct buf b = {0};
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (is_unreserved(c) || (c == '/' && !encode_slash))
			buf_putc(&b, (char)c);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, upper[c >> 4]);
			buf_putc(&b, upper[c & 0xf]);
		}
	}
	return buf_steal(&b);
}

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

/* Decode %XX and '+' (as botocore's parse_qsl does) into b. */
static void
query_decode(struct buf *b, const char *s, size_t len)
{
	size_t i;
	int hi, lo;

	buf_reset(b);
	buf_append(b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			buf_putc(b, (char)(hi << 4 | lo));
			i += 2;
		} else if (s[i] == '+')
			buf_putc(b, ' ');
		else
			buf_putc(b, s[i]);
	}
}

/*
 * Remove dot segments and empty segments, the way AWS normalizes paths
 * for every service but S3: "//a/./b/../c/" becomes "/a/c/".
 */
static char *
path_normalize(const char *path)
{
	const char **segs;
	size_t nsegs = 0, cap, i;
	struct buf out = {0};
	char *copy, *p, *seg;
	bool trailing;

	copy = xstrdup(path);
	cap = strlen(path) / 2 + 2;
	segs = xcalloc(cap, sizeof *segs);
	trailing = str_ends_with(path, "/");
	for (p = copy; (seg = strsep(&p, "/")) != NULL;) {
		if (*seg == '\0' || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (nsegs > 0)
				nsegs--;
			continue;
		}
		segs[nsegs++] = seg;
	}
	buf_putc(&out, '/');
	for (i = 0; i < nsegs; i++) {
		buf_puts(&out, segs[i]);
		if (i + 1 < nsegs || trailing)
			buf_putc(&out, '/');
	}
	free(segs);
	free(copy);
	return buf_steal(&out);
}

/*
 * The canonical URI: the path as it is sent (already percent-encoded on
 * the wire) is normalized and encoded once more, so "%20" on the wire
 * becomes "%2520" (AWS's double encoding for non-S3 services).  The AWS
 * suite gives raw paths ("/example space/") which this encodes once.
 */
static char *
canonical_uri(const char *path, int normalize)
{
	char *norm, *enc;

	if (path == NULL || *path == '\0')
		return xstrdup("/");
	norm = normalize ? path_normalize(path) : xstrdup(path);
	enc = uri_encode(norm, strlen(norm), 0);
	free(norm);
	return enc;
}

struct query_param {
	char *key;
	char *value;
};

static int
query_param_cmp(const void *a, const void *b)
{
	const struct query_param *x = a, *y = b;
	int c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return strcmp(x->value, y->value);
}

/* Sorted, re-encoded query: "b=2&a=1" becomes "a=1&b=2". */
static char *
canonical_query(const char *query)
{
	struct query_param *params = NULL;
	size_t n = 0, i, len, klen;
	struct buf dec = {0}, out = {0};
	const char *p, *amp, *eq;

	if (query == NULL || *query == '\0')
		return xstrdup("");
	for (p = query; *p != '\0'; p = *amp == '\0' ? amp : amp + 1) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		len = (size_t)(amp - p);
		if (len == 0)
			continue;
		eq = memchr(p, '=', len);
		klen = eq == NULL ? len : (size_t)(eq - p);
		params = xreallocarray(params, n + 1, sizeof *params);
		query_decode(&dec, p, klen);
		params[n].key = uri_encode(dec.data, dec.len, 1);
		if (eq == NULL)
			query_decode(&dec, "", 0);
		else
			query_decode(&dec, eq + 1, len - klen - 1);
		params[n].value = uri_encode(dec.data, dec.len, 1);
		n++;
	}
	buf_free(&dec);
	qsort(params, n, sizeof *params, query_param_cmp);
	buf_append(&out, "", 0);
	for (i = 0; i < n; i++) {
		buf_printf(&out, "%s%s=%s", i == 0 ? "" : "&", params[i].key,
		    params[i].value);
		free(params[i].key);
		free(params[i].value);
	}
	free(params);
	return buf_steal(&out);
}

struct canon_header {
	char *name;		/* lower case */
	char *value;		/* trimmed, whitespace runs collapsed */
	size_t order;		/* position on the wire, for stable joins */
};

static int
canon_header_cmp(const void *a, const void *b)
{
	const struct canon_header *x = a, *y = b;
	int c;

	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * "  a   b\n   c " becomes "a b c": trim, and collapse every run of
 * whitespace (including the line breaks of folded values) to one space.
 */
static char *
header_value_canonical(const char *v)
{
	struct buf b = {0};
	bool space = false;

	buf_append(&b, "", 0);
	for (; *v != '\0'; v++) {
		if (ascii_space((unsigned char)*v)) {
			space = true;
			continue;
		}
		if (space && b.len > 0)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, *v);
	}
	return buf_steal(&b);
}

static char *
lowercase_dup(const char *s)
{
	char *l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++)
		*p = ascii_lower(*p);
	return l;
}

static bool
header_is_unsigned(const char *lname)
{
	size_t i;

	for (i = 0; i < nitems(sigv4_unsigned_headers); i++)
		if (strcmp(lname, sigv4_unsigned_headers[i]) == 0)
			return true;
	return false;
}

/*
 * Merge the request's headers into sorted (name, joined value) pairs.
 * Duplicate names are joined with ',' in wire order.  Returns the count.
 */
static size_t
headers_collect(const struct sigv4_request *req, struct canon_header **out)
{
	struct canon_header *h;
	size_t i, n = 0;
	char *joined;

	h = xcalloc(req->nheaders + 1, sizeof *h);
	for (i = 0; i < req->nheaders; i++) {
		if (req->headers[i].name == NULL)
			continue;
		h[n].name = lowercase_dup(req->headers[i].name);
		h[n].value = header_value_canonical(
		    req->headers[i].value == NULL ? "" : req->headers[i].value);
		h[n].order = i;
		n++;
	}
	qsort(h, n, sizeof *h, canon_header_cmp);
	for (i = 0; i + 1 < n;) {
		if (strcmp(h[i].name, h[i + 1].name) != 0) {
			i++;
			continue;
		}
		joined = xasprintf("%s,%s", h[i].value, h[i + 1].value);
		free(h[i].value);
		h[i].value = joined;
		free(h[i + 1].name);
		free(h[i + 1].value);
		memmove(&h[i + 1], &h[i + 2], (n - i - 2) * sizeof *h);
		n--;
	}
	*out = h;
	return n;
}

static void
headers_free(struct canon_header *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

static const struct canon_header *
headers_find(const struct canon_header *h, size_t n, const char *lname)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(h[i].name, lname) == 0)
			return &h[i];
	return NULL;
}

/*
 * Build the canonical request.  With override (a "a;b;c" list, as in the
 * SignedHeaders of an Authorization header) exactly those headers are
 * used, in that order; a signed header missing from the request is
 * canonicalized with an empty value, so the signature cannot match.
 * Otherwise every header but the unsigned ones is signed.  *signed_out
 * receives the SignedHeaders list when not NULL.
 */
static char *
canonical_build(const struct sigv4_request *req, const char *override,
    int normalize, char **signed_out)
{
	struct canon_header *h;
	const struct canon_header *found;
	size_t n, i;
	struct buf out = {0}, sh = {0};
	char *uri, *query, hash[65], *list, *p, *name;

	n = headers_collect(req, &h);
	uri = canonical_uri(req->path, normalize);
	query = canonical_query(req->query);
	buf_printf(&out, "%s\n%s\n%s\n", req->method == NULL ? "" :
	    req->method, uri, query);
	free(uri);
	free(query);
	buf_append(&sh, "", 0);
	if (override != NULL) {
		list = xstrdup(override);
		for (p = list; (name = strsep(&p, ";")) != NULL;) {
			found = headers_find(h, n, name);
			buf_printf(&out, "%s:%s\n", name,
			    found == NULL ? "" : found->value);
		}
		free(list);
		buf_puts(&sh, override);
	} else {
		for (i = 0; i < n; i++) {
			if (header_is_unsigned(h[i].name))
				continue;
			buf_printf(&out, "%s:%s\n", h[i].name, h[i].value);
			buf_printf(&sh, "%s%s", sh.len == 0 ? "" : ";",
			    h[i].name);
		}
	}
	headers_free(h, n);
	if (req->payload_hash != NULL)
		snprintf(hash, sizeof hash, "%s", req->payload_hash);
	else
		sha256_hex(req->body, req->body_len, hash);
	buf_printf(&out, "\n%s\n%s", sh.data, hash);
	if (signed_out != NULL)
		*signed_out = buf_steal(&sh);
	else
		buf_free(&sh);
	return buf_steal(&out);
}

/*
 * The canonical request as AWS builds it, path normalized (every service
 * but S3).  Caller frees.
 */
char *
sigv4_canonical_request(const struct sigv4_request *req,
    const char *signed_headers_override)
{
	return canonical_build(req, signed_headers_override, 1, NULL);
}

/* Same, honouring p->normalize_path.  Caller frees. */
char *
sigv4_canonical_request_params(const struct sigv4_request *req,
    const char *signed_headers_override, const struct sigv4_params *p)
{
	return canonical_build(req, signed_headers_override,
	    p->normalize_path, NULL);
}

void
sigv4_format_date(time_t t, char out[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		snprintf(out, 17, "19700101T000000Z");
}

/*
 * "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex sha256(canonical)>".
 * Caller frees.
 */
char *
sigv4_string_to_sign(const char *canonical_request,
    const struct sigv4_params *p)
{
	char date[17], hash[65];

	sigv4_format_date(p->when, date);
	sha256_hex(canonical_request, strlen(canonical_request), hash);
	return xasprintf("%s\n%s\n%.8s/%s/%s/aws4_request\n%s",
	    SIGV4_ALGORITHM, date, date, p->region, p->service, hash);
}

/*
 * HMAC chain AWS4<secret> -> date -> region -> service -> aws4_request,
 * then the signature over string_to_sign, in hex.  Intermediate keys are
 * wiped.  Caller frees.
 */
char *
sigv4_signature(const char *string_to_sign, const char *secret,
    const struct sigv4_params *p)
{
	unsigned char k[32], k2[32];
	char date[17], *ksecret, *sig;

	sigv4_format_date(p->when, date);
	date[8] = '\0';
	ksecret = xasprintf("AWS4%s", secret);
	hmac_sha256(ksecret, strlen(ksecret), date, 8, k);
	secret_free(ksecret);
	hmac_sha256(k, 32, p->region, strlen(p->region), k2);
	hmac_sha256(k2, 32, p->service, strlen(p->service), k);
	hmac_sha256(k, 32, "aws4_request", 12, k2);
	hmac_sha256(k2, 32, string_to_sign, strlen(string_to_sign), k);
	sig = xmalloc(65);
	hex_encode(k, 32, sig);
	secure_zero(k, sizeof k);
	secure_zero(k2, sizeof k2);
	return sig;
}

/*
 * The Authorization header value for req:
 * "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/sts/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<hex>".  Every header of req
 * except User-Agent, Expect, Transfer-Encoding, X-Amzn-Trace-Id and
 * Authorization is signed.  Caller frees.
 */
char *
sigv4_authorization(const struct sigv4_request *req,
    const struct aws_credentials *creds, const struct sigv4_params *p)
{
	char *canon, *sts, *sig, *signed_headers, *auth, date[17];

	canon = canonical_build(req, NULL, p->normalize_path, &signed_headers);
	sts = sigv4_string_to_sign(canon, p);
	sig = sigv4_signature(sts, creds->secret_access_key, p);
	sigv4_format_date(p->when, date);
	auth = xasprintf("%s Credential=%s/%.8s/%s/%s/aws4_request, "
	    "SignedHeaders=%s, Signature=%s", SIGV4_ALGORITHM,
	    creds->access_key_id, date, p->region, p->service,
	    signed_headers, sig);
	free(canon);
	free(sts);
	free(sig);
	free(signed_headers);
	return auth;
}

/*
 * Presign (query authentication): the query string to send instead of
 * req->query: the request's own parameters, then X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires,
 * X-Amz-Security-Token (signed, when creds has one) and X-Amz-Signature.
 * The headers of req are signed as for sigv4_authorization (it should
 * not carry X-Amz-Date).  Caller frees.
 */
char *
sigv4_presign_query(const struct sigv4_request *req,
    const struct aws_credentials *creds, const struct sigv4_params *p,
    int expires_s)
{
	struct sigv4_request copy;
	struct buf q = {0};
	char date[17], *cred, *enc, *signed_headers, *canon, *sts, *sig;

	sigv4_format_date(p->when, date);
	/* The SignedHeaders list first, from the headers alone. */
	copy = *req;
	copy.query = NULL;
	canon = canonical_build(&copy, NULL, p->normalize_path,
	    &signed_headers);
	free(canon);

	if (req->query != NULL && *req->query != '\0')
		buf_printf(&q, "%s&", req->query);
	cred = xasprintf("%s/%.8s/%s/%s/aws4_request", creds->access_key_id,
	    date, p->region, p->service);
	enc = uri_encode(cred, strlen(cred), 1);
	buf_printf(&q, "X-Amz-Algorithm=%s&X-Amz-Credential=%s&X-Amz-Date=%s",
	    SIGV4_ALGORITHM, enc, date);
	free(enc);
	free(cred);
	enc = uri_encode(signed_headers, strlen(signed_headers), 1);
	buf_printf(&q, "&X-Amz-SignedHeaders=%s&X-Amz-Expires=%d", enc,
	    expires_s);
	free(enc);
	free(signed_headers);
	if (creds->session_token != NULL && *creds->session_token != '\0') {
		enc = uri_encode(creds->session_token,
		    strlen(creds->session_token), 1);
		buf_printf(&q, "&X-Amz-Security-Token=%s", enc);
		secret_free(enc);
	}

	copy.query = q.data;
	canon = canonical_build(&copy, NULL, p->normalize_path, NULL);
	sts = sigv4_string_to_sign(canon, p);
	sig = sigv4_signature(sts, creds->secret_access_key, p);
	buf_printf(&q, "&X-Amz-Signature=%s", sig);
	free(canon);
	free(sts);
	free(sig);
	return buf_steal(&q);
}

/* ---- verifier ------------------------------------------------------- */

static const char *
request_header(const struct sigv4_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (req->headers[i].name != NULL &&
		    strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value == NULL ? "" :
			    req->headers[i].value;
	return NULL;
}

/* Strict "YYYYMMDDTHHMMSSZ"; -1 when malformed. */
static int
parse_amz_date(const char *s, time_t *out)
{
	struct tm tm;
	int i;

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	for (i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	*out = timegm(&tm);
	return 0;
}

/* An RFC 7231 Date header ("Sun, 30 Aug 2015 12:36:00 GMT"). */
static int
parse_http_date(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

void
sigv4_auth_header_free(struct sigv4_auth_header *a)
{
	if (a == NULL)
		return;
	free(a->access_key);
	free(a->date);
	free(a->region);
	free(a->service);
	free(a->signed_headers);
	free(a->signature);
	memset(a, 0, sizeof *a);
}

static char *
auth_param(const char *s, size_t len, const char *key)
{
	size_t klen = strlen(key);

	if (len > klen && strncmp(s, key, klen) == 0 && s[klen] == '=')
		return xstrndup(s + klen + 1, len - klen - 1);
	return NULL;
}

/*
 * Parse "AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
 * SignedHeaders=a;b, Signature=hex".  Parameters may come in any order,
 * separated by ',' and optional spaces.  Returns 0, or -1 with *message
 * (caller frees) in the words AWS uses for IncompleteSignature.
 */
int
sigv4_auth_parse(const char *auth, struct sigv4_auth_header *out,
    char **message)
{
	const char *p, *end;
	char *cred = NULL, *v, *parts[5], *copy, *q;
	size_t len, alen = strlen(SIGV4_ALGORITHM);
	int i;
	struct buf missing = {0};

	memset(out, 0, sizeof *out);
	*message = NULL;
	if (strncmp(auth, SIGV4_ALGORITHM, alen) != 0 ||
	    (auth[alen] != ' ' && auth[alen] != '\0')) {
		*message = xstrdup("Unsupported AWS 'algorithm' in the "
		    "Authorization header (expected AWS4-HMAC-SHA256)");
		return -1;
	}
	for (p = auth + alen; *p != '\0'; p = *end == '\0' ? end : end + 1) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if ((v = auth_param(p, len, "Credential")) != NULL) {
			free(cred);
			cred = v;
		} else if ((v = auth_param(p, len, "SignedHeaders")) != NULL) {
			free(out->signed_headers);
			out->signed_headers = v;
		} else if ((v = auth_param(p, len, "Signature")) != NULL) {
			free(out->signature);
			out->signature = v;
		}
	}
	if (cred == NULL)
		buf_puts(&missing, "Authorization header requires "
		    "'Credential' parameter. ");
	if (out->signature == NULL)
		buf_puts(&missing, "Authorization header requires "
		    "'Signature' parameter. ");
	if (out->signed_headers == NULL)
		buf_puts(&missing, "Authorization header requires "
		    "'SignedHeaders' parameter. ");
	if (missing.len > 0) {
		missing.data[--missing.len] = '\0';
		*message = buf_steal(&missing);
		free(cred);
		sigv4_auth_header_free(out);
		return -1;
	}
	copy = xstrdup(cred);
	q = copy;
	for (i = 0; i < 5; i++)
		parts[i] = strsep(&q, "/");
	if (q != NULL || parts[4] == NULL || *parts[0] == '\0' ||
	    strlen(parts[1]) != 8 || *parts[2] == '\0' ||
	    *parts[3] == '\0') {
		*message = xstrdup("Credential should be scoped to a valid "
		    "region, service and date: "
		    "'<access key>/<YYYYMMDD>/<region>/<service>/aws4_request'");
		goto fail;
	}
	if (strcmp(parts[4], "aws4_request") != 0) {
		*message = xstrdup("Credential should be scoped with a valid "
		    "terminator: 'aws4_request'");
		goto fail;
	}
	if (*out->signed_headers == '\0') {
		*message = xstrdup("Authorization header requires "
		    "'SignedHeaders' parameter.");
		goto fail;
	}
	out->access_key = xstrdup(parts[0]);
	out->date = xstrdup(parts[1]);
	out->region = xstrdup(parts[2]);
	out->service = xstrdup(parts[3]);
	free(copy);
	free(cred);
	return 0;

fail:
	free(copy);
	free(cred);
	sigv4_auth_header_free(out);
	return -1;
}

static bool
signed_headers_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list, *e;

	for (;;) {
		e = strchr(p, ';');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == n && strncmp(p, name, n) == 0)
			return true;
		if (*e == '\0')
			return false;
		p = e + 1;
	}
}

/* The query parameters of a presigned request, decoded. */
struct query_auth {
	char *algorithm;
	char *credential;
	char *date;
	char *expires;
	char *signed_headers;
	char *signature;
	char *stripped;		/* the query without X-Amz-Signature */
};

static void
query_auth_free(struct query_auth *qa)
{
	free(qa->algorithm);
	free(qa->credential);
	free(qa->date);
	free(qa->expires);
	free(qa->signed_headers);
	free(qa->signature);
	free(qa->stripped);
	memset(qa, 0, sizeof *qa);
}

/* Split query into the X-Amz-* authentication parameters.  0 when found. */
static int
query_auth_parse(const char *query, struct query_auth *qa)
{
	static const char *const names[] = {
		"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
		"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
	};
	char **slots[] = {
		&qa->algorithm, &qa->credential, &qa->date, &qa->expires,
		&qa->signed_headers, &qa->signature,
	};
	struct buf dec = {0}, stripped = {0};
	const char *p, *amp, *eq;
	size_t len, klen, i;

	memset(qa, 0, sizeof *qa);
	if (query == NULL)
		return -1;
	buf_append(&stripped, "", 0);
	for (p = query; *p != '\0'; p = *amp == '\0' ? amp : amp + 1) {
		amp = strchr(p, '&');
		if (amp == NULL)
			amp = p + strlen(p);
		len = (size_t)(amp - p);
		if (len == 0)
			continue;
		eq = memchr(p, '=', len);
		klen = eq == NULL ? len : (size_t)(eq - p);
		for (i = 0; i < nitems(names); i++)
			if (strlen(names[i]) == klen &&
			    strncmp(p, names[i], klen) == 0)
				break;
		if (i < nitems(names) && *slots[i] == NULL) {
			query_decode(&dec, eq == NULL ? "" : eq + 1,
			    eq == NULL ? 0 : len - klen - 1);
			*slots[i] = xstrndup(dec.data, dec.len);
		}
		if (i == 5)	/* X-Amz-Signature is not signed */
			continue;
		buf_printf(&stripped, "%s%.*s", stripped.len == 0 ? "" : "&",
		    (int)len, p);
	}
	buf_free(&dec);
	qa->stripped = buf_steal(&stripped);
	if (qa->algorithm == NULL) {
		query_auth_free(qa);
		return -1;
	}
	return 0;
}

/*
 * The presigned request's parameters as an Authorization header would
 * carry them; -1 with *message (AWS's IncompleteSignature words).
 */
static int
query_auth_to_header(const struct query_auth *qa,
    struct sigv4_auth_header *a, char **message)
{
	struct buf missing = {0};
	char *auth;
	int rc;

	if (strcmp(qa->algorithm, SIGV4_ALGORITHM) != 0) {
		*message = xstrdup("Unsupported AWS 'algorithm' in "
		    "X-Amz-Algorithm (expected AWS4-HMAC-SHA256)");
		return -1;
	}
	if (qa->credential == NULL)
		buf_puts(&missing, "AWS query-string parameters must include "
		    "'X-Amz-Credential'. ");
	if (qa->signature == NULL)
		buf_puts(&missing, "AWS query-string parameters must include "
		    "'X-Amz-Signature'. ");
	if (qa->signed_headers == NULL)
		buf_puts(&missing, "AWS query-string parameters must include "
		    "'X-Amz-SignedHeaders'. ");
	if (qa->date == NULL)
		buf_puts(&missing, "AWS query-string parameters must include "
		    "'X-Amz-Date'. ");
	if (missing.len > 0) {
		missing.data[--missing.len] = '\0';
		*message = buf_steal(&missing);
		return -1;
	}
	auth = xasprintf("%s Credential=%s, SignedHeaders=%s, Signature=%s",
	    SIGV4_ALGORITHM, qa->credential, qa->signed_headers,
	    qa->signature);
	rc = sigv4_auth_parse(auth, a, message);
	free(auth);
	return rc;
}

/*
 * Verify req as AWS would.  The checks run in AWS's order: an
 * Authorization header or presigned X-Amz-* query parameters at all
 * (MissingAuthenticationToken), their shape (IncompleteSignature), the
 * request date and skew, or a presigned request's X-Amz-Expires
 * (RequestExpired), the
 * access key (InvalidClientTokenId), then the signature recomputed over
 * exactly the signed headers and compared in constant time
 * (SignatureDoesNotMatch).
 */
int
sigv4_verify(const struct sigv4_request *req,
    const char *(*lookup_secret)(void *ctx, const char *access_key),
    void *ctx, time_t now, int max_skew_seconds, char **access_key,
    char **region, char **service, const char **code, char **message)
{
	struct sigv4_auth_header a;
	struct sigv4_params p;
	struct sigv4_request signed_req;
	struct query_auth qa;
	const char *auth, *date_hdr, *secret;
	char *canon = NULL, *sts = NULL, *sig = NULL, *end;
	char date[17], nowstr[17], limit[17];
	bool presigned = false;
	long expires = 0;
	time_t when;
	int rc = -1;

	memset(&qa, 0, sizeof qa);

	if (access_key != NULL)
		*access_key = NULL;
	if (region != NULL)
		*region = NULL;
	if (service != NULL)
		*service = NULL;
	*code = NULL;
	*message = NULL;

	auth = request_header(req, "authorization");
	if (auth != NULL && *auth != '\0') {
		if (sigv4_auth_parse(auth, &a, message) != 0) {
			*code = "IncompleteSignature";
			return -1;
		}
	} else if (query_auth_parse(req->query, &qa) == 0) {
		if (query_auth_to_header(&qa, &a, message) != 0) {
			*code = "IncompleteSignature";
			query_auth_free(&qa);
			return -1;
		}
		presigned = true;
	} else {
		*code = "MissingAuthenticationToken";
		*message = xstrdup("Request is missing Authentication Token");
		return -1;
	}
	if (!signed_headers_has(a.signed_headers, "host")) {
		*code = "IncompleteSignature";
		*message = xstrdup("'Host' or ':authority' must be a "
		    "'SignedHeader' in the AWS Authorization.");
		goto out;
	}

	if (presigned) {
		if (parse_amz_date(qa.date, &when) != 0) {
			*code = "IncompleteSignature";
			*message = xstrdup("X-Amz-Date must be in ISO-8601 "
			    "'basic format'");
			goto out;
		}
		expires = qa.expires == NULL ? -1 : strtol(qa.expires, &end,
		    10);
		if (qa.expires == NULL || *qa.expires == '\0' ||
		    *end != '\0' || expires < 1 || expires > 604800) {
			*code = "IncompleteSignature";
			*message = xstrdup("X-Amz-Expires must be a number of "
			    "seconds between 1 and 604800");
			goto out;
		}
	} else if ((date_hdr = request_header(req, "x-amz-date")) != NULL) {
		if (parse_amz_date(date_hdr, &when) != 0) {
			*code = "IncompleteSignature";
			*message = xstrdup("Date must be in ISO-8601 'basic "
			    "format'. Got the X-Amz-Date header in another "
			    "format. See http://en.wikipedia.org/wiki/ISO_8601");
			goto out;
		}
	} else if ((date_hdr = request_header(req, "date")) != NULL) {
		if (parse_http_date(date_hdr, &when) != 0) {
			*code = "IncompleteSignature";
			*message = xstrdup("Date header is not a valid "
			    "RFC 7231 date");
			goto out;
		}
	} else {
		*code = "IncompleteSignature";
		*message = xstrdup("Authorization header requires existence "
		    "of either a 'X-Amz-Date' or a 'Date' header.");
		goto out;
	}
	sigv4_format_date(when, date);
	sigv4_format_date(now, nowstr);
	if (presigned && now > when + expires) {
		*code = "RequestExpired";
		*message = xasprintf("Request has expired: X-Amz-Date %s + "
		    "%ld s is earlier than %s", date, expires, nowstr);
		goto out;
	}
	if (max_skew_seconds >= 0 && !presigned &&
	    when < now - max_skew_seconds) {
		*code = "RequestExpired";
		sigv4_format_date(now - max_skew_seconds, limit);
		*message = xasprintf("Signature expired: %s is now earlier "
		    "than %s (%s - %d s.)", date, limit, nowstr,
		    max_skew_seconds);
		goto out;
	}
	if (max_skew_seconds >= 0 && when > now + max_skew_seconds) {
		*code = "RequestExpired";
		sigv4_format_date(now + max_skew_seconds, limit);
		*message = xasprintf("Signature not yet current: %s is "
		    "still later than %s (%s + %d s.)", date, limit, nowstr,
		    max_skew_seconds);
		goto out;
	}
	if (strncmp(a.date, date, 8) != 0) {
		*code = "SignatureDoesNotMatch";
		*message = xasprintf("Date in Credential scope does not match "
		    "YYYYMMDD from ISO-8601 version of date from HTTP: "
		    "'%s' != '%.8s', from '%s'.", a.date, date, date);
		goto out;
	}

	secret = lookup_secret == NULL ? NULL : lookup_secret(ctx,
	    a.access_key);
	if (secret == NULL) {
		*code = "InvalidClientTokenId";
		*message = xstrdup("The security token included in the "
		    "request is invalid.");
		goto out;
	}

	memset(&p, 0, sizeof p);
	p.region = a.region;
	p.service = a.service;
	p.when = when;
	p.normalize_path = 1;
	if (presigned) {
		signed_req = *req;
		signed_req.query = qa.stripped;
		req = &signed_req;
	}
	canon = canonical_build(req, a.signed_headers, 1, NULL);
	sts = sigv4_string_to_sign(canon, &p);
	sig = sigv4_signature(sts, secret, &p);
	if (strlen(a.signature) != 64 ||
	    CRYPTO_memcmp(sig, a.signature, 64) != 0) {
		*code = "SignatureDoesNotMatch";
		*message = xstrdup("The request signature we calculated does "
		    "not match the signature you provided. Check your AWS "
		    "Secret Access Key and signing method. Consult the "
		    "service documentation for details.");
		goto out;
	}
	if (access_key != NULL)
		*access_key = xstrdup(a.access_key);
	if (region != NULL)
		*region = xstrdup(a.region);
	if (service != NULL)
		*service = xstrdup(a.service);
	rc = 0;

out:
	free(canon);
	free(sts);
	if (sig != NULL)
		secure_zero(sig, strlen(sig));
	free(sig);
	sigv4_auth_header_free(&a);
	query_auth_free(&qa);
	return rc;
}
