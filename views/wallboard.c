/* The wallboard: every environment at a glance, hands off, for a TV screen. */
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
#include "util/util.h"
#include "views/view.h"

#define WB_MAX_ENV 8
#define WB_DEFAULT_ROTATE 10

/*
 * Read-only by construction: the console sets the global read-only
 * switch for --wallboard, handles no key but q, and this view has no
 * key handler and opens no dialog.  Everything drawn comes from the
 * snapshots, which keep their last data (marked stale) when the network
 * goes away and refresh by themselves when it returns.
 */

enum wb_level { WB_OK, WB_WARN, WB_BAD, WB_UNKNOWN };

struct wb_env {
	struct snapshot *svc, *met, *alm;
	enum wb_level level;
	const char *word;
	size_t firing;
};

/* Seconds per service in the rotating detail pane: --rotate, then
 * $MOMENTUM_WALLBOARD_ROTATE, then 10. */
static int
wb_rotate_seconds(const struct ui *ui)
{
	const char *s = getenv("MOMENTUM_WALLBOARD_ROTATE");
	int v;

	if (ui->rotate_s > 0)
		return ui->rotate_s;
	if (s != NULL && (v = atoi(s)) > 0)
		return v;
	return WB_DEFAULT_ROTATE;
}

static void
wb_block(struct ui *ui, int y, int x, int h, int w, enum ui_color c)
{
	int r;

	attron(ui_attr(ui, c) | A_REVERSE);
	for (r = 0; r < h; r++)
		mvhline(y + r, x, ' ', w);
	attroff(ui_attr(ui, c) | A_REVERSE);
}

static void
wb_center(struct ui *ui, int y, int x, int w, enum ui_color c, bool rev,
    const char *s)
{
	int tw = (int)strlen(s);

	if (tw > w)
		tw = w;
	if (rev)
		attron(A_REVERSE);
	ui_put(ui, y, x + (w - tw) / 2, tw, c, s);
	if (rev)
		attroff(A_REVERSE);
}

/* A 3x5 font for the status words, readable across a room. */
static const struct {
	char c;
	const char *rows[5];
} wb_font[] = {
	{ 'A', { "###", "# #", "###", "# #", "# #" } },
	{ 'D', { "## ", "# #", "# #", "# #", "## " } },
	{ 'E', { "###", "#  ", "## ", "#  ", "###" } },
	{ 'F', { "###", "#  ", "## ", "#  ", "#  " } },
	{ 'G', { "###", "#  ", "# #", "# #", "###" } },
	{ 'I', { "###", " # ", " # ", " # ", "###" } },
	{ 'K', { "# #", "# #", "## ", "# #", "# #" } },
	{ 'L', { "#  ", "#  ", "#  ", "#  ", "###" } },
	{ 'M', { "# #", "###", "###", "# #", "# #" } },
	{ 'N', { "###", "# #", "# #", "# #", "# #" } },
	{ 'O', { "###", "# #", "# #", "# #", "###" } },
	{ 'P', { "###", "# #", "###", "#  ", "#  " } },
	{ 'R', { "###", "# #", "## ", "# #", "# #" } },
	{ 'S', { "###", "#  ", "###", "  #", "###" } },
	{ 'T', { "###", " # ", " # ", " # ", " # " } },
	{ 'U', { "# #", "# #", "# #", "# #", "###" } },
	{ 'Y', { "# #", "# #", "###", " # ", " # " } },
	{ ' ', { "   ", "   ", "   ", "   ", "   " } },
};

/* Draw word in the big font centred in [x, x + w); false if it cannot. */
static bool
wb_big(struct ui *ui, int y, int x, int w, enum ui_color c, const char *word)
{
	size_t n = strlen(word), i, k;
	int r, col, x0;

	if ((int)n * 4 - 1 > w)
		return false;
	for (i = 0; i < n; i++) {
		for (k = 0; k < nitems(wb_font); k++)
			if (wb_font[k].c == word[i])
				break;
		if (k == nitems(wb_font))
			return false;
	}
	x0 = x + (w - ((int)n * 4 - 1)) / 2;
	/* The block is reverse video: letters are the un-reversed cells. */
	attron(ui_attr(ui, c));
	for (i = 0; i < n; i++) {
		for (k = 0; wb_font[k].c != word[i]; k++)
			;
		for (r = 0; r < 5; r++)
			for (col = 0; col < 3; col++)
				if (wb_font[k].rows[r][col] == '#')
					mvaddch(y + r, x0 + (int)i * 4 + col,
					    ui->ascii ? '#' : ' ');
	}
	attroff(ui_attr(ui, c));
	return true;
}

