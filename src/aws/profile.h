/* The shared AWS config and credentials files (~/.aws/config, ~/.aws/credentials). */
#ifndef MOMENTUM_AWS_PROFILE_H
#define MOMENTUM_AWS_PROFILE_H

#include <stdbool.h>

/*
 * One profile's settings, merged from the config file ([profile x], or
 * [default]) and the credentials file ([x]); credentials-file keys win.
 * Files come from AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or
 * ~/.aws/.  Sub-sections (a key with an empty value followed by indented
 * "k = v" lines) are stored as "parent.k".  A profile's "services = name"
 * points to a [services name] section, whose sub-sections are exposed as
 * "services.<service>.<key>" (e.g. "services.cloudwatch.endpoint_url").
 */
struct aws_profile;

/*
 * Load profile name (NULL = $AWS_PROFILE or "default").  Returns NULL
 * with *cause = NULL when neither file has it, or NULL with *cause
 * ("~/.aws/config:12: line is not a key = value pair") when a file is
 * broken.  Caller frees *cause.
 */
struct aws_profile *aws_profile_load(const char *name, char **cause);
void aws_profile_free(struct aws_profile *p);
const char *aws_profile_name(const struct aws_profile *p);
/* Value of key, or NULL. */
const char *aws_profile_get(const struct aws_profile *p, const char *key);
/* "file:line" where key was set (for error messages), or NULL. */
const char *aws_profile_where(const struct aws_profile *p, const char *key);
/* True when key's value came from the credentials file (not config). */
bool aws_profile_in_credentials_file(const struct aws_profile *p,
    const char *key);

/* Parse one INI-style buffer (exposed for unit tests); see profile.c. */
struct aws_profile_file;
struct aws_profile_file *aws_profile_file_parse(const char *path,
    const char *text, bool is_config, char **cause);
void aws_profile_file_free(struct aws_profile_file *f);
/* Look up key in profile; NULL when absent. */
const char *aws_profile_file_get(const struct aws_profile_file *f,
    const char *profile, const char *key);
bool aws_profile_file_has(const struct aws_profile_file *f,
    const char *profile);

/* Region: $AWS_REGION, $AWS_DEFAULT_REGION, profile "region"; NULL when none. Caller frees. */
char *aws_region_resolve(const struct aws_profile *p);

#endif
