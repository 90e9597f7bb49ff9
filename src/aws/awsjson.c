/* Small cJSON field readers shared by the service parsers. */
#include "aws/awsjson.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/sanitize.h"
#include "util/util.h"

const char *
aj_str(const cJSON *o, const char *key)
{
	const cJSON *it;

	if (o == NULL || (it = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

char *
aj_clean_str(const char *s)
{
	if (s == NULL)
		return NULL;
	return text_sanitize_line(s, strlen(s));
}

char *
aj_clean(const cJSON *o, const char *key)
{
	return aj_clean_str(aj_str(o, key));
}

double
aj_num(const cJSON *o, const char *key, double def)
{
	const cJSON *it;
	char *end;
	double d;

	if (o == NULL || (it = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return def;
	if (cJSON_IsNumber(it))
		return it->valuedouble;
	if (cJSON_IsString(it) && it->valuestring[0] != '\0') {
		errno = 0;
		d = strtod(it->valuestring, &end);
		if (errno == 0 && *end == '\0' && isfinite(d))
			return d;
	}
	return def;
}

int64_t
aj_time(const cJSON *o, const char *key)
{
	double d = aj_num(o, key, 0);

	/* Reject what cannot be a date rather than overflow. */
	if (!(d > 0) || d > 1e11)
		return 0;
	return (int64_t)d;
}

bool
aj_bool(const cJSON *o, const char *key, bool def)
{
	const cJSON *it;

	if (o == NULL || (it = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return def;
	if (cJSON_IsBool(it))
		return cJSON_IsTrue(it);
	return def;
}

const cJSON *
aj_array(const cJSON *o, const char *key)
{
	const cJSON *it;

	if (o == NULL || (it = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	return cJSON_IsArray(it) ? it : NULL;
}

const cJSON *
aj_object(const cJSON *o, const char *key)
{
	const cJSON *it;

	if (o == NULL || (it = cJSON_GetObjectItemCaseSensitive(o, key)) == NULL)
		return NULL;
	return cJSON_IsObject(it) ? it : NULL;
}

void
aj_add_str(cJSON *o, const char *key, const char *s)
{
	if (s != NULL && *s != '\0')
		cJSON_AddStringToObject(o, key, s);
}
