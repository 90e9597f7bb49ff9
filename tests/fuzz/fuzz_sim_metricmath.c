/* libFuzzer harness: metric math expressions (parse + evaluate). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metricmath.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N 5
static const double series[3][N] = {
	{ 1, 2, NAN, 4, 0 },
	{ 10, 0, 30, -40, 1e300 },
	{ NAN, NAN, NAN, NAN, NAN },
};

static const double *
lookup(void *arg, const char *id)
{
	(void)arg;
	if (strcmp(id, "m1") == 0)
		return series[0];
	if (strcmp(id, "m2") == 0)
		return series[1];
	if (strcmp(id, "e1") == 0)
		return series[2];
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size), *cause = NULL;
	struct mm_expr *e = mm_parse(text, &cause);
	const char **ids;
	double out[N];
	size_t i, n;

	if (e == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		free(text);
		return 0;
	}
	n = mm_refs(e, &ids);
	for (i = 0; i < n; i++) {
		if (ids[i] == NULL || ids[i][0] == '\0')
			abort();
	}
	if (mm_eval(e, N, lookup, NULL, out, &cause) == 0) {
		/* Results are finite numbers or missing, never inf. */
		for (i = 0; i < N; i++) {
			if (isinf(out[i]))
				abort();
		}
	} else
		free(cause);
	mm_free(e);
	free(text);
	return 0;
}
