/* Modal dialogs for actions: confirmation text, typed confirmation, form
 * fields. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"

#define DIALOG_MAX_FIELDS 8
#define DIALOG_MAX_LINES 40

struct dialog_field {
	char *label;
	char value[128];
	bool numeric;
};

struct dialog {
	char *title;
	char *lines[DIALOG_MAX_LINES];
	enum ui_color colors[DIALOG_MAX_LINES];
	int nlines;
	struct dialog_field fields[DIALOG_MAX_FIELDS + 1]; /* + confirm */
	int nfields;
	int focus;
	char *require;     /* word to type, or NULL */
	int confirm_field; /* index of the typed-confirmation field, -1 */
	char *error;
	dialog_done_fn done;
	void *arg;
	bool finished; /* submitted or cancelled: ignore further keys */
};

struct dialog *
dialog_new(const char *title)
{
	struct dialog *d = xcalloc(1, sizeof *d);

	d->title = text_clean(title != NULL ? title : "");
	d->confirm_field = -1;
	return d;
}

void
dialog_free(struct dialog *d)
{
	int i;

	if (d == NULL)
		return;
	free(d->title);
	for (i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	for (i = 0; i < d->nfields; i++)
		free(d->fields[i].label);
	free(d->require);
	free(d->error);
	free(d);
}

void
dialog_add_line(struct dialog *d, enum ui_color c, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	if (d->nlines == DIALOG_MAX_LINES)
		return;
	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	d->lines[d->nlines] = text_clean(raw);
	d->colors[d->nlines++] = c;
	free(raw);
}

int
dialog_add_field(struct dialog *d, const char *label, const char *value,
                 bool numeric)
{
	struct dialog_field *f;

	if (d->nfields >= DIALOG_MAX_FIELDS)
		fatal("dialog: too many fields");
	if (d->confirm_field >= 0)
		fatal("dialog: fields must come before the confirmation");
	f = &d->fields[d->nfields];
	f->label = xstrdup(label);
	snprintf(f->value, sizeof f->value, "%s", value != NULL ? value : "");
	f->numeric = numeric;
	return d->nfields++;
}

void
dialog_require_text(struct dialog *d, const char *word)
{
	char *label;

	free(d->require);
	d->require = xstrdup(word);
	if (d->confirm_field < 0) {
		label = xasprintf("Type '%s' to confirm", word);
		d->confirm_field = d->nfields;
		d->fields[d->nfields].label = label;
		d->fields[d->nfields].value[0] = '\0';
		d->nfields++;
	}
	d->focus = d->confirm_field;
}

void
dialog_set_done(struct dialog *d, dialog_done_fn fn, void *arg)
{
	d->done = fn;
	d->arg = arg;
}

const char *
dialog_field(const struct dialog *d, int i)
{
	if (i < 0 || i >= d->nfields)
		return NULL;
	return d->fields[i].value;
}

void
dialog_set_error(struct dialog *d, const char *fmt, ...)
{
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	raw = xvasprintf(fmt, ap);
	va_end(ap);
	free(d->error);
	d->error = text_clean(raw);
	free(raw);
}

void
ui_dialog_open(struct ui *ui, struct dialog *d)
{
	dialog_free(ui->dialog);
	ui->dialog = d;
	ui->dirty = true;
}

void
ui_dialog_close(struct ui *ui)
{
	dialog_free(ui->dialog);
	ui->dialog = NULL;
	ui->dirty = true;
}

void
dialog_draw(struct ui *ui, struct dialog *d)
{
	int w, h, y0, x0, i, row, lw = 0;
	char *hint;

	w = 40;
	for (i = 0; i < d->nlines; i++)
		if (text_width(d->lines[i]) + 4 > w)
			w = text_width(d->lines[i]) + 4;
	if (text_width(d->title) + 6 > w)
		w = text_width(d->title) + 6;
	for (i = 0; i < d->nfields; i++)
		if (text_width(d->fields[i].label) > lw)
			lw = text_width(d->fields[i].label);
	if (lw + 24 > w)
		w = lw + 24;
	if (w > ui->cols - 2)
		w = ui->cols - 2;
	h = d->nlines + d->nfields + 5 + (d->error != NULL ? 1 : 0) +
	    (d->nfields > 0 ? 1 : 0);
	if (h > ui->rows - 2)
		h = ui->rows - 2;
	y0 = (ui->rows - h) / 2;
	x0 = (ui->cols - w) / 2;

	for (row = 0; row < h; row++) {
		ui_fill(ui, y0 + row, x0, w, UC_NORMAL);
		ui_put(ui, y0 + row, x0, 1, UC_ACCENT, ui_glyph(ui, G_VLINE));
		ui_put(ui, y0 + row, x0 + w - 1, 1, UC_ACCENT,
		       ui_glyph(ui, G_VLINE));
	}
	ui_hline(ui, y0, x0, w, UC_ACCENT);
	ui_hline(ui, y0 + h - 1, x0, w, UC_ACCENT);
	ui_putf(ui, y0, x0 + 2, w - 4, UC_ACCENT, " %s ", d->title);

	row = y0 + 2;
	for (i = 0; i < d->nlines && row < y0 + h - 2; i++)
		ui_put(ui, row++, x0 + 2, w - 4, d->colors[i], d->lines[i]);
	if (d->nfields > 0)
		row++;
	for (i = 0; i < d->nfields && row < y0 + h - 2; i++, row++) {
		ui_put(ui, row, x0 + 2, lw, UC_NORMAL, d->fields[i].label);
		ui_put(ui, row, x0 + 2 + lw, 2, UC_NORMAL, ": ");
		ui_put_cell(ui, row, x0 + 4 + lw, w - lw - 7,
		            i == d->focus ? UC_SELECT : UC_TAB,
		            d->fields[i].value, false);
	}
	if (d->error != NULL && row < y0 + h - 1)
		ui_put(ui, row++, x0 + 2, w - 4, UC_BAD, d->error);
	hint = xasprintf("Enter confirm  Esc cancel%s",
	                 d->nfields > 1    ? "  Tab next field"
	                 : d->nfields == 0 ? "  y/n"
	                                   : "");
	ui_put_right(ui, y0 + h - 2, x0 + 2, w - 4, UC_DIM, hint);
	free(hint);
}

static void
dialog_finish(struct ui *ui, struct dialog *d, bool ok)
{
	bool close = true;

	/*
	 * Detach d while its callback runs: the callback may open the next
	 * dialog (ui_dialog_open would otherwise free d under our feet).
	 */
	ui->dialog = NULL;
	if (d->done != NULL)
		close = d->done(ui, d, ok, d->arg);
	if (!close && ok && ui->dialog == NULL) {
		d->finished = false; /* kept open to fix an error */
		ui->dialog = d;
	} else
		dialog_free(d);
	ui->dirty = true;
}

void
dialog_key(struct ui *ui, int key)
{
	struct dialog *d = ui->dialog;
	struct dialog_field *f;
	size_t len;

	if (d == NULL || d->finished)
		return;
	ui->dirty = true;
	f = d->nfields > 0 ? &d->fields[d->focus] : NULL;
	switch (key) {
	case 27: /* Esc */
		d->finished = true;
		dialog_finish(ui, d, false);
		return;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (d->require != NULL &&
		    strcmp(d->fields[d->confirm_field].value, d->require) !=
		        0) {
			dialog_set_error(d,
			                 "type '%s' exactly to confirm, or "
			                 "Esc to cancel",
			                 d->require);
			d->focus = d->confirm_field;
			return;
		}
		d->finished = true;
		dialog_finish(ui, d, true);
		return;
	case '\t':
	case KEY_DOWN:
		if (d->nfields > 0)
			d->focus = (d->focus + 1) % d->nfields;
		return;
	case KEY_BTAB:
	case KEY_UP:
		if (d->nfields > 0)
			d->focus = (d->focus + d->nfields - 1) % d->nfields;
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (f != NULL && (len = strlen(f->value)) > 0)
			f->value[len - 1] = '\0';
		return;
	}
	if (f == NULL) {
		if (key == 'y' || key == 'Y') {
			d->finished = true;
			dialog_finish(ui, d, true);
		} else if (key == 'n' || key == 'N') {
			d->finished = true;
			dialog_finish(ui, d, false);
		}
		return;
	}
	if (key < 0x20 || key > 0x7e)
		return;
	if (f->numeric && (key < '0' || key > '9'))
		return;
	len = strlen(f->value);
	if (len + 1 < sizeof f->value) {
		f->value[len] = (char)key;
		f->value[len + 1] = '\0';
	}
}
