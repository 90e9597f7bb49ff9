/* The key table: every binding, the views it applies to, and its help text. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "ui/ui.h"
#include "util/util.h"

#define C(x) ((x)&0x1f)

/*
 * Defaults.  A view-specific binding wins over a global one with the
 * same key.  Help text is what the help view (?) shows.  Action keys
 * (scale, rollback, promote, pause-resume) are run through ui->action.
 */
static const struct key_binding key_defaults[] = {
    {'q', "quit", NULL, "Quit"},
    {'?', "help", NULL, "Show this help"},
    {'1', "env-1", NULL, "Environment 1 (dev)"},
    {'2', "env-2", NULL, "Environment 2 (staging)"},
    {'3', "env-3", NULL, "Environment 3 (prod)"},
    {'\t', "env-next", NULL, "Next environment"},
    {KEY_BTAB, "env-prev", NULL, "Previous environment"},
    {':', "command", NULL,
     "Command line (:alarms :logs api :env prod :cost :compare :q)"},
    {'r', "refresh", NULL, "Refresh now"},
    {'o', "overview", NULL, "Overview of the environment"},
    {'c', "compare", NULL, "Compare dev, staging and prod"},
    {'a', "alarms", NULL, "Alarms in every environment"},
    {'L', "logs", NULL, "Logs of the selected service"},
    {'$', "cost", NULL, "Cost: month to date, forecast, budget"},
    {'t', "time-zone", NULL, "Toggle UTC / local time"},
    {'T', "theme", NULL, "Next theme (dark, light, high-contrast)"},
    {C('l'), "redraw", NULL, "Redraw the whole screen"},
    {27, "back", NULL, "Back to the previous view"},
    {'k', "up", NULL, "Move up"},
    {KEY_UP, "up", NULL, "Move up"},
    {'j', "down", NULL, "Move down"},
    {KEY_DOWN, "down", NULL, "Move down"},
    {'h', "left", NULL, "Left / shorter chart window"},
    {KEY_LEFT, "left", NULL, "Left / shorter chart window"},
    {'l', "right", NULL, "Right / longer chart window"},
    {KEY_RIGHT, "right", NULL, "Right / longer chart window"},
    {KEY_PPAGE, "page-up", NULL, "Page up"},
    {C('b'), "page-up", NULL, "Page up"},
    {KEY_NPAGE, "page-down", NULL, "Page down"},
    {C('f'), "page-down", NULL, "Page down"},
    {'g', "top", NULL, "First line"},
    {KEY_HOME, "top", NULL, "First line"},
    {'G', "bottom", NULL, "Last line"},
    {KEY_END, "bottom", NULL, "Last line"},
    {'\r', "select", NULL, "Open the selected service or alarm"},
    {'\n', "select", NULL, "Open the selected service or alarm"},
    {KEY_ENTER, "select", NULL, "Open the selected service or alarm"},
    {'/', "filter", "overview alarms compare", "Filter rows by name"},

    {'/', "search", "logs help service", "Search (highlights matches)"},
    {'n', "search-next", "logs help", "Next match"},
    {'N', "search-prev", "logs help", "Previous match"},
    {'f', "follow", "logs", "Follow new lines (resume)"},
    {' ', "pause", "logs", "Pause / resume following"},
    {'&', "server-filter", "logs",
     "Server-side filter pattern (FilterLogEvents)"},
    {'w', "wrap", "logs help", "Toggle line wrapping"},
    {'J', "json", "logs", "JSON log lines: compact (level logger: msg k=v) / raw"},
    {'[', "window-prev", "service", "Shorter chart window"},
    {']', "window-next", "service", "Longer chart window"},

    {'s', "scale", "overview service compare",
     "Scale: min/max instances, concurrency"},
    {'+', "scale-up", "overview service", "Raise the minimum by one"},
    {'-', "scale-down", "overview service", "Lower the minimum by one"},
    {'p', "pause-resume", "overview service", "Pause or resume the service"},
    {'R', "rollback", "overview service", "Roll back to an earlier image"},
    {'P', "promote", "overview service compare",
     "Promote: deploy the lower environment's digest"},
};

/* The table in effect; built by keys_init on the UI thread, read-only after. */
static struct key_binding *table;
static size_t ntable;

