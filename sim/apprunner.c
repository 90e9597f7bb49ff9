/* App Runner operations over the simulated world (AWS JSON 1.0). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/api.h"
#include "util/util.h"

#define BADREQ "InvalidRequestException"

static const char *
op_type_name(enum sim_op_type t)
{
	switch (t) {
	case SIM_OP_START_DEPLOYMENT:
		return "START_DEPLOYMENT";
	case SIM_OP_UPDATE_SERVICE:
		return "UPDATE_SERVICE";
	case SIM_OP_PAUSE_SERVICE:
		return "PAUSE_SERVICE";
	case SIM_OP_RESUME_SERVICE:
		return "RESUME_SERVICE";
	case SIM_OP_CREATE_SERVICE:
		return "CREATE_SERVICE";
	}
	return "UPDATE_SERVICE";
}

static const char *
op_status_name(enum sim_op_status s)
{
	switch (s) {
	case SIM_OP_PENDING:
		return "PENDING";
	case SIM_OP_IN_PROGRESS:
		return "IN_PROGRESS";
	case SIM_OP_SUCCEEDED:
		return "SUCCEEDED";
	case SIM_OP_FAILED:
		return "FAILED";
	case SIM_OP_ROLLBACK_SUCCEEDED:
		return "ROLLBACK_SUCCEEDED";
	}
	return "FAILED";
}

/* The AutoScalingConfiguration the service has or is moving to. */
static const char *
service_asc_arn(const struct sim_service *s)
{
	size_t i;

	for (i = s->nops; i-- > 0;)
		if ((s->ops[i].status == SIM_OP_PENDING ||
		    s->ops[i].status == SIM_OP_IN_PROGRESS) &&
		    s->ops[i].asc_arn[0] != '\0')
			return s->ops[i].asc_arn;
	return s->asc_arn;
}

static bool
asc_in_use(struct sim_world *w, const struct sim_asc *a)
{
	int e, i;

	for (e = 0; e < SIM_NENV; e++)
		for (i = 0; i < SIM_NSVC; i++)
			if (strcmp(service_asc_arn(&w->envs[e].svcs[i]),
			    a->arn) == 0)
				return true;
	return false;
}

static void
asc_summary(struct sim_world *w, cJSON *o, const struct sim_asc *a)
{
	cJSON_AddStringToObject(o, "AutoScalingConfigurationArn", a->arn);
	cJSON_AddStringToObject(o, "AutoScalingConfigurationName", a->name);
	cJSON_AddNumberToObject(o, "AutoScalingConfigurationRevision",
	    a->revision);
	cJSON_AddStringToObject(o, "Status", a->active ? "ACTIVE" : "INACTIVE");
	sim_json_add_time(o, "CreatedAt", a->created_at);
	cJSON_AddBoolToObject(o, "HasAssociatedService", asc_in_use(w, a));
	cJSON_AddBoolToObject(o, "IsDefault",
	    strcmp(a->name, "DefaultConfiguration") == 0);
}

static cJSON *
asc_full(struct sim_world *w, const struct sim_asc *a)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "AutoScalingConfigurationArn", a->arn);
	cJSON_AddStringToObject(o, "AutoScalingConfigurationName", a->name);
	cJSON_AddNumberToObject(o, "AutoScalingConfigurationRevision",
	    a->revision);
	cJSON_AddBoolToObject(o, "Latest", a->latest);
	cJSON_AddStringToObject(o, "Status", a->active ? "ACTIVE" : "INACTIVE");
	cJSON_AddNumberToObject(o, "MaxConcurrency", a->max_concurrency);
	cJSON_AddNumberToObject(o, "MinSize", a->min_size);
	cJSON_AddNumberToObject(o, "MaxSize", a->max_size);
	sim_json_add_time(o, "CreatedAt", a->created_at);
	cJSON_AddBoolToObject(o, "HasAssociatedService", asc_in_use(w, a));
	cJSON_AddBoolToObject(o, "IsDefault",
	    strcmp(a->name, "DefaultConfiguration") == 0);
	return o;
}

