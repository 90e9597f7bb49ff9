/* Compare: dev, staging and prod side by side, golden signals per service. */
#include <curses.h>
#include <math.h>
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
#define MAX_ROLES 16

/* View state (UI thread only). */
static struct {
	size_t sel;
	char *filter;
	int first_row_y;
	size_t nroles;
	char *roles[MAX_ROLES];
} cv;

/* The golden signals, in the order columns are given up when narrow. */
static const struct signal {
	const char *title;
	enum metric_kind kind;
	char *(*fmt)(double, char *, size_t);
	double warn, bad;
} signals[] = {
    {"req/s", MET_REQUESTS, fmt_num, INFINITY, INFINITY},
    {"p99", MET_LAT_P99, fmt_ms, 1000, 2000},
    {"5xx", MET_5XX_PCT, fmt_pct, 0.5, 1},
    {"cpu", MET_CPU, fmt_pct, 70, 90},
};

struct env_snaps {
	struct snapshot *svc, *met, *alm, *cost;
};

static void
compare_open(struct ui *ui, const char *arg)
{
}

static void
clear_roles(void)
{
	size_t i;

	for (i = 0; i < cv.nroles; i++)
		free(cv.roles[i]);
	cv.nroles = 0;
}

static void
compare_close(struct ui *ui)
{
	clear_roles();
}

static void
add_role(const char *role)
{
	size_t i;

	if (role == NULL || cv.nroles == MAX_ROLES)
		return;
	if (cv.filter != NULL && ui_strcasestr(role, cv.filter) == NULL)
		return;
	for (i = 0; i < cv.nroles; i++)
		if (strcmp(cv.roles[i], role) == 0)
			return;
	cv.roles[cv.nroles++] = xstrdup(role);
}

/* Short digest for display: the 12 hex digits after "sha256:". */
static void
short_digest(const struct service_info *si, char *out, size_t size)
{
	const char *d = si != NULL ? si->image_digest : NULL;
	const char *tag;

	if (d != NULL && str_starts_with(d, "sha256:"))
		snprintf(out, size, "%.12s", d + 7);
	else if (si != NULL && si->image != NULL &&
	         (tag = strrchr(si->image, ':')) != NULL)
		snprintf(out, size, "%s", tag + 1);
	else
		snprintf(out, size, "-");
}

