/* Snapshots: reference counting, failed polls sharing data, the store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/snapshot.h"
#include "util/util.h"

static int freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

static bool
readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static void
snapshot_unref__last_reference__frees_data_once(void **state)
{
	struct snapshot *s;

	(void)state;
	freed = 0;
	s = snapshot_new(SRC_ALARMS, 0, xmalloc(8), count_free);
	snapshot_ref(s);
	snapshot_unref(s);
	assert_int_equal(freed, 0);
	snapshot_unref(s);
	assert_int_equal(freed, 1);
	snapshot_unref(NULL);
}

static void
snapshot_new_failed__keeps_previous_data__until_both_released(void **state)
{
	struct snapshot *ok, *bad, *bad2;

	(void)state;
	freed = 0;
	ok = snapshot_new(SRC_SERVICES, 1, xmalloc(8), count_free);
	ok->fetched_at_ms = 1000;
	bad = snapshot_new_failed(ok, SRC_SERVICES, 1, 2000,
	    "ThrottlingException: Rate exceeded", "throttled");
	assert_ptr_equal(bad->data, ok->data);
	assert_int_equal(bad->fetched_at_ms, 1000);
	assert_int_equal(bad->attempted_at_ms, 2000);
	assert_string_equal(bad->error, "ThrottlingException: Rate exceeded");
	assert_string_equal(bad->error_short, "throttled");
	/* a second failure chains on the first */
	bad2 = snapshot_new_failed(bad, SRC_SERVICES, 1, 3000, "x", NULL);
	assert_ptr_equal(bad2->data, ok->data);
	snapshot_unref(ok);
	snapshot_unref(bad);
	assert_int_equal(freed, 0);
	snapshot_unref(bad2);
	assert_int_equal(freed, 1);

	bad = snapshot_new_failed(NULL, SRC_COST, 0, 5, "denied", "denied");
	assert_null(bad->data);
	assert_int_equal(bad->fetched_at_ms, 0);
	snapshot_unref(bad);
}

static void
store_publish__replaces_and_wakes__old_released(void **state)
{
	struct store *st;
	struct snapshot *a, *b, *got;

	(void)state;
	freed = 0;
	st = store_new(3);
	assert_null(store_acquire(st, 0, SRC_METRICS));
	assert_null(store_acquire(st, 7, SRC_METRICS));
	assert_false(readable(store_wake_fd(st)));

	a = snapshot_new(SRC_METRICS, 2, xmalloc(4), count_free);
	store_publish(st, a);
	assert_true(readable(store_wake_fd(st)));
	store_drain_wake(st);
	assert_false(readable(store_wake_fd(st)));

	got = store_acquire(st, 2, SRC_METRICS);
	assert_ptr_equal(got, a);
	assert_int_equal(got->generation, 1);
	b = snapshot_new(SRC_METRICS, 2, xmalloc(4), count_free);
	store_publish(st, b);
	assert_int_equal(freed, 0);	/* we still hold a */
	snapshot_unref(got);
	assert_int_equal(freed, 1);
	got = store_acquire(st, 2, SRC_METRICS);
	assert_int_equal(got->generation, 2);
	snapshot_unref(got);
	assert_null(store_acquire(st, 1, SRC_METRICS));

	/* many wakes never block: the pipe is non-blocking */
	for (int i = 0; i < 200000; i++)
		store_wake(st);
	store_drain_wake(st);
	store_free(st);
	assert_int_equal(freed, 2);
}

static void
series__set_last_max__ignore_nan_and_outside(void **state)
{
	struct series s;

	(void)state;
	series_init(&s, 1000, 60, 5);
	assert_true(isnan(series_last(&s)));
	series_set(&s, 1000, 1.0);
	series_set(&s, 1130, 7.0);	/* index 2 */
	series_set(&s, 999, 100.0);	/* before start */
	series_set(&s, 1300, 100.0);	/* after end */
	assert_true(series_last(&s) == 7.0);
	assert_true(series_max(&s) == 7.0);
	assert_true(s.v[2] == 7.0);
	series_free(&s);
	assert_int_equal(detail_window_seconds(DETAIL_7D), 7 * 86400);
	assert_string_equal(detail_window_name(DETAIL_12H), "12h");
	assert_true(detail_window_seconds(DETAIL_24H) /
	    detail_window_period(DETAIL_24H) <= MODEL_MAX_SERIES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot_unref__last_reference__frees_data_once),
		cmocka_unit_test(snapshot_new_failed__keeps_previous_data__until_both_released),
		cmocka_unit_test(store_publish__replaces_and_wakes__old_released),
		cmocka_unit_test(series__set_last_max__ignore_nan_and_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
