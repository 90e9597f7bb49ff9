/* Service detail: braille charts over 1h-7d with deployment markers, image,
 * scaling, operations. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/model.h"
#include "model/snapshot.h"
#include "poll/poller.h"
#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

#define MAX_MARKERS 64

/* View state (UI thread only). */
static struct {
	enum detail_window window;
	int req_env; /* what was last requested from the poller */
	char *req_role;
	enum detail_window req_window;
} sv = {DETAIL_1H, -1, NULL, DETAIL_1H};

static void
service_open(struct ui *ui, const char *arg)
{
	if (arg != NULL)
		ui_set_role(ui, arg);
	sv.req_env = -1; /* ask again: the data may be old */
}

static void
service_close(struct ui *ui)
{
	free(sv.req_role);
	sv.req_role = NULL;
	sv.req_env = -1;
}

static void
request_detail(struct ui *ui)
{
	if (ui->role == NULL)
		return;
	if (sv.req_env == ui->env && sv.req_role != NULL &&
	    strcmp(sv.req_role, ui->role) == 0 && sv.req_window == sv.window)
		return;
	sv.req_env = ui->env;
	free(sv.req_role);
	sv.req_role = xstrdup(ui->role);
	sv.req_window = sv.window;
	if (ui->poller != NULL)
		poller_request_detail(ui->poller, ui->env, ui->role, sv.window);
}

static void
draw_header(struct ui *ui, int y, int x, int w, const struct service_info *si,
            struct snapshot *ss)
{
	char buf[160], age[64];
	const char *image, *p;
	char *cut;
	enum ui_color c;
	int cx;

	cx = ui_putf(ui, y, x, w, UC_ACCENT, "%s / %s",
	             ui_env_name(ui, ui->env), ui->role);
	if (si != NULL) {
		cx += ui_putf(ui, y, x + cx, w - cx, UC_NORMAL, "  %s  ",
		              si->name != NULL ? si->name : "");
		c = view_stale(ss) ? UC_DIM : ui_status_color(si->status);
		ui_putf(ui, y, x + cx, w - cx, c, "%s %s",
		        ui_glyph(ui, G_BULLET), si->status ? si->status : "-");
	}
	ui_snapshot_age(ui, ss, age, sizeof age, &c);
	ui_put_right(ui, y, x, w, c, age);
	if (si == NULL) {
		ui_put(ui, y + 1, x, w, UC_DIM,
		       "no state for this service yet");
		return;
	}
	/* The registry host says nothing an engineer needs: drop it. */
	image = si->image != NULL ? si->image : "-";
	if ((p = strstr(image, ".amazonaws.com/")) != NULL)
		image = p + strlen(".amazonaws.com/");
	cx = ui_put(ui, y + 1, x, w, UC_DIM, "image   ");
	cut = text_cut(
	    image,
	    w - cx - (si->image_digest != NULL ? 28 : 0) -
	        (si->image_tag != NULL ? text_width(si->image_tag) + 6 : 0));
	cx += ui_put(ui, y + 1, x + cx, w - cx, UC_NORMAL, cut);
	free(cut);
	if (si->image_tag != NULL && strstr(image, si->image_tag) == NULL)
		cx += ui_putf(ui, y + 1, x + cx, w - cx, UC_ACCENT, "  tag %s",
		              si->image_tag);
	if (si->image_digest != NULL && strstr(image, si->image_digest) == NULL)
		ui_putf(ui, y + 1, x + cx, w - cx, UC_DIM, "  digest %.19s%s",
		        si->image_digest,
		        strlen(si->image_digest) > 19 ? ui_glyph(ui, G_ELLIPSIS)
		                                      : "");
	snprintf(buf, sizeof buf, "min %d  max %d  concurrency %d",
	         si->min_size, si->max_size, si->max_concurrency);
	cx = ui_put(ui, y + 2, x, w, UC_DIM, "scaling ");
	cx += ui_put(ui, y + 2, x + cx, w - cx, UC_NORMAL, buf);
	if (si->asc_name != NULL)
		cx += ui_putf(ui, y + 2, x + cx, w - cx, UC_DIM,
		              "  (%s rev %d)", si->asc_name, si->asc_revision);
	if (si->cpu != NULL && si->memory != NULL && cx + 24 < w)
		ui_putf(ui, y + 2, x + cx, w - cx, UC_DIM, "  cpu %s  mem %s",
		        si->cpu, si->memory);
}

