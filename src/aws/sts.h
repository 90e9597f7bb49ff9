/* STS over the query protocol: AssumeRole and GetCallerIdentity. */
#ifndef MOMENTUM_AWS_STS_H
#define MOMENTUM_AWS_STS_H

#include "aws/credentials.h"
#include "aws/error.h"

/*
 * AssumeRole with source credentials src, signed directly (no client:
 * the credentials provider uses this while building a client's
 * credentials).  duration_s 0 = 3600.  Returns 0 and fills out
 * (source "assume-role"), or -1 with err.
 */
int sts_assume_role(const char *endpoint, const char *region,
    const struct aws_credentials *src, const char *role_arn,
    const char *session_name, const char *external_id, int duration_s,
    struct aws_credentials *out, struct aws_error *err);

/* Parse an AssumeRoleResponse XML body.  Returns 0, or -1 with *cause. */
int sts_parse_assume_role(const char *xml, size_t len,
    struct aws_credentials *out, char **cause);

/* Tiny XML helper: text of the first <tag>...</tag>, entity-decoded. Caller frees. */
char *xml_find_text(const char *xml, size_t len, const char *tag);

#endif
