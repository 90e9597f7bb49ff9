/* Unit tests for the simulated world: seed, images, operations, timeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/world.h"

#define T0 1764000000.0

static void
sim_world_new__seed__has_seed_deployment(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_service *fe, *api, *wk;
	int e;

	for (e = 0; e < SIM_NENV; e++)
		assert_non_null(w->envs[e].name);
	assert_string_equal(w->envs[0].name, "dev");
	assert_string_equal(w->envs[2].name, "prod");
	fe = sim_find_service(w, "prod", "frontend");
	api = sim_find_service(w, "prod", "api");
	wk = sim_find_service(w, "prod", "worker");
	assert_non_null(fe);
	assert_non_null(api);
	assert_non_null(wk);
	assert_int_equal(fe->memory_mb, 512);
	assert_int_equal(fe->cpu_units, 1024);
	assert_int_equal(fe->cur.min_size, 1);
	assert_int_equal(fe->cur.max_size, 10);
	assert_int_equal(api->memory_mb, 1024);
	assert_int_equal(api->cpu_units, 2048);
	assert_int_equal(api->cur.min_size, 2);
	assert_int_equal(api->cur.max_size, 20);
	assert_string_equal(api->name, "momentum-prod-api");
	assert_int_equal(strlen(api->id), 32);
	assert_true(strstr(api->arn, "arn:aws:apprunner:us-east-1:123456789012:service/momentum-prod-api/") == api->arn);
	assert_ptr_equal(sim_find_service_by_arn(w, api->arn), api);
	assert_ptr_equal(sim_find_service_by_name(w, "momentum-dev-worker"),
	    sim_find_service(w, "dev", "worker"));
	assert_null(sim_find_service(w, "qa", "api"));
	assert_string_equal(w->envs[0].rds_class, "db.t3.micro");
	assert_string_equal(w->envs[2].rds_class, "db.t3.small");
	assert_string_equal(w->envs[2].redis_class, "cache.t3.small");
	assert_true(w->envs[2].budget_low >= 200 && w->envs[2].budget_high <= 300);
	assert_true(w->envs[0].budget_low >= 50 && w->envs[0].budget_high <= 100);
	assert_non_null(sim_find_asc(w, api->asc_arn));
	sim_world_free(w);
}

static void
sim_world_new__same_seed__same_world(void **state)
{
	struct sim_world *a = sim_world_new(7, 1, T0);
	struct sim_world *b = sim_world_new(7, 1, T0);
	struct sim_world *c = sim_world_new(8, 1, T0);
	size_t i;

	for (i = 0; i < SIM_NSVC; i++) {
		assert_int_equal(a->repos[i].nimages, b->repos[i].nimages);
		assert_string_equal(a->repos[i].images[0].digest,
		    b->repos[i].images[0].digest);
	}
	assert_string_equal(a->envs[2].svcs[1].id, b->envs[2].svcs[1].id);
	assert_string_not_equal(a->envs[2].svcs[1].id, c->envs[2].svcs[1].id);
	sim_world_free(a);
	sim_world_free(b);
	sim_world_free(c);
}

static void
sim_world_new__repos__plausible_history(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_repo *r = sim_find_repo(w, "momentum/api");
	struct sim_service *dev, *stg, *prod;
	size_t i, n;

	assert_non_null(r);
	n = r->nimages;
	assert_true(n >= 8 && n <= 12);
	assert_string_equal(r->images[n - 1].tag, "v1.42.0");
	for (i = 0; i < n; i++) {
		assert_int_equal(strlen(r->images[i].digest), 71);
		assert_true(strncmp(r->images[i].digest, "sha256:", 7) == 0);
		assert_true(r->images[i].pushed_at < T0);
		if (i > 0)
			assert_true(r->images[i].pushed_at > r->images[i - 1].pushed_at);
		assert_int_equal(sim_image_ntags(&r->images[i]), 2);
		assert_true(strncmp(sim_image_tag(&r->images[i], 1), "git-", 4) == 0);
	}
	dev = sim_find_service(w, "dev", "api");
	stg = sim_find_service(w, "staging", "api");
	prod = sim_find_service(w, "prod", "api");
	assert_string_equal(dev->cur.digest, r->images[n - 1].digest);
	assert_string_equal(stg->cur.digest, r->images[n - 2].digest);
	assert_string_equal(prod->cur.digest, r->images[n - 3].digest);
	assert_true(prod->ntimeline >= 2);
	assert_string_equal(prod->timeline[0].state.digest, r->images[0].digest);
	assert_ptr_equal(sim_repo_find_image(r, "v1.42.0"), &r->images[n - 1]);
	assert_ptr_equal(sim_repo_find_image(r, r->images[2].digest), &r->images[2]);
	assert_null(sim_repo_find_image(r, "nope"));
	sim_world_free(w);
}

static void
sim_repo_tag_image__existing_tag__moves(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_repo *r = sim_find_repo(w, "momentum/frontend");
	struct sim_image *a = &r->images[0], *b = &r->images[1];

	assert_int_equal(sim_repo_tag_image(r, a, "prod"), 0);
	assert_true(sim_image_has_tag(a, "prod"));
	assert_int_equal(sim_repo_tag_image(r, b, "prod"), 0);
	assert_false(sim_image_has_tag(a, "prod"));
	assert_true(sim_image_has_tag(b, "prod"));
	assert_int_equal(sim_image_ntags(a), 2);
	assert_int_equal(sim_image_ntags(b), 3);
	sim_world_free(w);
}

static void
sim_repo_push__new_image__digest_is_manifest_sha(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_repo *r = sim_find_repo(w, "momentum/api");
	size_t n = r->nimages;
	struct sim_image *img = sim_repo_push(w, r, "v1.43.0-rc1", true, T0);
	char *m;

	assert_non_null(img);
	assert_int_equal(r->nimages, n + 1);
	assert_true(img->bad);
	assert_string_equal(img->tag, "v1.43.0-rc1");
	m = sim_image_manifest(r, img);
	assert_non_null(strstr(m, "\"schemaVersion\":2"));
	free(m);
	assert_ptr_equal(sim_repo_find_image(r, img->digest), img);
	sim_world_free(w);
}

static void
sim_service_start_op__deploy__completes_after_duration(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "api");
	struct sim_repo *r = sim_find_repo(w, "momentum/api");
	struct sim_image *bad = sim_repo_push(w, r, "v1.43.0-rc1", true, T0);
	struct sim_operation *op;
	struct sim_state st;
	char old[72];

	snprintf(old, sizeof old, "%s", s->cur.digest);
	assert_string_equal(sim_service_status(s), "RUNNING");
	op = sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, T0 + 10,
	    bad->digest, NULL);
	assert_int_equal(strlen(op->id), 36);
	assert_string_equal(sim_service_status(s), "OPERATION_IN_PROGRESS");
	assert_string_equal(sim_service_pending_digest(s), bad->digest);
	sim_world_tick(w, T0 + 20);
	assert_string_equal(s->cur.digest, old);
	sim_world_tick(w, T0 + 10 + w->deploy_s + 1);
	assert_string_equal(sim_service_status(s), "RUNNING");
	assert_int_equal(op->status, SIM_OP_SUCCEEDED);
	assert_string_equal(s->cur.digest, bad->digest);
	assert_true(s->cur.badness == 1.0);
	/* The timeline remembers both states. */
	sim_service_state_at(w, s, T0 + 5, &st);
	assert_string_equal(st.digest, old);
	assert_true(st.badness == 0.0);
	sim_service_state_at(w, s, T0 + 10 + w->deploy_s, &st);
	assert_string_equal(st.digest, bad->digest);
	sim_service_state_at(w, s, T0 - 400 * 86400.0, &st);
	assert_string_equal(st.digest, r->images[0].digest);
	/* Rolling back heals. */
	sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, T0 + 100, old, NULL);
	sim_world_tick(w, T0 + 1000);
	assert_true(s->cur.badness == 0.0);
	assert_string_equal(s->cur.digest, old);
	sim_world_free(w);
}