static void
service_summary(cJSON *o, const struct sim_service *s)
{
	cJSON_AddStringToObject(o, "ServiceName", s->name);
	cJSON_AddStringToObject(o, "ServiceId", s->id);
	cJSON_AddStringToObject(o, "ServiceArn", s->arn);
	cJSON_AddStringToObject(o, "ServiceUrl", s->url);
	sim_json_add_time(o, "CreatedAt", s->created_at);
	sim_json_add_time(o, "UpdatedAt", s->updated_at);
	cJSON_AddStringToObject(o, "Status", sim_service_status(s));
}

/* A full Service structure as DescribeService and the mutations return it. */
static cJSON *
service_json(struct sim_world *w, const struct sim_service *s)
{
	cJSON *o = cJSON_CreateObject(), *src, *img, *cfg, *ic, *hc, *asc;
	cJSON *net, *eg, *ing, *obs;
	struct sim_repo *r = sim_find_repo(w, s->repo);
	struct sim_asc *a;
	char *ident, num[32];

	service_summary(o, s);
	src = cJSON_AddObjectToObject(o, "SourceConfiguration");
	img = cJSON_AddObjectToObject(src, "ImageRepository");
	/* Report the digest, so clients always know what runs (or will). */
	ident = xasprintf("%s@%s", r != NULL ? r->uri : s->repo,
	    sim_service_pending_digest(s));
	cJSON_AddStringToObject(img, "ImageIdentifier", ident);
	free(ident);
	cfg = cJSON_AddObjectToObject(img, "ImageConfiguration");
	snprintf(num, sizeof num, "%d", s->port);
	cJSON_AddStringToObject(cfg, "Port", num);
	cJSON_AddStringToObject(img, "ImageRepositoryType", "ECR");
	cJSON_AddBoolToObject(src, "AutoDeploymentsEnabled", false);
	cfg = cJSON_AddObjectToObject(src, "AuthenticationConfiguration");
	ident = xasprintf("arn:aws:iam::%s:role/service-role/"
	    "AppRunnerECRAccessRole", w->account);
	cJSON_AddStringToObject(cfg, "AccessRoleArn", ident);
	free(ident);

	ic = cJSON_AddObjectToObject(o, "InstanceConfiguration");
	snprintf(num, sizeof num, "%d", s->cpu_units);
	cJSON_AddStringToObject(ic, "Cpu", num);
	snprintf(num, sizeof num, "%d", s->memory_mb);
	cJSON_AddStringToObject(ic, "Memory", num);

	hc = cJSON_AddObjectToObject(o, "HealthCheckConfiguration");
	cJSON_AddStringToObject(hc, "Protocol",
	    strcmp(s->role, "worker") == 0 ? "TCP" : "HTTP");
	cJSON_AddStringToObject(hc, "Path", "/healthz");
	cJSON_AddNumberToObject(hc, "Interval", 10);
	cJSON_AddNumberToObject(hc, "Timeout", 5);
	cJSON_AddNumberToObject(hc, "HealthyThreshold", 1);
	cJSON_AddNumberToObject(hc, "UnhealthyThreshold", 5);

	asc = cJSON_AddObjectToObject(o, "AutoScalingConfigurationSummary");
	if ((a = sim_find_asc(w, service_asc_arn(s))) != NULL)
		asc_summary(w, asc, a);

	net = cJSON_AddObjectToObject(o, "NetworkConfiguration");
	eg = cJSON_AddObjectToObject(net, "EgressConfiguration");
	cJSON_AddStringToObject(eg, "EgressType", "DEFAULT");
	ing = cJSON_AddObjectToObject(net, "IngressConfiguration");
	cJSON_AddBoolToObject(ing, "IsPubliclyAccessible", true);
	cJSON_AddStringToObject(net, "IpAddressType", "IPV4");
	obs = cJSON_AddObjectToObject(o, "ObservabilityConfiguration");
	cJSON_AddBoolToObject(obs, "ObservabilityEnabled", false);
	return o;
}

static int
find_service(struct sim_call *c, const cJSON *in, struct sim_reply *out,
    struct sim_service **sp)
{
	const char *arn;

