/* CloudWatch metric math: recursive-descent parser and point-wise evaluator. */
#include "sim/metricmath.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

enum node_type { N_NUM, N_REF, N_NEG, N_BIN, N_CALL, N_ARRAY };
enum fn { F_SUM, F_AVG, F_MIN, F_MAX, F_FILL, F_ABS, F_IF };

static const char *fn_names[] = { "SUM", "AVG", "MIN", "MAX", "FILL", "ABS",
	"IF" };

struct mm_expr {
	enum node_type type;
	double num;
	char *id;
	int op;				/* '+', '-', '*', '/', '<', 'l' (<=), ... */
	enum fn fn;
	struct mm_expr **args;
	size_t nargs;
	/* Root only: the referenced ids. */
	const char **refs;
	size_t nrefs;
};

struct parser {
	const char *s, *p;
	char *err;
	int depth;
};

#define MM_MAX_DEPTH 64
#define MM_MAX_LEN 2048

static struct mm_expr *parse_expr(struct parser *);

static struct mm_expr *
node(enum node_type t)
{
	struct mm_expr *e = xcalloc(1, sizeof *e);

	e->type = t;
	return e;
}

static void
add_arg(struct mm_expr *e, struct mm_expr *a)
{
	e->args = xreallocarray(e->args, e->nargs + 1, sizeof *e->args);
	e->args[e->nargs++] = a;
}

void
mm_free(struct mm_expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nargs; i++)
		mm_free(e->args[i]);
	free(e->args);
	free(e->id);
	free(e->refs);
	free(e);
}

static void
skip(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	    *ps->p == '\r')
		ps->p++;
}

static void
fail(struct parser *ps, const char *what)
{
	if (ps->err == NULL)
		ps->err = xasprintf("Syntax error in expression at position "
		    "%d: %s", (int)(ps->p - ps->s) + 1, what);
}

static bool
accept(struct parser *ps, char c)
{
	skip(ps);
	if (*ps->p == c) {
		ps->p++;
		return true;
	}
	return false;
}

/* Comma-separated list up to `close`; the opener is consumed. */
static bool
parse_list(struct parser *ps, struct mm_expr *into, char close)
{
	struct mm_expr *a;

	if (accept(ps, close))
		return true;
	for (;;) {
		if ((a = parse_expr(ps)) == NULL)
			return false;
		add_arg(into, a);
		if (accept(ps, ','))
			continue;
		if (accept(ps, close))
			return true;
		fail(ps, close == ')' ? "expected ',' or ')'" :
		    "expected ',' or ']'");
		return false;
	}
}

static struct mm_expr *
parse_primary(struct parser *ps)
{
	struct mm_expr *e;
	const char *start;
	char *end, *word;
	size_t i, len;

	skip(ps);
	if (*ps->p == '(') {
		ps->p++;
		if ((e = parse_expr(ps)) == NULL)
			return NULL;
		if (!accept(ps, ')')) {
			fail(ps, "expected ')'");
			mm_free(e);
			return NULL;
		}
		return e;
	}
	if (*ps->p == '[') {
		ps->p++;
		e = node(N_ARRAY);
		if (!parse_list(ps, e, ']') || e->nargs == 0) {
			fail(ps, "empty array");
			mm_free(e);
			return NULL;
		}
		return e;
	}
	if (isdigit((unsigned char)*ps->p) || *ps->p == '.') {
		e = node(N_NUM);
		e->num = strtod(ps->p, &end);
		if (end == ps->p || !isfinite(e->num)) {
			fail(ps, "bad number");
			mm_free(e);
			return NULL;
		}
		ps->p = end;
		return e;
	}
	if (isalpha((unsigned char)*ps->p) || *ps->p == '_') {
		start = ps->p;
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
			ps->p++;
		len = (size_t)(ps->p - start);
		word = xstrndup(start, len);
		skip(ps);
		if (*ps->p == '(') {
			for (i = 0; i < nitems(fn_names); i++) {
				if (strcmp(word, fn_names[i]) == 0)
					break;
			}
			if (i == nitems(fn_names)) {
				free(word);
				fail(ps, "unknown function");
				return NULL;
			}
			free(word);
			ps->p++;
			e = node(N_CALL);
			e->fn = (enum fn)i;
			if (!parse_list(ps, e, ')')) {
				mm_free(e);
				return NULL;
			}
			return e;
		}
		e = node(N_REF);
		e->id = word;
		return e;
	}
	fail(ps, *ps->p == '\0' ? "unexpected end of expression" :
	    "unexpected character");
	return NULL;
}

