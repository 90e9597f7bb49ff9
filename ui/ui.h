/* The console's user interface: shared UI state, drawing helpers, widgets. */
#ifndef MOMENTUM_UI_H
#define MOMENTUM_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "model/snapshot.h"

struct config;
struct store;
struct logstore;
struct poller;
struct view;
struct dialog;
struct ui;

/* Colour roles; the theme maps each to a colour pair and attributes. */
enum ui_color {
	UC_NORMAL,
	UC_DIM,    /* stale data, secondary text */
	UC_OK,     /* healthy: green */
	UC_WARN,   /* warning: yellow */
	UC_BAD,    /* firing, 5xx, failed: red */
	UC_ACCENT, /* headings, names */
	UC_HEADER, /* table column headers */
	UC_TAB,
	UC_TAB_ACTIVE,
	UC_STATUS, /* the bottom status line */
	UC_SELECT, /* selected row */
	UC_MATCH,  /* search hit */
	UC_MARKER, /* deployment markers on charts */
	UC_CHART,  /* chart lines */
	UC_COUNT
};

enum ui_theme { THEME_DARK, THEME_LIGHT, THEME_HIGH_CONTRAST };

/* Glyphs with an ASCII fallback (ui_glyph). */
enum ui_glyph {
	G_HLINE,
	G_VLINE,
	G_BULLET,
	G_UP,
	G_DOWN,
	G_ELLIPSIS,
	G_MARK,
	G_BLOCK,
	G_SHADE,
	G_DOT,
	G_ARROW,
	G_VBAR,
	G_COUNT
};

/* A one-line prompt on the bottom row (":" command, "/" filter, ...). */
struct ui_prompt {
	bool active;
	char label[32];
	char text[256];
	size_t len;
	/* Called with the text on Enter, NULL on Esc.  May open a new prompt.
	 */
	void (*done)(struct ui *ui, const char *text);
};

/*
 * Everything the UI thread knows.  Only the UI thread touches this
 * struct; pollers talk to it through the store and the log store.
 */
struct ui {
	struct config *cf;
	struct store *st;
	struct logstore *ls;
	struct poller *poller; /* NULL in tests */
	int nenv;
	int env; /* environment on screen */

	const struct view *view;
	const struct view *prev_view;

	bool read_only; /* --read-only or wallboard */
	bool wallboard;
	bool ascii; /* non-UTF-8 locale: ASCII glyphs */
	bool color; /* false with NO_COLOR or no colour terminal */
	bool mouse;
	bool utc; /* timestamps in UTC (default) or local */
	enum ui_theme theme;

	int rows, cols;
	int64_t now_ms; /* wall clock of this frame */

	char *role; /* selected service role (detail, logs, actions) */

	char *message; /* transient message on the status line */
	bool message_bad;
	int64_t message_until; /* mono ms */

	struct ui_prompt prompt;
	struct dialog *dialog; /* modal, drawn on top; owned */

	bool quit;
	bool dirty;           /* redraw on the next loop turn */
	int mouse_y, mouse_x; /* last click, for views' KEY_MOUSE */

	/*
	 * Actions (scale, rollback, promote, ...) are run by this hook,
	 * which views_init() may set.  name is the key table's action name.
	 * Returns VIEW_* flags; NULL = actions not built in.
	 */
	int (*action)(struct ui *ui, const char *name);
	int rotate_s;		/* --rotate: wallboard seconds per service, 0 = default */
};

/* ---- term.c: terminal setup ---------------------------------------- */

/*
 * Start curses: locale check (UTF-8 or ASCII), colours (NO_COLOR,
 * theme, 256 or truecolour), mouse, and the fatal() hook that restores
 * the terminal.  Returns -1 and *cause when there is no terminal.
 */
int term_init(struct ui *ui, char **cause);
void term_end(void);
/* Re-read the window size after SIGWINCH / KEY_RESIZE. */
void term_resize(struct ui *ui);
/* Apply a theme (colours are re-initialised). */
void term_set_theme(struct ui *ui, enum ui_theme t);
int term_theme_parse(const char *name); /* -1 when unknown */
const char *term_theme_name(enum ui_theme t);
/* Nearest xterm-256 colour index to an RGB value. */
int term_rgb_to_256(int r, int g, int b);

/* ---- draw.c: drawing primitives (UI thread only) ------------------- */