static void
draw_windows(struct ui *ui, int y, int x, int w, struct snapshot *ds, bool have)
{
	char label[16], age[64];
	enum ui_color c;
	int cx = 0, i;

	cx += ui_put(ui, y, x, w, UC_DIM, "window ");
	for (i = 0; i < DETAIL_COUNT; i++) {
		snprintf(label, sizeof label, " %s ",
		         detail_window_name((enum detail_window)i));
		cx +=
		    ui_put(ui, y, x + cx, w - cx,
		           i == (int)sv.window ? UC_TAB_ACTIVE : UC_TAB, label);
		cx++;
	}
	cx += ui_putf(ui, y, x + cx, w - cx, UC_DIM,
	              "  h/l change  %s "
	              "deployment",
	              ui_glyph(ui, G_UP));
	if (!have) {
		ui_put_right(ui, y, x, w, UC_DIM, "loading");
		return;
	}
	ui_snapshot_age(ui, ds, age, sizeof age, &c);
	if (cx + text_width(age) + 2 < w)
		ui_put_right(ui, y, x, w, c, age);
}

static void
draw_ops(struct ui *ui, int y, int x, int h, int w,
         const struct service_info *si)
{
	const struct op_info *o;
	char when[32], took[32];
	size_t i;
	int64_t now = ui->now_ms / 1000, end;

	ui_put(ui, y, x, w, UC_ACCENT, "recent operations");
	if (si == NULL || si->nops == 0) {
		ui_put(ui, y + 1, x + 1, w - 1, UC_DIM, "none");
		return;
	}
	for (i = 0; i < si->nops && (int)i < h - 1; i++) {
		o = &si->ops[i];
		fmt_age(now - o->started_at, when, sizeof when);
		end = o->ended_at > 0 ? o->ended_at : now;
		fmt_duration(end - o->started_at, took, sizeof took);
		ui_put_cell(ui, y + 1 + (int)i, x + 1, 18, UC_NORMAL, o->type,
		            false);
		ui_put_cell(ui, y + 1 + (int)i, x + 20, 20,
		            ui_status_color(o->status), o->status, false);
		ui_putf(ui, y + 1 + (int)i, x + 41, w - 41, UC_DIM,
		        "%-9s took %s", when, took);
	}
}

