/* Preview, execute and track actions: the safety rules live here. */
#include "action/action.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/audit.h"
#include "action/engine.h"
#include "aws/client.h"
#include "config/config.h"
#include "util/sanitize.h"
#include "util/util.h"

static const char *
jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Remote text kept for people to read: cleaned once, here (DESIGN). */
static char *
sdup(const char *s)
{
	return s != NULL ? text_clean(s) : NULL;
}

static int __attribute__((format(printf, 2, 3)))
refuse(char **cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*cause = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

static int
env_index(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < cf->nenvs; i++) {
		if (strcmp(cf->envs[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static void __attribute__((format(printf, 4, 5)))
plan_add_call(struct action_plan *p, enum aws_service_id svc, const char *op,
    const char *fmt, ...)
{
	va_list ap;

	p->calls = xreallocarray(p->calls, p->ncalls + 1, sizeof *p->calls);
	p->calls[p->ncalls].svc = svc;
	p->calls[p->ncalls].operation = xstrdup(op);
	va_start(ap, fmt);
	p->calls[p->ncalls].summary = xvasprintf(fmt, ap);
	va_end(ap);
	p->ncalls++;
}

static void __attribute__((format(printf, 2, 3)))
plan_warn(struct action_plan *p, const char *fmt, ...)
{
	va_list ap;

	p->warnings = xreallocarray(p->warnings, p->nwarnings + 1,
	    sizeof *p->warnings);
	va_start(ap, fmt);
	p->warnings[p->nwarnings++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static bool
valid_digest(const char *d)
{
	size_t i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 71)
		return false;
	for (i = 7; i < 71; i++) {
		if (strchr("0123456789abcdef", d[i]) == NULL)
			return false;
	}
	return true;
}

static char *
short_digest(const char *d)
{
	if (d == NULL)
		return xstrdup("(unknown digest)");
	if (strncmp(d, "sha256:", 7) == 0 && strlen(d) > 19)
		return xstrndup(d, 19);
	return xstrdup(d);
}

static char *
image_text(const struct action_state *st)
{
	char *sd = short_digest(st->digest), *out;

	out = xasprintf("%s (%s)", st->image != NULL ? st->image : "?", sd);
	free(sd);
	return out;
}

/* ---- ECR images ------------------------------------------------------ */

static int
image_cmp(const void *a, const void *b)
{
	const struct action_image *x = a, *y = b;

	if (x->pushed_at != y->pushed_at)
		return x->pushed_at > y->pushed_at ? -1 : 1;
	return strcmp(x->digest, y->digest);
}

/* Every image of repo, newest push first.  Caller frees with images_free. */
static int
images_list(struct action_engine *e, int env, const char *repo,
    struct action_image **out, size_t *nout, char **cause)
{
	struct aws_error err = { 0 };
	struct action_image *v = NULL;
	size_t n = 0;
	char *token = NULL;
	const cJSON *it, *tag, *num;
	cJSON *req, *resp;
	struct buf tags;
	int pages;

	for (pages = 0; pages < 20; pages++) {
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "repositoryName", repo);
		cJSON_AddNumberToObject(req, "maxResults", 100);
		if (token != NULL)
			cJSON_AddStringToObject(req, "nextToken", token);
		resp = engine_call(e, env, USE_READ, AWS_SVC_ECR, "DescribeImages",
		    req, &err, NULL);
		cJSON_Delete(req);
		free(token);
		token = NULL;
		if (resp == NULL) {
			char *m = aws_error_format(&err);
			*cause = xasprintf("ECR DescribeImages %s: %s", repo, m);
			free(m);
			aws_error_clear(&err);
			*out = v;
			*nout = n;
			return -1;
		}
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(resp,
		    "imageDetails")) {
			if (jstr(it, "imageDigest") == NULL)
				continue;
			v = xreallocarray(v, n + 1, sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].digest = sdup(jstr(it, "imageDigest"));
			memset(&tags, 0, sizeof tags);
			cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(
			    it, "imageTags")) {
				if (cJSON_IsString(tag))
					buf_printf(&tags, "%s%s",
					    tags.len ? ", " : "",
					    tag->valuestring);
			}
			v[n].tags = sdup(tags.data != NULL ? tags.data : "");
			buf_free(&tags);
			num = cJSON_GetObjectItemCaseSensitive(it,
			    "imagePushedAt");
			if (cJSON_IsNumber(num))
				v[n].pushed_at = (int64_t)num->valuedouble;
			num = cJSON_GetObjectItemCaseSensitive(it,
			    "imageSizeInBytes");
			if (cJSON_IsNumber(num))
				v[n].size_bytes = (int64_t)num->valuedouble;
			n++;
		}
		token = xstrdup(jstr(resp, "nextToken"));
		cJSON_Delete(resp);
		if (token == NULL || *token == '\0')
			break;
	}
	free(token);
	if (n > 1)
		qsort(v, n, sizeof *v, image_cmp);
	*out = v;
	*nout = n;
	return 0;
}

static void
images_free(struct action_image *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].digest);
		free(v[i].tags);
	}
	free(v);
}

/* ---- preview --------------------------------------------------------- */

static void
preview_alarms(struct action_engine *e, struct action_plan *p)
{
	const struct config_env *ce = &e->cf->envs[p->env_index];
	struct aws_error err = { 0 };
	const char *kinds[] = { "MetricAlarms", "CompositeAlarms" };
	const cJSON *it;
	struct buf names = { 0 };
	cJSON *req, *resp;
	size_t i, n = 0;

	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "StateValue", "ALARM");
	if (ce->alarm_prefix != NULL && *ce->alarm_prefix != '\0')
		cJSON_AddStringToObject(req, "AlarmNamePrefix",
		    ce->alarm_prefix);
	cJSON_AddNumberToObject(req, "MaxRecords", 100);
	resp = engine_call(e, p->env_index, USE_ADVISORY, AWS_SVC_CLOUDWATCH,
	    "DescribeAlarms", req, &err, NULL);
	cJSON_Delete(req);
	if (resp == NULL) {
		plan_warn(p, "could not read the alarms of %s (%s)", p->env,
		    aws_error_short(&err));
		aws_error_clear(&err);
		return;
	}
	for (i = 0; i < nitems(kinds); i++) {
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(resp,
		    kinds[i])) {
			if (jstr(it, "AlarmName") == NULL)
				continue;
			if (n < 5) {
				char *an = sdup(jstr(it, "AlarmName"));

				buf_printf(&names, "%s%s", n ? ", " : "", an);
				free(an);
			}
			n++;
		}
	}
	cJSON_Delete(resp);
	if (n > 0)
		plan_warn(p, "%zu alarm%s firing in %s: %s%s", n,
		    n == 1 ? "" : "s", p->env, names.data,
		    n > 5 ? ", ..." : "");
	buf_free(&names);
}

