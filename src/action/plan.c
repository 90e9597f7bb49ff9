/* Action plans: names, text for people, JSON for --preview-only files. */
#include "action/action.h"

#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "util/util.h"

static const char *const action_names[] = {
	[ACTION_SCALE] = "scale",
	[ACTION_PAUSE] = "pause",
	[ACTION_RESUME] = "resume",
	[ACTION_ROLLBACK] = "rollback",
	[ACTION_PROMOTE] = "promote",
};

const char *
action_kind_name(enum action_kind k)
{
	if ((size_t)k >= nitems(action_names))
		return "unknown";
	return action_names[k];
}

int
action_kind_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < nitems(action_names); i++) {
		if (strcmp(name, action_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *
action_result_name(enum action_result r)
{
	switch (r) {
	case ACTION_REFUSED:
		return "refused";
	case ACTION_SUBMITTED:
		return "submitted";
	case ACTION_APPLIED_AFTER_TIMEOUT:
		return "applied-after-timeout";
	case ACTION_NOT_APPLIED:
		return "not-applied";
	case ACTION_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

void
action_state_clear(struct action_state *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->arn);
	free(s->name);
	free(s->status);
	free(s->image);
	free(s->repo_uri);
	free(s->repo_name);
	free(s->tag);
	free(s->digest);
	free(s->asc_arn);
	free(s->asc_name);
	free(s->busy_op);
	for (i = 0; i < s->nops; i++) {
		free(s->op_ids[i]);
		if (s->op_types != NULL)
			free(s->op_types[i]);
	}
	free(s->op_ids);
	free(s->op_types);
	cJSON_Delete(s->source);
	memset(s, 0, sizeof *s);
}

void
action_plan_free(struct action_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->env);
	free(p->role);
	free(p->service_name);
	free(p->service_arn);
	free(p->before);
	free(p->after);
	for (i = 0; i < p->ncalls; i++) {
		free(p->calls[i].operation);
		free(p->calls[i].summary);
	}
	free(p->calls);
	for (i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	free(p->confirm_word);
	free(p->asc_name);
	free(p->target_digest);
	free(p->target_image);
	free(p->retag);
	free(p->from_env);
	free(p->file_state_diff);
	action_state_clear(&p->state);
	free(p);
}

void
action_outcome_clear(struct action_outcome *o)
{
	size_t i;

	if (o == NULL)
		return;
	free(o->operation_id);
	for (i = 0; i < o->nrequest_ids; i++)
		free(o->request_ids[i]);
	free(o->request_ids);
	free(o->caller_arn);
	free(o->message);
	memset(o, 0, sizeof *o);
}

char *
action_plan_describe(const struct action_plan *p)
{
	struct buf b = { 0 };
	const struct aws_service *s;
	size_t i;

	buf_printf(&b, "%s %s in %s%s\n", action_kind_name(p->kind),
	    p->service_name, p->env, p->production ? " (production)" : "");
	if (p->from_env != NULL)
		buf_printf(&b, "  from:    %s\n", p->from_env);
	buf_printf(&b, "  before:  %s\n", p->before);
	buf_printf(&b, "  after:   %s\n", p->after);
	buf_puts(&b, "  API calls:\n");
	for (i = 0; i < p->ncalls; i++) {
		s = aws_service_get(p->calls[i].svc);
		buf_printf(&b, "    %zu. %s %s %s\n", i + 1,
		    s != NULL ? s->name : "?", p->calls[i].operation,
		    p->calls[i].summary);
	}
	for (i = 0; i < p->nwarnings; i++)
		buf_printf(&b, "  WARNING: %s\n", p->warnings[i]);
	buf_printf(&b, "  confirm: type \"%s\"\n", p->confirm_word);
	return buf_steal(&b);
}

/* ---- JSON ----------------------------------------------------------- */

static void
put_str(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
}

static char *
get_str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static int
get_int(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valueint : 0;
}

char *
action_plan_to_json(const struct action_plan *p)
{
	cJSON *o = cJSON_CreateObject(), *st, *a, *c;
	char *text, *out;
	size_t i;

	cJSON_AddNumberToObject(o, "version", 1);
	put_str(o, "id", p->id);
	put_str(o, "kind", action_kind_name(p->kind));
	put_str(o, "env", p->env);
	cJSON_AddNumberToObject(o, "env_index", p->env_index);
	cJSON_AddBoolToObject(o, "production", p->production);
	put_str(o, "role", p->role);
	put_str(o, "service_name", p->service_name);
	put_str(o, "service_arn", p->service_arn);
	put_str(o, "before", p->before);
	put_str(o, "after", p->after);
	put_str(o, "confirm_word", p->confirm_word);
	cJSON_AddNumberToObject(o, "min_size", p->min_size);
	cJSON_AddNumberToObject(o, "max_size", p->max_size);
	cJSON_AddNumberToObject(o, "max_concurrency", p->max_concurrency);
	put_str(o, "asc_name", p->asc_name);
	put_str(o, "target_digest", p->target_digest);
	put_str(o, "target_image", p->target_image);
	put_str(o, "retag", p->retag);
	put_str(o, "from_env", p->from_env);
	a = cJSON_AddArrayToObject(o, "calls");
	for (i = 0; i < p->ncalls; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "service",
		    aws_service_get(p->calls[i].svc)->name);
		cJSON_AddStringToObject(c, "operation", p->calls[i].operation);
		cJSON_AddStringToObject(c, "summary", p->calls[i].summary);
		cJSON_AddItemToArray(a, c);
	}
	a = cJSON_AddArrayToObject(o, "warnings");
	for (i = 0; i < p->nwarnings; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->warnings[i]));

	st = cJSON_AddObjectToObject(o, "state");
	put_str(st, "arn", p->state.arn);
	put_str(st, "name", p->state.name);
	put_str(st, "status", p->state.status);
	put_str(st, "image", p->state.image);
	put_str(st, "repo_uri", p->state.repo_uri);
	put_str(st, "repo_name", p->state.repo_name);
	put_str(st, "tag", p->state.tag);
	put_str(st, "digest", p->state.digest);
	put_str(st, "asc_arn", p->state.asc_arn);
	put_str(st, "asc_name", p->state.asc_name);
	cJSON_AddNumberToObject(st, "asc_revision", p->state.asc_revision);
	cJSON_AddNumberToObject(st, "min_size", p->state.min_size);
	cJSON_AddNumberToObject(st, "max_size", p->state.max_size);
	cJSON_AddNumberToObject(st, "max_concurrency",
	    p->state.max_concurrency);
	put_str(st, "busy_op", p->state.busy_op);
	a = cJSON_AddArrayToObject(st, "op_ids");
	for (i = 0; i < p->state.nops; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(p->state.op_ids[i]));
	if (p->state.source != NULL)
		cJSON_AddItemToObject(st, "source",
		    cJSON_Duplicate(p->state.source, 1));

	text = cJSON_Print(o);
	cJSON_Delete(o);
	if (text == NULL)
		fatal("out of memory rendering a plan");
	out = xasprintf("%s\n", text);
	cJSON_free(text);
	return out;
}

struct action_plan *
action_plan_from_json(const char *text, char **cause)
{
	cJSON *o = cJSON_Parse(text);
	const cJSON *st, *a, *it, *src;
	struct action_plan *p;
	const struct aws_service *svc;
	char *kind, *id;
	int k;

	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		*cause = xstrdup("plan file is not a JSON object");
		return NULL;
	}
	if (get_int(o, "version") != 1) {
		cJSON_Delete(o);
		*cause = xstrdup("plan file has an unknown version");
		return NULL;
	}
	kind = get_str(o, "kind");
	k = action_kind_from_name(kind);
	free(kind);
	id = get_str(o, "id");
	if (k < 0 || id == NULL || strlen(id) != 32) {
		free(id);
		cJSON_Delete(o);
		*cause = xstrdup("plan file lacks a valid kind or id");
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	memcpy(p->id, id, 33);
	free(id);
	p->kind = (enum action_kind)k;
	p->env = get_str(o, "env");
	p->env_index = get_int(o, "env_index");
	p->production = cJSON_IsTrue(cJSON_GetObjectItem(o, "production"));
	p->role = get_str(o, "role");
	p->service_name = get_str(o, "service_name");
	p->service_arn = get_str(o, "service_arn");
	p->before = get_str(o, "before");
	p->after = get_str(o, "after");
	p->confirm_word = get_str(o, "confirm_word");
	p->min_size = get_int(o, "min_size");
	p->max_size = get_int(o, "max_size");
	p->max_concurrency = get_int(o, "max_concurrency");
	p->asc_name = get_str(o, "asc_name");
	p->target_digest = get_str(o, "target_digest");
	p->target_image = get_str(o, "target_image");
	p->retag = get_str(o, "retag");
	p->from_env = get_str(o, "from_env");
	a = cJSON_GetObjectItemCaseSensitive(o, "calls");
	cJSON_ArrayForEach(it, a) {
		char *sname = get_str(it, "service");
		svc = aws_service_find(sname != NULL ? sname : "");
		free(sname);
		if (svc == NULL)
			continue;
		p->calls = xreallocarray(p->calls, p->ncalls + 1,
		    sizeof *p->calls);
		p->calls[p->ncalls].svc = svc->id;
		p->calls[p->ncalls].operation = get_str(it, "operation");
		p->calls[p->ncalls].summary = get_str(it, "summary");
		if (p->calls[p->ncalls].operation == NULL)
			p->calls[p->ncalls].operation = xstrdup("");
		if (p->calls[p->ncalls].summary == NULL)
			p->calls[p->ncalls].summary = xstrdup("");
		p->ncalls++;
	}
	a = cJSON_GetObjectItemCaseSensitive(o, "warnings");
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it))
			continue;
		p->warnings = xreallocarray(p->warnings, p->nwarnings + 1,
		    sizeof *p->warnings);
		p->warnings[p->nwarnings++] = xstrdup(it->valuestring);
	}
	st = cJSON_GetObjectItemCaseSensitive(o, "state");
	p->state.arn = get_str(st, "arn");
	p->state.name = get_str(st, "name");
	p->state.status = get_str(st, "status");
	p->state.image = get_str(st, "image");
	p->state.repo_uri = get_str(st, "repo_uri");
	p->state.repo_name = get_str(st, "repo_name");
	p->state.tag = get_str(st, "tag");
	p->state.digest = get_str(st, "digest");
	p->state.asc_arn = get_str(st, "asc_arn");
	p->state.asc_name = get_str(st, "asc_name");
	p->state.asc_revision = get_int(st, "asc_revision");
	p->state.min_size = get_int(st, "min_size");
	p->state.max_size = get_int(st, "max_size");
	p->state.max_concurrency = get_int(st, "max_concurrency");
	p->state.busy_op = get_str(st, "busy_op");
	a = cJSON_GetObjectItemCaseSensitive(st, "op_ids");
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it))
			continue;
		p->state.op_ids = xreallocarray(p->state.op_ids,
		    p->state.nops + 1, sizeof *p->state.op_ids);
		p->state.op_types = xreallocarray(p->state.op_types,
		    p->state.nops + 1, sizeof *p->state.op_types);
		p->state.op_types[p->state.nops] = xstrdup("");
		p->state.op_ids[p->state.nops++] = xstrdup(it->valuestring);
	}
	src = cJSON_GetObjectItemCaseSensitive(st, "source");
	if (src != NULL)
		p->state.source = cJSON_Duplicate(src, 1);
	cJSON_Delete(o);
	if (p->env == NULL || p->service_name == NULL ||
	    p->service_arn == NULL || p->confirm_word == NULL ||
	    p->before == NULL || p->after == NULL || p->ncalls == 0) {
		action_plan_free(p);
		*cause = xstrdup("plan file is incomplete");
		return NULL;
	}
	return p;
}
