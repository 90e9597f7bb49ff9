/* The shared AWS config and credentials files: parsing and profile lookup. */
#include "aws/profile.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

enum section_kind {
	SECTION_PROFILE,	/* [default], [profile x]; any [x] in credentials */
	SECTION_SSO_SESSION,	/* [sso-session x] */
	SECTION_SERVICES,	/* [services x] */
	SECTION_OTHER,		/* [x] in the config file: ignored, as the CLI does */
};

struct profile_entry {
	char *key;		/* lower case; "parent.key" inside sub-sections */
	char *value;
	char *where;		/* "path:line" */
	bool in_credentials;	/* merged from the credentials file */
};

struct profile_section {
	enum section_kind kind;
	char *name;
	int preferred;		/* [profile default] beats [default] */
	struct profile_entry *entries;
	size_t n;
};

struct aws_profile_file {
	char *path;
	bool is_config;
	struct profile_section *sections;
	size_t n;
};

struct aws_profile {
	char *name;
	struct profile_entry *entries;
	size_t n;
};

static struct profile_entry *
entries_set(struct profile_entry **entries, size_t *n, const char *key,
    const char *value, const char *where)
{
	struct profile_entry *e;
	size_t i;

	for (i = 0; i < *n; i++) {
		e = &(*entries)[i];
		if (strcmp(e->key, key) == 0) {
			secret_free(e->value);
			free(e->where);
			e->value = xstrdup(value);
			e->where = xstrdup(where);
			e->in_credentials = false;
			return e;
		}
	}
	*entries = xreallocarray(*entries, *n + 1, sizeof **entries);
	e = &(*entries)[(*n)++];
	e->key = xstrdup(key);
	e->value = xstrdup(value);
	e->where = xstrdup(where);
	e->in_credentials = false;
	return e;
}

static void
entries_free(struct profile_entry *entries, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(entries[i].key);
		secret_free(entries[i].value);	/* may hold a secret key */
		free(entries[i].where);
	}
	free(entries);
}

static const struct profile_entry *
entries_find(const struct profile_entry *entries, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(entries[i].key, key) == 0)
			return &entries[i];
	return NULL;
}

void
aws_profile_file_free(struct aws_profile_file *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->sections[i].name);
		entries_free(f->sections[i].entries, f->sections[i].n);
	}
	free(f->sections);
	free(f->path);
	free(f);
}

/* ASCII whitespace whatever the locale (0xa0 is no space in UTF-8). */
static bool
ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

