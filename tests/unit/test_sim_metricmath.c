/* Unit tests for the metric math parser and evaluator (sim/metricmath.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metricmath.h"

#define N 4
static const double m1[N] = { 1, 2, NAN, 4 };
static const double m2[N] = { 10, 0, 30, 40 };

static const double *
lookup(void *arg, const char *id)
{
	(void)arg;
	if (strcmp(id, "m1") == 0)
		return m1;
	if (strcmp(id, "m2") == 0)
		return m2;
	return NULL;
}

/* Evaluate s; fails the test on a parse or evaluation error. */
static void
ev(const char *s, double *out)
{
	char *cause = NULL;
	struct mm_expr *e = mm_parse(s, &cause);

	if (e == NULL)
		fail_msg("%s: %s", s, cause);
	if (mm_eval(e, N, lookup, NULL, out, &cause) < 0)
		fail_msg("%s: %s", s, cause);
	mm_free(e);
}

static bool
parse_fails(const char *s)
{
	char *cause = NULL;
	struct mm_expr *e = mm_parse(s, &cause);

	if (e != NULL) {
		mm_free(e);
		return false;
	}
	assert_non_null(cause);
	free(cause);
	return true;
}

static void
arith__precedence_and_parens__pointwise(void **state)
{
	double o[N];

	(void)state;
	ev("100*m1/m2", o);
	assert_true(o[0] == 10);
	assert_true(isnan(o[1]));	/* x/0 is missing */
	assert_true(isnan(o[2]));	/* missing stays missing */
	assert_true(o[3] == 10);
	ev("1 + 2 * 3", o);
	assert_true(o[0] == 7 && o[3] == 7);
	ev("(1 + 2) * 3 - -1", o);
	assert_true(o[1] == 10);
	ev("-m1 + m2", o);
	assert_true(o[0] == 9 && o[3] == 36);
	ev("2.5e1 / 5", o);
	assert_true(o[0] == 5);
}

static void
functions__aggregates__series_and_scalar(void **state)
{
	double o[N];

	(void)state;
	ev("SUM([m1, m2])", o);
	assert_true(o[0] == 11 && o[1] == 2 && o[2] == 30 && o[3] == 44);
	ev("MAX([m1, m2])", o);
	assert_true(o[0] == 10 && o[3] == 40);
	ev("MIN(m1, m2)", o);
	assert_true(o[1] == 0 && o[2] == 30);
	ev("AVG([m1, m2])", o);
	assert_true(o[0] == 5.5);
	ev("SUM(m1)", o);		/* one series -> scalar over the grid */
	assert_true(o[0] == 7 && o[2] == 7);
	ev("AVG(m2)", o);
	assert_true(o[1] == 20);
	ev("100 * m1 / SUM(m1)", o);
	assert_true(fabs(o[3] - 400.0 / 7) < 1e-9);
}

static void
functions__fill_abs_if__work(void **state)
{
	double o[N];

	(void)state;
	ev("FILL(m1, 0)", o);
	assert_true(o[2] == 0 && o[3] == 4);
	ev("ABS(-m1)", o);
	assert_true(o[0] == 1);
	ev("IF(m2 > 15, 1, 0)", o);
	assert_true(o[0] == 0 && o[2] == 1);
	ev("IF(m1 >= 2, m1, m2)", o);
	assert_true(o[0] == 10 && o[1] == 2 && isnan(o[2]));
}

static void
refs__listed__in_order(void **state)
{
	char *cause = NULL;
	struct mm_expr *e = mm_parse("m2 + SUM([m1, m2, m1]) * x9", &cause);
	const char **ids;
	size_t n;

	(void)state;
	assert_non_null(e);
	n = mm_refs(e, &ids);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "m2");
	assert_string_equal(ids[1], "m1");
	assert_string_equal(ids[2], "x9");
	mm_free(e);
}

static void
errors__syntax_and_unknown__reported(void **state)
{
	char *cause = NULL;
	struct mm_expr *e;
	double o[N];

	(void)state;
	assert_true(parse_fails(""));
	assert_true(parse_fails("m1 +"));
	assert_true(parse_fails("(m1"));
	assert_true(parse_fails("m1 m2"));
	assert_true(parse_fails("NOPE(m1)"));
	assert_true(parse_fails("SUM([])"));
	assert_true(parse_fails("m1 $ 2"));
	e = mm_parse("m1 + zz", &cause);
	assert_non_null(e);
	assert_int_equal(mm_eval(e, N, lookup, NULL, o, &cause), -1);
	assert_non_null(strstr(cause, "zz"));
	free(cause);
	mm_free(e);
	e = mm_parse("[m1, m2]", &cause);
	assert_non_null(e);
	assert_int_equal(mm_eval(e, N, lookup, NULL, o, &cause), -1);
	free(cause);
	mm_free(e);
	e = mm_parse("FILL(m1)", &cause);
	assert_int_equal(mm_eval(e, N, lookup, NULL, o, &cause), -1);
	free(cause);
	mm_free(e);
}

static void
parse__deep_nesting__rejected_not_crashing(void **state)
{
	char s[2000];
	size_t i;

	(void)state;
	for (i = 0; i < 500; i++)
		s[i] = '(';
	s[500] = '1';
	for (i = 0; i < 500; i++)
		s[501 + i] = ')';
	s[1001] = '\0';
	assert_true(parse_fails(s));
	for (i = 0; i < 900; i++)
		s[i] = '-';
	s[900] = '1';
	s[901] = '\0';
	assert_true(parse_fails(s));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arith__precedence_and_parens__pointwise),
		cmocka_unit_test(functions__aggregates__series_and_scalar),
		cmocka_unit_test(functions__fill_abs_if__work),
		cmocka_unit_test(refs__listed__in_order),
		cmocka_unit_test(errors__syntax_and_unknown__reported),
		cmocka_unit_test(parse__deep_nesting__rejected_not_crashing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
