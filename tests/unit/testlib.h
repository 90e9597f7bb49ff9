/* Helpers shared by the cmocka unit tests (include after <cmocka.h>). */
#ifndef MOMENTUM_TESTLIB_H
#define MOMENTUM_TESTLIB_H

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sim/api.h"
#include "util/util.h"

/* A new private directory /tmp/<prefix>.XXXXXX; caller frees the path. */
static inline char *
test_mkdtemp(const char *prefix)
{
	char *tmpl = xasprintf("/tmp/%s.XXXXXX", prefix);

	assert_non_null(mkdtemp(tmpl));
	return tmpl;
}

/* Remove dir and everything below it; fails the test if that fails. */
static inline void
test_rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * s holds nothing a terminal acts on or that reorders text: no C0
 * control (not even a newline), DEL, C1 control (UTF-8 c2 80..9f) or
 * U+202E RIGHT-TO-LEFT OVERRIDE.  Fails the test otherwise.
 */
static inline void
test_assert_terminal_safe(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		assert_true(*p >= 0x20 && *p != 0x7f);
		assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0);
		assert_false(p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xae);
	}
}

/* Parse tests/data/<rel> as JSON; fails the test when missing or not JSON. Caller frees. */
static inline cJSON *
test_load_json(const char *rel)
{
	char *path, *text, *cause = NULL;
	cJSON *j;

	path = xasprintf("%s/tests/data/%s", MOMENTUM_SOURCE_DIR, rel);
	text = read_file(path, NULL, &cause);
	if (text == NULL)
		fail_msg("%s", cause);
	j = cJSON_Parse(text);
	if (j == NULL)
		fail_msg("%s: not JSON", path);
	free(text);
	free(path);
	return j;
}

/*
 * Call the simulator handler op from table ops (service as the server
 * would name it) with a JSON request at sim time now.  Fails the test
 * when op is not in the table; returns the handler's result.
 */
static inline int
test_sim_call(const struct sim_op *ops, const char *service,
    struct sim_world *w, double now, const char *op, const char *json,
    struct sim_reply *r)
{
	struct sim_call c;
	const struct sim_op *o;
	cJSON *in = cJSON_Parse(json);
	int rc = -2;

	assert_non_null(in);
	memset(&c, 0, sizeof c);
	memset(r, 0, sizeof *r);
	c.w = w;
	c.now = now;
	c.service = service;
	c.operation = op;
	for (o = ops; o->name != NULL; o++) {
		if (strcmp(o->name, op) == 0)
			rc = o->fn(&c, in, r);
	}
	cJSON_Delete(in);
	assert_int_not_equal(rc, -2);
	return rc;
}

#endif
