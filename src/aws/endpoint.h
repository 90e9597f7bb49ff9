/* Where each service lives: endpoint URL resolution. */
#ifndef MOMENTUM_AWS_ENDPOINT_H
#define MOMENTUM_AWS_ENDPOINT_H

#include <stdbool.h>

#include "aws/service.h"

struct aws_profile;

/*
 * Endpoint for svc, first match wins: override (per-environment setting
 * from our config), $AWS_ENDPOINT_URL_<SERVICE>, $AWS_ENDPOINT_URL, the
 * profile's services section, the profile's endpoint_url, then the AWS
 * default https://<prefix>.<region>.amazonaws.com (Cost Explorer:
 * https://ce.us-east-1.amazonaws.com).  profile may be NULL.  Unless
 * $AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.  Caller frees.
 */
char *aws_endpoint_resolve(const struct aws_service *svc, const char *region,
    const struct aws_profile *profile, const char *override);

/*
 * host (as libcurl's URL parser gives it: IPv6 in brackets) as an
 * address: AF_INET (4 bytes in out) or AF_INET6 (16), 0 for a name.
 */
int aws_host_ip(const char *host, unsigned char out[16]);
/* Is host this machine: 127.0.0.0/8, ::1 or "localhost"? */
bool aws_host_is_loopback(const char *host);

#endif
