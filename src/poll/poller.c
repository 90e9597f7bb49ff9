/* Background pollers: one thread per (environment, source) plus one for logs. */
#include "poll/poller.h"

#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/apprunner.h"
#include "aws/client.h"
#include "aws/cloudwatch.h"
#include "aws/costexplorer.h"
#include "aws/ecr.h"
#include "aws/logs.h"
#include "config/config.h"
#include "model/logstore.h"
#include "model/snapshot.h"
#include "poll/metrics.h"
#include "util/util.h"

#define MAX_PAGES 10		/* per poll, for any paginated call */
#define MAX_HISTORY_ALARMS 10	/* DescribeAlarmHistory calls per alarms poll */
#define LOG_OVERLAP_MS 60000	/* re-read this much before the newest event */
#define LOG_FIRST_WINDOW_MS (5 * 60000)
#define LOG_MAX_PAGES 5
#define DIGEST_TTL_MS (5 * 60000)
#define METRICS_MIN_GAP_MS 20000.0

enum job_kind { JOB_SERVICES, JOB_METRICS, JOB_ALARMS, JOB_COST, JOB_LOGS,
	JOB_NKINDS };

struct job {
	struct poller *p;
	enum job_kind kind;
	int env;			/* -1 for the logs job */
	pthread_t thread;
	bool started;
	pthread_cond_t cond;		/* signalled to wake this job */
	/* Under p->lock. */
	bool kick;			/* refresh now */
	int64_t last_run;		/* mono ms of the last run's end, 0 = never */
	int64_t next_override;		/* mono ms a job asked for, 0 = none */
	/* Only the job's own thread touches these. */
	struct snapshot *last;		/* last snapshot this job published */
};

struct resolved {			/* what ListServices told us */
	char *role, *name, *id, *arn;
};

struct asc_entry {			/* AutoScalingConfiguration revisions are immutable */
	char *arn;
	int min, max, conc;
};

struct digest_entry {			/* what ECR said about an image identifier */
	char *image;
	char *digest;
	char *tag;
	int64_t at;
};

struct env_state {
	struct aws_client *client;	/* set before threads start; thread-safe */
	/* Under p->lock. */
	struct resolved *res;
	size_t nres;
	bool detail_pending;
	char *detail_role;
	enum detail_window detail_window;
	/* Services thread only. */
	struct asc_entry *ascs;
	size_t nascs;
	struct digest_entry *digests;
	size_t ndigests;
	/* Cost thread only. */
	int64_t cost_fetched_ms;	/* wall ms of the data we show */
	bool cost_cache_read;
};

struct poller {
	const struct config *cf;
	struct store *st;
	struct logstore *ls;
	struct poller_options opt;
	char *cache_dir;
	/*
	 * Lock order: p->lock before the log store's mutex.  The UI must not
	 * call poller_* between logstore_lock() and logstore_unlock().
	 */
	size_t nenv;
	struct env_state *envs;
	struct job *jobs;
	size_t njobs;

	/* Everything below under lock. */
	pthread_mutex_t lock;
	bool stop;
	bool running;
	size_t nexited;			/* threads that left job_main */
	pthread_cond_t exited;		/* signalled as each one leaves */
	int focus;
	int log_env;			/* -1 = no target */
	char *log_role;
	char *log_filter;
	uint64_t log_gen;		/* bumped when the target changes */
	double tokens;			/* FilterLogEvents token bucket */
	int64_t tokens_at;		/* mono ms of the last refill */

	/* Logs thread only. */
	int64_t log_cursor;		/* resume here after a truncated poll */
	uint64_t log_cursor_gen;	/* target the cursor belongs to */
};

static void
cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

/* Wait on c (p->lock held) until mono ms deadline. */
static void
cond_wait_until(struct poller *p, pthread_cond_t *c, int64_t deadline)
{
	struct timespec ts;

	ts.tv_sec = deadline / 1000;
	ts.tv_nsec = (deadline % 1000) * 1000000L;
	pthread_cond_timedwait(c, &p->lock, &ts);
}

static cJSON *
call(struct poller *p, int env, enum aws_service_id svc, const char *op,
    const cJSON *req, struct aws_error *err)
{
	if (p->opt.call != NULL)
		return p->opt.call(p->opt.call_arg, p->envs[env].client, env,
		    svc, op, req, err);
	return aws_call_json(p->envs[env].client, svc, op, req, err);
}

/*
 * As call(), for callers that parse the raw body themselves (*len
 * bytes, caller frees).  An injected call's tree is printed back to
 * JSON, so tests run the same parser.
 */
static char *
call_body(struct poller *p, int env, enum aws_service_id svc, const char *op,
    const cJSON *req, size_t *len, struct aws_error *err)
{
	cJSON *resp;
	char *body;

	if (p->opt.call == NULL)
		return aws_call_json_body(p->envs[env].client, svc, op, req,
		    len, err);
	*len = 0;
	if ((resp = p->opt.call(p->opt.call_arg, p->envs[env].client, env,
	    svc, op, req, err)) == NULL)
		return NULL;
	if ((body = cJSON_PrintUnformatted(resp)) == NULL)
		fatal("cJSON_PrintUnformatted failed");
	cJSON_Delete(resp);
	*len = strlen(body);
	return body;
}

/* A failed parse becomes an AWS_ERR_PARSE error. */
static void
parse_error(struct aws_error *err, char *cause)
{
	aws_error_set(err, AWS_ERR_PARSE, "BadResponse", 0, "%s", cause);
	free(cause);
}

static int64_t
base_interval_ms(const struct poller *p, enum job_kind k)
{
	const struct config_refresh *r = &p->cf->refresh;
	int s;

	switch (k) {
	case JOB_SERVICES:
		s = r->services;
		break;
	case JOB_METRICS:
		s = r->metrics;
		break;
	case JOB_ALARMS:
		s = r->alarms;
		break;
	case JOB_COST:
		s = r->cost;
		break;
	default:
		s = r->logs;
		break;
	}
	if (s < 1)
		s = 1;
	return (int64_t)s * 1000;
}

/* Interval of job j now, with focus (p->lock held). */
static int64_t
interval_ms(const struct poller *p, const struct job *j)
{
	double ms = (double)base_interval_ms(p, j->kind);

	if (j->env >= 0 && j->env != p->focus && j->kind != JOB_COST)
		ms *= p->cf->refresh.background > 0 ? p->cf->refresh.background : 1;
	ms *= p->opt.rate_scale;
	return ms < 1 ? 1 : (int64_t)ms;
}