/* curses attributes for a colour role (works without colour too). */
int ui_attr(const struct ui *ui, enum ui_color c);
const char *ui_glyph(const struct ui *ui, enum ui_glyph g);
/*
 * Print sanitized UTF-8 s at (y, x), at most w columns, in colour c.
 * Cuts by columns; in ASCII mode non-ASCII characters are replaced.
 * Returns the number of columns written.
 */
int ui_put(struct ui *ui, int y, int x, int w, enum ui_color c, const char *s);
int ui_putf(struct ui *ui, int y, int x, int w, enum ui_color c,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Right-align s within [x, x + w). */
int ui_put_right(struct ui *ui, int y, int x, int w, enum ui_color c,
                 const char *s);
/* Print s cut to w with an ellipsis and pad with spaces to w. */
void ui_put_cell(struct ui *ui, int y, int x, int w, enum ui_color c,
                 const char *s, bool right);
void ui_fill(struct ui *ui, int y, int x, int w, enum ui_color c);
void ui_hline(struct ui *ui, int y, int x, int w, enum ui_color c);
/* Print s with every case-insensitive occurrence of hl in UC_MATCH. */
int ui_put_highlight(struct ui *ui, int y, int x, int w, enum ui_color c,
                     const char *s, const char *hl);
/* Transient message on the status line (5 s). */
void ui_message(struct ui *ui, bool bad, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Age of a snapshot for a pane header: "12s ago", "loading",
 * "stale: throttled (3m ago)"; *c receives the colour to use.
 */
void ui_snapshot_age(const struct ui *ui, const struct snapshot *s, char *out,
                     size_t size, enum ui_color *c);
/* Pane header: title at the left, data age at the right, a rule below. */
void ui_pane_header(struct ui *ui, int y, int x, int w, const char *title,
                    const struct snapshot *s);
/* "HH:MM:SS" of epoch ms in UTC or local time per ui->utc. */
void ui_clock(const struct ui *ui, int64_t ms, bool millis, char *out,
              size_t size);
/* Colour for a service status / alarm state / value against thresholds. */
enum ui_color ui_status_color(const char *status);
enum ui_color ui_alarm_color(const char *state);
enum ui_color ui_level_color(double v, double warn, double bad);
/* Case-insensitive substring search; NULL when absent or needle empty. */
const char *ui_strcasestr(const char *hay, const char *needle);

/* ---- tabs.c --------------------------------------------------------- */

void tabs_draw(struct ui *ui, int y);
/* Hit test for a click on the tab row: env index, or -1. */
int tabs_hit(const struct ui *ui, int x);
/* View named by a click on the tab row, or NULL. */
const struct view *tabs_hit_view(const struct ui *ui, int x);

/* ---- statusline.c ---------------------------------------------------- */

void statusline_draw(struct ui *ui, int y);

/* ---- table.c --------------------------------------------------------- */

struct table_col {
	const char *title;
	int width;  /* minimum width; the flex column takes the rest */
	bool right; /* right-aligned (numbers) */
	bool flex;  /* takes leftover space (at most one) */
	int drop;   /* dropped first when narrow: higher drops first, 0 never */
	int x;      /* computed by table_layout; -1 = hidden */
	int w;      /* computed width */
};

/* Lay out columns in w columns (1-space gaps); returns the columns used. */
int table_layout(struct table_col *cols, size_t n, int w);
void table_header(struct ui *ui, int y, int x, const struct table_col *cols,
                  size_t n, int w);
/* One cell; nothing when the column is hidden. */
void table_cell(struct ui *ui, int y, int x, const struct table_col *col,
                enum ui_color c, const char *s);
/* Keep sel visible in a list of n rows shown h at a time. */
void table_scroll(size_t *top, size_t sel, size_t n, int h);
/* Move a selection by an action name ("up", "down", "page-down", ...). */
bool table_move(size_t *sel, size_t n, int page, const char *action);

/* ---- sparkline.c / braille.c: drawing the format.h plots ----------- */

/* Draw a sparkline; max 0 = automatic, floor from spark_floor(). */
void ui_sparkline(struct ui *ui, int y, int x, int w, enum ui_color c,
                  const struct series *s, double max);

struct chart_marker {
	int64_t t; /* epoch seconds */
	enum ui_color color;
};

struct chart {
	const char *title;
	const struct series *s;
	int64_t start, end; /* time range, epoch seconds */
	/* Value formatter for axis labels (fmt_num, fmt_ms, fmt_pct). */
	char *(*fmt)(double, char *, size_t);
	double max; /* 0 = automatic */
	enum ui_color color;
	const struct chart_marker *markers;
	size_t nmarkers;
};

/* A braille line chart with a y axis, time axis and markers. */
void chart_draw(struct ui *ui, int y, int x, int h, int w,
                const struct chart *c);

/* ---- textview.c -------------------------------------------------------- */

struct textview {
	char **lines; /* sanitized text, owned */
	enum ui_color *colors;
	size_t n, cap;
	size_t top; /* first line (or first wrapped row) shown */
	bool wrap;
	char *search; /* highlight, owned; NULL = none */
};

void textview_clear(struct textview *tv);
void textview_add(struct textview *tv, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void textview_draw(struct ui *ui, struct textview *tv, int y, int x, int h,
                   int w);
/* Scrolling and n/N search by action name; returns VIEW_* flags. */
int textview_key(struct textview *tv, const char *action, int h);

/* ---- dialog.c: modal confirm / form dialogs for actions ------------ */

/*
 * Called when the user confirms (ok) or cancels.  Return true to close
 * the dialog, false to keep it open (after dialog_set_error).
 */
typedef bool (*dialog_done_fn)(struct ui *ui, struct dialog *d, bool ok,
                               void *arg);

struct dialog *dialog_new(const char *title);
void dialog_free(struct dialog *d); /* NULL is a no-op */
/* Body text, one line per call (sanitized by the caller). */
void dialog_add_line(struct dialog *d, enum ui_color c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A text field; numeric fields accept digits only.  Returns its index. */
int dialog_add_field(struct dialog *d, const char *label, const char *value,
                     bool numeric);
/* Confirmation requires typing this word exactly (prod: the env name). */
void dialog_require_text(struct dialog *d, const char *word);
void dialog_set_done(struct dialog *d, dialog_done_fn fn, void *arg);
const char *dialog_field(const struct dialog *d, int i);
void dialog_set_error(struct dialog *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Show d (the UI takes ownership; a previous dialog is freed). */
void ui_dialog_open(struct ui *ui, struct dialog *d);
void ui_dialog_close(struct ui *ui);
void dialog_draw(struct ui *ui, struct dialog *d);
/* Handle a key; closes the dialog through ui when done. */
void dialog_key(struct ui *ui, int key);

/* ---- keys.c: the key table ------------------------------------------ */

/*
 * One binding: a key, the action it runs, the views it applies to
 * (space-separated names; NULL = everywhere) and the help text.  The
 * help view is generated from this table; [keys] in the config
 * rebinds an action.
 */
struct key_binding {
	int key;
	const char *action;
	const char *views;
	const char *help;
};

/* Apply config overrides; warnings go to the status line. */
void keys_init(struct ui *ui);
void keys_free(void);
/* The action key runs in view (a view-specific binding wins), or NULL. */
const char *keys_lookup(int key, const char *view);
/* The table in effect (after overrides). */
const struct key_binding *keys_table(size_t *n);
/* Human name of a key: "q", "Enter", "Tab", "C-r", "F5", "Up". */
const char *keys_name(int key, char *out, size_t size);
/* Parse a key spec as keys_name prints it; -1 when unknown. */
int keys_parse(const char *spec);
/* True when the binding applies to view (or everywhere). */
bool keys_applies(const struct key_binding *k, const char *view);

/* ---- prompt (console.c) --------------------------------------------- */

void ui_prompt_open(struct ui *ui, const char *label, const char *initial,
                    void (*done)(struct ui *, const char *));
/* Run a ":" command line ("alarms", "logs api", "env prod", "q"). */
void ui_command(struct ui *ui, const char *line);
/* Switch environment (polling focus follows). */
void ui_set_env(struct ui *ui, int env);
/* Select a service role for detail/logs/actions (copied). */
void ui_set_role(struct ui *ui, const char *role);
/* Open a view by pointer (arg: e.g. "api" for logs). */
void ui_open_view(struct ui *ui, const struct view *v, const char *arg);
/* Name of environment i ("dev"). */
const char *ui_env_name(const struct ui *ui, int i);
/* Run a named action through ui->action (refuses in read-only). */
int ui_run_action(struct ui *ui, const char *name);

#endif
