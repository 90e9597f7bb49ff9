/* momentum-console doctor: check config, credentials, reachability, permissions. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/apprunner.h"
#include "aws/client.h"
#include "aws/cloudwatch.h"
#include "aws/costexplorer.h"
#include "aws/ecr.h"
#include "aws/logs.h"
#include "aws/sts.h"
#include "cli/cli.h"
#include "config/config.h"
#include "util/sanitize.h"
#include "util/util.h"

enum result { R_OK, R_WARN, R_FAIL, R_SKIP };

static const char *result_names[] = { "ok", "WARN", "FAIL", "skip" };

struct row {
	char *env;
	char *check;
	enum result result;
	char *detail;
};

struct doctor {
	struct row *rows;
	size_t nrows;
	bool with_cost;
	/* per environment */
	struct aws_client *client;
	int env;
	const struct config_env *ce;
	bool reached[AWS_SVC_COUNT];	/* an HTTP answer came back */
	bool unreachable[AWS_SVC_COUNT];
};

static void
add_row(struct doctor *d, const char *env, const char *check, enum result r,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
add_row(struct doctor *d, const char *env, const char *check, enum result r,
    const char *fmt, ...)
{
	struct row *row;
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	d->rows = xreallocarray(d->rows, d->nrows + 1, sizeof *d->rows);
	row = &d->rows[d->nrows++];
	row->env = xstrdup(env);
	row->check = xstrdup(check);
	row->result = r;
	/* Details quote remote text: one sanitized line. */
	row->detail = text_sanitize_line(raw, strlen(raw));
	free(raw);
}

/*
 * One read call for a check.  Returns the response (caller deletes) or
 * NULL after adding a FAIL row.  A service that was unreachable once is
 * not tried again in this environment.
 */
static cJSON *
try_call(struct doctor *d, const char *check, enum aws_service_id svc,
    const char *op, cJSON *req)
{
	struct aws_error err = { 0 };
	cJSON *resp;
	char *msg;

	if (d->unreachable[svc]) {
		add_row(d, d->ce->name, check, R_FAIL, "%s: not tried, %s "
		    "endpoint unreachable", op, aws_service_get(svc)->name);
		cJSON_Delete(req);
		return NULL;
	}
	resp = aws_call_json(d->client, svc, op, req, &err);
	cJSON_Delete(req);
	if (resp != NULL) {
		d->reached[svc] = true;
		return resp;
	}
	if (err.kind == AWS_ERR_TRANSPORT)
		d->unreachable[svc] = true;
	else if (err.http_status != 0)
		d->reached[svc] = true;
	msg = aws_error_format(&err);
	add_row(d, d->ce->name, check, R_FAIL, "%s %s: %s", op,
	    aws_error_short(&err), msg);
	free(msg);
	aws_error_clear(&err);
	return NULL;
}

static void
check_identity(struct doctor *d)
{
	struct aws_error err = { 0 };
	char *xml, *arn, *acct, *msg;

	xml = aws_call_query(d->client, AWS_SVC_STS, "GetCallerIdentity", NULL,
	    &err);
	if (xml == NULL) {
		msg = aws_error_format(&err);
		add_row(d, d->ce->name, "credentials", R_FAIL, "%s: %s",
		    aws_error_short(&err), msg);
		free(msg);
		if (err.kind == AWS_ERR_TRANSPORT)
			d->unreachable[AWS_SVC_STS] = true;
		aws_error_clear(&err);
		return;
	}
	d->reached[AWS_SVC_STS] = true;
	arn = xml_find_text(xml, strlen(xml), "Arn");
	acct = xml_find_text(xml, strlen(xml), "Account");
	add_row(d, d->ce->name, "credentials", R_OK, "%s (account %s)",
	    arn != NULL ? arn : "?", acct != NULL ? acct : "?");
	free(arn);
	free(acct);
	free(xml);
}

/* Services view: ListServices, then each configured service. */
static void
check_apprunner(struct doctor *d, char **api_name, char **api_id)
{
	const struct config_service *cs;
	struct apprunner_summary *s = NULL, *hit;
	cJSON *resp;
	char *next = NULL, *cause = NULL, *check;
	size_t n = 0, i, k;

	int page;

	for (page = 0; page < 10; page++) {
		resp = try_call(d, "apprunner:ListServices", AWS_SVC_APPRUNNER,
		    "ListServices", apprunner_list_services_request(next));
		free(next);
		next = NULL;
		if (resp == NULL) {
			apprunner_summaries_free(s, n);
			return;
		}
		if (apprunner_parse_list_services(resp, &s, &n, &next,
		    &cause) != 0) {
			add_row(d, d->ce->name, "apprunner:ListServices",
			    R_FAIL, "%s", cause);
			free(cause);
			cJSON_Delete(resp);
			apprunner_summaries_free(s, n);
			return;
		}
		cJSON_Delete(resp);
		if (next == NULL)
			break;
	}
	free(next);
	add_row(d, d->ce->name, "apprunner:ListServices", R_OK,
	    "%zu services visible", n);
	for (i = 0; i < d->ce->nservices; i++) {
		cs = &d->ce->services[i];
		check = xasprintf("service %s", cs->role);
		hit = NULL;
		for (k = 0; k < n; k++) {
			if ((cs->service_arn != NULL && s[k].arn != NULL &&
			    strcmp(cs->service_arn, s[k].arn) == 0) ||
			    (s[k].name != NULL &&
			    strcmp(cs->service_name, s[k].name) == 0))
				hit = &s[k];
		}
		if (hit == NULL) {
			add_row(d, d->ce->name, check, R_FAIL, "%s not found "
			    "by ListServices", cs->service_name);
			free(check);
			continue;
		}
		add_row(d, d->ce->name, check, R_OK, "%s %s", hit->name,
		    hit->status != NULL ? hit->status : "");
		free(check);
		if (*api_name == NULL || strcmp(cs->role, "api") == 0) {
			free(*api_name);
			free(*api_id);
			*api_name = xstrdup(hit->name);
			*api_id = xstrdup(hit->id);
		}
		if (i > 0)
			continue;
		/* The service view's calls, on the first service. */
		resp = try_call(d, "apprunner:DescribeService",
		    AWS_SVC_APPRUNNER, "DescribeService",
		    apprunner_describe_service_request(hit->arn));
		if (resp != NULL)
			add_row(d, d->ce->name, "apprunner:DescribeService",
			    R_OK, "%s", hit->name);
		cJSON_Delete(resp);
		resp = try_call(d, "apprunner:ListOperations",
		    AWS_SVC_APPRUNNER, "ListOperations",
		    apprunner_list_operations_request(hit->arn, 1));
		if (resp != NULL)
			add_row(d, d->ce->name, "apprunner:ListOperations",
			    R_OK, "%s", hit->name);
		cJSON_Delete(resp);
	}
	apprunner_summaries_free(s, n);
}

static void
check_cloudwatch(struct doctor *d, const char *name, const char *id)
{
	struct cw_query q = { .id = "doctor", .ns = "AWS/AppRunner",
	    .metric = "Requests", .stat = "Sum", .period = 60, .ndims = 2,
	    .dim_names = { "ServiceName", "ServiceID" },
	    .dim_values = { name != NULL ? name : "momentum",
	    id != NULL ? id : "0" } };
	int64_t end = now_ms() / 1000 / 60 * 60;
	cJSON *resp;

	/* One metric over five minutes: $0.00001. */
	resp = try_call(d, "cloudwatch:GetMetricData", AWS_SVC_CLOUDWATCH,
	    "GetMetricData", cloudwatch_get_metric_data_request(&q, 1,
	    end - 300, end, NULL));
	if (resp != NULL)
		add_row(d, d->ce->name, "cloudwatch:GetMetricData", R_OK,
		    "1 metric, 5 minutes");
	cJSON_Delete(resp);
	resp = try_call(d, "cloudwatch:DescribeAlarms", AWS_SVC_CLOUDWATCH,
	    "DescribeAlarms", cloudwatch_describe_alarms_request(
	    d->ce->alarm_prefix, NULL));
	if (resp != NULL) {
		const cJSON *m = cJSON_GetObjectItem(resp, "MetricAlarms");

		add_row(d, d->ce->name, "cloudwatch:DescribeAlarms", R_OK,
		    "%d alarms with prefix '%s'", cJSON_GetArraySize(m),
		    d->ce->alarm_prefix != NULL ? d->ce->alarm_prefix : "");
	}
	cJSON_Delete(resp);
}

static void
check_logs(struct doctor *d, const char *name, const char *id)
{
	char **names = NULL, *cause = NULL, *group, *prefix;
	size_t n = 0, i;
	cJSON *resp;

	prefix = name != NULL ? xasprintf("/aws/apprunner/%s/", name) :
	    xstrdup("/aws/apprunner/");
	resp = try_call(d, "logs:DescribeLogGroups", AWS_SVC_LOGS,
	    "DescribeLogGroups", logs_describe_log_groups_request(prefix, 5));
	if (resp != NULL) {
		if (logs_parse_describe_log_groups(resp, &names, &n,
		    &cause) == 0)
			add_row(d, d->ce->name, "logs:DescribeLogGroups", R_OK,
			    "%zu groups under %s", n, prefix);
		else {
			add_row(d, d->ce->name, "logs:DescribeLogGroups",
			    R_FAIL, "%s", cause);
			free(cause);
		}
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
	}
	cJSON_Delete(resp);
	free(prefix);
	if (name == NULL || id == NULL)
		return;
	group = logs_apprunner_group(name, id);
	resp = try_call(d, "logs:FilterLogEvents", AWS_SVC_LOGS,
	    "FilterLogEvents", logs_filter_request(group,
	    now_ms() - 60000, 0, NULL, NULL, 1));
	if (resp != NULL)
		add_row(d, d->ce->name, "logs:FilterLogEvents", R_OK, "%s",
		    group);
	cJSON_Delete(resp);
	free(group);
}

static void
check_ecr(struct doctor *d)
{
	const char *repo = NULL;
	cJSON *resp, *req;
	size_t i;

	for (i = 0; i < d->ce->nservices && repo == NULL; i++)
		repo = d->ce->services[i].ecr_repo;
	if (repo == NULL) {
		add_row(d, d->ce->name, "ecr:DescribeImages", R_SKIP,
		    "no ecr_repo configured");
		return;
	}
	req = ecr_describe_images_request(repo, NULL, NULL);
	cJSON_ReplaceItemInObject(req, "maxResults", cJSON_CreateNumber(1));
	resp = try_call(d, "ecr:DescribeImages", AWS_SVC_ECR, "DescribeImages",
	    req);
	if (resp != NULL)
		add_row(d, d->ce->name, "ecr:DescribeImages", R_OK, "%s", repo);
	cJSON_Delete(resp);
}

static void
check_cost(struct doctor *d)
{
	char s[11], e[11], fs[11], fe[11];
	int days;
	cJSON *resp;

	if (!d->with_cost) {
		add_row(d, d->ce->name, "ce:GetCostAndUsage", R_SKIP,
		    "not checked: billed $0.01 per call (use --with-cost)");
		return;
	}
	ce_month_window(now_ms() / 1000, s, e, fs, fe, &days);
	resp = try_call(d, "ce:GetCostAndUsage", AWS_SVC_CE, "GetCostAndUsage",
	    ce_cost_and_usage_request(s, e, d->ce->cost_tag_key,
	    d->ce->cost_tag_value, NULL));
	if (resp != NULL)
		add_row(d, d->ce->name, "ce:GetCostAndUsage", R_OK,
		    "%s to %s ($0.01)", s, e);
	cJSON_Delete(resp);
}

static void
check_actions(struct doctor *d)
{
	static const char *actions[][2] = {
		{ "action scale", "CreateAutoScalingConfiguration, UpdateService" },
		{ "action rollback", "UpdateService" },
		{ "action promote", "ecr BatchGetImage, PutImage; StartDeployment" },
		{ "action pause/resume", "PauseService, ResumeService" },
	};
	size_t i;

	for (i = 0; i < nitems(actions); i++) {
		if (d->ce->read_only || aws_client_read_only(d->client))
			add_row(d, d->ce->name, actions[i][0], R_SKIP,
			    "read-only environment: actions disabled");
		else
			add_row(d, d->ce->name, actions[i][0], R_SKIP,
			    "not checked (would mutate): %s", actions[i][1]);
	}
}

static void
check_reach(struct doctor *d)
{
	static const enum aws_service_id svcs[] = { AWS_SVC_STS,
	    AWS_SVC_APPRUNNER, AWS_SVC_CLOUDWATCH, AWS_SVC_LOGS, AWS_SVC_ECR,
	    AWS_SVC_CE };
	const char *url;
	char *check;
	size_t i;

	for (i = 0; i < nitems(svcs); i++) {
		url = aws_client_endpoint(d->client, svcs[i]);
		check = xasprintf("reach %s", aws_service_get(svcs[i])->name);
		if (d->reached[svcs[i]])
			add_row(d, d->ce->name, check, R_OK, "%s",
			    url != NULL ? url : "");
		else if (d->unreachable[svcs[i]])
			add_row(d, d->ce->name, check, R_FAIL, "%s unreachable",
			    url != NULL ? url : "");
		else
			add_row(d, d->ce->name, check, R_SKIP, "%s not tried",
			    url != NULL ? url : "");
		free(check);
	}
}

static void
check_env(struct doctor *d, const struct config *cf, int env)
{
	struct aws_client_config acc = { 0 };
	char *cause = NULL, *api_name = NULL, *api_id = NULL;

	d->env = env;
	d->ce = &cf->envs[env];
	memset(d->reached, 0, sizeof d->reached);
	memset(d->unreachable, 0, sizeof d->unreachable);
	acc.name = d->ce->name;
	acc.profile = d->ce->profile;
	acc.region = d->ce->region;
	acc.endpoint_url = d->ce->endpoint_url;
	acc.role_arn = d->ce->role_arn;
	acc.external_id = d->ce->external_id;
	acc.read_only = d->ce->read_only;
	acc.connect_timeout_ms = 2000;
	acc.timeout_ms = 8000;
	acc.max_attempts = 2;
	if ((d->client = aws_client_new(&acc, &cause)) == NULL) {
		add_row(d, d->ce->name, "client", R_FAIL, "%s", cause);
		free(cause);
		return;
	}
	add_row(d, d->ce->name, "region", R_OK, "%s",
	    aws_client_region(d->client) != NULL ?
	    aws_client_region(d->client) : "?");
	check_identity(d);
	check_apprunner(d, &api_name, &api_id);
	check_cloudwatch(d, api_name, api_id);
	check_logs(d, api_name, api_id);
	check_ecr(d);
	check_cost(d);
	check_actions(d);
	check_reach(d);
	free(api_name);
	free(api_id);
	aws_client_free(d->client);
	d->client = NULL;
}

static int
print_table(struct doctor *d)
{
	size_t i, we = 3, wc = 5, wr = 6;
	int rc = 0;

	for (i = 0; i < d->nrows; i++) {
		if (strlen(d->rows[i].env) > we)
			we = strlen(d->rows[i].env);
		if (strlen(d->rows[i].check) > wc)
			wc = strlen(d->rows[i].check);
		if (d->rows[i].result == R_FAIL || d->rows[i].result == R_WARN)
			rc = 1;
	}
	printf("%-*s | %-*s | %-*s | %s\n", (int)we, "env", (int)wc, "check",
	    (int)wr, "result", "detail");
	for (i = 0; i < d->nrows; i++)
		printf("%-*s | %-*s | %-*s | %s\n", (int)we, d->rows[i].env,
		    (int)wc, d->rows[i].check, (int)wr,
		    result_names[d->rows[i].result], d->rows[i].detail);
	return rc;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: momentum-console doctor [--config FILE] "
	    "[--env NAME] [--with-cost]\n");
}

