/* Pollers against a fake AWS: threads, snapshots, logs, cost cache (TSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/costexplorer.h"
#include "config/config.h"
#include "model/logstore.h"
#include "model/model.h"
#include "model/snapshot.h"
#include "poll/poller.h"
#include "util/util.h"

#include "testlib.h"

#define DEADLINE_MS 30000	/* generous bound for slow sanitizer runs */

/* Counters and switches shared with poller threads: atomics only. */
static uint64_t n_calls, n_filter, n_ce, n_gmd_queries_max;
static int fail_alarms_env = -1;
static int stall_calls;		/* while 1, every call waits */
static int flood_logs;		/* FilterLogEvents: endless full pages */
static int64_t flood_first_start, flood_last_start;
static const struct config *fake_cf;

static void
bump(uint64_t *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

static uint64_t
get(uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static cJSON *
load(const char *rel)
{
	char *path, *text, *cause = NULL;
	cJSON *j;

	path = xasprintf("%s/tests/data/%s", MOMENTUM_SOURCE_DIR, rel);
	text = read_file(path, NULL, &cause);
	if (text == NULL)
		fatal("%s", cause);
	j = cJSON_Parse(text);
	free(text);
	free(path);
	return j;
}

static cJSON *
fake_list_services(int env)
{
	const struct config_env *ce = &fake_cf->envs[env];
	cJSON *r = cJSON_CreateObject(), *l, *s;
	char id[40], *arn;
	size_t i;

	l = cJSON_AddArrayToObject(r, "ServiceSummaryList");
	for (i = 0; i < ce->nservices; i++) {
		snprintf(id, sizeof id, "%032zu", (size_t)env * 10 + i);
		arn = xasprintf("arn:aws:apprunner:us-east-1:1:service/%s/%s",
		    ce->services[i].service_name, id);
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "ServiceName",
		    ce->services[i].service_name);
		cJSON_AddStringToObject(s, "ServiceId", id);
		cJSON_AddStringToObject(s, "ServiceArn", arn);
		cJSON_AddStringToObject(s, "Status", "RUNNING");
		cJSON_AddItemToArray(l, s);
		free(arn);
	}
	return r;
}

static cJSON *
fake_describe_service(const cJSON *req)
{
	const char *arn = cJSON_GetObjectItem(req, "ServiceArn")->valuestring;
	const char *name = strchr(arn, '/') + 1;
	const char *slash = strchr(name, '/');
	cJSON *r = load("apprunner/describe_service.json"), *svc;
	char *n = xstrndup(name, (size_t)(slash - name));

	svc = cJSON_GetObjectItem(r, "Service");
	cJSON_ReplaceItemInObject(svc, "ServiceName", cJSON_CreateString(n));
	cJSON_ReplaceItemInObject(svc, "ServiceArn", cJSON_CreateString(arn));
	cJSON_ReplaceItemInObject(svc, "ServiceId",
	    cJSON_CreateString(slash + 1));
	free(n);
	return r;
}

static cJSON *
fake_get_metric_data(const cJSON *req)
{
	const cJSON *q;
	cJSON *r, *l, *res, *ts, *vs;
	double start = cJSON_GetObjectItem(req, "StartTime")->valuedouble;
	double end = cJSON_GetObjectItem(req, "EndTime")->valuedouble;
	double t, period;
	uint64_t nq = 0, cur;

	r = cJSON_CreateObject();
	l = cJSON_AddArrayToObject(r, "MetricDataResults");
	cJSON_ArrayForEach(q, cJSON_GetObjectItem(req, "MetricDataQueries")) {
		nq++;
		period = cJSON_GetObjectItem(cJSON_GetObjectItem(q,
		    "MetricStat"), "Period")->valuedouble;
		res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "Id",
		    cJSON_GetObjectItem(q, "Id")->valuestring);
		ts = cJSON_AddArrayToObject(res, "Timestamps");
		vs = cJSON_AddArrayToObject(res, "Values");
		for (t = start; t < end; t += period) {
			cJSON_AddItemToArray(ts, cJSON_CreateNumber(t));
			cJSON_AddItemToArray(vs, cJSON_CreateNumber(60));
		}
		cJSON_AddStringToObject(res, "StatusCode", "Complete");
		cJSON_AddItemToArray(l, res);
	}
	cur = get(&n_gmd_queries_max);
	while (nq > cur && !__atomic_compare_exchange_n(&n_gmd_queries_max,
	    &cur, nq, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	return r;
}

/* Each call returns the last three events of a growing stream: overlaps. */
static cJSON *
fake_filter(void)
{
	uint64_t k = get(&n_filter), i;
	cJSON *r = cJSON_CreateObject(), *l, *e;
	char id[32], msg[64];

	l = cJSON_AddArrayToObject(r, "events");
	for (i = k > 2 ? k - 2 : 0; i <= k; i++) {
		e = cJSON_CreateObject();
		snprintf(id, sizeof id, "ev%llu", (unsigned long long)i);
		snprintf(msg, sizeof msg, "ERROR event %llu\033[31m",
		    (unsigned long long)i);
		cJSON_AddStringToObject(e, "logStreamName", "instance/abc");
		cJSON_AddNumberToObject(e, "timestamp",
		    (double)(now_ms() - 1000 + (int64_t)i));
		cJSON_AddNumberToObject(e, "ingestionTime", (double)now_ms());
		cJSON_AddStringToObject(e, "message", msg);
		cJSON_AddStringToObject(e, "eventId", id);
		cJSON_AddItemToArray(l, e);
	}
	return r;
}

/* A minute with more events than a poll reads: 1000 per page, always more. */
static cJSON *
fake_flood(const cJSON *req)
{
	int64_t start = (int64_t)cJSON_GetObjectItem(req,
	    "startTime")->valuedouble;
	const cJSON *tok = cJSON_GetObjectItem(req, "nextToken");
	int64_t base = start, i, zero = 0;
	cJSON *r = cJSON_CreateObject(), *l, *e;
	char id[32], next[32];

	if (tok != NULL)
		base = (int64_t)strtoll(tok->valuestring, NULL, 10);
	__atomic_compare_exchange_n(&flood_first_start, &zero, start, false,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	__atomic_store_n(&flood_last_start, start, __ATOMIC_RELAXED);
	l = cJSON_AddArrayToObject(r, "events");
	for (i = 0; i < 1000; i++) {
		e = cJSON_CreateObject();
		snprintf(id, sizeof id, "f%lld", (long long)(base + i));
		cJSON_AddStringToObject(e, "logStreamName", "s");
		cJSON_AddNumberToObject(e, "timestamp", (double)(base + i));
		cJSON_AddStringToObject(e, "message", "flood");
		cJSON_AddStringToObject(e, "eventId", id);
		cJSON_AddItemToArray(l, e);
	}
	snprintf(next, sizeof next, "%lld", (long long)(base + 1000));
	cJSON_AddStringToObject(r, "nextToken", next);
	return r;
}

static cJSON *
fake_call(void *arg, struct aws_client *client, int env,
    enum aws_service_id svc, const char *op, const cJSON *req,
    struct aws_error *err)
{
	(void)arg;
	(void)client;
	(void)svc;
	bump(&n_calls);
	while (__atomic_load_n(&stall_calls, __ATOMIC_ACQUIRE))
		usleep(1000);
	if (strcmp(op, "ListServices") == 0)
		return fake_list_services(env);
	if (strcmp(op, "DescribeService") == 0)
		return fake_describe_service(req);
	if (strcmp(op, "DescribeAutoScalingConfiguration") == 0)
		return load("apprunner/describe_asc.json");
	if (strcmp(op, "ListOperations") == 0)
		return load("apprunner/list_operations.json");
	if (strcmp(op, "DescribeImages") == 0)
		return load("ecr/describe_images.json");
	if (strcmp(op, "GetMetricData") == 0)
		return fake_get_metric_data(req);
	if (strcmp(op, "DescribeAlarms") == 0) {
		if (__atomic_load_n(&fail_alarms_env, __ATOMIC_RELAXED) == env) {
			aws_error_set(err, AWS_ERR_SERVICE, "ThrottlingException",
			    400, "Rate exceeded");
			return NULL;
		}
		return load("cloudwatch/describe_alarms.json");
	}
	if (strcmp(op, "DescribeAlarmHistory") == 0)
		return load("cloudwatch/describe_alarm_history.json");
	if (strcmp(op, "GetCostAndUsage") == 0) {
		bump(&n_ce);
		return load("ce/get_cost_and_usage.json");
	}
	if (strcmp(op, "GetCostForecast") == 0) {
		bump(&n_ce);
		return load("ce/get_cost_forecast.json");
	}
	if (strcmp(op, "FilterLogEvents") == 0 &&
	    __atomic_load_n(&flood_logs, __ATOMIC_RELAXED))
		return fake_flood(req);
	if (strcmp(op, "FilterLogEvents") == 0 && str_ends_with(
	    cJSON_GetObjectItem(req, "logGroupName")->valuestring, "/service")) {
		/* a group nobody has written to yet */
		aws_error_set(err, AWS_ERR_SERVICE, "ResourceNotFoundException",
		    400, "The specified log group does not exist.");
		return NULL;
	}
	if (strcmp(op, "FilterLogEvents") == 0) {
		cJSON *r = fake_filter();

		bump(&n_filter);
		return r;
	}
	aws_error_set(err, AWS_ERR_SERVICE, "UnknownOperationException", 400,
	    "fake: %s", op);
	return NULL;
}

static char cachedir[] = "/tmp/test_poller.XXXXXX";

static struct config *
load_config(void)
{
	struct config *cf;
	char *cause = NULL;

	if (config_parse_string(config_default_text, "(test)", &cf, &cause) != 0)
		fatal("%s", cause);
	fake_cf = cf;
	return cf;
}

static void
wait_wake(struct store *st, int ms)
{
	struct pollfd pfd = { .fd = store_wake_fd(st), .events = POLLIN };

	if (poll(&pfd, 1, ms) > 0)
		store_drain_wake(st);
}

/* Data of (env, src) if published with data, else NULL; counts acquires. */
static bool
have_data(struct store *st, int env, enum source src)
{
	struct snapshot *s = store_acquire(st, env, src);
	bool ok = s != NULL && s->data != NULL && s->error == NULL;

	snapshot_unref(s);
	return ok;
}

static void
poller__fake_aws__every_source_published(void **state)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(cf->log_scrollback);
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .cache_dir = cachedir, .rate_scale = 0.002, .logs_per_sec = 50 };
	struct poller *p;
	struct snapshot *s;
	struct services_data *sd;
	struct metrics_data *md;
	struct alarms_data *ad;
	struct cost_data *cd;
	struct detail_data *dd;
	char *cause = NULL;
	int64_t deadline;
	uint64_t acquires = 0;
	size_t env, n;
	bool all;
	enum source src;

	(void)state;
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_non_null(p);
	assert_null(poller_client(p, 0));
	assert_int_equal(poller_start(p, &cause), 0);
	poller_set_focus(p, 2);

	/* Many publish/acquire cycles while the threads run. */
	deadline = mono_ms() + DEADLINE_MS;
	do {
		wait_wake(st, 20);
		all = true;
		for (env = 0; env < cf->nenvs; env++) {
			for (src = SRC_SERVICES; src <= SRC_COST; src++) {
				all &= have_data(st, (int)env, src);
				acquires++;
			}
		}
	} while ((!all || acquires < 2000) && mono_ms() < deadline);
	assert_true(all);

	s = store_acquire(st, 2, SRC_SERVICES);
	sd = s->data;
	assert_int_equal(sd->n, 3);
	assert_string_equal(sd->svcs[1].role, "api");
	assert_string_equal(sd->svcs[1].name, "momentum-prod-api");
	assert_string_equal(sd->svcs[1].status, "RUNNING");
	assert_int_equal(sd->svcs[1].min_size, 2);
	assert_int_equal(sd->svcs[1].max_size, 20);
	assert_int_equal(sd->svcs[1].nops, 3);
	assert_string_equal(sd->svcs[1].image_tag, "v1.42.0");
	assert_string_equal(sd->svcs[1].image_digest, "sha256:aaaabbbbcccc"
	    "ddddeeeeffff00001111222233334444555566667777888899990000");
	assert_true(s->fetched_at_ms > 0);
	snapshot_unref(s);

	s = store_acquire(st, 0, SRC_METRICS);
	md = s->data;
	assert_int_equal(md->nsvcs, 3);
	assert_int_equal(md->period, 60);
	assert_true(md->svcs[0].last[MET_REQUESTS] == 1.0);	/* 60/min */
	assert_true(md->svcs[0].last[MET_5XX_PCT] == 100.0);
	assert_int_equal(md->ninfra, 4);
	snapshot_unref(s);
	/* one batch per call, never more than 500 queries */
	assert_true(get(&n_gmd_queries_max) > 0 &&
	    get(&n_gmd_queries_max) <= 500);

	s = store_acquire(st, 1, SRC_ALARMS);
	ad = s->data;
	assert_int_equal(ad->firing, 2);
	assert_int_equal(ad->alarms[1].nhist, 2);
	snapshot_unref(s);

	s = store_acquire(st, 2, SRC_COST);
	cd = s->data;
	assert_true(fabs(cd->mtd - 14.0) < 1e-9);
	assert_true(fabs(cd->forecast - (14.0 + 187.654321)) < 1e-6);
	assert_true(cd->budget_low == 200 && cd->budget_high == 300);
	snapshot_unref(s);

	/* Logs: overlapping pages, each event once, sanitized. */
	poller_set_log_target(p, 2, "api", "ERROR");
	deadline = mono_ms() + DEADLINE_MS;
	do {
		wait_wake(st, 20);
		logstore_lock(ls);
		n = logstore_count(ls);
		logstore_unlock(ls);
	} while (n < 10 && mono_ms() < deadline);
	assert_true(n >= 10);
	logstore_lock(ls);
	{
		size_t i;
		struct logstore_status lst;
		unsigned char *seen = xcalloc(1, 1 << 20);

		for (i = 0; i < logstore_count(ls); i++) {
			const struct log_line *l = logstore_line(ls, i);
			unsigned long long k;

			assert_null(strchr(l->message, '\033'));
			assert_int_equal(sscanf(l->message, "ERROR event %llu",
			    &k), 1);
			assert_true(k < (1 << 20));
			assert_false(seen[k]);	/* each event once */
			seen[k] = 1;
		}
		free(seen);
		logstore_get_status(ls, &lst);
		assert_null(lst.error);	/* a missing /service group is fine */
		assert_int_equal(lst.env, 2);
		assert_string_equal(lst.filter, "ERROR");
		logstore_status_clear(&lst);
	}
	logstore_unlock(ls);

	/* Detail on request, in its own slot. */
	poller_request_detail(p, 0, "api", DETAIL_3H);
	deadline = mono_ms() + DEADLINE_MS;
	while (!have_data(st, 0, SRC_DETAIL) && mono_ms() < deadline)
		wait_wake(st, 20);
	s = store_acquire(st, 0, SRC_DETAIL);
	assert_non_null(s);
	dd = s->data;
	assert_string_equal(dd->role, "api");
	assert_int_equal(dd->window, DETAIL_3H);
	assert_int_equal(dd->m.s[MET_REQUESTS].n, 180);
	snapshot_unref(s);

	/* A failing poll keeps the last data, marked stale with a reason. */
	__atomic_store_n(&fail_alarms_env, 1, __ATOMIC_RELAXED);
	poller_refresh_now(p, 1);
	deadline = mono_ms() + DEADLINE_MS;
	for (;;) {
		s = store_acquire(st, 1, SRC_ALARMS);
		if (s->error != NULL || mono_ms() > deadline)
			break;
		snapshot_unref(s);
		wait_wake(st, 20);
	}
	assert_non_null(s->error);
	assert_string_equal(s->error_short, "throttled");
	assert_non_null(strstr(s->error, "ThrottlingException"));
	assert_non_null(s->data);
	assert_int_equal(((struct alarms_data *)s->data)->firing, 2);
	assert_true(s->attempted_at_ms >= s->fetched_at_ms);
	snapshot_unref(s);
	__atomic_store_n(&fail_alarms_env, -1, __ATOMIC_RELAXED);

	poller_set_log_target(p, 0, NULL, NULL);
	poller_stop(p);
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
}

static void
poller__cost_cache_fresh__no_cost_explorer_calls(void **state)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(0);
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .cache_dir = cachedir };
	struct poller *p;
	struct snapshot *s;
	char *cause = NULL, *path;
	int64_t deadline;
	bool all;
	size_t env;

	(void)state;
	/* the first test left fresh caches behind */
	path = xasprintf("%s/cost-prod.json", cachedir);
	assert_int_equal(access(path, R_OK), 0);
	free(path);
	__atomic_store_n(&n_ce, 0, __ATOMIC_RELAXED);
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_int_equal(poller_start(p, &cause), 0);
	deadline = mono_ms() + DEADLINE_MS;
	do {
		wait_wake(st, 50);
		all = true;
		for (env = 0; env < cf->nenvs; env++)
			all &= have_data(st, (int)env, SRC_COST);
	} while (!all && mono_ms() < deadline);
	assert_true(all);
	s = store_acquire(st, 2, SRC_COST);
	assert_true(fabs(((struct cost_data *)s->data)->mtd - 14.0) < 1e-9);
	assert_true(s->fetched_at_ms > 0 && s->fetched_at_ms <= now_ms());
	snapshot_unref(s);
	poller_refresh_now(p, -1);	/* cost stays cached */
	wait_wake(st, 100);
	poller_stop(p);
	assert_int_equal(get(&n_ce), 0);
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
}

