/* The action engine: clients, the one call path, caller identity, guards. */
#include "action/engine.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "action/audit.h"
#include "aws/client.h"
#include "aws/sts.h"
#include "config/config.h"
#include "util/sanitize.h"
#include "util/util.h"

struct action_engine *
action_engine_new(const struct config *cf, const struct action_options *opt)
{
	struct action_engine *e = xcalloc(1, sizeof *e);
	char *path;

	e->cf = cf;
	if (opt != NULL)
		e->opt = *opt;
	path = e->opt.audit_path != NULL ? xstrdup(e->opt.audit_path) :
	    audit_default_path();
	e->audit_path = path;
	e->read_only_why = xstrdup(e->opt.read_only_why);
	e->opt.audit_path = NULL;
	e->opt.read_only_why = NULL;
	if (e->opt.write_timeout_ms <= 0)
		e->opt.write_timeout_ms = 10000;
	if (e->opt.track_interval_ms <= 0)
		e->opt.track_interval_ms = 2000;
	e->nenvs = cf->nenvs;
	e->envs = xcalloc(e->nenvs ? e->nenvs : 1, sizeof *e->envs);
	pthread_mutex_init(&e->lock, NULL);
	return e;
}

void
action_engine_free(struct action_engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nenvs; i++) {
		aws_client_free(e->envs[i].read);
		aws_client_free(e->envs[i].write);
		aws_client_free(e->envs[i].quick);
		free(e->envs[i].caller_arn);
	}
	free(e->envs);
	for (i = 0; i < e->ninflight; i++)
		free(e->inflight[i]);
	free(e->inflight);
	for (i = 0; i < e->nused; i++)
		free(e->used[i]);
	free(e->used);
	free(e->audit_path);
	free(e->read_only_why);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void
action_engine_set_client(struct action_engine *e, int env,
    struct aws_client *client)
{
	if (env < 0 || (size_t)env >= e->nenvs)
		return;
	pthread_mutex_lock(&e->lock);
	e->envs[env].lent = client;
	pthread_mutex_unlock(&e->lock);
}

const char *
action_engine_audit_path(const struct action_engine *e)
{
	return e->audit_path;
}

bool
engine_env_is_production(const struct config_env *env)
{
	/* The config defaults it from the name ("prod", "production"). */
	return env->production;
}

static struct aws_client *
engine_new_client(struct action_engine *e, int env, enum engine_use use,
    struct aws_error *err)
{
	const struct config_env *ce = &e->cf->envs[env];
	struct aws_client_config cc = { 0 };
	struct aws_client *c;
	char *cause = NULL;

	cc.name = ce->name;
	cc.profile = ce->profile;
	cc.region = ce->region;
	cc.endpoint_url = ce->endpoint_url;
	cc.role_arn = ce->role_arn;
	cc.external_id = ce->external_id;
	cc.read_only = ce->read_only;
	if (use == USE_WRITE) {
		/*
		 * App Runner has no idempotency token: a mutating call is
		 * sent once, and after a timeout the engine reads the state
		 * instead of letting the transport retry it.
		 */
		cc.max_attempts = 1;
		cc.timeout_ms = e->opt.write_timeout_ms;
	} else if (use == USE_ADVISORY) {
		/* Warnings (alarms) must not hold an action up for long. */
		cc.max_attempts = 1;
		cc.timeout_ms = 3000;
	}
	c = aws_client_new(&cc, &cause);
	if (c == NULL) {
		aws_error_set(err, AWS_ERR_CONFIG, "ClientConfig", 0,
		    "%s: %s", ce->name, cause != NULL ? cause : "no client");
		free(cause);
	}
	return c;
}

struct aws_client *
engine_client(struct action_engine *e, int env, enum engine_use use,
    struct aws_error *err)
{
	struct action_env *ae;
	struct aws_client *c, **slot;

