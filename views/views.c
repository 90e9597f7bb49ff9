/* The list of views, in tab-bar order; adding a view is one line here. */
#include <string.h>

#include "ui/ui.h"
#include "views/actions.h"
#include "views/view.h"

const struct view *const views_all[] = {
	&view_overview,
	&view_compare,
	&view_alarms,
	&view_logs,
	&view_cost,
	&view_service,
	&view_help,
	&view_wallboard,
	NULL
};

const struct view *
views_find(const char *name)
{
	const struct view *const *v;

	for (v = views_all; *v != NULL; v++)
		if (strcmp((*v)->name, name) == 0)
			return *v;
	return NULL;
}

/*
 * Hook for modules that join the console later: the actions module
 * sets ui->action here, e.g. `ui->action = action_ui_run;`.
 */
void
views_init(struct ui *ui)
{
	actions_init(ui);
}

/* Once per frame, before drawing: modules pick up their threads' results. */
void
views_frame(struct ui *ui)
{
	actions_frame(ui);
}

/* At exit, after the terminal is restored: modules stop their threads. */
void
views_fini(struct ui *ui)
{
	actions_fini(ui);
}

const struct view *
views_start(struct ui *ui)
{
	const struct view *v;

	if (ui->wallboard && (v = views_find("wallboard")) != NULL)
		return v;
	return &view_overview;
}