static void
poller__filter_log_events__under_rate_limit(void **state)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(0);
	/* 4 calls/s budget; log polls every 20 ms would want 50/s */
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .no_cost_cache = true, .rate_scale = 0.01, .logs_per_sec = 4 };
	struct poller *p;
	char *cause = NULL;
	uint64_t before, calls;
	int64_t t0, elapsed;

	(void)state;
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_int_equal(poller_start(p, &cause), 0);
	before = get(&n_filter);
	t0 = mono_ms();
	poller_set_log_target(p, 1, "worker", NULL);
	while (mono_ms() - t0 < 1500)
		wait_wake(st, 50);
	poller_stop(p);
	elapsed = mono_ms() - t0;
	calls = get(&n_filter) - before;
	/* an upper bound from the bucket: burst (4) + rate * elapsed */
	assert_true(calls >= 1);
	assert_true((double)calls <= 4.0 + 4.0 * (double)elapsed / 1000.0 + 1);
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
}

static void
poller_stop_timeout__stalled_call__reports_and_later_joins(void **state)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(0);
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .no_cost_cache = true };
	struct poller *p;
	char *cause = NULL;
	uint64_t before = get(&n_calls);
	int64_t deadline;

	(void)state;
	__atomic_store_n(&stall_calls, 1, __ATOMIC_RELEASE);
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_int_equal(poller_start(p, &cause), 0);
	/* wait until some thread is inside a call */
	deadline = mono_ms() + DEADLINE_MS;
	while (get(&n_calls) == before && mono_ms() < deadline)
		usleep(1000);
	assert_true(get(&n_calls) > before);
	assert_false(poller_stop_timeout(p, 50));
	__atomic_store_n(&stall_calls, 0, __ATOMIC_RELEASE);
	poller_free(p);		/* joins the stragglers */
	logstore_free(ls);
	store_free(st);
	config_free(cf);

	/* nothing stalled: stops within the grace period */
	cf = load_config();
	st = store_new((int)cf->nenvs);
	ls = logstore_new(0);
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_int_equal(poller_start(p, &cause), 0);
	assert_true(poller_stop_timeout(p, DEADLINE_MS));
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
}

