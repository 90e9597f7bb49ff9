/* The credentials chain: order, profiles, roles, processes, container, IMDS, cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "util/util.h"

#include "loopback_httpd.h"

static char tmpdir[] = "/tmp/momentum-creds-XXXXXX";
static struct stub_httpd server;

static const char *const env_vars[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION",
	"AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
	"AWS_EC2_METADATA_V1_DISABLED",
};

/* Every secret any test hands out; none may appear in a cause. */
static const char *const all_secrets[] = {
	"envsecret", "envtoken", "filesecret", "cfgsecret", "procsecret",
	"proctoken", "basesecret", "rolesecret", "roletoken", "ctrsecret",
	"ctrtoken", "imdssecret", "imdstoken", "authtoken-xyz",
};

static void
assert_no_secrets(const char *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < nitems(all_secrets); i++)
		if (strstr(s, all_secrets[i]) != NULL)
			fail_msg("secret \"%s\" leaked into \"%s\"",
			    all_secrets[i], s);
}

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
write_tmp(const char *name, const char *text, mode_t mode)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	return path;
}

static void
use_files(const char *config, const char *credentials)
{
	char *p;

	p = write_tmp("config", config, 0600);
	setenv("AWS_CONFIG_FILE", p, 1);
	free(p);
	p = write_tmp("credentials", credentials, 0600);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
	free(p);
}

static int
setup(void **state)
{
	size_t i;
	char *p;

	(void)state;
	for (i = 0; i < nitems(env_vars); i++)
		unsetenv(env_vars[i]);
	/* Never reach for a real metadata service from a unit test. */
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	p = tmp_path("nonexistent-config");
	setenv("AWS_CONFIG_FILE", p, 1);
	free(p);
	p = tmp_path("nonexistent-credentials");
	setenv("AWS_SHARED_CREDENTIALS_FILE", p, 1);
	free(p);
	stub_set_routes(&server, NULL, 0);
	return 0;
}

/* One get from a fresh provider; returns rc and fills c or *cause. */
static int
get_once(const struct aws_creds_options *opt, struct aws_credentials *c,
    char **cause)
{
	struct aws_creds_provider *p;
	struct aws_creds_options none;
	int rc;

	if (opt == NULL) {
		memset(&none, 0, sizeof none);
		opt = &none;
	}
	p = aws_creds_provider_new(opt);
	assert_non_null(p);
	*cause = NULL;
	rc = aws_creds_get(p, c, cause);
	aws_creds_provider_free(p);
	assert_no_secrets(*cause);
	return rc;
}

static void
expect_fail(const struct aws_creds_options *opt, const char *want1,
    const char *want2)
{
	struct aws_credentials c;
	char *cause = NULL;

	assert_int_equal(get_once(opt, &c, &cause), -1);
	assert_non_null(cause);
	assert_null(c.access_key_id);
	if (want1 != NULL && strstr(cause, want1) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want1);
	if (want2 != NULL && strstr(cause, want2) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want2);
	free(cause);
}

static void
expect_key(const struct aws_creds_options *opt, const char *ak,
    const char *secret, const char *token, const char *source)
{
	struct aws_credentials c;
	char *cause = NULL;

	if (get_once(opt, &c, &cause) != 0)
		fail_msg("no credentials: %s", cause);
	assert_string_equal(c.access_key_id, ak);
	assert_string_equal(c.secret_access_key, secret);
	if (token == NULL)
		assert_null(c.session_token);
	else
		assert_string_equal(c.session_token, token);
	assert_string_equal(c.source, source);
	aws_credentials_clear(&c);
	assert_null(c.secret_access_key);
}

static void
creds_chain__nothing_anywhere__cause_lists_sources(void **state)
{
	(void)state;
	expect_fail(NULL, "environment: AWS_ACCESS_KEY_ID", NULL);
	expect_fail(NULL, "shared files: profile \"default\" not found",
	    "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	expect_fail(NULL, "imds: disabled by AWS_EC2_METADATA_DISABLED",
	    "no AWS credentials found");
}

static void
creds_chain__environment__keys_and_token(void **state)
{
	(void)state;
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	expect_key(NULL, "AKIDENV", "envsecret", NULL, "environment");
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	expect_key(NULL, "AKIDENV", "envsecret", "envtoken", "environment");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_fail(NULL, "AWS_ACCESS_KEY_ID is set but "
	    "AWS_SECRET_ACCESS_KEY is not", NULL);
}