int
cli_doctor_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "env", required_argument, NULL, 'e' },
		{ "with-cost", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d = { 0 };
	struct config *cf;
	const char *config_path = NULL, *only = NULL;
	char *cause = NULL;
	size_t i;
	int ch, rc, env;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:e:Ch", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'e':
			only = optarg;
			break;
		case 'C':
			d.with_cost = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config_path, &cf, &cause) != 0) {
		printf("%-3s | %-6s | %-6s | %s\n", "env", "check", "result",
		    "detail");
		printf("-   | config | FAIL   | %s\n", cause);
		free(cause);
		return 1;
	}
	add_row(&d, "-", "config", R_OK, "%s: %zu environments", cf->path,
	    cf->nenvs);
	for (i = 0; i < cf->nwarnings; i++)
		add_row(&d, "-", "config", R_WARN, "%s", cf->warnings[i]);
	if (only != NULL && config_env_index(cf, only) < 0)
		add_row(&d, only, "env", R_FAIL, "no environment '%s' in %s",
		    only, cf->path);
	for (env = 0; env < (int)cf->nenvs; env++) {
		if (only == NULL || strcmp(only, cf->envs[env].name) == 0)
			check_env(&d, cf, env);
	}
	rc = print_table(&d);
	fflush(stdout);
	for (i = 0; i < d.nrows; i++) {
		free(d.rows[i].env);
		free(d.rows[i].check);
		free(d.rows[i].detail);
	}
	free(d.rows);
	config_free(cf);
	http_thread_cleanup();
	return rc;
}