/* Publish data (or a failure keeping the last data) for job j. */
static void
publish(struct job *j, enum source src, void *data, void (*free_data)(void *),
    int64_t fetched_ms, struct aws_error *err)
{
	struct snapshot *s;
	char *msg;

	if (data != NULL) {
		s = snapshot_new(src, j->env, data, free_data);
		s->fetched_at_ms = fetched_ms;
		s->attempted_at_ms = now_ms();
	} else {
		msg = aws_error_format(err);
		s = snapshot_new_failed(j->last, src, j->env, now_ms(), msg,
		    aws_error_short(err));
		free(msg);
	}
	snapshot_ref(s);
	store_publish(j->p->st, s);
	snapshot_unref(j->last);
	j->last = s;
}

/* ---- service resolution (shared) ------------------------------------ */

static void
resolved_free(struct resolved *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].role);
		free(r[i].name);
		free(r[i].id);
		free(r[i].arn);
	}
	free(r);
}

static struct resolved *
resolved_dup(const struct resolved *src, size_t n)
{
	struct resolved *r;
	size_t i;

	r = xcalloc(n ? n : 1, sizeof *r);
	for (i = 0; i < n; i++) {
		r[i].role = xstrdup(src[i].role);
		r[i].name = xstrdup(src[i].name);
		r[i].id = xstrdup(src[i].id);
		r[i].arn = xstrdup(src[i].arn);
	}
	return r;
}

/* Store what we learnt about env's services (any thread). */
static void
set_resolved(struct poller *p, int env, struct resolved *r, size_t n)
{
	struct env_state *es = &p->envs[env];
	struct resolved *old;
	size_t nold;

	pthread_mutex_lock(&p->lock);
	old = es->res;
	nold = es->nres;
	es->res = r;
	es->nres = n;
	pthread_mutex_unlock(&p->lock);
	resolved_free(old, nold);
}

