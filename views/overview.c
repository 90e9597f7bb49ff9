/* Overview of one environment: services, data stores and edge, alarms, cost. */
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

#define MAX_ROWS 32

/* View state (UI thread only). */
static struct {
	size_t sel;
	char *filter;
	int table_y; /* screen row of the first service row */
	size_t nrows;
	char *roles[MAX_ROWS]; /* roles as last drawn, for keys and clicks */
} ov;

enum {
	C_NAME,
	C_STATUS,
	C_INST,
	C_REQ,
	C_P50,
	C_P99,
	C_4XX,
	C_5XX,
	C_CPU,
	C_MEM,
	C_SPARK,
	C_NCOLS
};

static const struct table_col cols_default[C_NCOLS] = {
    [C_NAME] = {"SERVICE", 9, false, false, 0, 0, 0},
    [C_STATUS] = {"STATUS", 9, false, false, 0, 0, 0},
    [C_INST] = {"INST", 7, false, false, 0, 0, 0},
    [C_REQ] = {"REQ/S", 6, true, false, 0, 0, 0},
    [C_P50] = {"P50", 5, true, false, 3, 0, 0},
    [C_P99] = {"P99", 5, true, false, 0, 0, 0},
    [C_4XX] = {"4XX", 5, true, false, 2, 0, 0},
    [C_5XX] = {"5XX", 5, true, false, 0, 0, 0},
    [C_CPU] = {"CPU", 4, true, false, 4, 0, 0},
    [C_MEM] = {"MEM", 4, true, false, 5, 0, 0},
    [C_SPARK] = {"REQ 1H", 6, false, true, 1, 0, 0},
};

static const char *infra_names[INFRA_COUNT] = {
    [INFRA_RDS] = "RDS",
    [INFRA_REDIS] = "Redis",
    [INFRA_CLOUDFRONT] = "CloudFront",
    [INFRA_ALB] = "ALB",
};

static void
overview_open(struct ui *ui, const char *arg)
{
	if (arg != NULL)
		ui_set_role(ui, arg);
}

static void
free_roles(void)
{
	size_t i;

	for (i = 0; i < ov.nrows; i++)
		free(ov.roles[i]);
	ov.nrows = 0;
}

static void
overview_close(struct ui *ui)
{
	free_roles();
}

/* Header line with the title and the age of two sources. */
static void
two_ages(struct ui *ui, int y, int x, int w, const char *title,
         const struct snapshot *a, const char *an, const struct snapshot *b,
         const char *bn)
{
	char age_a[64], age_b[64], right[160];
	enum ui_color ca, cb;
	int tw;

	tw = ui_put(ui, y, x, w, UC_ACCENT, title);
	ui_snapshot_age(ui, a, age_a, sizeof age_a, &ca);
	ui_snapshot_age(ui, b, age_b, sizeof age_b, &cb);
	snprintf(right, sizeof right, "%s %s  %s %s", an, age_a, bn, age_b);
	if (tw + 2 + text_width(right) > w)
		return;
	/* Draw the two parts in their own colours. */
	snprintf(right, sizeof right, "%s %s", bn, age_b);
	tw = text_width(right);
	ui_put_right(ui, y, x, w, cb, right);
	snprintf(right, sizeof right, "%s %s  ", an, age_a);
	ui_put_right(ui, y, x, w - tw, ca, right);
}

static int
draw_services(struct ui *ui, int y, int x, int h, int w, struct snapshot *ss,
              struct snapshot *ms)
{
	struct services_data *sd = view_data(ss);
	struct metrics_data *md = view_data(ms);
	const struct config_env *ce = &ui->cf->envs[ui->env];
	struct table_col cols[C_NCOLS];
	const struct service_info *si;
	const struct service_metrics *sm;
	const char *role;
	char buf[64], title[96];
	size_t i, nsrc;
	int row = y + 2, r;
	bool mstale = view_stale(ms), sstale = view_stale(ss);
	enum ui_color c;
	double v;

	snprintf(title, sizeof title, "%s services%s%s%s", ce->name,
	         ov.filter != NULL ? "  filter: " : "",
	         ov.filter != NULL ? ov.filter : "", "");
	two_ages(ui, y, x, w, title, ss, "state", ms, "metrics");
	memcpy(cols, cols_default, sizeof cols);
	table_layout(cols, C_NCOLS, w);
	table_header(ui, y + 1, x, cols, C_NCOLS, w);
	ov.table_y = row;

