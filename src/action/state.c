/* Reading a service's state for actions, and telling two readings apart. */
#include "action/engine.h"

#include <stdlib.h>
#include <string.h>

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

static int
jint(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

static char *
call_cause(const char *what, struct aws_error *err)
{
	char *msg = aws_error_format(err), *out;

	out = xasprintf("%s: %s", what, msg);
	free(msg);
	aws_error_clear(err);
	return out;
}

/*
 * Find a service by config role or App Runner name.  Fills the role,
 * the service name, the ARN (ListServices when the config has none) and
 * the ECR repository from the config.  All outputs caller frees.
 */
int
state_resolve_service(struct action_engine *e, int env, const char *service,
    char **role, char **name, char **arn, char **ecr_repo, char **cause)
{
	const struct config_env *ce = &e->cf->envs[env];
	const struct config_service *cs = NULL;
	struct aws_error err = { 0 };
	const cJSON *it;
	char *token = NULL, *sname;
	cJSON *req, *resp;
	size_t i;
	int pages;

	*role = *name = *arn = *ecr_repo = NULL;
	for (i = 0; i < ce->nservices; i++) {
		if (strcmp(ce->services[i].role, service) == 0 ||
		    (ce->services[i].service_name != NULL &&
		    strcmp(ce->services[i].service_name, service) == 0)) {
			cs = &ce->services[i];
			break;
		}
	}
	if (cs != NULL) {
		*role = xstrdup(cs->role);
		*name = xstrdup(cs->service_name != NULL ? cs->service_name :
		    "");
		if (**name == '\0') {
			free(*name);
			*name = xasprintf("momentum-%s-%s", ce->name, cs->role);
		}
		*ecr_repo = xstrdup(cs->ecr_repo);
		if (cs->service_arn != NULL) {
			*arn = xstrdup(cs->service_arn);
			return 0;
		}
	} else {
		*role = xstrdup(service);
		*name = xstrdup(service);
	}

	for (pages = 0; pages < 50 && *arn == NULL; pages++) {
		req = cJSON_CreateObject();
		cJSON_AddNumberToObject(req, "MaxResults", 20);
		if (token != NULL)
			cJSON_AddStringToObject(req, "NextToken", token);
		resp = engine_call(e, env, USE_READ, AWS_SVC_APPRUNNER,
		    "ListServices", req, &err, NULL);
		cJSON_Delete(req);
		free(token);
		token = NULL;
		if (resp == NULL) {
			*cause = call_cause("ListServices", &err);
			goto fail;
		}
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(resp,
		    "ServiceSummaryList")) {
			sname = (char *)jstr(it, "ServiceName");
			if (sname != NULL && strcmp(sname, *name) == 0 &&
			    jstr(it, "ServiceArn") != NULL) {
				*arn = xstrdup(jstr(it, "ServiceArn"));
				break;
			}
		}
		token = xstrdup(jstr(resp, "NextToken"));
		cJSON_Delete(resp);
		if (token == NULL || *token == '\0')
			break;
	}
	free(token);
	aws_error_clear(&err);
	if (*arn == NULL) {
		*cause = xasprintf("no App Runner service %s in %s", *name,
		    ce->name);
		goto fail;
	}
	return 0;
fail:
	free(*role);
	free(*name);
	free(*ecr_repo);
	*role = *name = *ecr_repo = NULL;
	return -1;
}

/*
 * Split an ImageIdentifier "host/repo/name:tag" or "host/repo@sha256:..."
 * into the repository URI, the repository name, the tag and the digest.
 */