	if (sim_json_req_str(out, in, "ServiceArn", BADREQ, &arn) != 0)
		return -1;
	if (strncmp(arn, "arn:aws:apprunner:", 18) != 0)
		return sim_error(out, 400, BADREQ,
		    "Invalid ARN provided: %.200s", arn);
	if ((*sp = sim_find_service_by_arn(c->w, arn)) == NULL)
		return sim_error(out, 400, "ResourceNotFoundException",
		    "Resource not found: %.200s", arn);
	return 0;
}

static int
page_args(struct sim_reply *out, const cJSON *in, long long max,
    size_t n, size_t *off, long long *limit)
{
	const char *tok;

	if (sim_json_int(out, in, "MaxResults", 1, max, max, BADREQ,
	    limit) != 0)
		return -1;
	if (sim_json_opt_str(out, in, "NextToken", &tok) != 0)
		return -1;
	return sim_page_start(out, tok, n, BADREQ, off);
}

static void
add_next_token(cJSON *o, size_t next, size_t n)
{
	char *tok;

	if (next >= n)
		return;
	tok = sim_page_token(next);
	cJSON_AddStringToObject(o, "NextToken", tok);
	free(tok);
}

static int
ar_list_services(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	size_t n = SIM_NENV * SIM_NSVC, off, i;
	long long limit;
	cJSON *list;

	if (page_args(out, in, 20, n, &off, &limit) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->json, "ServiceSummaryList");
	for (i = off; i < n && i < off + (size_t)limit; i++) {
		cJSON *o = cJSON_CreateObject();

		service_summary(o, &c->w->envs[i / SIM_NSVC].svcs[i % SIM_NSVC]);
		cJSON_AddItemToArray(list, o);
	}
	add_next_token(out->json, i, n);
	return 0;
}

static int
ar_describe_service(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_service *s;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	cJSON_AddItemToObject(out->json, "Service", service_json(c->w, s));
	return 0;
}

static int
ar_list_operations(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_service *s;
	size_t off, i, k;
	long long limit;
	cJSON *list;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	if (page_args(out, in, 20, s->nops, &off, &limit) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->json, "OperationSummaryList");
	/* Newest first. */
	for (i = off; i < s->nops && i < off + (size_t)limit; i++) {
		const struct sim_operation *op = &s->ops[s->nops - 1 - i];
		cJSON *o = cJSON_CreateObject();
		bool done = op->status != SIM_OP_PENDING &&
		    op->status != SIM_OP_IN_PROGRESS;

		cJSON_AddStringToObject(o, "Id", op->id);
		cJSON_AddStringToObject(o, "Type", op_type_name(op->type));
		cJSON_AddStringToObject(o, "Status", op_status_name(op->status));
		cJSON_AddStringToObject(o, "TargetArn", s->arn);
		sim_json_add_time(o, "StartedAt", op->started_at);
		if (done)
			sim_json_add_time(o, "EndedAt", op->ended_at);
		sim_json_add_time(o, "UpdatedAt", op->updated_at);
		cJSON_AddItemToArray(list, o);
	}
	k = i;
	add_next_token(out->json, k, s->nops);
	return 0;
}

static int
require_state(struct sim_reply *out, const struct sim_service *s,
    const char *want)
{
	const char *st = sim_service_status(s);

	if (strcmp(st, want) != 0)
		return sim_error(out, 400, "InvalidStateException",
		    "You can't change the configuration of service %s while "
		    "it's in %s status.", s->name, st);
	return 0;
}

/*
 * Resolve an ImageIdentifier ("<registry>/<repo>:<tag>" or
 * "<registry>/<repo>@sha256:<hex>") against the service's repository.
 */
static int
resolve_image(struct sim_call *c, struct sim_service *s, const char *ident,
    struct sim_reply *out, struct sim_image **imgp, const char **tagp)
{
	struct sim_repo *r = sim_find_repo(c->w, s->repo);
	size_t ulen;
	const char *ref;