/* Copy of the resolved services (caller frees with resolved_free). */
static struct resolved *
get_resolved(struct poller *p, int env, size_t *n)
{
	struct env_state *es = &p->envs[env];
	struct resolved *r;

	pthread_mutex_lock(&p->lock);
	*n = es->nres;
	r = resolved_dup(es->res, es->nres);
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* ListServices, every page (up to MAX_PAGES). */
static int
list_services(struct poller *p, int env, struct apprunner_summary **out,
    size_t *n, struct aws_error *err)
{
	cJSON *req, *resp;
	char *next = NULL, *cause = NULL;
	int page;

	*out = NULL;
	*n = 0;
	for (page = 0; page < MAX_PAGES; page++) {
		req = apprunner_list_services_request(next);
		free(next);
		next = NULL;
		resp = call(p, env, AWS_SVC_APPRUNNER, "ListServices", req, err);
		cJSON_Delete(req);
		if (resp == NULL)
			return -1;
		if (apprunner_parse_list_services(resp, out, n, &next,
		    &cause) != 0) {
			cJSON_Delete(resp);
			parse_error(err, cause);
			return -1;
		}
		cJSON_Delete(resp);
		if (next == NULL)
			break;
	}
	free(next);
	return 0;
}

/* Match configured services against ListServices: arn first, then name. */
static struct resolved *
resolve(const struct config_env *ce, const struct apprunner_summary *s,
    size_t ns, size_t *n)
{
	const struct config_service *cs;
	struct resolved *r;
	size_t i, k;

	r = xcalloc(ce->nservices ? ce->nservices : 1, sizeof *r);
	for (i = 0; i < ce->nservices; i++) {
		cs = &ce->services[i];
		r[i].role = xstrdup(cs->role);
		r[i].name = xstrdup(cs->service_name);
		r[i].arn = xstrdup(cs->service_arn);
		for (k = 0; k < ns; k++) {
			if ((cs->service_arn != NULL && s[k].arn != NULL &&
			    strcmp(cs->service_arn, s[k].arn) == 0) ||
			    (cs->service_arn == NULL && s[k].name != NULL &&
			    strcmp(cs->service_name, s[k].name) == 0)) {
				free(r[i].arn);
				free(r[i].name);
				r[i].arn = xstrdup(s[k].arn);
				r[i].name = xstrdup(s[k].name);
				r[i].id = xstrdup(s[k].id);
				break;
			}
		}
	}
	*n = ce->nservices;
	return r;
}

/* Resolved services, asking ListServices when any id is missing. */
static struct resolved *
resolved_or_list(struct poller *p, int env, size_t *n, struct aws_error *err)
{
	struct apprunner_summary *s;
	struct resolved *r;
	size_t ns, i;
	bool missing = false;

	r = get_resolved(p, env, n);
	for (i = 0; i < *n; i++)
		missing |= r[i].id == NULL;
	if (*n > 0 && !missing)
		return r;
	resolved_free(r, *n);
	if (list_services(p, env, &s, &ns, err) != 0)
		return NULL;
	r = resolve(&p->cf->envs[env], s, ns, n);
	apprunner_summaries_free(s, ns);
	set_resolved(p, env, resolved_dup(r, *n), *n);
	return r;
}

/* ---- App Runner: services, operations, scaling, image digest ---------- */

static bool
asc_lookup(struct env_state *es, const char *arn, struct service_info *si)
{
	size_t i;

	for (i = 0; i < es->nascs; i++) {
		if (strcmp(es->ascs[i].arn, arn) == 0) {
			si->min_size = es->ascs[i].min;
			si->max_size = es->ascs[i].max;
			si->max_concurrency = es->ascs[i].conc;
			return true;
		}
	}
	return false;
}

static void
fill_asc(struct poller *p, int env, struct service_info *si)
{
	struct env_state *es = &p->envs[env];
	struct aws_error err = { 0 };
	cJSON *req, *resp;
	char *cause = NULL;
	struct asc_entry *a;

	if (si->asc_arn == NULL || asc_lookup(es, si->asc_arn, si))
		return;
	req = apprunner_describe_asc_request(si->asc_arn);
	resp = call(p, env, AWS_SVC_APPRUNNER,
	    "DescribeAutoScalingConfiguration", req, &err);
	cJSON_Delete(req);
	if (resp == NULL) {
		/* Scaling limits are extra detail: the row still shows. */
		aws_error_clear(&err);
		return;
	}
	es->ascs = xreallocarray(es->ascs, es->nascs + 1, sizeof *es->ascs);
	a = &es->ascs[es->nascs];
	if (apprunner_parse_describe_asc(resp, &a->min, &a->max, &a->conc,
	    &cause) == 0) {
		a->arn = xstrdup(si->asc_arn);
		es->nascs++;
		asc_lookup(es, si->asc_arn, si);
	} else
		free(cause);
	cJSON_Delete(resp);
}

static void
fill_ops(struct poller *p, int env, struct service_info *si)
{
	struct aws_error err = { 0 };
	cJSON *req, *resp;
	char *cause = NULL;

	req = apprunner_list_operations_request(si->arn, 10);
	resp = call(p, env, AWS_SVC_APPRUNNER, "ListOperations", req, &err);
	cJSON_Delete(req);
	if (resp == NULL) {
		aws_error_clear(&err);
		return;
	}
	if (apprunner_parse_list_operations(resp, &si->ops, &si->nops,
	    &cause) != 0)
		free(cause);
	cJSON_Delete(resp);
}

/* A tag worth showing: the first that is not "latest". */
static const char *
pick_tag(const struct ecr_image *im)
{
	size_t i;

	for (i = 0; i < im->ntags; i++) {
		if (strcmp(im->tags[i], "latest") != 0)
			return im->tags[i];
	}
	return im->ntags > 0 ? im->tags[0] : NULL;
}

/*
 * The digest behind a tag, or a tag of a digest, from ECR, cached for a
 * few minutes per image identifier.
 */
static void
fill_image(struct poller *p, int env, const struct config_service *cs,
    struct service_info *si)
{
	struct env_state *es = &p->envs[env];
	struct aws_error err = { 0 };
	struct ecr_image *im;
	struct digest_entry *d = NULL;
	cJSON *req, *resp;
	char *repo, *tag, *digest, *cause = NULL;
	size_t i, n;
	int64_t now = mono_ms();

	if (si->image == NULL || ecr_split_image_uri(si->image, &repo, &tag,
	    &digest) != 0)
		return;
	if (tag != NULL && si->image_tag == NULL)
		si->image_tag = xstrdup(tag);
	if (si->image_digest == NULL && digest != NULL)
		si->image_digest = xstrdup(digest);
	free(repo);
	if ((si->image_digest != NULL && si->image_tag != NULL) || cs == NULL ||
	    cs->ecr_repo == NULL) {
		free(tag);
		free(digest);
		return;
	}
	for (i = 0; i < es->ndigests; i++) {
		if (strcmp(es->digests[i].image, si->image) == 0)
			d = &es->digests[i];
	}
	if (d == NULL || now - d->at >= DIGEST_TTL_MS) {
		req = ecr_describe_images_request(cs->ecr_repo, tag, digest);
		resp = call(p, env, AWS_SVC_ECR, "DescribeImages", req, &err);
		cJSON_Delete(req);
		if (resp == NULL)
			aws_error_clear(&err);
		else if (ecr_parse_describe_images(resp, &im, &n,
		    &cause) != 0)
			free(cause);
		else {
			if (d == NULL) {
				es->digests = xreallocarray(es->digests,
				    es->ndigests + 1, sizeof *es->digests);
				d = &es->digests[es->ndigests++];
				memset(d, 0, sizeof *d);
				d->image = xstrdup(si->image);
			}
			free(d->digest);
			free(d->tag);
			d->digest = n > 0 ? xstrdup(im[0].digest) : NULL;
			d->tag = n > 0 ? xstrdup(pick_tag(&im[0])) : NULL;
			d->at = now;
			ecr_images_free(im, n);
		}
		cJSON_Delete(resp);
	}
	if (d != NULL && si->image_digest == NULL)
		si->image_digest = xstrdup(d->digest);
	if (d != NULL && si->image_tag == NULL)
		si->image_tag = xstrdup(d->tag);
	free(tag);
	free(digest);
}

static void
run_services(struct job *j)
{
	struct poller *p = j->p;
	const struct config_env *ce = &p->cf->envs[j->env];
	struct aws_error err = { 0 };
	struct apprunner_summary *sum;
	struct services_data *d;
	struct service_info *si;
	struct resolved *r;
	cJSON *req, *resp;
	char *cause = NULL;
	size_t ns, nr, i;

	if (list_services(p, j->env, &sum, &ns, &err) != 0) {
		publish(j, SRC_SERVICES, NULL, NULL, 0, &err);
		aws_error_clear(&err);
		return;
	}
	r = resolve(ce, sum, ns, &nr);
	d = xcalloc(1, sizeof *d);
	d->svcs = xcalloc(nr ? nr : 1, sizeof *d->svcs);
	d->n = nr;
	for (i = 0; i < nr; i++) {
		si = &d->svcs[i];
		si->role = xstrdup(r[i].role);
		si->name = xstrdup(r[i].name);
		si->arn = xstrdup(r[i].arn);
		si->id = xstrdup(r[i].id);
		if (r[i].arn == NULL) {
			/* Configured but not in this account/region. */
			si->status = xstrdup("NOT_FOUND");
			continue;
		}
		req = apprunner_describe_service_request(r[i].arn);
		resp = call(p, j->env, AWS_SVC_APPRUNNER, "DescribeService",
		    req, &err);
		cJSON_Delete(req);
		if (resp == NULL)
			break;
		if (apprunner_parse_describe_service(resp, si, &cause) != 0) {
			cJSON_Delete(resp);
			parse_error(&err, cause);
			break;
		}
		cJSON_Delete(resp);
		fill_asc(p, j->env, si);
		fill_ops(p, j->env, si);
		fill_image(p, j->env, &ce->services[i], si);
	}
	apprunner_summaries_free(sum, ns);
	set_resolved(p, j->env, r, nr);
	if (err.kind != AWS_ERR_NONE) {
		services_data_free(d);
		publish(j, SRC_SERVICES, NULL, NULL, 0, &err);
		aws_error_clear(&err);
		return;
	}
	publish(j, SRC_SERVICES, d, services_data_free, now_ms(), NULL);
}

/* ---- metrics ----------------------------------------------------------- */

static struct metrics_data *
fetch_metrics(struct poller *p, int env, const struct config_env *ce,
    const struct resolved *r, size_t nr, int64_t start, int64_t end,
    int period, struct aws_error *err)
{
	struct metrics_ids *ids;
	struct metrics_plan *plan;
	struct cw_result *res = NULL;
	struct metrics_data *md = NULL;
	cJSON *req, *resp;
	char *next = NULL, *cause = NULL;
	size_t i, nres = 0;
	int page;

	ids = xcalloc(nr ? nr : 1, sizeof *ids);
	for (i = 0; i < nr; i++)
		ids[i] = (struct metrics_ids){ r[i].role, r[i].name, r[i].id };
	plan = metrics_plan_new(ce, ids, nr, start, end, period);
	free(ids);
	for (page = 0; plan->nq > 0 && page < MAX_PAGES; page++) {
		/* One batch: at most CW_MAX_QUERIES queries in the call. */
		req = cloudwatch_get_metric_data_request(plan->q, plan->nq,
		    start, end, next);
		free(next);
		next = NULL;
		resp = call(p, env, AWS_SVC_CLOUDWATCH, "GetMetricData", req,
		    err);
		cJSON_Delete(req);
		if (resp == NULL)
			goto out;
		if (cloudwatch_parse_get_metric_data(resp, &res, &nres, &next,
		    &cause) != 0) {
			cJSON_Delete(resp);
			parse_error(err, cause);
			goto out;
		}
		cJSON_Delete(resp);
		if (next == NULL)
			break;
	}
	md = metrics_plan_apply(plan, res, nres);
out:
	free(next);
	cw_results_free(res, nres);
	metrics_plan_free(plan);
	return md;
}

static void
run_metrics(struct job *j)
{
	struct poller *p = j->p;
	struct aws_error err = { 0 };
	struct metrics_data *md = NULL;
	struct resolved *r;
	size_t nr;
	int64_t end;

	/* Whole minutes: the newest complete period is the last point. */
	end = now_ms() / 1000 / 60 * 60;
	if ((r = resolved_or_list(p, j->env, &nr, &err)) != NULL) {
		md = fetch_metrics(p, j->env, &p->cf->envs[j->env], r, nr,
		    end - 3600, end, 60, &err);
		resolved_free(r, nr);
	}
	if (md != NULL)
		publish(j, SRC_METRICS, md, metrics_data_free, now_ms(), NULL);
	else
		publish(j, SRC_METRICS, NULL, NULL, 0, &err);
	aws_error_clear(&err);
}

static void
run_detail(struct job *j, const char *role, enum detail_window w)
{
	struct poller *p = j->p;
	struct aws_error err = { 0 };
	struct metrics_data *md = NULL;
	struct detail_data *dd;
	struct snapshot *s;
	struct resolved *r;
	size_t nr, i;
	int64_t end, span;
	int period;

	period = detail_window_period(w);
	span = detail_window_seconds(w);
	end = now_ms() / 1000 / period * period;
	if ((r = resolved_or_list(p, j->env, &nr, &err)) != NULL) {
		for (i = 0; i < nr; i++) {
			if (strcmp(r[i].role, role) == 0)
				break;
		}
		if (i == nr)
			aws_error_set(&err, AWS_ERR_CONFIG, "UnknownService", 0,
			    "no service '%s' in environment %s", role,
			    p->cf->envs[j->env].name);
		else if (r[i].id == NULL)
			aws_error_set(&err, AWS_ERR_CONFIG, "ServiceNotFound",
			    0, "%s not found by ListServices", r[i].name);
		else
			md = fetch_metrics(p, j->env, NULL, &r[i], 1,
			    end - span, end, period, &err);
		resolved_free(r, nr);
	}
	if (md != NULL) {
		dd = xcalloc(1, sizeof *dd);
		dd->role = xstrdup(role);
		dd->window = w;
		dd->range_start = md->range_start;
		dd->range_end = md->range_end;
		dd->period = md->period;
		dd->m = md->svcs[0];
		md->nsvcs = 0;	/* moved into dd */
		metrics_data_free(md);
		s = snapshot_new(SRC_DETAIL, j->env, dd, detail_data_free);
		s->fetched_at_ms = s->attempted_at_ms = now_ms();
		store_publish(p->st, s);
	} else {
		char *msg = aws_error_format(&err);

		s = snapshot_new_failed(NULL, SRC_DETAIL, j->env, now_ms(),
		    msg, aws_error_short(&err));
		free(msg);
		store_publish(p->st, s);
	}
	aws_error_clear(&err);
}

/* ---- alarms ------------------------------------------------------------ */

static void
run_alarms(struct job *j)
{
	struct poller *p = j->p;
	const struct config_env *ce = &p->cf->envs[j->env];
	struct aws_error err = { 0 };
	struct alarms_data *d;
	struct alarm_info *a;
	cJSON *req, *resp;
	char *next = NULL, *cause = NULL;
	size_t i, nhist = 0;
	int page;

	d = xcalloc(1, sizeof *d);
	for (page = 0; page < MAX_PAGES; page++) {
		req = cloudwatch_describe_alarms_request(ce->alarm_prefix, next);
		free(next);
		next = NULL;
		resp = call(p, j->env, AWS_SVC_CLOUDWATCH, "DescribeAlarms",
		    req, &err);
		cJSON_Delete(req);
		if (resp == NULL)
			goto fail;
		if (cloudwatch_parse_describe_alarms(resp, ce->name, &d->alarms,
		    &d->n, &next, &cause) != 0) {
			cJSON_Delete(resp);
			parse_error(&err, cause);
			goto fail;
		}
		cJSON_Delete(resp);
		if (next == NULL)
			break;
	}
	free(next);
	alarms_data_sort(d);
	/* History for firing alarms only, and only a few per poll. */
	for (i = 0; i < d->n && nhist < MAX_HISTORY_ALARMS; i++) {
		a = &d->alarms[i];
		if (strcmp(a->state, "ALARM") != 0)
			break;
		nhist++;
		req = cloudwatch_describe_alarm_history_request(a->name, 5);
		resp = call(p, j->env, AWS_SVC_CLOUDWATCH,
		    "DescribeAlarmHistory", req, &err);
		cJSON_Delete(req);
		if (resp == NULL) {
			aws_error_clear(&err);
			continue;
		}
		if (cloudwatch_parse_alarm_history(resp, &a->hist, &a->nhist,
		    &cause) != 0)
			free(cause);
		cJSON_Delete(resp);
	}
	publish(j, SRC_ALARMS, d, alarms_data_free, now_ms(), NULL);
	return;
fail:
	free(next);
	alarms_data_free(d);
	publish(j, SRC_ALARMS, NULL, NULL, 0, &err);
	aws_error_clear(&err);
}

/* ---- cost -------------------------------------------------------------- */

/*
 * The cost cache lives in a directory only we can write: a planted
 * symlink or file there must not make us truncate, or read, someone
 * else's file.  Files are opened relative to the directory's fd with
 * O_NOFOLLOW, temp files are O_EXCL with a random name and mode 0600.
 */

#define COST_CACHE_MAX	(1024 * 1024)

static char *
cost_cache_name(const struct poller *p, int env)
{
	return xasprintf("cost-%s.json", p->cf->envs[env].name);
}

/* mkdir -p, each new directory 0700.  0, or -1 and *cause. */
static int
cache_mkdirs(const char *dir, char **cause)
{
	char *d = xstrdup(dir), *s;
	int rc = 0;

	for (s = d + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;

		*s = '\0';
		if (*d != '\0' && mkdir(d, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", d,
			    strerror(errno));
			rc = -1;
			break;
		}
		*s = saved;
		if (saved == '\0')
			break;
	}
	free(d);
	return rc;
}

/*
 * Open the cache directory (creating it 0700) if it is ours and not
 * writable by group or others.  The fd, or -1 and *cause.
 */
static int
cache_dir_open(const char *dir, bool create, char **cause)
{
	struct stat sb;
	int fd;

	if (create && cache_mkdirs(dir, cause) != 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		*cause = xasprintf("cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		*cause = xasprintf("cannot stat %s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	if (sb.st_uid != getuid()) {
		*cause = xasprintf("%s belongs to uid %ld, not to us", dir,
		    (long)sb.st_uid);
		close(fd);
		return -1;
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		*cause = xasprintf("%s is writable by group or others (mode "
		    "%03o)", dir, (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -1;
	}
	return fd;
}

/* A temp name nobody can guess: ".cost-ENV.json.<16 hex>.tmp". */
static char *
cache_tmp_name(const char *name)
{
	static uint64_t counter;
	unsigned char r[8];
	uint64_t v = 0;
	size_t i;

	if (getrandom(r, sizeof r, 0) == (ssize_t)sizeof r) {
		for (i = 0; i < sizeof r; i++)
			v = v << 8 | r[i];
	} else {
		v = (uint64_t)mono_ms() * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)getpid() << 32 ^
		    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	}
	return xasprintf(".%s.%016llx.tmp", name, (unsigned long long)v);
}

static int
write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, s, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
cost_cache_write(const struct poller *p, int env, const struct cost_data *d,
    int64_t fetched)
{
	char *name, *tmp = NULL, *text, *cause = NULL;
	int dfd, fd = -1, tries;
	bool ok;

	if (p->opt.no_cost_cache || p->cache_dir == NULL)
		return;
	/* Checked (and reported) at startup; again here, quietly. */
	if ((dfd = cache_dir_open(p->cache_dir, true, &cause)) == -1) {
		free(cause);
		return;
	}
	name = cost_cache_name(p, env);
	for (tries = 0; tries < 8 && fd == -1; tries++) {
		free(tmp);
		tmp = cache_tmp_name(name);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd != -1) {
		text = cost_cache_encode(d, fetched);
		ok = write_all(fd, text, strlen(text)) == 0;
		ok = close(fd) == 0 && ok;
		if (!ok || renameat(dfd, tmp, dfd, name) != 0)
			unlinkat(dfd, tmp, 0);
		free(text);
	}
	close(dfd);
	free(tmp);
	free(name);
}

/* The cache file's text, or NULL: not a symlink, ours, a regular file. */
static char *
cost_cache_read(const struct poller *p, int env)
{
	struct buf b = { 0 };
	struct stat sb;
	char chunk[8192], *name, *cause = NULL;
	int dfd, fd;
	ssize_t n;

	if ((dfd = cache_dir_open(p->cache_dir, false, &cause)) == -1) {
		free(cause);
		return NULL;
	}
	name = cost_cache_name(p, env);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	free(name);
	close(dfd);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != getuid() || sb.st_size > COST_CACHE_MAX) {
		close(fd);
		return NULL;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_append(&b, chunk, (size_t)n);
		if (b.len > COST_CACHE_MAX)
			n = -1;
	}
	close(fd);
	if (n < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static void
cost_cache_load(struct job *j)
{
	struct poller *p = j->p;
	struct env_state *es = &p->envs[j->env];
	const struct config_env *ce = &p->cf->envs[j->env];
	struct cost_data *d;
	struct snapshot *s;
	char *text, *cause = NULL;
	int64_t fetched;

	es->cost_cache_read = true;
	if (p->opt.no_cost_cache || p->cache_dir == NULL)
		return;
	if ((text = cost_cache_read(p, j->env)) == NULL)
		return;
	d = cost_cache_decode(text, now_ms() / 1000, &fetched, &cause);
	free(text);
	if (d == NULL) {
		free(cause);
		return;
	}
	d->budget_low = ce->budget_low;
	d->budget_high = ce->budget_high;
	es->cost_fetched_ms = fetched;
	s = snapshot_new(SRC_COST, j->env, d, cost_data_free);
	s->fetched_at_ms = fetched;
	s->attempted_at_ms = fetched;
	snapshot_ref(s);
	store_publish(p->st, s);
	j->last = s;
}

static void
run_cost(struct job *j)
{
	struct poller *p = j->p;
	struct env_state *es = &p->envs[j->env];
	const struct config_env *ce = &p->cf->envs[j->env];
	struct aws_error err = { 0 };
	struct cost_data *d;
	cJSON *req, *resp;
	char start[11], end[11], fs[11], fe[11], *next = NULL, *cause = NULL;
	const char *tk = ce->cost_tag_key, *tv = ce->cost_tag_value;
	double fc;
	int64_t now = now_ms(), fetched;
	int days, page, mdays;
	struct tm tm;
	time_t t;

	if (!es->cost_cache_read)
		cost_cache_load(j);
	/* Cost Explorer is billed per request and changes a few times a day. */
	if (es->cost_fetched_ms > 0 && now - es->cost_fetched_ms <
	    (int64_t)((double)base_interval_ms(p, JOB_COST) * p->opt.rate_scale))
		return;

	ce_month_window(now / 1000, start, end, fs, fe, &days);
	d = xcalloc(1, sizeof *d);
	for (page = 0; page < MAX_PAGES; page++) {
		req = ce_cost_and_usage_request(start, end, tk, tv, next);
		free(next);
		next = NULL;
		resp = call(p, j->env, AWS_SVC_CE, "GetCostAndUsage", req, &err);
		cJSON_Delete(req);
		if (resp == NULL)
			goto fail;
		if (ce_parse_cost_and_usage(resp, d, &next, &cause) != 0) {
			cJSON_Delete(resp);
			parse_error(&err, cause);
			goto fail;
		}
		cJSON_Delete(resp);
		if (next == NULL)
			break;
	}
	free(next);
	next = NULL;
	fetched = now_ms();
	t = (time_t)(now / 1000);
	gmtime_r(&t, &tm);
	tm.tm_mon++;
	tm.tm_mday = 0;		/* last day of this month */
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	mdays = tm.tm_mday;
	req = ce_forecast_request(fs, fe, tk, tv);
	resp = call(p, j->env, AWS_SVC_CE, "GetCostForecast", req, &err);
	cJSON_Delete(req);
	if (resp != NULL && ce_parse_forecast(resp, &fc, &cause) == 0)
		d->forecast = d->mtd + fc;
	else {
		/* New accounts have no forecast: extrapolate the month. */
		if (resp != NULL)
			free(cause);
		aws_error_clear(&err);
		d->forecast = days > 0 ? d->mtd * mdays / days : d->mtd;
	}
	cJSON_Delete(resp);
	d->budget_low = ce->budget_low;
	d->budget_high = ce->budget_high;
	if (d->ndays < days)
		d->ndays = days;
	es->cost_fetched_ms = fetched;
	cost_cache_write(p, j->env, d, fetched);
	publish(j, SRC_COST, d, cost_data_free, fetched, NULL);
	return;
fail:
	free(next);
	cost_data_free(d);
	publish(j, SRC_COST, NULL, NULL, 0, &err);
	aws_error_clear(&err);
	/* Do not retry a paid call at full speed: wait a tenth of the interval. */
	es->cost_fetched_ms = now - (int64_t)((double)base_interval_ms(p,
	    JOB_COST) * p->opt.rate_scale * 0.9);
}

/* ---- logs -------------------------------------------------------------- */

/* Take one FilterLogEvents token; false when stopping or retargeted. */
static bool
take_token(struct job *j, uint64_t gen)
{
	struct poller *p = j->p;
	double rate = p->opt.logs_per_sec;
	int64_t now, wait;
	bool ok = false;

	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->log_gen == gen) {
		now = mono_ms();
		p->tokens += (double)(now - p->tokens_at) * rate / 1000.0;
		if (p->tokens > rate)
			p->tokens = rate;	/* burst of one second */
		p->tokens_at = now;
		if (p->tokens >= 1) {
			p->tokens -= 1;
			ok = true;
			break;
		}
		wait = (int64_t)ceil((1 - p->tokens) * 1000.0 / rate);
		cond_wait_until(p, &j->cond, now + (wait < 1 ? 1 : wait));
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}

/* Log groups for role in env: configured names, or resolved "auto". */
static char **
log_groups(struct poller *p, int env, const char *role, size_t *n,
    struct aws_error *err)
{
	const struct config_service *cs;
	struct resolved *r;
	char **g;
	size_t i, k, nr;

	*n = 0;
	if ((cs = config_env_service(&p->cf->envs[env], role)) == NULL) {
		aws_error_set(err, AWS_ERR_CONFIG, "UnknownService", 0,
		    "no service '%s' in environment %s", role,
		    p->cf->envs[env].name);
		return NULL;
	}
	g = xcalloc(cs->nlog_groups + 1, sizeof *g);
	for (i = 0; i < cs->nlog_groups; i++) {
		if (strcmp(cs->log_groups[i], CONFIG_LOG_GROUPS_AUTO) != 0) {
			g[(*n)++] = xstrdup(cs->log_groups[i]);
			continue;
		}
		if ((r = resolved_or_list(p, env, &nr, err)) == NULL)
			goto fail;
		for (k = 0; k < nr; k++) {
			if (strcmp(r[k].role, role) != 0 || r[k].id == NULL)
				continue;
			/* The application's own output, and App Runner's
			 * deployment and health events. */
			g = xreallocarray(g, *n + 3, sizeof *g);
			g[(*n)++] = logs_apprunner_group_kind(r[k].name,
			    r[k].id, "application");
			g[(*n)++] = logs_apprunner_group_kind(r[k].name,
			    r[k].id, "service");
		}
		resolved_free(r, nr);
	}
	if (*n == 0) {
		aws_error_set(err, AWS_ERR_CONFIG, "ServiceNotFound", 0,
		    "no log group for %s (service not found)", cs->service_name);
		goto fail;
	}
	return g;
fail:
	for (i = 0; i < *n; i++)
		free(g[i]);
	free(g);
	*n = 0;
	return NULL;
}

static void
run_logs(struct job *j)
{
	struct poller *p = j->p;
	struct aws_error err = { 0 };
	struct log_event_in *ev;
	cJSON *req;
	const char *next;
	char **groups, *role, *filter, *token, *cause = NULL, *msg;
	char *body, *strings;
	size_t ng, i, k, nev, blen;
	int env, page;
	uint64_t gen;
	int64_t newest, start, cursor = 0, page_max = 0;
	struct aws_error missing_err = { 0 };
	size_t missing = 0;
	bool prev_missing = false;

	pthread_mutex_lock(&p->lock);
	env = p->log_env;
	role = xstrdup(p->log_role);
	filter = xstrdup(p->log_filter);
	gen = p->log_gen;
	pthread_mutex_unlock(&p->lock);
	if (env < 0 || role == NULL) {
		free(role);
		free(filter);
		return;
	}
	if ((groups = log_groups(p, env, role, &ng, &err)) == NULL)
		goto out;
	/* Overlap: late events land up to a minute behind the newest. */
	newest = logstore_newest_ts(p->ls);
	start = newest > 0 ? newest - LOG_OVERLAP_MS :
	    now_ms() - LOG_FIRST_WINDOW_MS;
	/*
	 * When the last poll ran out of pages, a busy minute holds more than
	 * we read per poll: carry on from where it stopped, or the overlap
	 * would return the same events for ever.
	 */
	if (p->log_cursor_gen == gen && p->log_cursor > start)
		start = p->log_cursor;
	cursor = 0;
	for (i = 0; i < ng && err.kind == AWS_ERR_NONE; i++) {
		if (i > 0 && prev_missing)
			missing++;
		prev_missing = false;
		token = NULL;
		for (page = 0; page < LOG_MAX_PAGES; page++) {
			if (!take_token(j, gen))
				break;
			req = logs_filter_request(groups[i], start, 0, filter,
			    token, 1000);
			free(token);
			token = NULL;
			body = call_body(p, env, AWS_SVC_LOGS, "FilterLogEvents",
			    req, &blen, &err);
			cJSON_Delete(req);
			if (body == NULL && err.code != NULL &&
			    strcmp(err.code, "ResourceNotFoundException") == 0) {
				/* A group not created yet (no output so far). */
				if (missing_err.kind == AWS_ERR_NONE)
					aws_error_move(&missing_err, &err);
				aws_error_clear(&err);
				prev_missing = true;
			}
			if (body == NULL)
				break;
			if (logs_parse_filter_body(body, blen, groups[i], &ev,
			    &nev, &next, &strings, &cause) != 0) {
				parse_error(&err, cause);
				free(body);
				break;
			}
			free(body);
			/*
			 * A new target cleared the store: drop what is late.
			 * Under p->lock so that poller_set_log_target cannot
			 * clear in between (lock order: p->lock, then ls).
			 */
			pthread_mutex_lock(&p->lock);
			if (p->log_gen == gen)
				logstore_append(p->ls, ev, nev);
			pthread_mutex_unlock(&p->lock);
			for (k = 0; k < nev; k++) {
				if (ev[k].ts_ms > page_max)
					page_max = ev[k].ts_ms;
			}
			free(ev);
			token = xstrdup(next);
			free(strings);
			if (token == NULL)
				break;
		}
		/* Pages left unread for this group: resume at what we saw. */
		if (token != NULL && page_max > 0 &&
		    (cursor == 0 || page_max < cursor))
			cursor = page_max;
		free(token);
		page_max = 0;
	}
	if (prev_missing)
		missing++;
	/* Only when every group is missing is that worth an error. */
	if (err.kind == AWS_ERR_NONE && ng > 0 && missing == ng)
		aws_error_move(&err, &missing_err);
	aws_error_clear(&missing_err);
	p->log_cursor = cursor;
	p->log_cursor_gen = gen;
	for (i = 0; i < ng; i++)
		free(groups[i]);
	free(groups);
out:
	msg = err.kind != AWS_ERR_NONE ? aws_error_format(&err) : NULL;
	pthread_mutex_lock(&p->lock);
	if (p->log_gen == gen && !p->stop)
		logstore_set_status(p->ls, now_ms(), msg,
		    msg != NULL ? aws_error_short(&err) : NULL);
	pthread_mutex_unlock(&p->lock);
	free(msg);
	store_wake(p->st);
	aws_error_clear(&err);
	free(role);
	free(filter);
}

/* ---- threads ----------------------------------------------------------- */

static void
run_job(struct job *j)
{
	switch (j->kind) {
	case JOB_SERVICES:
		run_services(j);
		break;
	case JOB_METRICS:
		run_metrics(j);
		break;
	case JOB_ALARMS:
		run_alarms(j);
		break;
	case JOB_COST:
		run_cost(j);
		break;
	case JOB_LOGS:
		run_logs(j);
		break;
	default:
		break;
	}
}

static void *
job_main(void *arg)
{
	struct job *j = arg;
	struct poller *p = j->p;
	struct env_state *es = j->env >= 0 ? &p->envs[j->env] : NULL;
	enum detail_window w;
	int64_t now, due;
	char *role;

	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		if (j->kind == JOB_METRICS && es->detail_pending) {
			es->detail_pending = false;
			role = xstrdup(es->detail_role);
			w = es->detail_window;
			pthread_mutex_unlock(&p->lock);
			run_detail(j, role, w);
			free(role);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		now = mono_ms();
		due = j->last_run == 0 ? now : j->last_run + interval_ms(p, j);
		if (j->kind == JOB_LOGS && p->log_env < 0)
			due = now + 3600 * 1000;	/* until a target is set */
		/* Metrics change once a minute: "refresh now" cannot make
		 * them come faster than METRICS_MIN_GAP_MS apart. */
		if (j->kick && j->kind == JOB_METRICS && j->last_run != 0 &&
		    now - j->last_run < (int64_t)(METRICS_MIN_GAP_MS *
		    p->opt.rate_scale))
			j->kick = false;
		if (j->kick || now >= due) {
			j->kick = false;
			pthread_mutex_unlock(&p->lock);
			run_job(j);
			pthread_mutex_lock(&p->lock);
			j->last_run = mono_ms();
			continue;
		}
		cond_wait_until(p, &j->cond, due);
	}
	pthread_mutex_unlock(&p->lock);
	http_thread_cleanup();
	pthread_mutex_lock(&p->lock);
	p->nexited++;
	pthread_cond_broadcast(&p->exited);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static char *
default_cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	/* Relative paths are invalid (XDG base directory spec): ignore. */
	if (x != NULL && *x == '/')
		return xasprintf("%s/momentum", x);
	if (home != NULL && *home == '/')
		return xasprintf("%s/.cache/momentum", home);
	return NULL;
}

struct poller *
poller_new(const struct config *cf, struct store *st, struct logstore *ls,
    char **cause)
{
	return poller_new_opts(cf, st, ls, NULL, cause);
}

struct poller *
poller_new_opts(const struct config *cf, struct store *st,
    struct logstore *ls, const struct poller_options *opt, char **cause)
{
	struct poller *p;
	struct aws_client_config acc;
	const struct config_env *ce;
	struct job *j;
	char *why = NULL;
	size_t i, k;
	int fd = -1;

	p = xcalloc(1, sizeof *p);
	p->cf = cf;
	p->st = st;
	p->ls = ls;
	if (opt != NULL)
		p->opt = *opt;
	if (p->opt.rate_scale <= 0)
		p->opt.rate_scale = 1;
	if (p->opt.logs_per_sec <= 0)
		p->opt.logs_per_sec = 2;
	p->cache_dir = p->opt.cache_dir != NULL ? xstrdup(p->opt.cache_dir) :
	    default_cache_dir();
	p->opt.cache_dir = NULL;
	if (!p->opt.no_cost_cache && p->cache_dir != NULL &&
	    (fd = cache_dir_open(p->cache_dir, true, &why)) == -1) {
		/* Said once, before the terminal is taken over. */
		fprintf(stderr, "momentum-console: not caching Cost Explorer "
		    "results: %s\n", why);
		free(why);
		free(p->cache_dir);
		p->cache_dir = NULL;
	} else if (fd != -1)
		close(fd);
	pthread_mutex_init(&p->lock, NULL);
	cond_init_mono(&p->exited);
	p->log_env = -1;
	p->tokens = p->opt.logs_per_sec;
	p->tokens_at = mono_ms();
	p->nenv = cf->nenvs;
	p->envs = xcalloc(p->nenv ? p->nenv : 1, sizeof *p->envs);
	for (i = 0; i < p->nenv && !p->opt.no_clients; i++) {
		ce = &cf->envs[i];
		memset(&acc, 0, sizeof acc);
		acc.name = ce->name;
		acc.profile = ce->profile;
		acc.region = ce->region;
		acc.endpoint_url = ce->endpoint_url;
		acc.role_arn = ce->role_arn;
		acc.external_id = ce->external_id;
		acc.read_only = ce->read_only;
		if ((p->envs[i].client = aws_client_new(&acc, cause)) == NULL) {
			poller_free(p);
			return NULL;
		}
	}
	p->njobs = p->nenv * 4 + 1;
	p->jobs = xcalloc(p->njobs, sizeof *p->jobs);
	for (i = 0; i < p->nenv; i++) {
		for (k = 0; k < 4; k++) {
			j = &p->jobs[i * 4 + k];
			j->kind = (enum job_kind)k;
			j->env = (int)i;
		}
	}
	p->jobs[p->njobs - 1].kind = JOB_LOGS;
	p->jobs[p->njobs - 1].env = -1;
	for (i = 0; i < p->njobs; i++) {
		p->jobs[i].p = p;
		cond_init_mono(&p->jobs[i].cond);
	}
	return p;
}

int
poller_start(struct poller *p, char **cause)
{
	size_t i;
	int error;

	pthread_mutex_lock(&p->lock);
	if (p->running) {
		pthread_mutex_unlock(&p->lock);
		return 0;
	}
	p->running = true;
	p->stop = false;
	p->nexited = 0;
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->njobs; i++) {
		error = pthread_create(&p->jobs[i].thread, NULL, job_main,
		    &p->jobs[i]);
		if (error != 0) {
			*cause = xasprintf("pthread_create: %s", strerror(error));
			poller_stop(p);
			return -1;
		}
		p->jobs[i].started = true;
	}
	return 0;
}

static void
wake_all(struct poller *p)
{
	size_t i;

	for (i = 0; i < p->njobs; i++)
		pthread_cond_signal(&p->jobs[i].cond);
}

bool
poller_stop_timeout(struct poller *p, int timeout_ms)
{
	size_t i, nstarted = 0;
	int64_t deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	bool done;

	for (i = 0; i < p->njobs; i++)
		nstarted += p->jobs[i].started;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	wake_all(p);
	while (p->nexited < nstarted && mono_ms() < deadline)
		cond_wait_until(p, &p->exited, deadline);
	done = p->nexited >= nstarted;
	pthread_mutex_unlock(&p->lock);
	if (done)
		poller_stop(p);	/* every thread has left: joins at once */
	return done;
}

void
poller_stop(struct poller *p)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	p->stop = true;
	wake_all(p);
	pthread_mutex_unlock(&p->lock);
	/* A thread inside an AWS call finishes it (bounded by the client's
	 * timeouts) before it sees stop. */
	for (i = 0; i < p->njobs; i++) {
		if (p->jobs[i].started) {
			pthread_join(p->jobs[i].thread, NULL);
			p->jobs[i].started = false;
		}
	}
	pthread_mutex_lock(&p->lock);
	p->running = false;
	pthread_mutex_unlock(&p->lock);
}

void
poller_free(struct poller *p)
{
	struct env_state *es;
	size_t i, k;

	if (p == NULL)
		return;
	poller_stop(p);
	for (i = 0; i < p->njobs; i++) {
		snapshot_unref(p->jobs[i].last);
		pthread_cond_destroy(&p->jobs[i].cond);
	}
	free(p->jobs);
	for (i = 0; i < p->nenv; i++) {
		es = &p->envs[i];
		aws_client_free(es->client);
		resolved_free(es->res, es->nres);
		free(es->detail_role);
		for (k = 0; k < es->nascs; k++)
			free(es->ascs[k].arn);
		free(es->ascs);
		for (k = 0; k < es->ndigests; k++) {
			free(es->digests[k].image);
			free(es->digests[k].digest);
			free(es->digests[k].tag);
		}
		free(es->digests);
	}
	free(p->envs);
	free(p->log_role);
	free(p->log_filter);
	free(p->cache_dir);
	pthread_cond_destroy(&p->exited);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

void
poller_set_focus(struct poller *p, int env)
{
	pthread_mutex_lock(&p->lock);
	if (env >= 0 && (size_t)env < p->nenv && env != p->focus) {
		p->focus = env;
		/* Intervals changed: let every job recompute its deadline. */
		wake_all(p);
	}
	pthread_mutex_unlock(&p->lock);
}

void
poller_refresh_now(struct poller *p, int env)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->njobs; i++) {
		if (env < 0 || p->jobs[i].env == env ||
		    (p->jobs[i].kind == JOB_LOGS && p->log_env == env)) {
			p->jobs[i].kick = true;
			pthread_cond_signal(&p->jobs[i].cond);
		}
	}
	pthread_mutex_unlock(&p->lock);
}

void
poller_set_log_target(struct poller *p, int env, const char *role,
    const char *filter)
{
	struct job *lj = &p->jobs[p->njobs - 1];

	if (env < 0 || (size_t)env >= p->nenv)
		role = NULL;
	if (filter != NULL && *filter == '\0')
		filter = NULL;
	pthread_mutex_lock(&p->lock);
	free(p->log_role);
	free(p->log_filter);
	p->log_env = role != NULL ? env : -1;
	p->log_role = xstrdup(role);
	p->log_filter = xstrdup(filter);
	p->log_gen++;
	lj->kick = role != NULL;
	pthread_cond_signal(&lj->cond);
	logstore_clear(p->ls, env, role, filter);	/* lock order: p->lock, ls */
	pthread_mutex_unlock(&p->lock);
}

void
poller_request_detail(struct poller *p, int env, const char *role,
    enum detail_window window)
{
	struct env_state *es;

	if (env < 0 || (size_t)env >= p->nenv || role == NULL ||
	    (unsigned)window >= DETAIL_COUNT)
		return;
	es = &p->envs[env];
	pthread_mutex_lock(&p->lock);
	free(es->detail_role);
	es->detail_role = xstrdup(role);
	es->detail_window = window;
	es->detail_pending = true;
	pthread_cond_signal(&p->jobs[(size_t)env * 4 + JOB_METRICS].cond);
	pthread_mutex_unlock(&p->lock);
}

struct aws_client *
poller_client(struct poller *p, int env)
{
	if (env < 0 || (size_t)env >= p->nenv)
		return NULL;
	return p->envs[env].client;
}