static void
state_split_image(struct action_state *st, const char *ecr_repo)
{
	const char *img = st->image, *at, *slash, *colon;

	if (img == NULL)
		return;
	at = strchr(img, '@');
	slash = strrchr(img, '/');
	if (at != NULL) {
		st->repo_uri = xstrndup(img, (size_t)(at - img));
		st->digest = xstrdup(at + 1);
	} else {
		colon = strrchr(img, ':');
		if (colon != NULL && (slash == NULL || colon > slash)) {
			st->repo_uri = xstrndup(img, (size_t)(colon - img));
			st->tag = xstrdup(colon + 1);
		} else {
			st->repo_uri = xstrdup(img);
			st->tag = xstrdup("latest");
		}
	}
	if (ecr_repo != NULL)
		st->repo_name = xstrdup(ecr_repo);
	else {
		slash = strchr(st->repo_uri, '/');
		st->repo_name = xstrdup(slash != NULL ? slash + 1 :
		    st->repo_uri);
	}
}

/* The digest a tag points to now, or NULL. */
static char *
state_tag_digest(struct action_engine *e, int env, const char *repo,
    const char *tag)
{
	struct aws_error err = { 0 };
	cJSON *req, *resp, *ids, *id;
	const cJSON *d;
	char *out = NULL;

	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "repositoryName", repo);
	ids = cJSON_AddArrayToObject(req, "imageIds");
	id = cJSON_CreateObject();
	cJSON_AddStringToObject(id, "imageTag", tag);
	cJSON_AddItemToArray(ids, id);
	resp = engine_call(e, env, USE_READ, AWS_SVC_ECR, "DescribeImages", req,
	    &err, NULL);
	cJSON_Delete(req);
	d = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp,
	    "imageDetails"), 0);
	if (jstr(d, "imageDigest") != NULL)
		out = sdup(jstr(d, "imageDigest"));
	cJSON_Delete(resp);
	aws_error_clear(&err);
	return out;
}

int
state_read(struct action_engine *e, int env, const char *service_name,
    const char *service_arn, const char *ecr_repo, struct action_state *st,
    char **cause)
{
	struct aws_error err = { 0 };
	const cJSON *svc, *img, *asc, *it;
	cJSON *req, *resp;
	const char *s;

	memset(st, 0, sizeof *st);
	req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "ServiceArn", service_arn);
	resp = engine_call(e, env, USE_READ, AWS_SVC_APPRUNNER, "DescribeService",
	    req, &err, NULL);
	if (resp == NULL) {
		cJSON_Delete(req);
		*cause = call_cause("DescribeService", &err);
		return -1;
	}
	svc = cJSON_GetObjectItemCaseSensitive(resp, "Service");
	st->arn = xstrdup(service_arn);
	st->name = sdup(jstr(svc, "ServiceName") != NULL ?
	    jstr(svc, "ServiceName") : service_name);
	st->status = sdup(jstr(svc, "Status"));
	st->source = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(svc,
	    "SourceConfiguration"), 1);
	img = cJSON_GetObjectItemCaseSensitive(st->source, "ImageRepository");
	st->image = sdup(jstr(img, "ImageIdentifier"));
	asc = cJSON_GetObjectItemCaseSensitive(svc,
	    "AutoScalingConfigurationSummary");
	st->asc_arn = xstrdup(jstr(asc, "AutoScalingConfigurationArn"));
	st->asc_name = sdup(jstr(asc, "AutoScalingConfigurationName"));
	st->asc_revision = jint(asc, "AutoScalingConfigurationRevision");
	cJSON_Delete(resp);
	if (st->status == NULL) {
		cJSON_Delete(req);
		action_state_clear(st);
		*cause = xstrdup("DescribeService: answer has no Service.Status");
		return -1;
	}
	state_split_image(st, ecr_repo);

	/* Operations, newest first; any PENDING or IN_PROGRESS makes it busy. */
	cJSON_AddNumberToObject(req, "MaxResults", 20);
	resp = engine_call(e, env, USE_READ, AWS_SVC_APPRUNNER, "ListOperations",
	    req, &err, NULL);
	cJSON_Delete(req);
	if (resp == NULL) {
		action_state_clear(st);
		*cause = call_cause("ListOperations", &err);
		return -1;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(resp,
	    "OperationSummaryList")) {
		if ((s = jstr(it, "Id")) == NULL)
			continue;
		st->op_ids = xreallocarray(st->op_ids, st->nops + 1,
		    sizeof *st->op_ids);
		st->op_types = xreallocarray(st->op_types, st->nops + 1,
		    sizeof *st->op_types);
		st->op_types[st->nops] = sdup(jstr(it, "Type") != NULL ?
		    jstr(it, "Type") : "");
		st->op_ids[st->nops] = sdup(s);
		s = jstr(it, "Status");
		if (st->busy_op == NULL && s != NULL &&
		    (strcmp(s, "PENDING") == 0 ||
		    strcmp(s, "IN_PROGRESS") == 0 ||
		    strcmp(s, "ROLLBACK_IN_PROGRESS") == 0))
			st->busy_op = xasprintf("%s %s %s",
			    *st->op_types[st->nops] != '\0' ?
			    st->op_types[st->nops] : "?", st->op_ids[st->nops],
			    s);
		st->nops++;
	}
	cJSON_Delete(resp);

	if (st->asc_arn != NULL) {
		req = cJSON_CreateObject();
		cJSON_AddStringToObject(req, "AutoScalingConfigurationArn",
		    st->asc_arn);
		resp = engine_call(e, env, USE_READ, AWS_SVC_APPRUNNER,
		    "DescribeAutoScalingConfiguration", req, &err, NULL);
		cJSON_Delete(req);
		if (resp == NULL) {
			action_state_clear(st);
			*cause = call_cause("DescribeAutoScalingConfiguration",
			    &err);
			return -1;
		}
		asc = cJSON_GetObjectItemCaseSensitive(resp,
		    "AutoScalingConfiguration");
		st->min_size = jint(asc, "MinSize");
		st->max_size = jint(asc, "MaxSize");
		st->max_concurrency = jint(asc, "MaxConcurrency");
		cJSON_Delete(resp);
	}

	if (st->digest == NULL && st->tag != NULL && st->repo_name != NULL)
		st->digest = state_tag_digest(e, env, st->repo_name, st->tag);
	aws_error_clear(&err);
	return 0;
}

