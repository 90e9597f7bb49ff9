/* CloudWatch Logs for momentum-sim: groups, streams and generated events. */

/*
 * Every App Runner service has two log groups, as App Runner creates
 * them: /aws/apprunner/<name>/<id>/application (streams
 * "instance/<32 hex>", one per instance slot, at most 6) and
 * /aws/apprunner/<name>/<id>/service (stream "events": deployment,
 * pause and resume messages derived from the service's operations).
 *
 * Application events are generated per (group, second): their count
 * follows the service's traffic (about 7% of requests are logged, at
 * least one event every half minute, at most ~5/s plus errors), their
 * kind is an access line (combined log format plus latency), a JSON
 * application log line, or an error (JSON with "level":"ERROR", or a
 * multi-line stack trace); errors rise to most of the stream when the
 * service runs a bad image.  About 0.5% of user agents carry hostile
 * text (ANSI/OSC escapes, bidi and zero-width characters).  The same
 * (seed, group, second) always yields the same events and eventIds.
 * ingestionTime is 0.2-2.5 s after the timestamp, 3% of events 20-90 s
 * late; an event is visible only once ingested (eventual consistency).
 */
#include "sim/logs.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim/api.h"
#include "sim/filter.h"
#include "sim/metrics.h"
#include "util/util.h"

#define NSTREAMS 6
#define MAX_PER_SECOND 64
#define RESPONSE_BYTES (1024 * 1024)
#define EVENT_OVERHEAD 26
#define CAND_BUDGET 150000	/* candidate events generated per request */
#define SECOND_BUDGET 4000000	/* seconds walked per request */
#define WINDOW 240		/* minutes of samples cached */

static const int retention_days[SIM_NENV] = { 7, 14, 30 };

struct lgroup {
	int env, svc;
	bool service_kind;
	int idx;			/* 0..(2*NENV*NSVC-1), in eventIds */
	char name[192];
	double created;
	int nstreams;
	char streams[NSTREAMS][48];
};

/* Deployment/pause messages of a service group, sorted by key. */
struct sevent {
	int64_t key, ts;
	char *msg;
};

struct lgen {
	struct sim_world *w;
	const struct lgroup *g;
	uint64_t seed, key;
	struct sim_svc_sample *samples;
	int64_t m0;
	size_t nm;
	struct sevent *sev;
	size_t nsev;
	struct buf msg[MAX_PER_SECOND];
};

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* ---- groups ------------------------------------------------------------- */

static int
lgroup_cmp(const void *a, const void *b)
{
	return strcmp(((const struct lgroup *)a)->name,
	    ((const struct lgroup *)b)->name);
}

static size_t
groups_all(struct sim_world *w, struct lgroup *out)
{
	size_t n = 0;
	int e, s, k, j;
	char key[256];

	for (e = 0; e < SIM_NENV; e++) {
		for (s = 0; s < SIM_NSVC; s++) {
			const struct sim_service *sv = &w->envs[e].svcs[s];

			for (k = 0; k < 2; k++) {
				struct lgroup *g = &out[n];

				memset(g, 0, sizeof *g);
				g->env = e;
				g->svc = s;
				g->service_kind = k == 1;
				g->idx = (e * SIM_NSVC + s) * 2 + k;
				snprintf(g->name, sizeof g->name,
				    "/aws/apprunner/%s/%s/%s", sv->name, sv->id,
				    k == 1 ? "service" : "application");
				g->created = floor(sv->created_at) - 240;
				if (k == 1) {
					g->nstreams = 1;
					snprintf(g->streams[0],
					    sizeof g->streams[0], "events");
				} else {
					g->nstreams = NSTREAMS;
					for (j = 0; j < NSTREAMS; j++) {
						snprintf(key, sizeof key,
						    "%s#%d", g->name, j);
						snprintf(g->streams[j],
						    sizeof g->streams[j],
						    "instance/%016llx%016llx",
						    (unsigned long long)
						    mix(sim_hash(key)),
						    (unsigned long long)
						    mix(sim_hash(key) + 1));
					}
				}
				n++;
			}
		}
	}
	qsort(out, n, sizeof *out, lgroup_cmp);
	return n;
}

