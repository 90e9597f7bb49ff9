/* The interactive console: options, main loop, keys, prompt and commands. */
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "cli/cli.h"
#include "config/config.h"
#include "model/logstore.h"
#include "model/snapshot.h"
#include "poll/poller.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

#define MIN_COLS 60
#define MIN_ROWS 16

/* Set by signal handlers only; read by the main loop. */
static volatile sig_atomic_t sig_quit;
static volatile sig_atomic_t sig_winch;

static void
on_quit(int sig)
{
	sig_quit = sig;
}

static void
on_winch(int sig)
{
	sig_winch = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: momentum-console [--config FILE] [--env NAME] "
	        "[--read-only]\n"
	        "                        [--wallboard [--rotate SECONDS]] "
	        "[--theme THEME]\n"
	        "                        [--exit-after SECONDS] [--no-mouse]\n"
	        "       momentum-console doctor | aws | action ...\n"
	        "       momentum-console --help | --version\n");
}

/* The --help screen: the synopsis, then every option and subcommand. */
static void
help(FILE *f)
{
	usage(f);
	fprintf(f,
	        "\n"
	        "A live terminal dashboard of the Momentum app's AWS "
	        "environments.\n"
	        "\n"
	        "Options:\n"
	        "  -c, --config FILE      read this config file instead of "
	        "searching\n"
	        "  -e, --env NAME         start on environment NAME (default: "
	        "the first)\n"
	        "  -r, --read-only        refuse every mutating action, in "
	        "every environment\n"
	        "  -w, --wallboard        read-only wall display: every "
	        "environment, no dialogs,\n"
	        "                         every key but q ignored\n"
	        "      --rotate SECONDS   wallboard: seconds per service in the "
	        "rotating detail\n"
	        "                         (1-3600; default "
	        "$MOMENTUM_WALLBOARD_ROTATE or 10)\n"
	        "  -t, --theme THEME      dark, light or high-contrast "
	        "(default: the config's)\n"
	        "  -x, --exit-after SECONDS\n"
	        "                         quit by itself after SECONDS "
	        "(for tests and checkers)\n"
	        "  -m, --no-mouse         do not capture the mouse\n"
	        "  -h, --help             show this help and exit\n"
	        "  -V, --version          show the version and exit\n"
	        "\n"
	        "Subcommands (each takes --help):\n"
	        "  doctor                 check config, credentials, endpoints, "
	        "permissions\n"
	        "  aws                    make one AWS API call with the "
	        "console's client\n"
	        "  action                 scale, pause, resume, roll back or "
	        "promote a service\n"
	        "\n"
	        "Config, first found: --config, $MOMENTUM_CONSOLE_CONFIG,\n"
	        "  $XDG_CONFIG_HOME/momentum/console.conf, "
	        MOMENTUM_SYSCONFDIR "/momentum/console.conf,\n"
	        "  then the built-in default.\n"
	        "\n"
	        "Keys: press ? in the console.  "
	        "See momentum-console(1), momentum.conf(5).\n");
}

const char *
ui_env_name(const struct ui *ui, int i)
{
	if (ui->cf == NULL || i < 0 || (size_t)i >= ui->cf->nenvs)
		return "?";
	return ui->cf->envs[i].name;
}

void
ui_set_env(struct ui *ui, int env)
{
	if (env < 0 || env >= ui->nenv || env == ui->env)
		return;
	ui->env = env;
	if (ui->poller != NULL) {
		struct snapshot *s = store_acquire(ui->st, env, SRC_SERVICES);

		poller_set_focus(ui->poller, env);
		/*
		 * It was polled at the background rate: if what we have is
		 * older than a focused poll would be, fetch now.
		 */
		if (s == NULL || ui->now_ms - s->fetched_at_ms >
		                     (int64_t)ui->cf->refresh.services * 1000)
			poller_refresh_now(ui->poller, env);
		snapshot_unref(s);
	}
	ui->dirty = true;
}

