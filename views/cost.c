/* Cost: month to date by service, daily bars, end-of-month forecast vs budget.
 */
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

static void
cost_open(struct ui *ui, const char *arg)
{
}

static void
cost_close(struct ui *ui)
{
}

/* Vertical bars, one per day, eighth-block resolution. */
static void
daily_bars(struct ui *ui, int y, int x, int h, int w,
           const struct cost_data *cd, enum ui_color c)
{
	static const char *eighths[] = {" ",
	                                "\xe2\x96\x81",
	                                "\xe2\x96\x82",
	                                "\xe2\x96\x83",
	                                "\xe2\x96\x84",
	                                "\xe2\x96\x85",
	                                "\xe2\x96\x86",
	                                "\xe2\x96\x87",
	                                "\xe2\x96\x88"};
	static const char *ascii8[] = {" ", "_", "_", ".", ".",
	                               ":", ":", "#", "#"};
	double max = 0;
	int d, row, units, cw, bh = h - 1, lw = 8;
	char lab[32];

	if (cd->ndays <= 0 || bh < 2)
		return;
	for (d = 0; d < cd->ndays && d < 31; d++)
		if (cd->daily[d] > max)
			max = cd->daily[d];
	max = axis_nice_max(max);
	cw = (w - lw) / 31 >= 2 ? 2 : 1;
	fmt_money(max, cd->currency, lab, sizeof lab);
	ui_put_right(ui, y, x, lw - 1, UC_DIM, lab);
	ui_put_right(ui, y + bh - 1, x, lw - 1, UC_DIM, "0");
	for (d = 0; d < cd->ndays && d < 31; d++) {
		units = (int)lround(cd->daily[d] / max * bh * 8);
		for (row = 0; row < bh; row++) {
			int lvl = units - (bh - 1 - row) * 8;

			lvl = lvl < 0 ? 0 : lvl > 8 ? 8 : lvl;
			ui_put(ui, y + row, x + lw + d * cw, 1, c,
			       ui->ascii ? ascii8[lvl] : eighths[lvl]);
		}
		if ((d + 1) % 5 == 0 || d == 0) {
			snprintf(lab, sizeof lab, "%d", d + 1);
			ui_put(ui, y + bh, x + lw + d * cw, 3, UC_DIM, lab);
		}
	}
}

static void
cost_draw(struct ui *ui, int y, int x, int h, int w)
{
	const struct config_env *ce = &ui->cf->envs[ui->env];
	struct snapshot *cs = store_acquire(ui->st, ui->env, SRC_COST);
	struct cost_data *cd = view_data(cs);
	char mtd[32], fc[32], lo[32], hi[32], amt[32], title[96];
	double blo, bhi, top, total;
	int row, i, gw, bw, n, fx, keep;
	enum ui_color c;
	size_t k;

	x += 1;
	w -= 2;
	snprintf(title, sizeof title, "cost %s  month to date", ce->name);
	ui_pane_header(ui, y, x, w, title, cs);
	if (cd == NULL) {
		ui_put(
		    ui, y + 2, x + 1, w - 1, UC_DIM,
		    "no cost data yet (Cost Explorer is polled every few hours "
		    "and cached)");
		snapshot_unref(cs);
		return;
	}
	c = view_budget(cd, ce, &blo, &bhi);
	fmt_money(cd->mtd, cd->currency, mtd, sizeof mtd);
	fmt_money(cd->forecast, cd->currency, fc, sizeof fc);
	fmt_money(blo, cd->currency, lo, sizeof lo);
	fmt_money(bhi, cd->currency, hi, sizeof hi);
	if (view_stale(cs))
		c = UC_DIM;

	row = y + 2;
	ui_putf(ui, row, x + 1, w - 1, UC_NORMAL,
	        "month to date %s   "
	        "forecast %s   budget %s-%s",
	        mtd, fc, lo, hi);
	row++;
	if (bhi > 0)
		ui_put(ui, row, x + 1, w - 1, c,
		       cd->forecast > bhi   ? "forecast is over budget"
		       : cd->forecast > blo ? "forecast is within the budget "
		                              "range, above its low end"
		                            : "forecast is under budget");
	row += 2;

	/* Gauge: spent so far, forecast marker, budget range. */
	gw = w - 2;
	top = fmax(fmax(bhi, cd->forecast), cd->mtd) * 1.05;
	if (top > 0 && gw > 10) {
		n = (int)(cd->mtd / top * gw);
		for (i = 0; i < gw; i++)
			ui_put(ui, row, x + 1 + i, 1, i < n ? c : UC_DIM,
			       ui_glyph(ui, i < n ? G_BLOCK : G_SHADE));
		fx = (int)(cd->forecast / top * (gw - 1));
		ui_put(ui, row + 1, x + 1 + fx, 1, c, ui_glyph(ui, G_UP));
		if (bhi > 0) {
			ui_put(ui, row + 1, x + 1 + (int)(blo / top * (gw - 1)),
			       1, UC_DIM, "|");
			ui_put(ui, row + 1, x + 1 + (int)(bhi / top * (gw - 1)),
			       1, UC_WARN, "|");
		}
		ui_putf(ui, row + 2, x + 1, w - 1, UC_DIM,
		        "%s forecast   "
		        "| budget low / high",
		        ui_glyph(ui, G_UP));
		row += 4;
	}

	/* By service, largest first, with proportional bars. */
	ui_put(ui, row++, x, w, UC_ACCENT, "by service");
	/* The daily bars need 8 rows; without them, services get it all. */
	keep = y + h - row >= 8 + 3 ? 8 : 0;
	total = cd->mtd > 0 ? cd->mtd : 1;
	bw = w - 44;
	for (k = 0; k < cd->nby_service && row < y + h - keep; k++, row++) {
		ui_put_cell(ui, row, x + 1, 28, UC_NORMAL,
		            cd->by_service[k].name, false);
		fmt_money(cd->by_service[k].amount, cd->currency, amt,
		          sizeof amt);
		ui_put_cell(ui, row, x + 30, 10, UC_NORMAL, amt, true);
		n = (int)(cd->by_service[k].amount / total * bw);
		for (i = 0; i < n && bw > 4; i++)
			ui_put(ui, row, x + 42 + i, 1, UC_CHART,
			       ui_glyph(ui, G_BLOCK));
	}
	row++;
	if (keep > 0 && row + 4 < y + h) {
		ui_put(ui, row++, x, w, UC_ACCENT, "daily");
		daily_bars(ui, row, x, y + h - row, w, cd,
		           view_stale(cs) ? UC_DIM : UC_CHART);
	}
	snapshot_unref(cs);
}

static int
cost_key(struct ui *ui, int key, const char *action)
{
	return 0;
}

const struct view view_cost = {
    .name = "cost",
    .title = "Cost",
    .tab = true,
    .open = cost_open,
    .close = cost_close,
    .draw = cost_draw,
    .key = cost_key,
};