/* Resolve a name or ARN ("arn:aws:logs:...:log-group:NAME[:*]"). */
static bool
group_find(struct sim_world *w, const char *ident, struct lgroup *out)
{
	struct lgroup all[SIM_NENV * SIM_NSVC * 2];
	const char *p;
	size_t n, i, len;

	if (ident == NULL)
		return false;
	len = strlen(ident);
	if (strncmp(ident, "arn:", 4) == 0) {
		p = strstr(ident, ":log-group:");
		if (p == NULL)
			return false;
		ident = p + 11;
		len = strlen(ident);
		if (len >= 2 && strcmp(ident + len - 2, ":*") == 0)
			len -= 2;
	}
	n = groups_all(w, all);
	for (i = 0; i < n; i++) {
		if (strlen(all[i].name) == len &&
		    strncmp(all[i].name, ident, len) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

size_t
sim_logs_groups(struct sim_world *w, char ***names)
{
	struct lgroup all[SIM_NENV * SIM_NSVC * 2];
	size_t n = groups_all(w, all), i;

	*names = xcalloc(n, sizeof **names);
	for (i = 0; i < n; i++)
		(*names)[i] = xstrdup(all[i].name);
	return n;
}

/* ---- generation --------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t
rnext(struct rng *r)
{
	r->s = mix(r->s);
	return r->s;
}

static double
runif(struct rng *r)
{
	return (double)(rnext(r) >> 11) * (1.0 / 9007199254740992.0);
}

static size_t
rpick(struct rng *r, size_t n)
{
	return (size_t)(rnext(r) % n);
}

static void
sevent_add(struct lgen *g, double t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
sevent_add(struct lgen *g, double t, const char *fmt, ...)
{
	va_list ap;
	struct sevent *e;

	g->sev = xreallocarray(g->sev, g->nsev + 1, sizeof *g->sev);
	e = &g->sev[g->nsev++];
	e->ts = (int64_t)floor(t * 1000);
	e->key = 0;
	va_start(ap, fmt);
	e->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

static int
sevent_cmp(const void *a, const void *b)
{
	const struct sevent *x = a, *y = b;

	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

static void
service_events(struct lgen *g)
{
	struct sim_operation ops[SIM_MAX_OPS];
	const struct sim_service *s;
	size_t nops, i;
	int64_t sec, prev = INT64_MIN;
	int seq = 0;
	int port;

	s = &g->w->envs[g->g->env].svcs[g->g->svc];
	nops = s->nops;
	memcpy(ops, s->ops, nops * sizeof ops[0]);
	port = strcmp(s->role, "frontend") == 0 ? 3000 : 8080;

	for (i = 0; i < nops; i++) {
		const struct sim_operation *op = &ops[i];
		double t = op->started_at, end = op->ended_at;
		bool done = op->status == SIM_OP_SUCCEEDED;
		bool failed = op->status == SIM_OP_FAILED ||
		    op->status == SIM_OP_ROLLBACK_SUCCEEDED;

		switch (op->type) {
		case SIM_OP_PAUSE_SERVICE:
			sevent_add(g, t, "[AppRunner] Pausing service. "
			    "Operation ID : %s.", op->id);
			if (done && end > t)
				sevent_add(g, end, "[AppRunner] Service paused "
				    "successfully.");
			continue;
		case SIM_OP_RESUME_SERVICE:
			sevent_add(g, t, "[AppRunner] Resuming service. "
			    "Operation ID : %s.", op->id);
			if (done && end > t)
				sevent_add(g, end, "[AppRunner] Service resumed "
				    "successfully.");
			continue;
		case SIM_OP_CREATE_SERVICE:
		case SIM_OP_UPDATE_SERVICE:
		case SIM_OP_START_DEPLOYMENT:
			break;
		}
		sevent_add(g, t, "[AppRunner] Deployment with ID : %s "
		    "started. Triggering event : %s.", op->id,
		    op->type == SIM_OP_CREATE_SERVICE ? "SERVICE_CREATE" :
		    op->type == SIM_OP_UPDATE_SERVICE ? "SERVICE_UPDATE" :
		    "DEPLOYMENT_TRIGGERED");
		if (op->target_digest[0] != '\0')
			sevent_add(g, t + 2, "[AppRunner] Pulling image "
			    "with digest %s from ECR.", op->target_digest);
		sevent_add(g, t + 21, "[AppRunner] Successfully pulled your "
		    "application image from ECR.");
		sevent_add(g, t + 24, "[AppRunner] Provisioning instances and "
		    "deploying image for publicly accessible service.");
		if (end > t + 30) {
			sevent_add(g, end - 6, "[AppRunner] Health check on "
			    "port '%d' %s.", port, failed ? "failed" :
			    "passed");
			if (done)
				sevent_add(g, end, "[AppRunner] Deployment "
				    "with ID : %s was successful.", op->id);
			else if (failed)
				sevent_add(g, end, "[AppRunner] Deployment "
				    "with ID : %s failed. Failure reason : "
				    "Health check failed. Rolling back to the "
				    "previous deployment.", op->id);
		}
	}
	if (g->nsev > 0)
		qsort(g->sev, g->nsev, sizeof *g->sev, sevent_cmp);
	for (i = 0; i < g->nsev; i++) {
		sec = g->sev[i].ts / 1000;
		seq = sec == prev ? seq + 1 : 0;
		prev = sec;
		g->sev[i].key = sec * 1000 + seq;
	}
}

static void
lgen_init(struct lgen *g, struct sim_world *w, const struct lgroup *grp)
{
	memset(g, 0, sizeof *g);
	g->w = w;
	g->g = grp;
	g->seed = w->seed;
	g->key = sim_hash(grp->name);
	if (grp->service_kind)
		service_events(g);
}

static void
lgen_free(struct lgen *g)
{
	size_t i;

	free(g->samples);
	for (i = 0; i < g->nsev; i++)
		free(g->sev[i].msg);
	free(g->sev);
	for (i = 0; i < MAX_PER_SECOND; i++)
		buf_free(&g->msg[i]);
}

static const struct sim_svc_sample *
sample_at(struct lgen *g, int64_t minute)
{
	if (g->samples == NULL || minute < g->m0 ||
	    minute >= g->m0 + (int64_t)g->nm) {
		if (g->samples == NULL)
			g->samples = xcalloc(WINDOW, sizeof *g->samples);
		g->m0 = minute - WINDOW / 2;
		g->nm = WINDOW;
		sim_metrics_service_samples(g->w, g->g->env, g->g->svc, g->m0,
		    g->nm, g->samples);
	}
	return &g->samples[minute - g->m0];
}

/* How many application events happen in second s. */
static int
app_count(struct lgen *g, int64_t s)
{
	const struct sim_svc_sample *sm = sample_at(g, s >= 0 ? s / 60 :
	    (s - 59) / 60);
	double lambda;
	int n;

	if (!sm->exists || !sm->up)
		return 0;
	lambda = sm->rps * 0.07;
	lambda = lambda < 0.035 ? 0.035 : lambda > 5 ? 5 : lambda;
	lambda += fmin(4.0, sm->rps * sm->err_share * 0.25);
	n = (int)floor(lambda + sim_noise(g->seed, g->key, s));
	return n > MAX_PER_SECOND ? MAX_PER_SECOND : n;
}

static const char *methods_paths[3][8] = {
	{ "GET /", "GET /dashboard", "GET /_next/static/chunks/main.js",
	    "GET /favicon.ico", "GET /settings", "GET /login",
	    "GET /_next/static/css/app.css", "POST /api/auth/session" },
	{ "GET /api/v1/sessions/%u", "POST /api/v1/events",
	    "GET /api/v1/users/%u", "GET /api/v1/goals?limit=20",
	    "PUT /api/v1/goals/%u", "GET /api/v1/feed?cursor=%u",
	    "POST /api/v1/checkins", "GET /healthz" },
	{ "POST /jobs/email.send", "POST /jobs/streak.recompute",
	    "POST /jobs/digest.weekly", "POST /jobs/export.csv",
	    "GET /healthz", "POST /jobs/push.notify",
	    "POST /jobs/cleanup.sessions", "POST /jobs/reminder.daily" },
};

static const char *user_agents[] = {
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 "
	    "(KHTML, like Gecko) Version/17.6 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	"Momentum/4.12.0 (Android 15; Pixel 8)",
	"Momentum/4.12.1 (iOS 18.1; iPhone15,3)",
	"ELB-HealthChecker/2.0",
	"okhttp/4.12.0",
};

/* Real logs carry these; the console must neutralize them. */
static const char *hostile_agents[] = {
	"Mozilla/5.0 \x1b[2J\x1b[H\x1b[31mSYSTEM COMPROMISED\x1b[0m",
	"\x1b]0;pwned terminal title\x07Mozilla/5.0",
	"python-requests/2.31.0 \x1b]52;c;cm0gLXJmIH4v\x07",
	"curl/8.5.0 \342\200\256exe.txt\342\200\254",
	"Bot\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8d/1.0 (zero\xe2\x80\x8bwidth)",
	"Mozilla/5.0\r\nX-Injected: 1",
};

static const char *info_msgs[3][6] = {
	{ "rendered page", "served static asset", "session cookie refreshed",
	    "feature flags loaded", "prefetched route", "cache hit" },
	{ "session refreshed", "goal updated", "check-in recorded",
	    "feed page served", "user profile loaded", "event batch stored" },
	{ "job completed", "job dequeued", "email sent", "streaks "
	    "recomputed", "weekly digest queued", "export written to S3" },
};

static const char *warn_msgs[] = {
	"slow query", "retrying redis command", "rate limit close for client",
	"deprecated API version used", "upstream took longer than 1s",
};

static const char *errors[3][3] = {
	{ "TypeError: Cannot read properties of undefined (reading 'id')",
	    "FetchError: request to http://api/v1/feed failed, reason: "
	    "socket hang up", "Error: ECONNRESET" },
	{ "PoolTimeout: connection pool exhausted (waited 5000 ms)",
	    "ValueError: invalid literal for int() with base 10: 'null'",
	    "redis.exceptions.TimeoutError: Timeout reading from socket" },
	{ "botocore.exceptions.ClientError: An error occurred "
	    "(Throttling) when calling the SendEmail operation",
	    "KeyError: 'user_id'", "psycopg.OperationalError: server closed "
	    "the connection unexpectedly" },
};

static void
fmt_iso_ms(int64_t ms, char *buf, size_t len)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void
fmt_clf(int64_t ms, char *buf, size_t len)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday,
	    mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	    tm.tm_sec);
}

static void
stack_trace(struct buf *b, int role, struct rng *r, const char *err,
    const char *when, const char *reqid, const char *route)
{
	if (role == 0) {
		buf_printf(b, "%s ERROR [%s] Unhandled rejection while "
		    "rendering %s\n%s\n"
		    "    at renderRoute (/app/.next/server/chunks/%u.js:1:%u)\n"
		    "    at async Server.handleRequest "
		    "(/app/node_modules/next/dist/server/base-server.js:"
		    "%u:%u)\n"
		    "    at async process.processTicksAndRejections "
		    "(node:internal/process/task_queues:95:5)",
		    when, reqid, route, err, 100 + (unsigned)rpick(r, 900),
		    1000 + (unsigned)rpick(r, 9000),
		    300 + (unsigned)rpick(r, 900), 5 + (unsigned)rpick(r, 40));
		return;
	}
	buf_printf(b, "%s ERROR [%s] Unhandled exception in %s\n"
	    "Traceback (most recent call last):\n"
	    "  File \"/app/momentum/%s/handlers.py\", line %u, in handle\n"
	    "    result = await self.dispatch(request)\n"
	    "  File \"/app/momentum/%s/service.py\", line %u, in dispatch\n"
	    "    async with self.db.acquire() as conn:\n"
	    "  File \"/app/momentum/db/pool.py\", line %u, in acquire\n"
	    "    raise PoolTimeout(\"connection pool exhausted\")\n%s",
	    when, reqid, route, role == 1 ? "api" : "worker",
	    100 + (unsigned)rpick(r, 300), role == 1 ? "api" : "worker",
	    40 + (unsigned)rpick(r, 200), 60 + (unsigned)rpick(r, 60), err);
}

/*
 * Fill the events of second s (application groups).  Messages live in
 * g->msg[i] until the next call.
 */
static int
app_second(struct lgen *g, int64_t s, struct sim_log_event *evs)
{
	const struct sim_svc_sample *sm;
	int n = app_count(g, s), i, role = g->g->svc, status, nact;
	struct rng r;
	char when[64], clf[64], reqid[40], route[128], path[128];
	double u, lat;
	const char *mp, *ua;

	if (n == 0)
		return 0;
	sm = sample_at(g, s >= 0 ? s / 60 : (s - 59) / 60);
	nact = (int)sm->instances;
	nact = nact < 1 ? 1 : nact > NSTREAMS ? NSTREAMS : nact;
	role = role < 0 || role > 2 ? 1 : role;
	for (i = 0; i < n; i++) {
		struct sim_log_event *e = &evs[i];
		struct buf *b = &g->msg[i];
		uint64_t h;

		r.s = mix(g->seed ^ mix(g->key ^ mix((uint64_t)s * 1000 +
		    (uint64_t)i)));
		buf_reset(b);
		e->key = s * 1000 + i;
		e->timestamp = s * 1000 + (int64_t)floor(1000.0 *
		    ((double)i + runif(&r)) / (double)n);
		e->ingestion = e->timestamp + 200 + (int64_t)rpick(&r, 2300);
		if (runif(&r) < 0.03)
			e->ingestion += 20000 + (int64_t)rpick(&r, 70000);
		e->stream = (int)rpick(&r, (size_t)nact);
		h = rnext(&r);
		snprintf(e->id, sizeof e->id, "%013lld%03d%03d%018llu%019llu",
		    (long long)e->timestamp, g->g->idx, i,
		    (unsigned long long)(h % 1000000000000000000ULL),
		    (unsigned long long)(mix(h) % 10000000000000000000ULL));

		fmt_iso_ms(e->timestamp, when, sizeof when);
		snprintf(reqid, sizeof reqid, "%016llx",
		    (unsigned long long)rnext(&r));
		mp = methods_paths[role][rpick(&r, 8)];
		{
			const char *pct = strstr(mp, "%u");

			if (pct != NULL)
				snprintf(path, sizeof path, "%.*s%u%s",
				    (int)(pct - mp), mp,
				    (unsigned)rpick(&r, 99999), pct + 2);
			else
				snprintf(path, sizeof path, "%s", mp);
		}
		snprintf(route, sizeof route, "%s", path);
		lat = sm->p50 * exp(sm->sigma * ((runif(&r) + runif(&r) +
		    runif(&r)) - 1.5) * 2.0);
		u = runif(&r);
		if (u < 0.004 + 0.6 * sm->badness) {
			const char *err = errors[role][rpick(&r, 3)];

			if (runif(&r) < 0.5)
				stack_trace(b, role, &r, err, when, reqid,
				    route);
			else
				buf_printf(b, "{\"level\":\"ERROR\",\"time\":"
				    "\"%s\",\"logger\":\"momentum.%s\",\"msg\":"
				    "\"unhandled exception\",\"error\":\"%s\","
				    "\"request_id\":\"%s\",\"route\":\"%s\","
				    "\"status\":500,\"duration_ms\":%.0f}",
				    when, role == 0 ? "web" : role == 1 ? "api" :
				    "worker", err, reqid, route, lat);
		} else if (u < 0.6) {
			status = runif(&r) < sm->err_share ? 500 + 2 *
			    (int)rpick(&r, 2) : runif(&r) < 0.015 ? 404 :
			    role == 0 && runif(&r) < 0.2 ? 304 :
			    strncmp(path, "POST", 4) == 0 ? 201 : 200;
			ua = runif(&r) < 0.005 ?
			    hostile_agents[rpick(&r, nitems(hostile_agents))] :
			    user_agents[rpick(&r, nitems(user_agents))];
			fmt_clf(e->timestamp, clf, sizeof clf);
			buf_printf(b, "10.0.%u.%u - - [%s] \"%s HTTP/1.1\" %d "
			    "%u \"%s\" \"%s\" %.3f", (unsigned)rpick(&r, 4),
			    2 + (unsigned)rpick(&r, 250), clf, path, status,
			    120 + (unsigned)rpick(&r, 48000),
			    runif(&r) < 0.5 ? "-" :
			    "https://app.momentum.example/", ua, lat / 1000.0);
		} else {
			double lv = runif(&r);
			const char *level = lv < 0.05 ? "DEBUG" : lv < 0.9 ?
			    "INFO" : "WARN";
			const char *msg = level[0] == 'W' ?
			    warn_msgs[rpick(&r, nitems(warn_msgs))] :
			    info_msgs[role][rpick(&r, 6)];

			buf_printf(b, "{\"level\":\"%s\",\"time\":\"%s\","
			    "\"logger\":\"momentum.%s\",\"msg\":\"%s\","
			    "\"request_id\":\"%s\",\"user_id\":%u,\"route\":"
			    "\"%s\",\"status\":%d,\"duration_ms\":%.0f}",
			    level, when, role == 0 ? "web" : role == 1 ? "api" :
			    "worker", msg, reqid, 1000 + (unsigned)rpick(&r,
			    90000), route, level[0] == 'W' ? 200 : 200,
			    lat);
		}
		e->message = b->data;
	}
	return n;
}

/* Events of second s of a service group: index range in g->sev. */
static int
service_second(struct lgen *g, int64_t s, struct sim_log_event *evs)
{
	size_t lo = 0, hi = g->nsev, mid;
	int n = 0;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (g->sev[mid].key < s * 1000)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < g->nsev && g->sev[lo].key / 1000 == s &&
	    n < MAX_PER_SECOND; lo++, n++) {
		struct sim_log_event *e = &evs[n];

		e->key = g->sev[lo].key;
		e->timestamp = g->sev[lo].ts;
		e->ingestion = e->timestamp + 400;
		e->stream = 0;
		snprintf(e->id, sizeof e->id, "%013lld%03d%03d%037d",
		    (long long)e->timestamp, g->g->idx, (int)(e->key % 1000),
		    0);
		e->message = g->sev[lo].msg;
	}
	return n;
}

