/* libFuzzer harness: the compact form of JSON log lines (log_json_compact). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/logfmt.h"
#include "util/sanitize.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input, sanitized as the log store holds messages, is compacted:
 * the result is NULL or one line with no control byte, no C1 control
 * and valid UTF-8 (text_sanitize leaves it unchanged).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = xstrndup((const char *)data, size), *msg, *out, *again;
	const unsigned char *p;

	msg = text_sanitize(raw, strlen(raw));
	out = log_json_compact(msg);
	if (out != NULL) {
		for (p = (const unsigned char *)out; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f ||
			    (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
				abort();
		again = text_sanitize(out, strlen(out));
		if (strcmp(again, out) != 0)
			abort();
		free(again);
	}
	free(out);
	free(msg);
	free(raw);
	return 0;
}