static int
preview_scale(struct action_engine *e, const struct action_request *req,
    struct action_plan *p, char **cause)
{
	const struct action_state *st = &p->state;
	int min, max, conc;
	char *name;

	min = req->has_min || req->min_size != 0 ? req->min_size :
	    st->min_size;
	max = req->has_max || req->max_size != 0 ? req->max_size :
	    st->max_size;
	conc = req->has_conc || req->max_concurrency != 0 ?
	    req->max_concurrency : st->max_concurrency;
	if (req->min_delta != 0)
		min = st->min_size + req->min_delta;
	if (min < ACTION_MIN_SIZE || min > ACTION_MAX_SIZE)
		return refuse(cause, "invalid scale: min %d is outside %d-%d",
		    min, ACTION_MIN_SIZE, ACTION_MAX_SIZE);
	if (max < ACTION_MIN_SIZE || max > ACTION_MAX_SIZE)
		return refuse(cause, "invalid scale: max %d is outside %d-%d",
		    max, ACTION_MIN_SIZE, ACTION_MAX_SIZE);
	if (min > max)
		return refuse(cause, "invalid scale: min %d is above max %d",
		    min, max);
	if (conc < ACTION_MIN_CONCURRENCY || conc > ACTION_MAX_CONCURRENCY)
		return refuse(cause, "invalid scale: concurrency %d is outside "
		    "%d-%d", conc, ACTION_MIN_CONCURRENCY,
		    ACTION_MAX_CONCURRENCY);
	if (min == st->min_size && max == st->max_size &&
	    conc == st->max_concurrency)
		return refuse(cause, "nothing to change: %s already runs with "
		    "min %d, max %d, concurrency %d", p->service_name, min,
		    max, conc);
	p->min_size = min;
	p->max_size = max;
	p->max_concurrency = conc;
	if (st->asc_name != NULL && strcmp(st->asc_name,
	    "DefaultConfiguration") != 0)
		name = xstrdup(st->asc_name);
	else
		name = xasprintf("momentum-%s-%s-asc", p->env, p->role);
	if (strlen(name) > 32)
		name[32] = '\0';
	p->asc_name = name;
	p->before = xasprintf("min %d, max %d, concurrency %d (%s rev %d)",
	    st->min_size, st->max_size, st->max_concurrency,
	    st->asc_name != NULL ? st->asc_name : "?", st->asc_revision);
	p->after = xasprintf("min %d, max %d, concurrency %d (%s, new "
	    "revision)", min, max, conc, name);
	plan_add_call(p, AWS_SVC_APPRUNNER, "CreateAutoScalingConfiguration",
	    "AutoScalingConfigurationName=%s MinSize=%d MaxSize=%d "
	    "MaxConcurrency=%d", name, min, max, conc);
	plan_add_call(p, AWS_SVC_APPRUNNER, "UpdateService",
	    "ServiceArn=%s AutoScalingConfigurationArn=<the new revision of "
	    "%s>", p->service_arn, name);
	if (min < st->min_size && p->production)
		plan_warn(p, "lowering the minimum in production leaves fewer "
		    "warm instances for a traffic spike");
	return 0;
}

static int
preview_pause(struct action_plan *p, bool pause, char **cause)
{
	const char *op = pause ? "PauseService" : "ResumeService";

	if (pause && strcmp(p->state.status, "RUNNING") != 0)
		return refuse(cause, "cannot pause %s: it is %s, not RUNNING",
		    p->service_name, p->state.status);
	if (!pause && strcmp(p->state.status, "PAUSED") != 0)
		return refuse(cause, "cannot resume %s: it is %s, not PAUSED",
		    p->service_name, p->state.status);
	p->before = xstrdup(p->state.status);
	p->after = xstrdup(pause ? "PAUSED" : "RUNNING");
	plan_add_call(p, AWS_SVC_APPRUNNER, op, "ServiceArn=%s",
	    p->service_arn);
	if (pause)
		plan_warn(p, "a paused service serves no requests: %s in %s "
		    "stops answering until it is resumed", p->service_name,
		    p->env);
	return 0;
}

/* The digest must exist in the repository the target service pulls from. */
static int
preview_check_image(struct action_engine *e, struct action_plan *p,
    const char *digest, int64_t *pushed, char **cause)
{
	struct aws_error err = { 0 };
	cJSON *req, *resp, *ids, *id;
	const cJSON *d, *num;
	char *m;

	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "repositoryName", p->state.repo_name);
	ids = cJSON_AddArrayToObject(req, "imageIds");
	id = cJSON_CreateObject();
	cJSON_AddStringToObject(id, "imageDigest", digest);
	cJSON_AddItemToArray(ids, id);
	resp = engine_call(e, p->env_index, USE_READ, AWS_SVC_ECR,
	    "DescribeImages", req, &err, NULL);
	cJSON_Delete(req);
	if (resp == NULL) {
		m = aws_error_format(&err);
		aws_error_clear(&err);
		refuse(cause, "image %s is not in ECR repository %s: %s",
		    digest, p->state.repo_name, m);
		free(m);
		return -1;
	}
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp,
	    "imageDetails"), 0);
	if (d == NULL) {
		cJSON_Delete(resp);
		return refuse(cause, "image %s is not in ECR repository %s",
		    digest, p->state.repo_name);
	}
	num = cJSON_GetObjectItemCaseSensitive(d, "imagePushedAt");
	if (pushed != NULL)
		*pushed = cJSON_IsNumber(num) ? (int64_t)num->valuedouble : 0;
	cJSON_Delete(resp);
	return 0;
}

