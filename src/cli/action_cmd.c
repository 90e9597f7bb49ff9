/* momentum-console action: scale, pause, resume, roll back, promote, history. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action/action.h"
#include "action/audit.h"
#include "aws/client.h"
#include "cli/cli.h"
#include "config/config.h"
#include "util/util.h"

/* Exit codes (also in the usage text and the man page). */
#define EX_DONE		0	/* done: submitted (and SUCCEEDED when waiting) */
#define EX_USAGE	1	/* bad arguments or configuration */
#define EX_REFUSED	2	/* refused: nothing was sent */
#define EX_FAILED	3	/* the change was rejected, not applied, or FAILED */
#define EX_UNKNOWN	4	/* outcome unknown: check the service */

static const char action_usage[] =
"usage: momentum-console action [options] scale <service> [--min N] [--max N]\n"
"                                     [--concurrency N] [--delta +N|-N]\n"
"       momentum-console action [options] pause <service>\n"
"       momentum-console action [options] resume <service>\n"
"       momentum-console action [options] rollback <service> [--digest sha256:...]\n"
"       momentum-console action [options] promote <service> [--from ENV] --to ENV\n"
"       momentum-console action [options] history <service>\n"
"       momentum-console action [options] --execute-plan FILE\n"
"\n"
"Every action prints its plan (before, after, the exact API calls and\n"
"warnings), then needs a confirmation: \"yes\", or for production the\n"
"environment's name typed exactly.  It is read from the terminal, or\n"
"given with --confirm TEXT / --yes-i-typed ENV.  Each action is written\n"
"to the audit log before and after the call.\n"
"\n"
"options:\n"
"  --config FILE         configuration file\n"
"  --env ENV             target environment (promote: --to)\n"
"  --read-only           refuse every mutating call\n"
"  --confirm TEXT        the confirmation text\n"
"  --yes-i-typed ENV     confirm as if ENV had been typed\n"
"  --preview-only FILE   write the plan to FILE (mode 0600) and stop\n"
"  --execute-plan FILE   run a plan written by --preview-only: it is\n"
"                        previewed again and must match; the state must\n"
"                        not have changed\n"
"  --no-wait             do not follow the operation to its end\n"
"  --wait-timeout S      follow it at most S seconds (default 900)\n"
"  --poll-interval MS    ListOperations interval while following (2000)\n"
"  --write-timeout MS    timeout of mutating calls (default 10000); after\n"
"                        a timeout the state is read, nothing is re-sent\n"
"  --audit-log FILE      audit log (default\n"
"                        $XDG_STATE_HOME/momentum/audit.log)\n"
"\n"
"exit status:\n"
"  0  done: the change was accepted (and SUCCEEDED when following it),\n"
"     or applied although its answer timed out; history printed\n"
"  1  usage or configuration error\n"
"  2  refused: nothing was sent (confirmation, read-only, validation,\n"
"     operation in progress, state changed, audit log not writable)\n"
"  3  AWS rejected the change or did not apply it, or the operation FAILED\n"
"  4  outcome unknown (no answer and the state could not be read)\n";

enum {
	OPT_CONFIG = 256, OPT_ENV, OPT_READ_ONLY, OPT_CONFIRM, OPT_YES_I_TYPED,
	OPT_PREVIEW_ONLY, OPT_EXECUTE_PLAN, OPT_NO_WAIT, OPT_WAIT_TIMEOUT,
	OPT_POLL_INTERVAL, OPT_WRITE_TIMEOUT, OPT_AUDIT_LOG, OPT_MIN, OPT_MAX,
	OPT_CONCURRENCY, OPT_DELTA, OPT_DIGEST, OPT_FROM, OPT_TO, OPT_HELP,
};

static const struct option action_options_long[] = {
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "confirm", required_argument, NULL, OPT_CONFIRM },
	{ "yes-i-typed", required_argument, NULL, OPT_YES_I_TYPED },
	{ "preview-only", required_argument, NULL, OPT_PREVIEW_ONLY },
	{ "execute-plan", required_argument, NULL, OPT_EXECUTE_PLAN },
	{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ "poll-interval", required_argument, NULL, OPT_POLL_INTERVAL },
	{ "write-timeout", required_argument, NULL, OPT_WRITE_TIMEOUT },
	{ "audit-log", required_argument, NULL, OPT_AUDIT_LOG },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "delta", required_argument, NULL, OPT_DELTA },
	{ "digest", required_argument, NULL, OPT_DIGEST },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

