/* Tests for endpoint resolution and its precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/endpoint.h"
#include "aws/profile.h"
#include "aws/service.h"
#include "util/util.h"

static char config_path[] = "/tmp/momentum-endpoint-XXXXXX";

static const char config_text[] = "[profile dev]\n"
                                  "region = eu-central-1\n"
                                  "endpoint_url = http://profile-global:1\n"
                                  "services = dev-services\n"
                                  "\n"
                                  "[profile plain]\n"
                                  "region = eu-central-1\n"
                                  "endpoint_url = http://profile-plain:3/\n"
                                  "\n"
                                  "[profile ignoring]\n"
                                  "endpoint_url = http://profile-ignored:4\n"
                                  "ignore_configured_endpoint_urls = true\n"
                                  "\n"
                                  "[services dev-services]\n"
                                  "cloudwatch_logs =\n"
                                  "  endpoint_url = http://profile-logs:2\n";

static void
clear_env(void)
{
	const struct aws_service *s;
	char *name;
	int i;

	for (i = 0; i < AWS_SVC_COUNT; i++) {
		s = aws_service_get(i);
		name = xasprintf("AWS_ENDPOINT_URL_%s", s->env_id);
		unsetenv(name);
		free(name);
	}
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_PROFILE");
}

static int
setup(void **state)
{
	int fd = mkstemp(config_path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, config_text, strlen(config_text)),
	                 (ssize_t)strlen(config_text));
	close(fd);
	setenv("AWS_CONFIG_FILE", config_path, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/momentum/creds", 1);
	clear_env();
	return 0;
}

static int
teardown(void **state)
{
	unlink(config_path);
	return 0;
}

static struct aws_profile *
load(const char *name)
{
	struct aws_profile *p;
	char *cause = NULL;

	p = aws_profile_load(name, &cause);
	if (p == NULL)
		fail_msg("profile %s: %s", name,
		         cause != NULL ? cause : "absent");
	return p;
}

static void
assert_endpoint(enum aws_service_id id, const char *region,
                const struct aws_profile *p, const char *override,
                const char *want)
{
	char *got =
	    aws_endpoint_resolve(aws_service_get(id), region, p, override);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
resolve__nothing_configured__aws_defaults(void **state)
{
	clear_env();
	assert_endpoint(AWS_SVC_CLOUDWATCH, "us-east-1", NULL, NULL,
	                "https://monitoring.us-east-1.amazonaws.com");
	assert_endpoint(AWS_SVC_LOGS, "eu-west-1", NULL, NULL,
	                "https://logs.eu-west-1.amazonaws.com");
	assert_endpoint(AWS_SVC_APPRUNNER, "us-east-1", NULL, NULL,
	                "https://apprunner.us-east-1.amazonaws.com");
	assert_endpoint(AWS_SVC_ECR, "us-east-1", NULL, NULL,
	                "https://api.ecr.us-east-1.amazonaws.com");
	assert_endpoint(AWS_SVC_STS, "ap-southeast-2", NULL, NULL,
	                "https://sts.ap-southeast-2.amazonaws.com");
	/* Cost Explorer lives in us-east-1 whatever the region. */
	assert_endpoint(AWS_SVC_CE, "eu-west-1", NULL, NULL,
	                "https://ce.us-east-1.amazonaws.com");
	assert_endpoint(AWS_SVC_CE, NULL, NULL, NULL,
	                "https://ce.us-east-1.amazonaws.com");
	/* No region, or one that is not a region: no endpoint. */
	assert_endpoint(AWS_SVC_LOGS, NULL, NULL, NULL, NULL);
	assert_endpoint(AWS_SVC_LOGS, "evil.com/x", NULL, NULL, NULL);
	assert_endpoint(AWS_SVC_LOGS, "", NULL, NULL, NULL);
}