/* Next second holding service events after/before s; false if none. */
static bool
service_next_second(struct lgen *g, int64_t s, bool asc, int64_t *out)
{
	size_t i;

	if (asc) {
		for (i = 0; i < g->nsev; i++) {
			if (g->sev[i].key / 1000 > s) {
				*out = g->sev[i].key / 1000;
				return true;
			}
		}
		return false;
	}
	for (i = g->nsev; i > 0; i--) {
		if (g->sev[i - 1].key / 1000 < s) {
			*out = g->sev[i - 1].key / 1000;
			return true;
		}
	}
	return false;
}

typedef bool (*visit_fn)(void *arg, const struct sim_log_event *ev);

enum scan_end { SCAN_DONE, SCAN_STOPPED, SCAN_BUDGET };

/*
 * Visit events with from_ms <= timestamp < to_ms and key strictly
 * beyond `after` (in scan direction; INT64_MIN/MAX for none).  On
 * SCAN_BUDGET, *resume is the key to continue after.
 */
static enum scan_end
scan(struct lgen *g, int64_t from_ms, int64_t to_ms, int64_t after, bool asc,
    visit_fn fn, void *arg, int64_t *resume)
{
	struct sim_log_event evs[MAX_PER_SECOND];
	int64_t s, s_end, nxt;
	size_t cand = 0, secs = 0;
	int n, i, k;

	if (from_ms >= to_ms)
		return SCAN_DONE;
	if (asc) {
		s = (int64_t)floor((double)from_ms / 1000.0);
		if (after != INT64_MIN && after / 1000 > s)
			s = after / 1000;
		s_end = (int64_t)floor((double)(to_ms - 1) / 1000.0);
	} else {
		s = (int64_t)floor((double)(to_ms - 1) / 1000.0);
		if (after != INT64_MAX && after / 1000 < s)
			s = after / 1000;
		s_end = (int64_t)floor((double)from_ms / 1000.0);
	}
	for (;;) {
		if (asc ? s > s_end : s < s_end)
			return SCAN_DONE;
		if (g->g->service_kind) {
			n = service_second(g, s, evs);
		} else {
			if (s * 1000 + 999 < (int64_t)(g->g->created * 1000) &&
			    asc)
				s = (int64_t)g->g->created;
			n = app_second(g, s, evs);
		}
		for (k = 0; k < n; k++) {
			i = asc ? k : n - 1 - k;
			if (evs[i].timestamp < from_ms ||
			    evs[i].timestamp >= to_ms)
				continue;
			if (asc ? evs[i].key <= after : evs[i].key >= after)
				continue;
			cand++;
			if (!fn(arg, &evs[i]))
				return SCAN_STOPPED;
		}
		if (cand >= CAND_BUDGET || ++secs >= SECOND_BUDGET) {
			*resume = asc ? s * 1000 + 999 : s * 1000;
			return SCAN_BUDGET;
		}
		if (g->g->service_kind) {
			if (!service_next_second(g, s, asc, &nxt))
				return SCAN_DONE;
			s = nxt;
		} else {
			if (!asc && s < (int64_t)g->g->created)
				return SCAN_DONE;
			s += asc ? 1 : -1;
		}
	}
}

