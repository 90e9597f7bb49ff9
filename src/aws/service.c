/* The services table: protocol, signing name, endpoint and read allow-list. */
#include <string.h>
#include <strings.h>

#include "aws/service.h"
#include "util/util.h"

/*
 * Read allow-lists for read-only mode.  Written out operation by
 * operation on purpose: a new operation is refused until someone adds it
 * here after checking that it changes nothing.  Mutating operations we
 * use and must never allow: UpdateService, StartDeployment,
 * PauseService, ResumeService, CreateAutoScalingConfiguration, PutImage.
 */
/* One operation per line reads best in review. */
/* clang-format off */
static const char *const cloudwatch_read_ops[] = {
	"GetMetricData",
	"GetMetricStatistics",
	"ListMetrics",
	"DescribeAlarms",
	"DescribeAlarmHistory",
	"DescribeAlarmsForMetric",
	"ListDashboards",
	"GetDashboard",
	NULL
};

static const char *const logs_read_ops[] = {
	"DescribeLogGroups",
	"DescribeLogStreams",
	"FilterLogEvents",
	"GetLogEvents",
	NULL
};

static const char *const ce_read_ops[] = {
	"GetCostAndUsage",
	"GetCostForecast",
	"GetDimensionValues",
	NULL
};

static const char *const apprunner_read_ops[] = {
	"ListServices",
	"DescribeService",
	"ListOperations",
	"DescribeAutoScalingConfiguration",
	"ListAutoScalingConfigurations",
	NULL
};

static const char *const ecr_read_ops[] = {
	"DescribeRepositories",
	"DescribeImages",
	"BatchGetImage",
	"ListImages",
	NULL
};

/* AssumeRole changes nothing in the account: it only mints credentials. */
static const char *const sts_read_ops[] = {
	"GetCallerIdentity",
	"AssumeRole",
	"GetSessionToken",
	NULL
};

static const struct aws_service services[AWS_SVC_COUNT] = {
	[AWS_SVC_CLOUDWATCH] = {
		.id = AWS_SVC_CLOUDWATCH,
		.name = "cloudwatch",
		.env_id = "CLOUDWATCH",
		.config_key = "cloudwatch",
		.signing_name = "monitoring",
		.endpoint_prefix = "monitoring",
		.protocol = AWS_PROTO_JSON,
		.json_version = "1.0",
		.target_prefix = "GraniteServiceVersion20100801",
		.api_version = "2010-08-01",
		.read_ops = cloudwatch_read_ops,
	},
	[AWS_SVC_LOGS] = {
		.id = AWS_SVC_LOGS,
		.name = "logs",
		.env_id = "CLOUDWATCH_LOGS",
		.config_key = "cloudwatch_logs",
		.signing_name = "logs",
		.endpoint_prefix = "logs",
		.protocol = AWS_PROTO_JSON,
		.json_version = "1.1",
		.target_prefix = "Logs_20140328",
		.api_version = "2014-03-28",
		.read_ops = logs_read_ops,
	},
	[AWS_SVC_CE] = {
		.id = AWS_SVC_CE,
		.name = "ce",
		.env_id = "COST_EXPLORER",
		.config_key = "cost_explorer",
		.signing_name = "ce",
		.endpoint_prefix = "ce",
		.protocol = AWS_PROTO_JSON,
		.json_version = "1.1",
		.target_prefix = "AWSInsightsIndexService",
		.api_version = "2017-10-25",
		.fixed_region = "us-east-1",
		.read_ops = ce_read_ops,
	},
	[AWS_SVC_APPRUNNER] = {
		.id = AWS_SVC_APPRUNNER,
		.name = "apprunner",
		.env_id = "APPRUNNER",
		.config_key = "apprunner",
		.signing_name = "apprunner",
		.endpoint_prefix = "apprunner",
		.protocol = AWS_PROTO_JSON,
		.json_version = "1.0",
		.target_prefix = "AppRunner",
		.api_version = "2020-05-15",
		.read_ops = apprunner_read_ops,
	},
	[AWS_SVC_ECR] = {
		.id = AWS_SVC_ECR,
		.name = "ecr",
		.env_id = "ECR",
		.config_key = "ecr",
		.signing_name = "ecr",
		.endpoint_prefix = "api.ecr",
		.protocol = AWS_PROTO_JSON,
		.json_version = "1.1",
		.target_prefix = "AmazonEC2ContainerRegistry_V20150921",
		.api_version = "2015-09-21",
		.read_ops = ecr_read_ops,
	},
	[AWS_SVC_STS] = {
		.id = AWS_SVC_STS,
		.name = "sts",
		.env_id = "STS",
		.config_key = "sts",
		.signing_name = "sts",
		.endpoint_prefix = "sts",
		.protocol = AWS_PROTO_QUERY,
		.api_version = "2011-06-15",
		.read_ops = sts_read_ops,
	},
};

/* clang-format on */

/* Other names users type for a service. */
static const struct {
	const char *alias;
	enum aws_service_id id;
} service_aliases[] = {
    {"monitoring", AWS_SVC_CLOUDWATCH}, {"cloudwatch-logs", AWS_SVC_LOGS},
    {"cloudwatch_logs", AWS_SVC_LOGS},  {"cost-explorer", AWS_SVC_CE},
    {"cost_explorer", AWS_SVC_CE},      {"app-runner", AWS_SVC_APPRUNNER},
};

/* The entry for id; NULL when id is out of range. */
const struct aws_service *
aws_service_get(enum aws_service_id id)
{
	if ((int)id < 0 || id >= AWS_SVC_COUNT)
		return NULL;
	return &services[id];
}

/* By CLI name ("logs") or alias ("cost-explorer"), case-insensitive. */
const struct aws_service *
aws_service_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < AWS_SVC_COUNT; i++) {
		if (strcasecmp(services[i].name, name) == 0)
			return &services[i];
	}
	for (i = 0; i < nitems(service_aliases); i++) {
		if (strcasecmp(service_aliases[i].alias, name) == 0)
			return &services[service_aliases[i].id];
	}
	return NULL;
}

/* Exact, case-sensitive match against the allow-list (AWS op names are). */
bool
aws_service_op_is_read(const struct aws_service *svc, const char *op)
{
	const char *const *p;

	if (svc == NULL || op == NULL || svc->read_ops == NULL)
		return false;
	for (p = svc->read_ops; *p != NULL; p++) {
		if (strcmp(*p, op) == 0)
			return true;
	}
	return false;
}
