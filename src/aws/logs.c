/* CloudWatch Logs: FilterLogEvents tailing and log group lookup. */
#include "aws/logs.h"

#include <stdlib.h>
#include <string.h>

#include "aws/awsjson.h"
#include "util/util.h"

cJSON *
logs_filter_request(const char *group, int64_t start_ms, int64_t end_ms,
    const char *pattern, const char *next_token, int limit)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "logGroupName", group);
	if (start_ms > 0)
		cJSON_AddNumberToObject(r, "startTime", (double)start_ms);
	if (end_ms > 0)
		cJSON_AddNumberToObject(r, "endTime", (double)end_ms);
	aj_add_str(r, "filterPattern", pattern);
	aj_add_str(r, "nextToken", next_token);
	if (limit <= 0 || limit > 10000)
		limit = 1000;
	cJSON_AddNumberToObject(r, "limit", limit);
	return r;
}

int
logs_parse_filter(const cJSON *resp, const char *group,
    struct log_event_in **out, size_t *n, const char **next_token,
    char **cause)
{
	const cJSON *list, *it;
	struct log_event_in *e;
	const char *msg;

	*out = NULL;
	*n = 0;
	*next_token = NULL;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("FilterLogEvents: not an object");
		return -1;
	}
	list = aj_array(resp, "events");
	if (list != NULL && cJSON_GetArraySize(list) > 0)
		*out = xreallocarray(NULL, (size_t)cJSON_GetArraySize(list),
		    sizeof **out);
	cJSON_ArrayForEach(it, list) {
		if ((msg = aj_str(it, "message")) == NULL)
			continue;
		e = &(*out)[(*n)++];
		memset(e, 0, sizeof *e);
		e->ts_ms = (int64_t)aj_num(it, "timestamp", 0);
		e->ingest_ms = (int64_t)aj_num(it, "ingestionTime", 0);
		e->event_id = aj_str(it, "eventId");
		e->group = group;
		e->stream = aj_str(it, "logStreamName");
		e->message = msg;
		e->message_len = strlen(msg);
	}
	*next_token = aj_str(resp, "nextToken");
	if (*next_token != NULL && **next_token == '\0')
		*next_token = NULL;
	return 0;
}

cJSON *
logs_describe_log_groups_request(const char *prefix, int limit)
{
	cJSON *r = cJSON_CreateObject();

	aj_add_str(r, "logGroupNamePrefix", prefix);
	if (limit < 1 || limit > 50)
		limit = 50;
	cJSON_AddNumberToObject(r, "limit", limit);
	return r;
}

int
logs_parse_describe_log_groups(const cJSON *resp, char ***names, size_t *n,
    char **cause)
{
	const cJSON *it;
	char *name;

	*names = NULL;
	*n = 0;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("DescribeLogGroups: not an object");
		return -1;
	}
	cJSON_ArrayForEach(it, aj_array(resp, "logGroups")) {
		if ((name = aj_clean(it, "logGroupName")) == NULL)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = name;
	}
	return 0;
}

char *
logs_apprunner_group(const char *service_name, const char *service_id)
{
	return xasprintf("/aws/apprunner/%s/%s/application", service_name,
	    service_id);
}

char *
logs_apprunner_group_kind(const char *service_name, const char *service_id,
    const char *kind)
{
	return xasprintf("/aws/apprunner/%s/%s/%s", service_name, service_id,
	    kind);
}
