/* Endpoint resolution: our override, AWS_ENDPOINT_URL*, profile, default. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "aws/endpoint.h"
#include "aws/profile.h"
#include "util/util.h"

static bool
endpoint_is_true(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

static bool
endpoint_set(const char *v)
{
	return v != NULL && *v != '\0';
}

/* Copy without trailing slashes or surrounding space.  Caller frees. */
static char *
endpoint_clean(const char *v)
{
	char *s = strtrim(xstrdup(v));
	size_t len = strlen(s);

	while (len > 0 && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

/* A region is safe to paste into a host name. */
static bool
endpoint_region_ok(const char *r)
{
	if (r == NULL || *r == '\0')
		return false;
	for (; *r != '\0'; r++) {
		if (!((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
		      *r == '-'))
			return false;
	}
	return true;
}

/*
 * First match wins: override, $AWS_ENDPOINT_URL_<ENV_ID>,
 * $AWS_ENDPOINT_URL, profile "services.<config_key>.endpoint_url",
 * profile "endpoint_url", then https://<prefix>.<region>.amazonaws.com.
 * $AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
 * ignore_configured_endpoint_urls) skips the environment and the
 * profile; the override is our own explicit setting and still applies.
 * Returns NULL only when nothing is configured and region is missing or
 * not a region.  Caller frees.
 *
 *	aws_endpoint_resolve(svc_logs, "us-east-1", NULL, NULL)
 *	    -> "https://logs.us-east-1.amazonaws.com"
 */
char *
aws_endpoint_resolve(const struct aws_service *svc, const char *region,
                     const struct aws_profile *profile, const char *override)
{
	char *name, *key;
	const char *v;
	bool ignore;

	if (endpoint_set(override))
		return endpoint_clean(override);

	ignore =
	    endpoint_is_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
	if (!ignore && profile != NULL &&
	    getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == NULL)
		ignore = endpoint_is_true(aws_profile_get(
		    profile, "ignore_configured_endpoint_urls"));
	if (!ignore) {
		name = xasprintf("AWS_ENDPOINT_URL_%s", svc->env_id);
		v = getenv(name);
		free(name);
		if (endpoint_set(v))
			return endpoint_clean(v);
		v = getenv("AWS_ENDPOINT_URL");
		if (endpoint_set(v))
			return endpoint_clean(v);
		if (profile != NULL) {
			key = xasprintf("services.%s.endpoint_url",
			                svc->config_key);
			v = aws_profile_get(profile, key);
			free(key);
			if (endpoint_set(v))
				return endpoint_clean(v);
			v = aws_profile_get(profile, "endpoint_url");
			if (endpoint_set(v))
				return endpoint_clean(v);
		}
	}

	if (svc->fixed_region != NULL)
		region = svc->fixed_region;
	if (!endpoint_region_ok(region))
		return NULL;
	return xasprintf("https://%s.%s.amazonaws.com", svc->endpoint_prefix,
	                 region);
}

int
aws_host_ip(const char *host, unsigned char out[16])
{
	char v6[64];
	size_t n = strlen(host);

	if (inet_pton(AF_INET, host, out) == 1)
		return AF_INET;
	if (n < 2 || n - 2 >= sizeof v6 || host[0] != '[' ||
	    host[n - 1] != ']')
		return 0;
	memcpy(v6, host + 1, n - 2);
	v6[n - 2] = '\0';
	return inet_pton(AF_INET6, v6, out) == 1 ? AF_INET6 : 0;
}

bool
aws_host_is_loopback(const char *host)
{
	static const unsigned char lo6[16] = { [15] = 1 };
	unsigned char a[16];

	switch (aws_host_ip(host, a)) {
	case AF_INET:
		return a[0] == 127;
	case AF_INET6:
		return memcmp(a, lo6, 16) == 0;
	default:
		return strcasecmp(host, "localhost") == 0;
	}
}
