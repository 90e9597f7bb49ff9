/* AWS Signature Version 4: one implementation for signing and verifying. */
#ifndef MOMENTUM_AWS_SIGV4_H
#define MOMENTUM_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

struct aws_credentials;

struct sigv4_header {
	const char *name;
	const char *value;
};

/*
 * A request to sign or verify.  path is the raw request path (not yet
 * normalized) exactly as it is sent on the wire, i.e. already
 * percent-encoded: the canonical URI encodes it once more (so "%20"
 * becomes "%2520", AWS's double encoding for every service but S3).
 * query: the raw query string without '?' (may be NULL); it is decoded
 * ("+" is a space, as botocore reads it) and re-encoded.  headers as sent
 * on the wire (duplicates allowed, any case; folded values allowed).
 * payload_hash: hex SHA-256 of the body, or NULL to compute it from body.
 */
struct sigv4_request {
	const char *method;
	const char *path;
	const char *query;
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	const char *payload_hash;
};

struct sigv4_params {
	const char *region;
	const char *service;	/* signing name */
	time_t when;		/* request time (already skew-corrected) */
	int normalize_path;	/* 1 for every service but S3 */
};

/* Canonical request (path normalized), string to sign.  Caller frees. */
char *sigv4_canonical_request(const struct sigv4_request *req,
    const char *signed_headers_override);
/* Canonical request honouring p->normalize_path.  Caller frees. */
char *sigv4_canonical_request_params(const struct sigv4_request *req,
    const char *signed_headers_override, const struct sigv4_params *p);
char *sigv4_string_to_sign(const char *canonical_request,
    const struct sigv4_params *p);
/* Hex signature.  Caller frees. */
char *sigv4_signature(const char *string_to_sign, const char *secret,
    const struct sigv4_params *p);

/*
 * Sign: returns the Authorization header value (caller frees).  The
 * request must already carry host and x-amz-date (sigv4_format_date of
 * p->when), and x-amz-security-token when there is a session token.
 */
char *sigv4_authorization(const struct sigv4_request *req,
    const struct aws_credentials *creds, const struct sigv4_params *p);
void sigv4_format_date(time_t t, char out[17]);	/* YYYYMMDDTHHMMSSZ */

/*
 * Presign: the query string to send in place of req->query (its own
 * parameters plus X-Amz-Algorithm, -Credential, -Date, -SignedHeaders,
 * -Expires, -Security-Token when creds has one, and -Signature).
 * Caller frees.
 */
char *sigv4_presign_query(const struct sigv4_request *req,
    const struct aws_credentials *creds, const struct sigv4_params *p,
    int expires_s);

/*
 * Verify a signed request (the simulator's side): an Authorization
 * header, or presigned X-Amz-* query parameters.  lookup_secret maps an
 * access key id to its secret (NULL when unknown).  Returns 0 when the
 * signature is valid; otherwise -1 and *code (static) and *message
 * (caller frees) describe the AWS error (MissingAuthenticationToken,
 * IncompleteSignature, InvalidClientTokenId, SignatureDoesNotMatch,
 * RequestExpired).  now/max_skew bound the x-amz-date (max_skew < 0: no
 * bound; presigned requests are bound by X-Amz-Expires instead).  On
 * success *access_key, *region, *service (each may be NULL; caller
 * frees) describe the credential scope.
 */
int sigv4_verify(const struct sigv4_request *req,
    const char *(*lookup_secret)(void *ctx, const char *access_key),
    void *ctx, time_t now, int max_skew_seconds, char **access_key,
    char **region, char **service, const char **code, char **message);

/*
 * The parts of an Authorization header ("AWS4-HMAC-SHA256
 * Credential=AK/20150830/us-east-1/service/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=hex").  sigv4_auth_parse
 * returns 0, or -1 with *message (caller frees) in AWS's
 * IncompleteSignature words.  Free with sigv4_auth_header_free.
 */
struct sigv4_auth_header {
	char *access_key;
	char *date;		/* YYYYMMDD of the credential scope */
	char *region;
	char *service;
	char *signed_headers;	/* "host;x-amz-date" as sent */
	char *signature;
};
int sigv4_auth_parse(const char *auth, struct sigv4_auth_header *out,
    char **message);
void sigv4_auth_header_free(struct sigv4_auth_header *a);

/* Helpers shared with the rest of the core. */
void sha256_hex(const void *data, size_t len, char out[65]);
/* RFC 3986 encode; encode_slash=0 keeps '/'.  Caller frees. */
char *uri_encode(const char *s, size_t len, int encode_slash);

#endif