static int
preview_rollback(struct action_engine *e, const struct action_request *req,
    struct action_plan *p, char **cause)
{
	const struct action_state *st = &p->state;
	struct action_image *imgs = NULL;
	size_t n = 0, i;
	char *sd, *sdt;
	const char *target = req->digest;

	if (strcmp(st->status, "RUNNING") != 0)
		return refuse(cause, "cannot roll back %s: it is %s, not "
		    "RUNNING", p->service_name, st->status);
	if (st->repo_uri == NULL || st->repo_name == NULL)
		return refuse(cause, "%s does not run an image from ECR",
		    p->service_name);
	if (target == NULL) {
		if (st->digest == NULL)
			return refuse(cause, "cannot tell which digest %s runs "
			    "now; name one with --digest", p->service_name);
		if (images_list(e, p->env_index, st->repo_name, &imgs, &n,
		    cause) != 0) {
			images_free(imgs, n);
			return -1;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(imgs[i].digest, st->digest) == 0)
				break;
		}
		if (i >= n || i + 1 >= n) {
			images_free(imgs, n);
			return refuse(cause, "no image older than the running "
			    "one in %s; name one with --digest",
			    st->repo_name);
		}
		p->target_digest = xstrdup(imgs[i + 1].digest);
		images_free(imgs, n);
	} else {
		if (!valid_digest(target))
			return refuse(cause, "invalid digest %s: expected "
			    "sha256: and 64 hex digits", target);
		p->target_digest = xstrdup(target);
	}
	if (st->digest != NULL && strcmp(st->digest, p->target_digest) == 0)
		return refuse(cause, "%s already runs %s", p->service_name,
		    p->target_digest);
	if (preview_check_image(e, p, p->target_digest, NULL, cause) != 0)
		return -1;
	p->target_image = xasprintf("%s@%s", st->repo_uri, p->target_digest);
	p->before = image_text(st);
	sd = short_digest(p->target_digest);
	p->after = xasprintf("%s (%s)", p->target_image, sd);
	free(sd);
	plan_add_call(p, AWS_SVC_APPRUNNER, "UpdateService",
	    "ServiceArn=%s SourceConfiguration.ImageRepository."
	    "ImageIdentifier=%s", p->service_arn, p->target_image);
	if (st->tag != NULL) {
		sdt = short_digest(st->digest);
		plan_warn(p, "%s tracked tag %s (now %s); after the rollback it "
		    "runs a fixed digest", p->service_name, st->tag, sdt);
		free(sdt);
	}
	return 0;
}

static int
preview_promote(struct action_engine *e, const struct action_request *req,
    struct action_plan *p, char **cause)
{
	const struct action_state *st = &p->state;
	struct action_state src = { 0 };
	char *role = NULL, *name = NULL, *arn = NULL, *repo = NULL, *sd;
	int from;

	if (req->from_env != NULL) {
		from = env_index(e->cf, req->from_env);
		if (from < 0)
			return refuse(cause, "no environment %s in the config",
			    req->from_env);
	} else {
		from = p->env_index - 1;
		if (from < 0)
			return refuse(cause, "%s is the lowest environment: "
			    "nothing to promote from (use --from)", p->env);
	}
	if (from == p->env_index)
		return refuse(cause, "cannot promote %s to itself", p->env);
	p->from_env = xstrdup(e->cf->envs[from].name);
	if (strcmp(st->status, "RUNNING") != 0)
		return refuse(cause, "cannot promote to %s: it is %s, not "
		    "RUNNING", p->service_name, st->status);
	if (st->repo_uri == NULL || st->repo_name == NULL)
		return refuse(cause, "%s does not run an image from ECR",
		    p->service_name);
	if (state_resolve_service(e, from, p->role, &role, &name, &arn, &repo,
	    cause) != 0)
		return -1;
	if (state_read(e, from, name, arn, repo, &src, cause) != 0) {
		free(role);
		free(name);
		free(arn);
		free(repo);
		return -1;
	}
	free(role);
	free(arn);
	free(repo);
	if (src.digest == NULL) {
		refuse(cause, "cannot tell which digest %s runs in %s",
		    name, p->from_env);
		free(name);
		action_state_clear(&src);
		return -1;
	}
	free(name);
	p->target_digest = xstrdup(src.digest);
	if (src.busy_op != NULL)
		plan_warn(p, "%s has an operation in progress in %s (%s): the "
		    "digest it runs may be about to change", src.name,
		    p->from_env, src.busy_op);
	action_state_clear(&src);
	if (st->digest != NULL && strcmp(st->digest, p->target_digest) == 0)
		return refuse(cause, "%s in %s already runs %s, the digest %s "
		    "runs", p->service_name, p->env, p->target_digest,
		    p->from_env);
	if (preview_check_image(e, p, p->target_digest, NULL, cause) != 0)
		return -1;
	p->before = image_text(st);
	sd = short_digest(p->target_digest);
	if (st->tag != NULL) {
		/* The service follows a tag: move the tag, then deploy. */
		p->retag = xstrdup(st->tag);
		p->target_image = xstrdup(st->image);
		p->after = xasprintf("%s -> %s (%s, as %s runs)", st->image,
		    p->target_digest, sd, p->from_env);
		plan_add_call(p, AWS_SVC_ECR, "BatchGetImage",
		    "repositoryName=%s imageDigest=%s", st->repo_name,
		    p->target_digest);
		plan_add_call(p, AWS_SVC_ECR, "PutImage",
		    "repositoryName=%s imageTag=%s imageDigest=%s",
		    st->repo_name, st->tag, p->target_digest);
		plan_add_call(p, AWS_SVC_APPRUNNER, "StartDeployment",
		    "ServiceArn=%s", p->service_arn);
	} else {
		p->target_image = xasprintf("%s@%s", st->repo_uri,
		    p->target_digest);
		p->after = xasprintf("%s (%s, as %s runs)", p->target_image,
		    sd, p->from_env);
		plan_add_call(p, AWS_SVC_APPRUNNER, "UpdateService",
		    "ServiceArn=%s SourceConfiguration.ImageRepository."
		    "ImageIdentifier=%s", p->service_arn, p->target_image);
	}
	free(sd);
	return 0;
}

