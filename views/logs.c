/* Logs: a service's log groups merged in time order; follow, filter, search. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "model/logfmt.h"
#include "model/logstore.h"
#include "poll/poller.h"
#include "ui/format.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

/* View state (UI thread only). */
static struct {
	int env; /* target env, -1 = none */
	char *role;
	char *filter; /* server-side filter pattern */
	char *search; /* local highlight */
	bool follow;
	bool wrap;
	bool raw_json; /* JSON log lines as they are, not compacted */
	int64_t top_ts; /* paused: the top line, found again by (ts, seq) */
	uint64_t top_seq;
	int page;     /* rows of text last drawn */
	size_t below; /* lines after the last one shown */
} lv = {-1, NULL, NULL, NULL, true, false, false, 0, 0, 20, 0};

/*
 * The text a line shows: a JSON log line compacted ("INFO logger: msg
 * k=v", log_json_compact) unless raw JSON is asked for, else the
 * message.  *tmp gets what the caller frees (NULL when nothing).
 */
static const char *
shown_text(const struct log_line *l, char **tmp)
{
	*tmp = NULL;
	if (!lv.raw_json && !l->cont && l->message[0] == '{' &&
	    (*tmp = log_json_compact(l->message)) != NULL)
		return *tmp;
	return l->message;
}

static void
retarget(struct ui *ui)
{
	lv.env = ui->env;
	if (ui->poller != NULL)
		poller_set_log_target(ui->poller, lv.env, lv.role, lv.filter);
	else
		logstore_clear(ui->ls, lv.env, lv.role, lv.filter);
	lv.follow = true;
}

static void
logs_open(struct ui *ui, const char *arg)
{
	const struct config_env *e = &ui->cf->envs[ui->env];
	const char *role = arg != NULL ? arg : ui->role;

	if (role == NULL && e->nservices > 0)
		role = e->services[0].role;
	if (role != NULL && config_env_service(e, role) == NULL) {
		ui_message(ui, true, "no service '%s' in %s", role, e->name);
		if (ui->role != NULL && config_env_service(e, ui->role) != NULL)
			role = ui->role;
		else
			role = e->nservices > 0 ? e->services[0].role : NULL;
	}
	if (role != NULL && role != ui->role)
		ui_set_role(ui, role); /* frees the old ui->role */
	free(lv.role);
	lv.role = role != NULL ? xstrdup(ui->role) : NULL;
	retarget(ui);
}

static void
logs_close(struct ui *ui)
{
	if (ui->poller != NULL)
		poller_set_log_target(ui->poller, lv.env, NULL, NULL);
	lv.env = -1;
}

static enum ui_color
level_color(enum log_level l)
{
	switch (l) {
	case LOG_LEVEL_ERROR:
		return UC_BAD;
	case LOG_LEVEL_WARN:
		return UC_WARN;
	case LOG_LEVEL_DEBUG:
		return UC_DIM;
	default:
		return UC_NORMAL;
	}
}

/* Rows a message takes at width mw. */
static int
line_rows(const char *msg, int mw)
{
	int tw;

	if (!lv.wrap || mw <= 0)
		return 1;
	tw = text_width(msg);
	return tw <= mw ? 1 : (tw + mw - 1) / mw;
}

/* Draw one line (possibly wrapped); skip rows at its start; returns rows used.
 */
static int
draw_line(struct ui *ui, const struct log_line *l, int y, int x, int maxrows,
          int skip, int srcw, int w)
{
	char clock[32], *shown;
	const char *p = shown_text(l, &shown);
	int row = 0, mx = x + 13 + (srcw > 0 ? srcw + 1 : 0), mw = x + w - mx;
	int used, r = 0;
	size_t n;
	char *part;
	enum ui_color c = level_color(l->level);

	while (row < maxrows) {
		if (r >= skip) {
			if (r == 0 && !l->cont) {
				ui_clock(ui, l->ts_ms, true, clock,
				         sizeof clock);
				ui_put(ui, y + row, x, 12, UC_DIM, clock);
				if (srcw > 0)
					ui_put_cell(ui, y + row, x + 13, srcw,
					            UC_ACCENT, l->source,
					            false);
			}
			if (!lv.wrap) {
				ui_put_highlight(ui, y + row, mx, mw, c, p,
				                 lv.search);
				free(shown);
				return row + 1;
			}
		}
		n = text_prefix(p, mw, &used);
		if (n == 0 && *p != '\0')
			n = strlen(p) < 4 ? strlen(p) : 1;
		if (r >= skip) {
			part = xstrndup(p, n);
			ui_put_highlight(ui, y + row, mx, mw, c, part,
			                 lv.search);
			free(part);
			row++;
		}
		r++;
		p += n;
		if (*p == '\0')
			break;
	}
	free(shown);
	return row;
}

