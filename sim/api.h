/* momentum-sim: the interface between the HTTP server and the service handlers. */
#ifndef MOMENTUM_SIM_API_H
#define MOMENTUM_SIM_API_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "sim/world.h"

/* One authenticated request, as a handler sees it. */
struct sim_call {
	struct sim_world *w;
	double now;			/* sim time of the request */
	const char *access_key;
	bool read_only_key;		/* server already refused mutating ops for it */
	const char *service;		/* "apprunner", "monitoring", "logs", "ce", "ecr" */
	const char *operation;
};

/*
 * A handler's answer: either json (HTTP 200, owned by the reply) or an
 * error (status >= 400, AWS __type name and message).  The server turns
 * errors into the protocol's error shape (JSON body with __type and
 * message; x-amzn-query-error for CloudWatch).
 */
struct sim_reply {
	int status;
	cJSON *json;
	char error_type[64];		/* "ValidationException" */
	char *error_message;
};

/* Fill an error reply; returns -1 so handlers can `return sim_error(...)`. */
int sim_error(struct sim_reply *r, int status, const char *type,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void sim_reply_free(struct sim_reply *r);

struct sim_op {
	const char *name;		/* "GetMetricData" */
	bool mutating;			/* refused for the read-only key */
	int (*fn)(struct sim_call *call, const cJSON *in, struct sim_reply *out);
};

/* Operation tables, each terminated by an entry with name == NULL. */
extern const struct sim_op sim_apprunner_ops[];	/* sim/apprunner.c */
extern const struct sim_op sim_ecr_ops[];		/* sim/ecr.c */
extern const struct sim_op sim_cloudwatch_ops[];	/* sim/cloudwatch.c */
extern const struct sim_op sim_logs_ops[];		/* sim/logs.c */
extern const struct sim_op sim_ce_ops[];		/* sim/cost.c */

/* Helpers for handlers (sim/api.c). */
const char *sim_json_str(const cJSON *in, const char *member);	/* NULL if absent/not string */
bool sim_json_num(const cJSON *in, const char *member, double *out);

/*
 * Additions (sim-server): validating member readers.  Each returns 0, or
 * -1 with the reply filled: a member of the wrong JSON type gives 400
 * SerializationException; a missing required member or a value out of
 * range gives 400 err_type (the service's validation error name).
 *
 * sim_json_int: optional integer; absent -> def.
 * sim_json_opt_str: optional string; absent -> *out = NULL.
 * sim_json_req_str: required non-empty string.
 * sim_json_opt_bool: optional boolean; absent -> def.
 */
int sim_json_int(struct sim_reply *r, const cJSON *in, const char *member,
    long long min, long long max, long long def, const char *err_type,
    long long *out);
int sim_json_opt_str(struct sim_reply *r, const cJSON *in, const char *member,
    const char **out);
int sim_json_req_str(struct sim_reply *r, const cJSON *in, const char *member,
    const char *err_type, const char **out);
int sim_json_opt_bool(struct sim_reply *r, const cJSON *in,
    const char *member, bool def, bool *out);

/*
 * Pagination tokens: opaque strings encoding an offset into a list of n
 * items.  sim_page_start parses tok (NULL = start at 0); a token that is
 * not ours or past the end gives 400 err_type.  sim_page_token makes the
 * token for offset (caller frees).
 */
int sim_page_start(struct sim_reply *r, const char *tok, size_t n,
    const char *err_type, size_t *off);
char *sim_page_token(size_t off);
/* Add an epoch-seconds timestamp member (JSON protocols send numbers). */
void sim_json_add_time(cJSON *obj, const char *member, double t);

#endif
