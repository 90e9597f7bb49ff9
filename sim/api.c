/* Helpers shared by the simulator's service handlers. */
#include "sim/api.h"

#include <math.h>
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

int
sim_json_int(struct sim_reply *r, const cJSON *in, const char *member,
    long long min, long long max, long long def, const char *err_type,
    long long *out)
{
	const cJSON *v = NULL;
	double d;

	if (cJSON_IsObject(in))
		v = cJSON_GetObjectItemCaseSensitive(in, member);
	if (v == NULL || cJSON_IsNull(v)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsNumber(v))
		return sim_error(r, 400, "SerializationException",
		    "NUMBER_VALUE cannot be converted to Integer for %s",
		    member);
	d = v->valuedouble;
	if (d != (double)(long long)d || d < (double)min || d > (double)max)
		return sim_error(r, 400, err_type,
		    "1 validation error detected: Value '%g' at '%s' failed to "
		    "satisfy constraint: Member must have value between %lld "
		    "and %lld", d, member, min, max);
	*out = (long long)d;
	return 0;
}

int
sim_json_opt_str(struct sim_reply *r, const cJSON *in, const char *member,
    const char **out)
{
	const cJSON *v = NULL;

	*out = NULL;
	if (cJSON_IsObject(in))
		v = cJSON_GetObjectItemCaseSensitive(in, member);
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return sim_error(r, 400, "SerializationException",
		    "Unexpected value type for %s: expected a string", member);
	*out = v->valuestring;
	return 0;
}

int
sim_json_req_str(struct sim_reply *r, const cJSON *in, const char *member,
    const char *err_type, const char **out)
{
	if (sim_json_opt_str(r, in, member, out) != 0)
		return -1;
	if (*out == NULL || **out == '\0')
		return sim_error(r, 400, err_type,
		    "1 validation error detected: Value null at '%s' failed to "
		    "satisfy constraint: Member must not be null", member);
	return 0;
}

int
sim_json_opt_bool(struct sim_reply *r, const cJSON *in, const char *member,
    bool def, bool *out)
{
	const cJSON *v = NULL;

	if (cJSON_IsObject(in))
		v = cJSON_GetObjectItemCaseSensitive(in, member);
	if (v == NULL || cJSON_IsNull(v)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsBool(v))
		return sim_error(r, 400, "SerializationException",
		    "Unexpected value type for %s: expected a boolean", member);
	*out = cJSON_IsTrue(v);
	return 0;
}

int
sim_page_start(struct sim_reply *r, const char *tok, size_t n,
    const char *err_type, size_t *off)
{
	unsigned long long v;
	char *end;

	*off = 0;
	if (tok == NULL || *tok == '\0')
		return 0;
	if (strncmp(tok, "msim1.", 6) != 0 || tok[6] < '0' || tok[6] > '9')
		return sim_error(r, 400, err_type, "Invalid NextToken");
	v = strtoull(tok + 6, &end, 10);
	if (*end != '\0' || v > n)
		return sim_error(r, 400, err_type, "Invalid NextToken");
	*off = (size_t)v;
	return 0;
}

char *
sim_page_token(size_t off)
{
	return xasprintf("msim1.%zu", off);
}

void
sim_json_add_time(cJSON *obj, const char *member, double t)
{
	/* Milliseconds are enough and keep the numbers short. */
	cJSON_AddNumberToObject(obj, member, floor(t * 1000.0 + 0.5) / 1000.0);
}
