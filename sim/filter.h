/* CloudWatch Logs filter patterns: terms, phrases, ?alternatives, JSON. */
#ifndef MOMENTUM_SIM_FILTER_H
#define MOMENTUM_SIM_FILTER_H

#include <stdbool.h>

struct sim_filter;

/*
 * Compile a filter pattern.  Supported:
 *   ERROR timeout          every term must occur (case-sensitive)
 *   "connection reset"     a quoted phrase is one term
 *   ?ERROR ?WARN           at least one of the ?terms must occur
 *   ERROR -healthcheck     no -term may occur
 *   %5\d\d%                a regular expression term (POSIX ERE)
 *   { $.level = "ERROR" }  JSON: = != on strings (with * wildcards),
 *                          = != < <= > >= on numbers, IS TRUE/FALSE/NULL,
 *                          EXISTS / NOT EXISTS, && || and parentheses
 * An empty pattern matches everything.  NULL and *cause (caller frees)
 * on a bad pattern.
 */
struct sim_filter *sim_filter_parse(const char *pattern, char **cause);
bool sim_filter_match(const struct sim_filter *f, const char *message);
void sim_filter_free(struct sim_filter *f);

#endif
