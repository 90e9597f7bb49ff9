/* libFuzzer harness: the configuration parser (inih + our reader). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cf = NULL;
	char *text, *cause = NULL;
	size_t i, j;

	text = xstrndup((const char *)data, size);
	if (config_parse_string(text, "fuzz.conf", &cf, &cause) == 0) {
		/* What the UI and pollers rely on. */
		if (cf->nenvs == 0 || cf->path == NULL || cf->theme == NULL)
			abort();
		for (i = 0; i < cf->nenvs; i++) {
			if (cf->envs[i].name == NULL)
				abort();
			for (j = 0; j < cf->envs[i].nservices; j++) {
				if (cf->envs[i].services[j].service_name == NULL ||
				    cf->envs[i].services[j].nlog_groups == 0)
					abort();
			}
		}
		for (i = 0; i < cf->nwarnings; i++) {
			if (strncmp(cf->warnings[i], "fuzz.conf", 9) != 0)
				abort();
		}
		if (cf->refresh.metrics < 60 || cf->refresh.cost < 3600)
			abort();
		config_free(cf);
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	free(text);
	return 0;
}