	if (r == NULL)
		return sim_error(out, 500, "InternalServiceErrorException",
		    "no repository for %s", s->name);
	ulen = strlen(r->uri);
	if (strncmp(ident, r->uri, ulen) != 0 ||
	    (ident[ulen] != ':' && ident[ulen] != '@'))
		return sim_error(out, 400, BADREQ,
		    "ImageIdentifier %.300s is not an image of %s", ident,
		    r->uri);
	ref = ident + ulen + 1;
	*tagp = ident[ulen] == ':' ? ref : NULL;
	if (ident[ulen] == '@' && (!str_starts_with(ref, "sha256:") ||
	    strlen(ref) != 71))
		return sim_error(out, 400, BADREQ,
		    "Invalid image digest in %.300s", ident);
	if ((*imgp = sim_repo_find_image(r, ref)) == NULL)
		return sim_error(out, 400, BADREQ,
		    "Image %.300s does not exist in ECR repository %s", ref,
		    r->name);
	return 0;
}

static int
parse_cpu(const char *v)
{
	static const struct { const char *s; int units; } t[] = {
		{ "256", 256 }, { "0.25 vCPU", 256 }, { "512", 512 },
		{ "0.5 vCPU", 512 }, { "1024", 1024 }, { "1 vCPU", 1024 },
		{ "2048", 2048 }, { "2 vCPU", 2048 }, { "4096", 4096 },
		{ "4 vCPU", 4096 },
	};
	size_t i;

	for (i = 0; i < nitems(t); i++)
		if (strcmp(v, t[i].s) == 0)
			return t[i].units;
	return -1;
}

static int
parse_memory(const char *v)
{
	static const int mb[] = { 512, 1024, 2048, 3072, 4096, 6144, 8192,
	    10240, 12288 };
	char buf[16];
	size_t i;

	for (i = 0; i < nitems(mb); i++) {
		snprintf(buf, sizeof buf, "%d", mb[i]);
		if (strcmp(v, buf) == 0)
			return mb[i];
		if (mb[i] == 512)
			snprintf(buf, sizeof buf, "0.5 GB");
		else
			snprintf(buf, sizeof buf, "%d GB", mb[i] / 1024);
		if (strcmp(v, buf) == 0)
			return mb[i];
	}
	return -1;
}

static void
reply_service_op(struct sim_call *c, struct sim_reply *out,
    const struct sim_service *s, const struct sim_operation *op)
{
	out->json = cJSON_CreateObject();
	cJSON_AddItemToObject(out->json, "Service", service_json(c->w, s));
	cJSON_AddStringToObject(out->json, "OperationId", op->id);
}

static int
ar_update_service(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const cJSON *src, *img, *inst;
	const char *ident = NULL, *asc_arn = NULL, *tag = NULL, *cpu = NULL;
	const char *mem = NULL;
	struct sim_image *image = NULL;
	struct sim_service *s;
	struct sim_operation *op;
	struct sim_asc *a = NULL;
	int cpu_units = -1, memory_mb = -1;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	src = cJSON_GetObjectItemCaseSensitive(in, "SourceConfiguration");
	if (src != NULL && !cJSON_IsObject(src))
		return sim_error(out, 400, "SerializationException",
		    "SourceConfiguration must be an object");
	img = src != NULL ?
	    cJSON_GetObjectItemCaseSensitive(src, "ImageRepository") : NULL;
	if (img != NULL && !cJSON_IsObject(img))
		return sim_error(out, 400, "SerializationException",
		    "ImageRepository must be an object");
	if (img != NULL) {
		const char *type;

		if (sim_json_req_str(out, img, "ImageIdentifier", BADREQ,
		    &ident) != 0 ||
		    sim_json_req_str(out, img, "ImageRepositoryType", BADREQ,
		    &type) != 0)
			return -1;
		if (strcmp(type, "ECR") != 0)
			return sim_error(out, 400, BADREQ,
			    "ImageRepositoryType %.40s is not supported for "
			    "this service", type);
		if (resolve_image(c, s, ident, out, &image, &tag) != 0)
			return -1;
	}
	if (src != NULL && cJSON_GetObjectItemCaseSensitive(src,
	    "CodeRepository") != NULL)
		return sim_error(out, 400, BADREQ,
		    "Service %s is an image-based service", s->name);
	inst = cJSON_GetObjectItemCaseSensitive(in, "InstanceConfiguration");
	if (inst != NULL) {
		if (!cJSON_IsObject(inst))
			return sim_error(out, 400, "SerializationException",
			    "InstanceConfiguration must be an object");
		if (sim_json_opt_str(out, inst, "Cpu", &cpu) != 0 ||
		    sim_json_opt_str(out, inst, "Memory", &mem) != 0)
			return -1;
		if (cpu != NULL && (cpu_units = parse_cpu(cpu)) < 0)
			return sim_error(out, 400, BADREQ,
			    "Invalid Cpu value: %.40s", cpu);
		if (mem != NULL && (memory_mb = parse_memory(mem)) < 0)
			return sim_error(out, 400, BADREQ,
			    "Invalid Memory value: %.40s", mem);
	}
	if (sim_json_opt_str(out, in, "AutoScalingConfigurationArn",
	    &asc_arn) != 0)
		return -1;
	if (asc_arn != NULL && (a = sim_find_asc(c->w, asc_arn)) == NULL)
		return sim_error(out, 400, BADREQ,
		    "AutoScalingConfiguration %.300s does not exist", asc_arn);
	if (require_state(out, s, "RUNNING") != 0)
		return -1;

	if (cpu_units > 0)
		s->cpu_units = cpu_units;
	if (memory_mb > 0)
		s->memory_mb = memory_mb;
	if (image != NULL)
		snprintf(s->image_tag, sizeof s->image_tag, "%s",
		    tag != NULL ? tag : "");
	op = sim_service_start_op(c->w, s, SIM_OP_UPDATE_SERVICE, c->now,
	    image != NULL ? image->digest : NULL, a != NULL ? a->arn : NULL);
	reply_service_op(c, out, s, op);
	return 0;
}

