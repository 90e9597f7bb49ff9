/* STS AssumeRole: XML parsing, error XML, and the signed query request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "aws/sts.h"
#include "util/util.h"

#include "loopback_httpd.h"

#define DATA_DIR MOMENTUM_SOURCE_DIR "/tests/data/aws"

static struct stub_httpd server;

static char *
data_file(const char *name, size_t *len)
{
	char *path = xasprintf("%s/%s", DATA_DIR, name), *text;

	text = read_file(path, len, NULL);
	if (text == NULL)
		fail_msg("cannot read %s", path);
	free(path);
	return text;
}

static void
check_xml(const char *xml, const char *tag, const char *want)
{
	char *got = xml_find_text(xml, strlen(xml), tag);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
xml_find_text__tags_and_entities__decoded(void **state)
{
	(void)state;
	check_xml("<a><b>x &amp; y</b></a>", "b", "x & y");
	check_xml("<m>&lt;tag&gt; &quot;q&quot; &apos;s&apos;</m>", "m",
	    "<tag> \"q\" 's'");
	check_xml("<m>&#65;&#x42;&bogus; & &#;</m>", "m", "AB&bogus; & &#;");
	check_xml("<CodeX>no</CodeX><Code>yes</Code>", "Code", "yes");
	check_xml("<Code attr=\"1\">attrs</Code>", "Code", "attrs");
	check_xml("<Empty/><Empty>later</Empty>", "Empty", "");
	check_xml("<a>unclosed", "a", NULL);
	check_xml("<a>x</a>", "b", NULL);
	check_xml("", "a", NULL);
	check_xml("<", "a", NULL);
	check_xml("<a", "a", NULL);
	/* Length bounds the search: no reading past len. */
	assert_null(xml_find_text("<a>x</a>", 5, "a"));
}