static void
table_default(void)
{
	free(table);
	ntable = nitems(key_defaults);
	table = xcalloc(ntable, sizeof *table);
	memcpy(table, key_defaults, sizeof key_defaults);
}

void
keys_init(struct ui *ui)
{
	const struct config *cf = ui->cf;
	size_t i, j;
	int k;
	bool found;

	table_default();
	if (cf == NULL)
		return;
	for (i = 0; i < cf->nkeys; i++) {
		k = keys_parse(cf->keys[i].key);
		if (k < 0) {
			ui_message(ui, true,
			           "config: [keys] %s: unknown key '%s'",
			           cf->keys[i].name, cf->keys[i].key);
			continue;
		}
		found = false;
		for (j = 0; j < ntable; j++) {
			if (strcmp(table[j].action, cf->keys[i].name) != 0)
				continue;
			/* The first binding takes the new key; others go. */
			table[j].key = found ? -1 : k;
			found = true;
		}
		if (!found)
			ui_message(ui, true,
			           "config: [keys] unknown action '%s'",
			           cf->keys[i].name);
	}
}

void
keys_free(void)
{
	free(table);
	table = NULL;
	ntable = 0;
}

const struct key_binding *
keys_table(size_t *n)
{
	if (table == NULL)
		table_default();
	*n = ntable;
	return table;
}

bool
keys_applies(const struct key_binding *k, const char *view)
{
	const char *p;
	size_t n;

	if (k->views == NULL)
		return true;
	if (view == NULL)
		return false;
	n = strlen(view);
	for (p = k->views; (p = strstr(p, view)) != NULL; p += n)
		if ((p == k->views || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

const char *
keys_lookup(int key, const char *view)
{
	size_t i;

	if (table == NULL)
		table_default();
	for (i = 0; i < ntable; i++)
		if (table[i].key == key && table[i].views != NULL &&
		    keys_applies(&table[i], view))
			return table[i].action;
	for (i = 0; i < ntable; i++)
		if (table[i].key == key && table[i].views == NULL)
			return table[i].action;
	return NULL;
}

static const struct {
	int key;
	const char *name;
} named[] = {
    {'\t', "Tab"},       {'\r', "Enter"},
    {'\n', "Enter"},     {KEY_ENTER, "Enter"},
    {27, "Esc"},         {' ', "Space"},
    {KEY_UP, "Up"},      {KEY_DOWN, "Down"},
    {KEY_LEFT, "Left"},  {KEY_RIGHT, "Right"},
    {KEY_PPAGE, "PgUp"}, {KEY_NPAGE, "PgDn"},
    {KEY_HOME, "Home"},  {KEY_END, "End"},
    {KEY_BTAB, "S-Tab"}, {KEY_BACKSPACE, "BSpace"},
    {KEY_DC, "Delete"},  {KEY_IC, "Insert"},
};

const char *
keys_name(int key, char *out, size_t size)
{
	size_t i;

	for (i = 0; i < nitems(named); i++)
		if (named[i].key == key) {
			snprintf(out, size, "%s", named[i].name);
			return out;
		}
	if (key >= KEY_F(1) && key <= KEY_F(24))
		snprintf(out, size, "F%d", key - KEY_F(0));
	else if (key >= 1 && key <= 26)
		snprintf(out, size, "C-%c", 'a' + key - 1);
	else if (key > 32 && key < 127)
		snprintf(out, size, "%c", key);
	else
		snprintf(out, size, "<%d>", key);
	return out;
}

int
keys_parse(const char *spec)
{
	size_t i;
	int n;

	if (spec == NULL || *spec == '\0')
		return -1;
	for (i = 0; i < nitems(named); i++)
		if (strcasecmp(spec, named[i].name) == 0)
			return named[i].key;
	if (strlen(spec) == 1 && spec[0] > 32 && spec[0] < 127)
		return spec[0];
	if ((spec[0] == 'C' || spec[0] == 'c') && spec[1] == '-' &&
	    spec[2] >= 'a' && spec[2] <= 'z' && spec[3] == '\0')
		return C(spec[2]);
	if ((spec[0] == 'F' || spec[0] == 'f') && (n = atoi(spec + 1)) >= 1 &&
	    n <= 24)
		return KEY_F(n);
	return -1;
}
