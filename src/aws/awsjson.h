/* Small cJSON field readers shared by the service parsers. */
#ifndef MOMENTUM_AWSJSON_H
#define MOMENTUM_AWSJSON_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* The raw string member key of o, or NULL (absent, not a string). */
const char *aj_str(const cJSON *o, const char *key);
/* Member key as a sanitized one-line string (text_sanitize_line), or
 * NULL when absent.  Caller frees. */
char *aj_clean(const cJSON *o, const char *key);
/* Sanitized copy of a raw string; NULL gives NULL.  Caller frees. */
char *aj_clean_str(const char *s);
/* Number member (a JSON number or a numeric string), or def. */
double aj_num(const cJSON *o, const char *key, double def);
/* Timestamp member: epoch seconds (fractions allowed), 0 when absent. */
int64_t aj_time(const cJSON *o, const char *key);
bool aj_bool(const cJSON *o, const char *key, bool def);
/* Array member, or NULL when absent or not an array. */
const cJSON *aj_array(const cJSON *o, const char *key);
/* Object member, or NULL. */
const cJSON *aj_object(const cJSON *o, const char *key);
/* Add a string member when s is not NULL (and not empty). */
void aj_add_str(cJSON *o, const char *key, const char *s);

#endif
