/*
 * libFuzzer harness: momentum-sim request parsing and dispatch.
 *
 * Input: byte 0 picks the service (X-Amz-Target prefix, or STS's form
 * body), byte 1 picks whether to authenticate; the rest up to the first
 * newline is the operation name (or, when authenticating, the
 * Authorization header value follows on a second line); the remainder is
 * the request body.  Every answer must be a well-formed response, never a
 * crash, leak or hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/server.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *prefixes[] = {
	"GraniteServiceVersion20100801", "Logs_20140328",
	"AWSInsightsIndexService", "AppRunner",
	"AmazonEC2ContainerRegistry_V20150921", NULL,
};

static struct sim_world *world;
static struct sim_auth *auth;

static const char *
next_line(const char **p, const char *end, char **out)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL)
		nl = end;
	*out = xstrndup(*p, (size_t)(nl - *p));
	*p = nl < end ? nl + 1 : end;
	return *out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct sim_http_request req;
	struct sim_http_response resp;
	struct sigv4_header h[5];
	struct sim_ctx ctx;
	char *op = NULL, *authz = NULL, *target = NULL;
	int svc, signed_req;
	size_t nh = 0;

	if (size < 2)
		return 0;
	if (world == NULL) {
		world = sim_world_new(1, 1000, 1764000000.0);
		auth = sim_auth_new();
		sim_auth_add_key(auth, "AKIDEXAMPLE",
		    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", false);
		sim_auth_add_key(auth, "AKIDREADONLY", "secret", true);
	}
	svc = data[0] % 6;
	signed_req = data[1] & 1;
	p += 2;
	next_line(&p, end, &op);
	if (signed_req)
		next_line(&p, end, &authz);

	h[nh].name = "Host";
	h[nh++].value = "127.0.0.1:4566";
	if (prefixes[svc] != NULL) {
		target = xasprintf("%s.%s", prefixes[svc], op);
		h[nh].name = "X-Amz-Target";
		h[nh++].value = target;
		h[nh].name = "Content-Type";
		h[nh++].value = "application/x-amz-json-1.1";
	} else {
		h[nh].name = "Content-Type";
		h[nh++].value = "application/x-www-form-urlencoded";
	}
	if (authz != NULL) {
		h[nh].name = "Authorization";
		h[nh++].value = authz;
		h[nh].name = "X-Amz-Date";
		h[nh++].value = "20251124T160000Z";
	}
	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/";
	req.query = prefixes[svc] == NULL && (data[1] & 2) ? op : NULL;
	req.headers = h;
	req.nheaders = nh;
	req.body = p;
	req.body_len = (size_t)(end - p);

	memset(&ctx, 0, sizeof ctx);
	ctx.w = world;
	ctx.auth = signed_req ? auth : NULL;
	sim_handle(&ctx, &req, &resp);
	if (resp.status < 100 && resp.delivery == SIM_DELIVER_NORMAL)
		abort();
	if (resp.delivery == SIM_DELIVER_NORMAL && resp.body.len == 0)
		abort();
	sim_http_response_free(&resp);
	free(op);
	free(authz);
	free(target);
	return 0;
}
