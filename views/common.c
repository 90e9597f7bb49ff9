/* Small helpers the views share: lookups by role, status words, staleness. */
#include <string.h>

#include "model/model.h"
#include "config/config.h"
#include "model/snapshot.h"
#include "ui/ui.h"
#include "views/view.h"

const struct service_metrics *
view_metrics_for(const struct metrics_data *m, const char *role)
{
	size_t i;

	if (m == NULL || role == NULL)
		return NULL;
	for (i = 0; i < m->nsvcs; i++)
		if (m->svcs[i].role != NULL &&
		    strcmp(m->svcs[i].role, role) == 0)
			return &m->svcs[i];
	return NULL;
}

const struct service_info *
view_service_for(const struct services_data *d, const char *role)
{
	size_t i;

	if (d == NULL || role == NULL)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (d->svcs[i].role != NULL &&
		    strcmp(d->svcs[i].role, role) == 0)
			return &d->svcs[i];
	return NULL;
}

const char *
view_status_short(const char *st)
{
	if (st == NULL)
		return "-";
	if (strcmp(st, "OPERATION_IN_PROGRESS") == 0)
		return "UPDATING";
	if (strcmp(st, "CREATE_FAILED") == 0 ||
	    strcmp(st, "DELETE_FAILED") == 0)
		return "FAILED";
	return st;
}

void *
view_data(const struct snapshot *s)
{
	return s != NULL ? s->data : NULL;
}

bool
view_stale(const struct snapshot *s)
{
	return s != NULL && s->error != NULL;
}

int
view_budget(const struct cost_data *cd, const struct config_env *ce,
    double *lo, double *hi)
{
	*lo = cd->budget_high > 0 ? cd->budget_low : ce->budget_low;
	*hi = cd->budget_high > 0 ? cd->budget_high : ce->budget_high;
	if (*hi <= 0)
		return UC_NORMAL;
	if (cd->forecast > *hi)
		return UC_BAD;
	return cd->forecast > *lo ? UC_WARN : UC_OK;
}