static void
poller__log_flood__window_moves_forward(void **state)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(0);
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .no_cost_cache = true, .rate_scale = 0.01, .logs_per_sec = 200 };
	struct poller *p;
	char *cause = NULL;
	int64_t deadline, first;

	(void)state;
	__atomic_store_n(&flood_logs, 1, __ATOMIC_RELAXED);
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	assert_int_equal(poller_start(p, &cause), 0);
	poller_set_log_target(p, 0, "api", NULL);
	deadline = mono_ms() + DEADLINE_MS;
	/* 5 pages of 1000 per poll: without a cursor every poll would
	 * restart at newest - 60 s, which stays put */
	do {
		wait_wake(st, 20);
		first = __atomic_load_n(&flood_first_start, __ATOMIC_RELAXED);
	} while ((first == 0 || __atomic_load_n(&flood_last_start,
	    __ATOMIC_RELAXED) < first + 20000) && mono_ms() < deadline);
	poller_stop(p);
	__atomic_store_n(&flood_logs, 0, __ATOMIC_RELAXED);
	assert_true(first != 0);
	assert_true(__atomic_load_n(&flood_last_start, __ATOMIC_RELAXED) >=
	    first + 20000);
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
}

/* ---- cost cache file safety -------------------------------------------- */


static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/*
 * Run a poller with cache directory dir (NULL: the default) until every
 * environment has cost data, then stop.  With err non-NULL, what the
 * poller wrote on stderr is returned there (caller frees).  Returns the
 * month to date shown for prod.
 */
