/* Scale, pause, resume, roll back and promote App Runner services, safely. */
#ifndef MOMENTUM_ACTION_H
#define MOMENTUM_ACTION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "aws/service.h"

struct aws_client;
struct config;

/*
 * The action engine sits below the UI and the CLI.  Every action goes
 * through two steps:
 *
 *   action_preview()  reads the service's current state and builds a
 *                     plan: before and after, the exact API calls, the
 *                     word to type, warnings (alarms firing).  It
 *                     refuses while an operation is in progress, when
 *                     the values are invalid, or in read-only mode.
 *   action_execute()  checks the typed confirmation, writes the audit
 *                     intent record (refusing when it cannot), reads the
 *                     state again and stops if it changed, makes the
 *                     calls, and writes the outcome record.  After a
 *                     timeout it never re-sends: it reads the state to
 *                     learn whether the change happened.
 *
 * action_track() then follows the App Runner operation to its end.
 *
 * Read-only: the engine asks aws_op_allowed() for every mutating call
 * and refuses with "read-only mode: <why>"; the enforcement itself is
 * the client core's chokepoint, so no mutating request can leave even
 * if a caller skips the engine's check.
 */

enum action_kind {
	ACTION_SCALE,
	ACTION_PAUSE,
	ACTION_RESUME,
	ACTION_ROLLBACK,
	ACTION_PROMOTE,
};

/* "scale", "pause", ...; action_kind_from_name returns -1 if unknown. */
const char *action_kind_name(enum action_kind k);
int action_kind_from_name(const char *name);

/* Scale limits App Runner enforces (and we validate before asking). */
#define ACTION_MIN_SIZE 1
#define ACTION_MAX_SIZE 25
#define ACTION_MIN_CONCURRENCY 1
#define ACTION_MAX_CONCURRENCY 200

struct action_request {
	enum action_kind kind;
	const char *env;	/* target environment name */
	const char *service;	/* role ("api") or App Runner service name */
	int min_size;		/* scale; 0 = keep current unless has_min */
	int max_size;		/* scale; 0 = keep current unless has_max */
	int max_concurrency;	/* scale; 0 = keep current unless has_conc */
	bool has_min, has_max, has_conc;	/* the value was given as is */
	int min_delta;		/* scale: + / - keys (added to current min) */
	const char *digest;	/* rollback: "sha256:..."; NULL = previous */
	const char *from_env;	/* promote: source; NULL = the next lower env */
};

/*
 * A service's state as the engine reads it (DescribeService,
 * DescribeAutoScalingConfiguration, ListOperations, ECR).  Strings are
 * owned; NULL when unknown.
 */
struct action_state {
	char *arn;
	char *name;
	char *status;		/* RUNNING, PAUSED, OPERATION_IN_PROGRESS, ... */
	char *image;		/* ImageIdentifier */
	char *repo_uri;		/* ImageIdentifier without :tag / @digest */
	char *repo_name;	/* "momentum/api" */
	char *tag;		/* tracked tag, NULL when deployed by digest */
	char *digest;		/* running digest, NULL when unknown */
	char *asc_arn;
	char *asc_name;
	int asc_revision;
	int min_size, max_size, max_concurrency;
	char *busy_op;		/* "UPDATE_SERVICE <id> IN_PROGRESS", or NULL */
	char **op_ids;		/* newest first */
	char **op_types;	/* same order: UPDATE_SERVICE, ... */
	size_t nops;
	cJSON *source;		/* SourceConfiguration as described */
};

void action_state_clear(struct action_state *s);

/*
 * One API call the plan will make: the service, the operation, and a
 * one-line summary of its arguments (names and ARNs, never secrets).
 */
struct action_call {
	enum aws_service_id svc;
	char *operation;
	char *summary;
};

struct action_plan {
	char id[33];			/* random hex, used at most once */
	enum action_kind kind;
	char *env;
	int env_index;
	bool production;		/* prod: the user types the env name */
	char *role;			/* config role, or the service name */
	char *service_name;
	char *service_arn;
	char *before;			/* "min 2, max 20, concurrency 100" */
	char *after;
	struct action_call *calls;
	size_t ncalls;
	char **warnings;
	size_t nwarnings;
	char *confirm_word;		/* what must be typed: env name or "yes" */

	/* Targets. */
	int min_size, max_size, max_concurrency;
	char *asc_name;			/* name for the new revision */
	char *target_digest;		/* rollback, promote */
	char *target_image;		/* repo-uri@digest, or repo-uri:tag (retag) */
	char *retag;			/* promote to a tag-tracking service: the tag */
	char *from_env;			/* promote source */

	struct action_state state;	/* as read by the preview */
	bool used;			/* execute() was called once */
	/*
	 * action_plan_reconcile: how the state recorded in the plan file
	 * differs from the state now (action_execute refuses and audits it),
	 * or NULL.
	 */
	char *file_state_diff;
};

void action_plan_free(struct action_plan *p);	/* NULL is a no-op */

/*
 * The plan as text for people: what, before -> after, the calls, the
 * warnings and what to type.  Caller frees.
 */
char *action_plan_describe(const struct action_plan *p);

/* Plans travel between processes (--preview-only / --execute-plan). */
char *action_plan_to_json(const struct action_plan *p);	/* caller frees */
struct action_plan *action_plan_from_json(const char *text, char **cause);

struct action_engine;