struct each_arg {
	const struct lgroup *g;
	bool (*fn)(void *, const struct sim_log_event *, const char *);
	void *arg;
};

static bool
each_visit(void *arg, const struct sim_log_event *ev)
{
	struct each_arg *a = arg;

	return a->fn(a->arg, ev, a->g->streams[ev->stream]);
}

int
sim_logs_each(struct sim_world *w, const char *group, int64_t from_ms,
    int64_t to_ms, bool (*fn)(void *arg, const struct sim_log_event *ev,
    const char *stream), void *arg)
{
	struct lgroup grp;
	struct lgen g;
	struct each_arg ea;
	int64_t resume, after = INT64_MIN;

	if (!group_find(w, group, &grp))
		return -1;
	lgen_init(&g, w, &grp);
	ea.g = &grp;
	ea.fn = fn;
	ea.arg = arg;
	while (scan(&g, from_ms, to_ms, after, true, each_visit, &ea,
	    &resume) == SCAN_BUDGET)
		after = resume;
	lgen_free(&g);
	return 0;
}

/* ---- handlers ------------------------------------------------------------ */

static bool
json_long(const cJSON *in, const char *member, int64_t *out)
{
	double d;

	if (!sim_json_num(in, member, &d))
		return false;
	*out = (int64_t)d;
	return true;
}

