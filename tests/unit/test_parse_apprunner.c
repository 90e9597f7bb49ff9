/* App Runner and ECR parsers against canned responses in tests/data/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

#include "aws/apprunner.h"
#include "aws/ecr.h"
#include "util/util.h"

static cJSON *
load(const char *rel)
{
	return test_load_json(rel);
}

static void
apprunner_parse_list_services__canned__summaries_sanitized(void **state)
{
	cJSON *j = load("apprunner/list_services.json"), *req;
	struct apprunner_summary *s = NULL;
	size_t n = 0;
	char *next = NULL, *cause = NULL, *txt;

	(void)state;
	assert_int_equal(apprunner_parse_list_services(j, &s, &n, &next,
	    &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(s[1].name, "momentum-prod-api");
	assert_string_equal(s[1].id, "8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5");
	assert_string_equal(s[1].status, "OPERATION_IN_PROGRESS");
	assert_string_equal(s[0].url, "abc.us-east-1.awsapprunner.com");
	assert_string_equal(s[2].name, "evil-svc");	/* OSC title removed */
	assert_null(s[2].url);
	assert_string_equal(next, "page-2");
	apprunner_summaries_free(s, n);
	free(next);
	cJSON_Delete(j);

	req = apprunner_list_services_request("page-2");
	txt = cJSON_PrintUnformatted(req);
	assert_string_equal(txt, "{\"MaxResults\":20,\"NextToken\":\"page-2\"}");
	free(txt);
	cJSON_Delete(req);

	j = cJSON_Parse("{\"nothing\":1}");
	s = NULL;
	n = 0;
	assert_int_equal(apprunner_parse_list_services(j, &s, &n, &next,
	    &cause), -1);
	assert_non_null(strstr(cause, "ServiceSummaryList"));
	free(cause);
	cJSON_Delete(j);
}

static void
apprunner_parse_describe_service__canned__fields(void **state)
{
	cJSON *j = load("apprunner/describe_service.json");
	struct service_info si = { 0 };
	char *cause = NULL;

	(void)state;
	si.role = xstrdup("api");
	assert_int_equal(apprunner_parse_describe_service(j, &si, &cause), 0);
	assert_string_equal(si.role, "api");
	assert_string_equal(si.name, "momentum-prod-api");
	assert_string_equal(si.status, "RUNNING");
	assert_string_equal(si.image,
	    "123456789012.dkr.ecr.us-east-1.amazonaws.com/momentum/api:v1.42.0");
	assert_null(si.image_digest);
	assert_string_equal(si.cpu, "2048");
	assert_string_equal(si.memory, "1024");
	assert_int_equal(si.asc_revision, 3);
	assert_string_equal(si.asc_name, "momentum-prod-api");
	assert_int_equal(si.updated_at, 1764000100);
	/* parsing again replaces, does not leak */
	assert_int_equal(apprunner_parse_describe_service(j, &si, &cause), 0);
	cJSON_Delete(j);

	j = load("apprunner/describe_service_digest.json");
	assert_int_equal(apprunner_parse_describe_service(j, &si, &cause), 0);
	assert_string_equal(si.image_digest, "sha256:4d5e6f7a8b9c0d1e2f3a4b5c"
	    "6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e");
	assert_null(si.asc_arn);
	cJSON_Delete(j);
	service_info_clear(&si);

	j = cJSON_Parse("{\"Service\":{}}");
	assert_int_equal(apprunner_parse_describe_service(j, &si, &cause), -1);
	free(cause);
	cJSON_Delete(j);
}

static void
apprunner_parse_list_operations__canned__newest_first(void **state)
{
	cJSON *j = load("apprunner/list_operations.json");
	struct op_info *ops;
	size_t n, i;
	char *cause = NULL;

	(void)state;
	assert_int_equal(apprunner_parse_list_operations(j, &ops, &n, &cause),
	    0);
	assert_int_equal(n, 3);
	assert_string_equal(ops[0].type, "UPDATE_SERVICE");
	assert_string_equal(ops[0].status, "IN_PROGRESS");
	assert_int_equal(ops[0].ended_at, 0);
	assert_string_equal(ops[1].type, "START_DEPLOYMENT");
	assert_int_equal(ops[1].ended_at, 1763990300);
	assert_string_equal(ops[2].type, "CREATE_SERVICE");
	for (i = 0; i < n; i++)
		op_info_clear(&ops[i]);
	free(ops);
	cJSON_Delete(j);

	j = cJSON_Parse("{}");
	assert_int_equal(apprunner_parse_list_operations(j, &ops, &n, &cause),
	    0);
	assert_int_equal(n, 0);
	cJSON_Delete(j);
}

