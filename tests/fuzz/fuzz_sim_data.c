/* libFuzzer harness: the simulator's data-side handlers (CloudWatch, Logs, CE). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "sim/api.h"
#include "sim/world.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1795636800.0	/* 2026-11-25 20:00 UTC */

static struct sim_world *world;

/*
 * Input: byte 0 picks an operation of sim_cloudwatch_ops, sim_logs_ops
 * or sim_ce_ops; the rest is the JSON request.  Every request gets
 * either a 200 with a body or an error with an AWS error type.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sim_op *tables[] = { sim_cloudwatch_ops, sim_logs_ops,
	    sim_ce_ops };
	const struct sim_op *ops[32];
	size_t nops = 0, t;
	const struct sim_op *o;
	struct sim_call c;
	struct sim_reply r;
	char *text;
	cJSON *in;
	int rc;

	if (size < 1)
		return 0;
	if (world == NULL)
		world = sim_world_new(1, 1, NOW - 3600);
	for (t = 0; t < nitems(tables); t++)
		for (o = tables[t]; o->name != NULL; o++)
			ops[nops++] = o;
	o = ops[data[0] % nops];
	text = xstrndup((const char *)data + 1, size - 1);
	in = cJSON_Parse(text);
	free(text);
	if (in == NULL)
		return 0;
	memset(&c, 0, sizeof c);
	memset(&r, 0, sizeof r);
	c.w = world;
	c.now = NOW;
	c.operation = o->name;
	rc = o->fn(&c, in, &r);
	if (rc == 0 && (r.json == NULL || r.status != 200))
		abort();
	if (rc != 0 && (r.status < 400 || r.error_type[0] == '\0'))
		abort();
	if (r.json != NULL) {
		char *body = cJSON_PrintUnformatted(r.json);

		if (body == NULL)
			abort();
		cJSON_free(body);
	}
	sim_reply_free(&r);
	cJSON_Delete(in);
	return 0;
}