static int preview_plan(struct action_engine *, const struct action_request *,
    bool, struct action_plan **, char **);

int
action_preview(struct action_engine *e, const struct action_request *req,
    struct action_plan **out, char **cause)
{
	return preview_plan(e, req, false, out, cause);
}

/*
 * action_preview; busy_ok: an operation in progress is not refused here
 * (action_plan_reconcile: action_execute refuses it as a state change,
 * and audits that).
 */
static int
preview_plan(struct action_engine *e, const struct action_request *req,
    bool busy_ok, struct action_plan **out, char **cause)
{
	struct action_plan *p;
	char *ecr_repo = NULL;
	char *why;
	size_t i;
	int env, rc;

	*out = NULL;
	if (req->env == NULL || req->service == NULL)
		return refuse(cause, "an action needs an environment and a "
		    "service");
	env = env_index(e->cf, req->env);
	if (env < 0)
		return refuse(cause, "no environment %s in the config",
		    req->env);
	if ((why = action_engine_disabled(e, env)) != NULL) {
		*cause = why;
		return -1;
	}

	p = xcalloc(1, sizeof *p);
	engine_new_plan_id(p->id);
	p->kind = req->kind;
	p->env = xstrdup(e->cf->envs[env].name);
	p->env_index = env;
	p->production = engine_env_is_production(&e->cf->envs[env]);
	p->confirm_word = xstrdup(p->production ? p->env : "yes");
	if (state_resolve_service(e, env, req->service, &p->role,
	    &p->service_name, &p->service_arn, &ecr_repo, cause) != 0)
		goto fail;
	rc = state_read(e, env, p->service_name, p->service_arn, ecr_repo,
	    &p->state, cause);
	free(ecr_repo);
	if (rc != 0)
		goto fail;
	if (p->state.busy_op != NULL && !busy_ok) {
		refuse(cause, "%s in %s has an operation in progress (%s); "
		    "wait until it ends", p->service_name, p->env,
		    p->state.busy_op);
		goto fail;
	}
	if (strcmp(p->state.status, "OPERATION_IN_PROGRESS") == 0 &&
	    !busy_ok) {
		refuse(cause, "%s in %s has an operation in progress (status "
		    "OPERATION_IN_PROGRESS); wait until it ends",
		    p->service_name, p->env);
		goto fail;
	}

	switch (req->kind) {
	case ACTION_SCALE:
		rc = preview_scale(e, req, p, cause);
		break;
	case ACTION_PAUSE:
		rc = preview_pause(p, true, cause);
		break;
	case ACTION_RESUME:
		rc = preview_pause(p, false, cause);
		break;
	case ACTION_ROLLBACK:
		rc = preview_rollback(e, req, p, cause);
		break;
	case ACTION_PROMOTE:
		rc = preview_promote(e, req, p, cause);
		break;
	default:
		rc = refuse(cause, "unknown action");
		break;
	}
	if (rc != 0)
		goto fail;
	for (i = 0; i < p->ncalls; i++) {
		if (!engine_op_allowed(e, env, p->calls[i].svc,
		    p->calls[i].operation, cause))
			goto fail;
	}
	preview_alarms(e, p);
	*out = p;
	return 0;
fail:
	action_plan_free(p);
	return -1;
}

struct action_plan *
action_plan_reconcile(struct action_engine *e, const struct action_plan *file,
    char **cause)
{
	struct action_request req;
	struct action_plan *p;
	const char *what = NULL;
	size_t i;

	for (i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)file->id[i]))
			break;
	if (i != 32 || file->id[32] != '\0') {
		refuse(cause, "the plan file's id is not 32 hex digits");
		return NULL;
	}
	memset(&req, 0, sizeof req);
	req.kind = file->kind;
	req.env = file->env;
	req.service = file->role != NULL ? file->role : file->service_name;
	if (file->kind == ACTION_SCALE) {
		req.min_size = file->min_size;
		req.max_size = file->max_size;
		req.max_concurrency = file->max_concurrency;
		req.has_min = req.has_max = req.has_conc = true;
	}
	if (file->kind == ACTION_ROLLBACK)
		req.digest = file->target_digest;
	if (file->kind == ACTION_PROMOTE)
		req.from_env = file->from_env;
	if (audit_has_plan(e->audit_path, file->id)) {
		refuse(cause, "plan %s was already executed (see %s); preview "
		    "again", file->id, e->audit_path);
		return NULL;
	}
	if (preview_plan(e, &req, true, &p, cause) != 0)
		return NULL;

	if (p->env_index != file->env_index)
		what = "environment";
	else if (!engine_same_str(p->service_name, file->service_name))
		what = "service name";
	else if (!engine_same_str(p->service_arn, file->service_arn))
		what = "service ARN";
	else if (!engine_same_str(p->target_image, file->target_image))
		what = "image";
	else if (!engine_same_str(p->target_digest, file->target_digest))
		what = "digest";
	else if (!engine_same_str(p->retag, file->retag))
		what = "tag";
	else if (file->kind == ACTION_SCALE &&
	    (p->min_size != file->min_size || p->max_size != file->max_size ||
	    p->max_concurrency != file->max_concurrency))
		what = "sizes";
	if (what != NULL) {
		refuse(cause, "the plan file does not match what the config "
		    "and the service give now (its %s differs); nothing was "
		    "sent, preview again", what);
		action_plan_free(p);
		return NULL;
	}
	memcpy(p->id, file->id, sizeof p->id);
	p->file_state_diff = state_diff(&file->state, &p->state);
	/* A preview never records a busy state; a file that does is not one. */
	if (p->file_state_diff == NULL && (p->state.busy_op != NULL ||
	    strcmp(p->state.status, "OPERATION_IN_PROGRESS") == 0))
		p->file_state_diff = xasprintf("operation in progress: %s",
		    p->state.busy_op != NULL ? p->state.busy_op :
		    "OPERATION_IN_PROGRESS");
	return p;
}

/* ---- execute --------------------------------------------------------- */

struct exec_ctx {
	struct action_engine *e;
	struct action_plan *p;
	struct action_outcome *out;
	struct engine_ids ids;
	char **api_calls;
	size_t napi_calls;
	char *new_asc_arn;
	struct action_state fresh;
};