static double
run_cost(const char *dir, char **err)
{
	struct config *cf = load_config();
	struct store *st = store_new((int)cf->nenvs);
	struct logstore *ls = logstore_new(0);
	struct poller_options opt = { .call = fake_call, .no_clients = true,
	    .cache_dir = dir, .rate_scale = 0.01, .logs_per_sec = 4 };
	struct poller *p;
	struct snapshot *s;
	char *cause = NULL, errpath[] = "/tmp/test_poller_err.XXXXXX";
	int64_t deadline;
	int errfd = -1, saved = -1, prod;
	bool all;
	size_t env;
	double mtd;

	if (err != NULL) {
		fflush(stderr);
		errfd = mkstemp(errpath);
		assert_true(errfd >= 0);
		saved = dup(2);
		assert_true(dup2(errfd, 2) == 2);
	}
	p = poller_new_opts(cf, st, ls, &opt, &cause);
	if (err != NULL) {
		fflush(stderr);
		assert_true(dup2(saved, 2) == 2);
		close(saved);
		close(errfd);
		*err = read_file(errpath, NULL, &cause);
		assert_non_null(*err);
		unlink(errpath);
	}
	assert_non_null(p);
	assert_int_equal(poller_start(p, &cause), 0);
	deadline = mono_ms() + DEADLINE_MS;
	do {
		wait_wake(st, 50);
		all = true;
		for (env = 0; env < cf->nenvs; env++)
			all &= have_data(st, (int)env, SRC_COST);
	} while (!all && mono_ms() < deadline);
	assert_true(all);
	poller_stop(p);
	prod = config_env_index(cf, "prod");
	assert_true(prod >= 0);
	s = store_acquire(st, prod, SRC_COST);
	mtd = ((struct cost_data *)s->data)->mtd;
	snapshot_unref(s);
	poller_free(p);
	logstore_free(ls);
	store_free(st);
	config_free(cf);
	return mtd;
}

