/* The AWS services momentum-console speaks, and how to reach each. */
#ifndef MOMENTUM_AWS_SERVICE_H
#define MOMENTUM_AWS_SERVICE_H

#include <stdbool.h>

enum aws_service_id {
	AWS_SVC_CLOUDWATCH,
	AWS_SVC_LOGS,
	AWS_SVC_CE,
	AWS_SVC_APPRUNNER,
	AWS_SVC_ECR,
	AWS_SVC_STS,
	AWS_SVC_COUNT
};

enum aws_protocol { AWS_PROTO_JSON, AWS_PROTO_QUERY };

struct aws_service {
	enum aws_service_id id;
	const char *name;		/* CLI name: "cloudwatch", "logs", "ce", ... */
	const char *env_id;		/* AWS_ENDPOINT_URL_<env_id> */
	const char *config_key;		/* key in a profile's services section */
	const char *signing_name;	/* SigV4 service: "monitoring", "logs", ... */
	const char *endpoint_prefix;	/* host prefix: monitoring, logs, ce, ... */
	enum aws_protocol protocol;
	const char *json_version;	/* "1.0" or "1.1"; NULL for query */
	const char *target_prefix;	/* X-Amz-Target prefix; NULL for query */
	const char *api_version;	/* query protocol Version= */
	const char *fixed_region;	/* Cost Explorer lives in us-east-1 */
	const char *const *read_ops;	/* allow-list for read-only mode, NULL-terminated */
};

const struct aws_service *aws_service_get(enum aws_service_id id);
/* By CLI name or a few aliases ("monitoring", "cost-explorer"); NULL if unknown. */
const struct aws_service *aws_service_find(const char *name);
/* True when op is on the service's read allow-list. */
bool aws_service_op_is_read(const struct aws_service *svc, const char *op);

#endif
