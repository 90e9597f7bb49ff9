/* libFuzzer harness: CloudWatch Logs filter patterns (parse + match). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/filter.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: "<pattern>\n<message>" (no newline: the input is both).  The
 * pattern must parse or fail cleanly; a parsed pattern must match any
 * message without crashing, and deterministically.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *msg, *cause = NULL;
	struct sim_filter *f;
	bool a, b;

	msg = strchr(text, '\n');
	if (msg != NULL)
		*msg++ = '\0';
	else
		msg = text;
	f = sim_filter_parse(text, &cause);
	if (f == NULL) {
		if (cause == NULL || strcmp(cause, "Invalid filter pattern") != 0)
			abort();
		free(cause);
	} else {
		a = sim_filter_match(f, msg);
		b = sim_filter_match(f, msg);
		if (a != b)
			abort();
		(void)sim_filter_match(f, "{\"level\":\"ERROR\",\"status\":500,"
		    "\"a\":{\"b\":[1,2,\"x\"]},\"t\":true,\"n\":null}");
		sim_filter_free(f);
	}
	free(text);
	return 0;
}
