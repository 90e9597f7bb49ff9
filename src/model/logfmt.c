/* Log lines for display: the compact form of structured (JSON) log lines. */
#include "model/logfmt.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "util/sanitize.h"
#include "util/util.h"

static const char *const level_keys[] = { "level", "lvl", "severity",
    "levelname", "log.level", NULL };
static const char *const logger_keys[] = { "logger", "logger_name",
    "loggerName", "name", NULL };
static const char *const message_keys[] = { "msg", "message", "event",
    NULL };
static const char *const time_keys[] = { "time", "timestamp", "ts",
    "@timestamp", "datetime", "date", NULL };

static bool
key_in(const char *key, const char *const *keys)
{
	for (; *keys != NULL; keys++)
		if (strcasecmp(key, *keys) == 0)
			return true;
	return false;
}

/* The first member named one of keys (case-insensitive), or NULL. */
static const cJSON *
member(const cJSON *obj, const char *const *keys)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj)
		if (it->string != NULL && key_in(it->string, keys))
			return it;
	return NULL;
}

/* pino/bunyan numeric levels. */
static const char *
level_number(double v)
{
	if (v >= 60)
		return "FATAL";
	if (v >= 50)
		return "ERROR";
	if (v >= 40)
		return "WARN";
	if (v >= 30)
		return "INFO";
	if (v >= 20)
		return "DEBUG";
	return "TRACE";
}

/* A string value bare when it reads unambiguously as one word. */
static void
put_value(struct buf *b, const cJSON *v)
{
	const char *s;
	char *json;

	if (cJSON_IsString(v)) {
		s = v->valuestring;
		if (*s != '\0' && strpbrk(s, " \t\"=") == NULL) {
			buf_puts(b, s);
			return;
		}
	}
	if ((json = cJSON_PrintUnformatted(v)) != NULL) {
		buf_puts(b, json);
		cJSON_free(json);
	}
}

char *
log_json_compact(const char *msg)
{
	const cJSON *lvl, *lg, *m, *it;
	const char *p = msg, *end;
	struct buf b = { 0 };
	cJSON *obj;
	char *out;
	size_t n, i;

	if (msg == NULL)
		return NULL;
	while (*p == ' ')
		p++;
	n = strlen(p);
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n < 2 || p[0] != '{' || p[n - 1] != '}')
		return NULL;
	obj = cJSON_ParseWithLengthOpts(p, n, &end, false);
	if (obj == NULL || !cJSON_IsObject(obj) || (size_t)(end - p) != n) {
		cJSON_Delete(obj);
		return NULL;
	}
	lvl = member(obj, level_keys);
	lg = member(obj, logger_keys);
	m = member(obj, message_keys);
	if (cJSON_IsString(lvl) && lvl->valuestring[0] != '\0') {
		for (i = 0; lvl->valuestring[i] != '\0' && i < 16; i++)
			buf_putc(&b, (char)toupper(
			    (unsigned char)lvl->valuestring[i]));
		buf_putc(&b, ' ');
	} else if (cJSON_IsNumber(lvl)) {
		buf_puts(&b, level_number(lvl->valuedouble));
		buf_putc(&b, ' ');
	} else
		lvl = NULL;
	if (cJSON_IsString(lg) && lg->valuestring[0] != '\0') {
		buf_puts(&b, lg->valuestring);
		buf_puts(&b, ": ");
	} else
		lg = NULL;
	if (cJSON_IsString(m))
		buf_puts(&b, m->valuestring);
	else if (m != NULL)
		put_value(&b, m);
	cJSON_ArrayForEach(it, obj) {
		if (it == lvl || it == lg || it == m || it->string == NULL ||
		    key_in(it->string, time_keys))
			continue;
		if (b.len > 0 && b.data[b.len - 1] != ' ')
			buf_putc(&b, ' ');
		buf_puts(&b, it->string);
		buf_putc(&b, '=');
		put_value(&b, it);
	}
	cJSON_Delete(obj);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	out = text_sanitize_line(b.data, b.len);
	buf_free(&b);
	return out;
}
