/* App Runner: request builders and response parsers for the console. */
#ifndef MOMENTUM_APPRUNNER_H
#define MOMENTUM_APPRUNNER_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "model/model.h"

/*
 * Builders return a new request object (caller cJSON_Delete()s).
 * Parsers read a response (never modified), sanitize every string, and
 * return 0, or -1 with *cause (caller frees) when the response lacks
 * what the operation always returns.
 */

struct apprunner_summary {
	char *name;
	char *id;
	char *arn;
	char *status;
	char *url;
};

cJSON *apprunner_list_services_request(const char *next_token);
/* Appends to *out / *n; *next_token gets NextToken or NULL (caller frees). */
int apprunner_parse_list_services(const cJSON *resp,
    struct apprunner_summary **out, size_t *n, char **next_token,
    char **cause);
void apprunner_summaries_free(struct apprunner_summary *s, size_t n);

cJSON *apprunner_describe_service_request(const char *service_arn);
/*
 * Fill name, arn, id, status, url, image, cpu, memory, asc_* and
 * updated_at of out (other members untouched; existing strings freed).
 */
int apprunner_parse_describe_service(const cJSON *resp,
    struct service_info *out, char **cause);

cJSON *apprunner_list_operations_request(const char *service_arn,
    int max_results);
/* Operations newest first (by StartedAt).  *ops caller frees (op_info_clear each). */
int apprunner_parse_list_operations(const cJSON *resp, struct op_info **ops,
    size_t *n, char **cause);

cJSON *apprunner_describe_asc_request(const char *asc_arn);
/* MinSize, MaxSize, MaxConcurrency of an AutoScalingConfiguration. */
int apprunner_parse_describe_asc(const cJSON *resp, int *min_size,
    int *max_size, int *max_concurrency, char **cause);

#endif