static void
logs_draw(struct ui *ui, int y, int x, int h, int w)
{
	struct logstore_status st;
	const struct log_line *l;
	size_t count, top, i;
	int avail = h - 1, srcw = w >= 100 ? 16 : 0, mw, rows, skip = 0, row;
	char head[256], age[48];
	enum ui_color c;
	int cx;

	if (lv.env != ui->env && lv.role != NULL)
		retarget(ui);
	x += 1;
	w -= 2;
	mw = w - 13 - (srcw > 0 ? srcw + 1 : 0);
	lv.page = avail;

	logstore_lock(ui->ls);
	logstore_get_status(ui->ls, &st);
	count = logstore_count(ui->ls);
	if (lv.follow) {
		/* Bottom-anchored: walk back until the page is full. */
		rows = 0;
		top = count;
		while (top > 0 && rows < avail) {
			const char *t;
			char *tmp;

			top--;
			if (!lv.wrap) {	/* one row each: no text needed */
				rows++;
				continue;
			}
			t = shown_text(logstore_line(ui->ls, top), &tmp);
			rows += line_rows(t, mw);
			free(tmp);
		}
		skip = rows > avail ? rows - avail : 0;
	} else {
		top = logstore_find(ui->ls, lv.top_ts, lv.top_seq);
		if (top >= count && count > 0)
			top = count - 1;
	}
	if (top < count) {
		l = logstore_line(ui->ls, top);
		lv.top_ts = l->ts_ms;
		lv.top_seq = l->seq;
	}
	row = 0;
	for (i = top; i < count && row < avail; i++) {
		l = logstore_line(ui->ls, i);
		row += draw_line(ui, l, y + 1 + row, x, avail - row,
		                 i == top ? skip : 0, srcw, w);
	}
	lv.below = count - i;
	logstore_unlock(ui->ls);

	/* Header: target, filter, mode, freshness. */
	snprintf(head, sizeof head, "logs %s/%s", ui_env_name(ui, ui->env),
	         lv.role != NULL ? lv.role : "-");
	cx = ui_put(ui, y, x, w, UC_ACCENT, head);
	if (lv.filter != NULL)
		cx += ui_putf(ui, y, x + cx, w - cx, UC_WARN, "  filter \"%s\"",
		              lv.filter);
	if (lv.follow)
		cx += ui_putf(ui, y, x + cx, w - cx, UC_OK, "  %s following",
		              ui_glyph(ui, G_BULLET));
	else
		cx += ui_putf(ui, y, x + cx, w - cx, UC_WARN,
		              "  paused (+%zu below)", lv.below);
	cx += ui_putf(ui, y, x + cx, w - cx, UC_DIM, "  wrap %s  json %s  %s",
	              lv.wrap ? "on" : "off", lv.raw_json ? "raw" : "compact",
	              ui->utc ? "UTC" : "local");
	if (st.error != NULL) {
		snprintf(age, sizeof age, "stale: %s",
		         st.error_short ? st.error_short : "error");
		c = st.fetched_at_ms > 0 ? UC_WARN : UC_BAD;
	} else if (st.fetched_at_ms > 0) {
		fmt_age((ui->now_ms - st.fetched_at_ms) / 1000, age,
		        sizeof age);
		c = UC_DIM;
	} else {
		snprintf(age, sizeof age, "waiting");
		c = UC_DIM;
	}
	if (cx + text_width(age) + 2 <= w)
		ui_put_right(ui, y, x, w, c, age);
	if (count == 0)
		ui_put(
		    ui, y + 2, x + 2, w - 2, st.error != NULL ? UC_BAD : UC_DIM,
		    st.error != NULL    ? st.error
		    : lv.filter != NULL ? "no log events match the filter yet"
		                        : "no log events yet");
	logstore_status_clear(&st);
}