static cJSON *
group_json(struct sim_world *w, const struct lgroup *g, double now)
{
	cJSON *o = cJSON_CreateObject();
	char arn[320];
	double days;

	cJSON_AddStringToObject(o, "logGroupName", g->name);
	cJSON_AddNumberToObject(o, "creationTime", floor(g->created * 1000));
	cJSON_AddNumberToObject(o, "retentionInDays",
	    retention_days[g->env]);
	cJSON_AddNumberToObject(o, "metricFilterCount", 0);
	snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:*",
	    w->region, w->account, g->name);
	cJSON_AddStringToObject(o, "arn", arn);
	days = fmin((now - g->created) / 86400.0,
	    (double)retention_days[g->env]);
	cJSON_AddNumberToObject(o, "storedBytes", g->service_kind ?
	    floor(days * 900) : floor(days * 86400.0 * 0.4 *
	    w->envs[g->env].svcs[g->svc].base_rps * 0.07 * 230));
	cJSON_AddStringToObject(o, "logGroupClass", "STANDARD");
	arn[strlen(arn) - 2] = '\0';
	cJSON_AddStringToObject(o, "logGroupArn", arn);
	cJSON_AddBoolToObject(o, "deletionProtectionEnabled", false);
	return o;
}

static int
logs_describe_log_groups(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct lgroup all[SIM_NENV * SIM_NSVC * 2];
	const char *prefix = sim_json_str(in, "logGroupNamePrefix");
	const char *pattern = sim_json_str(in, "logGroupNamePattern");
	const char *tok = sim_json_str(in, "nextToken");
	double limit = 50;
	size_t n, i, start = 0, seen = 0, emitted = 0;
	cJSON *res, *arr;
	char buf[32], *end;

	if (prefix != NULL && pattern != NULL)
		return sim_error(out, 400, "InvalidParameterException",
		    "LogGroup name prefix and LogGroup name pattern are "
		    "mutually exclusive parameters.");
	if (sim_json_num(in, "limit", &limit) && (limit < 1 || limit > 50))
		return sim_error(out, 400, "InvalidParameterException",
		    "1 validation error detected: Value '%g' at 'limit' "
		    "failed to satisfy constraint: Member must have value "
		    "less than or equal to 50", limit);
	if (tok != NULL) {
		if (strncmp(tok, "lg1/", 4) != 0)
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
		start = strtoul(tok + 4, &end, 10);
		if (*end != '\0' || end == tok + 4)
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
	}
	n = groups_all(call->w, all);
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "logGroups");
	for (i = 0; i < n; i++) {
		if (prefix != NULL && !str_starts_with(all[i].name, prefix))
			continue;
		if (pattern != NULL && strcasestr(all[i].name, pattern) == NULL)
			continue;
		if (seen++ < start)
			continue;
		if (emitted == (size_t)limit) {
			snprintf(buf, sizeof buf, "lg1/%zu", start + emitted);
			cJSON_AddStringToObject(res, "nextToken", buf);
			break;
		}
		cJSON_AddItemToArray(arr, group_json(call->w, &all[i],
		    call->now));
		emitted++;
	}
	out->status = 200;
	out->json = res;
	return 0;
}