static enum ui_color
wb_color(enum wb_level l)
{
	switch (l) {
	case WB_OK:
		return UC_OK;
	case WB_WARN:
		return UC_WARN;
	case WB_BAD:
		return UC_BAD;
	default:
		return UC_DIM;
	}
}

static void
wb_assess(struct wb_env *e)
{
	const struct services_data *sd = view_data(e->svc);
	const struct alarms_data *ad = view_data(e->alm);
	size_t i;

	e->level = WB_OK;
	e->word = "OK";
	e->firing = ad != NULL ? ad->firing : 0;
	if (sd == NULL && ad == NULL) {
		e->level = WB_UNKNOWN;
		e->word = e->svc != NULL && e->svc->error != NULL ?
		    "NO DATA" : "LOADING";
		return;
	}
	for (i = 0; sd != NULL && i < sd->n; i++) {
		const char *st = sd->svcs[i].status;

		if (st == NULL)
			continue;
		if (strstr(st, "FAILED") != NULL) {
			e->level = WB_BAD;
			e->word = "FAILED";
		} else if (e->level == WB_OK && (strcmp(st, "RUNNING") != 0)) {
			e->level = WB_WARN;
			e->word = strcmp(st, "PAUSED") == 0 ? "PAUSED" :
			    "DEPLOYING";
		}
	}
	if (e->firing > 0) {
		e->level = WB_BAD;
		e->word = "ALARM";
	}
	if (e->level == WB_OK && (view_stale(e->svc) || view_stale(e->alm))) {
		e->level = WB_WARN;
		e->word = "STALE";
	}
}

static void
wb_age_line(struct ui *ui, int y, int x, int w, struct wb_env *e)
{
	char a[96], b[96], c[96], line[320];
	enum ui_color ca, cb, cc, worst;

	ui_snapshot_age(ui, e->svc, a, sizeof a, &ca);
	ui_snapshot_age(ui, e->met, b, sizeof b, &cb);
	ui_snapshot_age(ui, e->alm, c, sizeof c, &cc);
	worst = ca == UC_BAD || cb == UC_BAD || cc == UC_BAD ? UC_BAD :
	    ca == UC_WARN || cb == UC_WARN || cc == UC_WARN ? UC_WARN : UC_DIM;
	snprintf(line, sizeof line, "svc %s  met %s  alm %s", a, b, c);
	ui_put(ui, y, x, w, worst, line);
}

static void
wb_env_column(struct ui *ui, int y, int x, int h, int w, int env,
    struct wb_env *e)
{
	const struct services_data *sd = view_data(e->svc);
	const struct metrics_data *md = view_data(e->met);
	char title[64], v1[16], v2[16], v3[16];
	int row = y, bh = h >= 18 ? 9 : h >= 14 ? 5 : 3;
	size_t i;