void
ui_set_role(struct ui *ui, const char *role)
{
	char *r = role != NULL ? xstrdup(role) : NULL;

	free(ui->role);
	ui->role = r;
}

void
ui_open_view(struct ui *ui, const struct view *v, const char *arg)
{
	/* arg may point into the closing view's state: copy it first. */
	char *copy = arg != NULL ? xstrdup(arg) : NULL;

	if (v == NULL) {
		free(copy);
		return;
	}
	if (ui->view != NULL) {
		if (ui->view->close != NULL)
			ui->view->close(ui);
		if (ui->view != v)
			ui->prev_view = ui->view;
	}
	ui->view = v;
	if (v->open != NULL)
		v->open(ui, copy);
	free(copy);
	ui->dirty = true;
}

int
ui_run_action(struct ui *ui, const char *name)
{
	const struct config_env *e = &ui->cf->envs[ui->env];

	if (ui->wallboard)
		return VIEW_HANDLED;
	if (ui->read_only) {
		ui_message(ui, true,
		           "read-only mode: %s is disabled "
		           "(--read-only)",
		           name);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (e->read_only) {
		ui_message(ui, true,
		           "read-only: %s is disabled (%s is "
		           "read_only in %s)",
		           name, e->name, ui->cf->path);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (ui->action == NULL) {
		ui_message(ui, true,
		           "%s: actions are not available in this "
		           "build",
		           name);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	return ui->action(ui, name);
}

void
ui_prompt_open(struct ui *ui, const char *label, const char *initial,
               void (*done)(struct ui *, const char *))
{
	struct ui_prompt *p = &ui->prompt;

	p->active = true;
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->text, sizeof p->text, "%s", initial != NULL ? initial : "");
	p->len = strlen(p->text);
	p->done = done;
	ui->dirty = true;
}

static void
prompt_finish(struct ui *ui, bool ok)
{
	struct ui_prompt *p = &ui->prompt;
	void (*done)(struct ui *, const char *) = p->done;
	char *text = ok ? text_clean(p->text) : NULL;

	p->active = false;
	p->done = NULL;
	if (done != NULL)
		done(ui, text);
	free(text);
	ui->dirty = true;
}

static void
prompt_key(struct ui *ui, int key)
{
	struct ui_prompt *p = &ui->prompt;

	ui->dirty = true;
	switch (key) {
	case 27:
		prompt_finish(ui, false);
		return;
	case '\r':
	case '\n':
	case KEY_ENTER:
		prompt_finish(ui, true);
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (p->len == 0) {
			prompt_finish(ui, false);
			return;
		}
		/* Remove a whole UTF-8 character. */
		do
			p->len--;
		while (p->len > 0 &&
		       ((unsigned char)p->text[p->len] & 0xc0) == 0x80);
		p->text[p->len] = '\0';
		return;
	case 21: /* C-u */
		p->len = 0;
		p->text[0] = '\0';
		return;
	}
	if (key < 0x20 || key > 0xff || key == 0x7f)
		return;
	if (p->len + 1 < sizeof p->text) {
		p->text[p->len++] = (char)key;
		p->text[p->len] = '\0';
	}
}

static void
command_done(struct ui *ui, const char *text)
{
	if (text != NULL && *text != '\0')
		ui_command(ui, text);
}

void
ui_command(struct ui *ui, const char *line)
{
	char cmd[64] = "", arg[192] = "";
	const struct view *v;
	int e, t;

	if (sscanf(line, " %63s %191[^\n]", cmd, arg) < 1)
		return;
	strtrim(arg);
	if (strcmp(cmd, "q") == 0 || strcmp(cmd, "quit") == 0 ||
	    strcmp(cmd, "q!") == 0 || strcmp(cmd, "qa") == 0) {
		ui->quit = true;
		return;
	}
	if (strcmp(cmd, "env") == 0 || config_env_index(ui->cf, cmd) >= 0) {
		const char *name = strcmp(cmd, "env") == 0 ? arg : cmd;

		e = config_env_index(ui->cf, name);
		if (e < 0)
			ui_message(ui, true, "unknown environment '%s'", name);
		else
			ui_set_env(ui, e);
		return;
	}
	if (strcmp(cmd, "theme") == 0) {
		t = term_theme_parse(arg);
		if (t < 0)
			ui_message(ui, true,
			           "unknown theme '%s' (dark, light, "
			           "high-contrast)",
			           arg);
		else
			term_set_theme(ui, (enum ui_theme)t);
		return;
	}
	if (strcmp(cmd, "refresh") == 0 || strcmp(cmd, "r") == 0) {
		if (ui->poller != NULL)
			poller_refresh_now(ui->poller, ui->env);
		ui_message(ui, false, "refreshing %s",
		           ui_env_name(ui, ui->env));
		return;
	}
	if (strcmp(cmd, "utc") == 0 || strcmp(cmd, "local") == 0) {
		ui->utc = strcmp(cmd, "utc") == 0;
		return;
	}
	if (strcmp(cmd, "svc") == 0)
		snprintf(cmd, sizeof cmd, "service");
	if (strcmp(cmd, "log") == 0)
		snprintf(cmd, sizeof cmd, "logs");
	v = views_find(cmd);
	if (v == NULL) {
		ui_message(ui, true, "unknown command '%s' (try :help)", cmd);
		return;
	}
	if (strcmp(v->name, "wallboard") != 0 || ui->read_only)
		ui_open_view(ui, v, *arg != '\0' ? arg : NULL);
	else
		ui_message(ui, true,
		           "the wallboard needs --wallboard or "
		           "--read-only");
}

/* Keys no view handled. */
static void
global_action(struct ui *ui, const char *a)
{
	const struct view *v;

	if (a == NULL)
		return;
	ui->dirty = true;
	if (strcmp(a, "quit") == 0)
		ui->quit = true;
	else if (str_starts_with(a, "env-") && a[4] >= '1' && a[4] <= '9') {
		if (a[4] - '1' < ui->nenv)
			ui_set_env(ui, a[4] - '1');
	} else if (strcmp(a, "env-next") == 0)
		ui_set_env(ui, (ui->env + 1) % ui->nenv);
	else if (strcmp(a, "env-prev") == 0)
		ui_set_env(ui, (ui->env + ui->nenv - 1) % ui->nenv);
	else if (strcmp(a, "command") == 0)
		ui_prompt_open(ui, ":", NULL, command_done);
	else if (strcmp(a, "refresh") == 0)
		ui_command(ui, "refresh");
	else if (strcmp(a, "time-zone") == 0)
		ui->utc = !ui->utc;
	else if (strcmp(a, "theme") == 0)
		term_set_theme(ui, (enum ui_theme)((ui->theme + 1) % 3));
	else if (strcmp(a, "redraw") == 0)
		clearok(curscr, TRUE); /* the next frame repaints everything */
	else if (strcmp(a, "back") == 0) {
		v = ui->prev_view != NULL && ui->prev_view != ui->view
		        ? ui->prev_view
		        : &view_overview;
		ui_open_view(ui, v, NULL);
	} else if (strcmp(a, "scale") == 0 || strcmp(a, "scale-up") == 0 ||
	           strcmp(a, "scale-down") == 0 ||
	           strcmp(a, "pause-resume") == 0 ||
	           strcmp(a, "rollback") == 0 || strcmp(a, "promote") == 0)
		ui_run_action(ui, a);
	else if ((v = views_find(a)) != NULL)
		ui_open_view(ui, v, NULL);
}

static void
mouse_key(struct ui *ui)
{
	MEVENT me;
	const struct view *v;
	int env, r;

	if (getmouse(&me) != OK)
		return;
	ui->dirty = true;
	if (me.bstate & BUTTON4_PRESSED) {
		if (ui->view->key != NULL)
			ui->view->key(ui, KEY_UP, "up");
		return;
	}
	if (me.bstate & BUTTON5_PRESSED) {
		if (ui->view->key != NULL)
			ui->view->key(ui, KEY_DOWN, "down");
		return;
	}
	if (!(me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	if (me.y == 0) {
		if ((env = tabs_hit(ui, me.x)) >= 0)
			ui_set_env(ui, env);
		else if ((v = tabs_hit_view(ui, me.x)) != NULL)
			ui_open_view(ui, v, NULL);
		return;
	}
	ui->mouse_y = me.y;
	ui->mouse_x = me.x;
	if (ui->view->key != NULL) {
		r = ui->view->key(ui, KEY_MOUSE, "click");
		if ((r & VIEW_REFETCH) && ui->poller != NULL)
			poller_refresh_now(ui->poller, ui->env);
	}
}

static bool
too_small(const struct ui *ui)
{
	return ui->cols < MIN_COLS || ui->rows < MIN_ROWS;
}

static void
handle_key(struct ui *ui, int key)
{
	const char *action;
	int r = 0;

	if (key == KEY_RESIZE) {
		term_resize(ui);
		ui->dirty = true;
		return;
	}
	if (ui->wallboard) {
		/* Hands off: every key but quit is ignored. */
		if (key == 'q' || key == 'Q')
			ui->quit = true;
		return;
	}
	if (ui->dialog != NULL) {
		dialog_key(ui, key);
		return;
	}
	if (ui->prompt.active) {
		prompt_key(ui, key);
		return;
	}
	if (too_small(ui)) {
		if (key == 'q')
			ui->quit = true;
		return;
	}
	if (key == KEY_MOUSE) {
		mouse_key(ui);
		return;
	}
	action = keys_lookup(key, ui->view->name);
	if (ui->view->key != NULL)
		r = ui->view->key(ui, key, action);
	if (r & VIEW_REFETCH && ui->poller != NULL)
		poller_refresh_now(ui->poller, ui->env);
	if (r != 0) {
		ui->dirty = true;
		return;
	}
	global_action(ui, action);
}

static void
draw_too_small(struct ui *ui)
{
	char msg[96];
	int tw;

	snprintf(msg, sizeof msg, "terminal too small: need %dx%d, have %dx%d",
	         MIN_COLS, MIN_ROWS, ui->cols, ui->rows);
	tw = text_width(msg);
	if (tw <= ui->cols)
		ui_put(ui, ui->rows / 2, (ui->cols - tw) / 2, tw, UC_WARN, msg);
	else {
		/* Narrower than the message itself: one word per line. */
		ui_put(ui, 0, 0, ui->cols, UC_WARN, "terminal too small:");
		ui_putf(ui, 1, 0, ui->cols, UC_WARN, "need %dx%d,", MIN_COLS,
		        MIN_ROWS);
		ui_putf(ui, 2, 0, ui->cols, UC_WARN, "have %dx%d", ui->cols,
		        ui->rows);
	}
	if (ui->rows > 4)
		ui_put(ui, ui->rows / 2 + 1, 0, ui->cols, UC_DIM,
		       ui->cols >= 20 ? "  q quits" : "q quits");
}

static void
frame(struct ui *ui)
{
	ui->now_ms = now_ms();
	views_frame(ui);
	erase();
	if (too_small(ui))
		draw_too_small(ui);
	else {
		tabs_draw(ui, 0);
		ui->view->draw(ui, 1, 0, ui->rows - 2, ui->cols);
		statusline_draw(ui, ui->rows - 1);
		if (ui->dialog != NULL)
			dialog_draw(ui, ui->dialog);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void
main_loop(struct ui *ui, double exit_after)
{
	struct pollfd pfd[2];
	int64_t now, next_tick, deadline = 0, last_frame = 0;
	int timeout, n, key;

	if (exit_after > 0)
		deadline = mono_ms() + (int64_t)(exit_after * 1000);
	next_tick = mono_ms() + 1000;
	ui->dirty = true;
	while (!ui->quit && !sig_quit) {
		if (sig_winch) {
			sig_winch = 0;
			term_resize(ui);
			ui->dirty = true;
		}
		now = mono_ms();
		if (deadline != 0 && now >= deadline)
			break;
		if (now >= next_tick) {
			ui->dirty = true;
			next_tick = now + 1000 - (now - next_tick) % 1000;
		}
		/* At most ~30 frames a second, however often pollers wake us.
		 */
		if (ui->dirty && now - last_frame >= 33) {
			frame(ui);
			last_frame = now;
			ui->dirty = false;
		}
		timeout = (int)(next_tick - now);
		if (ui->dirty)
			timeout = 33 - (int)(now - last_frame);
		if (deadline != 0 && deadline - now < timeout)
			timeout = (int)(deadline - now);
		if (timeout < 0)
			timeout = 0;
		pfd[0] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = store_wake_fd(ui->st),
		                         .events = POLLIN};
		n = poll(pfd, 2, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fatal("poll: %s", strerror(errno));
		}
		if (pfd[1].revents & POLLIN) {
			store_drain_wake(ui->st);
			ui->dirty = true;
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		if (pfd[0].revents & POLLIN)
			while ((key = getch()) != ERR)
				handle_key(ui, key);
	}
}

/* Joins the poller threads for poller_stop_bounded(). */
struct stopper {
	struct poller *p;
	pthread_mutex_t lock; /* guards done */
	pthread_cond_t cond;
	bool done;
};

static void *
stopper_main(void *arg)
{
	struct stopper *s = arg;

	poller_stop(s->p);
	pthread_mutex_lock(&s->lock);
	s->done = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/*
 * Stop the pollers, waiting at most ms.  A thread stuck on a stalled
 * endpoint only notices the stop when its request times out (up to the
 * client's full retry budget); the user who pressed q should not wait
 * for that.  Returns false when the threads are still running.
 */
static bool
poller_stop_bounded(struct poller *p, int ms)
{
	struct stopper s = {.p = p, .done = false};
	struct timespec ts;
	pthread_t t;
	bool done;

	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	if (pthread_create(&t, NULL, stopper_main, &s) != 0) {
		poller_stop(p);
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s.lock);
	while (!s.done)
		if (pthread_cond_timedwait(&s.cond, &s.lock, &ts) != 0)
			break;
	done = s.done;
	pthread_mutex_unlock(&s.lock);
	if (!done)
		return false; /* s stays in use by the thread: never freed */
	pthread_join(t, NULL);
	pthread_mutex_destroy(&s.lock);
	pthread_cond_destroy(&s.cond);
	return true;
}

static void
signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
console_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"env", required_argument, NULL, 'e'},
	    {"read-only", no_argument, NULL, 'r'},
	    {"wallboard", no_argument, NULL, 'w'},
	    {"rotate", required_argument, NULL, 'o'},
	    {"theme", required_argument, NULL, 't'},
	    {"exit-after", required_argument, NULL, 'x'},
	    {"no-mouse", no_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0}};
	struct ui ui;
	struct config *cf = NULL;
	const char *opt_config = NULL, *opt_env = NULL, *opt_theme = NULL;
	double exit_after = 0;
	char *cause = NULL, *end;
	int ch, t, rc = 0;

	/*
	 * One malloc arena for all threads, before any starts: glibc gives
	 * each poller thread its own arena otherwise, about 1.7 MB of RSS
	 * in all (docs/benchmarks.md); the threads allocate little, and
	 * rarely at the same time, so sharing one costs nothing measurable.
	 */
	mallopt(M_ARENA_MAX, 1);
	setlocale(LC_ALL, "");
	memset(&ui, 0, sizeof ui);
	ui.mouse = true;
	ui.utc = true;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:e:rwo:t:x:mhV", longopts,
	                         NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt_config = optarg;
			break;
		case 'e':
			opt_env = optarg;
			break;
		case 'r':
			ui.read_only = true;
			break;
		case 'w':
			ui.wallboard = ui.read_only = true;
			break;
		case 'o':
			ui.rotate_s = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || ui.rotate_s <= 0 ||
			    ui.rotate_s > 3600) {
				fprintf(stderr, "momentum-console: --rotate wants "
				                "1-3600 seconds\n");
				return 64;
			}
			break;
		case 't':
			opt_theme = optarg;
			break;
		case 'x':
			exit_after = strtod(optarg, &end);
			if (*end != '\0' || exit_after <= 0) {
				fprintf(stderr,
				        "momentum-console: --exit-after "
				        "wants a positive number of seconds\n");
				return 64;
			}
			break;
		case 'm':
			ui.mouse = false;
			break;
		case 'h':
			help(stdout);
			return 0;
		case 'V':
			printf("momentum-console %s\n", MOMENTUM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "momentum-console: unknown command '%s'\n",
		        argv[optind]);
		usage(stderr);
		return 64;
	}

	if (config_load(opt_config, &cf, &cause) != 0) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		return 1;
	}
	ui.cf = cf;
	ui.nenv = (int)cf->nenvs;
	if (opt_env != NULL && (ui.env = config_env_index(cf, opt_env)) < 0) {
		fprintf(stderr, "momentum-console: no environment '%s' in %s\n",
		        opt_env, cf->path);
		config_free(cf);
		return 1;
	}
	if ((t = term_theme_parse(opt_theme != NULL ? opt_theme : cf->theme)) <
	    0) {
		fprintf(stderr, "momentum-console: unknown theme '%s'\n",
		        opt_theme != NULL ? opt_theme : cf->theme);
		t = THEME_DARK;
		if (opt_theme != NULL) {
			config_free(cf);
			return 64;
		}
	}
	ui.theme = (enum ui_theme)t;
	if (ui.read_only)
		aws_set_global_read_only();

	ui.st = store_new(ui.nenv);
	ui.ls = logstore_new(cf->log_scrollback);
	ui.poller = poller_new(cf, ui.st, ui.ls, &cause);
	if (ui.poller == NULL) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		rc = 1;
		goto out;
	}
	signals_init();
	if (term_init(&ui, &cause) != 0) {
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		rc = 1;
		goto out;
	}
	poller_set_focus(ui.poller, ui.env);
	if (poller_start(ui.poller, &cause) != 0) {
		term_end();
		fprintf(stderr, "momentum-console: %s\n", cause);
		free(cause);
		rc = 1;
		goto out;
	}
	keys_init(&ui);
	if (cf->nwarnings > 0)
		ui_message(&ui, true, "%zu config warning%s: %s", cf->nwarnings,
		           cf->nwarnings == 1 ? "" : "s", cf->warnings[0]);
	views_init(&ui);
	ui_open_view(&ui, views_start(&ui), NULL);

	main_loop(&ui, exit_after);

	if (ui.view != NULL && ui.view->close != NULL)
		ui.view->close(&ui);
	ui_dialog_close(&ui);
	term_end();
	views_fini(&ui);
	if (!poller_stop_bounded(ui.poller, 1500)) {
		/*
		 * The terminal is restored and nothing is half-written: leave
		 * without waiting for requests stuck on the network.
		 */
		fprintf(stderr, "momentum-console: not waiting for requests "
		                "still in flight\n");
		fflush(stderr);
		_exit(rc);
	}
out:
	poller_free(ui.poller);
	logstore_free(ui.ls);
	store_free(ui.st);
	keys_free();
	free(ui.role);
	free(ui.message);
	config_free(cf);
	return rc;
}