static void
creds_chain__env_and_files__env_wins_unless_profile_named(void **state)
{
	struct aws_creds_options opt;

	(void)state;
	use_files("[profile dev]\nregion = eu-west-1\n",
	    "[default]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = filesecret\n"
	    "[dev]\naws_access_key_id = AKIDDEV\n"
	    "aws_secret_access_key = filesecret\n"
	    "aws_session_token = devtoken\n");
	expect_key(NULL, "AKIDFILE", "filesecret", NULL,
	    "shared-credentials-file");
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	expect_key(NULL, "AKIDENV", "envsecret", NULL, "environment");
	/* AWS_PROFILE does not beat the environment keys ... */
	setenv("AWS_PROFILE", "dev", 1);
	expect_key(NULL, "AKIDENV", "envsecret", NULL, "environment");
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	expect_key(NULL, "AKIDDEV", "filesecret", "devtoken",
	    "shared-credentials-file");
	/* ... an explicitly named profile does (as in botocore). */
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	memset(&opt, 0, sizeof opt);
	opt.profile = "default";
	expect_key(&opt, "AKIDFILE", "filesecret", NULL,
	    "shared-credentials-file");
	opt.profile = "missing";
	expect_fail(&opt, "profile \"missing\" not found",
	    "environment: skipped");
}

static void
creds_chain__config_file_keys__read_and_partial_named(void **state)
{
	char *cause = NULL, *want;
	struct aws_credentials c;

	(void)state;
	use_files("[default]\naws_access_key_id = AKIDCFG\n"
	    "aws_secret_access_key = cfgsecret\n"
	    "[profile half]\naws_access_key_id = AKIDHALF\n", "");
	expect_key(NULL, "AKIDCFG", "cfgsecret", NULL, "shared-config-file");
	setenv("AWS_PROFILE", "half", 1);
	assert_int_equal(get_once(NULL, &c, &cause), -1);
	want = xasprintf("%s/config:5: profile half has aws_access_key_id "
	    "but no aws_secret_access_key", tmpdir);
	assert_string_equal(cause, want);
	free(want);
	free(cause);

	/* A broken file is named with its line. */
	use_files("[default]\nregion\n", "");
	unsetenv("AWS_PROFILE");
	assert_int_equal(get_once(NULL, &c, &cause), -1);
	want = xasprintf("%s/config:2: line is not a key = value pair",
	    tmpdir);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
}

/* A credential_process script printing expiration "$(cat exp)" etc. */
static char *
process_script(const char *name, const char *body)
{
	char *text = xasprintf("#!/bin/sh\n%s\n", body), *p;

	p = write_tmp(name, text, 0700);
	free(text);
	return p;
}