struct action_args {
	const char *config;
	const char *env;
	bool read_only;
	const char *confirm;
	const char *yes_i_typed;
	const char *preview_only;
	const char *execute_plan;
	bool no_wait;
	long wait_timeout_s;
	long poll_interval_ms;
	long write_timeout_ms;
	const char *audit_log;
	const char *verb;
	const char *service;
	struct action_request req;
};

static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int usage_error(const char *, ...)
    __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("momentum-console action: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see momentum-console action --help)\n", stderr);
	return EX_USAGE;
}

static int
action_parse(int argc, char **argv, struct action_args *a)
{
	const char *pos[3] = { NULL };
	size_t npos = 0;
	long v;
	int c;

	memset(a, 0, sizeof *a);
	a->wait_timeout_s = 900;
	a->poll_interval_ms = 2000;
	a->write_timeout_ms = 10000;
	optind = 1;
	opterr = 0;
	/* "-" first: options and the verb may come in any order. */
	while ((c = getopt_long(argc, argv, "-h", action_options_long,
	    NULL)) != -1) {
		switch (c) {
		case 1:
			if (npos >= nitems(pos))
				return usage_error("unexpected argument %s",
				    optarg);
			pos[npos++] = optarg;
			break;
		case OPT_CONFIG:
			a->config = optarg;
			break;
		case OPT_ENV:
		case OPT_TO:
			a->env = optarg;
			break;
		case OPT_READ_ONLY:
			a->read_only = true;
			break;
		case OPT_CONFIRM:
			a->confirm = optarg;
			break;
		case OPT_YES_I_TYPED:
			a->yes_i_typed = optarg;
			break;
		case OPT_PREVIEW_ONLY:
			a->preview_only = optarg;
			break;
		case OPT_EXECUTE_PLAN:
			a->execute_plan = optarg;
			break;
		case OPT_NO_WAIT:
			a->no_wait = true;
			break;
		case OPT_WAIT_TIMEOUT:
			if (parse_long(optarg, 1, 86400, &a->wait_timeout_s))
				return usage_error("bad --wait-timeout %s",
				    optarg);
			break;
		case OPT_POLL_INTERVAL:
			if (parse_long(optarg, 10, 600000, &a->poll_interval_ms))
				return usage_error("bad --poll-interval %s",
				    optarg);
			break;
		case OPT_WRITE_TIMEOUT:
			if (parse_long(optarg, 100, 600000, &a->write_timeout_ms))
				return usage_error("bad --write-timeout %s",
				    optarg);
			break;
		case OPT_AUDIT_LOG:
			a->audit_log = optarg;
			break;
		case OPT_MIN:
			if (parse_long(optarg, -1000, 1000, &v))
				return usage_error("bad --min %s", optarg);
			a->req.min_size = (int)v;
			a->req.has_min = true;
			break;
		case OPT_MAX:
			if (parse_long(optarg, -1000, 1000, &v))
				return usage_error("bad --max %s", optarg);
			a->req.max_size = (int)v;
			a->req.has_max = true;
			break;
		case OPT_CONCURRENCY:
			if (parse_long(optarg, -1000, 100000, &v))
				return usage_error("bad --concurrency %s",
				    optarg);
			a->req.max_concurrency = (int)v;
			a->req.has_conc = true;
			break;
		case OPT_DELTA:
			if (parse_long(optarg, -25, 25, &v) || v == 0)
				return usage_error("bad --delta %s", optarg);
			a->req.min_delta = (int)v;
			break;
		case OPT_DIGEST:
			a->req.digest = optarg;
			break;
		case OPT_FROM:
			a->req.from_env = optarg;
			break;
		case OPT_HELP:
		case 'h':
			fputs(action_usage, stdout);
			exit(EX_DONE);
		default:
			return usage_error("unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (a->execute_plan != NULL) {
		if (npos != 0)
			return usage_error("--execute-plan takes no action "
			    "(%s)", pos[0]);
		return 0;
	}
	if (npos < 2)
		return usage_error("%s", npos == 0 ? "which action?" :
		    "which service?");
	if (npos > 2)
		return usage_error("unexpected argument %s", pos[2]);
	a->verb = pos[0];
	a->service = pos[1];
	if (strcmp(a->verb, "history") != 0) {
		c = action_kind_from_name(a->verb);
		if (c < 0)
			return usage_error("unknown action %s", a->verb);
		a->req.kind = (enum action_kind)c;
	}
	if (a->env == NULL)
		return usage_error("%s", "which environment? (--env ENV, "
		    "promote: --to ENV)");
	a->req.env = a->env;
	a->req.service = a->service;
	return 0;
}

static void
fmt_time(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(out, len, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static int
action_history_print(struct action_engine *e, const char *env,
    const char *service)
{
	struct action_history h;
	char *cause = NULL, when[40], end[40], **recs, *name;
	struct buf runs;
	size_t i, j, nrec;

	if (action_history_get(e, env, service, &h, &cause) != 0) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		return EX_FAILED;
	}
	name = xstrdup(h.service_name != NULL ? h.service_name : service);
	printf("what each environment runs (%s):\n", service);
	for (i = 0; i < h.nruns; i++) {
		if (h.runs[i].error != NULL)
			printf("  %-8s unknown: %s\n", h.runs[i].env,
			    h.runs[i].error);
		else
			printf("  %-8s %-10s %s\n", h.runs[i].env,
			    h.runs[i].status, h.runs[i].digest != NULL ?
			    h.runs[i].digest : h.runs[i].image);
	}
	printf("\nimages in %s, newest first:\n", h.repo_name);
	for (i = 0; i < h.nimages; i++) {
		memset(&runs, 0, sizeof runs);
		for (j = 0; j < h.nruns; j++) {
			if (h.runs[j].digest != NULL &&
			    strcmp(h.runs[j].digest, h.images[i].digest) == 0)
				buf_printf(&runs, " <- %s", h.runs[j].env);
		}
		fmt_time(h.images[i].pushed_at, when, sizeof when);
		printf("  %s  %s  %-20s%s\n", h.images[i].digest, when,
		    h.images[i].tags[0] != '\0' ? h.images[i].tags :
		    "(untagged)", runs.data != NULL ? runs.data : "");
		buf_free(&runs);
	}
	printf("\noperations of %s in %s, newest first:\n", service, env);
	for (i = 0; i < h.nops; i++) {
		fmt_time(h.ops[i].started_at, when, sizeof when);
		fmt_time(h.ops[i].ended_at, end, sizeof end);
		printf("  %s  %-17s %-11s %s (ended %s)\n", when,
		    h.ops[i].type, h.ops[i].status, h.ops[i].id, end);
	}
	action_history_clear(&h);
	nrec = audit_recent(action_engine_audit_path(e), env, name, 10, &recs);
	printf("\nrecent actions on %s (%s):\n", name,
	    action_engine_audit_path(e));
	if (nrec == 0)
		printf("  none\n");
	for (i = 0; i < nrec; i++) {
		printf("  %s\n", recs[i]);
		free(recs[i]);
	}
	free(recs);
	free(name);
	return EX_DONE;
}

static int
write_plan(const char *path, const struct action_plan *p)
{
	char *text = action_plan_to_json(p);
	size_t len = strlen(text);
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, text, len) != (ssize_t)len)
		rc = -1;
	if (fd != -1 && close(fd) != 0)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "momentum-console: cannot write %s: %s\n",
		    path, strerror(errno));
	free(text);
	return rc;
}