static void
exec_audit(struct exec_ctx *x, const char *phase, const char *result,
    const char *error, char **cause)
{
	struct audit_record r = { 0 };
	char *ignored = NULL;

	r.plan_id = x->p->id;
	r.env = x->p->env;
	r.service = x->p->service_name;
	r.action = action_kind_name(x->p->kind);
	r.phase = phase;
	r.before = x->p->before;
	r.after = x->p->after;
	r.api_calls = (const char *const *)x->api_calls;
	r.napi_calls = x->napi_calls;
	r.operation_id = x->out->operation_id;
	r.request_ids = (const char *const *)x->ids.v;
	r.nrequest_ids = x->ids.n;
	r.caller_arn = x->out->caller_arn;
	r.result = result;
	r.error = error;
	if (audit_append(x->e->audit_path, &r, cause != NULL ? cause :
	    &ignored) != 0 && cause == NULL) {
		/* An outcome that cannot be written is still reported. */
		free(x->out->message);
		x->out->message = xasprintf("%s (and the audit outcome record "
		    "could not be written: %s)", error != NULL ? error :
		    result, ignored);
		free(ignored);
	}
}

/* The intent record, claimed once per plan id (audit_claim). */
static int
exec_claim(struct exec_ctx *x, char **cause)
{
	struct audit_record r = { 0 };

	r.plan_id = x->p->id;
	r.env = x->p->env;
	r.service = x->p->service_name;
	r.action = action_kind_name(x->p->kind);
	r.phase = "intent";
	r.before = x->p->before;
	r.after = x->p->after;
	r.api_calls = (const char *const *)x->api_calls;
	r.napi_calls = x->napi_calls;
	r.caller_arn = x->out->caller_arn;
	r.result = "pending";
	return audit_claim(x->e->audit_path, &r, cause);
}

static enum action_result __attribute__((format(printf, 3, 4)))
exec_finish(struct exec_ctx *x, enum action_result r, const char *fmt, ...)
{
	va_list ap;

	x->out->result = r;
	free(x->out->message);
	va_start(ap, fmt);
	x->out->message = xvasprintf(fmt, ap);
	va_end(ap);
	return r;
}

static bool
is_transport(const struct aws_error *err)
{
	return err->kind == AWS_ERR_TRANSPORT;
}

/*
 * A mutating call did not answer.  Never send it again: read the state
 * and tell from the operations list (and the visible effect) whether
 * the service took the change.
 */
static enum action_result
exec_verify(struct exec_ctx *x, const char *op, const char *optype,
    const struct aws_error *err)
{
	struct action_plan *p = x->p;
	struct action_state *now = &x->fresh;
	char *cause = NULL, *m = aws_error_format(err);
	const char *newop = NULL;
	bool effect = false;
	size_t i, j;

	action_state_clear(now);
	if (state_read(x->e, p->env_index, p->service_name, p->service_arn,
	    p->state.repo_name, now, &cause) != 0) {
		exec_finish(x, ACTION_UNKNOWN, "%s did not answer (%s) and the "
		    "state could not be read (%s): check %s before trying "
		    "again; nothing was re-sent", op, m, cause,
		    p->service_name);
		free(cause);
		free(m);
		return ACTION_UNKNOWN;
	}
	for (i = 0; i < now->nops && newop == NULL; i++) {
		for (j = 0; j < p->state.nops; j++) {
			if (strcmp(now->op_ids[i], p->state.op_ids[j]) == 0)
				break;
		}
		if (j == p->state.nops && now->op_types != NULL &&
		    strcmp(now->op_types[i], optype) == 0)
			newop = now->op_ids[i];
	}
	switch (p->kind) {
	case ACTION_SCALE:
		effect = x->new_asc_arn != NULL && now->asc_arn != NULL &&
		    strcmp(now->asc_arn, x->new_asc_arn) == 0;
		break;
	case ACTION_PAUSE:
		effect = strcmp(now->status, "PAUSED") == 0;
		break;
	case ACTION_RESUME:
		effect = strcmp(now->status, "RUNNING") == 0;
		break;
	case ACTION_ROLLBACK:
	case ACTION_PROMOTE:
		effect = p->retag == NULL && now->image != NULL &&
		    strcmp(now->image, p->target_image) == 0;
		break;
	}
	if (newop != NULL || effect) {
		if (newop != NULL)
			x->out->operation_id = xstrdup(newop);
		exec_finish(x, ACTION_APPLIED_AFTER_TIMEOUT, "%s did not answer "
		    "(%s), but the service shows the change was applied%s%s "
		    "(status %s); nothing was re-sent", op, m,
		    newop != NULL ? ": operation " : "",
		    newop != NULL ? newop : "", now->status);
	} else
		exec_finish(x, ACTION_NOT_APPLIED, "%s did not answer (%s) and "
		    "the service shows no change (status %s); nothing was "
		    "re-sent", op, m, now->status);
	free(m);
	return x->out->result;
}

static enum action_result
exec_failed(struct exec_ctx *x, const char *op, const char *optype,
    struct aws_error *err)
{
	char *m;

	if (is_transport(err) && optype != NULL)
		return exec_verify(x, op, optype, err);
	m = aws_error_format(err);
	exec_finish(x, ACTION_NOT_APPLIED, "%s failed: %s", op, m);
	free(m);
	return ACTION_NOT_APPLIED;
}