/* Events older than the group's retention are gone. */
static int64_t
retention_floor(const struct lgroup *g, double now, int64_t from)
{
	int64_t lo = (int64_t)((now - retention_days[g->env] * 86400.0) *
	    1000);

	return from < lo ? lo : from;
}

/* Resolve logGroupName / logGroupIdentifier, with AWS's errors. */
static int
resolve_group(struct sim_call *call, const cJSON *in, struct sim_reply *out,
    struct lgroup *g)
{
	const char *name = sim_json_str(in, "logGroupName");
	const char *ident = sim_json_str(in, "logGroupIdentifier");

	if (name != NULL && ident != NULL)
		return sim_error(out, 400, "InvalidParameterException",
		    "LogGroup name and LogGroup ARN are mutually exclusive "
		    "parameters.");
	if (name == NULL && ident == NULL)
		return sim_error(out, 400, "InvalidParameterException",
		    "Either logGroupName or logGroupIdentifier must be "
		    "specified.");
	if (!group_find(call->w, name != NULL ? name : ident, g))
		return sim_error(out, 400, "ResourceNotFoundException",
		    "The specified log group does not exist.");
	return 0;
}

static int
logs_describe_log_streams(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct lgroup g;
	const char *prefix = sim_json_str(in, "logStreamNamePrefix");
	const char *order = sim_json_str(in, "orderBy");
	cJSON *res, *arr, *o, *desc;
	double limit = 50;
	char arn[400];
	int i, nact = 1;
	struct sim_svc_sample sm;
	int64_t now_ms = (int64_t)(call->now * 1000);

	if (resolve_group(call, in, out, &g) < 0)
		return -1;
	if (sim_json_num(in, "limit", &limit) && (limit < 1 || limit > 50))
		return sim_error(out, 400, "InvalidParameterException",
		    "limit must be between 1 and 50");
	if (order != NULL && strcmp(order, "LogStreamName") != 0 &&
	    strcmp(order, "LastEventTime") != 0)
		return sim_error(out, 400, "InvalidParameterException",
		    "orderBy must be LogStreamName or LastEventTime");
	if (prefix != NULL && order != NULL &&
	    strcmp(order, "LastEventTime") == 0)
		return sim_error(out, 400, "InvalidParameterException",
		    "Cannot order by LastEventTime with a logStreamNamePrefix.");
	desc = cJSON_GetObjectItemCaseSensitive(in, "descending");
	(void)desc;
	if (!g.service_kind) {
		sim_metrics_service_samples(call->w, g.env, g.svc,
		    (int64_t)floor(call->now / 60) - 1, 1, &sm);
		nact = (int)sm.instances;
		nact = nact < 1 ? 1 : nact > NSTREAMS ? NSTREAMS : nact;
	}
	res = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(res, "logStreams");
	for (i = 0; i < g.nstreams && i < (int)limit; i++) {
		if (prefix != NULL && !str_starts_with(g.streams[i], prefix))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "logStreamName", g.streams[i]);
		cJSON_AddNumberToObject(o, "creationTime",
		    floor(g.created * 1000) + i * 1000);
		cJSON_AddNumberToObject(o, "firstEventTimestamp",
		    floor(g.created * 1000) + i * 1000);
		cJSON_AddNumberToObject(o, "lastEventTimestamp",
		    i < nact ? (double)(now_ms - 5000) :
		    floor(g.created * 1000) + 86400000.0);
		cJSON_AddNumberToObject(o, "lastIngestionTime",
		    i < nact ? (double)(now_ms - 3000) :
		    floor(g.created * 1000) + 86401000.0);
		snprintf(arn, sizeof arn, "arn:aws:logs:%s:%s:log-group:%s:"
		    "log-stream:%s", call->w->region, call->w->account,
		    g.name, g.streams[i]);
		cJSON_AddStringToObject(o, "arn", arn);
		cJSON_AddNumberToObject(o, "storedBytes", 0);
		cJSON_AddItemToArray(arr, o);
	}
	out->status = 200;
	out->json = res;
	return 0;
}

