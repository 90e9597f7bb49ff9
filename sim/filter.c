/* CloudWatch Logs filter patterns: parse once, match many log events. */
#include "sim/filter.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/util.h"

enum term_kind { T_ALL, T_ANY, T_NOT };

struct term {
	enum term_kind kind;
	char *text;
	bool is_regex;
	regex_t re;
};

enum jop { J_EQ, J_NE, J_LT, J_LE, J_GT, J_GE, J_TRUE, J_FALSE, J_NULL,
	J_EXISTS, J_NOT_EXISTS };

struct jnode {
	enum { JN_AND, JN_OR, JN_COND } type;
	struct jnode *l, *r;
	/* JN_COND */
	char **path;			/* selector parts; "[3]" for indexes */
	size_t npath;
	enum jop op;
	bool num;			/* value is a number */
	double d;
	char *s;			/* string value (may hold '*') */
};

struct sim_filter {
	bool json;
	struct term *terms;
	size_t nterms;
	struct jnode *root;
};

#define MAX_PATTERN 1024
#define FILTER_MAX_DEPTH 32

static void
jnode_free(struct jnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	jnode_free(n->l);
	jnode_free(n->r);
	for (i = 0; i < n->npath; i++)
		free(n->path[i]);
	free(n->path);
	free(n->s);
	free(n);
}

void
sim_filter_free(struct sim_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nterms; i++) {
		free(f->terms[i].text);
		if (f->terms[i].is_regex)
			regfree(&f->terms[i].re);
	}
	free(f->terms);
	jnode_free(f->root);
	free(f);
}

/* ---- term patterns ------------------------------------------------------ */

/*
 * Keep regular expressions to what CloudWatch accepts and what glibc's
 * regcomp handles in bounded memory: at most 256 bytes, 32 quantifiers,
 * no stacked quantifiers ("a++", "a{2}*"), bounds no larger than 100.
 */
static bool
regex_ok(const char *re)
{
	const char *p;
	bool prev_quant = false;
	int nquant = 0;

	if (strlen(re) > 256)
		return false;
	for (p = re; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			prev_quant = false;
			continue;
		}
		if (*p == '*' || *p == '+' || *p == '?' || *p == '{') {
			if (prev_quant || ++nquant > 32)
				return false;
			if (*p == '{') {
				char *end;
				long v = strtol(p + 1, &end, 10);

				if (v > 100)
					return false;
				if (*end == ',' && strtol(end + 1, &end, 10) > 100)
					return false;
				if (*end != '}')
					return false;
				p = end;
			}
			prev_quant = true;
			continue;
		}
		prev_quant = false;
	}
	return true;
}

static int
parse_terms(struct sim_filter *f, const char *p)
{
	struct buf b = { 0 };
	struct term *t;
	enum term_kind kind;
	bool regex;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		kind = T_ALL;
		if (*p == '?') {
			kind = T_ANY;
			p++;
		} else if (*p == '-' && p[1] != '\0' &&
		    !isspace((unsigned char)p[1])) {
			kind = T_NOT;
			p++;
		}
		buf_reset(&b);
		regex = false;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					goto bad;
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				buf_putc(&b, *p);
			}
			p++;
			if (*p != '\0' && !isspace((unsigned char)*p))
				goto bad;
		} else if (*p == '%') {
			for (p++; *p != '%'; p++) {
				if (*p == '\0')
					goto bad;
				buf_putc(&b, *p);
			}
			p++;
			regex = true;
		} else {
			while (*p != '\0' && !isspace((unsigned char)*p)) {
				if (*p == '"' || *p == '{' || *p == '}')
					goto bad;
				buf_putc(&b, *p++);
			}
		}
		if (b.len == 0)
			goto bad;
		f->terms = xreallocarray(f->terms, f->nterms + 1,
		    sizeof *f->terms);
		t = &f->terms[f->nterms];
		memset(t, 0, sizeof *t);
		t->kind = kind;
		t->text = buf_steal(&b);
		if (regex) {
			if (!regex_ok(t->text) || regcomp(&t->re, t->text,
			    REG_EXTENDED | REG_NOSUB) != 0) {
				free(t->text);
				goto bad;
			}
			t->is_regex = true;
		}
		f->nterms++;
	}
	buf_free(&b);
	return 0;