static void
sim_service_start_op__broken_image__rolls_back(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_service *s = sim_find_service(w, "staging", "api");
	struct sim_repo *r = sim_find_repo(w, "momentum/api");
	struct sim_image *img = sim_repo_push(w, r, "v1.44.0", false, T0);
	struct sim_operation *op;
	char old[72];
	size_t n = s->ntimeline;

	img->broken = true;
	snprintf(old, sizeof old, "%s", s->cur.digest);
	op = sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, T0, img->digest,
	    NULL);
	sim_world_tick(w, T0 + 1000);
	assert_int_equal(op->status, SIM_OP_ROLLBACK_SUCCEEDED);
	assert_string_equal(s->cur.digest, old);
	assert_int_equal(s->ntimeline, n);
	assert_string_equal(sim_service_status(s), "RUNNING");
	assert_string_equal(sim_service_pending_digest(s), old);
	sim_world_free(w);
}

static void
sim_service_start_op__pause_scale__change_state(void **state)
{
	struct sim_world *w = sim_world_new(42, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "frontend");
	struct sim_asc *a = sim_asc_create(w, s->name, 3, 12, 80, T0);

	assert_int_equal(a->revision, 2);
	assert_false(sim_find_asc(w, s->asc_arn)->latest);
	sim_service_start_op(w, s, SIM_OP_UPDATE_SERVICE, T0, NULL, a->arn);
	sim_world_tick(w, T0 + 100);
	assert_int_equal(s->cur.min_size, 3);
	assert_int_equal(s->cur.max_size, 12);
	assert_int_equal(s->cur.max_concurrency, 80);
	assert_string_equal(s->asc_arn, a->arn);
	sim_service_start_op(w, s, SIM_OP_PAUSE_SERVICE, T0 + 200, NULL, NULL);
	sim_world_tick(w, T0 + 300);
	assert_true(s->cur.paused);
	assert_string_equal(sim_service_status(s), "PAUSED");
	sim_service_start_op(w, s, SIM_OP_RESUME_SERVICE, T0 + 400, NULL, NULL);
	sim_world_tick(w, T0 + 500);
	assert_false(s->cur.paused);
	sim_world_free(w);
}

