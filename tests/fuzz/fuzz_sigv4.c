/* libFuzzer harness: the verifier's Authorization header parser and sigv4_verify. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
lookup(void *ctx, const char *access_key)
{
	(void)ctx;
	return strcmp(access_key, "AKIDEXAMPLE") == 0 ?
	    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" : NULL;
}

/*
 * The input is split at the first two newlines: Authorization value,
 * X-Amz-Date value, then the path?query; the whole input is the body.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigv4_auth_header a;
	struct sigv4_header h[3];
	struct sigv4_request req;
	char *text, *auth, *date, *target, *q, *nl, *message = NULL;
	char *ak = NULL, *region = NULL, *service = NULL;
	const char *code = NULL;

	text = xstrndup((const char *)data, size);
	auth = text;
	date = "20150830T123600Z";
	target = "/";
	if ((nl = strchr(auth, '\n')) != NULL) {
		*nl = '\0';
		date = nl + 1;
		if ((nl = strchr(date, '\n')) != NULL) {
			*nl = '\0';
			target = nl + 1;
		}
	}
	if (sigv4_auth_parse(auth, &a, &message) == 0) {
		if (message != NULL || a.access_key == NULL ||
		    a.signature == NULL || a.signed_headers == NULL)
			abort();
		sigv4_auth_header_free(&a);
	} else {
		if (message == NULL)
			abort();
		free(message);
	}

	q = strchr(target, '?');
	if (q != NULL)
		*q++ = '\0';
	h[0].name = "Host";
	h[0].value = "example.amazonaws.com";
	h[1].name = "X-Amz-Date";
	h[1].value = date;
	h[2].name = "Authorization";
	h[2].value = auth;
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = target;
	req.query = q;
	req.headers = h;
	req.nheaders = 3;
	req.body = data;
	req.body_len = size;
	message = NULL;
	if (sigv4_verify(&req, lookup, NULL, 1440938160, 300, &ak, &region,
	    &service, &code, &message) == 0) {
		if (ak == NULL || code != NULL)
			abort();
	} else if (code == NULL || message == NULL || ak != NULL)
		abort();
	free(ak);
	free(region);
	free(service);
	free(message);
	free(text);
	return 0;
}