static cJSON *
exec_image_request(struct exec_ctx *x)
{
	cJSON *req = cJSON_CreateObject(), *src, *img;

	cJSON_AddStringToObject(req, "ServiceArn", x->p->service_arn);
	src = cJSON_Duplicate(x->fresh.source, 1);
	if (src == NULL)
		src = cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(src, "CodeRepository");
	img = cJSON_GetObjectItemCaseSensitive(src, "ImageRepository");
	if (img == NULL) {
		img = cJSON_AddObjectToObject(src, "ImageRepository");
		cJSON_AddStringToObject(img, "ImageRepositoryType", "ECR");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(img, "ImageIdentifier");
	cJSON_AddStringToObject(img, "ImageIdentifier", x->p->target_image);
	cJSON_AddItemToObject(req, "SourceConfiguration", src);
	return req;
}

static enum action_result
exec_take_op(struct exec_ctx *x, cJSON *resp, const char *op)
{
	const char *id = jstr(resp, "OperationId");

	if (id != NULL)
		x->out->operation_id = sdup(id);
	cJSON_Delete(resp);
	return exec_finish(x, ACTION_SUBMITTED, "%s accepted: %s %s in %s, "
	    "operation %s", op, action_kind_name(x->p->kind),
	    x->p->service_name, x->p->env, x->out->operation_id != NULL ?
	    x->out->operation_id : "(none)");
}

static enum action_result
exec_calls(struct exec_ctx *x)
{
	struct action_engine *e = x->e;
	struct action_plan *p = x->p;
	struct aws_error err = { 0 };
	enum action_result r;
	cJSON *req, *resp, *ids, *id;
	const cJSON *img;
	const char *op, *optype;
	char *m;

	switch (p->kind) {
	case ACTION_SCALE:
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "AutoScalingConfigurationName",
		    p->asc_name);
		cJSON_AddNumberToObject(req, "MinSize", p->min_size);
		cJSON_AddNumberToObject(req, "MaxSize", p->max_size);
		cJSON_AddNumberToObject(req, "MaxConcurrency",
		    p->max_concurrency);
		resp = engine_call(e, p->env_index, USE_WRITE, AWS_SVC_APPRUNNER,
		    "CreateAutoScalingConfiguration", req, &err, &x->ids);
		cJSON_Delete(req);
		if (resp == NULL) {
			m = aws_error_format(&err);
			aws_error_clear(&err);
			exec_finish(x, ACTION_NOT_APPLIED,
			    "CreateAutoScalingConfiguration failed: %s; "
			    "UpdateService was not sent, %s is unchanged", m,
			    p->service_name);
			free(m);
			return ACTION_NOT_APPLIED;
		}
		x->new_asc_arn = xstrdup(jstr(cJSON_GetObjectItemCaseSensitive(
		    resp, "AutoScalingConfiguration"),
		    "AutoScalingConfigurationArn"));
		cJSON_Delete(resp);
		if (x->new_asc_arn == NULL)
			return exec_finish(x, ACTION_NOT_APPLIED,
			    "CreateAutoScalingConfiguration answered without "
			    "an ARN; UpdateService was not sent");
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "ServiceArn", p->service_arn);
		cJSON_AddStringToObject(req, "AutoScalingConfigurationArn",
		    x->new_asc_arn);
		op = "UpdateService";
		optype = "UPDATE_SERVICE";
		break;
	case ACTION_PAUSE:
	case ACTION_RESUME:
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "ServiceArn", p->service_arn);
		op = p->kind == ACTION_PAUSE ? "PauseService" : "ResumeService";
		optype = p->kind == ACTION_PAUSE ? "PAUSE_SERVICE" :
		    "RESUME_SERVICE";
		break;
	case ACTION_ROLLBACK:
	case ACTION_PROMOTE:
		if (p->retag == NULL) {
			req = exec_image_request(x);
			op = "UpdateService";
			optype = "UPDATE_SERVICE";
			break;
		}
		/* Retag without pulling: BatchGetImage, then PutImage. */
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "repositoryName",
		    p->state.repo_name);
		ids = cJSON_AddArrayToObject(req, "imageIds");
		id = cJSON_CreateObject();
		cJSON_AddStringToObject(id, "imageDigest", p->target_digest);
		cJSON_AddItemToArray(ids, id);
		resp = engine_call(e, p->env_index, USE_READ, AWS_SVC_ECR,
		    "BatchGetImage", req, &err, &x->ids);
		cJSON_Delete(req);
		if (resp == NULL) {
			r = exec_failed(x, "BatchGetImage", NULL, &err);
			aws_error_clear(&err);
			return r;
		}
		img = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp,
		    "images"), 0);
		if (jstr(img, "imageManifest") == NULL) {
			cJSON_Delete(resp);
			return exec_finish(x, ACTION_NOT_APPLIED, "BatchGetImage "
			    "found no manifest for %s; nothing was changed",
			    p->target_digest);
		}
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "repositoryName",
		    p->state.repo_name);
		cJSON_AddStringToObject(req, "imageManifest",
		    jstr(img, "imageManifest"));
		if (jstr(img, "imageManifestMediaType") != NULL)
			cJSON_AddStringToObject(req, "imageManifestMediaType",
			    jstr(img, "imageManifestMediaType"));
		cJSON_AddStringToObject(req, "imageTag", p->retag);
		cJSON_AddStringToObject(req, "imageDigest", p->target_digest);
		cJSON_Delete(resp);
		resp = engine_call(e, p->env_index, USE_WRITE, AWS_SVC_ECR,
		    "PutImage", req, &err, &x->ids);
		cJSON_Delete(req);
		if (resp == NULL && (err.code == NULL ||
		    strcmp(err.code, "ImageAlreadyExistsException") != 0)) {
			m = aws_error_format(&err);
			aws_error_clear(&err);
			exec_finish(x, ACTION_NOT_APPLIED, "PutImage (tag %s) "
			    "failed: %s; StartDeployment was not sent, %s is "
			    "unchanged", p->retag, m, p->service_name);
			free(m);
			return ACTION_NOT_APPLIED;
		}
		cJSON_Delete(resp);
		aws_error_clear(&err);
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "ServiceArn", p->service_arn);
		op = "StartDeployment";
		optype = "START_DEPLOYMENT";
		break;
	default:
		return exec_finish(x, ACTION_REFUSED, "unknown action");
	}
	resp = engine_call(e, p->env_index, USE_WRITE, AWS_SVC_APPRUNNER, op, req,
	    &err, &x->ids);
	cJSON_Delete(req);
	if (resp == NULL) {
		r = exec_failed(x, op, optype, &err);
		aws_error_clear(&err);
		if (p->retag != NULL && r != ACTION_APPLIED_AFTER_TIMEOUT) {
			/* The tag already moved: say so, the next deploy uses it. */
			m = x->out->message;
			x->out->message = xasprintf("%s; note: tag %s already "
			    "points to %s (PutImage succeeded)", m, p->retag,
			    p->target_digest);
			free(m);
		}
		return r;
	}
	aws_error_clear(&err);
	return exec_take_op(x, resp, op);
}

