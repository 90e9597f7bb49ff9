/* Unit tests for the simulator's metric generators (sim/metrics.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metrics.h"
#include "sim/world.h"
#include "util/util.h"

/* 2026-11-19 00:00 UTC, a Thursday (WED + 3 days is a Sunday). */
#define WED 1795046400.0
#define HOUR 3600.0
#define DAY 86400.0

static struct sim_world *
world(void)
{
	return sim_world_new(42, 1, WED + 7 * DAY);
}

static void
ar(struct sim_world *w, const char *svc, const char *name,
    struct sim_metric *m)
{
	struct sim_service *s = sim_find_service_by_name(w, svc);
	struct sim_dim d[2] = { { "ServiceName", svc }, { "ServiceID", s->id } };

	assert_non_null(s);
	assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner", name, d, 2,
	    NULL, m), 0);
}

static double
one(struct sim_world *w, const struct sim_metric *m, const char *stat,
    double t, int period)
{
	struct sim_stat st;
	double v;

	assert_int_equal(sim_stat_parse(stat, &st), 0);
	sim_metric_series(w, m, &st, t, period, 1, t + 7 * DAY, &v);
	return v;
}

static void
stat_parse__names_and_percentiles__accepted(void **state)
{
	struct sim_stat st;

	(void)state;
	assert_int_equal(sim_stat_parse("Sum", &st), 0);
	assert_int_equal(st.kind, SIM_STAT_SUM);
	assert_int_equal(sim_stat_parse("p99", &st), 0);
	assert_int_equal(st.kind, SIM_STAT_PCT);
	assert_true(st.pct == 99);
	assert_int_equal(sim_stat_parse("p99.9", &st), 0);
	assert_int_equal(sim_stat_parse("tm99", &st), -1);
	assert_int_equal(sim_stat_parse("p0", &st), -1);
	assert_int_equal(sim_stat_parse("p101", &st), -1);
	assert_int_equal(sim_stat_parse("average", &st), -1);
	assert_int_equal(sim_stat_parse(NULL, &st), -1);
}

static void
lookup__dimensions__must_match_exactly(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	struct sim_dim only_name[1] = { { "ServiceName", "momentum-prod-api" } };
	struct sim_dim bad_id[2] = { { "ServiceName", "momentum-prod-api" },
	    { "ServiceID", "nope" } };
	struct sim_dim extra[2] = { { "ServiceName", "momentum-prod-api" },
	    { "Foo", "bar" } };
	struct sim_dim db[1] = { { "DBInstanceIdentifier", "momentum-dev-db" } };

	(void)state;
	assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner", "Requests",
	    only_name, 1, NULL, &m), 0);
	assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner", "Requests",
	    bad_id, 2, NULL, &m), -1);
	assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner", "Requests",
	    extra, 2, NULL, &m), -1);
	assert_int_equal(sim_metric_lookup(w, "AWS/AppRunner", "Nope",
	    only_name, 1, NULL, &m), -1);
	assert_int_equal(sim_metric_lookup(w, "AWS/RDS", "CPUUtilization",
	    db, 1, NULL, &m), 0);
	assert_int_equal(m.env, 0);
	assert_int_equal(sim_metric_lookup(w, "AWS/RDS", "CPUUtilization",
	    db, 1, "Percent", &m), 0);
	assert_int_equal(sim_metric_lookup(w, "AWS/RDS", "CPUUtilization",
	    db, 1, "Bytes", &m), -1);
	sim_world_free(w);
}

static void
requests__afternoon_vs_night__afternoon_busier(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	double night, peak, sat;

	(void)state;
	ar(w, "momentum-prod-api", "Requests", &m);
	/* 08:30 UTC = 03:30 US Eastern; 20:30 UTC = 15:30. */
	night = one(w, &m, "Sum", WED + 8.5 * HOUR, 3600);
	peak = one(w, &m, "Sum", WED + 20.5 * HOUR, 3600);
	sat = one(w, &m, "Sum", WED + 3 * DAY + 20.5 * HOUR, 3600);
	assert_true(night > 0);
	assert_true(peak > 4 * night);
	assert_true(sat < 0.8 * peak);
	sim_world_free(w);
}

