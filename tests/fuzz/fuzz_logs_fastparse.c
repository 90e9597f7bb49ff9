/* libFuzzer harness: logs_parse_filter_body against cJSON + logs_parse_filter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/logs.h"
#include "model/logstore.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Both parsers agree field by field, or both fail; otherwise abort. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char group[] = "/aws/apprunner/f/z/application";
	struct log_event_in *ev1 = NULL, *ev2 = NULL;
	size_t n1 = 0, n2 = 0, i;
	const char *next1 = NULL, *next2 = NULL;
	char *body, *strings = NULL, *c1 = NULL, *c2 = NULL;
	cJSON *j;
	int rc1, rc2;

	/* An exact-size copy: reading past size is an ASan report. */
	body = malloc(size > 0 ? size : 1);
	if (body == NULL)
		return 0;
	if (size > 0)
		memcpy(body, data, size);
	j = cJSON_ParseWithLength(body, size);
	rc1 = (j == NULL || !cJSON_IsObject(j)) ? -1 :
	    logs_parse_filter(j, group, &ev1, &n1, &next1, &c1);
	rc2 = logs_parse_filter_body(body, size, group, &ev2, &n2, &next2,
	    &strings, &c2);
	if (rc1 != rc2)
		abort();
	if (rc2 == 0) {
		if (n1 != n2 || !same_str(next1, next2))
			abort();
		for (i = 0; i < n1; i++) {
			if (ev1[i].ts_ms != ev2[i].ts_ms ||
			    ev1[i].ingest_ms != ev2[i].ingest_ms ||
			    ev1[i].message_len != ev2[i].message_len ||
			    memcmp(ev1[i].message, ev2[i].message,
			    ev1[i].message_len + 1) != 0 ||
			    !same_str(ev1[i].event_id, ev2[i].event_id) ||
			    !same_str(ev1[i].stream, ev2[i].stream))
				abort();
		}
	} else if (c2 == NULL || strings != NULL || ev2 != NULL)
		abort();
	free(c1);
	free(c2);
	free(ev1);
	free(ev2);
	free(strings);
	cJSON_Delete(j);
	free(body);
	return 0;
}
