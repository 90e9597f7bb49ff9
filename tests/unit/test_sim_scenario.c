/* Unit tests for scenario parsing and playback, and fault specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/scenario.h"
#include "sim/server.h"

#define T0 1764000000.0

static void
sim_scenario_parse__all_events__parsed_and_sorted(void **state)
{
	const char *text =
	    "# comment line\n"
	    "\n"
	    "+2m   clear-faults\n"
	    "+60s  deploy prod api bad \"v1.43.0-rc1\"   # trailing comment\n"
	    "+0s   fault logs throttle=0.5\n"
	    "+0s   fault service=ecr,latency=200\n"
	    "+1h30m rollback prod api\n"
	    "+90   push worker broken v2.0.0\n"
	    "+5m   scale staging frontend 2 8 150\n"
	    "+6m   pause dev worker\n"
	    "+7m   resume dev worker\n"
	    "+8m   badness prod frontend 0.25\n"
	    "+9m   note \"all quiet\"\n";
	struct sim_scenario *sc;
	char *cause = NULL;
	const struct sim_event *e;

	sc = sim_scenario_parse(text, "t", &cause);
	assert_non_null(sc);
	assert_null(cause);
	assert_int_equal(sc->nevents, 11);
	e = sc->events;
	assert_int_equal(e[0].kind, SIM_EV_FAULT);
	assert_string_equal(e[0].text, "service=logs,throttle=0.5");
	assert_int_equal(e[1].kind, SIM_EV_FAULT);
	assert_string_equal(e[1].text, "service=ecr,latency=200");
	assert_int_equal(e[2].kind, SIM_EV_DEPLOY);
	assert_true(e[2].at == 60);
	assert_string_equal(e[2].env, "prod");
	assert_string_equal(e[2].role, "api");
	assert_string_equal(e[2].tag, "v1.43.0-rc1");
	assert_true(e[2].bad);
	assert_int_equal(e[3].kind, SIM_EV_PUSH);
	assert_true(e[3].at == 90);
	assert_false(e[3].bad);
	assert_true(e[3].broken);
	assert_string_equal(e[3].tag, "v2.0.0");
	assert_false(e[2].broken);
	assert_int_equal(e[4].kind, SIM_EV_CLEAR_FAULTS);
	assert_true(e[4].at == 120);
	assert_int_equal(e[5].kind, SIM_EV_SCALE);
	assert_int_equal(e[5].min_size, 2);
	assert_int_equal(e[5].max_size, 8);
	assert_int_equal(e[5].max_concurrency, 150);
	assert_int_equal(e[8].kind, SIM_EV_BADNESS);
	assert_true(e[8].value == 0.25);
	assert_int_equal(e[9].kind, SIM_EV_NOTE);
	assert_string_equal(e[9].text, "all quiet");
	assert_int_equal(e[10].kind, SIM_EV_ROLLBACK);
	assert_true(e[10].at == 5400);
	sim_scenario_free(sc);
}

static void
sim_scenario_parse__bad_lines__error_names_line(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "+10x deploy prod api v1\n", "t:1:" },
		{ "\n\n+10s explode prod api\n", "t:3:" },
		{ "+1s deploy qa api v1\n", "t:1:" },
		{ "+1s deploy prod db v1\n", "t:1:" },
		{ "+1s deploy prod api\n", "t:1:" },
		{ "+1s deploy prod api \"v1\n", "t:1:" },
		{ "+1s scale prod api 0 5\n", "t:1:" },
		{ "+1s scale prod api 5 4\n", "t:1:" },
		{ "+1s scale prod api 1 26\n", "t:1:" },
		{ "+1s badness prod api 2\n", "t:1:" },
		{ "+1s rollback prod api now\n", "t:1:" },
		{ "+1s clear-faults please\n", "t:1:" },
		{ "+1s\n", "t:1:" },
		{ "deploy prod api v1\n", "t:1:" },
		{ "+1s fault\n", "t:1:" },
	};
	struct sim_scenario *sc;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		sc = sim_scenario_parse(bad[i].text, "t", &cause);
		assert_null(sc);
		assert_non_null(cause);
		assert_non_null(strstr(cause, bad[i].want));
		free(cause);
	}
}

static void
sim_scenario_apply__incident__bad_release_then_rollback(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "api");
	struct sim_repo *r = sim_find_repo(w, "momentum/api");
	struct sim_scenario *sc;
	struct sim_image *bad;
	struct sim_state st;
	char *cause = NULL, before[72];
	size_t nimages = r->nimages;

	snprintf(before, sizeof before, "%s", s->cur.digest);
	sc = sim_scenario_load("incident", &cause);
	assert_non_null(sc);
	assert_int_equal(sim_scenario_apply(sc, w, T0 + 30), 1); /* the note */
	assert_int_equal(r->nimages, nimages);
	sim_scenario_apply(sc, w, T0 + 61);
	assert_int_equal(r->nimages, nimages + 1);
	bad = sim_repo_find_image(r, "v1.43.0-rc1");
	assert_non_null(bad);
	assert_true(bad->bad);
	assert_string_equal(sim_service_status(s), "OPERATION_IN_PROGRESS");
	/* Applied late, the event still takes effect at its own instant. */
	sim_world_tick(w, T0 + 500);
	assert_string_equal(s->cur.digest, bad->digest);
	assert_true(s->cur.badness == 1.0);
	sim_service_state_at(w, s, T0 + 60 + w->deploy_s - 1, &st);
	assert_string_equal(st.digest, before);
	sim_service_state_at(w, s, T0 + 60 + w->deploy_s, &st);
	assert_string_equal(st.digest, bad->digest);
	assert_int_equal(sim_scenario_apply(sc, w, T0 + 10000), 0);
	sim_scenario_free(sc);

	/* The rollback event goes back to the previous digest and heals. */
	sc = sim_scenario_parse("+600s rollback prod api\n", "rb", &cause);
	assert_non_null(sc);
	assert_int_equal(sim_scenario_apply(sc, w, T0 + 600), 1);
	sim_world_tick(w, T0 + 700);
	assert_string_equal(s->cur.digest, before);
	assert_true(s->cur.badness == 0.0);
	sim_scenario_free(sc);
	sim_world_free(w);
}