static void
resolve__each_level__first_match_wins(void **state)
{
	struct aws_profile *p = load("dev");

	clear_env();
	/* Profile: services section beats the profile's endpoint_url. */
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", p, NULL,
	                "http://profile-logs:2");
	assert_endpoint(AWS_SVC_ECR, "eu-central-1", p, NULL,
	                "http://profile-global:1");
	/* $AWS_ENDPOINT_URL beats the profile. */
	setenv("AWS_ENDPOINT_URL", "http://env-global:5", 1);
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", p, NULL,
	                "http://env-global:5");
	assert_endpoint(AWS_SVC_ECR, "eu-central-1", p, NULL,
	                "http://env-global:5");
	/* $AWS_ENDPOINT_URL_<SERVICE> beats $AWS_ENDPOINT_URL. */
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://env-logs:6/", 1);
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", p, NULL,
	                "http://env-logs:6");
	assert_endpoint(AWS_SVC_CLOUDWATCH, "eu-central-1", p, NULL,
	                "http://env-global:5");
	/* Our per-environment override beats everything. */
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", p, "http://override:7",
	                "http://override:7");
	/* An empty value is no value. */
	setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "", 1);
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", p, "",
	                "http://env-global:5");
	clear_env();
	aws_profile_free(p);
}

static void
resolve__env_ids__one_per_service(void **state)
{
	static const struct {
		enum aws_service_id id;
		const char *var;
	} vars[] = {
	    {AWS_SVC_CLOUDWATCH, "AWS_ENDPOINT_URL_CLOUDWATCH"},
	    {AWS_SVC_LOGS, "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"},
	    {AWS_SVC_CE, "AWS_ENDPOINT_URL_COST_EXPLORER"},
	    {AWS_SVC_APPRUNNER, "AWS_ENDPOINT_URL_APPRUNNER"},
	    {AWS_SVC_ECR, "AWS_ENDPOINT_URL_ECR"},
	    {AWS_SVC_STS, "AWS_ENDPOINT_URL_STS"},
	};
	size_t i, j;
	char *want;

	clear_env();
	for (i = 0; i < nitems(vars); i++) {
		setenv(vars[i].var, "http://127.0.0.1:9999", 1);
		for (j = 0; j < nitems(vars); j++) {
			char *got =
			    aws_endpoint_resolve(aws_service_get(vars[j].id),
			                         "us-east-1", NULL, NULL);

			want = i == j ? xstrdup("http://127.0.0.1:9999") : NULL;
			if (want != NULL)
				assert_string_equal(got, want);
			else
				assert_true(str_starts_with(got, "https://"));
			free(want);
			free(got);
		}
		unsetenv(vars[i].var);
	}
}

static void
resolve__ignore_configured__env_and_profile_skipped(void **state)
{
	struct aws_profile *dev = load("dev"), *ign = load("ignoring");

	clear_env();
	setenv("AWS_ENDPOINT_URL", "http://env-global:5", 1);
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", dev, NULL,
	                "https://logs.eu-central-1.amazonaws.com");
	/* Our own override is explicit and still applies. */
	assert_endpoint(AWS_SVC_LOGS, "eu-central-1", dev, "http://o:1",
	                "http://o:1");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	unsetenv("AWS_ENDPOINT_URL");
	/* The profile's own switch. */
	assert_endpoint(AWS_SVC_ECR, "us-east-1", ign, NULL,
	                "https://api.ecr.us-east-1.amazonaws.com");
	/* The environment variable set to false overrides the profile's. */
	setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
	assert_endpoint(AWS_SVC_ECR, "us-east-1", ign, NULL,
	                "http://profile-ignored:4");
	clear_env();
	aws_profile_free(dev);
	aws_profile_free(ign);
}

static void
resolve__profile_without_services__endpoint_url(void **state)
{
	struct aws_profile *p = load("plain");

	clear_env();
	assert_endpoint(AWS_SVC_STS, "eu-central-1", p, NULL,
	                "http://profile-plain:3");
	aws_profile_free(p);
}

/* Plain HTTP is allowed without asking only to these. */
static void
host_is_loopback__addresses_and_names(void **state)
{
	static const char *const yes[] = { "127.0.0.1", "127.1.2.3",
	    "localhost", "LOCALHOST", "[::1]", "[0:0:0:0:0:0:0:1]" };
	static const char *const no[] = { "128.0.0.1", "127.evil.example",
	    "localhost.evil.example", "[::2]", "::1", "10.0.0.1",
	    "169.254.170.2", "", "[", "[]" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(aws_host_is_loopback(yes[i]));
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(aws_host_is_loopback(no[i]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(host_is_loopback__addresses_and_names),
	    cmocka_unit_test(resolve__nothing_configured__aws_defaults),
	    cmocka_unit_test(resolve__each_level__first_match_wins),
	    cmocka_unit_test(resolve__env_ids__one_per_service),
	    cmocka_unit_test(
	        resolve__ignore_configured__env_and_profile_skipped),
	    cmocka_unit_test(resolve__profile_without_services__endpoint_url),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