/* The confirmation: given on the command line, or typed at a terminal. */
static char *
get_confirmation(const struct action_args *a, const struct action_plan *p)
{
	char line[256];
	size_t n;

	if (a->yes_i_typed != NULL) {
		if (strcmp(a->yes_i_typed, p->env) == 0)
			return xstrdup(p->confirm_word);
		return xstrdup(a->yes_i_typed);
	}
	if (a->confirm != NULL)
		return xstrdup(a->confirm);
	if (!isatty(STDIN_FILENO))
		return NULL;
	printf("Type \"%s\" to go ahead: ", p->confirm_word);
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		return xstrdup("");
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return xstrdup(line);
}

static void
progress_print(void *arg, const char *status, int64_t elapsed_ms)
{
	const char *op = arg;

	printf("  operation %s: %s (%lld s)\n", op, status,
	    (long long)(elapsed_ms / 1000));
	fflush(stdout);
}

static int
action_run(struct action_engine *e, const struct action_args *a,
    struct action_plan *p)
{
	struct action_outcome out;
	enum action_result r;
	char *text, *confirm, *cause = NULL, *status;
	size_t i;
	int rc;

	text = action_plan_describe(p);
	fputs(text, stdout);
	free(text);
	fflush(stdout);
	if (a->preview_only != NULL) {
		if (write_plan(a->preview_only, p) != 0)
			return EX_USAGE;
		printf("plan %s written to %s\n", p->id, a->preview_only);
		return EX_DONE;
	}
	confirm = get_confirmation(a, p);
	if (confirm == NULL) {
		fprintf(stderr, "momentum-console: refused: confirmation "
		    "required: pass --confirm %s (stdin is not a terminal); "
		    "nothing was sent\n", p->confirm_word);
		return EX_REFUSED;
	}
	r = action_execute(e, p, confirm, &out);
	free(confirm);
	switch (r) {
	case ACTION_SUBMITTED:
	case ACTION_APPLIED_AFTER_TIMEOUT:
		printf("%s\n", out.message);
		rc = EX_DONE;
		break;
	case ACTION_REFUSED:
		fprintf(stderr, "momentum-console: %s\n", out.message);
		rc = EX_REFUSED;
		break;
	case ACTION_NOT_APPLIED:
		fprintf(stderr, "momentum-console: %s\n", out.message);
		rc = EX_FAILED;
		break;
	default:
		fprintf(stderr, "momentum-console: %s\n", out.message);
		rc = EX_UNKNOWN;
		break;
	}
	if (r != ACTION_REFUSED) {
		printf("  caller: %s\n", out.caller_arn != NULL ?
		    out.caller_arn : "unknown");
		for (i = 0; i < out.nrequest_ids; i++)
			printf("  request id: %s\n", out.request_ids[i]);
		printf("  audit log: %s\n", action_engine_audit_path(e));
	}
	if (rc == EX_DONE && !a->no_wait && out.operation_id != NULL) {
		status = action_track(e, p, out.operation_id,
		    (int64_t)a->wait_timeout_s * 1000, progress_print,
		    out.operation_id, NULL, &cause);
		if (status == NULL) {
			fprintf(stderr, "momentum-console: %s\n", cause);
			free(cause);
			rc = EX_UNKNOWN;
		} else {
			printf("operation %s %s\n", out.operation_id, status);
			if (strcmp(status, "SUCCEEDED") != 0)
				rc = EX_FAILED;
			free(status);
		}
	}
	action_outcome_clear(&out);
	return rc;
}