static void
requests__env_scale__prod_above_dev(void **state)
{
	struct sim_world *w = world();
	struct sim_metric p, d;

	(void)state;
	ar(w, "momentum-prod-api", "Requests", &p);
	ar(w, "momentum-dev-api", "Requests", &d);
	assert_true(one(w, &p, "Sum", WED + 18 * HOUR, 3600) >
	    10 * one(w, &d, "Sum", WED + 18 * HOUR, 3600));
	sim_world_free(w);
}

static void
latency__percentiles__ordered(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	double t;
	int h;

	(void)state;
	ar(w, "momentum-prod-api", "RequestLatency", &m);
	for (h = 0; h < 24; h += 3) {
		t = WED + h * HOUR;
		double p50 = one(w, &m, "p50", t, 300);
		double p90 = one(w, &m, "p90", t, 300);
		double p99 = one(w, &m, "p99", t, 300);
		double mx = one(w, &m, "Maximum", t, 300);
		double mn = one(w, &m, "Minimum", t, 300);

		assert_true(mn <= p50);
		assert_true(p50 <= p90);
		assert_true(p90 <= p99);
		assert_true(p99 <= mx);
		assert_true(p50 > 10 && p50 < 1000);
	}
	sim_world_free(w);
}

static void
results__same_seed__identical(void **state)
{
	struct sim_world *a = world(), *b = world(), *c;
	struct sim_metric ma, mb, mc;
	struct sim_stat st = { SIM_STAT_AVG, 0 };
	double va[60], vb[60], vc[60];

	(void)state;
	c = sim_world_new(43, 1, WED + 7 * DAY);
	ar(a, "momentum-prod-frontend", "CPUUtilization", &ma);
	ar(b, "momentum-prod-frontend", "CPUUtilization", &mb);
	ar(c, "momentum-prod-frontend", "CPUUtilization", &mc);
	sim_metric_series(a, &ma, &st, WED, 60, 60, WED + DAY, va);
	sim_metric_series(b, &mb, &st, WED, 60, 60, WED + DAY, vb);
	sim_metric_series(c, &mc, &st, WED, 60, 60, WED + DAY, vc);
	assert_memory_equal(va, vb, sizeof va);
	assert_memory_not_equal(va, vc, sizeof va);
	sim_world_free(a);
	sim_world_free(b);
	sim_world_free(c);
}

static void
series__future_minutes__no_data(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	struct sim_stat st = { SIM_STAT_SUM, 0 };
	double v[10], now = WED + 5 * 60 + 30;

	(void)state;
	ar(w, "momentum-prod-api", "Requests", &m);
	sim_metric_series(w, &m, &st, WED, 60, 10, now, v);
	/* Minutes 0..3 are complete at 5:30; minute 4 ended at 5:00 too. */
	assert_false(isnan(v[4]));
	assert_true(isnan(v[5]));
	assert_true(isnan(v[9]));
	sim_world_free(w);
}