static char *
iso_time(time_t t)
{
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static void
creds_chain__credential_process__success_failure_expiry(void **state)
{
	struct aws_creds_options opt;
	struct aws_credentials c;
	char *script, *cfg, *exp, *body, *cause = NULL;

	(void)state;
	memset(&opt, 0, sizeof opt);
	opt.process_timeout_ms = 5000;

	exp = iso_time(time(NULL) + 3600);
	body = xasprintf("echo 'debug noise' >&2\n"
	    "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
	    "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": "
	    "\"proctoken\", \"Expiration\": \"%s\"}'", exp);
	script = process_script("proc-ok", body);
	free(body);
	cfg = xasprintf("[default]\ncredential_process = %s --flag 'a b'\n",
	    script);
	use_files(cfg, "");
	free(cfg);
	assert_int_equal(get_once(&opt, &c, &cause), 0);
	assert_string_equal(c.access_key_id, "AKIDPROC");
	assert_string_equal(c.secret_access_key, "procsecret");
	assert_string_equal(c.session_token, "proctoken");
	assert_int_equal(c.expiration, aws_parse_iso8601(exp));
	assert_string_equal(c.source, "credential-process");
	aws_credentials_clear(&c);
	free(script);
	free(exp);

	/* Static keys in the profile win over credential_process. */
	use_files("[default]\ncredential_process = /bin/false\n",
	    "[default]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = filesecret\n");
	expect_key(&opt, "AKIDFILE", "filesecret", NULL,
	    "shared-credentials-file");

	/* Failure: status and the first stderr line, never stdout. */
	script = process_script("proc-fail", "echo '{\"SecretAccessKey\": "
	    "\"procsecret\"}'\necho 'The SSO session has expired; run aws "
	    "sso login' >&2\nexit 3");
	cfg = xasprintf("[profile sso]\ncredential_process = %s\n", script);
	use_files(cfg, "");
	free(cfg);
	opt.profile = "sso";
	expect_fail(&opt, "credential_process of profile sso exited with "
	    "status 3: The SSO session has expired", NULL);
	free(script);

	/* Expired credentials are refused. */
	exp = iso_time(time(NULL) - 60);
	body = xasprintf("printf '{\"Version\": 1, \"AccessKeyId\": "
	    "\"AKIDPROC\", \"SecretAccessKey\": \"procsecret\", "
	    "\"Expiration\": \"%s\"}'", exp);
	script = process_script("proc-expired", body);
	free(body);
	free(exp);
	cfg = xasprintf("[profile sso]\ncredential_process = %s\n", script);
	use_files(cfg, "");
	free(cfg);
	expect_fail(&opt, "credential-process expired", NULL);
	free(script);

	/* Malformed answers. */
	use_files("[profile sso]\ncredential_process = echo "
	    "'{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	    "\"procsecret\"}'\n", "");
	expect_fail(&opt, "\"Version\" must be 1", NULL);
	use_files("[profile sso]\ncredential_process = echo "
	    "'{\"Version\": 1, \"SecretAccessKey\": \"procsecret\"'\n", "");
	expect_fail(&opt, "not a JSON object", NULL);
	use_files("[profile sso]\ncredential_process = echo "
	    "'{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	    "\"procsecret\", \"Expiration\": \"soon\"}'\n", "");
	expect_fail(&opt, "malformed Expiration", NULL);

	/* A hung process is killed at the timeout. */
	use_files("[profile sso]\ncredential_process = sleep 30\n", "");
	opt.process_timeout_ms = 300;
	expect_fail(&opt, "timed out after 300 ms", NULL);
	/* Even when its children keep the pipe open. */
	use_files("[profile sso]\ncredential_process = (sleep 30 &) ; "
	    "echo '{}'\n", "");
	expect_fail(&opt, "timed out after 300 ms", NULL);
}

/* ---- STS roles through the loopback server --------------------------- */

static char *
assume_role_xml(const char *ak, time_t exp)
{
	char *iso = iso_time(exp), *xml;

	xml = xasprintf("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
	    "<AccessKeyId>%s</AccessKeyId>"
	    "<SecretAccessKey>rolesecret</SecretAccessKey>"
	    "<SessionToken>roletoken</SessionToken>"
	    "<Expiration>%s</Expiration></Credentials></AssumeRoleResult>"
	    "</AssumeRoleResponse>", ak, iso);
	free(iso);
	return xml;
}

static void
use_loopback_sts(void)
{
	char *url = xasprintf("http://127.0.0.1:%d", server.port);

	setenv("AWS_ENDPOINT_URL_STS", url, 1);
	free(url);
}

static const char *
secret_of(void *ctx, const char *ak)
{
	const char *const *pairs = ctx;

	for (; *pairs != NULL; pairs += 2)
		if (strcmp(pairs[0], ak) == 0)
			return pairs[1];
	return NULL;
}

/* Verify recorded request i as a SigV4 sts call; returns its access key. */
static char *
verify_sts_request(size_t i, const char *const *keys)
{
	static const char *names[] = {
		"Host", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token",
		"Authorization",
	};
	struct stub_request r;
	struct sigv4_header h[5];
	char *values[5], *ak = NULL, *msg = NULL, *service = NULL;
	struct sigv4_request req;
	const char *v, *code = NULL;
	size_t k, n = 0;

	assert_int_equal(stub_request_get(&server, i, &r), 0);
	for (k = 0; k < nitems(names); k++) {
		if ((v = stub_header(&r, names[k])) == NULL)
			continue;
		values[n] = xstrdup(v);
		h[n].name = names[k];
		h[n].value = values[n];
		n++;
	}
	memset(&req, 0, sizeof req);
	req.method = r.method;
	req.path = r.path;
	req.headers = h;
	req.nheaders = n;
	req.body = r.body;
	req.body_len = strlen(r.body);
	if (sigv4_verify(&req, secret_of, (void *)keys, time(NULL), 300, &ak,
	    NULL, &service, &code, &msg) != 0)
		fail_msg("STS request %zu does not verify: %s: %s", i, code,
		    msg);
	assert_string_equal(service, "sts");
	free(service);
	for (k = 0; k < n; k++)
		free(values[k]);
	return ak;
}

static void
creds_chain__role_with_source_profile__assume_role_signed_by_source(
    void **state)
{
	static const char *const keys[] = {
		"AKIDBASE", "basesecret", "ASIAROLE1", "rolesecret", NULL,
	};
	struct stub_route route = { "POST", "/", 200, NULL, NULL };
	struct stub_request r;
	struct aws_credentials c;
	char *xml, *cause = NULL, *ak;

	(void)state;
	use_loopback_sts();
	xml = assume_role_xml("ASIAROLE1", time(NULL) + 3600);
	route.body = xml;
	stub_set_routes(&server, &route, 1);
	use_files("[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
	    "source_profile = base\nexternal_id = ext-1\n"
	    "role_session_name = oncall-alice\nduration_seconds = 1800\n"
	    "region = eu-west-1\n",
	    "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	setenv("AWS_PROFILE", "ops", 1);
	assert_int_equal(get_once(NULL, &c, &cause), 0);
	assert_string_equal(c.access_key_id, "ASIAROLE1");
	assert_string_equal(c.secret_access_key, "rolesecret");
	assert_string_equal(c.session_token, "roletoken");
	assert_string_equal(c.source, "assume-role");
	assert_true(c.expiration > time(NULL));
	aws_credentials_clear(&c);

	assert_int_equal(stub_request_count(&server), 1);
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(r.body, "Action=AssumeRole&Version=2011-06-15"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fops"
	    "&RoleSessionName=oncall-alice&ExternalId=ext-1"
	    "&DurationSeconds=1800");
	assert_non_null(strstr(stub_header(&r, "Authorization"),
	    "/eu-west-1/sts/aws4_request"));
	ak = verify_sts_request(0, keys);
	assert_string_equal(ak, "AKIDBASE");
	free(ak);

	/* A chain of two roles: base -> ops -> top; two AssumeRole calls. */
	stub_set_routes(&server, &route, 1);
	use_files("[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\n"
	    "source_profile = base\n"
	    "[profile top]\nrole_arn = arn:aws:iam::1:role/top\n"
	    "source_profile = ops\n",
	    "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	setenv("AWS_PROFILE", "top", 1);
	expect_key(NULL, "ASIAROLE1", "rolesecret", "roletoken",
	    "assume-role");
	assert_int_equal(stub_request_count(&server), 2);
	ak = verify_sts_request(0, keys);
	assert_string_equal(ak, "AKIDBASE");
	free(ak);
	ak = verify_sts_request(1, keys);
	assert_string_equal(ak, "ASIAROLE1");
	free(ak);
	assert_int_equal(stub_request_get(&server, 1, &r), 0);
	assert_non_null(strstr(r.body, "role%2Ftop"));
	assert_string_equal(stub_header(&r, "X-Amz-Security-Token"),
	    "roletoken");

	/* credential_source = Environment. */
	stub_set_routes(&server, &route, 1);
	use_files("[profile envrole]\nrole_arn = arn:aws:iam::1:role/e\n"
	    "credential_source = Environment\n", "");
	setenv("AWS_PROFILE", "envrole", 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDBASE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "basesecret", 1);
	/* The environment provider comes first and wins outright ... */
	expect_key(NULL, "AKIDBASE", "basesecret", NULL, "environment");
	/* ... unless the profile is named explicitly. */
	{
		struct aws_creds_options opt;

		memset(&opt, 0, sizeof opt);
		opt.profile = "envrole";
		expect_key(&opt, "ASIAROLE1", "rolesecret", "roletoken",
		    "assume-role");
	}
	ak = verify_sts_request(0, keys);
	assert_string_equal(ak, "AKIDBASE");
	free(ak);
	free(xml);
}

static void
creds_chain__role_profiles_broken__clear_errors(void **state)
{
	struct stub_route denied = { "POST", "/", 403, NULL,
	    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied"
	    "</Code><Message>not authorized to perform: sts:AssumeRole"
	    "</Message></Error><RequestId>rid-9</RequestId></ErrorResponse>" };
	struct aws_creds_options opt;

	(void)state;
	use_loopback_sts();
	memset(&opt, 0, sizeof opt);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = b\n"
	    "[profile b]\nrole_arn = arn:aws:iam::1:role/b\n"
	    "source_profile = a\n", "");
	opt.profile = "a";
	expect_fail(&opt, "source_profile loop: a -> b -> a", NULL);

	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n", "");
	expect_fail(&opt, "neither source_profile nor credential_source",
	    "config:2");
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = nobody\n", "");
	expect_fail(&opt, "source_profile nobody of profile a has no "
	    "credentials", NULL);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "credential_source = Ec2InstanceMetadata\n", "");
	expect_fail(&opt, "credential_source Ec2InstanceMetadata gave no "
	    "credentials (imds: disabled by AWS_EC2_METADATA_DISABLED)", NULL);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "credential_source = Magic\n", "");
	expect_fail(&opt, "unknown credential_source \"Magic\"", NULL);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = a\n", "");
	expect_fail(&opt, "is its own source_profile but has no static keys",
	    NULL);

	/* STS says no: the typed error comes through, secret-free. */
	stub_set_routes(&server, &denied, 1);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = a\nduration_seconds = 7200\n",
	    "[a]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	expect_fail(&opt, "AssumeRole arn:aws:iam::1:role/a", "AccessDenied");
	assert_int_equal(stub_request_count(&server), 1);
	use_files("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
	    "source_profile = a\nduration_seconds = 60\n",
	    "[a]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	expect_fail(&opt, "duration_seconds must be 900..43200", NULL);
}

static void
creds_options__role_arn__assumed_on_top_of_chain(void **state)
{
	static const char *const keys[] = {
		"AKIDENV", "envsecret", NULL,
	};
	struct stub_route route = { "POST", "/", 200, NULL, NULL };
	struct aws_creds_options opt;
	struct stub_request r;
	char *xml, *ak;

	(void)state;
	use_loopback_sts();
	xml = assume_role_xml("ASIATOP", time(NULL) + 3600);
	route.body = xml;
	stub_set_routes(&server, &route, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	memset(&opt, 0, sizeof opt);
	opt.role_arn = "arn:aws:iam::999:role/deploy";
	opt.external_id = "momentum";
	opt.role_session_name = "console";
	opt.region = "ap-southeast-2";
	expect_key(&opt, "ASIATOP", "rolesecret", "roletoken", "assume-role");
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(r.body, "Action=AssumeRole&Version=2011-06-15"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A999%3Arole%2Fdeploy"
	    "&RoleSessionName=console&ExternalId=momentum");
	assert_non_null(strstr(stub_header(&r, "Authorization"),
	    "/ap-southeast-2/sts/aws4_request"));
	ak = verify_sts_request(0, keys);
	assert_string_equal(ak, "AKIDENV");
	free(ak);

	/* An explicit STS endpoint (the client's) beats the variables. */
	{
		char *url = xasprintf("http://127.0.0.1:%d/sts/", server.port);
		struct stub_route at_path = { "POST", "/sts/", 200, NULL,
		    NULL };

		at_path.body = xml;
		stub_set_routes(&server, &at_path, 1);
		setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1", 1);
		opt.sts_endpoint = url;
		expect_key(&opt, "ASIATOP", "rolesecret", "roletoken",
		    "assume-role");
		assert_int_equal(stub_request_get(&server, 0, &r), 0);
		assert_string_equal(r.path, "/sts/");
		ak = verify_sts_request(0, keys);
		free(ak);
		free(url);
	}
	free(xml);
}

/* ---- container and IMDS ---------------------------------------------- */

static char *
creds_json(const char *ak, const char *secret, const char *token)
{
	char *exp = iso_time(time(NULL) + 7200), *j;

	j = xasprintf("{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", "
	    "\"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\", "
	    "\"Token\": \"%s\", \"Expiration\": \"%s\"}", ak, secret, token,
	    exp);
	free(exp);
	return j;
}

static void
creds_chain__container__full_uri_with_token(void **state)
{
	static const char *const refused[] = {
		"http://example.com/creds", "http://user@127.0.0.1/creds",
		"http://127.0.0.1:80@evil.example/creds",
		"http://localhost:1@evil.example/creds",
		"http://127.evil.example/creds", "http://169.254.170.3/creds",
		"http://[::2]/creds", "ftp://127.0.0.1/c",
	};
	struct stub_route route = { "GET", "/v2/credentials/abc", 200,
	    "Content-Type: application/json\r\n", NULL };
	struct stub_request r;
	char *json, *url, *tokfile;
	size_t i;

	(void)state;
	json = creds_json("ASIACTR", "ctrsecret", "ctrtoken");
	route.body = json;
	stub_set_routes(&server, &route, 1);
	url = xasprintf("http://127.0.0.1:%d/v2/credentials/abc", server.port);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "authtoken-xyz", 1);
	expect_key(NULL, "ASIACTR", "ctrsecret", "ctrtoken", "container");
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(stub_header(&r, "Authorization"), "authtoken-xyz");

	/* The token file wins over the variable. */
	tokfile = write_tmp("ctr-token", "authtoken-fromfile\n", 0600);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
	stub_set_routes(&server, &route, 1);
	expect_key(NULL, "ASIACTR", "ctrsecret", "ctrtoken", "container");
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(stub_header(&r, "Authorization"),
	    "authtoken-fromfile");
	free(tokfile);

	/* A failing endpoint falls through, with its reason listed. */
	stub_set_routes(&server, NULL, 0);
	expect_fail(NULL, "container: ", "answered HTTP 404");

	/*
	 * Plain http to anything but loopback/ECS is refused, unasked; the
	 * URL is parsed as libcurl connects, so none of these is loopback.
	 */
	for (i = 0; i < nitems(refused); i++) {
		setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused[i], 1);
		expect_fail(NULL, "must be https:// or http:// to a loopback",
		    NULL);
	}

	/*
	 * Never through a proxy (as botocore): with a proxy that answers
	 * nothing, the credentials still come straight from the endpoint.
	 */
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("http_proxy", "http://127.0.0.2:9", 1);
	setenv("HTTP_PROXY", "http://127.0.0.2:9", 1);
	setenv("ALL_PROXY", "http://127.0.0.2:9", 1);
	setenv("NO_PROXY", "", 1);
	setenv("no_proxy", "", 1);
	stub_set_routes(&server, &route, 1);
	expect_key(NULL, "ASIACTR", "ctrsecret", "ctrtoken", "container");
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("ALL_PROXY");
	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	free(url);
	free(json);
}