static void
apprunner_parse_describe_asc__canned__sizes(void **state)
{
	cJSON *j = load("apprunner/describe_asc.json"), *req;
	int mn, mx, mc;
	char *cause = NULL, *txt;

	(void)state;
	assert_int_equal(apprunner_parse_describe_asc(j, &mn, &mx, &mc, &cause),
	    0);
	assert_int_equal(mn, 2);
	assert_int_equal(mx, 20);
	assert_int_equal(mc, 100);
	cJSON_Delete(j);
	req = apprunner_list_operations_request("arn:s", 99);
	txt = cJSON_PrintUnformatted(req);
	assert_string_equal(txt, "{\"ServiceArn\":\"arn:s\",\"MaxResults\":20}");
	free(txt);
	cJSON_Delete(req);
}

static void
ecr_split_image_uri__tag_digest_plain__parts(void **state)
{
	char *repo, *tag, *digest;

	(void)state;
	assert_int_equal(ecr_split_image_uri(
	    "1.dkr.ecr.us-east-1.amazonaws.com/momentum/api:v1.2",
	    &repo, &tag, &digest), 0);
	assert_string_equal(repo, "momentum/api");
	assert_string_equal(tag, "v1.2");
	assert_null(digest);
	free(repo);
	free(tag);
	assert_int_equal(ecr_split_image_uri(
	    "localhost:5000/momentum/api@sha256:abc", &repo, &tag, &digest), 0);
	assert_string_equal(repo, "momentum/api");
	assert_null(tag);
	assert_string_equal(digest, "sha256:abc");
	free(repo);
	free(digest);
	assert_int_equal(ecr_split_image_uri("host/momentum/api", &repo, &tag,
	    &digest), 0);
	assert_string_equal(repo, "momentum/api");
	free(repo);
	assert_int_equal(ecr_split_image_uri("nohost", &repo, &tag, &digest),
	    -1);
	assert_int_equal(ecr_split_image_uri("host/", &repo, &tag, &digest),
	    -1);
}

static void
ecr_parse_describe_images__canned__digest_and_tags(void **state)
{
	cJSON *j = load("ecr/describe_images.json"), *req;
	struct ecr_image *im;
	size_t n;
	char *cause = NULL, *txt, *manifest, *mt;

	(void)state;
	assert_int_equal(ecr_parse_describe_images(j, &im, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(im[0].digest, "sha256:aaaabbbbccccddddeeeeffff0000"
	    "1111222233334444555566667777888899990000");
	assert_int_equal(im[0].ntags, 2);
	assert_string_equal(im[0].tags[0], "v1.42.0");
	assert_int_equal(im[0].size_bytes, 52428800);
	assert_int_equal(im[0].pushed_at, 1763900000);
	ecr_images_free(im, n);
	cJSON_Delete(j);

	req = ecr_describe_images_request("momentum/api", "v1", NULL);
	txt = cJSON_PrintUnformatted(req);
	assert_string_equal(txt, "{\"repositoryName\":\"momentum/api\","
	    "\"imageIds\":[{\"imageTag\":\"v1\"}]}");
	free(txt);
	cJSON_Delete(req);

	j = cJSON_Parse("{\"images\":[],\"failures\":[{\"imageId\":{},"
	    "\"failureCode\":\"ImageNotFound\",\"failureReason\":\"gone\"}]}");
	assert_int_equal(ecr_parse_batch_get_image(j, &manifest, &mt, &cause),
	    -1);
	assert_string_equal(cause, "BatchGetImage: ImageNotFound: gone");
	free(cause);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"images\":[{\"imageManifest\":\"{\\\"a\\\":1}\","
	    "\"imageManifestMediaType\":\"m/t\"}]}");
	assert_int_equal(ecr_parse_batch_get_image(j, &manifest, &mt, &cause),
	    0);
	assert_string_equal(manifest, "{\"a\":1}");
	assert_string_equal(mt, "m/t");
	free(manifest);
	free(mt);
	cJSON_Delete(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apprunner_parse_list_services__canned__summaries_sanitized),
		cmocka_unit_test(apprunner_parse_describe_service__canned__fields),
		cmocka_unit_test(apprunner_parse_list_operations__canned__newest_first),
		cmocka_unit_test(apprunner_parse_describe_asc__canned__sizes),
		cmocka_unit_test(ecr_split_image_uri__tag_digest_plain__parts),
		cmocka_unit_test(ecr_parse_describe_images__canned__digest_and_tags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
