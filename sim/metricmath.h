/* CloudWatch metric math: a small parser and point-wise evaluator. */
#ifndef MOMENTUM_SIM_METRICMATH_H
#define MOMENTUM_SIM_METRICMATH_H

#include <stdbool.h>
#include <stddef.h>

struct mm_expr;

/*
 * Parse an expression such as "100*m1/m2", "SUM([m1, m2])",
 * "FILL(m1, 0)", "IF(m1 > 5, 1, 0)" or "-(e1 + 2)".  Grammar:
 *	expr := cmp ; cmp := sum [(>|<|>=|<=|==|!=) sum]
 *	sum := prod {(+|-) prod} ; prod := unary {(*|/) unary}
 *	unary := -unary | primary ; primary := number | id | (expr)
 *	    | [expr, ...] | FUNC(expr, ...)
 * Functions: SUM AVG MIN MAX FILL ABS IF.  Returns NULL and *cause
 * (caller frees) on a syntax error.
 */
struct mm_expr *mm_parse(const char *s, char **cause);
void mm_free(struct mm_expr *e);

/* The ids the expression references, in order of first use (borrowed). */
size_t mm_refs(const struct mm_expr *e, const char ***ids);

/*
 * Look up the series of an id on the common grid of n points (NAN =
 * missing).  Returns NULL for an unknown id.
 */
typedef const double *(*mm_lookup_fn)(void *arg, const char *id);

/*
 * Evaluate point-wise over n points into out[n]; NAN marks a missing
 * point (any operation on a missing point is missing; x/0 is missing).
 * An aggregate of a single series (SUM(m1)) is a scalar, repeated over
 * the grid.  Returns -1 and *cause on an unknown id or a type error.
 */
int mm_eval(const struct mm_expr *e, size_t n, mm_lookup_fn lookup,
    void *arg, double *out, char **cause);

#endif