static struct mm_expr *
parse_unary(struct parser *ps)
{
	struct mm_expr *e, *a;

	if (++ps->depth > MM_MAX_DEPTH) {
		fail(ps, "expression nested too deeply");
		return NULL;
	}
	if (accept(ps, '-')) {
		if ((a = parse_unary(ps)) == NULL)
			return NULL;
		e = node(N_NEG);
		add_arg(e, a);
	} else
		e = parse_primary(ps);
	ps->depth--;
	return e;
}

static struct mm_expr *
binary(int op, struct mm_expr *l, struct mm_expr *r)
{
	struct mm_expr *e = node(N_BIN);

	e->op = op;
	add_arg(e, l);
	add_arg(e, r);
	return e;
}

static struct mm_expr *
parse_prod(struct parser *ps)
{
	struct mm_expr *l, *r;
	int op;

	if ((l = parse_unary(ps)) == NULL)
		return NULL;
	for (;;) {
		skip(ps);
		if (*ps->p != '*' && *ps->p != '/')
			return l;
		op = *ps->p++;
		if ((r = parse_unary(ps)) == NULL) {
			mm_free(l);
			return NULL;
		}
		l = binary(op, l, r);
	}
}

static struct mm_expr *
parse_sum(struct parser *ps)
{
	struct mm_expr *l, *r;
	int op;

	if ((l = parse_prod(ps)) == NULL)
		return NULL;
	for (;;) {
		skip(ps);
		if (*ps->p != '+' && *ps->p != '-')
			return l;
		op = *ps->p++;
		if ((r = parse_prod(ps)) == NULL) {
			mm_free(l);
			return NULL;
		}
		l = binary(op, l, r);
	}
}

static struct mm_expr *
parse_expr(struct parser *ps)
{
	struct mm_expr *l, *r;
	int op = 0;

	if (++ps->depth > MM_MAX_DEPTH) {
		fail(ps, "expression nested too deeply");
		return NULL;
	}
	if ((l = parse_sum(ps)) == NULL)
		return NULL;
	skip(ps);
	if (ps->p[0] == '>' && ps->p[1] == '=')
		op = 'g';
	else if (ps->p[0] == '<' && ps->p[1] == '=')
		op = 'l';
	else if (ps->p[0] == '=' && ps->p[1] == '=')
		op = 'e';
	else if (ps->p[0] == '!' && ps->p[1] == '=')
		op = 'n';
	else if (ps->p[0] == '>' || ps->p[0] == '<')
		op = ps->p[0];
	if (op != 0) {
		ps->p += (op == '>' || op == '<') ? 1 : 2;
		if ((r = parse_sum(ps)) == NULL) {
			mm_free(l);
			return NULL;
		}
		l = binary(op, l, r);
	}
	ps->depth--;
	return l;
}

static void
collect_refs(struct mm_expr *root, const struct mm_expr *e)
{
	size_t i;

	if (e->type == N_REF) {
		for (i = 0; i < root->nrefs; i++) {
			if (strcmp(root->refs[i], e->id) == 0)
				return;
		}
		root->refs = xreallocarray(root->refs, root->nrefs + 1,
		    sizeof *root->refs);
		root->refs[root->nrefs++] = e->id;
	}
	for (i = 0; i < e->nargs; i++)
		collect_refs(root, e->args[i]);
}

struct mm_expr *
mm_parse(const char *s, char **cause)
{
	struct parser ps = { s, s, NULL, 0 };
	struct mm_expr *e;

	if (s == NULL || strlen(s) > MM_MAX_LEN) {
		*cause = xstrdup("Expression is empty or too long");
		return NULL;
	}
	e = parse_expr(&ps);
	if (e != NULL) {
		skip(&ps);
		if (*ps.p != '\0') {
			fail(&ps, "unexpected trailing input");
			mm_free(e);
			e = NULL;
		}
	}
	if (e == NULL) {
		*cause = ps.err != NULL ? ps.err : xstrdup("Syntax error");
		return NULL;
	}
	free(ps.err);
	collect_refs(e, e);
	return e;
}

size_t
mm_refs(const struct mm_expr *e, const char ***ids)
{
	*ids = e->refs;
	return e->nrefs;
}

/* ---- evaluation --------------------------------------------------------- */

enum val_kind { V_SCALAR, V_SERIES, V_ARRAY };

struct val {
	enum val_kind kind;
	double s;
	double *v;			/* V_SERIES: n points, owned */
	struct val *items;		/* V_ARRAY */
	size_t nitems;
};

struct ev {
	size_t n;
	mm_lookup_fn lookup;
	void *arg;
	char *err;
};

static void
val_clear(struct val *v)
{
	size_t i;

	free(v->v);
	for (i = 0; i < v->nitems; i++)
		val_clear(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof *v);
}

static double
at(const struct val *v, size_t i)
{
	return v->kind == V_SCALAR ? v->s : v->v[i];
}