static void
sim_scenario_apply__faults_scale_pause__change_world(void **state)
{
	struct sim_world *w = sim_world_new(5, 1, T0);
	struct sim_service *fe = sim_find_service(w, "staging", "frontend");
	struct sim_service *wk = sim_find_service(w, "dev", "worker");
	struct sim_scenario *sc;
	struct sim_faults f;
	char *cause = NULL;
	int logs = sim_faults_service_index("logs");

	sc = sim_scenario_parse("+0s fault logs throttle=0.5,latency=20\n"
	    "+1s scale staging frontend 3 7\n+2s pause dev worker\n"
	    "+100s clear-faults\n", "f", &cause);
	assert_non_null(sc);
	sim_scenario_apply(sc, w, T0 + 50);
	sim_faults_get(w, logs, &f);
	assert_true(f.throttle_rate == 0.5);
	assert_int_equal(f.latency_ms, 20);
	sim_faults_get(w, sim_faults_service_index("ecr"), &f);
	assert_true(f.throttle_rate == 0);
	sim_world_tick(w, T0 + 50);
	assert_int_equal(fe->cur.min_size, 3);
	assert_int_equal(fe->cur.max_size, 7);
	assert_true(wk->cur.paused);
	sim_scenario_apply(sc, w, T0 + 100);
	sim_faults_get(w, logs, &f);
	assert_true(f.throttle_rate == 0);
	sim_scenario_free(sc);
	sim_world_free(w);
}

static void
sim_faults_parse__specs__per_service_and_all(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_faults f;
	char *cause = NULL;
	int ar = sim_faults_service_index("apprunner");

	assert_int_equal(sim_faults_parse(w, "throttle=0.1,latency=5", &cause),
	    0);
	assert_int_equal(sim_faults_parse(w, "error=0.2,service=apprunner,"
	    "stall,skew=-30s,creds_ttl=60", &cause), 0);
	sim_faults_get(w, ar, &f);
	assert_true(f.throttle_rate == 0.1);	/* from "all" */
	assert_true(f.error_rate == 0.2);
	assert_true(f.stall);
	assert_int_equal(f.clock_skew_s, -30);
	assert_int_equal(f.creds_ttl_s, 60);
	assert_int_equal(f.latency_ms, 5);
	sim_faults_get(w, sim_faults_service_index("cloudwatch"), &f);
	assert_true(f.error_rate == 0);
	assert_false(f.stall);
	assert_int_equal(sim_faults_service_index("monitoring"),
	    sim_faults_service_index("cloudwatch"));
	assert_int_equal(sim_faults_service_index("nope"), -1);
	assert_int_equal(sim_faults_parse(w, "throttle=1.5", &cause), -1);
	free(cause);
	assert_int_equal(sim_faults_parse(w, "service=x,throttle=1", &cause),
	    -1);
	free(cause);
	assert_int_equal(sim_faults_parse(w, "wobble=1", &cause), -1);
	free(cause);
	assert_int_equal(sim_faults_parse(w, "latency", &cause), -1);
	free(cause);
	sim_faults_clear(w);
	sim_faults_get(w, ar, &f);
	assert_true(f.throttle_rate == 0 && f.error_rate == 0 && !f.stall);
	sim_world_free(w);
}

static void
sim_scenario_load__shipped_scenarios__all_parse(void **state)
{
	static const char *names[] = { "calm", "incident", "flaky" };
	struct sim_scenario *sc;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		sc = sim_scenario_load(names[i], &cause);
		if (sc == NULL)
			fail_msg("%s: %s", names[i], cause);
		sim_scenario_free(sc);
	}
	assert_null(sim_scenario_load("no-such-scenario", &cause));
	assert_non_null(strstr(cause, "not found"));
	free(cause);
	assert_null(sim_scenario_load("/nonexistent/x.scn", &cause));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sim_scenario_parse__all_events__parsed_and_sorted),
		cmocka_unit_test(sim_scenario_parse__bad_lines__error_names_line),
		cmocka_unit_test(sim_scenario_apply__incident__bad_release_then_rollback),
		cmocka_unit_test(sim_scenario_apply__faults_scale_pause__change_world),
		cmocka_unit_test(sim_faults_parse__specs__per_service_and_all),
		cmocka_unit_test(sim_scenario_load__shipped_scenarios__all_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
