/* The rollback picker: images with digests and tags, who runs what, operations. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action/action.h"
#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/actions.h"
#include "views/view.h"

/* View state (UI thread only). */
static struct {
	char *env;
	char *role;
	struct action_history h;
	char **recent;
	size_t nrecent;
	size_t sel, top;
	int list_h;
	int list_y;
} rb;

void
rollback_set_history(const char *env, const char *role,
    struct action_history *h, char **recent, size_t nrecent)
{
	size_t i;

	free(rb.env);
	free(rb.role);
	action_history_clear(&rb.h);
	for (i = 0; i < rb.nrecent; i++)
		free(rb.recent[i]);
	free(rb.recent);
	/* The log is a local file anyone could edit: clean it like remote text. */
	for (i = 0; i < nrecent; i++) {
		char *c = text_clean(recent[i]);

		free(recent[i]);
		recent[i] = c;
	}
	rb.recent = recent;
	rb.nrecent = nrecent;
	rb.env = xstrdup(env);
	rb.role = xstrdup(role);
	rb.h = *h;
	memset(h, 0, sizeof *h);
	rb.sel = rb.top = 0;
	/* Start on the image after the one this environment runs. */
	for (i = 0; i < rb.h.nruns; i++) {
		if (strcmp(rb.h.runs[i].env, env) != 0 ||
		    rb.h.runs[i].digest == NULL)
			continue;
		for (size_t k = 0; k < rb.h.nimages; k++) {
			if (strcmp(rb.h.images[k].digest,
			    rb.h.runs[i].digest) == 0 && k + 1 < rb.h.nimages)
				rb.sel = k + 1;
		}
	}
}

static void
rollback_open(struct ui *ui, const char *arg)
{
	(void)ui;
	(void)arg;
}

static void
rollback_close(struct ui *ui)
{
	(void)ui;
}

