/* AWS credentials and the provider chain, in the AWS SDK order. */
#ifndef MOMENTUM_AWS_CREDENTIALS_H
#define MOMENTUM_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <time.h>

struct aws_credentials {
	char *access_key_id;
	char *secret_access_key;	/* never printed or logged */
	char *session_token;		/* NULL when absent; never printed */
	time_t expiration;		/* 0 = does not expire */
	const char *source;		/* static string: "environment", "shared-credentials-file", ... */
};

/* Deep copy; wipe + free members.  Safe on zeroed structs. */
void aws_credentials_copy(struct aws_credentials *dst,
    const struct aws_credentials *src);
void aws_credentials_clear(struct aws_credentials *c);

/*
 * "2015-08-30T12:36:00Z", with optional fractional seconds and a "+HH:MM"
 * or "-HHMM" offset (no zone = UTC).  (time_t)-1 when malformed.
 */
time_t aws_parse_iso8601(const char *s);

/*
 * The chain for one profile (NULL = AWS_PROFILE or "default"):
 * environment, shared credentials/config files (static keys, role_arn +
 * source_profile via STS AssumeRole, credential_process), container
 * credentials, IMDSv2.  As in botocore, an explicitly named profile
 * (opt->profile != NULL) skips the environment variables.  Thread-safe:
 * credentials are cached and refreshed five minutes before they expire
 * by one thread at a time.
 */
struct aws_creds_provider;

struct aws_creds_options {
	const char *profile;
	const char *role_arn;		/* assume this role on top of the chain */
	const char *external_id;
	const char *role_session_name;
	const char *region;		/* for STS */
	const char *sts_endpoint;	/* NULL = aws_endpoint_resolve() */
	time_t (*clock)(void);		/* NULL = time(); tests inject one */
	int process_timeout_ms;		/* credential_process; 0 = 60000 */
};

struct aws_creds_provider *aws_creds_provider_new(
    const struct aws_creds_options *opt);
void aws_creds_provider_free(struct aws_creds_provider *p);
/* Fill *out (caller clears) or return -1 with *cause (caller frees),
 * which lists the sources that were tried. */
int aws_creds_get(struct aws_creds_provider *p, struct aws_credentials *out,
    char **cause);
/* Force a refresh on the next get (after ExpiredToken errors). */
void aws_creds_invalidate(struct aws_creds_provider *p);

#endif
