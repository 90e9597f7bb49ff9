/* momentum-sim's HTTP front: auth, faults, request log, dispatch, server. */
#ifndef MOMENTUM_SIM_SERVER_H
#define MOMENTUM_SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "aws/sigv4.h"
#include "sim/world.h"
#include "util/util.h"

/* ---- auth.c: the keys the simulator accepts --------------------------- */

struct sim_auth;

struct sim_identity {
	char *access_key;		/* caller frees via sim_identity_clear */
	bool read_only;
	bool temporary;			/* issued by AssumeRole */
	char arn[200];			/* caller's IAM arn */
	char user_id[64];
};

struct sim_auth *sim_auth_new(void);
void sim_auth_free(struct sim_auth *a);
/* Add a long-term key pair. */
void sim_auth_add_key(struct sim_auth *a, const char *akid,
    const char *secret, bool read_only);
/*
 * Load "rw AKID SECRET" / "ro AKID SECRET" lines ('#' comments).
 * Returns 0, or -1 with *cause (caller frees).
 */
int sim_auth_load_file(struct sim_auth *a, const char *path, char **cause);
size_t sim_auth_nkeys(const struct sim_auth *a);
/* The first key of a kind (for --print-env); false when none. */
bool sim_auth_first(struct sim_auth *a, bool read_only, char **akid,
    char **secret);
/*
 * Issue temporary credentials (AssumeRole) inheriting read_only, valid
 * until expires (wall clock).  Caller frees the three strings.
 */
void sim_auth_issue(struct sim_auth *a, bool read_only, time_t expires,
    const char *role_arn, const char *session, char **akid, char **secret,
    char **token);
/*
 * Verify a signed request at server time now.  0 and *id filled, or -1
 * with *code (an AWS code as sigv4_verify names them, plus
 * ExpiredToken) and *message (caller frees).
 */
int sim_auth_check(struct sim_auth *a, const struct sigv4_request *req,
    time_t now, struct sim_identity *id, const char **code, char **message);
void sim_identity_clear(struct sim_identity *id);

/* ---- faults.c: injected misbehaviour ---------------------------------- */

/*
 * Parse "service=apprunner,throttle=0.3,latency=200" into the world's
 * fault table (w->lock held).  service may be a CLI or signing name or
 * "all" (the default).  Returns 0, or -1 with *cause.
 */
int sim_faults_parse(struct sim_world *w, const char *spec, char **cause);
/* Clear every fault (lock held). */
void sim_faults_clear(struct sim_world *w);
/* The effective knobs for service index svc: its own, else "all". */
void sim_faults_get(struct sim_world *w, int svc, struct sim_faults *out);
/* Service name -> fault index (enum aws_service_id); -1 when unknown. */
int sim_faults_service_index(const char *name);

/* ---- reqlog.c: one JSON line per request ----------------------------- */

struct sim_reqlog;

struct sim_reqlog *sim_reqlog_open(const char *path, char **cause);
void sim_reqlog_close(struct sim_reqlog *l);
/* service/operation/access_key/error/fault may be NULL. */
void sim_reqlog_write(struct sim_reqlog *l, double wall, const char *service,
    const char *operation, const char *access_key, int status,
    const char *error, const char *fault);

/* ---- server.c: dispatch and HTTP ------------------------------------- */

struct sim_scenario;

struct sim_ctx {
	struct sim_world *w;
	struct sim_scenario *scenario;	/* NULL: none; applied per request */
	struct sim_auth *auth;		/* NULL: accept every request as rw */
	struct sim_reqlog *log;		/* NULL: no request log */
	int *stopping;			/* set (atomically) when shutting down */
	uint64_t nreq;			/* request counter (atomic) */
};

struct sim_http_request {
	const char *method;
	const char *path;
	const char *query;		/* without '?', may be NULL */
	const struct sigv4_header *headers;
	size_t nheaders;
	const char *body;
	size_t body_len;
};

enum sim_delivery {
	SIM_DELIVER_NORMAL,
	SIM_DELIVER_TRUNCATE,		/* send half the body, then drop */
	SIM_DELIVER_RESET,		/* close the connection, no answer */
	SIM_DELIVER_STALL,		/* never answer */
};

struct sim_http_response {
	int status;
	const char *content_type;
	struct buf body;
	char *query_error;		/* x-amzn-query-error, or NULL */
	char request_id[40];
	char date[40];			/* IMF-fixdate, skewed clock */
	enum sim_delivery delivery;
	int latency_ms;
};

/*
 * Handle one complete request: identify the service, verify the
 * signature, apply faults, run the operation under the world lock and
 * fill *resp (caller frees with sim_http_response_free).  Never fails;
 * every problem becomes an AWS-shaped error response.
 */
void sim_handle(struct sim_ctx *ctx, const struct sim_http_request *req,
    struct sim_http_response *resp);
void sim_http_response_free(struct sim_http_response *resp);

/* ---- sts.c: the query-protocol STS ----------------------------------- */

/* Value of key in an x-www-form-urlencoded string, decoded; NULL if absent.
 * Caller frees. */
char *sim_form_get(const char *form, size_t len, const char *key);
/*
 * Run the STS action in form for caller id at server wall time now
 * (creds_ttl_s caps AssumeRole lifetimes when > 0).  Fills resp with
 * the XML answer or error; *op names the action (static or NULL) and
 * *err the error code for the request log (static or NULL).
 */
void sim_sts_handle(struct sim_ctx *ctx, const struct sim_identity *id,
    const char *form, size_t len, time_t now, int creds_ttl_s,
    struct sim_http_response *resp, const char **op, const char **err);
/* Fill resp with an STS-shaped XML error. */
void sim_sts_error(struct sim_http_response *resp, int status,
    const char *code, const char *message);

/* The libmicrohttpd server on 127.0.0.1 (port 0 = pick one). */
struct sim_server;
struct sim_server *sim_server_start(struct sim_ctx *ctx, int port,
    char **cause);
int sim_server_port(const struct sim_server *s);
void sim_server_stop(struct sim_server *s);

#endif