	/* The big status block: colour and one word, readable across a room. */
	wb_block(ui, row, x, bh, w, wb_color(e->level));
	snprintf(title, sizeof title, "%s", ui_env_name(ui, env));
	for (i = 0; title[i] != '\0'; i++)
		title[i] = (char)(title[i] >= 'a' && title[i] <= 'z' ?
		    title[i] - 32 : title[i]);
	attron(A_BOLD);
	if (bh >= 9 && wb_big(ui, row + 2, x, w, wb_color(e->level), e->word)) {
		/* Name above the big word; the plain word too, for captures. */
		wb_center(ui, row + 1, x, w, wb_color(e->level), true, title);
		snprintf(title, sizeof title, "%s%s", e->word,
		    e->firing > 0 ? "" : "");
		if (e->firing > 0)
			snprintf(title, sizeof title, "%s: %zu alarm%s firing",
			    e->word, e->firing, e->firing == 1 ? "" : "s");
		wb_center(ui, row + 7, x, w, wb_color(e->level), true, title);
	} else if (bh > 3) {
		wb_center(ui, row + bh / 2 - 1, x, w, wb_color(e->level), true,
		    title);
		wb_center(ui, row + bh / 2 + 1, x, w, wb_color(e->level), true,
		    e->word);
	} else {
		/* Short: name and word on one line. */
		size_t n = strlen(title);

		snprintf(title + n, sizeof title - n, "  %s", e->word);
		wb_center(ui, row + 1, x, w, wb_color(e->level), true, title);
	}
	attroff(A_BOLD);
	row += bh;
	if (row >= y + h)
		return;
	wb_age_line(ui, row++, x, w, e);
	if (row < y + h)
		ui_putf(ui, row++, x, w, UC_HEADER, "%-8s %-9s %7s %6s %5s",
		    "SERVICE", "STATUS", "REQ/S", "P99", "5XX");
	for (i = 0; sd != NULL && i < sd->n && row < y + h; i++, row++) {
		const struct service_info *si = &sd->svcs[i];
		const struct service_metrics *sm = view_metrics_for(md,
		    si->role);
		double e5 = sm != NULL ? sm->last[MET_5XX_PCT] : NAN;

		ui_putf(ui, row, x, w, ui_status_color(si->status),
		    "%-8.8s %-9.9s %7s %6s", si->role != NULL ? si->role : "?",
		    view_status_short(si->status),
		    sm != NULL ? fmt_num(sm->last[MET_REQUESTS], v1, sizeof v1) :
		    "-", sm != NULL ? fmt_ms(sm->last[MET_LAT_P99], v2,
		    sizeof v2) : "-");
		if (w >= 39)
			ui_putf(ui, row, x + 33, w - 33, !isnan(e5) && e5 >= 1 ?
			    UC_BAD : UC_NORMAL, "%6s", sm != NULL ?
			    fmt_pct(e5, v3, sizeof v3) : "-");
	}
}

/* Every firing alarm, in one red banner that cannot be missed. */
static int
wb_banner(struct ui *ui, int y, int x, int w, struct wb_env *envs, int n)
{
	struct buf b = { 0 };
	size_t total = 0, i;
	int env;

	for (env = 0; env < n; env++) {
		const struct alarms_data *ad = view_data(envs[env].alm);

		for (i = 0; ad != NULL && i < ad->n; i++) {
			if (ad->alarms[i].state == NULL ||
			    strcmp(ad->alarms[i].state, "ALARM") != 0)
				continue;
			buf_printf(&b, "%s%s: %s", total ? "   " : "",
			    ui_env_name(ui, env), ad->alarms[i].name);
			total++;
		}
	}
	if (total == 0) {
		buf_free(&b);
		return 0;
	}
	wb_block(ui, y, x, 3, w, UC_BAD);
	attron(A_BOLD);
	{
		char head[64];

		snprintf(head, sizeof head, "%s %zu ALARM%s FIRING %s",
		    ui_glyph(ui, G_MARK), total, total == 1 ? "" : "S",
		    ui_glyph(ui, G_MARK));
		wb_center(ui, y, x, w, UC_BAD, true, head);
	}
	attroff(A_BOLD);
	attron(A_REVERSE);
	ui_put(ui, y + 1, x + 1, w - 2, UC_BAD, b.data);
	attroff(A_REVERSE);
	buf_free(&b);
	return 3;
}