bool
engine_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static const char *
orna(const char *s)
{
	return s != NULL ? s : "(none)";
}

/*
 * What differs between the preview's reading and now, as one line, or
 * NULL when nothing that matters changed.  Caller frees.
 */
char *
state_diff(const struct action_state *a, const struct action_state *b)
{
	struct buf out = { 0 };
	const char *sep = "";

	if (!engine_same_str(a->status, b->status)) {
		buf_printf(&out, "%sstatus %s -> %s", sep, orna(a->status),
		    orna(b->status));
		sep = "; ";
	}
	if (!engine_same_str(a->image, b->image)) {
		buf_printf(&out, "%simage %s -> %s", sep, orna(a->image),
		    orna(b->image));
		sep = "; ";
	} else if (!engine_same_str(a->digest, b->digest)) {
		buf_printf(&out, "%srunning digest %s -> %s", sep,
		    orna(a->digest), orna(b->digest));
		sep = "; ";
	}
	if (!engine_same_str(a->asc_arn, b->asc_arn) || a->min_size != b->min_size ||
	    a->max_size != b->max_size ||
	    a->max_concurrency != b->max_concurrency) {
		buf_printf(&out, "%sautoscaling min %d max %d concurrency %d "
		    "-> min %d max %d concurrency %d", sep, a->min_size,
		    a->max_size, a->max_concurrency, b->min_size, b->max_size,
		    b->max_concurrency);
		sep = "; ";
	}
	if (b->busy_op != NULL && !engine_same_str(a->busy_op, b->busy_op)) {
		buf_printf(&out, "%soperation in progress: %s", sep,
		    b->busy_op);
		sep = "; ";
	} else if (b->nops > 0 && (a->nops == 0 ||
	    strcmp(a->op_ids[0], b->op_ids[0]) != 0)) {
		buf_printf(&out, "%sa new operation %s ran", sep,
		    b->op_ids[0]);
		sep = "; ";
	}
	if (out.len == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}