int
cli_action_main(int argc, char **argv)
{
	struct action_options opt = { 0 };
	struct action_args a;
	struct action_engine *e = NULL;
	struct action_plan *p = NULL, *fresh;
	struct config *cf = NULL;
	char *cause = NULL, *text;
	size_t i, len;
	int rc;

	if ((rc = action_parse(argc, argv, &a)) != 0)
		return rc;
	if (config_load(a.config, &cf, &cause) != 0) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		return EX_USAGE;
	}
	for (i = 0; i < cf->nwarnings; i++)
		fprintf(stderr, "momentum-console: %s\n", cf->warnings[i]);
	if (a.read_only)
		aws_set_global_read_only();
	opt.audit_path = a.audit_log;
	opt.read_only_why = a.read_only ? "--read-only" : NULL;
	opt.write_timeout_ms = a.write_timeout_ms;
	opt.track_interval_ms = a.poll_interval_ms;
	e = action_engine_new(cf, &opt);

	if (a.execute_plan != NULL) {
		text = read_file(a.execute_plan, &len, &cause);
		if (text != NULL)
			p = action_plan_from_json(text, &cause);
		free(text);
		if (p == NULL) {
			fprintf(stderr, "momentum-console: %s: %s\n",
			    a.execute_plan, cause);
			free(cause);
			rc = EX_USAGE;
			goto out;
		}
		/* Only what the config and the service say now runs. */
		fresh = action_plan_reconcile(e, p, &cause);
		action_plan_free(p);
		p = fresh;
		if (p == NULL) {
			fprintf(stderr, "momentum-console: refused: %s\n",
			    cause);
			free(cause);
			rc = EX_REFUSED;
			goto out;
		}
		rc = action_run(e, &a, p);
		goto out;
	}
	if (a.verb != NULL && strcmp(a.verb, "history") == 0) {
		rc = action_history_print(e, a.env, a.service);
		goto out;
	}
	if (action_preview(e, &a.req, &p, &cause) != 0) {
		fprintf(stderr, "momentum-console: refused: %s\n", cause);
		free(cause);
		rc = EX_REFUSED;
		goto out;
	}
	rc = action_run(e, &a, p);
out:
	action_plan_free(p);
	action_engine_free(e);
	config_free(cf);
	return rc;
}
