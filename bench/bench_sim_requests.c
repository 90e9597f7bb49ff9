/*
 * Benchmark: small signed requests per second that momentum-sim answers
 * on loopback from a concurrent client (4 keep-alive connections, libcurl).
 * Target (issue 3): 1,000 requests/s.  The server runs in this process,
 * exactly as momentum-sim runs it (libmicrohttpd, SigV4 verification,
 * world lock, request log off); the requests are signed once and replayed,
 * as the signature stays valid for five minutes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/sigv4.h"
#include "sim/server.h"

#include "benchlib.h"

#define NTHREADS 4
#define SECONDS 3.0
#define MAXLAT 200000

static const char *akid = "AKIABENCHBENCHBENCH0";
static const char *secret = "bench-secret-bench-secret-bench-secret00";

struct worker {
	pthread_t t;
	int port;
	const char *target;
	const char *body;
	int64_t deadline;
	size_t n, errors;
	double *lat;		/* ms */
};

static size_t
sink(char *p, size_t sz, size_t n, void *u)
{
	return sz * n;
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	struct curl_slist *hdrs;
	char url[64];
	CURL *c = curl_easy_init();
	long code;

	snprintf(url, sizeof url, "http://127.0.0.1:%d/", w->port);
	hdrs = bench_signed_headers(w->port, w->target, w->body, "apprunner",
	    akid, secret);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, w->body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	while (mono_ms() < w->deadline) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		if (curl_easy_perform(c) != CURLE_OK ||
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) !=
		    CURLE_OK || code != 200)
			w->errors++;
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (w->n < MAXLAT)
			w->lat[w->n] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
			    (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		w->n++;
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
bench(int port, const char *name, const char *target, const char *body)
{
	struct worker w[NTHREADS];
	double *all, rate;
	size_t total = 0, errors = 0, k = 0, i;
	int64_t start = mono_ms();

	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].port = port;
		w[i].target = target;
		w[i].body = body;
		w[i].deadline = start + (int64_t)(SECONDS * 1000);
		w[i].lat = xcalloc(MAXLAT, sizeof *w[i].lat);
		pthread_create(&w[i].t, NULL, run, &w[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].t, NULL);
		total += w[i].n;
		errors += w[i].errors;
	}
	all = xcalloc(total, sizeof *all);
	for (i = 0; i < NTHREADS; i++) {
		size_t n = w[i].n < MAXLAT ? w[i].n : MAXLAT;

		memcpy(all + k, w[i].lat, n * sizeof *all);
		k += n;
		free(w[i].lat);
	}
	qsort(all, k, sizeof *all, cmp);
	rate = (double)total / ((double)(mono_ms() - start) / 1000.0);
	printf("%-16s %6zu requests in %.1f s: %7.0f req/s, p50 %.2f ms, "
	    "p99 %.2f ms, errors %zu\n", name, total, SECONDS, rate,
	    k ? all[k / 2] : 0, k ? all[k * 99 / 100] : 0, errors);
	free(all);
	return errors ? 0 : rate;
}

int
main(void)
{
	struct sim_world *wd;
	struct sim_auth *auth;
	struct sim_server *srv;
	struct sim_ctx ctx;
	int stopping = 0;
	char *cause = NULL, *body;
	double r1, r2;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	wd = sim_world_new(1, 1, (double)now_ms() / 1000.0);
	auth = sim_auth_new();
	sim_auth_add_key(auth, akid, secret, false);
	memset(&ctx, 0, sizeof ctx);
	ctx.w = wd;
	ctx.auth = auth;
	ctx.stopping = &stopping;
	if ((srv = sim_server_start(&ctx, 0, &cause)) == NULL) {
		fprintf(stderr, "bench_sim_requests: %s\n", cause);
		return 1;
	}
	printf("momentum-sim request rate, %d concurrent keep-alive clients, "
	    "signed requests, loopback (target: 1000 req/s)\n", NTHREADS);
	r1 = bench(sim_server_port(srv), "ListServices", "AppRunner.ListServices",
	    "{}");
	body = xasprintf("{\"ServiceArn\":\"%s\"}", wd->envs[2].svcs[1].arn);
	r2 = bench(sim_server_port(srv), "DescribeService",
	    "AppRunner.DescribeService", body);
	free(body);
	printf("target 1000 req/s: %s\n", r1 >= 1000 && r2 >= 1000 ? "met" :
	    "NOT met");
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
	sim_server_stop(srv);
	sim_world_free(wd);
	sim_auth_free(auth);
	curl_global_cleanup();
	return 0;
}