static void
service_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct snapshot *ss, *ms, *ds;
	struct detail_data *dd;
	struct metrics_data *md;
	const struct service_info *si;
	const struct service_metrics *sm = NULL;
	struct chart_marker marks[MAX_MARKERS];
	struct chart ch[6];
	size_t nm = 0, i;
	int64_t start = 0, end = 0;
	int opsh, chh, cols, cw, k, nch;
	bool have = false;
	enum ui_color mc;

	x += 1;
	w -= 2;
	if (ui->role == NULL && ui->cf->envs[ui->env].nservices > 0)
		ui_set_role(ui, ui->cf->envs[ui->env].services[0].role);
	if (ui->role == NULL) {
		ui_put(ui, y, x, w, UC_DIM, "no service selected");
		return;
	}
	request_detail(ui);
	ss = store_acquire(ui->st, ui->env, SRC_SERVICES);
	ms = store_acquire(ui->st, ui->env, SRC_METRICS);
	ds = store_acquire(ui->st, ui->env, SRC_DETAIL);
	si = view_service_for(view_data(ss), ui->role);

	dd = view_data(ds);
	if (dd != NULL && dd->role != NULL && strcmp(dd->role, ui->role) == 0 &&
	    dd->window == sv.window) {
		sm = &dd->m;
		start = dd->range_start;
		end = dd->range_end;
		have = true;
	} else if (sv.window == DETAIL_1H && (md = view_data(ms)) != NULL) {
		sm = view_metrics_for(md, ui->role);
		start = md->range_start;
		end = md->range_end;
		have = sm != NULL;
		snapshot_unref(ds);
		ds = ms;
		snapshot_ref(ds);
	}

	draw_header(ui, y, x, w, si, ss);
	draw_windows(ui, y + 3, x, w, ds, have);

	if (si != NULL)
		for (i = 0; i < si->nops && nm < MAX_MARKERS; i++) {
			mc = ui_status_color(si->ops[i].status);
			marks[nm].t = si->ops[i].started_at;
			marks[nm].color = mc == UC_OK ? UC_MARKER : mc;
			nm++;
		}

	opsh = h >= 22 ? 5 : h >= 18 ? 3 : 0;
	if (si != NULL && si->nops + 1 < (size_t)opsh)
		opsh = (int)si->nops + 2;
	chh = h - 4 - opsh;
	cols = w >= 70 ? 2 : 1;
	nch = chh >= 27 ? 6 : chh >= 10 ? 4 : 2;
	if (cols == 1)
		nch = chh >= 20 ? 4 : 2;
	memset(ch, 0, sizeof ch);
	ch[0].title = "requests/s";
	ch[0].fmt = fmt_num;
	ch[1].title = "p99 latency";
	ch[1].fmt = fmt_ms;
	ch[2].title = "5xx %";
	ch[2].fmt = fmt_pct;
	ch[3].title = "CPU %";
	ch[3].fmt = fmt_pct;
	ch[3].max = 100;
	ch[4].title = "memory %";
	ch[4].fmt = fmt_pct;
	ch[4].max = 100;
	ch[5].title = "active instances";
	ch[5].fmt = fmt_num;
	for (k = 0; k < 6; k++) {
		static const enum metric_kind kinds[6] = {
		    MET_REQUESTS, MET_LAT_P99, MET_5XX_PCT,
		    MET_CPU,      MET_MEM,     MET_INSTANCES};

		ch[k].s = sm != NULL ? &sm->s[kinds[k]] : NULL;
		ch[k].start = start;
		ch[k].end = end;
		ch[k].color = k == 2 && sm != NULL &&
		                      ui_level_color(sm->last[MET_5XX_PCT], 0.5,
		                                     1) != UC_NORMAL
		                  ? UC_BAD
		                  : UC_CHART;
		if (view_stale(ds))
			ch[k].color = UC_DIM;
		ch[k].markers = marks;
		ch[k].nmarkers = nm;
	}
	if (!have && chh > 2)
		ui_put(ui, y + 4 + chh / 2, x + w / 2 - 10, 30, UC_DIM,
		       sv.window == DETAIL_1H ? "waiting for metrics"
		                              : "loading this window");
	else if (chh >= 6) {
		int rowsn = (nch + cols - 1) / cols, hh = chh / rowsn;

		cw = w / cols;
		for (k = 0; k < nch; k++)
			chart_draw(ui, y + 4 + (k / cols) * hh,
			           x + (k % cols) * cw, hh - (hh > 6 ? 1 : 0),
			           cw - (cols > 1 ? 2 : 0), &ch[k]);
	}
	if (opsh > 0)
		draw_ops(ui, y + h - opsh, x, opsh, w, si);

	snapshot_unref(ss);
	snapshot_unref(ms);
	snapshot_unref(ds);
}

static int
service_key(struct ui *ui, int key, const char *action)
{
	if (action == NULL)
		return 0;
	if (strcmp(action, "left") == 0 || strcmp(action, "window-prev") == 0) {
		if (sv.window > 0)
			sv.window--;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "right") == 0 ||
	    strcmp(action, "window-next") == 0) {
		if (sv.window + 1 < DETAIL_COUNT)
			sv.window++;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "refresh") == 0) {
		sv.req_env = -1;
		return 0; /* the global refresh runs too */
	}
	return 0;
}

const struct view view_service = {
    .name = "service",
    .title = "Service",
    .tab = false,
    .open = service_open,
    .close = service_close,
    .draw = service_draw,
    .key = service_key,
};
