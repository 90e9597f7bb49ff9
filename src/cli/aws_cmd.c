/* momentum-console aws: one raw AWS call through the client core. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/retry.h"
#include "aws/service.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "util/sanitize.h"
#include "util/util.h"

#define AWS_CMD_EXIT_ERROR 1
#define AWS_CMD_EXIT_USAGE 2
#define AWS_CMD_EXIT_READ_ONLY 3

static const char aws_cmd_usage[] =
    "usage: momentum-console aws [--profile P] [--region R] [--endpoint-url "
    "U]\n"
    "                            [--read-only] <service> <Operation> ['<json>' "
    "| @file]\n"
    "\n"
    "Call one AWS operation through momentum-console's client core (the same\n"
    "credentials chain, endpoints, signing, retries and read-only switch the\n"
    "console uses) and print the answer as JSON.\n"
    "\n"
    "services: cloudwatch, logs, ce, apprunner, ecr, sts\n"
    "request:  a JSON object (default {}); @file reads it from a file, @- from "
    "stdin.\n"
    "          For sts, top-level members become query parameters.\n"
    "\n"
    "  --profile P       profile in ~/.aws/config and ~/.aws/credentials\n"
    "  --region R        region (default: AWS_REGION, AWS_DEFAULT_REGION, "
    "profile)\n"
    "  --endpoint-url U  send every service to U (beats AWS_ENDPOINT_URL*)\n"
    "  --read-only       refuse any operation not on the read allow-list\n"
    "  -h, --help        this text\n"
    "\n"
    "MOMENTUM_DEBUG=1 prints requests and responses to stderr (secrets "
    "redacted).\n"
    "exit status: 0 ok, 1 the call failed, 2 usage error, 3 refused by "
    "read-only mode\n";

/* "momentum-console aws: <what><arg>" and the usage text on stderr. */
static int
aws_cmd_fail_usage(const char *what, const char *arg)
{
	fprintf(stderr, "momentum-console aws: %s%s\n%s", what,
	        arg != NULL ? arg : "", aws_cmd_usage);
	return AWS_CMD_EXIT_USAGE;
}

static int
aws_cmd_report(const struct aws_error *err)
{
	char *s = aws_error_format(err);

	fprintf(stderr, "momentum-console: %s\n", s);
	free(s);
	return err->kind == AWS_ERR_READ_ONLY ? AWS_CMD_EXIT_READ_ONLY
	                                      : AWS_CMD_EXIT_ERROR;
}

/* The request argument: inline JSON, @file or @- (stdin).  Caller frees. */
static char *
aws_cmd_read_request(const char *arg, char **cause)
{
	struct buf b = {0};
	char chunk[4096];
	size_t n;

	if (arg[0] != '@')
		return xstrdup(arg);
	if (strcmp(arg, "@-") != 0)
		return read_file(arg + 1, NULL, cause);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_append(&b, chunk, n);
	if (b.data == NULL)
		return xstrdup("");
	return buf_steal(&b);
}

/* Flatten a JSON object into query parameters.  -1 with *cause. */
static int
aws_cmd_query_params(const cJSON *req, char ***out, char **cause)
{
	const cJSON *m;
	char **p;
	size_t n = 0;

	p = xcalloc((size_t)cJSON_GetArraySize(req) * 2 + 1, sizeof *p);
	cJSON_ArrayForEach(m, req)
	{
		if (cJSON_IsString(m))
			p[n + 1] = xstrdup(m->valuestring);
		else if (cJSON_IsNumber(m)) {
			if (m->valuedouble == (double)(long long)m->valuedouble)
				p[n + 1] = xasprintf("%lld",
				                     (long long)m->valuedouble);
			else
				p[n + 1] = xasprintf("%.17g", m->valuedouble);
		} else if (cJSON_IsBool(m))
			p[n + 1] = xstrdup(cJSON_IsTrue(m) ? "true" : "false");
		else {
			*cause = xasprintf(
			    "member %s: only strings, numbers "
			    "and booleans are supported for query calls",
			    m->string);
			for (n = 0; p[n] != NULL; n++)
				free(p[n]);
			free(p);
			return -1;
		}
		p[n] = xstrdup(m->string);
		n += 2;
	}
	*out = p;
	return 0;
}

static void
aws_cmd_xml_member(cJSON *obj, const char *xml, const char *tag)
{
	char *v = xml_find_text(xml, strlen(xml), tag);

	if (v != NULL)
		cJSON_AddStringToObject(obj, tag, v);
	free(v);
}

/*
 * STS answers in XML; show the members the aws CLI shows, as JSON.  The
 * secret key and session token of AssumeRole are never printed.
 * Caller cJSON_Delete()s; NULL for actions we do not convert.
 */
