/* Internals shared by the action engine's files (not for the UI). */
#ifndef MOMENTUM_ACTION_ENGINE_H
#define MOMENTUM_ACTION_ENGINE_H

#include <pthread.h>
#include <stdbool.h>

#include "action/action.h"

struct config_env;

struct action_env {
	struct aws_client *lent;	/* borrowed: reads go through it */
	struct aws_client *read;	/* owned, normal retries */
	struct aws_client *write;	/* owned, one attempt */
	struct aws_client *quick;	/* owned, advisory reads: 1 try, 3 s */
	char *caller_arn;		/* GetCallerIdentity, fetched once */
};

struct action_engine {
	const struct config *cf;
	struct action_options opt;
	char *audit_path;
	char *read_only_why;
	/* lock guards envs[] clients and caller_arn, inflight, used. */
	pthread_mutex_t lock;
	struct action_env *envs;
	size_t nenvs;
	char **inflight;		/* "env/service-arn" being submitted */
	size_t ninflight;
	char **used;			/* plan ids already executed */
	size_t nused;
};

struct engine_ids {
	char **v;
	size_t n;
};

bool engine_env_is_production(const struct config_env *env);
/* Which client a call goes through. */
enum engine_use { USE_READ, USE_WRITE, USE_ADVISORY };

struct aws_client *engine_client(struct action_engine *e, int env,
    enum engine_use use, struct aws_error *err);
cJSON *engine_call(struct action_engine *e, int env, enum engine_use use,
    enum aws_service_id svc, const char *op, const cJSON *req,
    struct aws_error *err, struct engine_ids *ids);
void engine_ids_add(struct engine_ids *ids, const char *id);
void engine_ids_free(struct engine_ids *ids);
char *engine_caller_arn(struct action_engine *e, int env);
bool engine_op_allowed(struct action_engine *e, int env,
    enum aws_service_id svc, const char *op, char **cause);
int engine_begin(struct action_engine *e, struct action_plan *p, char **cause);
void engine_end(struct action_engine *e, const struct action_plan *p);
void engine_new_plan_id(char out[33]);

/* state.c */
int state_read(struct action_engine *e, int env, const char *service_name,
    const char *service_arn, const char *ecr_repo, struct action_state *st,
    char **cause);

/* Both NULL, or the same string. */
bool engine_same_str(const char *a, const char *b);
char *state_diff(const struct action_state *before,
    const struct action_state *now);
int state_resolve_service(struct action_engine *e, int env,
    const char *service, char **role, char **name, char **arn,
    char **ecr_repo, char **cause);

#endif