static int
ar_start_deployment(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_service *s;
	struct sim_operation *op;
	struct sim_image *img = NULL;
	struct sim_repo *r;
	const char *digest;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	if (require_state(out, s, "RUNNING") != 0)
		return -1;
	/* A service configured by tag picks up whatever the tag names now. */
	digest = s->cur.digest;
	r = sim_find_repo(c->w, s->repo);
	if (s->image_tag[0] != '\0' && r != NULL &&
	    (img = sim_repo_find_image(r, s->image_tag)) != NULL)
		digest = img->digest;
	op = sim_service_start_op(c->w, s, SIM_OP_START_DEPLOYMENT, c->now,
	    digest, NULL);
	out->json = cJSON_CreateObject();
	cJSON_AddStringToObject(out->json, "OperationId", op->id);
	return 0;
}

static int
ar_pause_service(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_service *s;
	struct sim_operation *op;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	if (require_state(out, s, "RUNNING") != 0)
		return -1;
	op = sim_service_start_op(c->w, s, SIM_OP_PAUSE_SERVICE, c->now, NULL,
	    NULL);
	reply_service_op(c, out, s, op);
	return 0;
}

static int
ar_resume_service(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_service *s;
	struct sim_operation *op;

	if (find_service(c, in, out, &s) != 0)
		return -1;
	if (require_state(out, s, "PAUSED") != 0)
		return -1;
	op = sim_service_start_op(c->w, s, SIM_OP_RESUME_SERVICE, c->now,
	    NULL, NULL);
	reply_service_op(c, out, s, op);
	return 0;
}