static char *
trim_dup(const char *s, size_t len)
{
	while (len > 0 && ascii_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && ascii_space(s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static void
lowercase(char *s)
{
	for (; *s != '\0'; s++)
		*s = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
}

/*
 * In the config file a value's comment starts at a '#' or ';' that
 * follows whitespace ("region = eu-west-1 # Ireland"); in the
 * credentials file nothing is a comment inside a value (secrets may hold
 * '#').
 */
static size_t
value_length(const char *v, size_t len, bool is_config)
{
	size_t i;

	if (!is_config)
		return len;
	for (i = 1; i < len; i++)
		if ((v[i] == '#' || v[i] == ';') &&
		    (v[i - 1] == ' ' || v[i - 1] == '\t'))
			return i;
	return len;
}

static struct profile_section *
section_add(struct aws_profile_file *f, enum section_kind kind,
    const char *name, int preferred)
{
	struct profile_section *s;

	f->sections = xreallocarray(f->sections, f->n + 1,
	    sizeof *f->sections);
	s = &f->sections[f->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->name = xstrdup(name);
	s->preferred = preferred;
	return s;
}

/* "[profile  x ] # c" -> section; returns NULL with *reason on error. */
static struct profile_section *
parse_section(struct aws_profile_file *f, const char *line, size_t len,
    const char **reason)
{
	const char *close, *p;
	char *inner, *name;
	struct profile_section *s;
	enum section_kind kind = SECTION_PROFILE;
	int preferred = 0;
	size_t ilen;

	close = memchr(line, ']', len);
	if (close == NULL) {
		*reason = "section header has no closing ']'";
		return NULL;
	}
	for (p = close + 1; p < line + len; p++) {
		if (*p == '#' || *p == ';')
			break;
		if (!ascii_space(*p)) {
			*reason = "text after a section header";
			return NULL;
		}
	}
	inner = trim_dup(line + 1, (size_t)(close - line - 1));
	ilen = strlen(inner);
	if (ilen == 0) {
		free(inner);
		*reason = "empty section name";
		return NULL;
	}
	name = NULL;
	if (f->is_config && (strcmp(inner, "profile") == 0 ||
	    strcmp(inner, "sso-session") == 0 ||
	    strcmp(inner, "services") == 0)) {
		free(inner);
		*reason = "bad section name";
		return NULL;
	}
	if (f->is_config) {
		if (strcmp(inner, "default") == 0)
			name = xstrdup(inner);
		else if (strncmp(inner, "profile", 7) == 0 &&
		    ascii_space(inner[7])) {
			name = trim_dup(inner + 7, ilen - 7);
			preferred = strcmp(name, "default") == 0;
		} else if (strncmp(inner, "sso-session", 11) == 0 &&
		    ascii_space(inner[11])) {
			name = trim_dup(inner + 11, ilen - 11);
			kind = SECTION_SSO_SESSION;
		} else if (strncmp(inner, "services", 8) == 0 &&
		    ascii_space(inner[8])) {
			name = trim_dup(inner + 8, ilen - 8);
			kind = SECTION_SERVICES;
		} else {
			name = xstrdup(inner);
			kind = SECTION_OTHER;
		}
	} else
		name = xstrdup(inner);
	free(inner);
	if (*name == '\0') {
		free(name);
		*reason = "bad section name";
		return NULL;
	}
	s = section_add(f, kind, name, preferred);
	free(name);
	return s;
}

/* Split "k = v" into trimmed key (lower case) and value. */
static int
parse_pair(const char *line, size_t len, bool is_config, char **key,
    char **value)
{
	const char *eq;
	size_t vlen;

	eq = memchr(line, '=', len);
	if (eq == NULL)
		return -1;
	*key = trim_dup(line, (size_t)(eq - line));
	if (**key == '\0' || strpbrk(*key, " \t") != NULL) {
		free(*key);
		return -1;
	}
	lowercase(*key);
	eq++;
	vlen = (size_t)(line + len - eq);
	while (vlen > 0 && ascii_space(*eq)) {
		eq++;
		vlen--;
	}
	*value = trim_dup(eq, value_length(eq, vlen, is_config));
	return 0;
}

/*
 * Parse one file's text.  The format (as the AWS SDKs read it):
 *
 *	# full-line comments start with '#' or ';'
 *	[profile dev]		(config; credentials use [dev])
 *	region = eu-west-1	# inline comment (config only)
 *	s3 =			a sub-section: indented pairs become
 *	  max_concurrent_requests = 10		"s3.max_concurrent_requests"
 *	note = first		an indented line without a sub-section
 *	  second		continues the value ("first\nsecond")
 *
 * Any other line is an error: "path:line: reason".  Keys are lower-cased;
 * a later key replaces an earlier one.
 */
struct aws_profile_file *
aws_profile_file_parse(const char *path, const char *text, bool is_config,
    char **cause)
{
	struct aws_profile_file *f;
	struct profile_section *cur = NULL;
	struct profile_entry *last;
	long last_idx = -1;		/* entry an indented line belongs to */
	bool last_is_parent = false;
	const char *line, *next, *p, *reason = NULL;
	size_t len, lineno = 0, ind;
	char *key, *value, *where, *full, *joined;
	char parent[256];

	f = xcalloc(1, sizeof *f);
	f->path = xstrdup(path);
	f->is_config = is_config;
	*cause = NULL;
	parent[0] = '\0';
	if (str_starts_with(text, "\xef\xbb\xbf"))
		text += 3;
	for (line = text; *line != '\0'; line = next) {
		lineno++;
		next = strchr(line, '\n');
		len = next == NULL ? strlen(line) : (size_t)(next - line);
		next = next == NULL ? line + len : next + 1;
		while (len > 0 && line[len - 1] == '\r')
			len--;
		for (ind = 0; ind < len && (line[ind] == ' ' ||
		    line[ind] == '\t'); ind++)
			;
		p = line + ind;
		if (ind == len || *p == '#' || *p == ';')
			continue;
		if (*p == '[') {
			cur = parse_section(f, p, len - ind, &reason);
			if (cur == NULL)
				goto fail;
			last_idx = -1;
			continue;
		}
		if (cur == NULL) {
			reason = "key = value pair before any [section]";
			goto fail;
		}
		where = xasprintf("%s:%zu", path, lineno);
		if (ind > 0 && last_idx >= 0 && last_is_parent) {
			/* Inside a sub-section. */
			if (parse_pair(p, len - ind, is_config, &key,
			    &value) != 0) {
				free(where);
				reason = "sub-section line is not a key = value "
				    "pair";
				goto fail;
			}
			full = xasprintf("%s.%s", parent, key);
			entries_set(&cur->entries, &cur->n, full, value, where);
			free(full);
			free(key);
			secret_free(value);
			free(where);
			continue;
		}
		if (ind > 0 && last_idx >= 0) {
			/* A continuation of the previous value. */
			last = &cur->entries[last_idx];
			value = trim_dup(p, value_length(p, len - ind,
			    is_config));
			joined = xasprintf("%s\n%s", last->value, value);
			secret_free(value);
			secret_free(last->value);
			last->value = joined;
			free(where);
			continue;
		}
		if (parse_pair(p, len - ind, is_config, &key, &value) != 0) {
			free(where);
			reason = "line is not a key = value pair";
			goto fail;
		}
		entries_set(&cur->entries, &cur->n, key, value, where);
		last = (struct profile_entry *)entries_find(cur->entries,
		    cur->n, key);
		last_idx = (long)(last - cur->entries);
		last_is_parent = *value == '\0';
		if (last_is_parent)
			snprintf(parent, sizeof parent, "%s", key);
		free(key);
		secret_free(value);
		free(where);
	}
	return f;

fail:
	*cause = xasprintf("%s:%zu: %s", path, lineno, reason);
	aws_profile_file_free(f);
	return NULL;
}

/*
 * The entry for key in profile: [profile default] beats [default] in the
 * config file; otherwise the last section of that name wins.
 */
static const struct profile_entry *
file_find(const struct aws_profile_file *f, enum section_kind kind,
    const char *name, const char *key)
{
	const struct profile_entry *e, *best = NULL;
	int best_pref = -1;
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->n; i++) {
		if (f->sections[i].kind != kind ||
		    strcmp(f->sections[i].name, name) != 0)
			continue;
		e = entries_find(f->sections[i].entries, f->sections[i].n,
		    key);
		if (e != NULL && f->sections[i].preferred >= best_pref) {
			best = e;
			best_pref = f->sections[i].preferred;
		}
	}
	return best;
}

const char *
aws_profile_file_get(const struct aws_profile_file *f, const char *profile,
    const char *key)
{
	const struct profile_entry *e;

	e = file_find(f, SECTION_PROFILE, profile, key);
	return e == NULL ? NULL : e->value;
}

bool
aws_profile_file_has(const struct aws_profile_file *f, const char *profile)
{
	size_t i;

	if (f == NULL)
		return false;
	for (i = 0; i < f->n; i++)
		if (f->sections[i].kind == SECTION_PROFILE &&
		    strcmp(f->sections[i].name, profile) == 0)
			return true;
	return false;
}

/* Copy every key of the named sections into p, preferred sections last. */
static void
profile_merge(struct aws_profile *p, const struct aws_profile_file *f,
    enum section_kind kind, const char *name, const char *prefix)
{
	const struct profile_section *s;
	size_t i, j;
	int pref;
	char *key;

	if (f == NULL)
		return;
	for (pref = 0; pref <= 1; pref++) {
		for (i = 0; i < f->n; i++) {
			s = &f->sections[i];
			if (s->kind != kind || s->preferred != pref ||
			    strcmp(s->name, name) != 0)
				continue;
			for (j = 0; j < s->n; j++) {
				key = xasprintf("%s%s", prefix,
				    s->entries[j].key);
				entries_set(&p->entries, &p->n, key,
				    s->entries[j].value, s->entries[j].where)->
				    in_credentials = !f->is_config;
				free(key);
			}
		}
	}
}

static char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return xstrdup(h);
	pw = getpwuid(getuid());
	if (pw != NULL && pw->pw_dir != NULL)
		return xstrdup(pw->pw_dir);
	return xstrdup("/");
}

/* $env (with "~/" expanded) or ~/.aws/<file>.  Caller frees. */
static char *
file_path(const char *env, const char *file)
{
	const char *v = getenv(env);
	char *home, *path;

	if (v != NULL && *v != '\0') {
		if (strncmp(v, "~/", 2) != 0)
			return xstrdup(v);
		home = home_dir();
		path = xasprintf("%s%s", home, v + 1);
		free(home);
		return path;
	}
	home = home_dir();
	path = xasprintf("%s/.aws/%s", home, file);
	free(home);
	return path;
}

/*
 * Read and parse one of the two files.  A missing file is empty (NULL
 * and no cause); an unreadable or broken one is an error.
 */
static struct aws_profile_file *
file_load(const char *env, const char *file, bool is_config, char **cause)
{
	struct aws_profile_file *f;
	struct stat st;
	char *path, *text;

	*cause = NULL;
	path = file_path(env, file);
	if (stat(path, &st) != 0 && errno == ENOENT) {
		free(path);
		return NULL;
	}
	if ((text = read_file(path, NULL, cause)) == NULL) {
		free(path);
		return NULL;
	}
	f = aws_profile_file_parse(path, text, is_config, cause);
	secret_free(text);
	free(path);
	return f;
}

static const char *
profile_default_name(void)
{
	const char *v;

	if ((v = getenv("AWS_PROFILE")) != NULL && *v != '\0')
		return v;
	if ((v = getenv("AWS_DEFAULT_PROFILE")) != NULL && *v != '\0')
		return v;
	return "default";
}

/*
 * Load one profile from both files (see profile.h).  The config file's
 * keys come first, the credentials file's replace them; "services = x"
 * adds [services x]'s sub-sections as "services.<service>.<key>".
 */
struct aws_profile *
aws_profile_load(const char *name, char **cause)
{
	struct aws_profile_file *cfg, *creds;
	struct aws_profile *p;
	const struct profile_entry *svc;

	*cause = NULL;
	if (name == NULL)
		name = profile_default_name();
	cfg = file_load("AWS_CONFIG_FILE", "config", true, cause);
	if (*cause != NULL)
		return NULL;
	creds = file_load("AWS_SHARED_CREDENTIALS_FILE", "credentials", false,
	    cause);
	if (*cause != NULL) {
		aws_profile_file_free(cfg);
		return NULL;
	}
	if (!aws_profile_file_has(cfg, name) &&
	    !aws_profile_file_has(creds, name)) {
		aws_profile_file_free(cfg);
		aws_profile_file_free(creds);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->name = xstrdup(name);
	profile_merge(p, cfg, SECTION_PROFILE, name, "");
	profile_merge(p, creds, SECTION_PROFILE, name, "");
	svc = entries_find(p->entries, p->n, "services");
	if (svc != NULL && *svc->value != '\0') {
		char *sname = xstrdup(svc->value);

		profile_merge(p, cfg, SECTION_SERVICES, sname, "services.");
		free(sname);
	}
	aws_profile_file_free(cfg);
	aws_profile_file_free(creds);
	return p;
}

void
aws_profile_free(struct aws_profile *p)
{
	if (p == NULL)
		return;
	entries_free(p->entries, p->n);
	free(p->name);
	free(p);
}

const char *
aws_profile_name(const struct aws_profile *p)
{
	return p->name;
}

const char *
aws_profile_get(const struct aws_profile *p, const char *key)
{
	const struct profile_entry *e;

	if (p == NULL)
		return NULL;
	e = entries_find(p->entries, p->n, key);
	return e == NULL ? NULL : e->value;
}

const char *
aws_profile_where(const struct aws_profile *p, const char *key)
{
	const struct profile_entry *e;

	if (p == NULL)
		return NULL;
	e = entries_find(p->entries, p->n, key);
	return e == NULL ? NULL : e->where;
}

bool
aws_profile_in_credentials_file(const struct aws_profile *p, const char *key)
{
	const struct profile_entry *e;

	if (p == NULL)
		return false;
	e = entries_find(p->entries, p->n, key);
	return e != NULL && e->in_credentials;
}

/*
 * Region, the AWS way: $AWS_REGION, $AWS_DEFAULT_REGION, then the
 * profile's "region".  NULL when none.  Caller frees.
 */
char *
aws_region_resolve(const struct aws_profile *p)
{
	const char *v;

	if ((v = getenv("AWS_REGION")) != NULL && *v != '\0')
		return xstrdup(v);
	if ((v = getenv("AWS_DEFAULT_REGION")) != NULL && *v != '\0')
		return xstrdup(v);
	if ((v = aws_profile_get(p, "region")) != NULL && *v != '\0')
		return xstrdup(v);
	return NULL;
}