static void
creds_chain__imdsv2__token_then_role(void **state)
{
	struct stub_route routes[3] = {
		{ "PUT", "/latest/api/token", 200, NULL, "imds-session-tok" },
		{ "GET", "/latest/meta-data/iam/security-credentials/", 200,
		    NULL, "momentum-node-role\n" },
		{ "GET", "/latest/meta-data/iam/security-credentials/"
		    "momentum-node-role", 200, NULL, NULL },
	};
	struct stub_request r;
	char *json, *url;
	size_t i;

	(void)state;
	json = creds_json("ASIAIMDS", "imdssecret", "imdstoken");
	routes[2].body = json;
	stub_set_routes(&server, routes, 3);
	url = xasprintf("http://127.0.0.1:%d/", server.port);
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url, 1);

	/* Disabled: not a single request. */
	expect_fail(NULL, "imds: disabled", NULL);
	assert_int_equal(stub_request_count(&server), 0);

	unsetenv("AWS_EC2_METADATA_DISABLED");
	expect_key(NULL, "ASIAIMDS", "imdssecret", "imdstoken", "imds");
	assert_int_equal(stub_request_count(&server), 3);
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(stub_header(&r,
	    "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
	for (i = 1; i < 3; i++) {
		assert_int_equal(stub_request_get(&server, i, &r), 0);
		assert_string_equal(r.method, "GET");
		assert_string_equal(stub_header(&r,
		    "X-aws-ec2-metadata-token"), "imds-session-tok");
	}

	/* No role attached. */
	routes[1].status = 404;
	stub_set_routes(&server, routes, 3);
	expect_fail(NULL, "imds: no IAM role is attached", NULL);

	/* Token refused with 405: IMDSv1 fallback, unless v1 is disabled. */
	routes[0].status = 405;
	routes[1].status = 200;
	stub_set_routes(&server, routes, 3);
	expect_key(NULL, "ASIAIMDS", "imdssecret", "imdstoken", "imds");
	assert_int_equal(stub_request_get(&server, 1, &r), 0);
	assert_null(stub_header(&r, "X-aws-ec2-metadata-token"));
	setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
	expect_fail(NULL, "imds: token request to http://127.0.0.1:",
	    "answered HTTP 405");
	free(url);
	free(json);
}

/* ---- the cache ------------------------------------------------------- */

/* The injected clock: seconds since the epoch, set by the test. */
static atomic_llong fake_now;

static time_t
fake_clock(void)
{
	return (time_t)atomic_load(&fake_now);
}

struct getter {
	struct aws_creds_provider *p;
	int n;
	int failures;
	int stale;		/* credentials already expired when handed out */
	char last_ak[64];
};

static void *
getter_main(void *arg)
{
	struct getter *g = arg;
	struct aws_credentials c;
	char *cause;
	int i;

	for (i = 0; i < g->n; i++) {
		if (aws_creds_get(g->p, &c, &cause) != 0) {
			g->failures++;
			free(cause);
			continue;
		}
		if (c.expiration != 0 && c.expiration <= fake_clock())
			g->stale++;
		snprintf(g->last_ak, sizeof g->last_ak, "%s", c.access_key_id);
		aws_credentials_clear(&c);
	}
	return NULL;
}

static int
count_lines(const char *path)
{
	char *text = read_file(path, NULL, NULL), *p;
	int n = 0;

	if (text == NULL)
		return 0;
	for (p = text; *p != '\0'; p++)
		n += *p == '\n';
	free(text);
	return n;
}

static void
run_getters(struct aws_creds_provider *p, struct getter *g, size_t n,
    int per_thread)
{
	pthread_t th[16];
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&g[i], 0, sizeof g[i]);
		g[i].p = p;
		g[i].n = per_thread;
		assert_int_equal(pthread_create(&th[i], NULL, getter_main,
		    &g[i]), 0);
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static void
set_expiration(const char *path, time_t t)
{
	char *iso = iso_time(t), *p;

	p = write_tmp(path, iso, 0600);
	free(p);
	free(iso);
}

static void
creds_cache__many_threads__one_refresh_before_expiry(void **state)
{
	struct aws_creds_options opt;
	struct aws_creds_provider *p;
	struct getter g[8];
	char *script, *cfg, *count, *expfile, *body, *lock;
	time_t t0 = time(NULL);
	size_t i;

	(void)state;
	count = tmp_path("refresh-count");
	expfile = tmp_path("refresh-exp");
	lock = tmp_path("refresh-lock");
	unlink(count);
	/*
	 * Each run appends a line (its generation) and fails loudly if
	 * another run is in progress: mkdir is atomic.
	 */
	body = xasprintf("mkdir '%s' 2>/dev/null || { echo OVERLAP >> '%s'; "
	    "exit 1; }\n"
	    "echo run >> '%s'\nn=$(wc -l < '%s' | tr -d ' ')\nsleep 0.05\n"
	    "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDGEN%%s\", "
	    "\"SecretAccessKey\": \"procsecret\", \"Expiration\": \"%%s\"}' "
	    "\"$n\" \"$(cat '%s')\"\nrmdir '%s'", lock, count, count, count,
	    expfile, lock);
	script = process_script("refresh-proc", body);
	free(body);
	cfg = xasprintf("[default]\ncredential_process = %s\n", script);
	use_files(cfg, "");
	free(cfg);

	memset(&opt, 0, sizeof opt);
	opt.clock = fake_clock;
	opt.process_timeout_ms = 10000;
	atomic_store(&fake_now, (long long)t0);
	set_expiration("refresh-exp", t0 + 3600);
	p = aws_creds_provider_new(&opt);

	/* Cold cache, 8 threads at once: exactly one run. */
	run_getters(p, g, 8, 50);
	assert_int_equal(count_lines(count), 1);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g[i].failures, 0);
		assert_string_equal(g[i].last_ak, "AKIDGEN1");
	}

	/* Ten minutes before expiry: still cached. */
	atomic_store(&fake_now, (long long)(t0 + 3600 - 600));
	set_expiration("refresh-exp", t0 + 7200);
	run_getters(p, g, 8, 50);
	assert_int_equal(count_lines(count), 1);

	/*
	 * Four minutes before expiry: one refresh, while the others keep
	 * using the old (still valid) credentials.
	 */
	atomic_store(&fake_now, (long long)(t0 + 3600 - 240));
	run_getters(p, g, 8, 50);
	assert_int_equal(count_lines(count), 2);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g[i].failures, 0);
		assert_int_equal(g[i].stale, 0);
		/* Old or new, depending on when the refresh finished. */
		assert_true(strcmp(g[i].last_ak, "AKIDGEN1") == 0 ||
		    strcmp(g[i].last_ak, "AKIDGEN2") == 0);
	}
	/* Afterwards everyone gets the new ones, without another run. */
	run_getters(p, g, 8, 5);
	assert_int_equal(count_lines(count), 2);
	for (i = 0; i < 8; i++)
		assert_string_equal(g[i].last_ak, "AKIDGEN2");

	/* Past expiry: everybody waits for the one refresh, none stale. */
	atomic_store(&fake_now, (long long)(t0 + 7200 + 1));
	set_expiration("refresh-exp", t0 + 20000);
	run_getters(p, g, 8, 20);
	assert_int_equal(count_lines(count), 3);
	for (i = 0; i < 8; i++) {
		assert_int_equal(g[i].failures, 0);
		assert_int_equal(g[i].stale, 0);
		assert_string_equal(g[i].last_ak, "AKIDGEN3");
	}

	/* invalidate() forces the next get to refresh. */
	aws_creds_invalidate(p);
	run_getters(p, g, 4, 5);
	assert_int_equal(count_lines(count), 4);
	aws_creds_provider_free(p);

	/* No overlap was ever recorded. */
	{
		char *text = read_file(count, NULL, NULL);

		assert_non_null(text);
		assert_null(strstr(text, "OVERLAP"));
		free(text);
	}
	unlink(count);
	unlink(expfile);
	free(count);
	free(expfile);
	free(lock);
	free(script);
}

