/* The bottom line: prompt, messages, API calls and spend, data freshness. */
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "aws/client.h"
#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

static void
prompt_draw(struct ui *ui, int y)
{
	int x, w = ui->cols, tw;
	const char *shown;

	ui_fill(ui, y, 0, w, UC_NORMAL);
	x = ui_put(ui, y, 0, w, UC_ACCENT, ui->prompt.label);
	/* Show the tail of a long input so the cursor stays visible. */
	shown = ui->prompt.text;
	while (*shown != '\0' && text_width(shown) > w - x - 2)
		shown++;
	while ((*shown & 0xc0) == 0x80)
		shown++;
	tw = ui_put(ui, y, x, w - x - 1, UC_NORMAL, shown);
	ui_put(ui, y, x + tw, 1, UC_SELECT, " ");
}

/*
 * The last error among the environment's snapshots, or NULL; *oldest
 * receives the fetch time of its oldest live source (state, metrics,
 * alarms), 0 when one has no data yet.
 */
static const char *
env_stale(struct ui *ui, int *nstale, int64_t *oldest)
{
	static char why[32];
	struct snapshot *s;
	int src;
	const char *r = NULL;

	*nstale = 0;
	*oldest = INT64_MAX;
	for (src = 0; src < SRC_COUNT; src++) {
		if (src == SRC_DETAIL)
			continue;
		s = store_acquire(ui->st, ui->env, (enum source)src);
		if (src != SRC_COST) {
			int64_t f = s != NULL ? s->fetched_at_ms : 0;

			if (f < *oldest)
				*oldest = f;
		}
		if (s != NULL && s->error != NULL) {
			(*nstale)++;
			snprintf(why, sizeof why, "%s",
			         s->error_short != NULL ? s->error_short
			                                : "error");
			r = why;
		}
		snapshot_unref(s);
	}
	return r;
}

void
statusline_draw(struct ui *ui, int y)
{
	struct aws_usage u;
	char left[128], mid[160], right[64], money[32], age[32];
	const char *why;
	int w = ui->cols, x, nstale;
	int64_t oldest;

	if (ui->prompt.active) {
		prompt_draw(ui, y);
		return;
	}
	ui_fill(ui, y, 0, w, UC_STATUS);
	if (ui->message != NULL && mono_ms() < ui->message_until) {
		ui_put(ui, y, 1, w - 2, ui->message_bad ? UC_BAD : UC_STATUS,
		       ui->message);
		return;
	}
	snprintf(left, sizeof left, " %s%s%s ", ui_env_name(ui, ui->env),
	         ui->wallboard ? " WALLBOARD" : "",
	         ui->read_only ? " READ-ONLY" : "");
	x = ui_put(ui, y, 0, w, UC_TAB_ACTIVE, left);

	aws_usage_get(&u);
	snprintf(mid, sizeof mid, " API %llu calls  est. %s",
	         (unsigned long long)u.calls,
	         fmt_money(u.dollars, "USD", money, sizeof money));
	if (u.dollars > 0 && u.dollars < 0.01)
		snprintf(mid, sizeof mid, " API %llu calls  est. $%.4f",
		         (unsigned long long)u.calls, u.dollars);
	if (u.errors > 0)
		snprintf(mid + strlen(mid), sizeof mid - strlen(mid),
		         "  %llu errors", (unsigned long long)u.errors);
	if (u.throttles > 0)
		snprintf(mid + strlen(mid), sizeof mid - strlen(mid),
		         " (%llu throttled)", (unsigned long long)u.throttles);
	x += ui_put(ui, y, x, w - x, UC_STATUS, mid);

	why = env_stale(ui, &nstale, &oldest);
	if (why != NULL && x + 20 < w)
		x += ui_putf(ui, y, x, w - x, UC_WARN, "  stale: %s", why);
	else if (oldest > 0 && oldest != INT64_MAX && x + 40 < w) {
		/* Age of the oldest data on screen: the number to distrust. */
		fmt_duration((ui->now_ms - oldest) / 1000, age, sizeof age);
		x += ui_putf(ui, y, x, w - x, UC_STATUS, "  data %s old", age);
	}

	snprintf(right, sizeof right, "? help  : cmd  q quit ");
	if (x + text_width(right) + 2 <= w)
		ui_put_right(ui, y, 0, w, UC_STATUS, right);
}
