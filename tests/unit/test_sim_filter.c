/* Unit tests for CloudWatch Logs filter patterns (sim/filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "sim/filter.h"

static bool
m(const char *pattern, const char *msg)
{
	char *cause = NULL;
	struct sim_filter *f = sim_filter_parse(pattern, &cause);
	bool r;

	if (f == NULL)
		fail_msg("pattern %s did not parse: %s", pattern, cause);
	r = sim_filter_match(f, msg);
	sim_filter_free(f);
	return r;
}

static bool
bad(const char *pattern)
{
	char *cause = NULL;
	struct sim_filter *f = sim_filter_parse(pattern, &cause);

	if (f != NULL) {
		sim_filter_free(f);
		return false;
	}
	assert_string_equal(cause, "Invalid filter pattern");
	free(cause);
	return true;
}

static void
terms__all_required__case_sensitive(void **state)
{
	(void)state;
	assert_true(m("", "anything"));
	assert_true(m("ERROR", "12:00 ERROR boom"));
	assert_false(m("ERROR", "12:00 error boom"));
	assert_true(m("ERROR boom", "ERROR: boom"));
	assert_false(m("ERROR boom", "ERROR: bang"));
}

static void
phrases__quoted__matched_whole(void **state)
{
	(void)state;
	assert_true(m("\"connection reset\"", "x: connection reset by peer"));
	assert_false(m("\"connection reset\"", "connection was reset"));
	assert_true(m("\"say \\\"hi\\\"\"", "they say \"hi\" now"));
}

static void
alternatives__any_of__matches(void **state)
{
	(void)state;
	assert_true(m("?ERROR ?WARN", "a WARN b"));
	assert_true(m("?ERROR ?WARN", "an ERROR"));
	assert_false(m("?ERROR ?WARN", "INFO all good"));
}

static void
exclusions__present__rejects(void **state)
{
	(void)state;
	assert_true(m("GET -healthz", "GET /api/v1/users"));
	assert_false(m("GET -healthz", "GET /healthz"));
	assert_true(m("-DEBUG", "INFO"));
}

static void
regex__term__matches(void **state)
{
	(void)state;
	assert_true(m("%HTTP/1.1\" 5[0-9][0-9]%", "\"GET / HTTP/1.1\" 503 12"));
	assert_false(m("%HTTP/1.1\" 5[0-9][0-9]%", "\"GET / HTTP/1.1\" 200 12"));
}

static void
json__equality_and_wildcards(void **state)
{
	const char *e = "{\"level\":\"ERROR\",\"status\":503,\"ok\":false,"
	    "\"user\":{\"id\":7,\"tags\":[\"a\",\"b\"]},\"n\":null}";

	(void)state;
	assert_true(m("{ $.level = \"ERROR\" }", e));
	assert_false(m("{ $.level = \"INFO\" }", e));
	assert_true(m("{ $.level = \"ERR*\" }", e));
	assert_true(m("{ $.level = ERROR }", e));
	assert_true(m("{ $.level != \"INFO\" }", e));
	assert_true(m("{ $.user.id = 7 }", e));
	assert_true(m("{ $.user.tags[1] = \"b\" }", e));
	assert_false(m("{ $.missing = \"x\" }", e));
	assert_false(m("{ $.level = \"ERROR\" }", "ERROR not json"));
	assert_false(m("{ $.level = \"ERROR\" }", "{\"level\":"));
}

static void
json__numbers_logic_and_exists(void **state)
{
	const char *e = "{\"level\":\"ERROR\",\"status\":503,\"ok\":false,"
	    "\"n\":null}";

	(void)state;
	assert_true(m("{ $.status >= 500 }", e));
	assert_true(m("{ $.status > 502 && $.status < 504 }", e));
	assert_false(m("{ $.status <= 499 }", e));
	assert_true(m("{ ($.status = 503) && ($.level != \"x\") }", e));
	assert_true(m("{ $.status = 200 || $.level = \"ERROR\" }", e));
	assert_false(m("{ $.status = 200 || $.level = \"INFO\" }", e));
	assert_true(m("{ $.ok IS FALSE }", e));
	assert_false(m("{ $.ok IS TRUE }", e));
	assert_true(m("{ $.n IS NULL }", e));
	assert_true(m("{ $.status EXISTS }", e));
	assert_true(m("{ $.nope NOT EXISTS }", e));
	assert_false(m("{ $.status NOT EXISTS }", e));
	assert_false(m("{ $.level >= 5 }", e));
}

static void
parse__malformed__invalid_filter_pattern(void **state)
{
	(void)state;
	assert_true(bad("\"unterminated"));
	assert_true(bad("{ $.level = \"ERROR\" "));
	assert_true(bad("{ level = \"ERROR\" }"));
	assert_true(bad("{ $.level }"));
	assert_true(bad("{ $.level > \"x\" }"));
	assert_true(bad("{ ($.a = 1 }"));
	assert_true(bad("{ $.a = 1 } trailing"));
	assert_true(bad("%[unclosed%"));
	assert_true(bad("%a+++++++++++++++++++++++++%"));	/* regcomp blowup */
	assert_true(bad("%(a{1000}){1000}%"));
	assert_true(bad("[ip, user]"));
	assert_true(bad("{ (((((((((((((((((((((((((((((((((((((((((($.a = 1)"
	    "))))))))))))))))))))))))))))))))))))))))) }"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(terms__all_required__case_sensitive),
		cmocka_unit_test(phrases__quoted__matched_whole),
		cmocka_unit_test(alternatives__any_of__matches),
		cmocka_unit_test(exclusions__present__rejects),
		cmocka_unit_test(regex__term__matches),
		cmocka_unit_test(json__equality_and_wildcards),
		cmocka_unit_test(json__numbers_logic_and_exists),
		cmocka_unit_test(parse__malformed__invalid_filter_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