	if (env < 0 || (size_t)env >= e->nenvs) {
		aws_error_set(err, AWS_ERR_CONFIG, "UnknownEnvironment", 0,
		    "no environment %d", env);
		return NULL;
	}
	ae = &e->envs[env];
	pthread_mutex_lock(&e->lock);
	if (use == USE_READ && ae->lent != NULL) {
		c = ae->lent;
		pthread_mutex_unlock(&e->lock);
		return c;
	}
	slot = use == USE_WRITE ? &ae->write : use == USE_ADVISORY ?
	    &ae->quick : &ae->read;
	if (*slot == NULL)
		*slot = engine_new_client(e, env, use, err);
	c = *slot;
	pthread_mutex_unlock(&e->lock);
	return c;
}

/* s sanitized (XML entities can spell an ESC); takes s, NULL gives NULL. */
static char *
engine_clean(char *s)
{
	char *c = text_clean(s);

	free(s);
	return c;
}

/* GetCallerIdentity through the query protocol, as a small JSON object. */
static cJSON *
engine_caller_identity(struct aws_client *c, struct aws_error *err)
{
	char *xml, *arn, *account, *user;
	cJSON *o;

	xml = aws_call_query(c, AWS_SVC_STS, "GetCallerIdentity", NULL, err);
	if (xml == NULL)
		return NULL;
	arn = engine_clean(xml_find_text(xml, strlen(xml), "Arn"));
	account = engine_clean(xml_find_text(xml, strlen(xml), "Account"));
	user = engine_clean(xml_find_text(xml, strlen(xml), "UserId"));
	free(xml);
	o = cJSON_CreateObject();
	if (arn != NULL)
		cJSON_AddStringToObject(o, "Arn", arn);
	if (account != NULL)
		cJSON_AddStringToObject(o, "Account", account);
	if (user != NULL)
		cJSON_AddStringToObject(o, "UserId", user);
	free(arn);
	free(account);
	free(user);
	return o;
}

cJSON *
engine_call(struct action_engine *e, int env, enum engine_use use,
    enum aws_service_id svc, const char *op, const cJSON *req,
    struct aws_error *err, struct engine_ids *ids)
{
	struct aws_client *c;
	char *rid = NULL;
	cJSON *out;

	aws_error_clear(err);
	c = engine_client(e, env, use, err);
	if (c == NULL)
		return NULL;
	if (e->opt.call != NULL)
		out = e->opt.call(e->opt.call_arg, c, svc, op, req, err);
	else if (svc == AWS_SVC_STS)
		out = engine_caller_identity(c, err);
	else
		out = aws_call_json_ex(c, svc, op, req, err, &rid);
	/* Successes name theirs in rid (a fake puts it in err); failures in err. */
	if (rid == NULL && err->request_id != NULL && *err->request_id != '\0')
		rid = xstrdup(err->request_id);
	if (ids != NULL && rid != NULL && *rid != '\0')
		engine_ids_add(ids, rid);
	free(rid);
	if (out != NULL)
		aws_error_clear(err);	/* success: nothing for callers to free */
	return out;
}

void
engine_ids_add(struct engine_ids *ids, const char *id)
{
	ids->v = xreallocarray(ids->v, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n++] = xstrdup(id);
}

void
engine_ids_free(struct engine_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	ids->v = NULL;
	ids->n = 0;
}

char *
engine_caller_arn(struct action_engine *e, int env)
{
	struct aws_error err = { 0 };
	struct action_env *ae = &e->envs[env];
	const cJSON *arn;
	char *out;
	cJSON *o;

	pthread_mutex_lock(&e->lock);
	if (ae->caller_arn != NULL) {
		out = xstrdup(ae->caller_arn);
		pthread_mutex_unlock(&e->lock);
		return out;
	}
	pthread_mutex_unlock(&e->lock);

	o = engine_call(e, env, USE_READ, AWS_SVC_STS, "GetCallerIdentity", NULL,
	    &err, NULL);
	arn = cJSON_GetObjectItemCaseSensitive(o, "Arn");
	if (cJSON_IsString(arn)) {
		out = xstrdup(arn->valuestring);
		pthread_mutex_lock(&e->lock);
		if (ae->caller_arn == NULL)
			ae->caller_arn = xstrdup(out);
		pthread_mutex_unlock(&e->lock);
	} else {
		/* Not cached: the next action tries again. */
		out = xasprintf("unknown (GetCallerIdentity: %s)",
		    err.kind != AWS_ERR_NONE ? aws_error_short(&err) :
		    "no Arn");
	}
	cJSON_Delete(o);
	aws_error_clear(&err);
	return out;
}