/* Move the paused top by delta lines (negative: up). */
static void
scroll_by(struct ui *ui, long delta)
{
	size_t count, top;
	const struct log_line *l;

	logstore_lock(ui->ls);
	count = logstore_count(ui->ls);
	top = logstore_find(ui->ls, lv.top_ts, lv.top_seq);
	if (delta < 0)
		top = (size_t)-delta > top ? 0 : top - (size_t)-delta;
	else
		top = top + (size_t)delta < count ? top + (size_t)delta
		                                  : (count > 0 ? count - 1 : 0);
	if (top < count) {
		l = logstore_line(ui->ls, top);
		lv.top_ts = l->ts_ms;
		lv.top_seq = l->seq;
	}
	/* Scrolled to the end: back to following. */
	if (delta > 0 && top + (size_t)lv.page >= count)
		lv.follow = true;
	logstore_unlock(ui->ls);
}

/* Find the next (dir 1) or previous (-1) line matching the search. */
static bool
search_jump(struct ui *ui, int dir, bool include_top)
{
	size_t count, top, i;
	const struct log_line *l;
	bool found = false;

	if (lv.search == NULL)
		return false;
	logstore_lock(ui->ls);
	count = logstore_count(ui->ls);
	top = logstore_find(ui->ls, lv.top_ts, lv.top_seq);
	if (dir > 0) {
		for (i = include_top ? top : top + 1; i < count; i++)
			if (ui_strcasestr(logstore_line(ui->ls, i)->message,
			                  lv.search) != NULL) {
				found = true;
				break;
			}
	} else {
		for (i = top; i-- > 0;)
			if (ui_strcasestr(logstore_line(ui->ls, i)->message,
			                  lv.search) != NULL) {
				found = true;
				break;
			}
	}
	if (found) {
		l = logstore_line(ui->ls, i);
		lv.top_ts = l->ts_ms;
		lv.top_seq = l->seq;
		lv.follow = false;
	}
	logstore_unlock(ui->ls);
	if (!found)
		ui_message(ui, false, "no %s match for \"%s\"",
		           dir > 0 ? "later" : "earlier", lv.search);
	return found;
}

static void
search_done(struct ui *ui, const char *text)
{
	free(lv.search);
	lv.search = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	if (lv.search != NULL) {
		/* Search from the top of the page, like less. */
		search_jump(ui, 1, true);
	}
}

static void
filter_done(struct ui *ui, const char *text)
{
	if (text == NULL)
		return;
	free(lv.filter);
	lv.filter = *text != '\0' ? xstrdup(text) : NULL;
	retarget(ui);
}

static int
logs_key(struct ui *ui, int key, const char *a)
{
	if (a == NULL)
		return 0;
	if (strcmp(a, "follow") == 0 || strcmp(a, "bottom") == 0)
		lv.follow = true;
	else if (strcmp(a, "pause") == 0)
		lv.follow = !lv.follow;
	else if (strcmp(a, "wrap") == 0)
		lv.wrap = !lv.wrap;
	else if (strcmp(a, "json") == 0)
		lv.raw_json = !lv.raw_json;
	else if (strcmp(a, "up") == 0) {
		lv.follow = false;
		scroll_by(ui, -1);
	} else if (strcmp(a, "down") == 0) {
		if (!lv.follow)
			scroll_by(ui, 1);
	} else if (strcmp(a, "page-up") == 0) {
		lv.follow = false;
		scroll_by(ui, -(long)(lv.page > 1 ? lv.page - 1 : 1));
	} else if (strcmp(a, "page-down") == 0) {
		if (!lv.follow)
			scroll_by(ui, lv.page > 1 ? lv.page - 1 : 1);
	} else if (strcmp(a, "top") == 0) {
		lv.follow = false;
		lv.top_ts = 0;
		lv.top_seq = 0;
	} else if (strcmp(a, "search") == 0)
		ui_prompt_open(ui, "search: ", lv.search, search_done);
	else if (strcmp(a, "search-next") == 0)
		search_jump(ui, 1, false);
	else if (strcmp(a, "search-prev") == 0)
		search_jump(ui, -1, false);
	else if (strcmp(a, "server-filter") == 0)
		ui_prompt_open(ui, "filter pattern (server-side): ", lv.filter,
		               filter_done);
	else if (strcmp(a, "back") == 0 && lv.search != NULL) {
		free(lv.search);
		lv.search = NULL;
	} else
		return 0;
	return VIEW_HANDLED | VIEW_REDRAW;
}

const struct view view_logs = {
    .name = "logs",
    .title = "Logs",
    .tab = true,
    .open = logs_open,
    .close = logs_close,
    .draw = logs_draw,
    .key = logs_key,
};
