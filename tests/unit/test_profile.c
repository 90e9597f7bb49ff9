/* Shared config/credentials files: parsing, profiles, bad lines, region. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/profile.h"
#include "util/util.h"

#define DATA_DIR MOMENTUM_SOURCE_DIR "/tests/data/aws"

static char tmpdir[] = "/tmp/momentum-profile-XXXXXX";

static const char *const env_vars[] = {
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE",
	"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "HOME",
};

static char *
data_file(const char *name)
{
	char *path = xasprintf("%s/%s", DATA_DIR, name), *text;

	text = read_file(path, NULL, NULL);
	if (text == NULL)
		fail_msg("cannot read %s", path);
	free(path);
	return text;
}

static char *
write_tmp(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static int
setup(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nitems(env_vars); i++)
		unsetenv(env_vars[i]);
	setenv("HOME", tmpdir, 1);
	return 0;
}

static struct aws_profile_file *
parse_ok(const char *name, bool is_config)
{
	struct aws_profile_file *f;
	char *text = data_file(name), *cause = NULL;

	f = aws_profile_file_parse(name, text, is_config, &cause);
	if (f == NULL)
		fail_msg("parse %s: %s", name, cause);
	assert_null(cause);
	free(text);
	return f;
}

static void
profile_file_parse__config_file__profiles_comments_spacing(void **state)
{
	struct aws_profile_file *f = parse_ok("config-basic", true);

	(void)state;
	/* [default] and [profile x]; [profile default] wins over [default]. */
	assert_true(aws_profile_file_has(f, "default"));
	assert_string_equal(aws_profile_file_get(f, "default", "region"),
	    "us-east-1");
	assert_string_equal(aws_profile_file_get(f, "default", "output"),
	    "text");
	/* Odd spacing, upper-case key, inline comment after whitespace. */
	assert_string_equal(aws_profile_file_get(f, "dev", "region"),
	    "eu-west-1");
	/* ';' without whitespace before it is part of the value. */
	assert_string_equal(aws_profile_file_get(f, "dev", "role_arn"),
	    "arn:aws:iam::111122223333:role/dev;not-a-comment");
	assert_string_equal(aws_profile_file_get(f, "dev", "source_profile"),
	    "base");
	/* Continuation lines. */
	assert_string_equal(aws_profile_file_get(f, "dev", "note"),
	    "first line\nsecond line\nthird line");
	/* Sub-section, with an inline comment stripped. */
	assert_string_equal(aws_profile_file_get(f, "dev",
	    "s3.max_concurrent_requests"), "10");
	assert_string_equal(aws_profile_file_get(f, "dev",
	    "s3.addressing_style"), "path");
	assert_string_equal(aws_profile_file_get(f, "dev", "s3"), "");
	assert_string_equal(aws_profile_file_get(f, "dev", "cli_pager"), "");
	/* A repeated section adds to the first. */
	assert_string_equal(aws_profile_file_get(f, "dev", "output"), "yaml");
	/* [legacy] without "profile " is not a profile in the config file. */
	assert_false(aws_profile_file_has(f, "legacy"));
	assert_null(aws_profile_file_get(f, "legacy", "region"));
	/* Neither are sso-session nor services sections. */
	assert_false(aws_profile_file_has(f, "corp"));
	assert_false(aws_profile_file_has(f, "dev-endpoints"));
	assert_null(aws_profile_file_get(f, "nope", "region"));
	assert_null(aws_profile_file_get(f, "dev", "nope"));
	aws_profile_file_free(f);
}

