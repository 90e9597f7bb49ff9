/* Tables: column layout that drops low-priority columns when narrow. */
#include <curses.h>
#include <string.h>

#include "ui/ui.h"
#include "util/util.h"

int
table_layout(struct table_col *cols, size_t n, int w)
{
	size_t i, worst;
	int total, visible, x, extra;

	for (i = 0; i < n; i++) {
		cols[i].x = 0;
		cols[i].w = cols[i].width;
	}
	for (;;) {
		total = 0;
		visible = 0;
		for (i = 0; i < n; i++)
			if (cols[i].x >= 0) {
				total += cols[i].width;
				visible++;
			}
		if (visible > 1)
			total += visible - 1;
		if (total <= w)
			break;
		worst = n;
		for (i = 0; i < n; i++)
			if (cols[i].x >= 0 && cols[i].drop > 0 &&
			    (worst == n || cols[i].drop > cols[worst].drop))
				worst = i;
		if (worst == n)
			break; /* nothing left to drop: clip */
		cols[worst].x = -1;
	}
	extra = w > total ? w - total : 0;
	x = 0;
	for (i = 0; i < n; i++) {
		if (cols[i].x < 0)
			continue;
		cols[i].x = x;
		cols[i].w = cols[i].width + (cols[i].flex ? extra : 0);
		x += cols[i].w + 1;
	}
	return x > 0 ? x - 1 : 0;
}

void
table_header(struct ui *ui, int y, int x, const struct table_col *cols,
             size_t n, int w)
{
	size_t i;

	ui_fill(ui, y, x, w, UC_HEADER);
	for (i = 0; i < n; i++)
		if (cols[i].x >= 0)
			ui_put_cell(ui, y, x + cols[i].x, cols[i].w, UC_HEADER,
			            cols[i].title, cols[i].right);
}

void
table_cell(struct ui *ui, int y, int x, const struct table_col *col,
           enum ui_color c, const char *s)
{
	if (col->x < 0)
		return;
	ui_put_cell(ui, y, x + col->x, col->w, c, s, col->right);
}

void
table_scroll(size_t *top, size_t sel, size_t n, int h)
{
	if (h <= 0)
		return;
	if (sel < *top)
		*top = sel;
	if (sel >= *top + (size_t)h)
		*top = sel - (size_t)h + 1;
	if (n <= (size_t)h)
		*top = 0;
	else if (*top > n - (size_t)h)
		*top = n - (size_t)h;
}

bool
table_move(size_t *sel, size_t n, int page, const char *action)
{
	size_t p = page > 1 ? (size_t)page : 1;

	if (action == NULL || n == 0)
		return false;
	if (strcmp(action, "down") == 0) {
		if (*sel + 1 < n)
			(*sel)++;
	} else if (strcmp(action, "up") == 0) {
		if (*sel > 0)
			(*sel)--;
	} else if (strcmp(action, "page-down") == 0)
		*sel = *sel + p < n ? *sel + p : n - 1;
	else if (strcmp(action, "page-up") == 0)
		*sel = *sel > p ? *sel - p : 0;
	else if (strcmp(action, "top") == 0)
		*sel = 0;
	else if (strcmp(action, "bottom") == 0)
		*sel = n - 1;
	else
		return false;
	if (*sel >= n)
		*sel = n - 1;
	return true;
}
