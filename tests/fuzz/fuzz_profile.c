/* libFuzzer harness: the shared config/credentials file parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_profile_file *f;
	char *text, *cause = NULL;
	int pass;

	text = xstrndup((const char *)data, size);
	for (pass = 0; pass < 2; pass++) {
		f = aws_profile_file_parse("fuzz", text, pass == 0, &cause);
		if (f == NULL) {
			if (cause == NULL)
				abort();	/* errors always say why */
			free(cause);
			cause = NULL;
			continue;
		}
		if (cause != NULL)
			abort();
		(void)aws_profile_file_has(f, "default");
		(void)aws_profile_file_get(f, "default", "region");
		(void)aws_profile_file_get(f, "a", "s3.b");
		aws_profile_file_free(f);
	}
	free(text);
	return 0;
}