static double
apply(int op, double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	switch (op) {
	case '+': return a + b;
	case '-': return a - b;
	case '*': return a * b;
	case '/': return b == 0 ? NAN : a / b;
	case '>': return a > b;
	case '<': return a < b;
	case 'g': return a >= b;
	case 'l': return a <= b;
	case 'e': return a == b;
	case 'n': return a != b;
	}
	return NAN;
}

static int eval(struct ev *ev, const struct mm_expr *e, struct val *out);

/* Flatten arguments of an aggregate into series/scalars. */
static int
aggregate(struct ev *ev, const struct mm_expr *e, struct val *out)
{
	struct val args[32], *list;
	size_t nlist, i, j, k, cnt;
	int rc = -1;
	double acc, x;

	if (e->nargs == 0 || e->nargs > nitems(args)) {
		ev->err = xasprintf("%s takes 1 to %zu arguments",
		    fn_names[e->fn], nitems(args));
		return -1;
	}
	memset(args, 0, sizeof args);
	for (i = 0; i < e->nargs; i++) {
		if (eval(ev, e->args[i], &args[i]) < 0)
			goto out;
	}
	if (e->nargs == 1 && args[0].kind == V_ARRAY) {
		list = args[0].items;
		nlist = args[0].nitems;
	} else {
		list = args;
		nlist = e->nargs;
	}
	for (i = 0; i < nlist; i++) {
		if (list[i].kind == V_ARRAY) {
			ev->err = xasprintf("%s: nested arrays are not "
			    "supported", fn_names[e->fn]);
			goto out;
		}
	}
	if (nlist == 1 && list[0].kind == V_SERIES) {
		/* Aggregate of one series: a scalar over its points. */
		acc = e->fn == F_MIN ? INFINITY : e->fn == F_MAX ? -INFINITY : 0;
		cnt = 0;
		for (j = 0; j < ev->n; j++) {
			x = list[0].v[j];
			if (isnan(x))
				continue;
			cnt++;
			if (e->fn == F_MIN)
				acc = x < acc ? x : acc;
			else if (e->fn == F_MAX)
				acc = x > acc ? x : acc;
			else
				acc += x;
		}
		out->kind = V_SCALAR;
		out->s = cnt == 0 ? NAN : e->fn == F_AVG ? acc / (double)cnt :
		    acc;
		rc = 0;
		goto out;
	}
	out->kind = V_SERIES;
	out->v = xreallocarray(NULL, ev->n ? ev->n : 1, sizeof *out->v);
	for (j = 0; j < ev->n; j++) {
		acc = e->fn == F_MIN ? INFINITY : e->fn == F_MAX ? -INFINITY : 0;
		cnt = 0;
		for (k = 0; k < nlist; k++) {
			x = at(&list[k], j);
			if (isnan(x))
				continue;
			cnt++;
			if (e->fn == F_MIN)
				acc = x < acc ? x : acc;
			else if (e->fn == F_MAX)
				acc = x > acc ? x : acc;
			else
				acc += x;
		}
		out->v[j] = cnt == 0 ? NAN : e->fn == F_AVG ?
		    acc / (double)cnt : acc;
	}
	rc = 0;
out:
	for (i = 0; i < e->nargs; i++)
		val_clear(&args[i]);
	return rc;
}

/* Make v a series (copying a scalar across the grid). */
static void
to_series(struct ev *ev, struct val *v)
{
	size_t i;

	if (v->kind == V_SERIES)
		return;
	v->v = xreallocarray(NULL, ev->n ? ev->n : 1, sizeof *v->v);
	for (i = 0; i < ev->n; i++)
		v->v[i] = v->s;
	v->kind = V_SERIES;
}

