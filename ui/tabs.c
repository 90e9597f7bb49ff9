/* The tab bar: environments (1 2 3, Tab) and views, with firing-alarm marks. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

#define MAX_HITS 32

/* Click targets of the last drawn tab bar (UI thread only). */
static struct tab_hit {
	int x0, x1; /* [x0, x1) */
	int env;    /* -1 for a view tab */
	const struct view *view;
} hits[MAX_HITS];
static size_t nhits;

static void
add_hit(int x0, int x1, int env, const struct view *v)
{
	if (nhits < MAX_HITS)
		hits[nhits++] = (struct tab_hit){x0, x1, env, v};
}

/* True when a poll of env's state, metrics or alarms last failed. */
static bool
env_stale(struct ui *ui, int env)
{
	static const enum source srcs[] = {SRC_SERVICES, SRC_METRICS,
	                                   SRC_ALARMS};
	struct snapshot *s;
	bool stale = false;
	size_t k;

	for (k = 0; k < nitems(srcs) && !stale; k++) {
		s = store_acquire(ui->st, env, srcs[k]);
		stale = s != NULL && s->error != NULL;
		snapshot_unref(s);
	}
	return stale;
}

void
tabs_draw(struct ui *ui, int y)
{
	const struct view *const *vp;
	struct snapshot *s;
	struct alarms_data *ad;
	char label[96], clock[32];
	int x = 0, i, w = ui->cols, tw, cw;
	bool active;

	nhits = 0;
	ui_fill(ui, y, 0, w, UC_TAB);
	if (w >= 100)
		x += ui_put(ui, y, x, w - x, UC_TAB, " momentum ");
	for (i = 0; i < ui->nenv; i++) {
		active = i == ui->env;
		snprintf(label, sizeof label, " %d %s ", i + 1,
		         ui_env_name(ui, i));
		tw = text_width(label);
		if (x + tw + 2 > w)
			break;
		ui_put(ui, y, x, tw, active ? UC_TAB_ACTIVE : UC_TAB, label);
		add_hit(x, x + tw + 1, i, NULL);
		x += tw;
		/*
		 * A red dot when the environment has alarms firing, else a
		 * yellow "!" when its data is stale.
		 */
		s = store_acquire(ui->st, i, SRC_ALARMS);
		ad = s != NULL ? s->data : NULL;
		if (ad != NULL && ad->firing > 0)
			ui_put(ui, y, x, 1, UC_BAD, ui_glyph(ui, G_BULLET));
		else if (env_stale(ui, i))
			ui_put(ui, y, x, 1, UC_WARN, "!");
		snapshot_unref(s);
		x += 1;
	}
	x += 1;
	ui_clock(ui, ui->now_ms, false, clock, sizeof clock);
	snprintf(label, sizeof label, " %s %s ", clock, ui->utc ? "UTC" : "");
	cw = text_width(label);
	for (vp = views_all; *vp != NULL; vp++) {
		if (!(*vp)->tab)
			continue;
		snprintf(label, sizeof label, " %s ", (*vp)->title);
		tw = text_width(label);
		if (x + tw > w - cw)
			break;
		active = ui->view == *vp;
		ui_put(ui, y, x, tw, active ? UC_TAB_ACTIVE : UC_TAB, label);
		add_hit(x, x + tw, -1, *vp);
		x += tw;
	}
	ui_clock(ui, ui->now_ms, false, clock, sizeof clock);
	snprintf(label, sizeof label, " %s%s ", clock, ui->utc ? " UTC" : "");
	if (x + text_width(label) <= w)
		ui_put_right(ui, y, 0, w, UC_TAB, label);
}

int
tabs_hit(const struct ui *ui, int x)
{
	size_t i;

	for (i = 0; i < nhits; i++)
		if (x >= hits[i].x0 && x < hits[i].x1 && hits[i].env >= 0)
			return hits[i].env;
	return -1;
}

const struct view *
tabs_hit_view(const struct ui *ui, int x)
{
	size_t i;

	for (i = 0; i < nhits; i++)
		if (x >= hits[i].x0 && x < hits[i].x1 && hits[i].view != NULL)
			return hits[i].view;
	return NULL;
}