static void
sts_parse_assume_role__canned_response__credentials(void **state)
{
	struct aws_credentials c;
	char *xml, *cause = NULL;
	size_t len;

	(void)state;
	xml = data_file("sts-assume-role-ok.xml", &len);
	assert_int_equal(sts_parse_assume_role(xml, len, &c, &cause), 0);
	assert_null(cause);
	assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(c.secret_access_key,
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY&more");
	assert_true(str_starts_with(c.session_token, "AQoDYXdzEPT//"));
	assert_int_equal(c.expiration, 1573306481);	/* 2019-11-09T13:34:41Z */
	assert_string_equal(c.source, "assume-role");
	aws_credentials_clear(&c);
	assert_null(c.access_key_id);
	free(xml);
}

static void
sts_parse_assume_role__bad_bodies__clear_error_without_secrets(void **state)
{
	struct aws_credentials c;
	char *xml, *cause = NULL;
	size_t len;

	(void)state;
	xml = data_file("sts-assume-role-truncated.xml", &len);
	assert_int_equal(sts_parse_assume_role(xml, len, &c, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "truncated"));
	assert_null(strstr(cause, "truncatedsecretvalue"));
	assert_null(c.access_key_id);
	free(cause);
	free(xml);

	xml = data_file("sts-assume-role-denied.xml", &len);
	assert_int_equal(sts_parse_assume_role(xml, len, &c, &cause), -1);
	assert_non_null(strstr(cause, "AccessDenied"));
	assert_non_null(strstr(cause, "role/ops & co"));
	free(cause);
	free(xml);

	assert_int_equal(sts_parse_assume_role("", 0, &c, &cause), -1);
	free(cause);
	xml = xstrdup("<Credentials><AccessKeyId>AK</AccessKeyId>"
	    "<SecretAccessKey>onlysecret</SecretAccessKey></Credentials>");
	assert_int_equal(sts_parse_assume_role(xml, strlen(xml), &c, &cause),
	    -1);
	assert_null(strstr(cause, "onlysecret"));
	free(cause);
	free(xml);
	xml = xstrdup("<Credentials><AccessKeyId>AK</AccessKeyId>"
	    "<SecretAccessKey>S</SecretAccessKey><SessionToken>T"
	    "</SessionToken><Expiration>yesterday</Expiration>"
	    "</Credentials>");
	assert_int_equal(sts_parse_assume_role(xml, strlen(xml), &c, &cause),
	    -1);
	assert_non_null(strstr(cause, "Expiration"));
	free(cause);
	free(xml);
}

static void
parse_iso8601__forms__utc_seconds(void **state)
{
	(void)state;
	assert_int_equal(aws_parse_iso8601("2015-08-30T12:36:00Z"),
	    1440938160);
	assert_int_equal(aws_parse_iso8601("2015-08-30T12:36:00.123Z"),
	    1440938160);
	assert_int_equal(aws_parse_iso8601("2015-08-30T12:36:00"),
	    1440938160);
	assert_int_equal(aws_parse_iso8601("2015-08-30T14:36:00+02:00"),
	    1440938160);
	assert_int_equal(aws_parse_iso8601("2015-08-30T07:36:00-0500"),
	    1440938160);
	assert_int_equal(aws_parse_iso8601("2015-08-30"), -1);
	assert_int_equal(aws_parse_iso8601("2015-13-30T12:36:00Z"), -1);
	assert_int_equal(aws_parse_iso8601("2015-08-30T12:36:00Q"), -1);
	assert_int_equal(aws_parse_iso8601("2015-08-30T12:36:00+2"), -1);
	assert_int_equal(aws_parse_iso8601(NULL), -1);
}

static const char *
stub_secret(void *ctx, const char *ak)
{
	return strcmp(ak, "AKIDSOURCE") == 0 ? ctx : NULL;
}

/* Check the recorded request verifies as a SigV4 "sts" request. */
static void
verify_recorded(const struct stub_request *r, const char *secret)
{
	static const char *names[] = {
		"Host", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token",
		"Authorization",
	};
	struct sigv4_header h[5];
	char *values[5];
	struct sigv4_request req;
	size_t i, n = 0;
	const char *v, *code = NULL;
	char *msg = NULL, *service = NULL;

	for (i = 0; i < nitems(names); i++) {
		if ((v = stub_header(r, names[i])) == NULL)
			continue;
		values[n] = xstrdup(v);
		h[n].name = names[i];
		h[n].value = values[n];
		n++;
	}
	memset(&req, 0, sizeof req);
	req.method = r->method;
	req.path = r->path;
	req.headers = h;
	req.nheaders = n;
	req.body = r->body;
	req.body_len = strlen(r->body);
	if (sigv4_verify(&req, stub_secret, (void *)secret, time(NULL), 300,
	    NULL, NULL, &service, &code, &msg) != 0)
		fail_msg("recorded AssumeRole does not verify: %s: %s", code,
		    msg);
	assert_string_equal(service, "sts");
	free(service);
	for (i = 0; i < n; i++)
		free(values[i]);
}

static void
sts_assume_role__loopback_sts__signed_form_and_credentials(void **state)
{
	struct stub_route ok = { "POST", "/", 200,
	    "Content-Type: text/xml\r\nx-amzn-RequestId: r-1\r\n", NULL };
	struct aws_credentials src, out;
	struct aws_error err;
	struct stub_request r;
	char *xml, *url;
	const char *v;

	(void)state;
	xml = data_file("sts-assume-role-ok.xml", NULL);
	ok.body = xml;
	stub_set_routes(&server, &ok, 1);
	memset(&src, 0, sizeof src);
	memset(&err, 0, sizeof err);
	src.access_key_id = "AKIDSOURCE";
	src.secret_access_key = "sourcesecret";
	src.session_token = "sourcetoken";
	url = xasprintf("http://127.0.0.1:%d", server.port);
	assert_int_equal(sts_assume_role(url, "us-west-2", &src,
	    "arn:aws:iam::123456789012:role/ops", "oncall",
	    "ext id&1", 1800, &out, &err), 0);
	assert_int_equal(err.kind, AWS_ERR_NONE);
	assert_string_equal(out.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	assert_string_equal(out.source, "assume-role");
	aws_credentials_clear(&out);

	assert_int_equal(stub_request_count(&server), 1);
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.path, "/");
	assert_string_equal(r.body, "Action=AssumeRole&Version=2011-06-15"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fops"
	    "&RoleSessionName=oncall&ExternalId=ext%20id%261"
	    "&DurationSeconds=1800");
	v = stub_header(&r, "Content-Type");
	assert_non_null(v);
	assert_string_equal(v, "application/x-www-form-urlencoded; "
	    "charset=utf-8");
	v = stub_header(&r, "X-Amz-Security-Token");
	assert_non_null(v);
	assert_string_equal(v, "sourcetoken");
	v = stub_header(&r, "Authorization");
	assert_non_null(v);
	assert_non_null(strstr(v, "Credential=AKIDSOURCE/"));
	assert_non_null(strstr(v, "/us-west-2/sts/aws4_request"));
	assert_non_null(strstr(v, "x-amz-security-token"));
	assert_null(strstr(v, "sourcesecret"));
	verify_recorded(&r, "sourcesecret");

	/* Defaults: generated session name, no ExternalId/DurationSeconds. */
	stub_set_routes(&server, &ok, 1);
	src.session_token = NULL;
	assert_int_equal(sts_assume_role(url, NULL, &src,
	    "arn:aws:iam::1:role/r", NULL, NULL, 0, &out, &err), 0);
	aws_credentials_clear(&out);
	assert_int_equal(stub_request_get(&server, 0, &r), 0);
	assert_non_null(strstr(r.body, "&RoleSessionName=momentum-console-"));
	assert_null(strstr(r.body, "ExternalId"));
	assert_null(strstr(r.body, "DurationSeconds"));
	assert_null(stub_header(&r, "X-Amz-Security-Token"));
	assert_non_null(strstr(stub_header(&r, "Authorization"),
	    "/us-east-1/sts/aws4_request"));
	verify_recorded(&r, "sourcesecret");
	free(url);
	free(xml);
}

static void
sts_assume_role__error_answers__typed_errors(void **state)
{
	struct stub_route denied = { "POST", "/", 403,
	    "Content-Type: text/xml\r\n", NULL };
	struct stub_route garbage = { "POST", "/", 200, NULL,
	    "<html>proxy login</html>" };
	struct aws_credentials src, out;
	struct aws_error err;
	char *xml, *url;
	int port;

	(void)state;
	memset(&src, 0, sizeof src);
	memset(&err, 0, sizeof err);
	src.access_key_id = "AKIDSOURCE";
	src.secret_access_key = "sourcesecret";
	url = xasprintf("http://127.0.0.1:%d/", server.port);

	xml = data_file("sts-assume-role-denied.xml", NULL);
	denied.body = xml;
	stub_set_routes(&server, &denied, 1);
	assert_int_equal(sts_assume_role(url, "eu-west-1", &src,
	    "arn:aws:iam::123456789012:role/ops", "s", NULL, 0, &out, &err),
	    -1);
	assert_int_equal(err.kind, AWS_ERR_SERVICE);
	assert_string_equal(err.code, "AccessDenied");
	assert_int_equal(err.http_status, 403);
	assert_non_null(strstr(err.message, "not authorized"));
	assert_null(strstr(err.message, "sourcesecret"));
	assert_null(out.access_key_id);
	aws_error_clear(&err);
	free(xml);

	stub_set_routes(&server, &garbage, 1);
	assert_int_equal(sts_assume_role(url, "eu-west-1", &src,
	    "arn:aws:iam::1:role/r", "s", NULL, 0, &out, &err), -1);
	assert_int_equal(err.kind, AWS_ERR_PARSE);
	assert_non_null(err.endpoint);
	aws_error_clear(&err);
	free(url);

	/* Nobody listening: a transport error naming the endpoint. */
	{
		struct stub_httpd dead;

		assert_int_equal(stub_start(&dead), 0);
		port = dead.port;
		stub_stop(&dead);
	}
	url = xasprintf("http://127.0.0.1:%d", port);
	assert_int_equal(sts_assume_role(url, "eu-west-1", &src,
	    "arn:aws:iam::1:role/r", "s", NULL, 0, &out, &err), -1);
	assert_int_equal(err.kind, AWS_ERR_TRANSPORT);
	assert_non_null(strstr(err.message, url));
	aws_error_clear(&err);
	free(url);

	assert_int_equal(sts_assume_role("not a url", "eu-west-1", &src,
	    "arn:aws:iam::1:role/r", "s", NULL, 0, &out, &err), -1);
	assert_int_equal(err.kind, AWS_ERR_CONFIG);
	aws_error_clear(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xml_find_text__tags_and_entities__decoded),
		cmocka_unit_test(sts_parse_assume_role__canned_response__credentials),
		cmocka_unit_test(sts_parse_assume_role__bad_bodies__clear_error_without_secrets),
		cmocka_unit_test(parse_iso8601__forms__utc_seconds),
		cmocka_unit_test(sts_assume_role__loopback_sts__signed_form_and_credentials),
		cmocka_unit_test(sts_assume_role__error_answers__typed_errors),
	};
	int rc;

	http_global_init();
	/* Loopback only: never through a proxy from the environment. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	if (stub_start(&server) != 0) {
		fprintf(stderr, "cannot start the loopback server\n");
		return 1;
	}
	rc = cmocka_run_group_tests_name("sts", tests, NULL, NULL);
	stub_stop(&server);
	http_thread_cleanup();
	http_global_cleanup();
	return rc;
}