bad:
	buf_free(&b);
	return -1;
}

static bool
term_in(const struct term *t, const char *msg)
{
	if (t->is_regex)
		return regexec(&t->re, msg, 0, NULL, 0) == 0;
	return strstr(msg, t->text) != NULL;
}

static bool
match_terms(const struct sim_filter *f, const char *msg)
{
	bool any_seen = false, any_ok = false;
	size_t i;

	for (i = 0; i < f->nterms; i++) {
		const struct term *t = &f->terms[i];

		switch (t->kind) {
		case T_ALL:
			if (!term_in(t, msg))
				return false;
			break;
		case T_NOT:
			if (term_in(t, msg))
				return false;
			break;
		case T_ANY:
			any_seen = true;
			if (!any_ok && term_in(t, msg))
				any_ok = true;
			break;
		}
	}
	return !any_seen || any_ok;
}

/* ---- JSON patterns ------------------------------------------------------ */

struct jp {
	const char *p;
	int depth;
	bool bad;
};

static void
jskip(struct jp *j)
{
	while (isspace((unsigned char)*j->p))
		j->p++;
}

static bool
jaccept(struct jp *j, const char *tok)
{
	size_t n = strlen(tok);

	jskip(j);
	if (strncmp(j->p, tok, n) != 0)
		return false;
	/* Keywords must end at a word boundary. */
	if (isalpha((unsigned char)tok[0]) &&
	    (isalnum((unsigned char)j->p[n]) || j->p[n] == '_'))
		return false;
	j->p += n;
	return true;
}

static struct jnode *jparse_or(struct jp *j);

static bool
selector_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '@' ||
	    c == ':';
}

static struct jnode *
jparse_cond(struct jp *j)
{
	struct jnode *n = xcalloc(1, sizeof *n);
	struct buf b = { 0 };
	char *end;

	n->type = JN_COND;
	jskip(j);
	if (*j->p != '$')
		goto bad;
	j->p++;
	while (*j->p == '.' || *j->p == '[') {
		buf_reset(&b);
		if (*j->p == '.') {
			j->p++;
			if (*j->p == '*') {
				buf_putc(&b, '*');
				j->p++;
			}
			while (selector_char(*j->p))
				buf_putc(&b, *j->p++);
		} else {
			j->p++;
			buf_putc(&b, '[');
			while (isdigit((unsigned char)*j->p) || *j->p == '*')
				buf_putc(&b, *j->p++);
			if (*j->p != ']' || b.len == 1)
				goto bad;
			j->p++;
		}
		if (b.len == 0)
			goto bad;
		n->path = xreallocarray(n->path, n->npath + 1,
		    sizeof *n->path);
		n->path[n->npath++] = buf_steal(&b);
	}
	if (n->npath == 0)
		goto bad;
	jskip(j);
	if (jaccept(j, "IS")) {
		if (jaccept(j, "TRUE"))
			n->op = J_TRUE;
		else if (jaccept(j, "FALSE"))
			n->op = J_FALSE;
		else if (jaccept(j, "NULL"))
			n->op = J_NULL;
		else
			goto bad;
		buf_free(&b);
		return n;
	}
	if (jaccept(j, "NOT")) {
		if (!jaccept(j, "EXISTS"))
			goto bad;
		n->op = J_NOT_EXISTS;
		buf_free(&b);
		return n;
	}
	if (jaccept(j, "EXISTS")) {
		n->op = J_EXISTS;
		buf_free(&b);
		return n;
	}
	if (jaccept(j, "!="))
		n->op = J_NE;
	else if (jaccept(j, "<="))
		n->op = J_LE;
	else if (jaccept(j, ">="))
		n->op = J_GE;
	else if (jaccept(j, "="))
		n->op = J_EQ;
	else if (jaccept(j, "<"))
		n->op = J_LT;
	else if (jaccept(j, ">"))
		n->op = J_GT;
	else
		goto bad;
	jskip(j);
	buf_reset(&b);
	if (*j->p == '"') {
		for (j->p++; *j->p != '"'; j->p++) {
			if (*j->p == '\0')
				goto bad;
			if (*j->p == '\\' && (j->p[1] == '"' || j->p[1] == '\\'))
				j->p++;
			buf_putc(&b, *j->p);
		}
		j->p++;
		n->s = buf_steal(&b);
		if (n->s == NULL)
			n->s = xstrdup("");
	} else if (*j->p == '-' || isdigit((unsigned char)*j->p)) {
		n->d = strtod(j->p, &end);
		if (end == j->p || !isfinite(n->d))
			goto bad;
		j->p = end;
		n->num = true;
	} else {
		/* Unquoted string value: a word, wildcards allowed. */
		while (*j->p != '\0' && !isspace((unsigned char)*j->p) &&
		    *j->p != ')' && *j->p != '}' && *j->p != '&' &&
		    *j->p != '|')
			buf_putc(&b, *j->p++);
		if (b.len == 0)
			goto bad;
		n->s = buf_steal(&b);
	}
	if (!n->num && n->op != J_EQ && n->op != J_NE)
		goto bad;		/* < > only compare numbers */
	buf_free(&b);
	return n;
bad:
	buf_free(&b);
	jnode_free(n);
	j->bad = true;
	return NULL;
}