/* Collected events of one page. */
struct page {
	const struct lgroup *g;
	int64_t now_ms;
	int want_stream;		/* -1 = any */
	const bool *streams;		/* FilterLogEvents stream mask */
	const struct sim_filter *filter;
	size_t limit, bytes;
	cJSON *arr;
	size_t n;
	int64_t first_key, last_key;
	bool full;
	/* GetLogEvents backward: collected newest-first, reversed at the end. */
	bool with_stream;
};

static bool
page_visit(void *arg, const struct sim_log_event *ev)
{
	struct page *p = arg;
	size_t sz;
	cJSON *o;

	if (ev->ingestion > p->now_ms)
		return true;		/* not yet visible */
	if (p->want_stream >= 0 && ev->stream != p->want_stream)
		return true;
	if (p->streams != NULL && !p->streams[ev->stream])
		return true;
	if (p->filter != NULL && !sim_filter_match(p->filter, ev->message))
		return true;
	sz = strlen(ev->message) + EVENT_OVERHEAD;
	if (p->n == p->limit || p->bytes + sz > RESPONSE_BYTES) {
		p->full = true;
		return false;
	}
	o = cJSON_CreateObject();
	if (p->with_stream)
		cJSON_AddStringToObject(o, "logStreamName",
		    p->g->streams[ev->stream]);
	cJSON_AddNumberToObject(o, "timestamp", (double)ev->timestamp);
	cJSON_AddStringToObject(o, "message", ev->message);
	cJSON_AddNumberToObject(o, "ingestionTime", (double)ev->ingestion);
	if (p->with_stream)
		cJSON_AddStringToObject(o, "eventId", ev->id);
	cJSON_AddItemToArray(p->arr, o);
	if (p->n == 0)
		p->first_key = ev->key;
	p->last_key = ev->key;
	p->n++;
	p->bytes += sz;
	return true;
}

static int
parse_limit(const cJSON *in, struct sim_reply *out, size_t *limit)
{
	double d;

	*limit = 10000;
	if (!sim_json_num(in, "limit", &d))
		return 0;
	if (d < 1 || d > 10000 || d != floor(d))
		return sim_error(out, 400, "InvalidParameterException",
		    "1 validation error detected: Value '%g' at 'limit' failed "
		    "to satisfy constraint: Member must have value between 1 "
		    "and 10000", d);
	*limit = (size_t)d;
	return 0;
}

