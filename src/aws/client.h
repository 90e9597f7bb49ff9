/* The AWS client core: every poll and every action goes through here. */
#ifndef MOMENTUM_AWS_CLIENT_H
#define MOMENTUM_AWS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "aws/service.h"

struct aws_creds_provider;

/*
 * One client per environment (profile/role/region/endpoint).  Thread-safe:
 * any thread may call aws_call_* on a shared client; each thread uses its
 * own reused CURL handle.  http_global_init() must have run in main()
 * before any thread starts.
 */
struct aws_client;

struct aws_client_config {
	const char *name;		/* environment name, for messages */
	const char *profile;		/* NULL = $AWS_PROFILE / default */
	const char *region;		/* NULL = resolve the usual way */
	const char *endpoint_url;	/* per-environment override, or NULL */
	const char *role_arn;		/* optional role to assume */
	const char *external_id;
	bool read_only;
	long connect_timeout_ms;	/* 0 = default 3000 */
	long timeout_ms;		/* 0 = default 10000 */
	int max_attempts;		/* 0 = default 3 */
};

struct aws_client *aws_client_new(const struct aws_client_config *cfg,
    char **cause);
void aws_client_free(struct aws_client *c);
const char *aws_client_region(const struct aws_client *c);
/* Endpoint URL the client uses for svc (for doctor/error messages). */
const char *aws_client_endpoint(const struct aws_client *c,
    enum aws_service_id svc);
void aws_client_set_read_only(struct aws_client *c, bool on);
bool aws_client_read_only(const struct aws_client *c);

/*
 * Call an AWS JSON 1.0/1.1 operation.  request may be NULL ({}).
 * Returns the parsed response (caller cJSON_Delete()s) or NULL with *err
 * filled.  Retries (standard mode), re-signs each attempt, corrects clock
 * skew, counts usage.  In read-only mode any operation not on the
 * service's read allow-list fails with AWS_ERR_READ_ONLY before any byte
 * is sent.  request_id_out, when not NULL, receives the last request id
 * (caller frees).
 */
cJSON *aws_call_json(struct aws_client *c, enum aws_service_id svc,
    const char *operation, const cJSON *request, struct aws_error *err);
/* As aws_call_json, and *request_id (caller frees) gets the successful
 * answer's request id (actions record it in the audit log). */
cJSON *aws_call_json_ex(struct aws_client *c, enum aws_service_id svc,
    const char *operation, const cJSON *request, struct aws_error *err,
    char **request_id);
/*
 * As aws_call_json (same chokepoint, retries, signing, usage, errors),
 * but returns the successful answer's raw body (caller frees, *len
 * bytes plus a NUL; an empty body gives "{}") unparsed.
 */
char *aws_call_json_body(struct aws_client *c, enum aws_service_id svc,
    const char *operation, const cJSON *request, size_t *len,
    struct aws_error *err);

/*
 * Call a query-protocol operation (STS).  params: NULL-terminated list
 * of key, value pairs (Action and Version are added).  Returns the XML
 * body (caller frees) or NULL with *err.
 */
char *aws_call_query(struct aws_client *c, enum aws_service_id svc,
    const char *action, const char *const *params, struct aws_error *err);

/* Process-wide read-only switch (--read-only, --wallboard). One way: on. */
void aws_set_global_read_only(void);
bool aws_global_read_only(void);
/* The chokepoint's decision, exposed for the UI to grey out keys. */
bool aws_op_allowed(const struct aws_client *c, enum aws_service_id svc,
    const char *operation);

/* ---- usage accounting (process-wide, thread-safe) ------------------- */

struct aws_usage_op {
	enum aws_service_id svc;
	char operation[48];
	uint64_t calls;			/* HTTP attempts */
	uint64_t errors;
	uint64_t throttles;
	uint64_t retries;
};

struct aws_usage {
	uint64_t calls;			/* HTTP attempts sent */
	uint64_t errors;
	uint64_t throttles;
	uint64_t retries;
	uint64_t metrics_requested;	/* GetMetricData MetricDataQueries (MetricStat) */
	uint64_t ce_requests;
	double dollars;			/* estimated: $0.01/1000 metrics, $0.01/CE request */
	size_t nops;
	struct aws_usage_op ops[64];
};

void aws_usage_get(struct aws_usage *out);
void aws_usage_reset(void);

/* ---- transport ------------------------------------------------------ */

/* curl_global_init once, from main, before any thread. */
void http_global_init(void);
void http_global_cleanup(void);
/* Free the calling thread's CURL handle (threads call it on exit). */
void http_thread_cleanup(void);

#endif
