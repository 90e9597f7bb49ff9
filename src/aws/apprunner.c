/* App Runner: request builders and response parsers for the console. */
#include "aws/apprunner.h"

#include <stdlib.h>
#include <string.h>

#include "aws/awsjson.h"
#include "util/util.h"

static void
replace(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

cJSON *
apprunner_list_services_request(const char *next_token)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddNumberToObject(r, "MaxResults", 20);
	aj_add_str(r, "NextToken", next_token);
	return r;
}

int
apprunner_parse_list_services(const cJSON *resp,
    struct apprunner_summary **out, size_t *n, char **next_token,
    char **cause)
{
	const cJSON *list, *it;
	struct apprunner_summary *s;

	*next_token = NULL;
	if ((list = aj_array(resp, "ServiceSummaryList")) == NULL) {
		*cause = xstrdup("ListServices: no ServiceSummaryList");
		return -1;
	}
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsObject(it) || aj_str(it, "ServiceName") == NULL)
			continue;
		*out = xreallocarray(*out, *n + 1, sizeof **out);
		s = &(*out)[(*n)++];
		s->name = aj_clean(it, "ServiceName");
		s->id = aj_clean(it, "ServiceId");
		s->arn = aj_clean(it, "ServiceArn");
		s->status = aj_clean(it, "Status");
		s->url = aj_clean(it, "ServiceUrl");
	}
	*next_token = xstrdup(aj_str(resp, "NextToken"));
	if (*next_token != NULL && **next_token == '\0') {
		free(*next_token);
		*next_token = NULL;
	}
	return 0;
}

void
apprunner_summaries_free(struct apprunner_summary *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].id);
		free(s[i].arn);
		free(s[i].status);
		free(s[i].url);
	}
	free(s);
}

cJSON *
apprunner_describe_service_request(const char *service_arn)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "ServiceArn", service_arn);
	return r;
}

int
apprunner_parse_describe_service(const cJSON *resp, struct service_info *out,
    char **cause)
{
	const cJSON *svc, *src, *img, *inst, *asc;

	if ((svc = aj_object(resp, "Service")) == NULL ||
	    aj_str(svc, "ServiceName") == NULL) {
		*cause = xstrdup("DescribeService: no Service");
		return -1;
	}
	replace(&out->name, aj_clean(svc, "ServiceName"));
	replace(&out->arn, aj_clean(svc, "ServiceArn"));
	replace(&out->id, aj_clean(svc, "ServiceId"));
	replace(&out->status, aj_clean(svc, "Status"));
	replace(&out->url, aj_clean(svc, "ServiceUrl"));
	out->updated_at = aj_time(svc, "UpdatedAt");
	src = aj_object(svc, "SourceConfiguration");
	img = aj_object(src, "ImageRepository");
	replace(&out->image, aj_clean(img, "ImageIdentifier"));
	/* An image pinned by digest tells us the digest without ECR. */
	if (out->image != NULL && strstr(out->image, "@sha256:") != NULL)
		replace(&out->image_digest,
		    xstrdup(strchr(out->image, '@') + 1));
	inst = aj_object(svc, "InstanceConfiguration");
	replace(&out->cpu, aj_clean(inst, "Cpu"));
	replace(&out->memory, aj_clean(inst, "Memory"));
	asc = aj_object(svc, "AutoScalingConfigurationSummary");
	replace(&out->asc_arn, aj_clean(asc, "AutoScalingConfigurationArn"));
	replace(&out->asc_name, aj_clean(asc, "AutoScalingConfigurationName"));
	out->asc_revision = (int)aj_num(asc, "AutoScalingConfigurationRevision",
	    0);
	return 0;
}

cJSON *
apprunner_list_operations_request(const char *service_arn, int max_results)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "ServiceArn", service_arn);
	if (max_results < 1 || max_results > 20)
		max_results = 20;
	cJSON_AddNumberToObject(r, "MaxResults", max_results);
	return r;
}

static int
op_cmp(const void *a, const void *b)
{
	const struct op_info *x = a, *y = b;

	if (x->started_at != y->started_at)
		return x->started_at > y->started_at ? -1 : 1;
	return 0;
}

int
apprunner_parse_list_operations(const cJSON *resp, struct op_info **ops,
    size_t *n, char **cause)
{
	const cJSON *list, *it;
	struct op_info *o;

	*ops = NULL;
	*n = 0;
	if (!cJSON_IsObject(resp)) {
		*cause = xstrdup("ListOperations: not an object");
		return -1;
	}
	/* OperationSummaryList is optional in the model: none = no ops. */
	list = aj_array(resp, "OperationSummaryList");
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsObject(it))
			continue;
		*ops = xreallocarray(*ops, *n + 1, sizeof **ops);
		o = &(*ops)[(*n)++];
		o->id = aj_clean(it, "Id");
		o->type = aj_clean(it, "Type");
		o->status = aj_clean(it, "Status");
		o->started_at = aj_time(it, "StartedAt");
		o->ended_at = aj_time(it, "EndedAt");
		o->updated_at = aj_time(it, "UpdatedAt");
	}
	if (*n > 1)
		qsort(*ops, *n, sizeof **ops, op_cmp);
	return 0;
}

cJSON *
apprunner_describe_asc_request(const char *asc_arn)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "AutoScalingConfigurationArn", asc_arn);
	return r;
}

int
apprunner_parse_describe_asc(const cJSON *resp, int *min_size, int *max_size,
    int *max_concurrency, char **cause)
{
	const cJSON *asc;

	if ((asc = aj_object(resp, "AutoScalingConfiguration")) == NULL) {
		*cause = xstrdup("DescribeAutoScalingConfiguration: no "
		    "AutoScalingConfiguration");
		return -1;
	}
	*min_size = (int)aj_num(asc, "MinSize", 0);
	*max_size = (int)aj_num(asc, "MaxSize", 0);
	*max_concurrency = (int)aj_num(asc, "MaxConcurrency", 0);
	return 0;
}