	free_roles();
	nsrc = sd != NULL ? sd->n : ce->nservices;
	for (i = 0; i < nsrc && ov.nrows < MAX_ROWS; i++) {
		role = sd != NULL ? sd->svcs[i].role : ce->services[i].role;
		if (role == NULL)
			continue;
		if (ov.filter != NULL &&
		    ui_strcasestr(role, ov.filter) == NULL &&
		    (sd == NULL || sd->svcs[i].name == NULL ||
		     ui_strcasestr(sd->svcs[i].name, ov.filter) == NULL))
			continue;
		ov.roles[ov.nrows++] = xstrdup(role);
	}
	if (ov.sel >= ov.nrows)
		ov.sel = ov.nrows > 0 ? ov.nrows - 1 : 0;
	if (ov.nrows > 0 &&
	    (ui->role == NULL || strcmp(ui->role, ov.roles[ov.sel]) != 0))
		ui_set_role(ui, ov.roles[ov.sel]);
	if (ov.nrows == 0)
		ui_put(ui, row++, x + 1, w - 1, UC_DIM,
		       ov.filter != NULL ? "no service matches the filter"
		                         : "no services");

	for (i = 0; i < ov.nrows && row < y + h; i++, row++) {
		role = ov.roles[i];
		si = view_service_for(sd, role);
		sm = view_metrics_for(md, role);
		table_cell(ui, row, x, &cols[C_NAME],
		           i == ov.sel ? UC_SELECT : UC_ACCENT, role);
		c = sstale ? UC_DIM : ui_status_color(si ? si->status : NULL);
		table_cell(ui, row, x, &cols[C_STATUS], c,
		           view_status_short(si ? si->status : NULL));
		if (cols[C_INST].x >= 0) {
			v = sm ? sm->last[MET_INSTANCES] : NAN;
			snprintf(buf, sizeof buf, "%2s",
			         isnan(v) ? "-"
			                  : fmt_num(v, title, sizeof title));
			r = ui_put(ui, row, x + cols[C_INST].x, 2,
			           mstale ? UC_DIM : UC_NORMAL, buf);
			if (si != NULL) {
				snprintf(buf, sizeof buf, " %d-%d",
				         si->min_size, si->max_size);
				ui_put(ui, row, x + cols[C_INST].x + r,
				       cols[C_INST].w - r, UC_DIM, buf);
			}
		}
#define VAL(col, kind, fn, warn, bad)                                          \
	do {                                                                   \
		v = sm ? sm->last[kind] : NAN;                                 \
		c = mstale ? UC_DIM : ui_level_color(v, warn, bad);            \
		table_cell(ui, row, x, &cols[col], c, fn(v, buf, sizeof buf)); \
	} while (0)
		VAL(C_REQ, MET_REQUESTS, fmt_num, INFINITY, INFINITY);
		VAL(C_P50, MET_LAT_P50, fmt_ms, 500, 1000);
		VAL(C_P99, MET_LAT_P99, fmt_ms, 1000, 2000);
		VAL(C_4XX, MET_4XX_PCT, fmt_pct, 5, 15);
		VAL(C_5XX, MET_5XX_PCT, fmt_pct, 0.5, 1);
		VAL(C_CPU, MET_CPU, fmt_pct, 70, 90);
		VAL(C_MEM, MET_MEM, fmt_pct, 75, 90);
#undef VAL
		if (cols[C_SPARK].x >= 0 && sm != NULL) {
			v = sm->last[MET_5XX_PCT];
			c = mstale ? UC_DIM : ui_level_color(v, 0.5, 1);
			ui_sparkline(ui, row, x + cols[C_SPARK].x,
			             cols[C_SPARK].w,
			             c == UC_NORMAL ? UC_CHART : c,
			             &sm->s[MET_REQUESTS], 0);
		}
	}
	return row - y;
}

