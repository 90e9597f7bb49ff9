/* libFuzzer harness: error response parsing and debug redaction. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/error.h"
#include "aws/retry.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The first byte picks the status and whether a query-error header is
 * present (taken from the tail of the input); the rest is the body.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_error e = {0};
	char *hdr = NULL, *s;
	size_t hlen;
	int status;

	if (size < 1)
		return 0;
	status = 400 + data[0] % 200;
	data++;
	size--;
	if (status % 2 == 0 && size > 8) {
		hlen = size / 4;
		hdr = xstrndup((const char *)data + size - hlen, hlen);
		size -= hlen;
	}
	aws_error_from_response(&e, status, (const char *)data, size, hdr,
	                        NULL);
	if (e.code == NULL || e.message == NULL)
		abort();
	s = aws_error_format(&e);
	free(s);
	(void)aws_error_short(&e);
	(void)aws_error_is_retryable(&e);
	aws_error_clear(&e);
	s = debug_redact_body((const char *)data, size);
	free(s);
	free(hdr);
	return 0;
}