static void
sim_asc_create__table_full__recycles_unused_revisions(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "prod", "api");
	char keep[256];
	struct sim_asc *a = NULL;
	int i;

	snprintf(keep, sizeof keep, "%s", s->asc_arn);
	for (i = 0; i < 3 * SIM_MAX_ASCS; i++) {
		a = sim_asc_create(w, "churn", 1, 2 + i % 20, 100, T0 + i);
		assert_non_null(a);
	}
	assert_int_equal(a->revision, 3 * SIM_MAX_ASCS);
	assert_true(a->latest);
	/* Revisions services use survive. */
	assert_non_null(sim_find_asc(w, keep));
	assert_int_equal(w->nascs, SIM_MAX_ASCS);
	sim_world_free(w);
}

static void
sim_service_set_state__full_timeline__keeps_newest(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, T0);
	struct sim_service *s = sim_find_service(w, "dev", "api");
	struct sim_state st = s->cur;
	int i;

	for (i = 0; i < SIM_MAX_TIMELINE + 10; i++) {
		st.min_size = i % 7 + 1;
		sim_service_set_state(s, T0 + i, &st);
	}
	assert_int_equal(s->ntimeline, SIM_MAX_TIMELINE);
	assert_true(s->timeline[SIM_MAX_TIMELINE - 1].t == T0 + i - 1);
	/* Going back in time is clamped, never reorders. */
	sim_service_set_state(s, T0, &st);
	assert_true(s->timeline[s->ntimeline - 1].t >= T0 + i - 1);
	sim_world_free(w);
}

static void
sim_noise__same_inputs__same_value_in_range(void **state)
{
	double a, sum = 0;
	int i;

	a = sim_noise(1, 2, 3);
	assert_true(a == sim_noise(1, 2, 3));
	assert_true(a != sim_noise(1, 2, 4));
	for (i = 0; i < 10000; i++) {
		a = sim_noise(99, 5, i);
		assert_true(a >= 0 && a < 1);
		sum += a;
	}
	assert_true(sum / 10000 > 0.45 && sum / 10000 < 0.55);
	assert_true(sim_hash("a") != sim_hash("b"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sim_world_new__seed__has_seed_deployment),
		cmocka_unit_test(sim_world_new__same_seed__same_world),
		cmocka_unit_test(sim_world_new__repos__plausible_history),
		cmocka_unit_test(sim_repo_tag_image__existing_tag__moves),
		cmocka_unit_test(sim_repo_push__new_image__digest_is_manifest_sha),
		cmocka_unit_test(sim_service_start_op__deploy__completes_after_duration),
		cmocka_unit_test(sim_service_start_op__broken_image__rolls_back),
		cmocka_unit_test(sim_service_start_op__pause_scale__change_state),
		cmocka_unit_test(sim_asc_create__table_full__recycles_unused_revisions),
		cmocka_unit_test(sim_service_set_state__full_timeline__keeps_newest),
		cmocka_unit_test(sim_noise__same_inputs__same_value_in_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