static struct jnode *
jparse_prim(struct jp *j)
{
	struct jnode *n;

	if (++j->depth > FILTER_MAX_DEPTH) {
		j->bad = true;
		return NULL;
	}
	if (jaccept(j, "(")) {
		n = jparse_or(j);
		if (n == NULL)
			return NULL;
		if (!jaccept(j, ")")) {
			jnode_free(n);
			j->bad = true;
			return NULL;
		}
	} else
		n = jparse_cond(j);
	j->depth--;
	return n;
}

static struct jnode *
jparse_and(struct jp *j)
{
	struct jnode *l, *r, *n;

	if ((l = jparse_prim(j)) == NULL)
		return NULL;
	while (jaccept(j, "&&")) {
		if ((r = jparse_prim(j)) == NULL) {
			jnode_free(l);
			return NULL;
		}
		n = xcalloc(1, sizeof *n);
		n->type = JN_AND;
		n->l = l;
		n->r = r;
		l = n;
	}
	return l;
}

static struct jnode *
jparse_or(struct jp *j)
{
	struct jnode *l, *r, *n;

	if ((l = jparse_and(j)) == NULL)
		return NULL;
	while (jaccept(j, "||")) {
		if ((r = jparse_and(j)) == NULL) {
			jnode_free(l);
			return NULL;
		}
		n = xcalloc(1, sizeof *n);
		n->type = JN_OR;
		n->l = l;
		n->r = r;
		l = n;
	}
	return l;
}