static int
eval_call(struct ev *ev, const struct mm_expr *e, struct val *out)
{
	struct val a, b, c;
	size_t i;
	int rc = -1;

	switch (e->fn) {
	case F_SUM: case F_AVG: case F_MIN: case F_MAX:
		return aggregate(ev, e, out);
	case F_ABS:
	case F_FILL:
	case F_IF:
		break;
	}
	if ((e->fn == F_ABS && e->nargs != 1) ||
	    (e->fn == F_FILL && e->nargs != 2) ||
	    (e->fn == F_IF && e->nargs != 3)) {
		ev->err = xasprintf("%s: wrong number of arguments",
		    fn_names[e->fn]);
		return -1;
	}
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	if (eval(ev, e->args[0], &a) < 0)
		goto out;
	if (e->nargs > 1 && eval(ev, e->args[1], &b) < 0)
		goto out;
	if (e->nargs > 2 && eval(ev, e->args[2], &c) < 0)
		goto out;
	if (a.kind == V_ARRAY || b.kind == V_ARRAY || c.kind == V_ARRAY) {
		ev->err = xasprintf("%s does not take an array",
		    fn_names[e->fn]);
		goto out;
	}
	if (e->fn == F_ABS) {
		*out = a;
		memset(&a, 0, sizeof a);
		if (out->kind == V_SCALAR)
			out->s = fabs(out->s);
		else
			for (i = 0; i < ev->n; i++)
				out->v[i] = fabs(out->v[i]);
		rc = 0;
		goto out;
	}
	if (e->fn == F_FILL) {
		to_series(ev, &a);
		for (i = 0; i < ev->n; i++) {
			if (isnan(a.v[i]))
				a.v[i] = at(&b, i);
		}
		*out = a;
		memset(&a, 0, sizeof a);
		rc = 0;
		goto out;
	}
	/* IF(cond, then, else): missing condition -> missing point. */
	to_series(ev, &a);
	for (i = 0; i < ev->n; i++) {
		double cond = a.v[i];

		a.v[i] = isnan(cond) ? NAN : cond != 0 ? at(&b, i) : at(&c, i);
	}
	*out = a;
	memset(&a, 0, sizeof a);
	rc = 0;
out:
	val_clear(&a);
	val_clear(&b);
	val_clear(&c);
	return rc;
}

static int
eval(struct ev *ev, const struct mm_expr *e, struct val *out)
{
	struct val l, r;
	const double *src;
	size_t i;

	memset(out, 0, sizeof *out);
	switch (e->type) {
	case N_NUM:
		out->kind = V_SCALAR;
		out->s = e->num;
		return 0;
	case N_REF:
		src = ev->lookup(ev->arg, e->id);
		if (src == NULL) {
			ev->err = xasprintf("Unrecognized metric id or "
			    "function: %s", e->id);
			return -1;
		}
		out->kind = V_SERIES;
		out->v = xreallocarray(NULL, ev->n ? ev->n : 1,
		    sizeof *out->v);
		if (ev->n > 0)
			memcpy(out->v, src, ev->n * sizeof *out->v);
		return 0;
	case N_NEG:
		if (eval(ev, e->args[0], out) < 0)
			return -1;
		if (out->kind == V_ARRAY) {
			ev->err = xstrdup("Cannot negate an array");
			val_clear(out);
			return -1;
		}
		if (out->kind == V_SCALAR)
			out->s = -out->s;
		else
			for (i = 0; i < ev->n; i++)
				out->v[i] = -out->v[i];
		return 0;
	case N_BIN:
		if (eval(ev, e->args[0], &l) < 0)
			return -1;
		if (eval(ev, e->args[1], &r) < 0) {
			val_clear(&l);
			return -1;
		}
		if (l.kind == V_ARRAY || r.kind == V_ARRAY) {
			ev->err = xstrdup("Arithmetic on arrays is not "
			    "supported");
			val_clear(&l);
			val_clear(&r);
			return -1;
		}
		if (l.kind == V_SCALAR && r.kind == V_SCALAR) {
			out->kind = V_SCALAR;
			out->s = apply(e->op, l.s, r.s);
			return 0;
		}
		out->kind = V_SERIES;
		out->v = xreallocarray(NULL, ev->n ? ev->n : 1,
		    sizeof *out->v);
		for (i = 0; i < ev->n; i++)
			out->v[i] = apply(e->op, at(&l, i), at(&r, i));
		val_clear(&l);
		val_clear(&r);
		return 0;
	case N_CALL:
		return eval_call(ev, e, out);
	case N_ARRAY:
		out->kind = V_ARRAY;
		out->items = xcalloc(e->nargs, sizeof *out->items);
		for (i = 0; i < e->nargs; i++) {
			if (eval(ev, e->args[i], &out->items[i]) < 0) {
				out->nitems = i;
				val_clear(out);
				return -1;
			}
			out->nitems = i + 1;
		}
		return 0;
	}
	return -1;
}

int
mm_eval(const struct mm_expr *e, size_t n, mm_lookup_fn lookup, void *arg,
    double *out, char **cause)
{
	struct ev ev = { n, lookup, arg, NULL };
	struct val v;
	size_t i;

	if (eval(&ev, e, &v) < 0) {
		*cause = ev.err != NULL ? ev.err : xstrdup("Evaluation error");
		return -1;
	}
	if (v.kind == V_ARRAY) {
		val_clear(&v);
		*cause = xstrdup("The expression must return a single time "
		    "series, not an array");
		return -1;
	}
	for (i = 0; i < n; i++) {
		double x = at(&v, i);

		out[i] = isfinite(x) ? x : NAN;
	}
	val_clear(&v);
	return 0;
}
