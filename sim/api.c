/* Helpers shared by the simulator's service handlers. */
#include "sim/api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int
sim_error(struct sim_reply *r, int status, const char *type,
    const char *fmt, ...)
{
	va_list ap;

	r->status = status;
	snprintf(r->error_type, sizeof r->error_type, "%s", type);
	free(r->error_message);
	va_start(ap, fmt);
	r->error_message = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->json != NULL) {
		cJSON_Delete(r->json);
		r->json = NULL;
	}
	return -1;
}

void
sim_reply_free(struct sim_reply *r)
{
	if (r == NULL)
		return;
	cJSON_Delete(r->json);
	free(r->error_message);
	memset(r, 0, sizeof *r);
}

const char *
sim_json_str(const cJSON *in, const char *member)
{
	const cJSON *v;

	if (in == NULL || !cJSON_IsObject(in))
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(in, member);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool
sim_json_num(const cJSON *in, const char *member, double *out)
{
	const cJSON *v;

	if (in == NULL || !cJSON_IsObject(in))
		return false;
	v = cJSON_GetObjectItemCaseSensitive(in, member);
	if (!cJSON_IsNumber(v))
		return false;
	*out = v->valuedouble;
	return true;
}