static void
instances__within_min_max__and_follow_traffic(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	struct sim_stat st = { SIM_STAT_MAX, 0 };
	double v[24 * 7], lo = 1e9, hi = 0;
	size_t i;

	(void)state;
	ar(w, "momentum-prod-api", "ActiveInstances", &m);
	sim_metric_series(w, &m, &st, WED, 3600, 24 * 7, WED + 8 * DAY, v);
	for (i = 0; i < 24 * 7; i++) {
		assert_false(isnan(v[i]));
		assert_true(v[i] >= 2 && v[i] <= 20);
		assert_true(v[i] == floor(v[i]));
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	assert_true(hi > lo);	/* scales with the daily cycle */
	sim_world_free(w);
}

/* Put service s into state st from time t on. */
static void
set_state(struct sim_world *w, const char *svc, double t, bool paused,
    double badness, int min, int max)
{
	struct sim_service *s = sim_find_service_by_name(w, svc);
	struct sim_state st = s->cur;

	st.paused = paused;
	st.badness = badness;
	if (min > 0) {
		st.min_size = min;
		st.max_size = max;
	}
	sim_service_set_state(s, t, &st);
}

static void
paused__zero_traffic_and_instances(void **state)
{
	struct sim_world *w = world();
	struct sim_metric req, inst, cpu;
	double t = WED + 5 * DAY + 18 * HOUR;

	(void)state;
	set_state(w, "momentum-prod-frontend", t, true, 0, 0, 0);
	ar(w, "momentum-prod-frontend", "Requests", &req);
	ar(w, "momentum-prod-frontend", "ActiveInstances", &inst);
	ar(w, "momentum-prod-frontend", "CPUUtilization", &cpu);
	assert_true(one(w, &req, "Sum", t - 3600, 3600) > 0);
	assert_true(one(w, &req, "Sum", t, 3600) == 0);
	assert_true(one(w, &inst, "Maximum", t, 3600) == 0);
	assert_true(isnan(one(w, &cpu, "Average", t, 3600)));
	sim_world_free(w);
}

static void
badness__raises_5xx_latency_and_db_load(void **state)
{
	struct sim_world *w = world();
	struct sim_metric r5, req, lat, conn;
	struct sim_dim db[1] = { { "DBInstanceIdentifier",
	    "momentum-prod-db" } };
	double t = WED + 5 * DAY + 18 * HOUR, before, after;

	(void)state;
	set_state(w, "momentum-prod-api", t, false, 1.0, 0, 0);
	ar(w, "momentum-prod-api", "5xxStatusResponses", &r5);
	ar(w, "momentum-prod-api", "Requests", &req);
	ar(w, "momentum-prod-api", "RequestLatency", &lat);
	assert_int_equal(sim_metric_lookup(w, "AWS/RDS", "DatabaseConnections",
	    db, 1, NULL, &conn), 0);

	before = one(w, &r5, "Sum", t - 600, 600) /
	    one(w, &req, "Sum", t - 600, 600);
	after = one(w, &r5, "Sum", t, 600) / one(w, &req, "Sum", t, 600);
	assert_true(before < 0.01);
	assert_true(after > 0.15 && after < 0.40);
	before = one(w, &lat, "p99", t - 600, 600);
	after = one(w, &lat, "p99", t, 600);
	assert_true(after > 3 * before);
	assert_true(one(w, &conn, "Maximum", t, 600) >
	    one(w, &conn, "Maximum", t - 600, 600) + 50);
	sim_world_free(w);
}

static void
scaling__max_size_caps_instances(void **state)
{
	struct sim_world *w = world();
	struct sim_metric inst;
	double t = WED + 5 * DAY + 20 * HOUR;

	(void)state;
	set_state(w, "momentum-prod-api", t, false, 0, 1, 1);
	ar(w, "momentum-prod-api", "ActiveInstances", &inst);
	assert_true(one(w, &inst, "Maximum", t - 3600, 3600) >= 2);
	assert_true(one(w, &inst, "Maximum", t, 3600) == 1);
	sim_world_free(w);
}

static void
edge_resources__ids__resolve(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	char cf[32], alb[96];
	struct sim_dim d[2];

	(void)state;
	sim_metrics_cloudfront_id(2, cf, sizeof cf);
	assert_int_equal(strlen(cf), 14);
	assert_int_equal(cf[0], 'E');
	d[0].name = "DistributionId";
	d[0].value = cf;
	d[1].name = "Region";
	d[1].value = "Global";
	assert_int_equal(sim_metric_lookup(w, "AWS/CloudFront", "Requests", d,
	    2, NULL, &m), 0);
	assert_int_equal(m.env, 2);
	assert_true(one(w, &m, "Sum", WED + 18 * HOUR, 3600) > 0);

	sim_metrics_alb_name(1, alb, sizeof alb);
	assert_non_null(strstr(alb, "app/momentum-staging-alb/"));
	d[0].name = "LoadBalancer";
	d[0].value = alb;
	assert_int_equal(sim_metric_lookup(w, "AWS/ApplicationELB",
	    "TargetResponseTime", d, 1, NULL, &m), 0);
	assert_true(one(w, &m, "p99", WED + 18 * HOUR, 300) < 5);

	d[0].name = "Environment";
	d[0].value = "prod";
	assert_int_equal(sim_metric_lookup(w, "Momentum/Cost",
	    "MonthToDateCost", d, 1, NULL, &m), 0);
	assert_true(one(w, &m, "Maximum", WED + 5 * DAY, 3600) > 0);
	sim_world_free(w);
}

static void
redis_rds__values__plausible(void **state)
{
	struct sim_world *w = world();
	struct sim_metric m;
	struct sim_dim rc[1] = { { "CacheClusterId", "momentum-prod-redis" } };
	struct sim_dim db[1] = { { "DBInstanceIdentifier", "momentum-prod-db" } };
	double v;

	(void)state;
	assert_int_equal(sim_metric_lookup(w, "AWS/ElastiCache",
	    "DatabaseMemoryUsagePercentage", rc, 1, NULL, &m), 0);
	v = one(w, &m, "Average", WED + 12 * HOUR, 300);
	assert_true(v > 10 && v < 80);
	assert_int_equal(sim_metric_lookup(w, "AWS/ElastiCache", "Evictions",
	    rc, 1, NULL, &m), 0);
	assert_true(one(w, &m, "Sum", WED + 12 * HOUR, 300) == 0);
	assert_int_equal(sim_metric_lookup(w, "AWS/RDS", "FreeStorageSpace",
	    db, 1, NULL, &m), 0);
	v = one(w, &m, "Minimum", WED + 12 * HOUR, 300);
	assert_true(v > 5e9 && v < 20 * 1073741824.0);
	sim_world_free(w);
}

static void
cached__every_metric_and_stat__same_as_uncached(void **state)
{
	static const char *names[] = { "Requests", "2xxStatusResponses",
	    "4xxStatusResponses", "5xxStatusResponses", "RequestLatency",
	    "ActiveInstances", "CPUUtilization", "MemoryUtilization",
	    "Concurrency" };
	static const char *stats[] = { "Sum", "Average", "Minimum", "Maximum",
	    "SampleCount", "p50", "p99" };
	static const int periods[] = { 60, 300 };
	struct sim_world *w = world();
	struct sim_metric_cache *c = sim_metric_cache_new();
	struct sim_metric m;
	struct sim_stat st;
	double a[120], b[120], start = WED + 5 * DAY + 17 * HOUR;
	size_t i, j, k, p;

	(void)state;
	/* A pause inside the window, so missing data is compared too. */
	set_state(w, "momentum-prod-worker", start + 1800, true, 0, 0, 0);
	set_state(w, "momentum-prod-worker", start + 2400, false, 0.5, 0, 0);
	for (i = 0; i < nitems(names); i++) {
		ar(w, "momentum-prod-worker", names[i], &m);
		for (j = 0; j < nitems(stats); j++) {
			assert_int_equal(sim_stat_parse(stats[j], &st), 0);
			for (p = 0; p < nitems(periods); p++) {
				size_t n = periods[p] == 60 ? 120 : 24;

				sim_metric_series(w, &m, &st, start, periods[p],
				    n, start + 6000, a);
				sim_metric_series_cached(w, c, &m, &st, start,
				    periods[p], n, start + 6000, b);
				for (k = 0; k < n; k++) {
					if (isnan(a[k]) != isnan(b[k]) ||
					    (!isnan(a[k]) && a[k] != b[k]))
						fail_msg("%s %s %d: [%zu] %g != %g",
						    names[i], stats[j], periods[p],
						    k, a[k], b[k]);
				}
			}
		}
	}
	assert_true(isnan(a[23]));	/* future */
	sim_metric_cache_free(c);
	sim_world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_parse__names_and_percentiles__accepted),
		cmocka_unit_test(lookup__dimensions__must_match_exactly),
		cmocka_unit_test(requests__afternoon_vs_night__afternoon_busier),
		cmocka_unit_test(requests__env_scale__prod_above_dev),
		cmocka_unit_test(latency__percentiles__ordered),
		cmocka_unit_test(results__same_seed__identical),
		cmocka_unit_test(series__future_minutes__no_data),
		cmocka_unit_test(instances__within_min_max__and_follow_traffic),
		cmocka_unit_test(paused__zero_traffic_and_instances),
		cmocka_unit_test(badness__raises_5xx_latency_and_db_load),
		cmocka_unit_test(scaling__max_size_caps_instances),
		cmocka_unit_test(edge_resources__ids__resolve),
		cmocka_unit_test(redis_rds__values__plausible),
		cmocka_unit_test(
		    cached__every_metric_and_stat__same_as_uncached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