/*
 * A plan read from a file is not trusted: anyone who can write the file
 * could point a "dev" plan at prod's service, or at any image.  The
 * request it stands for (kind, environment, service, values) is
 * previewed again from the config and the service's state now, and the
 * file must agree with that preview on everything the calls act on
 * (environment, service name and ARN, image, digest, tag).  Returns the
 * fresh plan, carrying the file's id (a plan runs at most once), with
 * file_state_diff set when the state recorded in the file differs from
 * the state now; or NULL and *cause.  Only the fresh plan is executed,
 * shown and audited.
 */
struct action_plan *action_plan_reconcile(struct action_engine *e,
    const struct action_plan *file, char **cause);

/*
 * The single way the engine reaches AWS.  svc AWS_SVC_STS with
 * operation "GetCallerIdentity" returns {"Arn": ..., "Account": ...}.
 * Tests inject a fake; NULL means the real client core.
 */
typedef cJSON *(*action_call_fn)(void *arg, struct aws_client *client,
    enum aws_service_id svc, const char *operation, const cJSON *request,
    struct aws_error *err);

struct action_options {
	action_call_fn call;		/* NULL = aws_call_json / aws_call_query */
	void *call_arg;
	const char *audit_path;		/* NULL = audit_default_path() */
	const char *read_only_why;	/* "--read-only", "wallboard mode", NULL */
	long write_timeout_ms;		/* mutating calls; 0 = 10000 */
	long track_interval_ms;		/* ListOperations polling; 0 = 2000 */
};

/*
 * An engine for the environments of cf (which must outlive it).  It
 * creates one client per environment when first needed (reads: the
 * normal retry policy; writes: one attempt, never retried, because
 * App Runner has no idempotency token), unless action_engine_set_client
 * lent it one for reads.  opt may be NULL.
 */
struct action_engine *action_engine_new(const struct config *cf,
    const struct action_options *opt);
void action_engine_free(struct action_engine *e);	/* NULL is a no-op */
/* Lend env's client (reads and writes both go through it then). */
void action_engine_set_client(struct action_engine *e, int env,
    struct aws_client *client);
const char *action_engine_audit_path(const struct action_engine *e);

/*
 * Why actions on env are disabled (caller frees), or NULL when they are
 * allowed: "read-only mode: prod is read_only in the config",
 * "read-only mode: --read-only", "read-only mode: wallboard mode".
 */
char *action_engine_disabled(struct action_engine *e, int env);

/*
 * Read the state and build a plan.  Returns 0 and *out (free with
 * action_plan_free), or -1 and *cause (caller frees): unknown
 * environment or service, invalid values, no change, an operation in
 * progress, a paused service, read-only mode.
 */
int action_preview(struct action_engine *e, const struct action_request *req,
    struct action_plan **out, char **cause);

enum action_result {
	ACTION_REFUSED,		/* nothing was sent */
	ACTION_SUBMITTED,	/* the service accepted the change */
	ACTION_APPLIED_AFTER_TIMEOUT,	/* timed out, but state shows it applied */
	ACTION_NOT_APPLIED,	/* a mutating call failed; state unchanged */
	ACTION_UNKNOWN,		/* timed out and the state could not be read */
};
const char *action_result_name(enum action_result r);

struct action_outcome {
	enum action_result result;
	char *operation_id;	/* App Runner OperationId, when there is one */
	char **request_ids;
	size_t nrequest_ids;
	char *caller_arn;
	char *message;		/* one line for people */
};

void action_outcome_clear(struct action_outcome *o);

/*
 * Run plan after the user typed confirmation.  Returns the result (also
 * in out->result) and fills out (clear with action_outcome_clear).  A
 * plan runs at most once, and only one action per service is in flight
 * at a time in this engine: a second call (key repeat) is refused.
 * Thread-safe (the UI calls it from a worker thread).
 */
enum action_result action_execute(struct action_engine *e,
    struct action_plan *plan, const char *confirmation,
    struct action_outcome *out);

/* Progress of a tracked operation. */
typedef void (*action_progress_fn)(void *arg, const char *status,
    int64_t elapsed_ms);

/*
 * Follow operation op_id of service_arn in env through ListOperations
 * until it reaches SUCCEEDED, FAILED or a ROLLBACK_* state, calling
 * progress on each poll.  Stops early when *cancel becomes true or
 * after timeout_ms (0 = no limit).  Returns the final status (caller
 * frees) or NULL and *cause.  When audit is true the final status is
 * written to the audit log as phase "completed".
 */
char *action_track(struct action_engine *e, const struct action_plan *plan,
    const char *op_id, int64_t timeout_ms, action_progress_fn progress,
    void *arg, const atomic_bool *cancel, char **cause);

/*
 * A service's deployment history for the rollback picker and
 * `action history`: ECR images (newest first), what each environment
 * runs now, and the operations timeline of the service in env.
 */
struct action_image {
	char *digest;
	char *tags;		/* "v1.4.2, prod" or "" */
	int64_t pushed_at;	/* epoch seconds */
	int64_t size_bytes;
};

struct action_env_run {
	char *env;
	char *digest;		/* NULL when unknown */
	char *image;
	char *status;
	char *error;		/* why it is unknown */
};

struct action_op {
	char *id;
	char *type;
	char *status;
	int64_t started_at, ended_at;
};

struct action_history {
	char *service_name;	/* App Runner name in env */
	char *repo_name;
	struct action_image *images;
	size_t nimages;
	struct action_env_run *runs;
	size_t nruns;
	struct action_op *ops;
	size_t nops;
};

int action_history_get(struct action_engine *e, const char *env,
    const char *service, struct action_history *out, char **cause);
void action_history_clear(struct action_history *h);

#endif
