/* Alarms across every environment, firing first, with reason and history. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/model.h"
#include "model/snapshot.h"
#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

#define MAX_ENVS 8

/* View state (UI thread only). */
static struct {
	size_t sel, top;
	size_t nrows;
	char *filter;
	int first_row_y, list_h;
	int sel_env; /* environment and name of the selected alarm */
	char *sel_name;
} av = {.sel_env = -1};

struct arow {
	int env;
	const struct alarm_info *a;
};

enum { A_STATE, A_ENV, A_NAME, A_SINCE, A_REASON, A_NCOLS };

static const struct table_col cols_default[A_NCOLS] = {
    [A_STATE] = {"STATE", 6, false, false, 0, 0, 0},
    [A_ENV] = {"ENV", 8, false, false, 0, 0, 0},
    [A_NAME] = {"ALARM", 30, false, false, 0, 0, 0},
    [A_SINCE] = {"SINCE", 8, true, false, 1, 0, 0},
    [A_REASON] = {"REASON", 10, false, true, 2, 0, 0},
};

static int
state_rank(const char *s)
{
	if (s != NULL && strcmp(s, "ALARM") == 0)
		return 0;
	if (s != NULL && strcmp(s, "OK") == 0)
		return 2;
	return 1;
}

static int
arow_cmp(const void *pa, const void *pb)
{
	const struct arow *a = pa, *b = pb;
	int d = state_rank(a->a->state) - state_rank(b->a->state);

	if (d != 0)
		return d;
	if (a->env != b->env)
		return a->env - b->env;
	return strcmp(a->a->name ? a->a->name : "",
	              b->a->name ? b->a->name : "");
}

static void
alarms_open(struct ui *ui, const char *arg)
{
}

static void
alarms_close(struct ui *ui)
{
	free(av.sel_name);
	av.sel_name = NULL;
}

static void
draw_detail(struct ui *ui, int y, int x, int h, int w, const struct arow *r)
{
	struct textview tv = {0};
	char when[32];
	size_t i;

	tv.wrap = true;
	ui_hline(ui, y, x, w, UC_DIM);
	ui_putf(ui, y, x + 2, w - 4, UC_ACCENT, " %s / %s ",
	        ui_env_name(ui, r->env), r->a->name ? r->a->name : "");
	textview_add(&tv, ui_alarm_color(r->a->state), "%s  %s",
	             r->a->state ? r->a->state : "-",
	             r->a->metric ? r->a->metric : "");
	textview_add(&tv, UC_NORMAL, "%s", r->a->reason ? r->a->reason : "");
	if (r->a->nhist > 0)
		textview_add(&tv, UC_ACCENT, "history");
	for (i = 0; i < r->a->nhist; i++) {
		ui_clock(ui, r->a->hist[i].when * 1000, false, when,
		         sizeof when);
		textview_add(&tv, UC_DIM, "  %s  %s", when,
		             r->a->hist[i].summary ? r->a->hist[i].summary
		                                   : "");
	}
	textview_draw(ui, &tv, y + 1, x, h - 1, w);
	textview_clear(&tv);
}