static void
stamp(const struct ui *ui, int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(out, size, "-");
		return;
	}
	if (ui->utc)
		gmtime_r(&tt, &tm);
	else
		localtime_r(&tt, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

static void
rollback_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct table_col cols[] = {
		{ "DIGEST", 19, false, false, 0, 0, 0 },
		{ "TAGS", 10, false, true, 0, 0, 0 },
		{ "PUSHED", 16, false, false, 2, 0, 0 },
		{ "SIZE", 7, true, false, 3, 0, 0 },
		{ "RUNS IN", 16, false, false, 0, 0, 0 },
	};
	char buf[64], when[32], runs[64], dg[24];
	size_t i, k, nops;
	int row, ops_h;
	enum ui_color c;

	ui_putf(ui, y, x + 1, w - 2, UC_ACCENT, "Roll back %s in %s  "
	    "(Enter: preview a rollback to the selected image, Esc: back)",
	    rb.role != NULL ? rb.role : "?", rb.env != NULL ? rb.env : "?");
	if (rb.h.repo_name == NULL) {
		ui_put(ui, y + 2, x + 1, w - 2, UC_DIM, "no history loaded");
		return;
	}
	row = y + 1;
	for (i = 0; i < rb.h.nruns && row < y + 4; i++) {
		if (rb.h.runs[i].error != NULL)
			ui_putf(ui, row, x + 1, w - 2, UC_WARN, "%-8s unknown: %s",
			    rb.h.runs[i].env, rb.h.runs[i].error);
		else
			ui_putf(ui, row, x + 1, w - 2, UC_NORMAL, "%-8s runs "
			    "%s  (%s)", rb.h.runs[i].env,
			    rb.h.runs[i].digest != NULL ? rb.h.runs[i].digest :
			    "?", rb.h.runs[i].status);
		row++;
	}
	row++;
	nops = rb.h.nops < 6 ? rb.h.nops : 6;
	ops_h = (int)nops + 2 + (rb.nrecent > 0 ? (int)(rb.nrecent < 4 ?
	    rb.nrecent : 4) + 2 : 0);
	rb.list_h = h - (row - y) - 1 - ops_h;
	if (rb.list_h < 3)
		rb.list_h = 3;
	table_layout(cols, nitems(cols), w - 2);
	table_header(ui, row++, x + 1, cols, nitems(cols), w - 2);
	rb.list_y = row;
	table_scroll(&rb.top, rb.sel, rb.h.nimages, rb.list_h);
	for (k = rb.top; k < rb.h.nimages && row < rb.list_y + rb.list_h;
	    k++, row++) {
		const struct action_image *im = &rb.h.images[k];

		runs[0] = '\0';
		for (i = 0; i < rb.h.nruns; i++) {
			if (rb.h.runs[i].digest != NULL &&
			    strcmp(rb.h.runs[i].digest, im->digest) == 0) {
				size_t n = strlen(runs);
				snprintf(runs + n, sizeof runs - n, "%s%s",
				    n ? " " : "", rb.h.runs[i].env);
			}
		}
		c = k == rb.sel ? UC_SELECT : UC_NORMAL;
		if (k == rb.sel)
			ui_fill(ui, row, x + 1, w - 2, UC_SELECT);
		snprintf(dg, sizeof dg, "%.19s", im->digest);
		table_cell(ui, row, x + 1, &cols[0], c, dg);
		table_cell(ui, row, x + 1, &cols[1], c, im->tags[0] != '\0' ?
		    im->tags : "-");
		stamp(ui, im->pushed_at, when, sizeof when);
		table_cell(ui, row, x + 1, &cols[2], c, when);
		table_cell(ui, row, x + 1, &cols[3], c,
		    fmt_bytes((uint64_t)im->size_bytes, buf, sizeof buf));
		table_cell(ui, row, x + 1, &cols[4], runs[0] ? (k == rb.sel ?
		    UC_SELECT : UC_ACCENT) : c, runs);
	}
	row = rb.list_y + rb.list_h + 1;
	ui_put(ui, row++, x + 1, w - 2, UC_HEADER, "OPERATIONS (newest first)");
	for (i = 0; i < nops && row < y + h; i++, row++) {
		const struct action_op *o = &rb.h.ops[i];

		stamp(ui, o->started_at, when, sizeof when);
		ui_putf(ui, row, x + 1, w - 2, ui_status_color(o->status),
		    "%s  %-17s %-10s %s", when, o->type, o->status, o->id);
	}
	if (rb.nrecent > 0 && row + 1 < y + h) {
		ui_put(ui, ++row, x + 1, w - 2, UC_HEADER,
		    "RECENT ACTIONS (audit log)");
		row++;
		/* The newest that fit. */
		for (i = rb.nrecent > (size_t)(y + h - row) ?
		    rb.nrecent - (size_t)(y + h - row) : 0;
		    i < rb.nrecent && row < y + h; i++, row++)
			ui_put(ui, row, x + 1, w - 2, UC_DIM, rb.recent[i]);
	}
}

static int
rollback_key(struct ui *ui, int key, const char *action)
{
	if (key == KEY_MOUSE) {
		int r = ui->mouse_y - rb.list_y;
		if (r >= 0 && r < rb.list_h && rb.top + (size_t)r <
		    rb.h.nimages)
			rb.sel = rb.top + (size_t)r;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (action == NULL)
		return 0;
	if (table_move(&rb.sel, rb.h.nimages, rb.list_h, action))
		return VIEW_HANDLED | VIEW_REDRAW;
	if (strcmp(action, "select") == 0) {
		if (rb.sel < rb.h.nimages)
			actions_rollback_to(ui, rb.env, rb.role,
			    rb.h.images[rb.sel].digest);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return 0;
}

const struct view view_rollback = {
	.name = "rollback",
	.title = "Rollback",
	.tab = false,
	.open = rollback_open,
	.close = rollback_close,
	.draw = rollback_draw,
	.key = rollback_key,
};
