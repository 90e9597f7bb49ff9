/* Tests for the services table and the read-only allow-lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/service.h"
#include "util/util.h"

static void
service_get__protocol_table__matches_design(void **state)
{
	static const struct {
		enum aws_service_id id;
		const char *name, *env_id, *key, *signing;
		const char *version, *target;
	} want[] = {
	    {AWS_SVC_CLOUDWATCH, "cloudwatch", "CLOUDWATCH", "cloudwatch",
	     "monitoring", "1.0", "GraniteServiceVersion20100801"},
	    {AWS_SVC_LOGS, "logs", "CLOUDWATCH_LOGS", "cloudwatch_logs", "logs",
	     "1.1", "Logs_20140328"},
	    {AWS_SVC_CE, "ce", "COST_EXPLORER", "cost_explorer", "ce", "1.1",
	     "AWSInsightsIndexService"},
	    {AWS_SVC_APPRUNNER, "apprunner", "APPRUNNER", "apprunner",
	     "apprunner", "1.0", "AppRunner"},
	    {AWS_SVC_ECR, "ecr", "ECR", "ecr", "ecr", "1.1",
	     "AmazonEC2ContainerRegistry_V20150921"},
	};
	const struct aws_service *s;
	size_t i;

	for (i = 0; i < nitems(want); i++) {
		s = aws_service_get(want[i].id);
		assert_non_null(s);
		assert_int_equal(s->id, want[i].id);
		assert_string_equal(s->name, want[i].name);
		assert_string_equal(s->env_id, want[i].env_id);
		assert_string_equal(s->config_key, want[i].key);
		assert_string_equal(s->signing_name, want[i].signing);
		assert_int_equal(s->protocol, AWS_PROTO_JSON);
		assert_string_equal(s->json_version, want[i].version);
		assert_string_equal(s->target_prefix, want[i].target);
	}
	s = aws_service_get(AWS_SVC_CE);
	assert_string_equal(s->fixed_region, "us-east-1");
	assert_null(aws_service_get(AWS_SVC_LOGS)->fixed_region);

	s = aws_service_get(AWS_SVC_STS);
	assert_int_equal(s->protocol, AWS_PROTO_QUERY);
	assert_string_equal(s->api_version, "2011-06-15");
	assert_string_equal(s->signing_name, "sts");
	assert_string_equal(s->env_id, "STS");
	assert_null(s->target_prefix);
	assert_null(aws_service_get(AWS_SVC_COUNT));
}

static void
service_find__names_and_aliases__found(void **state)
{
	assert_int_equal(aws_service_find("logs")->id, AWS_SVC_LOGS);
	assert_int_equal(aws_service_find("CloudWatch")->id,
	                 AWS_SVC_CLOUDWATCH);
	assert_int_equal(aws_service_find("monitoring")->id,
	                 AWS_SVC_CLOUDWATCH);
	assert_int_equal(aws_service_find("cost-explorer")->id, AWS_SVC_CE);
	assert_int_equal(aws_service_find("sts")->id, AWS_SVC_STS);
	assert_null(aws_service_find("s3"));
	assert_null(aws_service_find(""));
	assert_null(aws_service_find(NULL));
}

static void
op_is_read__reads_we_use__allowed(void **state)
{
	static const struct {
		enum aws_service_id id;
		const char *op;
	} reads[] = {
	    {AWS_SVC_CLOUDWATCH, "GetMetricData"},
	    {AWS_SVC_CLOUDWATCH, "DescribeAlarms"},
	    {AWS_SVC_CLOUDWATCH, "DescribeAlarmHistory"},
	    {AWS_SVC_CLOUDWATCH, "ListMetrics"},
	    {AWS_SVC_LOGS, "DescribeLogGroups"},
	    {AWS_SVC_LOGS, "FilterLogEvents"},
	    {AWS_SVC_LOGS, "GetLogEvents"},
	    {AWS_SVC_CE, "GetCostAndUsage"},
	    {AWS_SVC_CE, "GetCostForecast"},
	    {AWS_SVC_APPRUNNER, "ListServices"},
	    {AWS_SVC_APPRUNNER, "DescribeService"},
	    {AWS_SVC_APPRUNNER, "ListOperations"},
	    {AWS_SVC_APPRUNNER, "DescribeAutoScalingConfiguration"},
	    {AWS_SVC_APPRUNNER, "ListAutoScalingConfigurations"},
	    {AWS_SVC_ECR, "DescribeRepositories"},
	    {AWS_SVC_ECR, "DescribeImages"},
	    {AWS_SVC_ECR, "BatchGetImage"},
	    {AWS_SVC_STS, "GetCallerIdentity"},
	    {AWS_SVC_STS, "AssumeRole"},
	};
	size_t i;

	for (i = 0; i < nitems(reads); i++)
		assert_true(aws_service_op_is_read(aws_service_get(reads[i].id),
		                                   reads[i].op));
}

static void
op_is_read__mutations_and_guesses__refused(void **state)
{
	static const struct {
		enum aws_service_id id;
		const char *op;
	} writes[] = {
	    {AWS_SVC_APPRUNNER, "UpdateService"},
	    {AWS_SVC_APPRUNNER, "StartDeployment"},
	    {AWS_SVC_APPRUNNER, "PauseService"},
	    {AWS_SVC_APPRUNNER, "ResumeService"},
	    {AWS_SVC_APPRUNNER, "CreateAutoScalingConfiguration"},
	    {AWS_SVC_APPRUNNER, "DeleteService"},
	    {AWS_SVC_ECR, "PutImage"},
	    {AWS_SVC_ECR, "BatchDeleteImage"},
	    {AWS_SVC_LOGS, "CreateLogGroup"},
	    {AWS_SVC_LOGS, "PutLogEvents"},
	    {AWS_SVC_CLOUDWATCH, "PutMetricData"},
	    {AWS_SVC_CLOUDWATCH, "PutMetricAlarm"},
	    {AWS_SVC_CLOUDWATCH, "SetAlarmState"},
	    /* No prefix guessing: unknown Get and Describe names are refused.
	     */
	    {AWS_SVC_ECR, "GetAuthorizationToken"},
	    {AWS_SVC_LOGS, "DescribeEverything"},
	    {AWS_SVC_CLOUDWATCH, "getmetricdata"},
	    {AWS_SVC_CLOUDWATCH, "GetMetricDataX"},
	    {AWS_SVC_CLOUDWATCH, ""},
	};
	size_t i;

	for (i = 0; i < nitems(writes); i++)
		assert_false(aws_service_op_is_read(
		    aws_service_get(writes[i].id), writes[i].op));
	/* A read of another service is not a read of this one. */
	assert_false(aws_service_op_is_read(aws_service_get(AWS_SVC_ECR),
	                                    "GetMetricData"));
	assert_false(aws_service_op_is_read(NULL, "GetMetricData"));
	assert_false(
	    aws_service_op_is_read(aws_service_get(AWS_SVC_ECR), NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(service_get__protocol_table__matches_design),
	    cmocka_unit_test(service_find__names_and_aliases__found),
	    cmocka_unit_test(op_is_read__reads_we_use__allowed),
	    cmocka_unit_test(op_is_read__mutations_and_guesses__refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
