/* CloudWatch Logs: FilterLogEvents tailing and log group lookup. */
#ifndef MOMENTUM_LOGS_H
#define MOMENTUM_LOGS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "model/logstore.h"

/* startTime/endTime in epoch ms; pattern NULL or "" = none; limit 0 = 1000. */
cJSON *logs_filter_request(const char *group, int64_t start_ms,
    int64_t end_ms, const char *pattern, const char *next_token, int limit);
/*
 * Events of one page.  The strings in *out point into resp (valid while
 * resp lives; logstore_append sanitizes and copies them); *out is
 * caller-freed.  *next_token points into resp too, NULL at the end.
 */
int logs_parse_filter(const cJSON *resp, const char *group,
    struct log_event_in **out, size_t *n, const char **next_token,
    char **cause);

/*
 * As logs_parse_filter, straight from the raw response body (len bytes,
 * need not be NUL-terminated) without building a cJSON tree.  Accepts
 * and rejects exactly what cJSON_ParseWithLength + logs_parse_filter
 * do.  The strings in *out and *next_token point into *strings, which
 * the caller frees (NULL on failure) along with *out.
 */
int logs_parse_filter_body(const char *body, size_t len, const char *group,
    struct log_event_in **out, size_t *n, const char **next_token,
    char **strings, char **cause);

cJSON *logs_describe_log_groups_request(const char *prefix, int limit);
/* Sanitized group names (caller frees each and the array). */
int logs_parse_describe_log_groups(const cJSON *resp, char ***names,
    size_t *n, char **cause);

/* "/aws/apprunner/<name>/<id>/application".  Caller frees. */
char *logs_apprunner_group(const char *service_name, const char *service_id);
/* "/aws/apprunner/<name>/<id>/<kind>" (kind "application" or "service"). */
char *logs_apprunner_group_kind(const char *service_name,
    const char *service_id, const char *kind);

#endif
