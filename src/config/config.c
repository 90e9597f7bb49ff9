/* Load the console configuration: INI through inih, warnings by file:line. */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "util/sanitize.h"
#include "util/util.h"

#ifndef MOMENTUM_SYSCONFDIR
#define MOMENTUM_SYSCONFDIR "/etc"
#endif

enum section_kind {
	SEC_NONE,		/* before any section: keys here are errors */
	SEC_IGNORE,		/* a bad section header: skip its keys quietly */
	SEC_GENERAL,
	SEC_REFRESH,
	SEC_KEYS,
	SEC_ENV,
	SEC_SERVICE,
};

struct parse_state {
	struct config *cf;
	const char *path;
	const char *text;	/* whole file */
	size_t pos;		/* reader position in text */
	int line;		/* line the reader last returned (1-based) */
	enum section_kind sec;
	size_t env;		/* current env / service, for SEC_ENV/SEC_SERVICE */
	size_t svc;
	char last_key[64];	/* for multi-line continuation */
};

static void
warn_at(struct parse_state *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Takes w.  Warnings quote values from the file, and are printed to
 * stderr and in the help view: sanitized here, once.
 */
static void
add_warning(struct config *cf, char *w)
{
	cf->warnings = xreallocarray(cf->warnings, cf->nwarnings + 1,
	    sizeof *cf->warnings);
	cf->warnings[cf->nwarnings++] = text_clean(w);
	free(w);
}

static void
warn_at(struct parse_state *ps, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (line > 0)
		add_warning(ps->cf, xasprintf("%s:%d: %s", ps->path, line, msg));
	else
		add_warning(ps->cf, xasprintf("%s: %s", ps->path, msg));
	free(msg);
}

static bool
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("_.-", *s) == NULL)
			return false;
	}
	return true;
}

static void
free_service(struct config_service *s)
{
	size_t i;

	free(s->role);
	free(s->service_name);
	free(s->service_arn);
	free(s->ecr_repo);
	for (i = 0; i < s->nlog_groups; i++)
		free(s->log_groups[i]);
	free(s->log_groups);
}

static void
free_env(struct config_env *e)
{
	size_t i;

	free(e->name);
	free(e->profile);
	free(e->role_arn);
	free(e->external_id);
	free(e->region);
	free(e->endpoint_url);
	free(e->alarm_prefix);
	for (i = 0; i < e->nservices; i++)
		free_service(&e->services[i]);
	free(e->services);
	free(e->rds_id);
	free(e->redis_id);
	free(e->cloudfront_id);
	free(e->alb_name);
	free(e->cost_tag_key);
	free(e->cost_tag_value);
}

void
config_free(struct config *cf)
{
	size_t i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nenvs; i++)
		free_env(&cf->envs[i]);
	free(cf->envs);
	free(cf->theme);
	for (i = 0; i < cf->nkeys; i++) {
		free(cf->keys[i].name);
		free(cf->keys[i].key);
	}
	free(cf->keys);
	free(cf->path);
	for (i = 0; i < cf->nwarnings; i++)
		free(cf->warnings[i]);
	free(cf->warnings);
	free(cf);
}