static void
poller__cost_cache_planted_tmp_symlink__victim_kept_file_0600(void **state)
{
	static const char *envs[] = { "dev", "staging", "prod" };
	char *dir = test_mkdtemp("test_poller_cache"),
	    *victim, *link, *path, *text, *cause = NULL;
	struct stat sb;
	mode_t old = umask(022);
	size_t i;

	(void)state;
	victim = xasprintf("%s/victim", dir);
	write_text(victim, "precious\n");
	path = xasprintf("%s/cache", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	/* The old predictable temp names, pointing at the victim. */
	for (i = 0; i < 3; i++) {
		link = xasprintf("%s/cache/cost-%s.json.%ld.tmp", dir, envs[i],
		    (long)getpid());
		assert_int_equal(symlink(victim, link), 0);
		free(link);
	}
	path = xasprintf("%s/cache", dir);
	run_cost(path, NULL);
	free(path);
	umask(old);

	text = read_file(victim, NULL, &cause);
	assert_non_null(text);
	assert_string_equal(text, "precious\n");
	free(text);
	for (i = 0; i < 3; i++) {
		path = xasprintf("%s/cache/cost-%s.json", dir, envs[i]);
		assert_int_equal(lstat(path, &sb), 0);
		assert_true(S_ISREG(sb.st_mode));
		assert_int_equal(sb.st_mode & 0777, 0600);
		free(path);
	}
	free(victim);
	test_rm_rf(dir);
	free(dir);
}

static void
poller__cost_cache_dir_unsafe__not_written_said_once(void **state)
{
	char *dir = test_mkdtemp("test_poller_cache"), *path, *err = NULL;
	struct stat sb;
	size_t n;
	char *s;

	(void)state;
	/* Group/other-writable: no cache, one line saying why. */
	assert_int_equal(chmod(dir, 0777), 0);
	run_cost(dir, &err);
	path = xasprintf("%s/cost-prod.json", dir);
	assert_int_equal(lstat(path, &sb), -1);
	assert_non_null(strstr(err, "writable by group or others"));
	for (n = 0, s = err; (s = strstr(s, "not caching")) != NULL; s++)
		n++;
	assert_int_equal(n, 1);
	free(err);

	/* Somebody else's directory (needs root to set up). */
	assert_int_equal(chmod(dir, 0700), 0);
	if (chown(dir, 65534, 65534) == 0) {
		run_cost(dir, &err);
		assert_int_equal(lstat(path, &sb), -1);
		assert_non_null(strstr(err, "not to us"));
		free(err);
	} else
		print_message("not root: the other-owner case is not run\n");
	free(path);

	/* A new directory tree is created 0700. */
	path = xasprintf("%s/new/momentum", dir);
	assert_int_equal(chown(dir, getuid(), getgid()), 0);
	run_cost(path, NULL);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(path);
	path = xasprintf("%s/new", dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
poller__cost_cache_symlinked_file__not_read(void **state)
{
	struct cost_data d = { .currency = (char *)"USD", .mtd = 999.0,
	    .forecast = 999.0, .ndays = 1 };
	char *dir = test_mkdtemp("test_poller_cache"),
	    *target, *link, *text, *cause = NULL;

	(void)state;
	/* A fresh, valid cache behind a symlink: must not be believed. */
	target = xasprintf("%s/elsewhere.json", dir);
	text = cost_cache_encode(&d, now_ms());
	write_text(target, text);
	link = xasprintf("%s/cache", dir);
	assert_int_equal(mkdir(link, 0700), 0);
	free(link);
	link = xasprintf("%s/cache/cost-prod.json", dir);
	assert_int_equal(symlink(target, link), 0);
	free(link);
	link = xasprintf("%s/cache", dir);
	assert_true(fabs(run_cost(link, NULL) - 14.0) < 1e-9);
	free(link);
	free(text);
	text = read_file(target, NULL, &cause);
	assert_non_null(strstr(text, "999"));
	free(text);
	free(target);
	test_rm_rf(dir);
	free(dir);
}

static void
poller__relative_xdg_cache_home__ignored(void **state)
{
	char *dir = test_mkdtemp("test_poller_cache"),
	    *home, *path, *oldhome, *oldxdg, cwd[4096];
	struct stat sb;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	oldhome = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	oldxdg = getenv("XDG_CACHE_HOME") ? xstrdup(getenv("XDG_CACHE_HOME")) :
	    NULL;
	assert_int_equal(chdir(dir), 0);
	home = xasprintf("%s/home", dir);
	assert_int_equal(mkdir(home, 0700), 0);
	setenv("HOME", home, 1);
	setenv("XDG_CACHE_HOME", "relcache", 1);
	run_cost(NULL, NULL);
	assert_int_equal(chdir(cwd), 0);
	if (oldhome != NULL)
		setenv("HOME", oldhome, 1);
	else
		unsetenv("HOME");
	if (oldxdg != NULL)
		setenv("XDG_CACHE_HOME", oldxdg, 1);
	else
		unsetenv("XDG_CACHE_HOME");
	free(oldhome);
	free(oldxdg);

	path = xasprintf("%s/relcache", dir);
	assert_int_equal(lstat(path, &sb), -1);
	free(path);
	path = xasprintf("%s/.cache/momentum/cost-prod.json", home);
	assert_int_equal(lstat(path, &sb), 0);
	free(path);
	free(home);
	test_rm_rf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poller__fake_aws__every_source_published),
		cmocka_unit_test(poller__cost_cache_fresh__no_cost_explorer_calls),
		cmocka_unit_test(poller__filter_log_events__under_rate_limit),
		cmocka_unit_test(poller_stop_timeout__stalled_call__reports_and_later_joins),
		cmocka_unit_test(poller__log_flood__window_moves_forward),
		cmocka_unit_test(poller__cost_cache_planted_tmp_symlink__victim_kept_file_0600),
		cmocka_unit_test(poller__cost_cache_dir_unsafe__not_written_said_once),
		cmocka_unit_test(poller__cost_cache_symlinked_file__not_read),
		cmocka_unit_test(poller__relative_xdg_cache_home__ignored),
	};
	char *cmd;
	int rc;

	if (mkdtemp(cachedir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", cachedir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", cachedir);
	free(cmd);
	return rc;
}