static cJSON *
aws_cmd_sts_json(const char *action, const char *xml)
{
	cJSON *out, *creds, *user;

	out = cJSON_CreateObject();
	if (strcmp(action, "GetCallerIdentity") == 0) {
		aws_cmd_xml_member(out, xml, "UserId");
		aws_cmd_xml_member(out, xml, "Account");
		aws_cmd_xml_member(out, xml, "Arn");
		return out;
	}
	if (strcmp(action, "AssumeRole") == 0 ||
	    strcmp(action, "GetSessionToken") == 0) {
		creds = cJSON_AddObjectToObject(out, "Credentials");
		aws_cmd_xml_member(creds, xml, "AccessKeyId");
		cJSON_AddStringToObject(creds, "SecretAccessKey", "[redacted]");
		cJSON_AddStringToObject(creds, "SessionToken", "[redacted]");
		aws_cmd_xml_member(creds, xml, "Expiration");
		if (strcmp(action, "AssumeRole") == 0) {
			user = cJSON_AddObjectToObject(out, "AssumedRoleUser");
			aws_cmd_xml_member(user, xml, "AssumedRoleId");
			aws_cmd_xml_member(user, xml, "Arn");
		}
		return out;
	}
	cJSON_Delete(out);
	return NULL;
}

/*
 * Pretty-print with two-space indents.  cJSON indents with tabs and
 * puts a tab after each colon; a raw tab never occurs inside a string
 * (cJSON escapes it), so every tab is layout.
 */
static void
aws_cmd_print(const cJSON *j)
{
	char *raw = cJSON_Print(j), *s, *p;

	if (raw == NULL)
		fatal("cJSON_Print failed");
	/* Secrets (SecretAccessKey, SessionToken, authorizationToken, ...). */
	s = debug_redact_body(raw, strlen(raw));
	secret_free(raw);
	for (p = s; *p != '\0'; p++) {
		if (*p != '\t')
			putchar(*p);
		else if (p > s && p[-1] == ':')
			putchar(' ');
		else
			fputs("  ", stdout);
	}
	putchar('\n');
	free(s);
}

/* Run the call; returns the exit status. */
static int
aws_cmd_call(struct aws_client *c, const struct aws_service *svc,
             const char *op, cJSON *req)
{
	struct aws_error err = {0};
	cJSON *resp;
	char **params = NULL, *xml, *cause = NULL;
	int rc = 0;
	size_t i;

	if (svc->protocol == AWS_PROTO_JSON) {
		resp = aws_call_json(c, svc->id, op, req, &err);
		if (resp == NULL) {
			rc = aws_cmd_report(&err);
			aws_error_clear(&err);
			return rc;
		}
		aws_cmd_print(resp);
		cJSON_Delete(resp);
		return 0;
	}

	if (aws_cmd_query_params(req, &params, &cause) != 0) {
		rc = aws_cmd_fail_usage("", cause);
		free(cause);
		return rc;
	}
	xml = aws_call_query(c, svc->id, op, (const char *const *)params, &err);
	for (i = 0; params[i] != NULL; i++)
		free(params[i]);
	free(params);
	if (xml == NULL) {
		rc = aws_cmd_report(&err);
		aws_error_clear(&err);
		return rc;
	}
	resp = aws_cmd_sts_json(op, xml);
	if (resp != NULL) {
		aws_cmd_print(resp);
		cJSON_Delete(resp);
	} else {
		/* Other actions as XML: secrets redacted, text sanitized. */
		char *red = debug_redact_body(xml, strlen(xml));
		char *clean = text_sanitize(red, strlen(red));

		printf("%s\n", clean);
		free(clean);
		secret_free(red);
	}
	secret_free(xml);
	return 0;
}

/*
 * momentum-console aws [options] <service> <Operation> ['<json>'|@file].
 * argv[0] is "aws".
 */
int
cli_aws_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"profile", required_argument, NULL, 'p'},
	    {"region", required_argument, NULL, 'r'},
	    {"endpoint-url", required_argument, NULL, 'e'},
	    {"read-only", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct aws_client_config cfg;
	const struct aws_service *svc;
	struct aws_client *c;
	cJSON *req;
	char *text, *cause = NULL;
	const char *op;
	int ch, rc;

	memset(&cfg, 0, sizeof cfg);
	cfg.name = "aws";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			cfg.profile = optarg;
			break;
		case 'r':
			cfg.region = optarg;
			break;
		case 'e':
			cfg.endpoint_url = optarg;
			break;
		case 'R':
			cfg.read_only = true;
			break;
		case 'h':
			fputs(aws_cmd_usage, stdout);
			return 0;
		default:
			fputs(aws_cmd_usage, stderr);
			return AWS_CMD_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 3)
		return aws_cmd_fail_usage(
		    argc < 2 ? "need a service and an operation"
		             : "too many arguments",
		    NULL);
	svc = aws_service_find(argv[0]);
	if (svc == NULL)
		return aws_cmd_fail_usage("unknown service: ", argv[0]);
	op = argv[1];

	text = aws_cmd_read_request(argc == 3 ? argv[2] : "{}", &cause);
	if (text == NULL) {
		fprintf(stderr, "momentum-console aws: %s\n", cause);
		free(cause);
		return AWS_CMD_EXIT_USAGE;
	}
	req = cJSON_Parse(text);
	free(text);
	if (req == NULL || !cJSON_IsObject(req)) {
		cJSON_Delete(req);
		return aws_cmd_fail_usage("the request must be a JSON object",
		                          NULL);
	}
	if (cfg.read_only)
		aws_set_global_read_only();

	c = aws_client_new(&cfg, &cause);
	if (c == NULL) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		cJSON_Delete(req);
		return AWS_CMD_EXIT_ERROR;
	}
	rc = aws_cmd_call(c, svc, op, req);
	aws_client_free(c);
	cJSON_Delete(req);
	return rc;
}