int
config_env_index(const struct config *cf, const char *name)
{
	size_t i;

	for (i = 0; i < cf->nenvs; i++) {
		if (strcmp(cf->envs[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

const struct config_service *
config_env_service(const struct config_env *e, const char *role)
{
	size_t i;

	for (i = 0; i < e->nservices; i++) {
		if (strcmp(e->services[i].role, role) == 0)
			return &e->services[i];
	}
	return NULL;
}

const char *
config_key_for(const struct config *cf, const char *name)
{
	size_t i;

	/* The last override wins, as it would reading the file top down. */
	for (i = cf->nkeys; i > 0; i--) {
		if (strcmp(cf->keys[i - 1].name, name) == 0)
			return cf->keys[i - 1].key;
	}
	return NULL;
}

static size_t
env_get(struct config *cf, const char *name)
{
	int i;

	if ((i = config_env_index(cf, name)) >= 0)
		return (size_t)i;
	cf->envs = xreallocarray(cf->envs, cf->nenvs + 1, sizeof *cf->envs);
	cf->envs[cf->nenvs] = (struct config_env){ .name = xstrdup(name) };
	/* Until a production key says otherwise, guess from the name. */
	cf->envs[cf->nenvs].production = strcmp(name, "prod") == 0 ||
	    strcmp(name, "production") == 0;
	return cf->nenvs++;
}

static size_t
service_get(struct config_env *e, const char *role)
{
	struct config_service *s;
	size_t i;

	for (i = 0; i < e->nservices; i++) {
		if (strcmp(e->services[i].role, role) == 0)
			return i;
	}
	e->services = xreallocarray(e->services, e->nservices + 1,
	    sizeof *e->services);
	s = &e->services[e->nservices];
	*s = (struct config_service){ .role = xstrdup(role) };
	return e->nservices++;
}

/* Split "env prod" / "service prod api" into words; strips quotes. */
static size_t
split_words(char *s, char **words, size_t max)
{
	size_t n = 0;
	char *p = s;

	while (*p != '\0' && n < max + 1) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			words[n < max ? n : max - 1] = ++p;
			while (*p != '\0' && *p != '"')
				p++;
		} else {
			words[n < max ? n : max - 1] = p;
			while (*p != '\0' && !isspace((unsigned char)*p))
				p++;
		}
		n++;
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

static void
open_section(struct parse_state *ps, char *name)
{
	char *w[3];
	size_t n;

	ps->last_key[0] = '\0';
	n = split_words(name, w, 3);
	ps->sec = SEC_IGNORE;
	if (n == 0) {
		warn_at(ps, ps->line, "empty section name");
		return;
	}
	if (n == 1 && strcmp(w[0], "general") == 0)
		ps->sec = SEC_GENERAL;
	else if (n == 1 && strcmp(w[0], "refresh") == 0)
		ps->sec = SEC_REFRESH;
	else if (n == 1 && strcmp(w[0], "keys") == 0)
		ps->sec = SEC_KEYS;
	else if (strcmp(w[0], "env") == 0) {
		if (n != 2 || !valid_name(w[1])) {
			warn_at(ps, ps->line, "expected [env NAME] with NAME of "
			    "letters, digits, '-', '_' or '.'; section ignored");
			return;
		}
		ps->env = env_get(ps->cf, w[1]);
		ps->sec = SEC_ENV;
	} else if (strcmp(w[0], "service") == 0) {
		if (n != 3 || !valid_name(w[1]) || !valid_name(w[2])) {
			warn_at(ps, ps->line, "expected [service ENV ROLE]; "
			    "section ignored");
			return;
		}
		ps->env = env_get(ps->cf, w[1]);
		ps->svc = service_get(&ps->cf->envs[ps->env], w[2]);
		ps->sec = SEC_SERVICE;
	} else
		warn_at(ps, ps->line, "unknown section [%s]; ignored", w[0]);
}

/*
 * inih's reader: hands inih one physical line at a time, so ps->line is
 * the line the handler is looking at.  It also finds what inih would
 * skip silently (lines without '=', bad section headers, over-long
 * lines), and opens sections itself because this inih build does not
 * call the handler for a section without keys.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	const char *start, *end, *p;
	size_t len;
	char *copy, *q, *close;

	if (ps->text[ps->pos] == '\0')
		return NULL;
	start = ps->text + ps->pos;
	end = strchr(start, '\n');
	len = end != NULL ? (size_t)(end - start) : strlen(start);
	ps->pos += len + (end != NULL);
	ps->line++;

	if (len + 2 > (size_t)num) {
		warn_at(ps, ps->line, "line too long (more than %d bytes); "
		    "ignored", num - 2);
		strcpy(str, "\n");
		return str;
	}
	copy = xstrndup(start, len);
	p = copy;
	if (ps->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == ';' || *p == '#') {
		/* blank or comment */
	} else if (*p == '[') {
		if ((close = strchr(p, ']')) == NULL) {
			warn_at(ps, ps->line, "unterminated section header; "
			    "keys up to the next section are ignored");
			ps->sec = SEC_IGNORE;
			free(copy);
			strcpy(str, "\n");
			return str;
		}
		*close = '\0';
		q = xstrdup(p + 1);
		open_section(ps, q);
		free(q);
		*close = ']';
	} else if (p != copy && ps->last_key[0] != '\0' &&
	    strpbrk(p, "=:") == NULL) {
		/* inih continuation line: the handler sees last_key again */
	} else if (strpbrk(p, "=:") == NULL ||
	    *p == '=' || *p == ':') {
		warn_at(ps, ps->line, "expected 'key = value'; line ignored");
		free(copy);
		strcpy(str, "\n");
		return str;
	}
	free(copy);
	memcpy(str, start, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

static bool
parse_bool(const char *v, bool *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool
parse_int(const char *v, long min, long max, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static bool
parse_money(const char *v, double *out)
{
	char *end;
	double d;

	if (*v == '$')
		v++;
	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(d >= 0) || d > 1e12)
		return false;
	*out = d;
	return true;
}

/* "50-100", "$50 - $100" or "100" (high only). */
static bool
parse_budget(const char *v, double *lo, double *hi)
{
	char *copy, *dash;
	bool ok;

	copy = xstrdup(v);
	if ((dash = strchr(copy, '-')) == NULL) {
		*lo = 0;
		ok = parse_money(strtrim(copy), hi);
	} else {
		*dash = '\0';
		ok = parse_money(strtrim(copy), lo) &&
		    parse_money(strtrim(dash + 1), hi) && *lo <= *hi;
	}
	free(copy);
	return ok;
}

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v != '\0' ? xstrdup(v) : NULL;
}

static void
set_log_groups(struct parse_state *ps, struct config_service *s,
    const char *v, bool append)
{
	char *copy, *w, *save;
	size_t i;

	if (!append) {
		for (i = 0; i < s->nlog_groups; i++)
			free(s->log_groups[i]);
		free(s->log_groups);
		s->log_groups = NULL;
		s->nlog_groups = 0;
	}
	copy = xstrdup(v);
	for (w = strtok_r(copy, " \t,", &save); w != NULL;
	    w = strtok_r(NULL, " \t,", &save)) {
		if (strlen(w) > 512) {
			warn_at(ps, ps->line, "log group name longer than 512 "
			    "bytes; ignored");
			continue;
		}
		s->log_groups = xreallocarray(s->log_groups,
		    s->nlog_groups + 1, sizeof *s->log_groups);
		s->log_groups[s->nlog_groups++] = xstrdup(w);
	}
	free(copy);
}

static void
handle_general(struct parse_state *ps, const char *k, const char *v)
{
	struct config *cf = ps->cf;
	long n;

	if (strcmp(k, "theme") == 0) {
		if (strcmp(v, "dark") != 0 && strcmp(v, "light") != 0 &&
		    strcmp(v, "high-contrast") != 0) {
			warn_at(ps, ps->line, "unknown theme '%s' (dark, light, "
			    "high-contrast); using %s", v, cf->theme);
			return;
		}
		set_str(&cf->theme, v);
	} else if (strcmp(k, "log_scrollback") == 0) {
		if (!parse_int(v, 100, 1000000, &n)) {
			warn_at(ps, ps->line, "log_scrollback must be a number "
			    "from 100 to 1000000; using %zu", cf->log_scrollback);
			return;
		}
		cf->log_scrollback = (size_t)n;
	} else
		warn_at(ps, ps->line, "unknown key '%s' in [general]", k);
}

static void
handle_refresh(struct parse_state *ps, const char *k, const char *v)
{
	static const struct {
		const char *name;
		size_t off;
		long min, max;
	} keys[] = {
		{ "services", offsetof(struct config_refresh, services), 1, 86400 },
		{ "metrics", offsetof(struct config_refresh, metrics), 60, 86400 },
		{ "alarms", offsetof(struct config_refresh, alarms), 1, 86400 },
		{ "logs", offsetof(struct config_refresh, logs), 1, 3600 },
		{ "cost", offsetof(struct config_refresh, cost), 3600, 604800 },
		{ "background", offsetof(struct config_refresh, background), 1, 100 },
	};
	size_t i;
	long n;
	int *field;

	for (i = 0; i < nitems(keys); i++) {
		if (strcmp(k, keys[i].name) != 0)
			continue;
		field = (int *)((char *)&ps->cf->refresh + keys[i].off);
		if (!parse_int(v, 0, 10000000, &n)) {
			warn_at(ps, ps->line, "%s must be a whole number of "
			    "seconds; using %d", k, *field);
			return;
		}
		if (n < keys[i].min || n > keys[i].max) {
			/* metrics change once a minute, cost a few times a day */
			n = n < keys[i].min ? keys[i].min : keys[i].max;
			warn_at(ps, ps->line, "%s must be from %ld to %ld; "
			    "using %ld", k, keys[i].min, keys[i].max, n);
		}
		*field = (int)n;
		return;
	}
	warn_at(ps, ps->line, "unknown key '%s' in [refresh]", k);
}

static void
handle_env(struct parse_state *ps, const char *k, const char *v)
{
	struct config_env *e = &ps->cf->envs[ps->env];
	const char *eq;
	bool b;

	if (strcmp(k, "profile") == 0)
		set_str(&e->profile, v);
	else if (strcmp(k, "role_arn") == 0) {
		if (*v != '\0' && !str_starts_with(v, "arn:")) {
			warn_at(ps, ps->line, "role_arn '%s' is not an ARN; "
			    "ignored", v);
			return;
		}
		set_str(&e->role_arn, v);
	} else if (strcmp(k, "external_id") == 0)
		set_str(&e->external_id, v);
	else if (strcmp(k, "region") == 0)
		set_str(&e->region, v);
	else if (strcmp(k, "endpoint_url") == 0) {
		if (*v != '\0' && !str_starts_with(v, "http://") &&
		    !str_starts_with(v, "https://")) {
			warn_at(ps, ps->line, "endpoint_url must start with "
			    "http:// or https://; ignored");
			return;
		}
		set_str(&e->endpoint_url, v);
	} else if (strcmp(k, "budget") == 0) {
		if (!parse_budget(v, &e->budget_low, &e->budget_high))
			warn_at(ps, ps->line, "budget must be LOW-HIGH in "
			    "dollars, e.g. 200-300; ignored");
	} else if (strcmp(k, "read_only") == 0) {
		if (!parse_bool(v, &b)) {
			/* When in doubt, the safe side. */
			warn_at(ps, ps->line, "read_only must be yes or no; "
			    "using yes");
			b = true;
		}
		e->read_only = b;
	} else if (strcmp(k, "production") == 0) {
		if (!parse_bool(v, &b)) {
			/* The safe side: the name must be typed. */
			warn_at(ps, ps->line, "production must be yes or no; "
			    "using yes");
			b = true;
		}
		e->production = b;
	} else if (strcmp(k, "alarm_prefix") == 0)
		set_str(&e->alarm_prefix, v);
	else if (strcmp(k, "rds") == 0)
		set_str(&e->rds_id, v);
	else if (strcmp(k, "redis") == 0)
		set_str(&e->redis_id, v);
	else if (strcmp(k, "cloudfront") == 0)
		set_str(&e->cloudfront_id, v);
	else if (strcmp(k, "alb") == 0)
		set_str(&e->alb_name, v);
	else if (strcmp(k, "cost_tag") == 0) {
		if (*v == '\0') {
			set_str(&e->cost_tag_key, "");
			set_str(&e->cost_tag_value, "");
		} else if ((eq = strchr(v, '=')) == NULL || eq == v) {
			warn_at(ps, ps->line, "cost_tag must be KEY=VALUE; "
			    "ignored");
		} else {
			free(e->cost_tag_key);
			e->cost_tag_key = xstrndup(v, (size_t)(eq - v));
			set_str(&e->cost_tag_value, eq + 1);
		}
	} else
		warn_at(ps, ps->line, "unknown key '%s' in [env %s]", k,
		    e->name);
}

static void
handle_service(struct parse_state *ps, const char *k, const char *v,
    bool continuation)
{
	struct config_env *e = &ps->cf->envs[ps->env];
	struct config_service *s = &e->services[ps->svc];

	if (strcmp(k, "log_groups") == 0)
		set_log_groups(ps, s, v, continuation);
	else if (strcmp(k, "name") == 0) {
		if (strlen(v) < 4 || strlen(v) > 40) {
			warn_at(ps, ps->line, "App Runner service names are 4 "
			    "to 40 characters; ignored");
			return;
		}
		set_str(&s->service_name, v);
	} else if (strcmp(k, "arn") == 0) {
		if (*v != '\0' && !str_starts_with(v, "arn:")) {
			warn_at(ps, ps->line, "arn '%s' is not an ARN; "
			    "ignored", v);
			return;
		}
		set_str(&s->service_arn, v);
	} else if (strcmp(k, "ecr_repo") == 0)
		set_str(&s->ecr_repo, v);
	else
		warn_at(ps, ps->line, "unknown key '%s' in [service %s %s]",
		    k, e->name, s->role);
}

static void
handle_key(struct parse_state *ps, const char *k, const char *v)
{
	struct config *cf = ps->cf;

	if (*v == '\0') {
		warn_at(ps, ps->line, "key for '%s' is empty; ignored", k);
		return;
	}
	cf->keys = xreallocarray(cf->keys, cf->nkeys + 1, sizeof *cf->keys);
	cf->keys[cf->nkeys].name = xstrdup(k);
	cf->keys[cf->nkeys].key = xstrdup(v);
	cf->nkeys++;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	bool cont;

	(void)section;		/* the reader tracks sections itself */
	cont = strcmp(name, ps->last_key) == 0;
	snprintf(ps->last_key, sizeof ps->last_key, "%s", name);
	switch (ps->sec) {
	case SEC_NONE:
		warn_at(ps, ps->line, "'%s' outside any section; ignored",
		    name);
		break;
	case SEC_IGNORE:
		break;
	case SEC_GENERAL:
		handle_general(ps, name, value);
		break;
	case SEC_REFRESH:
		handle_refresh(ps, name, value);
		break;
	case SEC_KEYS:
		handle_key(ps, name, value);
		break;
	case SEC_ENV:
		handle_env(ps, name, value);
		break;
	case SEC_SERVICE:
		handle_service(ps, name, value, cont);
		break;
	}
	return 1;
}

/* Fill what the file left out, and say what cannot work. */
static void
finish(struct parse_state *ps)
{
	struct config *cf = ps->cf;
	struct config_env *e;
	struct config_service *s;
	size_t i, j;

	for (i = 0; i < cf->nenvs; i++) {
		e = &cf->envs[i];
		if (e->nservices == 0)
			warn_at(ps, 0, "environment %s has no [service %s ...] "
			    "sections", e->name, e->name);
		for (j = 0; j < e->nservices; j++) {
			s = &e->services[j];
			if (s->service_name == NULL)
				s->service_name = xasprintf("momentum-%s-%s",
				    e->name, s->role);
			if (s->nlog_groups == 0) {
				s->log_groups = xcalloc(1,
				    sizeof *s->log_groups);
				s->log_groups[0] = xstrdup(CONFIG_LOG_GROUPS_AUTO);
				s->nlog_groups = 1;
			}
		}
	}
}

int
config_parse_string(const char *text, const char *path, struct config **out,
    char **cause)
{
	struct parse_state ps;
	struct config *cf;

	*out = NULL;
	cf = xcalloc(1, sizeof *cf);
	cf->refresh = (struct config_refresh){ .services = 15, .metrics = 60,
	    .alarms = 30, .logs = 2, .cost = 21600, .background = 4 };
	cf->theme = xstrdup("dark");
	cf->log_scrollback = 10000;
	cf->path = xstrdup(path);

	memset(&ps, 0, sizeof ps);
	ps.cf = cf;
	ps.path = cf->path;
	ps.text = text;
	ps.sec = SEC_NONE;
	(void)ini_parse_stream(reader, &ps, handler, &ps);
	finish(&ps);

	if (cf->nenvs == 0) {
		*cause = xasprintf("%s: no environments ([env NAME] sections)%s%s",
		    path, cf->nwarnings ? "; first problem: " : "",
		    cf->nwarnings ? cf->warnings[0] : "");
		config_free(cf);
		return -1;
	}
	*out = cf;
	return 0;
}

static int
load_file(const char *path, struct config **out, char **cause)
{
	char *text, *why = NULL;
	size_t len;
	int rc;

	if ((text = read_file(path, &len, &why)) == NULL) {
		*cause = xasprintf("%s", why);
		free(why);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		free(text);
		*cause = xasprintf("%s: contains NUL bytes; not a text file",
		    path);
		return -1;
	}
	rc = config_parse_string(text, path, out, cause);
	free(text);
	return rc;
}

/* 1 when path exists, 0 when it does not, -1 (with *cause) otherwise. */
static int
exists(const char *path, char **cause)
{
	if (access(path, F_OK) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	*cause = xasprintf("%s: %s", path, strerror(errno));
	return -1;
}

int
config_load(const char *explicit_path, struct config **out, char **cause)
{
	const char *env, *home;
	char *path;
	int rc;

	*out = NULL;
	/* Named explicitly: it must be there. */
	if (explicit_path != NULL)
		return load_file(explicit_path, out, cause);
	env = getenv("MOMENTUM_CONSOLE_CONFIG");
	if (env != NULL && *env != '\0')
		return load_file(env, out, cause);

	env = getenv("XDG_CONFIG_HOME");
	if (env != NULL && *env != '\0')
		path = xasprintf("%s/momentum/console.conf", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		path = xasprintf("%s/.config/momentum/console.conf", home);
	else
		path = NULL;
	if (path != NULL) {
		rc = exists(path, cause);
		if (rc != 0) {
			if (rc == 1)
				rc = load_file(path, out, cause);
			free(path);
			return rc;
		}
		free(path);
	}

	path = xstrdup(MOMENTUM_SYSCONFDIR "/momentum/console.conf");
	rc = exists(path, cause);
	if (rc != 0) {
		if (rc == 1)
			rc = load_file(path, out, cause);
		free(path);
		return rc;
	}
	free(path);
	return config_parse_string(config_default_text, CONFIG_BUILTIN_PATH,
	    out, cause);
}
