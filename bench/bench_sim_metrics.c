/* Benchmark: GetMetricData of 500 queries x 1,440 points in momentum-sim. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "sim/api.h"
#include "sim/metrics.h"
#include "sim/server.h"
#include "sim/world.h"
#include "util/util.h"

#include "benchlib.h"

static const char *akid = "AKIABENCHMETRICS0000";
static const char *secret = "bench-metrics-secret-bench-metrics-0000";

#define NQ 500
#define TARGET_MS 50.0

static double
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this thread: steadier than wall time on a shared machine. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* 500 queries over every App Runner metric of every service, 1 day at 60 s. */
static cJSON *
request(struct sim_world *w, double now, const char *token)
{
	static const char *names[] = { "Requests", "2xxStatusResponses",
	    "4xxStatusResponses", "5xxStatusResponses", "RequestLatency",
	    "ActiveInstances", "CPUUtilization", "MemoryUtilization",
	    "Concurrency" };
	static const char *stats[] = { "Sum", "Average", "Maximum", "p99",
	    "p50" };
	cJSON *in = cJSON_CreateObject(), *qs, *q, *ms, *m, *dims, *d;
	int i;

	qs = cJSON_AddArrayToObject(in, "MetricDataQueries");
	for (i = 0; i < NQ; i++) {
		const struct sim_service *s =
		    &w->envs[i % SIM_NENV].svcs[(i / SIM_NENV) % SIM_NSVC];
		char id[16];

		snprintf(id, sizeof id, "q%d", i);
		q = cJSON_CreateObject();
		cJSON_AddStringToObject(q, "Id", id);
		ms = cJSON_AddObjectToObject(q, "MetricStat");
		m = cJSON_AddObjectToObject(ms, "Metric");
		cJSON_AddStringToObject(m, "Namespace", "AWS/AppRunner");
		cJSON_AddStringToObject(m, "MetricName",
		    names[(i / 9) % nitems(names)]);
		dims = cJSON_AddArrayToObject(m, "Dimensions");
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "Name", "ServiceName");
		cJSON_AddStringToObject(d, "Value", s->name);
		cJSON_AddItemToArray(dims, d);
		cJSON_AddNumberToObject(ms, "Period", 60);
		cJSON_AddStringToObject(ms, "Stat", stats[i % nitems(stats)]);
		cJSON_AddItemToArray(qs, q);
	}
	cJSON_AddNumberToObject(in, "StartTime", floor(now / 60) * 60 - 86400);
	cJSON_AddNumberToObject(in, "EndTime", floor(now / 60) * 60);
	if (token != NULL)
		cJSON_AddStringToObject(in, "NextToken", token);
	return in;
}

/* One full answer (every page); returns points, fills timings. */
static long
run(struct sim_world *w, double now, double *handler_ms, double *print_ms,
    double *cpu_ms, int *pages, size_t *bytes)
{
	struct sim_call c;
	struct sim_reply r;
	char *tok = NULL, *body;
	long points = 0;
	const cJSON *x;
	double t, ct;

	*handler_ms = *print_ms = *cpu_ms = 0;
	*pages = 0;
	*bytes = 0;
	memset(&c, 0, sizeof c);
	c.w = w;
	c.now = now;
	c.service = "monitoring";
	c.operation = "GetMetricData";
	do {
		cJSON *in = request(w, now, tok);

		free(tok);
		tok = NULL;
		memset(&r, 0, sizeof r);
		t = ms_now();
		ct = cpu_now();
		if (sim_cloudwatch_ops[0].fn(&c, in, &r) != 0)
			fatal("GetMetricData failed: %s", r.error_message);
		*handler_ms += ms_now() - t;
		t = ms_now();
		body = cJSON_PrintUnformatted(r.json);
		*print_ms += ms_now() - t;
		*cpu_ms += cpu_now() - ct;
		*bytes += strlen(body);
		/* Count what a client would parse (not timed). */
		{
			cJSON *back = cJSON_Parse(body);

			cJSON_ArrayForEach(x, cJSON_GetObjectItem(back,
			    "MetricDataResults"))
				points += cJSON_GetArraySize(
				    cJSON_GetObjectItem(x, "Values"));
			cJSON_Delete(back);
		}
		cJSON_free(body);
		if (cJSON_GetObjectItem(r.json, "NextToken") != NULL)
			tok = xstrdup(cJSON_GetObjectItem(r.json,
			    "NextToken")->valuestring);
		sim_reply_free(&r);
		cJSON_Delete(in);
		(*pages)++;
	} while (tok != NULL);
	return points;
}

static size_t
collect(char *p, size_t sz, size_t n, void *u)
{
	buf_append(u, p, sz * n);
	return sz * n;
}

/*
 * The same answer over HTTP from the real server (in this process, on
 * loopback): each page signed with SigV4, verified, parsed, computed
 * under the world lock, serialized and sent.  Returns ms, -1 on error.
 */