static void
profile_file_parse__credentials_file__plain_names_no_inline_comments(
    void **state)
{
	struct aws_profile_file *f = parse_ok("credentials-basic", false);

	(void)state;
	/* CRLF line ends, '#' and ';' inside a secret. */
	assert_string_equal(aws_profile_file_get(f, "default",
	    "aws_secret_access_key"), "default/secret#with;chars");
	assert_string_equal(aws_profile_file_get(f, "dev",
	    "aws_access_key_id"), "AKIDDEV");
	assert_string_equal(aws_profile_file_get(f, "dev",
	    "aws_secret_access_key"), "devsecret # not a comment here");
	assert_string_equal(aws_profile_file_get(f, "base",
	    "aws_session_token"), "basetoken");
	/* In the credentials file [profile x] is a profile named "profile x". */
	assert_true(aws_profile_file_has(f, "profile weird"));
	assert_false(aws_profile_file_has(f, "weird"));
	aws_profile_file_free(f);
}

static void
expect_bad(const char *text, bool is_config, const char *want)
{
	struct aws_profile_file *f;
	char *cause = NULL;

	f = aws_profile_file_parse("/home/u/.aws/config", text, is_config,
	    &cause);
	assert_null(f);
	assert_non_null(cause);
	if (strcmp(cause, want) != 0)
		fail_msg("want \"%s\", got \"%s\"", want, cause);
	free(cause);
}

static void
profile_file_parse__bad_lines__path_and_line(void **state)
{
	(void)state;
	expect_bad("[default]\nregion = x\nthis is not a pair\n", true,
	    "/home/u/.aws/config:3: line is not a key = value pair");
	expect_bad("# c\n[profile x\nregion = x\n", true,
	    "/home/u/.aws/config:2: section header has no closing ']'");
	expect_bad("\n\nregion = x\n[default]\n", true,
	    "/home/u/.aws/config:3: key = value pair before any [section]");
	expect_bad("[default]\n= value\n", false,
	    "/home/u/.aws/config:2: line is not a key = value pair");
	expect_bad("[default]\nkey with space = value\n", true,
	    "/home/u/.aws/config:2: line is not a key = value pair");
	expect_bad("[]\n", false,
	    "/home/u/.aws/config:1: empty section name");
	expect_bad("[profile   ]\n", true,
	    "/home/u/.aws/config:1: bad section name");
	expect_bad("[default] junk\n", true,
	    "/home/u/.aws/config:1: text after a section header");
	expect_bad("[default]\ns3 =\n  not a pair\n", true,
	    "/home/u/.aws/config:3: sub-section line is not a key = value "
	    "pair");
	expect_bad("[default]\r\nok = 1\r\n\r\nbroken\r\n", false,
	    "/home/u/.aws/config:4: line is not a key = value pair");
}

static void
profile_file_parse__edge_syntax__accepted(void **state)
{
	struct aws_profile_file *f;
	char *cause = NULL;

	(void)state;
	f = aws_profile_file_parse("x", "\xef\xbb\xbf[default] ; c\n"
	    "  indented_first = 1\n"
	    "\t; indented comment\n"
	    "k=v=w\n"
	    "empty=\n"
	    "url = http://h/#frag\n"
	    "[profile\tp]\n"
	    "region=r\n", true, &cause);
	assert_non_null(f);
	assert_string_equal(aws_profile_file_get(f, "default",
	    "indented_first"), "1");
	assert_string_equal(aws_profile_file_get(f, "default", "k"), "v=w");
	assert_string_equal(aws_profile_file_get(f, "default", "empty"), "");
	assert_string_equal(aws_profile_file_get(f, "default", "url"),
	    "http://h/#frag");
	assert_string_equal(aws_profile_file_get(f, "p", "region"), "r");
	aws_profile_file_free(f);

	f = aws_profile_file_parse("x", "", true, &cause);
	assert_non_null(f);
	assert_false(aws_profile_file_has(f, "default"));
	aws_profile_file_free(f);
}