static void
creds_cache__refresh_fails__old_kept_until_expiry(void **state)
{
	struct aws_creds_options opt;
	struct aws_creds_provider *p;
	struct aws_credentials c;
	char *script, *cfg, *cause = NULL, *body, *expfile, *flag;
	time_t t0 = time(NULL);

	(void)state;
	expfile = tmp_path("fail-exp");
	flag = tmp_path("fail-flag");
	unlink(flag);
	body = xasprintf("[ -e '%s' ] && { echo 'broken on purpose' >&2; "
	    "exit 1; }\nprintf '{\"Version\": 1, \"AccessKeyId\": \"AKIDOK\", "
	    "\"SecretAccessKey\": \"procsecret\", \"Expiration\": \"%%s\"}' "
	    "\"$(cat '%s')\"", flag, expfile);
	script = process_script("fail-proc", body);
	free(body);
	cfg = xasprintf("[default]\ncredential_process = %s\n", script);
	use_files(cfg, "");
	free(cfg);
	set_expiration("fail-exp", t0 + 3600);
	memset(&opt, 0, sizeof opt);
	opt.clock = fake_clock;
	atomic_store(&fake_now, (long long)t0);
	p = aws_creds_provider_new(&opt);
	assert_int_equal(aws_creds_get(p, &c, &cause), 0);
	aws_credentials_clear(&c);

	/* In the refresh window the process breaks: old keys still served. */
	free(write_tmp("fail-flag", "", 0600));
	atomic_store(&fake_now, (long long)(t0 + 3600 - 100));
	assert_int_equal(aws_creds_get(p, &c, &cause), 0);
	assert_string_equal(c.access_key_id, "AKIDOK");
	aws_credentials_clear(&c);
	/* Once expired: the error, with the process's own words. */
	atomic_store(&fake_now, (long long)(t0 + 3600 + 1));
	assert_int_equal(aws_creds_get(p, &c, &cause), -1);
	assert_non_null(strstr(cause, "broken on purpose"));
	assert_no_secrets(cause);
	free(cause);

	/*
	 * Fixed again, but the failure is remembered for a few seconds so
	 * a broken chain is not rerun on every call; invalidate() or time
	 * ends that.
	 */
	unlink(flag);
	set_expiration("fail-exp", t0 + 9999);
	atomic_store(&fake_now, (long long)(t0 + 3600 + 5));
	assert_int_equal(aws_creds_get(p, &c, &cause), -1);
	assert_non_null(strstr(cause, "broken on purpose"));
	free(cause);
	atomic_store(&fake_now, (long long)(t0 + 3600 + 12));
	assert_int_equal(aws_creds_get(p, &c, &cause), 0);
	assert_int_equal(c.expiration, t0 + 9999);
	aws_credentials_clear(&c);
	free(write_tmp("fail-flag", "", 0600));
	aws_creds_invalidate(p);
	assert_int_equal(aws_creds_get(p, &c, &cause), -1);
	free(cause);
	unlink(flag);
	assert_int_equal(aws_creds_get(p, &c, &cause), -1);	/* remembered */
	free(cause);
	aws_creds_invalidate(p);
	assert_int_equal(aws_creds_get(p, &c, &cause), 0);
	aws_credentials_clear(&c);
	aws_creds_provider_free(p);
	unlink(flag);
	free(flag);
	free(expfile);
	free(script);
}

