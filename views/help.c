/* Help: generated from the key table, plus commands and config warnings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

/* View state (UI thread only). */
static struct textview hv;
static int help_h = 20;

/* Keys bound to action in this group, "j, Down". */
static void
keys_for(const struct key_binding *t, size_t n, const char *action,
         const char *views, char *out, size_t size)
{
	char name[32];
	size_t i;

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		if (t[i].key < 0 || strcmp(t[i].action, action) != 0)
			continue;
		if ((views == NULL) != (t[i].views == NULL) ||
		    (views != NULL && strcmp(views, t[i].views) != 0))
			continue;
		keys_name(t[i].key, name, sizeof name);
		if (strstr(out, name) != NULL &&
		    (strlen(name) > 1 || strchr(out, name[0]) != NULL))
			continue;
		if (out[0] != '\0')
			strncat(out, ", ", size - strlen(out) - 1);
		strncat(out, name, size - strlen(out) - 1);
	}
}

static void
add_group(const struct key_binding *t, size_t n, const char *views,
          const char *title)
{
	char keys[64];
	size_t i, j;
	bool seen;

	textview_add(&hv, UC_ACCENT, "%s", title);
	for (i = 0; i < n; i++) {
		if (t[i].key < 0 || (views == NULL) != (t[i].views == NULL) ||
		    (views != NULL && strcmp(views, t[i].views) != 0))
			continue;
		seen = false;
		for (j = 0; j < i; j++)
			if (strcmp(t[j].action, t[i].action) == 0 &&
			    ((views == NULL && t[j].views == NULL) ||
			     (views != NULL && t[j].views != NULL &&
			      strcmp(t[j].views, views) == 0)))
				seen = true;
		if (seen)
			continue;
		keys_for(t, n, t[i].action, views, keys, sizeof keys);
		textview_add(&hv, UC_NORMAL, "  %-14s %s", keys, t[i].help);
	}
	textview_add(&hv, UC_NORMAL, "%s", "");
}

static void
help_build(struct ui *ui)
{
	const struct key_binding *t;
	const char *groups[32];
	size_t n, i, j, ng = 0;
	char title[96];

	textview_clear(&hv);
	hv.top = 0;
	t = keys_table(&n);
	textview_add(&hv, UC_ACCENT, "momentum-console %s  (config: %s)",
	             MOMENTUM_VERSION, ui->cf->path);
	textview_add(&hv, UC_DIM, "theme %s, %s, %s%s",
	             term_theme_name(ui->theme),
	             ui->color ? "colour" : "no colour",
	             ui->ascii ? "ASCII glyphs (locale is not UTF-8)" : "UTF-8",
	             ui->read_only ? ", read-only" : "");
	textview_add(&hv, UC_DIM,
	             "q, ? or Esc leave this help; / searches "
	             "it.");
	textview_add(&hv, UC_NORMAL, "%s", "");
	add_group(t, n, NULL, "Everywhere");
	for (i = 0; i < n && ng < nitems(groups); i++) {
		if (t[i].views == NULL)
			continue;
		for (j = 0; j < ng; j++)
			if (strcmp(groups[j], t[i].views) == 0)
				break;
		if (j < ng)
			continue;
		groups[ng++] = t[i].views;
		snprintf(title, sizeof title, "In %s", t[i].views);
		for (j = 3; title[j] != '\0'; j++)
			if (title[j] == ' ')
				title[j] = ',';
		add_group(t, n, t[i].views, title);
	}
	textview_add(&hv, UC_ACCENT, "Commands");
	textview_add(&hv, UC_NORMAL,
	             "  :overview :compare :alarms :cost "
	             ":help   open a view");
	textview_add(&hv, UC_NORMAL,
	             "  :logs ROLE           logs of a "
	             "service (:logs api)");
	textview_add(&hv, UC_NORMAL, "  :service ROLE        service detail");
	textview_add(&hv, UC_NORMAL,
	             "  :env NAME  or  :NAME switch "
	             "environment (:env prod)");
	textview_add(&hv, UC_NORMAL,
	             "  :theme NAME          dark, light, "
	             "high-contrast");
	textview_add(&hv, UC_NORMAL, "  :refresh  :utc  :local  :q");
	if (ui->cf->nwarnings > 0) {
		textview_add(&hv, UC_NORMAL, "%s", "");
		textview_add(&hv, UC_WARN, "Config warnings");
		for (i = 0; i < ui->cf->nwarnings; i++)
			textview_add(&hv, UC_WARN, "  %s", ui->cf->warnings[i]);
	}
}

static void
help_open(struct ui *ui, const char *arg)
{
	help_build(ui);
}

static void
help_close(struct ui *ui)
{
	textview_clear(&hv);
}

static void
help_draw(struct ui *ui, int y, int x, int h, int w)
{
	if (hv.n == 0)
		help_build(ui);
	help_h = h;
	textview_draw(ui, &hv, y, x + 1, h, w - 2);
}

static void
search_done(struct ui *ui, const char *text)
{
	free(hv.search);
	hv.search = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	if (hv.search != NULL && hv.top < hv.n &&
	    ui_strcasestr(hv.lines[hv.top], hv.search) == NULL)
		textview_key(&hv, "search-next", help_h);
}

static int
help_key(struct ui *ui, int key, const char *action)
{
	if (action == NULL)
		return 0;
	if (strcmp(action, "search") == 0) {
		ui_prompt_open(ui, "search: ", hv.search, search_done);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "wrap") == 0) {
		hv.wrap = !hv.wrap;
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (strcmp(action, "help") == 0 || strcmp(action, "quit") == 0) {
		/* ? and q leave help, like less. */
		ui_open_view(
		    ui, ui->prev_view != NULL ? ui->prev_view : &view_overview,
		    NULL);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return textview_key(&hv, action, help_h);
}

const struct view view_help = {
    .name = "help",
    .title = "Help",
    .tab = false,
    .open = help_open,
    .close = help_close,
    .draw = help_draw,
    .key = help_key,
};