static void
use_data_files(void)
{
	char *cfg = xasprintf("%s/config-basic", DATA_DIR);
	char *creds = xasprintf("%s/credentials-basic", DATA_DIR);

	setenv("AWS_CONFIG_FILE", cfg, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
	free(cfg);
	free(creds);
}

static void
profile_load__both_files__merged_credentials_win(void **state)
{
	struct aws_profile *p;
	char *cause = NULL, *want;

	(void)state;
	use_data_files();
	p = aws_profile_load("dev", &cause);
	assert_non_null(p);
	assert_null(cause);
	assert_string_equal(aws_profile_name(p), "dev");
	/* credentials-file keys win over config-file ones. */
	assert_string_equal(aws_profile_get(p, "region"), "eu-central-1");
	assert_string_equal(aws_profile_get(p, "aws_access_key_id"),
	    "AKIDDEV");
	assert_string_equal(aws_profile_get(p, "source_profile"), "base");
	assert_string_equal(aws_profile_get(p, "s3.max_concurrent_requests"),
	    "10");
	/* The services section, exposed per service. */
	assert_string_equal(aws_profile_get(p,
	    "services.cloudwatch.endpoint_url"), "http://127.0.0.1:4566");
	assert_string_equal(aws_profile_get(p, "services.logs.endpoint_url"),
	    "http://127.0.0.1:4567");
	want = xasprintf("%s/credentials-basic:6", DATA_DIR);
	assert_string_equal(aws_profile_where(p, "aws_access_key_id"), want);
	free(want);
	want = xasprintf("%s/config-basic:11", DATA_DIR);
	assert_string_equal(aws_profile_where(p, "source_profile"), want);
	free(want);
	assert_null(aws_profile_get(p, "nope"));
	assert_null(aws_profile_where(p, "nope"));
	assert_true(aws_profile_in_credentials_file(p, "aws_access_key_id"));
	assert_true(aws_profile_in_credentials_file(p, "region"));
	assert_false(aws_profile_in_credentials_file(p, "source_profile"));
	assert_false(aws_profile_in_credentials_file(p, "nope"));
	aws_profile_free(p);

	/* Only in the credentials file. */
	p = aws_profile_load("base", &cause);
	assert_non_null(p);
	assert_string_equal(aws_profile_get(p, "aws_session_token"),
	    "basetoken");
	assert_string_equal(aws_profile_get(p, "region"), "us-west-2");
	aws_profile_free(p);
}

static void
profile_load__name_from_env__aws_profile(void **state)
{
	struct aws_profile *p;
	char *cause = NULL;

	(void)state;
	use_data_files();
	p = aws_profile_load(NULL, &cause);
	assert_non_null(p);
	assert_string_equal(aws_profile_name(p), "default");
	assert_string_equal(aws_profile_get(p, "output"), "text");
	assert_string_equal(aws_profile_get(p, "aws_access_key_id"),
	    "AKIDDEFAULT");
	aws_profile_free(p);

	setenv("AWS_DEFAULT_PROFILE", "base", 1);
	p = aws_profile_load(NULL, &cause);
	assert_string_equal(aws_profile_name(p), "base");
	aws_profile_free(p);
	setenv("AWS_PROFILE", "dev", 1);
	p = aws_profile_load(NULL, &cause);
	assert_string_equal(aws_profile_name(p), "dev");
	aws_profile_free(p);
}

static void
profile_load__missing_profile_or_files__null_without_cause(void **state)
{
	struct aws_profile *p;
	char *cause = NULL;

	(void)state;
	use_data_files();
	p = aws_profile_load("nobody", &cause);
	assert_null(p);
	assert_null(cause);
	/* [legacy] in the config file is not a profile. */
	p = aws_profile_load("legacy", &cause);
	assert_null(p);
	assert_null(cause);

	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	p = aws_profile_load(NULL, &cause);
	assert_null(p);
	assert_null(cause);
}

static void
profile_load__broken_file__names_file_and_line(void **state)
{
	struct aws_profile *p;
	char *cause = NULL, *cfg, *want;

	(void)state;
	use_data_files();
	cfg = write_tmp("broken-config", "[default]\nregion = x\n\n"
	    "[profile dev]\nregion\n");
	setenv("AWS_CONFIG_FILE", cfg, 1);
	p = aws_profile_load("default", &cause);
	assert_null(p);
	want = xasprintf("%s:5: line is not a key = value pair", cfg);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	unlink(cfg);
	free(cfg);

	/* The credentials file too, and the secret is not in the message. */
	cfg = write_tmp("broken-credentials", "[default]\n"
	    "aws_secret_access_key SUPERSECRET\n");
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", cfg, 1);
	p = aws_profile_load("default", &cause);
	assert_null(p);
	assert_non_null(cause);
	want = xasprintf("%s:2: line is not a key = value pair", cfg);
	assert_string_equal(cause, want);
	assert_null(strstr(cause, "SUPERSECRET"));
	free(want);
	free(cause);
	unlink(cfg);
	free(cfg);
}

static void
profile_load__home_default_paths__read(void **state)
{
	struct aws_profile *p;
	char *dir, *path, *cause = NULL;

	(void)state;
	dir = xasprintf("%s/.aws", tmpdir);
	mkdir(dir, 0700);
	path = write_tmp(".aws/config", "[profile home]\nregion = sa-east-1\n");
	free(path);
	path = write_tmp(".aws/credentials", "[home]\naws_access_key_id = H\n");
	free(path);
	p = aws_profile_load("home", &cause);
	assert_non_null(p);
	assert_string_equal(aws_profile_get(p, "region"), "sa-east-1");
	assert_string_equal(aws_profile_get(p, "aws_access_key_id"), "H");
	aws_profile_free(p);

	/* "~/" in the variables means $HOME. */
	path = write_tmp("alt-config", "[profile alt]\nregion = af-south-1\n");
	setenv("AWS_CONFIG_FILE", "~/alt-config", 1);
	p = aws_profile_load("alt", &cause);
	assert_non_null(p);
	assert_string_equal(aws_profile_get(p, "region"), "af-south-1");
	aws_profile_free(p);
	unlink(path);
	free(path);
	path = xasprintf("%s/config", dir);
	unlink(path);
	free(path);
	path = xasprintf("%s/credentials", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static void
region_resolve__env_then_profile__aws_order(void **state)
{
	struct aws_profile *p;
	char *cause = NULL, *r;

	(void)state;
	use_data_files();
	p = aws_profile_load("base", &cause);
	r = aws_region_resolve(p);
	assert_string_equal(r, "us-west-2");
	free(r);
	setenv("AWS_DEFAULT_REGION", "eu-north-1", 1);
	r = aws_region_resolve(p);
	assert_string_equal(r, "eu-north-1");
	free(r);
	setenv("AWS_REGION", "ca-central-1", 1);
	r = aws_region_resolve(p);
	assert_string_equal(r, "ca-central-1");
	free(r);
	unsetenv("AWS_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	assert_null(aws_region_resolve(NULL));
	aws_profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(profile_file_parse__config_file__profiles_comments_spacing, setup),
		cmocka_unit_test_setup(profile_file_parse__credentials_file__plain_names_no_inline_comments, setup),
		cmocka_unit_test_setup(profile_file_parse__bad_lines__path_and_line, setup),
		cmocka_unit_test_setup(profile_file_parse__edge_syntax__accepted, setup),
		cmocka_unit_test_setup(profile_load__both_files__merged_credentials_win, setup),
		cmocka_unit_test_setup(profile_load__name_from_env__aws_profile, setup),
		cmocka_unit_test_setup(profile_load__missing_profile_or_files__null_without_cause, setup),
		cmocka_unit_test_setup(profile_load__broken_file__names_file_and_line, setup),
		cmocka_unit_test_setup(profile_load__home_default_paths__read, setup),
		cmocka_unit_test_setup(region_resolve__env_then_profile__aws_order, setup),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	rc = cmocka_run_group_tests_name("profile", tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}