/* Glob with '*' only, case-sensitive. */
static bool
glob(const char *pat, const char *s)
{
	const char *star = NULL, *ss = NULL;

	while (*s != '\0') {
		if (*pat == '*') {
			star = pat++;
			ss = s;
		} else if (*pat == *s) {
			pat++;
			s++;
		} else if (star != NULL) {
			pat = star + 1;
			s = ++ss;
		} else
			return false;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

/* Follow a selector; NULL when the path does not exist. */
static const cJSON *
select_path(const cJSON *doc, char **path, size_t npath)
{
	const cJSON *cur = doc;
	size_t i;

	for (i = 0; i < npath && cur != NULL; i++) {
		if (path[i][0] == '[') {
			if (!cJSON_IsArray(cur))
				return NULL;
			if (path[i][1] == '*')
				cur = cur->child;
			else
				cur = cJSON_GetArrayItem(cur,
				    atoi(path[i] + 1));
		} else if (strcmp(path[i], "*") == 0) {
			cur = cJSON_IsObject(cur) ? cur->child : NULL;
		} else {
			if (!cJSON_IsObject(cur))
				return NULL;
			cur = cJSON_GetObjectItemCaseSensitive(cur, path[i]);
		}
	}
	return cur;
}

static bool
jeval(const struct jnode *n, const cJSON *doc)
{
	const cJSON *v;
	char buf[64];

	switch (n->type) {
	case JN_AND:
		return jeval(n->l, doc) && jeval(n->r, doc);
	case JN_OR:
		return jeval(n->l, doc) || jeval(n->r, doc);
	case JN_COND:
		break;
	}
	v = select_path(doc, n->path, n->npath);
	switch (n->op) {
	case J_EXISTS:
		return v != NULL;
	case J_NOT_EXISTS:
		return v == NULL;
	case J_TRUE:
		return cJSON_IsTrue(v);
	case J_FALSE:
		return cJSON_IsFalse(v);
	case J_NULL:
		return cJSON_IsNull(v);
	default:
		break;
	}
	if (v == NULL)
		return false;
	if (n->num) {
		if (!cJSON_IsNumber(v))
			return false;
		switch (n->op) {
		case J_EQ: return v->valuedouble == n->d;
		case J_NE: return v->valuedouble != n->d;
		case J_LT: return v->valuedouble < n->d;
		case J_LE: return v->valuedouble <= n->d;
		case J_GT: return v->valuedouble > n->d;
		case J_GE: return v->valuedouble >= n->d;
		default: return false;
		}
	}
	if (cJSON_IsString(v)) {
		bool eq = glob(n->s, v->valuestring);

		return n->op == J_EQ ? eq : !eq;
	}
	if (cJSON_IsNumber(v)) {
		/* A quoted number still compares with a numeric field. */
		snprintf(buf, sizeof buf, "%g", v->valuedouble);
		return n->op == J_EQ ? glob(n->s, buf) : !glob(n->s, buf);
	}
	if (cJSON_IsBool(v)) {
		bool eq = glob(n->s, cJSON_IsTrue(v) ? "true" : "false");

		return n->op == J_EQ ? eq : !eq;
	}
	return n->op == J_NE;
}

/* ---- public ------------------------------------------------------------- */

struct sim_filter *
sim_filter_parse(const char *pattern, char **cause)
{
	struct sim_filter *f;
	struct jp j;
	const char *p;

	if (pattern == NULL)
		pattern = "";
	if (strlen(pattern) > MAX_PATTERN) {
		*cause = xstrdup("Invalid filter pattern");
		return NULL;
	}
	f = xcalloc(1, sizeof *f);
	p = pattern;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '{') {
		f->json = true;
		j.p = p + 1;
		j.depth = 0;
		j.bad = false;
		f->root = jparse_or(&j);
		if (f->root == NULL || j.bad || !jaccept(&j, "}"))
			goto bad;
		jskip(&j);
		if (*j.p != '\0')
			goto bad;
		return f;
	}
	if (*p == '[')
		goto bad;		/* space-delimited patterns: unsupported */
	if (parse_terms(f, p) < 0)
		goto bad;
	return f;
bad:
	sim_filter_free(f);
	*cause = xstrdup("Invalid filter pattern");
	return NULL;
}

bool
sim_filter_match(const struct sim_filter *f, const char *message)
{
	cJSON *doc;
	const char *p;
	bool ok;

	if (f == NULL)
		return true;
	if (!f->json)
		return match_terms(f, message);
	for (p = message; isspace((unsigned char)*p); p++)
		;
	if (*p != '{')
		return false;
	doc = cJSON_Parse(p);
	if (doc == NULL)
		return false;
	ok = cJSON_IsObject(doc) && jeval(f->root, doc);
	cJSON_Delete(doc);
	return ok;
}