static double
over_http(struct sim_world *w, int port, double now, size_t *bytes)
{
	CURL *c = curl_easy_init();
	struct buf body = { 0 };
	char *tok = NULL, *json, host[64], url[96];
	double t0 = ms_now();
	long code = 0;

	*bytes = 0;
	snprintf(host, sizeof host, "127.0.0.1:%d", port);
	snprintf(url, sizeof url, "http://%s/", host);
	do {
		cJSON *in = request(w, now, tok);
		struct curl_slist *l;
		const char *nt;

		json = cJSON_PrintUnformatted(in);
		cJSON_Delete(in);
		l = bench_signed_headers(port,
		    "GraniteServiceVersion20100801.GetMetricData", json,
		    "monitoring", akid, secret);
		buf_reset(&body);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, l);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
		if (curl_easy_perform(c) != CURLE_OK ||
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) !=
		    CURLE_OK || code != 200) {
			fprintf(stderr, "HTTP %ld: %.200s\n", code,
			    body.data ? body.data : "");
			curl_slist_free_all(l);
			free(json);
			free(tok);
			buf_free(&body);
			curl_easy_cleanup(c);
			return -1;
		}
		curl_slist_free_all(l);
		free(json);
		free(tok);
		tok = NULL;
		*bytes += body.len;
		/* The token is near the end; no need to parse 1.4 MB. */
		nt = body.len > 4096 ? body.data + body.len - 4096 : body.data;
		if ((nt = strstr(nt, "\"NextToken\":\"")) != NULL) {
			nt += 13;
			tok = xstrndup(nt, strcspn(nt, "\""));
		}
	} while (tok != NULL);
	buf_free(&body);
	curl_easy_cleanup(c);
	return ms_now() - t0;
}

int
main(void)
{
	double now = (double)(now_ms() / 1000), h, p, best_h = 1e9, best_p = 0;
	double gen_ms, best_gen = 1e9, *out, cpu, best_cpu = 1e9;
	double cold_h = 0, cold_p = 0;
	struct sim_world *w = sim_world_new(1, 1, now);
	struct sim_metric m;
	struct sim_stat st = { SIM_STAT_SUM, 0 };
	struct sim_dim dim = { "ServiceName", "momentum-prod-api" };
	long points = 0;
	int pages = 0, i, k;
	size_t bytes = 0;

	/* The generators alone: 500 series x 1,440 one-minute points. */
	out = xreallocarray(NULL, 1440, sizeof *out);
	if (sim_metric_lookup(w, "AWS/AppRunner", "RequestLatency", &dim, 1,
	    NULL, &m) != 0)
		fatal("lookup");
	for (k = 0; k < 5; k++) {
		double t = ms_now();

		for (i = 0; i < NQ; i++) {
			st.kind = i % 2 ? SIM_STAT_PCT : SIM_STAT_AVG;
			st.pct = 99;
			sim_metric_series(w, &m, &st, floor(now / 60) * 60 -
			    86400, 60, 1440, now, out);
		}
		gen_ms = ms_now() - t;
		best_gen = gen_ms < best_gen ? gen_ms : best_gen;
	}
	free(out);

	for (k = 0; k < 5; k++) {
		points = run(w, now, &h, &p, &cpu, &pages, &bytes);
		if (k == 0) {
			/* First run: nothing computed before (cold). */
			cold_h = h;
			cold_p = p;
		}
		if (h < best_h) {
			best_h = h;
			best_p = p;
		}
		best_cpu = cpu < best_cpu ? cpu : best_cpu;
	}
	printf("GetMetricData, 500 queries x 1,440 points (1 day at 60 s), "
	    "in-process, best of 5 (later runs reuse the minute store):\n");
	printf("  first (cold) run: handler %.1f ms + serialization %.1f ms "
	    "= %.1f ms\n", cold_h, cold_p, cold_h + cold_p);
	printf("  metric generators only:     %8.1f ms for %d x 1440 points\n",
	    best_gen, NQ);
	printf("  handler (validate + compute + build reply), all %d pages: "
	    "%8.1f ms for %ld points\n", pages, best_h, points);
	printf("  JSON serialization of the %d pages (cJSON): %8.1f ms, "
	    "%.1f MB\n", pages, best_p, (double)bytes / 1e6);
	printf("  answer = handler + serialization: %8.1f ms  (target < "
	    "%.0f ms: %s)\n", best_h + best_p, TARGET_MS,
	    best_h + best_p < TARGET_MS ? "met" : "NOT met");
	printf("  answer, CPU time of the thread (load-independent): %8.1f ms"
	    "  (target < %.0f ms: %s)\n", best_cpu, TARGET_MS,
	    best_cpu < TARGET_MS ? "met" : "NOT met");

	{
		struct sim_auth *auth = sim_auth_new();
		struct sim_server *srv;
		struct sim_ctx ctx;
		int stopping = 0;
		char *cause = NULL;
		double best = 1e9, cold = 0, ms, all[5], med;
		int a, b;

		curl_global_init(CURL_GLOBAL_DEFAULT);
		sim_auth_add_key(auth, akid, secret, false);
		memset(&ctx, 0, sizeof ctx);
		ctx.w = w;
		ctx.auth = auth;
		ctx.stopping = &stopping;
		if ((srv = sim_server_start(&ctx, 0, &cause)) == NULL)
			fatal("server: %s", cause);
		for (k = 0; k < 5; k++) {
			ms = over_http(w, sim_server_port(srv), now, &bytes);
			if (ms < 0)
				fatal("GetMetricData over HTTP failed");
			if (k == 0)
				cold = ms;
			best = ms < best ? ms : best;
			all[k] = ms;
		}
		/* Median of the 5 runs (insertion sort). */
		for (a = 1; a < 5; a++) {
			for (b = a; b > 0 && all[b - 1] > all[b]; b--) {
				med = all[b];
				all[b] = all[b - 1];
				all[b - 1] = med;
			}
		}
		med = all[2];
		printf("  over HTTP (SigV4, loopback, libcurl client, all "
		    "pages, %.1f MB): first %.1f ms, best %.1f ms, median of 5 "
		    "%.1f ms  (target < %.0f ms: %s)\n", (double)bytes / 1e6,
		    cold, best, med, TARGET_MS, best < TARGET_MS ? "met" :
		    "NOT met");
		__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
		sim_server_stop(srv);
		sim_auth_free(auth);
		curl_global_cleanup();
	}
	sim_world_free(w);
	return 0;
}