char *
action_engine_disabled(struct action_engine *e, int env)
{
	if (env < 0 || (size_t)env >= e->nenvs)
		return xstrdup("no such environment");
	/* Only reads: cf and read_only_why never change after creation. */
	if (aws_global_read_only())
		return xasprintf("read-only mode: %s", e->read_only_why != NULL ?
		    e->read_only_why : "the read-only switch is on");
	if (e->cf->envs[env].read_only)
		return xasprintf("read-only mode: %s is read_only in the "
		    "config", e->cf->envs[env].name);
	return NULL;
}

bool
engine_op_allowed(struct action_engine *e, int env, enum aws_service_id svc,
    const char *op, char **cause)
{
	struct aws_error err = { 0 };
	struct aws_client *c;
	char *why;

	why = action_engine_disabled(e, env);
	if (why != NULL) {
		*cause = why;
		return false;
	}
	c = engine_client(e, env, USE_WRITE, &err);
	if (c == NULL) {
		*cause = aws_error_format(&err);
		aws_error_clear(&err);
		return false;
	}
	if (!aws_op_allowed(c, svc, op)) {
		*cause = xasprintf("read-only mode: the client refuses %s %s",
		    aws_service_get(svc)->name, op);
		return false;
	}
	return true;
}

/* ---- submission guards ---------------------------------------------- */

int
engine_begin(struct action_engine *e, struct action_plan *p, char **cause)
{
	char *key;
	size_t i;

	key = xasprintf("%s/%s", p->env, p->service_arn);
	pthread_mutex_lock(&e->lock);
	for (i = 0; i < e->nused; i++) {
		if (strcmp(e->used[i], p->id) == 0)
			p->used = true;
	}
	if (p->used) {
		pthread_mutex_unlock(&e->lock);
		free(key);
		*cause = xasprintf("this plan was already submitted once "
		    "(plan %s); preview again", p->id);
		return -1;
	}
	for (i = 0; i < e->ninflight; i++) {
		if (strcmp(e->inflight[i], key) == 0) {
			pthread_mutex_unlock(&e->lock);
			free(key);
			*cause = xasprintf("an action on %s in %s is already "
			    "being submitted", p->service_name, p->env);
			return -1;
		}
	}
	p->used = true;
	e->used = xreallocarray(e->used, e->nused + 1, sizeof *e->used);
	e->used[e->nused++] = xstrdup(p->id);
	e->inflight = xreallocarray(e->inflight, e->ninflight + 1,
	    sizeof *e->inflight);
	e->inflight[e->ninflight++] = key;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

void
engine_end(struct action_engine *e, const struct action_plan *p)
{
	char *key = xasprintf("%s/%s", p->env, p->service_arn);
	size_t i;

	pthread_mutex_lock(&e->lock);
	for (i = 0; i < e->ninflight; i++) {
		if (strcmp(e->inflight[i], key) == 0) {
			free(e->inflight[i]);
			e->inflight[i] = e->inflight[--e->ninflight];
			break;
		}
	}
	pthread_mutex_unlock(&e->lock);
	free(key);
}

void
engine_new_plan_id(char out[33])
{
	static const char hex[] = "0123456789abcdef";
	static unsigned long counter;
	unsigned char raw[16];
	size_t i, got = 0;
	ssize_t n;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd != -1) {
		while (got < sizeof raw) {
			n = read(fd, raw + got, sizeof raw - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
	}
	if (got < sizeof raw) {
		unsigned long long v = (unsigned long long)now_ms() ^
		    ((unsigned long long)getpid() << 32) ^ ++counter;
		for (i = 0; i < sizeof raw; i++)
			raw[i] = (unsigned char)(v >> ((i % 8) * 8)) ^
			    (unsigned char)(i * 131);
	}
	for (i = 0; i < sizeof raw; i++) {
		out[i * 2] = hex[raw[i] >> 4];
		out[i * 2 + 1] = hex[raw[i] & 15];
	}
	out[32] = '\0';
}