enum action_result
action_execute(struct action_engine *e, struct action_plan *p,
    const char *confirmation, struct action_outcome *out)
{
	struct exec_ctx x = { 0 };
	const struct aws_service *s;
	char *cause = NULL, *diff;
	size_t i;
	int rc;

	memset(out, 0, sizeof *out);
	x.e = e;
	x.p = p;
	x.out = out;
	if (p->env_index < 0 || (size_t)p->env_index >= e->cf->nenvs ||
	    strcmp(e->cf->envs[p->env_index].name, p->env) != 0)
		return exec_finish(&x, ACTION_REFUSED, "refused: the plan's "
		    "environment %s is not in this config", p->env);
	/* The config says what needs the typed name, not the plan file. */
	if (engine_env_is_production(&e->cf->envs[p->env_index]) &&
	    (!p->production || p->confirm_word == NULL ||
	    strcmp(p->confirm_word, p->env) != 0)) {
		p->production = true;
		free(p->confirm_word);
		p->confirm_word = xstrdup(p->env);
	}
	if (engine_begin(e, p, &cause) != 0) {
		exec_finish(&x, ACTION_REFUSED, "refused: %s", cause);
		free(cause);
		return ACTION_REFUSED;
	}

	if (confirmation == NULL || strcmp(confirmation, p->confirm_word) != 0) {
		if (p->production)
			exec_finish(&x, ACTION_REFUSED, "refused: confirmation "
			    "does not match; %s is production: type its name "
			    "\"%s\" exactly", p->env, p->confirm_word);
		else
			exec_finish(&x, ACTION_REFUSED, "refused: confirmation "
			    "does not match; type \"%s\" to confirm",
			    p->confirm_word);
		goto done;
	}
	for (i = 0; i < p->ncalls; i++) {
		if (!engine_op_allowed(e, p->env_index, p->calls[i].svc,
		    p->calls[i].operation, &cause)) {
			exec_finish(&x, ACTION_REFUSED, "refused: %s", cause);
			free(cause);
			goto done;
		}
	}

	x.napi_calls = p->ncalls;
	x.api_calls = xcalloc(p->ncalls ? p->ncalls : 1, sizeof *x.api_calls);
	for (i = 0; i < p->ncalls; i++) {
		s = aws_service_get(p->calls[i].svc);
		x.api_calls[i] = xasprintf("%s %s %s", s->name,
		    p->calls[i].operation, p->calls[i].summary);
	}
	out->caller_arn = engine_caller_arn(e, p->env_index);

	/* No record, no action; and a plan's intent is written only once. */
	rc = exec_claim(&x, &cause);
	if (rc == 1) {
		exec_finish(&x, ACTION_REFUSED, "refused: plan %s was already "
		    "executed (see %s); preview again", p->id, e->audit_path);
		goto done;
	}
	if (rc != 0) {
		exec_finish(&x, ACTION_REFUSED, "refused: cannot write the "
		    "audit log (%s); nothing was sent", cause);
		free(cause);
		goto done;
	}

	if (state_read(e, p->env_index, p->service_name, p->service_arn,
	    p->state.repo_name, &x.fresh, &cause) != 0) {
		exec_finish(&x, ACTION_REFUSED, "refused: cannot read the state "
		    "again before the call (%s); nothing was sent", cause);
		free(cause);
		exec_audit(&x, "outcome", "refused", out->message, NULL);
		goto done;
	}
	/* A plan file's recorded state counts as the preview's. */
	diff = p->file_state_diff != NULL ? xstrdup(p->file_state_diff) :
	    state_diff(&p->state, &x.fresh);
	if (diff != NULL) {
		exec_finish(&x, ACTION_REFUSED, "state changed since preview: "
		    "%s; nothing was sent, preview again", diff);
		free(diff);
		exec_audit(&x, "outcome", "refused", out->message, NULL);
		goto done;
	}

	exec_calls(&x);
	exec_audit(&x, "outcome", action_result_name(out->result),
	    out->result == ACTION_SUBMITTED ? NULL : out->message, NULL);
done:
	if (x.ids.n > 0) {
		out->request_ids = x.ids.v;
		out->nrequest_ids = x.ids.n;
		x.ids.v = NULL;
		x.ids.n = 0;
	}
	engine_ids_free(&x.ids);
	for (i = 0; i < x.napi_calls; i++)
		free(x.api_calls[i]);
	free(x.api_calls);
	free(x.new_asc_arn);
	action_state_clear(&x.fresh);
	engine_end(e, p);
	return out->result;
}

/* ---- track ----------------------------------------------------------- */

static bool
terminal_status(const char *s)
{
	return strcmp(s, "SUCCEEDED") == 0 || strcmp(s, "FAILED") == 0 ||
	    strcmp(s, "ROLLBACK_SUCCEEDED") == 0 ||
	    strcmp(s, "ROLLBACK_FAILED") == 0;
}

static void
sleep_ms(long ms, const atomic_bool *cancel)
{
	struct timespec ts;
	long step;

	while (ms > 0 && (cancel == NULL || !atomic_load(cancel))) {
		step = ms > 100 ? 100 : ms;
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		ms -= step;
	}
}

