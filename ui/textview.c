/* Scrollable text with optional wrapping and search highlighting. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

void
textview_clear(struct textview *tv)
{
	size_t i;

	for (i = 0; i < tv->n; i++)
		free(tv->lines[i]);
	free(tv->lines);
	free(tv->colors);
	free(tv->search);
	tv->lines = NULL;
	tv->colors = NULL;
	tv->search = NULL;
	tv->n = tv->cap = 0;
}

void
textview_add(struct textview *tv, enum ui_color c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (tv->n == tv->cap) {
		tv->cap = tv->cap ? tv->cap * 2 : 32;
		tv->lines =
		    xreallocarray(tv->lines, tv->cap, sizeof *tv->lines);
		tv->colors =
		    xreallocarray(tv->colors, tv->cap, sizeof *tv->colors);
	}
	tv->lines[tv->n] = s;
	tv->colors[tv->n] = c;
	tv->n++;
}

void
textview_draw(struct ui *ui, struct textview *tv, int y, int x, int h, int w)
{
	size_t i;
	int row = 0, used;
	const char *p;
	char *part;
	size_t n;

	if (tv->top >= tv->n)
		tv->top = tv->n > 0 ? tv->n - 1 : 0;
	for (i = tv->top; i < tv->n && row < h; i++) {
		p = tv->lines[i];
		if (!tv->wrap) {
			ui_put_highlight(ui, y + row++, x, w, tv->colors[i], p,
			                 tv->search);
			continue;
		}
		do {
			n = text_prefix(p, w, &used);
			if (n == 0 && *p != '\0')
				n = 1; /* never loop on a too-wide char */
			/* Break after the last space when a word would split.
			 */
			if (p[n] != '\0' && p[n] != ' ') {
				size_t k = n;

				while (k > n / 2 && p[k - 1] != ' ')
					k--;
				if (k > n / 2)
					n = k;
			}
			part = xstrndup(p, n);
			ui_put_highlight(ui, y + row++, x, w, tv->colors[i],
			                 part, tv->search);
			free(part);
			p += n;
		} while (*p != '\0' && row < h);
	}
}

int
textview_key(struct textview *tv, const char *action, int h)
{
	size_t i, page = h > 1 ? (size_t)h - 1 : 1;

	if (action == NULL)
		return 0;
	if (strcmp(action, "down") == 0) {
		if (tv->top + 1 < tv->n)
			tv->top++;
	} else if (strcmp(action, "up") == 0) {
		if (tv->top > 0)
			tv->top--;
	} else if (strcmp(action, "page-down") == 0)
		tv->top = tv->top + page < tv->n ? tv->top + page : tv->top;
	else if (strcmp(action, "page-up") == 0)
		tv->top = tv->top > page ? tv->top - page : 0;
	else if (strcmp(action, "top") == 0)
		tv->top = 0;
	else if (strcmp(action, "bottom") == 0)
		tv->top = tv->n > page ? tv->n - page : 0;
	else if (strcmp(action, "search-next") == 0 && tv->search != NULL) {
		for (i = tv->top + 1; i < tv->n; i++)
			if (ui_strcasestr(tv->lines[i], tv->search) != NULL) {
				tv->top = i;
				break;
			}
	} else if (strcmp(action, "search-prev") == 0 && tv->search != NULL) {
		for (i = tv->top; i-- > 0;)
			if (ui_strcasestr(tv->lines[i], tv->search) != NULL) {
				tv->top = i;
				break;
			}
	} else
		return 0;
	return VIEW_HANDLED | VIEW_REDRAW;
}