static int
logs_get_log_events(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct lgroup g;
	struct lgen gen;
	struct page p;
	const char *stream = sim_json_str(in, "logStreamName");
	const char *tok = sim_json_str(in, "nextToken");
	const cJSON *head = cJSON_GetObjectItemCaseSensitive(in,
	    "startFromHead");
	int64_t from, to, after, resume = 0, tkey = 0;
	bool asc = cJSON_IsTrue(head), have_tok = false;
	enum scan_end end;
	cJSON *res, *rev;
	char buf[64], *e;
	int i;

	if (stream == NULL)
		return sim_error(out, 400, "InvalidParameterException",
		    "1 validation error detected: Value null at "
		    "'logStreamName' failed to satisfy constraint: Member "
		    "must not be null");
	if (resolve_group(call, in, out, &g) < 0)
		return -1;
	memset(&p, 0, sizeof p);
	p.want_stream = -1;
	for (i = 0; i < g.nstreams; i++) {
		if (strcmp(g.streams[i], stream) == 0)
			p.want_stream = i;
	}
	if (p.want_stream < 0)
		return sim_error(out, 400, "ResourceNotFoundException",
		    "The specified log stream does not exist.");
	if (parse_limit(in, out, &p.limit) < 0)
		return -1;
	if (!json_long(in, "startTime", &from))
		from = (int64_t)(g.created * 1000);
	from = retention_floor(&g, call->now, from);
	if (!json_long(in, "endTime", &to))
		to = (int64_t)(call->now * 1000) + 1;
	if (tok != NULL) {
		if ((tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/')
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
		tkey = strtoll(tok + 2, &e, 10);
		if (*e != '\0' || e == tok + 2)
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
		asc = tok[0] == 'f';
		have_tok = true;
	}
	after = have_tok ? tkey : asc ? INT64_MIN : INT64_MAX;

	lgen_init(&gen, call->w, &g);
	p.g = &g;
	p.now_ms = (int64_t)(call->now * 1000);
	p.arr = cJSON_CreateArray();
	end = scan(&gen, from, to, after, asc, page_visit, &p, &resume);
	lgen_free(&gen);

	res = cJSON_CreateObject();
	if (!asc) {
		/* Collected newest first: AWS returns ascending order. */
		rev = cJSON_CreateArray();
		while (cJSON_GetArraySize(p.arr) > 0)
			cJSON_AddItemToArray(rev,
			    cJSON_DetachItemFromArray(p.arr,
			    cJSON_GetArraySize(p.arr) - 1));
		cJSON_Delete(p.arr);
		p.arr = rev;
	}
	cJSON_AddItemToObject(res, "events", p.arr);
	if (p.n > 0) {
		int64_t oldest = asc ? p.first_key : p.last_key;
		int64_t newest = asc ? p.last_key : p.first_key;

		snprintf(buf, sizeof buf, "f/%020lld", (long long)newest);
		cJSON_AddStringToObject(res, "nextForwardToken", buf);
		snprintf(buf, sizeof buf, "b/%020lld", (long long)oldest);
		cJSON_AddStringToObject(res, "nextBackwardToken", buf);
	} else {
		/* Nothing new: hand back a token at the same place. */
		int64_t k = end == SCAN_BUDGET ? resume : have_tok ? tkey :
		    asc ? (to / 1000) * 1000 + 999 : (from / 1000) * 1000;
		int64_t f = have_tok && !asc ? tkey - 1 : k;
		int64_t b = have_tok && asc ? tkey + 1 : k;

		if (!have_tok && !asc)
			f = (to / 1000) * 1000 + 999;
		if (!have_tok && asc)
			b = (from / 1000) * 1000;
		snprintf(buf, sizeof buf, "f/%020lld", (long long)f);
		cJSON_AddStringToObject(res, "nextForwardToken", buf);
		snprintf(buf, sizeof buf, "b/%020lld", (long long)b);
		cJSON_AddStringToObject(res, "nextBackwardToken", buf);
	}
	out->status = 200;
	out->json = res;
	return 0;
}

static int
logs_filter_log_events(struct sim_call *call, const cJSON *in,
    struct sim_reply *out)
{
	struct lgroup g;
	struct lgen gen;
	struct page p;
	struct sim_filter *f = NULL;
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(in,
	    "logStreamNames"), *v;
	const char *prefix = sim_json_str(in, "logStreamNamePrefix");
	const char *pattern = sim_json_str(in, "filterPattern");
	const char *tok = sim_json_str(in, "nextToken");
	bool mask[NSTREAMS], any;
	int64_t from, to, after = INT64_MIN, resume = 0;
	enum scan_end end;
	cJSON *res;
	char *cause = NULL, buf[64], *e;
	int i;

	if (resolve_group(call, in, out, &g) < 0)
		return -1;
	if (names != NULL && prefix != NULL)
		return sim_error(out, 400, "InvalidParameterException",
		    "logStreamNames and logStreamNamePrefix are mutually "
		    "exclusive parameters.");
	memset(&p, 0, sizeof p);
	if (parse_limit(in, out, &p.limit) < 0)
		return -1;
	if (!json_long(in, "startTime", &from))
		from = (int64_t)(g.created * 1000);
	from = retention_floor(&g, call->now, from);
	if (!json_long(in, "endTime", &to))
		to = (int64_t)(call->now * 1000) + 1;
	else
		to++;			/* endTime is inclusive here */
	if (from < 0 || to < 0)
		return sim_error(out, 400, "InvalidParameterException",
		    "startTime and endTime must be non-negative.");
	if (from >= to)
		return sim_error(out, 400, "InvalidParameterException",
		    "End time must be after start time.");
	for (i = 0; i < NSTREAMS; i++)
		mask[i] = i < g.nstreams;
	if (names != NULL || prefix != NULL) {
		any = false;
		for (i = 0; i < g.nstreams; i++) {
			mask[i] = false;
			if (prefix != NULL)
				mask[i] = str_starts_with(g.streams[i], prefix);
			cJSON_ArrayForEach(v, names) {
				if (cJSON_IsString(v) && strcmp(v->valuestring,
				    g.streams[i]) == 0)
					mask[i] = true;
			}
			any = any || mask[i];
		}
		if (!any && names != NULL)
			return sim_error(out, 400, "ResourceNotFoundException",
			    "The specified log stream does not exist.");
	}
	if (tok != NULL) {
		if (strncmp(tok, "lf1/", 4) != 0)
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
		after = strtoll(tok + 4, &e, 10);
		if (*e != '\0' || e == tok + 4)
			return sim_error(out, 400, "InvalidParameterException",
			    "The specified nextToken is invalid.");
	}
	if (pattern != NULL && (f = sim_filter_parse(pattern, &cause)) ==
	    NULL) {
		sim_error(out, 400, "InvalidParameterException", "%s", cause);
		free(cause);
		return -1;
	}

	lgen_init(&gen, call->w, &g);
	p.g = &g;
	p.now_ms = (int64_t)(call->now * 1000);
	p.want_stream = -1;
	p.streams = mask;
	p.filter = f;
	p.with_stream = true;
	p.arr = cJSON_CreateArray();
	end = scan(&gen, from, to, after, true, page_visit, &p, &resume);
	lgen_free(&gen);
	sim_filter_free(f);

	res = cJSON_CreateObject();
	cJSON_AddItemToObject(res, "events", p.arr);
	cJSON_AddArrayToObject(res, "searchedLogStreams");
	if (end == SCAN_STOPPED || end == SCAN_BUDGET) {
		int64_t k = end == SCAN_STOPPED ? p.last_key : resume;

		if (end == SCAN_BUDGET && p.n > 0 && p.last_key > k)
			k = p.last_key;
		snprintf(buf, sizeof buf, "lf1/%020lld", (long long)k);
		cJSON_AddStringToObject(res, "nextToken", buf);
	}
	out->status = 200;
	out->json = res;
	return 0;
}

const struct sim_op sim_logs_ops[] = {
	{ "DescribeLogGroups", false, logs_describe_log_groups },
	{ "DescribeLogStreams", false, logs_describe_log_streams },
	{ "GetLogEvents", false, logs_get_log_events },
	{ "FilterLogEvents", false, logs_filter_log_events },
	{ NULL, false, NULL },
};