static void
compare_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct env_snaps es[MAX_ENVS];
	int ne = ui->nenv < MAX_ENVS ? ui->nenv : MAX_ENVS;
	int rw = 10, gw, gx, e, row, i, cw, ncell, cx;
	size_t first;
	char buf[64], age[64];
	const struct service_info *si;
	const struct service_metrics *sm;
	struct services_data *sd;
	struct alarms_data *ad;
	struct cost_data *cd;
	enum ui_color c;
	size_t r, k;
	double v;
	bool stale;

	for (e = 0; e < ne; e++) {
		es[e].svc = store_acquire(ui->st, e, SRC_SERVICES);
		es[e].met = store_acquire(ui->st, e, SRC_METRICS);
		es[e].alm = store_acquire(ui->st, e, SRC_ALARMS);
		es[e].cost = store_acquire(ui->st, e, SRC_COST);
	}
	clear_roles();
	for (e = 0; e < ne; e++) {
		sd = view_data(es[e].svc);
		if (sd != NULL)
			for (k = 0; k < sd->n; k++)
				add_role(sd->svcs[k].role);
		else
			for (k = 0; k < ui->cf->envs[e].nservices; k++)
				add_role(ui->cf->envs[e].services[k].role);
	}
	if (cv.sel >= cv.nroles)
		cv.sel = cv.nroles > 0 ? cv.nroles - 1 : 0;

	x += 1;
	w -= 2;
	gw = (w - rw) / (ne > 0 ? ne : 1);
	/*
	 * Bullet, space, the signals that fit, a gap after.  Narrow
	 * terminals keep latency and errors, then traffic, then CPU.
	 */
	ncell = gw >= 30 ? 4 : gw >= 22 ? 3 : 2;
	cw = (gw - 3 - ncell) / ncell;
	if (cw > 8)
		cw = 8;
	first = ncell == 2 ? 1 : 0;
	ui_put(ui, y, x, w, UC_ACCENT,
	       cv.filter != NULL ? "compare environments  (filtered)"
	                         : "compare environments");
	ui_fill(ui, y + 1, x, w, UC_HEADER);
	ui_fill(ui, y + 2, x, w, UC_HEADER);
	ui_put(ui, y + 2, x, rw, UC_HEADER, "SERVICE");
	for (e = 0; e < ne; e++) {
		gx = x + rw + e * gw;
		ui_snapshot_age(ui, es[e].met, age, sizeof age, &c);
		cx = ui_put(ui, y + 1, gx + 2, gw - 2,
		            e == ui->env ? UC_TAB_ACTIVE : UC_HEADER,
		            ui_env_name(ui, e));
		if (2 + cx + 1 + text_width(age) < gw)
			ui_put_right(ui, y + 1, gx, gw - 1,
			             c == UC_DIM ? UC_HEADER : c, age);
		for (k = 0; k < (size_t)ncell; k++)
			ui_put_cell(ui, y + 2, gx + 2 + (int)k * (cw + 1), cw,
			            UC_HEADER, signals[first + k].title, true);
	}
	row = y + 3;
	cv.first_row_y = row;
	for (r = 0; r < cv.nroles && row < y + h - 6; r++, row++) {
		ui_put_cell(ui, row, x, rw - 1,
		            r == cv.sel ? UC_SELECT : UC_ACCENT, cv.roles[r],
		            false);
		for (e = 0; e < ne; e++) {
			const struct signal *sg;

			gx = x + rw + e * gw;
			si =
			    view_service_for(view_data(es[e].svc), cv.roles[r]);
			sm =
			    view_metrics_for(view_data(es[e].met), cv.roles[r]);
			stale = view_stale(es[e].met);
			c = ui_status_color(si ? si->status : NULL);
			ui_put(ui, row, gx, 1, c, ui_glyph(ui, G_BULLET));
			for (k = 0; k < (size_t)ncell; k++) {
				sg = &signals[first + k];
				v = sm ? sm->last[sg->kind] : NAN;
				ui_put_cell(ui, row, gx + 2 + (int)k * (cw + 1), cw,
				            stale ? UC_DIM
				                  : ui_level_color(v, sg->warn,
				                                   sg->bad),
				            sg->fmt(v, buf, sizeof buf), true);
			}
		}
	}

	/* Images: which build runs where (promote and rollback context). */
	row++;
	ui_put(ui, row++, x, w, UC_ACCENT, "running image (digest)");
	for (r = 0; r < cv.nroles && row < y + h - 3; r++, row++) {
		ui_put_cell(ui, row, x, rw - 1, UC_NORMAL, cv.roles[r], false);
		for (e = 0; e < ne; e++) {
			gx = x + rw + e * gw;
			si =
			    view_service_for(view_data(es[e].svc), cv.roles[r]);
			short_digest(si, buf, sizeof buf);
			ui_put_cell(ui, row, gx + 2, gw - 3, UC_DIM, buf,
			            false);
		}
	}

	/* Per-environment totals, under the images or at the bottom. */
	row++;
	if (row > y + h - 2)
		row = y + h - 2;
	ui_put(ui, row, x, rw, UC_ACCENT, "alarms");
	ui_put(ui, row + 1, x, rw, UC_ACCENT, "cost MTD");
	for (e = 0; e < ne; e++) {
		gx = x + rw + e * gw + 2;
		ad = view_data(es[e].alm);
		if (ad == NULL)
			ui_put(ui, row, gx, gw - 3, UC_DIM, "-");
		else if (ad->firing > 0)
			ui_putf(ui, row, gx, gw - 3, UC_BAD, "%s %zu firing",
			        ui_glyph(ui, G_BULLET), ad->firing);
		else
			ui_putf(ui, row, gx, gw - 3,
			        view_stale(es[e].alm) ? UC_DIM : UC_OK,
			        "OK (%zu)", ad->n);
		cd = view_data(es[e].cost);
		if (cd != NULL) {
			char fc[32];

			fmt_money(cd->mtd, cd->currency, buf, sizeof buf);
			fmt_money(cd->forecast, cd->currency, fc, sizeof fc);
			c = cd->budget_high > 0 &&
			            cd->forecast > cd->budget_high
			        ? UC_BAD
			        : UC_NORMAL;
			if (text_width(buf) + text_width(fc) + 3 <= gw - 3)
				ui_putf(ui, row + 1, gx, gw - 3, c, "%s %s %s",
				        buf, ui_glyph(ui, G_ARROW), fc);
			else
				ui_put(ui, row + 1, gx, gw - 3, c, buf);
		} else
			ui_put(ui, row + 1, gx, gw - 3, UC_DIM, "-");
	}
	for (i = 0; i < ne; i++) {
		snapshot_unref(es[i].svc);
		snapshot_unref(es[i].met);
		snapshot_unref(es[i].alm);
		snapshot_unref(es[i].cost);
	}
}

static void
filter_done(struct ui *ui, const char *text)
{
	free(cv.filter);
	cv.filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	cv.sel = 0;
}

static int
compare_key(struct ui *ui, int key, const char *action)
{
	size_t row;

	if (key == KEY_MOUSE) {
		if (ui->mouse_y < cv.first_row_y)
			return 0;
		row = (size_t)(ui->mouse_y - cv.first_row_y);
		if (row >= cv.nroles)
			return 0;
		cv.sel = row;
		ui_set_role(ui, cv.roles[row]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (action == NULL)
		return 0;
	if (table_move(&cv.sel, cv.nroles, 5, action)) {
		if (cv.sel < cv.nroles)
			ui_set_role(ui, cv.roles[cv.sel]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "select") == 0 && cv.sel < cv.nroles) {
		ui_open_view(ui, &view_service, cv.roles[cv.sel]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "filter") == 0) {
		ui_prompt_open(ui, "filter services: ", cv.filter, filter_done);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return 0;
}

const struct view view_compare = {
    .name = "compare",
    .title = "Compare",
    .tab = true,
    .open = compare_open,
    .close = compare_close,
    .draw = compare_draw,
    .key = compare_key,
};