static void
wb_detail(struct ui *ui, int y, int x, int h, int w, struct wb_env *envs,
    int n)
{
	const struct services_data *sd;
	const struct metrics_data *md;
	const struct service_info *si = NULL;
	const struct service_metrics *sm;
	size_t total = 0, k, pick;
	int env, rot = wb_rotate_seconds(ui), row = y;
	char v[32];
	struct { enum metric_kind m; const char *label; } rows[] = {
		{ MET_REQUESTS, "req/s" }, { MET_LAT_P99, "p99" },
		{ MET_5XX_PCT, "5xx %" }, { MET_INSTANCES, "instances" },
		{ MET_CPU, "cpu %" },
	};

	for (env = 0; env < n; env++) {
		sd = view_data(envs[env].svc);
		total += sd != NULL ? sd->n : 0;
	}
	ui_hline(ui, row++, x, w, UC_DIM);
	if (total == 0) {
		ui_put(ui, row, x + 1, w - 2, UC_DIM, "waiting for data");
		return;
	}
	pick = (size_t)(ui->now_ms / 1000 / rot) % total;
	for (env = 0; env < n; env++) {
		sd = view_data(envs[env].svc);
		k = sd != NULL ? sd->n : 0;
		if (pick < k) {
			si = &sd->svcs[pick];
			break;
		}
		pick -= k;
	}
	if (si == NULL)
		return;
	md = view_data(envs[env].met);
	sm = view_metrics_for(md, si->role);
	ui_putf(ui, row++, x + 1, w - 2, UC_ACCENT, "%s / %s  %s  instances "
	    "min %d max %d  image %s   (next in %ds)", ui_env_name(ui, env),
	    si->name != NULL ? si->name : si->role,
	    view_status_short(si->status), si->min_size, si->max_size,
	    si->image_digest != NULL ? si->image_digest : si->image != NULL ?
	    si->image : "?", rot - (int)(ui->now_ms / 1000 % rot));
	for (k = 0; k < nitems(rows) && row < y + h; k++, row++) {
		double last = sm != NULL ? sm->last[rows[k].m] : NAN;

		if (rows[k].m == MET_LAT_P99)
			fmt_ms(last, v, sizeof v);
		else if (rows[k].m == MET_5XX_PCT || rows[k].m == MET_CPU)
			fmt_pct(last, v, sizeof v);
		else
			fmt_num(last, v, sizeof v);
		ui_putf(ui, row, x + 1, 18, UC_NORMAL, "%-10s %7s",
		    rows[k].label, v);
		if (sm != NULL && w > 22)
			ui_sparkline(ui, row, x + 20, w - 21,
			    rows[k].m == MET_5XX_PCT && last >= 1 ? UC_BAD :
			    UC_CHART, &sm->s[rows[k].m], 0);
	}
}

static void
wallboard_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct wb_env envs[WB_MAX_ENV];
	int n = ui->nenv < WB_MAX_ENV ? ui->nenv : WB_MAX_ENV;
	int env, cw, top, colh;
	char clock[32];

	memset(envs, 0, sizeof envs);
	for (env = 0; env < n; env++) {
		envs[env].svc = store_acquire(ui->st, env, SRC_SERVICES);
		envs[env].met = store_acquire(ui->st, env, SRC_METRICS);
		envs[env].alm = store_acquire(ui->st, env, SRC_ALARMS);
		wb_assess(&envs[env]);
	}
	ui_clock(ui, ui->now_ms, false, clock, sizeof clock);
	ui_putf(ui, y, x + 1, w - 2, UC_ACCENT, "MOMENTUM WALLBOARD  %s %s  "
	    "read-only  q quits", clock, ui->utc ? "UTC" : "");
	top = y + 1;
	top += wb_banner(ui, top, x, w, envs, n);
	colh = (y + h - top) * 3 / 5;
	if (colh < 6)
		colh = y + h - top;
	cw = n > 0 ? (w - (n - 1)) / n : w;
	for (env = 0; env < n; env++)
		wb_env_column(ui, top, x + env * (cw + 1), colh, cw, env,
		    &envs[env]);
	if (y + h - (top + colh) >= 4)
		wb_detail(ui, top + colh, x, y + h - (top + colh), w, envs, n);
	for (env = 0; env < n; env++) {
		snapshot_unref(envs[env].svc);
		snapshot_unref(envs[env].met);
		snapshot_unref(envs[env].alm);
	}
}

const struct view view_wallboard = {
	.name = "wallboard",
	.title = "Wallboard",
	.tab = false,
	.draw = wallboard_draw,
};