char *
action_track(struct action_engine *e, const struct action_plan *p,
    const char *op_id, int64_t timeout_ms, action_progress_fn progress,
    void *arg, const atomic_bool *cancel, char **cause)
{
	struct aws_error err = { 0 };
	struct audit_record r = { 0 };
	int64_t start = mono_ms(), elapsed;
	const cJSON *it;
	char *status = NULL, *ignored = NULL;
	cJSON *req, *resp;
	int failures = 0;

	if (op_id == NULL) {
		*cause = xstrdup("no operation to follow");
		return NULL;
	}
	for (;;) {
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "ServiceArn", p->service_arn);
		cJSON_AddNumberToObject(req, "MaxResults", 20);
		resp = engine_call(e, p->env_index, USE_READ, AWS_SVC_APPRUNNER,
		    "ListOperations", req, &err, NULL);
		cJSON_Delete(req);
		elapsed = mono_ms() - start;
		if (resp == NULL) {
			/* A failed poll is not the end: the network may return. */
			if (progress != NULL)
				progress(arg, aws_error_short(&err), elapsed);
			if (++failures >= 30) {
				char *m = aws_error_format(&err);
				*cause = xasprintf("lost track of operation %s: "
				    "%s", op_id, m);
				free(m);
				aws_error_clear(&err);
				return NULL;
			}
			aws_error_clear(&err);
		} else {
			failures = 0;
			cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
			    resp, "OperationSummaryList")) {
				if (jstr(it, "Id") != NULL &&
				    strcmp(jstr(it, "Id"), op_id) == 0 &&
				    jstr(it, "Status") != NULL) {
					free(status);
					status = sdup(jstr(it, "Status"));
				}
			}
			cJSON_Delete(resp);
			if (progress != NULL)
				progress(arg, status != NULL ? status :
				    "not listed yet", elapsed);
			if (status != NULL && terminal_status(status))
				break;
		}
		if (cancel != NULL && atomic_load(cancel)) {
			free(status);
			*cause = xasprintf("stopped following operation %s",
			    op_id);
			return NULL;
		}
		if (timeout_ms > 0 && elapsed >= timeout_ms) {
			*cause = xasprintf("operation %s still %s after %lld s",
			    op_id, status != NULL ? status : "unlisted",
			    (long long)(elapsed / 1000));
			free(status);
			return NULL;
		}
		sleep_ms(e->opt.track_interval_ms, cancel);
	}

	r.plan_id = p->id;
	r.env = p->env;
	r.service = p->service_name;
	r.action = action_kind_name(p->kind);
	r.phase = "completed";
	r.before = p->before;
	r.after = p->after;
	r.operation_id = op_id;
	r.result = status;
	pthread_mutex_lock(&e->lock);
	r.caller_arn = e->envs[p->env_index].caller_arn;
	if (audit_append(e->audit_path, &r, &ignored) != 0)
		free(ignored);
	pthread_mutex_unlock(&e->lock);
	return status;
}

/* ---- history --------------------------------------------------------- */

void
action_history_clear(struct action_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	free(h->service_name);
	free(h->repo_name);
	images_free(h->images, h->nimages);
	for (i = 0; i < h->nruns; i++) {
		free(h->runs[i].env);
		free(h->runs[i].digest);
		free(h->runs[i].image);
		free(h->runs[i].status);
		free(h->runs[i].error);
	}
	free(h->runs);
	for (i = 0; i < h->nops; i++) {
		free(h->ops[i].id);
		free(h->ops[i].type);
		free(h->ops[i].status);
	}
	free(h->ops);
	memset(h, 0, sizeof *h);
}

int
action_history_get(struct action_engine *e, const char *envname,
    const char *service, struct action_history *h, char **cause)
{
	struct aws_error err = { 0 };
	struct action_state st;
	char *role = NULL, *name = NULL, *arn = NULL, *repo = NULL;
	const cJSON *it, *num;
	cJSON *req, *resp;
	size_t i;
	int env;

	memset(h, 0, sizeof *h);
	env = env_index(e->cf, envname);
	if (env < 0)
		return refuse(cause, "no environment %s in the config",
		    envname);
	if (state_resolve_service(e, env, service, &role, &name, &arn, &repo,
	    cause) != 0)
		return -1;
	if (state_read(e, env, name, arn, repo, &st, cause) != 0)
		goto fail;
	h->repo_name = xstrdup(st.repo_name);
	h->service_name = xstrdup(name);
	action_state_clear(&st);
	if (h->repo_name == NULL) {
		refuse(cause, "%s does not run an image from ECR", name);
		goto fail;
	}
	if (images_list(e, env, h->repo_name, &h->images, &h->nimages,
	    cause) != 0)
		goto fail;

	/* What every environment runs now. */
	for (i = 0; i < e->cf->nenvs; i++) {
		char *r2 = NULL, *n2 = NULL, *a2 = NULL, *rp2 = NULL, *c2 = NULL;
		struct action_env_run *run;

		h->runs = xreallocarray(h->runs, h->nruns + 1, sizeof *h->runs);
		run = &h->runs[h->nruns++];
		memset(run, 0, sizeof *run);
		run->env = xstrdup(e->cf->envs[i].name);
		if (state_resolve_service(e, (int)i, role, &r2, &n2, &a2, &rp2,
		    &c2) != 0 || state_read(e, (int)i, n2, a2, rp2, &st,
		    &c2) != 0) {
			run->error = c2;
		} else {
			run->digest = xstrdup(st.digest);
			run->image = xstrdup(st.image);
			run->status = xstrdup(st.status);
			action_state_clear(&st);
		}
		free(r2);
		free(n2);
		free(a2);
		free(rp2);
	}

	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "ServiceArn", arn);
	cJSON_AddNumberToObject(req, "MaxResults", 20);
	resp = engine_call(e, env, USE_READ, AWS_SVC_APPRUNNER, "ListOperations",
	    req, &err, NULL);
	cJSON_Delete(req);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(resp,
	    "OperationSummaryList")) {
		struct action_op *o;

		h->ops = xreallocarray(h->ops, h->nops + 1, sizeof *h->ops);
		o = &h->ops[h->nops++];
		memset(o, 0, sizeof *o);
		o->id = sdup(jstr(it, "Id") != NULL ? jstr(it, "Id") : "");
		o->type = sdup(jstr(it, "Type") != NULL ? jstr(it, "Type") :
		    "?");
		o->status = sdup(jstr(it, "Status") != NULL ?
		    jstr(it, "Status") : "?");
		num = cJSON_GetObjectItemCaseSensitive(it, "StartedAt");
		if (cJSON_IsNumber(num))
			o->started_at = (int64_t)num->valuedouble;
		num = cJSON_GetObjectItemCaseSensitive(it, "EndedAt");
		if (cJSON_IsNumber(num))
			o->ended_at = (int64_t)num->valuedouble;
	}
	cJSON_Delete(resp);
	aws_error_clear(&err);
	free(role);
	free(name);
	free(arn);
	free(repo);
	return 0;
fail:
	free(role);
	free(name);
	free(arn);
	free(repo);
	action_history_clear(h);
	return -1;
}