static void
alarms_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct snapshot *snaps[MAX_ENVS];
	struct table_col cols[A_NCOLS];
	struct alarms_data *ad;
	struct arow *rows = NULL;
	size_t n = 0, cap = 0, i, firing = 0;
	int ne = ui->nenv < MAX_ENVS ? ui->nenv : MAX_ENVS, e, row, cx;
	char when[32], age[64];
	enum ui_color c;
	const struct arow *r;

	x += 1;
	w -= 2;
	for (e = 0; e < ne; e++) {
		snaps[e] = store_acquire(ui->st, e, SRC_ALARMS);
		ad = view_data(snaps[e]);
		if (ad == NULL)
			continue;
		for (i = 0; i < ad->n; i++) {
			if (av.filter != NULL &&
			    ui_strcasestr(ad->alarms[i].name, av.filter) ==
			        NULL)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				rows = xreallocarray(rows, cap, sizeof *rows);
			}
			rows[n].env = e;
			rows[n].a = &ad->alarms[i];
			if (state_rank(ad->alarms[i].state) == 0)
				firing++;
			n++;
		}
	}
	if (n > 0)
		qsort(rows, n, sizeof *rows, arow_cmp);
	av.nrows = n;
	if (av.sel >= n)
		av.sel = n > 0 ? n - 1 : 0;

	cx = ui_putf(ui, y, x, w, firing > 0 ? UC_BAD : UC_ACCENT,
	             "alarms  %zu firing of %zu%s%s", firing, n,
	             av.filter != NULL ? "  filter: " : "",
	             av.filter != NULL ? av.filter : "");
	/* Data age per environment, right-aligned. */
	{
		int rx = x + w;

		for (e = ne - 1; e >= 0; e--) {
			char part[96];

			ui_snapshot_age(ui, snaps[e], age, sizeof age, &c);
			snprintf(part, sizeof part, "  %s %s",
			         ui_env_name(ui, e), age);
			rx -= text_width(part);
			if (rx <= x + cx)
				break;
			ui_put(ui, y, rx, text_width(part), c, part);
		}
	}

	av.list_h = n > 0 && h >= 14 ? (h - 1) * 55 / 100 : h - 2;
	memcpy(cols, cols_default, sizeof cols);
	/* Names matter more than reasons: as wide as the longest, to w/2. */
	for (i = 0; i < n; i++) {
		int nw = text_width(rows[i].a->name);

		if (nw > cols[A_NAME].width)
			cols[A_NAME].width = nw;
	}
	if (cols[A_NAME].width > w / 2)
		cols[A_NAME].width = w / 2;
	if (cols[A_NAME].width < 20)
		cols[A_NAME].width = 20;
	table_layout(cols, A_NCOLS, w);
	table_header(ui, y + 1, x, cols, A_NCOLS, w);
	av.first_row_y = y + 2;
	table_scroll(&av.top, av.sel, n, av.list_h);
	row = y + 2;
	if (n == 0)
		ui_put(ui, row, x + 1, w - 1, UC_DIM,
		       av.filter != NULL ? "no alarm matches the filter"
		                         : "no alarms (yet)");
	for (i = av.top; i < n && row < y + 2 + av.list_h; i++, row++) {
		r = &rows[i];
		c = ui_alarm_color(r->a->state);
		if (view_stale(snaps[r->env]))
			c = UC_DIM;
		table_cell(ui, row, x, &cols[A_STATE], c,
		           state_rank(r->a->state) == 1 ? "INSUF"
		                                        : r->a->state);
		table_cell(ui, row, x, &cols[A_ENV], UC_NORMAL,
		           ui_env_name(ui, r->env));
		table_cell(ui, row, x, &cols[A_NAME],
		           i == av.sel ? UC_SELECT : UC_NORMAL, r->a->name);
		fmt_age(ui->now_ms / 1000 - r->a->updated_at, when,
		        sizeof when);
		table_cell(ui, row, x, &cols[A_SINCE], UC_DIM,
		           r->a->updated_at > 0 ? when : "-");
		table_cell(ui, row, x, &cols[A_REASON], UC_DIM, r->a->reason);
	}
	if (n > 0) {
		free(av.sel_name);
		av.sel_name = xstrdup(rows[av.sel].a->name);
		av.sel_env = rows[av.sel].env;
	}
	if (n > 0 && h >= 14)
		draw_detail(ui, y + 2 + av.list_h, x, h - 2 - av.list_h, w,
		            &rows[av.sel]);
	free(rows);
	for (e = 0; e < ne; e++)
		snapshot_unref(snaps[e]);
}

static void
filter_done(struct ui *ui, const char *text)
{
	free(av.filter);
	av.filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	av.sel = av.top = 0;
}

/*
 * Enter on an alarm opens the service it watches, when its name starts
 * with one of the environment's App Runner service names.
 */
static bool
open_alarm_service(struct ui *ui)
{
	const struct config_env *e;
	const char *name;
	size_t i, best = 0, blen = 0, len;

	if (av.sel_name == NULL || av.sel_env < 0 || av.sel_env >= ui->nenv)
		return false;
	e = &ui->cf->envs[av.sel_env];
	for (i = 0; i < e->nservices; i++) {
		name = e->services[i].service_name;
		if (name == NULL)
			continue;
		len = strlen(name);
		if (len > blen && strncmp(av.sel_name, name, len) == 0 &&
		    (av.sel_name[len] == '-' || av.sel_name[len] == '\0')) {
			best = i;
			blen = len;
		}
	}
	if (blen == 0) {
		ui_message(ui, false, "%s watches no App Runner service",
		           av.sel_name);
		return false;
	}
	ui_set_env(ui, av.sel_env);
	ui_open_view(ui, &view_service, e->services[best].role);
	return true;
}

static int
alarms_key(struct ui *ui, int key, const char *action)
{
	size_t row;

	if (key == KEY_MOUSE) {
		if (ui->mouse_y < av.first_row_y)
			return 0;
		row = av.top + (size_t)(ui->mouse_y - av.first_row_y);
		if (row >= av.nrows ||
		    ui->mouse_y >= av.first_row_y + av.list_h)
			return 0;
		av.sel = row;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (action == NULL)
		return 0;
	if (table_move(&av.sel, av.nrows, av.list_h, action))
		return VIEW_HANDLED | VIEW_REDRAW;
	if (strcmp(action, "select") == 0) {
		open_alarm_service(ui);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "filter") == 0) {
		ui_prompt_open(ui, "filter alarms: ", av.filter, filter_done);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "back") == 0 && av.filter != NULL) {
		filter_done(ui, NULL);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return 0;
}

const struct view view_alarms = {
    .name = "alarms",
    .title = "Alarms",
    .tab = true,
    .open = alarms_open,
    .close = alarms_close,
    .draw = alarms_draw,
    .key = alarms_key,
};
