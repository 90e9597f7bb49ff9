/* Fault injection knobs: parsing "service=X,throttle=0.3,..." and lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/service.h"
#include "sim/server.h"

#define FAULT_ALL 7

static const struct {
	const char *name;
	int idx;
} names[] = {
	{ "all", FAULT_ALL }, { "*", FAULT_ALL },
	{ "cloudwatch", AWS_SVC_CLOUDWATCH }, { "monitoring", AWS_SVC_CLOUDWATCH },
	{ "logs", AWS_SVC_LOGS }, { "ce", AWS_SVC_CE },
	{ "cost-explorer", AWS_SVC_CE }, { "apprunner", AWS_SVC_APPRUNNER },
	{ "ecr", AWS_SVC_ECR }, { "sts", AWS_SVC_STS },
};

int
sim_faults_service_index(const char *name)
{
	size_t i;

	for (i = 0; i < nitems(names); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].idx;
	return -1;
}

static int
parse_rate(const char *key, const char *v, double *out, char **cause)
{
	char *end;
	double d = strtod(v, &end);

	if (*v == '\0' || *end != '\0' || !(d >= 0 && d <= 1)) {
		*cause = xasprintf("fault %s: '%s' is not a rate in [0,1]", key,
		    v);
		return -1;
	}
	*out = d;
	return 0;
}

static int
parse_int(const char *key, const char *v, long min, long max, int *out,
    char **cause)
{
	char *end;
	long n = strtol(v, &end, 10);

	/* Accept a trailing unit matching what the number means. */
	if (*end == 's' || strcmp(end, "ms") == 0)
		end += strlen(end);
	if (*v == '\0' || *end != '\0' || n < min || n > max) {
		*cause = xasprintf("fault %s: '%s' is not a number in "
		    "[%ld,%ld]", key, v, min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/*
 * Two passes: first find service= (it may come anywhere), then apply
 * every other key to that service's knobs.  Knobs not named keep their
 * value, so several --fault flags add up.
 */
int
sim_faults_parse(struct sim_world *w, const char *spec, char **cause)
{
	struct sim_faults f;
	char *copy, *tok, *save = NULL, *eq;
	int idx = FAULT_ALL, pass, bval;

	for (pass = 0; pass < 2; pass++) {
		copy = xstrdup(spec);
		if (pass == 1)
			f = w->faults[idx];
		for (tok = strtok_r(copy, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			tok = strtrim(tok);
			if (*tok == '\0')
				continue;
			if ((eq = strchr(tok, '=')) == NULL) {
				if (pass == 1 && strcmp(tok, "stall") == 0) {
					f.stall = true;
					continue;
				}
				if (pass == 1 && strcmp(tok, "clear") == 0) {
					memset(&f, 0, sizeof f);
					continue;
				}
				if (pass == 0 && (strcmp(tok, "stall") == 0 ||
				    strcmp(tok, "clear") == 0))
					continue;
				*cause = xasprintf("fault: expected key=value, "
				    "got '%s'", tok);
				free(copy);
				return -1;
			}
			*eq++ = '\0';
			if (strcmp(tok, "service") == 0) {
				if (pass == 0 &&
				    (idx = sim_faults_service_index(eq)) < 0) {
					*cause = xasprintf("fault: unknown "
					    "service '%s'", eq);
					free(copy);
					return -1;
				}
				continue;
			}
			if (pass == 0)
				continue;
			if (strcmp(tok, "throttle") == 0) {
				if (parse_rate(tok, eq, &f.throttle_rate,
				    cause) != 0)
					goto fail;
			} else if (strcmp(tok, "error") == 0 ||
			    strcmp(tok, "5xx") == 0) {
				if (parse_rate(tok, eq, &f.error_rate,
				    cause) != 0)
					goto fail;
			} else if (strcmp(tok, "truncate") == 0) {
				if (parse_rate(tok, eq, &f.truncate_rate,
				    cause) != 0)
					goto fail;
			} else if (strcmp(tok, "malformed") == 0) {
				if (parse_rate(tok, eq, &f.malformed_rate,
				    cause) != 0)
					goto fail;
			} else if (strcmp(tok, "reset") == 0) {
				if (parse_rate(tok, eq, &f.reset_rate,
				    cause) != 0)
					goto fail;
			} else if (strcmp(tok, "latency") == 0) {
				if (parse_int(tok, eq, 0, 600000,
				    &f.latency_ms, cause) != 0)
					goto fail;
			} else if (strcmp(tok, "stall") == 0) {
				if (parse_int(tok, eq, 0, 1, &bval,
				    cause) != 0)
					goto fail;
				f.stall = bval != 0;
			} else if (strcmp(tok, "skew") == 0 ||
			    strcmp(tok, "clock_skew") == 0) {
				if (parse_int(tok, eq, -86400 * 365,
				    86400 * 365, &f.clock_skew_s, cause) != 0)
					goto fail;
			} else if (strcmp(tok, "creds_ttl") == 0) {
				if (parse_int(tok, eq, 0, 86400 * 2,
				    &f.creds_ttl_s, cause) != 0)
					goto fail;
			} else {
				*cause = xasprintf("fault: unknown knob '%s'",
				    tok);
				goto fail;
			}
		}
		free(copy);
	}
	w->faults[idx] = f;
	return 0;
fail:
	free(copy);
	return -1;
}

void
sim_faults_clear(struct sim_world *w)
{
	memset(w->faults, 0, sizeof w->faults);
}

void
sim_faults_get(struct sim_world *w, int svc, struct sim_faults *out)
{
	const struct sim_faults *all = &w->faults[FAULT_ALL];
	const struct sim_faults *s;

	if (svc < 0 || svc >= FAULT_ALL) {
		*out = *all;
		return;
	}
	s = &w->faults[svc];
#define PICK(f) out->f = s->f ? s->f : all->f
	PICK(throttle_rate);
	PICK(error_rate);
	PICK(latency_ms);
	PICK(stall);
	PICK(truncate_rate);
	PICK(malformed_rate);
	PICK(reset_rate);
	PICK(clock_skew_s);
	PICK(creds_ttl_s);
#undef PICK
}