static bool
valid_asc_name(const char *n)
{
	size_t len = strlen(n), i;

	if (len < 4 || len > 32 || !isalnum((unsigned char)n[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '-' && n[i] != '_')
			return false;
	return true;
}

static int
ar_create_asc(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const char *name;
	long long min, max, conc;
	struct sim_asc *a;

	if (sim_json_req_str(out, in, "AutoScalingConfigurationName", BADREQ,
	    &name) != 0)
		return -1;
	if (!valid_asc_name(name))
		return sim_error(out, 400, BADREQ,
		    "AutoScalingConfigurationName must be 4-32 characters: "
		    "letters, digits, '-' and '_', starting with a letter or "
		    "digit");
	if (strcmp(name, "DefaultConfiguration") == 0)
		return sim_error(out, 400, BADREQ,
		    "DefaultConfiguration is reserved");
	if (sim_json_int(out, in, "MinSize", 1, 25, 1, BADREQ, &min) != 0 ||
	    sim_json_int(out, in, "MaxSize", 1, 25, 25, BADREQ, &max) != 0 ||
	    sim_json_int(out, in, "MaxConcurrency", 1, 200, 100, BADREQ,
	    &conc) != 0)
		return -1;
	if (max < min)
		return sim_error(out, 400, BADREQ,
		    "MaxSize (%lld) must be greater than or equal to MinSize "
		    "(%lld)", max, min);
	if ((a = sim_asc_create(c->w, name, (int)min, (int)max, (int)conc,
	    c->now)) == NULL)
		return sim_error(out, 402, "ServiceQuotaExceededException",
		    "You have reached the maximum number of auto scaling "
		    "configurations");
	out->json = cJSON_CreateObject();
	cJSON_AddItemToObject(out->json, "AutoScalingConfiguration",
	    asc_full(c->w, a));
	return 0;
}

/* Exact ARN, or a partial one naming name (latest) or name/revision. */
static struct sim_asc *
find_asc_partial(struct sim_world *w, const char *arn)
{
	struct sim_asc *a, *best = NULL;
	size_t i, len = strlen(arn);

	if ((a = sim_find_asc(w, arn)) != NULL)
		return a;
	for (i = 0; i < w->nascs; i++) {
		a = &w->ascs[i];
		if (strncmp(a->arn, arn, len) != 0 || a->arn[len] != '/')
			continue;
		if (best == NULL || a->revision > best->revision)
			best = a;
	}
	return best;
}

static int
ar_describe_asc(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	const char *arn;
	struct sim_asc *a;

	if (sim_json_req_str(out, in, "AutoScalingConfigurationArn", BADREQ,
	    &arn) != 0)
		return -1;
	if ((a = find_asc_partial(c->w, arn)) == NULL)
		return sim_error(out, 400, "ResourceNotFoundException",
		    "Resource not found: %.300s", arn);
	out->json = cJSON_CreateObject();
	cJSON_AddItemToObject(out->json, "AutoScalingConfiguration",
	    asc_full(c->w, a));
	return 0;
}

static int
ar_list_ascs(struct sim_call *c, const cJSON *in, struct sim_reply *out)
{
	struct sim_asc *match[SIM_MAX_ASCS];
	const char *name, *tok;
	bool latest;
	long long limit;
	size_t n = 0, off, i;
	cJSON *list;

	if (sim_json_opt_str(out, in, "AutoScalingConfigurationName",
	    &name) != 0 ||
	    sim_json_opt_bool(out, in, "LatestOnly", false, &latest) != 0 ||
	    sim_json_int(out, in, "MaxResults", 1, 100, 100, BADREQ,
	    &limit) != 0 ||
	    sim_json_opt_str(out, in, "NextToken", &tok) != 0)
		return -1;
	for (i = 0; i < c->w->nascs; i++) {
		struct sim_asc *a = &c->w->ascs[i];

		if (name != NULL && strcmp(a->name, name) != 0)
			continue;
		if (latest && !a->latest)
			continue;
		match[n++] = a;
	}
	if (sim_page_start(out, tok, n, BADREQ, &off) != 0)
		return -1;
	out->json = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(out->json,
	    "AutoScalingConfigurationSummaryList");
	for (i = off; i < n && i < off + (size_t)limit; i++) {
		cJSON *o = cJSON_CreateObject();

		asc_summary(c->w, o, match[i]);
		cJSON_AddItemToArray(list, o);
	}
	add_next_token(out->json, i, n);
	return 0;
}

const struct sim_op sim_apprunner_ops[] = {
	{ "ListServices", false, ar_list_services },
	{ "DescribeService", false, ar_describe_service },
	{ "ListOperations", false, ar_list_operations },
	{ "UpdateService", true, ar_update_service },
	{ "StartDeployment", true, ar_start_deployment },
	{ "PauseService", true, ar_pause_service },
	{ "ResumeService", true, ar_resume_service },
	{ "CreateAutoScalingConfiguration", true, ar_create_asc },
	{ "DescribeAutoScalingConfiguration", false, ar_describe_asc },
	{ "ListAutoScalingConfigurations", false, ar_list_ascs },
	{ NULL, false, NULL },
};