static void
credentials_copy_clear__roundtrip__deep_and_wiped(void **state)
{
	struct aws_credentials a, b;

	(void)state;
	memset(&a, 0, sizeof a);
	a.access_key_id = xstrdup("AK");
	a.secret_access_key = xstrdup("SK");
	a.expiration = 42;
	a.source = "environment";
	aws_credentials_copy(&b, &a);
	assert_ptr_not_equal(a.secret_access_key, b.secret_access_key);
	assert_string_equal(b.secret_access_key, "SK");
	assert_null(b.session_token);
	assert_int_equal(b.expiration, 42);
	aws_credentials_clear(&a);
	aws_credentials_clear(&b);
	aws_credentials_clear(&b);
	aws_credentials_clear(NULL);
	assert_null(b.access_key_id);
	aws_creds_provider_free(NULL);
	aws_creds_invalidate(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(creds_chain__nothing_anywhere__cause_lists_sources, setup),
		cmocka_unit_test_setup(creds_chain__environment__keys_and_token, setup),
		cmocka_unit_test_setup(creds_chain__env_and_files__env_wins_unless_profile_named, setup),
		cmocka_unit_test_setup(creds_chain__config_file_keys__read_and_partial_named, setup),
		cmocka_unit_test_setup(creds_chain__credential_process__success_failure_expiry, setup),
		cmocka_unit_test_setup(creds_chain__role_with_source_profile__assume_role_signed_by_source, setup),
		cmocka_unit_test_setup(creds_chain__role_profiles_broken__clear_errors, setup),
		cmocka_unit_test_setup(creds_options__role_arn__assumed_on_top_of_chain, setup),
		cmocka_unit_test_setup(creds_chain__container__full_uri_with_token, setup),
		cmocka_unit_test_setup(creds_chain__imdsv2__token_then_role, setup),
		cmocka_unit_test_setup(creds_cache__many_threads__one_refresh_before_expiry, setup),
		cmocka_unit_test_setup(creds_cache__refresh_fails__old_kept_until_expiry, setup),
		cmocka_unit_test(credentials_copy_clear__roundtrip__deep_and_wiped),
	};
	char *cmd;
	int rc;

	http_global_init();
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	if (stub_start(&server) != 0) {
		fprintf(stderr, "cannot start the loopback server\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("credentials", tests, NULL, NULL);
	stub_stop(&server);
	http_thread_cleanup();
	http_global_cleanup();
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	return rc;
}
