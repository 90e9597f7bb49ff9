/* Screens of the console: each views/<name>.c exports one struct view. */
#ifndef MOMENTUM_VIEW_H
#define MOMENTUM_VIEW_H

#include <stdbool.h>

struct ui;

/* What a key handler did (htop's HandlerResult). 0 = not handled. */
#define VIEW_HANDLED	0x1
#define VIEW_REDRAW	0x2
#define VIEW_REFETCH	0x4	/* ask the pollers for fresh data now */

/*
 * A view keeps its state in static variables of its own file (one
 * instance each).  Every callback runs on the UI thread.
 *   open   the view comes on screen; arg from ":name arg" or NULL
 *   close  it leaves the screen
 *   draw   draw into the rectangle (y, x, h, w) from snapshots only
 *   key    handle a key; action is the key table's name for it in this
 *          view (NULL when unbound).  KEY_MOUSE comes with
 *          ui->mouse_y/mouse_x.  Returns VIEW_* flags.
 */
struct view {
	const char *name;	/* ":name" opens it */
	const char *title;	/* tab bar / header */
	bool tab;		/* listed in the tab bar */
	void (*open)(struct ui *ui, const char *arg);
	void (*close)(struct ui *ui);
	void (*draw)(struct ui *ui, int y, int x, int h, int w);
	int (*key)(struct ui *ui, int key, const char *action);
};

extern const struct view view_overview;
extern const struct view view_compare;
extern const struct view view_service;
extern const struct view view_alarms;
extern const struct view view_logs;
extern const struct view view_cost;
extern const struct view view_help;
extern const struct view view_wallboard;	/* views/wallboard.c */

/* Every view, NULL-terminated, in tab-bar order (views/views.c). */
extern const struct view *const views_all[];
/* View by name, or NULL. */
const struct view *views_find(const char *name);
/* One-time hook for view modules (sets ui->action and the like). */
void views_init(struct ui *ui);
/* Once per frame on the UI thread, before drawing (views/views.c). */
void views_frame(struct ui *ui);
/* At exit, after the terminal is restored and before the pollers stop. */
void views_fini(struct ui *ui);
/* The first view to show: the wallboard view when asked and present. */
const struct view *views_start(struct ui *ui);

/* ---- helpers shared by views (views/common.c) ---------------------- */

struct metrics_data;
struct services_data;
struct service_metrics;
struct service_info;
struct snapshot;

/* The metrics of a role, or NULL. */
const struct service_metrics *view_metrics_for(const struct metrics_data *m,
    const char *role);
/* The service of a role, or NULL. */
const struct service_info *view_service_for(const struct services_data *d,
    const char *role);
/* Short status word: RUNNING, UPDATING, PAUSED, FAILED, ... */
const char *view_status_short(const char *status);
/* Data of a snapshot, NULL when there is none. */
void *view_data(const struct snapshot *s);
/* True when the snapshot holds data that the last poll failed to renew. */
bool view_stale(const struct snapshot *s);

struct cost_data;
struct config_env;
/*
 * The budget range that applies (Cost data's own when it has one, else
 * the environment's from the config) into *lo and *hi, and the colour
 * of the forecast against it: over the top BAD, inside the range WARN,
 * below OK, no budget NORMAL.  Returns an enum ui_color.
 */
int view_budget(const struct cost_data *cd, const struct config_env *ce,
    double *lo, double *hi);

#endif