static int
draw_infra(struct ui *ui, int y, int x, int h, int w, struct snapshot *ms)
{
	struct metrics_data *md = view_data(ms);
	const struct infra_row *ir;
	char val[32], cell[64];
	size_t i, j;
	int row = y + 1, cx, tw, spark = w >= 90 ? 12 : 0;
	enum ui_color c;
	bool stale = view_stale(ms);

	ui_pane_header(ui, y, x, w, "data stores and edge", ms);
	if (md == NULL || md->ninfra == 0) {
		ui_put(ui, row++, x + 1, w - 1, UC_DIM,
		       md == NULL ? "waiting for metrics" : "none configured");
		return row - y;
	}
	for (i = 0; i < md->ninfra && row < y + h; i++, row++) {
		ir = &md->infra[i];
		ui_put(ui, row, x, 11, UC_ACCENT, infra_names[ir->kind]);
		ui_put_cell(ui, row, x + 11, 24, UC_NORMAL, ir->name, false);
		cx = x + 36;
		for (j = 0; j < ir->nvals && j < 4; j++) {
			c = UC_NORMAL;
			if (ir->units[j] != NULL &&
			    strcmp(ir->units[j], "%") == 0)
				c = ui_level_color(ir->vals[j], 75, 90);
			if (stale)
				c = UC_DIM;
			fmt_num(ir->vals[j], val, sizeof val);
			if (isnan(ir->vals[j]))
				c = UC_DIM;
			snprintf(cell, sizeof cell, "%s %s%s",
			         ir->labels[j] ? ir->labels[j] : "", val,
			         ir->units[j] != NULL && !isnan(ir->vals[j])
			             ? ir->units[j]
			             : "");
			tw = text_width(cell);
			if (cx + tw > x + w - spark)
				break;
			ui_put(ui, row, cx, tw, c, cell);
			cx += tw + 2;
		}
		if (spark > 0)
			ui_sparkline(ui, row, x + w - spark, spark,
			             stale ? UC_DIM : UC_CHART, &ir->trend, 0);
	}
	return row - y;
}

static int
draw_alarms(struct ui *ui, int y, int x, int h, int w, struct snapshot *as)
{
	struct alarms_data *ad = view_data(as);
	const struct alarm_info *a;
	char title[64];
	size_t i;
	int row = y + 1;

	if (ad == NULL) {
		ui_pane_header(ui, y, x, w, "alarms", as);
		return 1;
	}
	snprintf(title, sizeof title, "alarms  %zu firing of %zu", ad->firing,
	         ad->n);
	ui_pane_header(ui, y, x, w, title, as);
	if (ad->firing == 0) {
		ui_put(ui, row++, x + 1, w - 1, view_stale(as) ? UC_DIM : UC_OK,
		       "all clear");
		return row - y;
	}
	for (i = 0; i < ad->n && row < y + h; i++) {
		a = &ad->alarms[i];
		if (a->state == NULL || strcmp(a->state, "ALARM") != 0)
			continue;
		ui_put(ui, row, x, 2, UC_BAD, ui_glyph(ui, G_BULLET));
		ui_put_cell(ui, row, x + 2, 34, UC_BAD, a->name, false);
		ui_put_cell(ui, row, x + 37, w - 37, UC_NORMAL, a->reason,
		            false);
		row++;
	}
	return row - y;
}

/* Operations of every service, newest first. */
struct op_ref {
	const struct service_info *si;
	const struct op_info *op;
};

static int
op_ref_cmp(const void *a, const void *b)
{
	const struct op_ref *x = a, *y = b;

	if (x->op->started_at != y->op->started_at)
		return x->op->started_at > y->op->started_at ? -1 : 1;
	return strcmp(x->si->role ? x->si->role : "",
	              y->si->role ? y->si->role : "");
}

static int
draw_ops(struct ui *ui, int y, int x, int h, int w, struct snapshot *ss)
{
	struct services_data *sd = view_data(ss);
	struct op_ref *refs;
	const struct op_info *o;
	char when[32], took[32];
	size_t i, k, n = 0, total = 0;
	int row = y + 1;
	int64_t now = ui->now_ms / 1000;

	if (sd == NULL || h < 2)
		return 0;
	for (i = 0; i < sd->n; i++)
		total += sd->svcs[i].nops;
	if (total == 0)
		return 0;
	refs = xcalloc(total, sizeof *refs);
	for (i = 0; i < sd->n; i++)
		for (k = 0; k < sd->svcs[i].nops; k++) {
			refs[n].si = &sd->svcs[i];
			refs[n].op = &sd->svcs[i].ops[k];
			n++;
		}
	qsort(refs, n, sizeof *refs, op_ref_cmp);
	ui_pane_header(ui, y, x, w, "recent operations", ss);
	for (i = 0; i < n && row < y + h; i++, row++) {
		o = refs[i].op;
		fmt_age(now - o->started_at, when, sizeof when);
		fmt_duration((o->ended_at > 0 ? o->ended_at : now) -
		                 o->started_at,
		             took, sizeof took);
		ui_put_cell(ui, row, x, 10, UC_ACCENT, refs[i].si->role, false);
		ui_put_cell(ui, row, x + 10, 18, UC_NORMAL, o->type, false);
		ui_put_cell(ui, row, x + 29, 20, ui_status_color(o->status),
		            o->status, false);
		ui_putf(ui, row, x + 50, w - 50, UC_DIM, "%-9s %s %s", when,
		        o->ended_at > 0 ? "took" : "running", took);
	}
	free(refs);
	return row - y;
}

static int
draw_cost(struct ui *ui, int y, int x, int h, int w, struct snapshot *cs)
{
	struct cost_data *cd = view_data(cs);
	const struct config_env *ce = &ui->cf->envs[ui->env];
	char mtd[32], fc[32], lo[32], hi[32], line[160];
	double blo, bhi, frac;
	int gw, fill, i, tw;
	enum ui_color c;

	ui_pane_header(ui, y, x, w, "cost this month", cs);
	if (cd == NULL || h < 2)
		return 1;
	c = view_budget(cd, ce, &blo, &bhi);
	fmt_money(cd->mtd, cd->currency, mtd, sizeof mtd);
	fmt_money(cd->forecast, cd->currency, fc, sizeof fc);
	fmt_money(blo, cd->currency, lo, sizeof lo);
	fmt_money(bhi, cd->currency, hi, sizeof hi);
	if (view_stale(cs))
		c = UC_DIM;
	snprintf(line, sizeof line, "MTD %s  forecast %s  budget %s-%s", mtd,
	         fc, lo, hi);
	tw = ui_put(ui, y + 1, x + 1, w - 1, UC_NORMAL, line);
	gw = w - tw - 5;
	if (gw > 30)
		gw = 30;
	if (gw >= 8 && bhi > 0) {
		frac = cd->mtd / bhi;
		fill = (int)(frac * gw + 0.5);
		if (fill > gw)
			fill = gw;
		for (i = 0; i < gw; i++)
			ui_put(ui, y + 1, x + tw + 3 + i, 1,
			       i < fill ? c : UC_DIM,
			       ui_glyph(ui, i < fill ? G_BLOCK : G_SHADE));
	}
	return 2;
}

static void
overview_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct snapshot *ss, *ms, *as, *cs;
	int used, bottom = y + h;

	ss = store_acquire(ui->st, ui->env, SRC_SERVICES);
	ms = store_acquire(ui->st, ui->env, SRC_METRICS);
	as = store_acquire(ui->st, ui->env, SRC_ALARMS);
	cs = store_acquire(ui->st, ui->env, SRC_COST);

	/*
	 * Top to bottom: services, data stores, alarms, cost.  Cost keeps
	 * its two rows (3 with the gap) whatever the height; the alarms
	 * list gets what is left.
	 */
	used = draw_services(ui, y, x + 1, h - 3, w - 2, ss, ms);
	y += used + 1;
	if (y + 3 < bottom - 3) {
		used = draw_infra(ui, y, x + 1, bottom - 3 - y - 3, w - 2, ms);
		y += used + 1;
	}
	if (y + 1 < bottom - 3) {
		used = draw_alarms(ui, y, x + 1, bottom - 3 - y, w - 2, as);
		y += used + 1;
	}
	if (y > bottom - 2)
		y = bottom - 2;
	draw_cost(ui, y, x + 1, 2, w - 2, cs);
	y += 3;
	if (y + 3 < bottom)
		draw_ops(ui, y, x + 1, bottom - y, w - 2, ss);

	snapshot_unref(ss);
	snapshot_unref(ms);
	snapshot_unref(as);
	snapshot_unref(cs);
}

static void
filter_done(struct ui *ui, const char *text)
{
	free(ov.filter);
	ov.filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	ov.sel = 0;
}

static int
overview_key(struct ui *ui, int key, const char *action)
{
	size_t row;

	if (key == KEY_MOUSE) {
		if (ui->mouse_y < ov.table_y)
			return 0;
		row = (size_t)(ui->mouse_y - ov.table_y);
		if (row >= ov.nrows)
			return 0;
		if (row == ov.sel) {
			ui_open_view(ui, &view_service, ov.roles[row]);
			return VIEW_HANDLED | VIEW_REDRAW;
		}
		ov.sel = row;
		ui_set_role(ui, ov.roles[row]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (action == NULL)
		return 0;
	if (table_move(&ov.sel, ov.nrows, 5, action)) {
		if (ov.sel < ov.nrows)
			ui_set_role(ui, ov.roles[ov.sel]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "select") == 0 && ov.sel < ov.nrows) {
		ui_open_view(ui, &view_service, ov.roles[ov.sel]);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "filter") == 0) {
		ui_prompt_open(ui, "filter services: ", ov.filter, filter_done);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "back") == 0 && ov.filter != NULL) {
		filter_done(ui, NULL);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return 0;
}

const struct view view_overview = {
    .name = "overview",
    .title = "Overview",
    .tab = true,
    .open = overview_open,
    .close = overview_close,
    .draw = overview_draw,
    .key = overview_key,
};
