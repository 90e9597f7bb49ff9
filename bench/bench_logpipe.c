/*
 * Benchmark: the console's log pipeline against `aws logs filter-log-events`.
 *
 * Issue 4 target: the log pipeline (parse, sanitize, filter, render)
 * handles at least 20 times the lines per second of the AWS CLI on the
 * same events.  momentum-sim runs in this process (seed 1, signed
 * requests, loopback); both sides read the same window of the prod api
 * application log group, which the simulator generates with access
 * lines, JSON logs, stack traces and its hostile user agents (escape
 * sequences, OSC title and clipboard writes, CR LF injection).
 *
 *   peer: aws logs filter-log-events --output text over HTTP, all pages;
 *         lines/s = lines printed / wall time of the whole command.
 *         (aws-cli v1 has no `logs tail`; filter-log-events with
 *         `--query events[].[timestamp,message]` prints what
 *         `tail --format short` prints.)
 *   ours: the FilterLogEvents pages as the poller asks for them (1000
 *         events each), canned in memory, then per page what the console
 *         does: logs_parse_filter_body (the poller's direct parser, no
 *         cJSON tree), logstore_append (sanitize,
 *         split, de-dup, level guess, 10,000-line scrollback), and every
 *         new line formatted as the logs view draws it (clock, source
 *         cell, message with the local search highlight through
 *         ui_put_highlight) into an ncurses screen written to /dev/null,
 *         one doupdate per screenful.  lines/s = scrollback lines created
 *         / wall time.
 *
 * Prints both rates and the ratio; exits 1 only when it cannot run
 * (no aws CLI, simulator failure, no terminfo).
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "aws/logs.h"
#include "model/logstore.h"
#include "sim/logs.h"
#include "sim/server.h"
#include "config/config.h"
#include "ui/ui.h"
#include "util/sanitize.h"
#include "util/util.h"
#include "views/view.h"

extern char **environ;

#define WINDOW_HOURS	12	/* default; argv[1] overrides */
#define PAGE_LIMIT	1000	/* what the logs poller asks for */
#define ROUNDS		3
#define SCREEN_ROWS	40
#define SCREEN_COLS	120
#define SEARCH		"error"

static const char *akid = "AKIABENCHLOGPIPE0001";
static const char *secret = "bench-logpipe-secret-bench-logpipe-00001";

struct page {
	char *body;
	size_t len;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The prod api application log group of the simulated world. */
static char *
pick_group(struct sim_world *w)
{
	char **names, *g = NULL;
	size_t n, i;

	n = sim_logs_groups(w, &names);
	for (i = 0; i < n; i++) {
		if (g == NULL && strstr(names[i], "/momentum-prod-api/") != NULL &&
		    strstr(names[i], "/application") != NULL)
			g = xstrdup(names[i]);
		free(names[i]);
	}
	free(names);
	return g;
}

/* One FilterLogEvents call straight into the simulator's dispatcher. */
static int
fetch_page(struct sim_ctx *ctx, const char *body, struct page *out,
    char **cause)
{
	struct sigv4_header h[2] = {
		{ "x-amz-target", "Logs_20140328.FilterLogEvents" },
		{ "content-type", "application/x-amz-json-1.1" },
	};
	struct sim_http_request req;
	struct sim_http_response resp;

	memset(&req, 0, sizeof req);
	req.method = "POST";
	req.path = "/";
	req.headers = h;
	req.nheaders = 2;
	req.body = body;
	req.body_len = strlen(body);
	memset(&resp, 0, sizeof resp);
	sim_handle(ctx, &req, &resp);
	if (resp.status != 200) {
		*cause = xasprintf("FilterLogEvents: HTTP %d: %.*s",
		    resp.status, (int)resp.body.len,
		    resp.body.data != NULL ? resp.body.data : "");
		sim_http_response_free(&resp);
		return -1;
	}
	out->len = resp.body.len;
	out->body = xmalloc(out->len + 1);
	memcpy(out->body, resp.body.data, out->len);
	out->body[out->len] = '\0';
	sim_http_response_free(&resp);
	return 0;
}

/* Every page of the window, as the poller would request them. */
static struct page *
fetch_all(struct sim_ctx *ctx, const char *group, int64_t start,
    int64_t end, size_t *npages, char **cause)
{
	struct page *pages = NULL;
	size_t n = 0;
	char *token = NULL, *body;
	const cJSON *t;
	cJSON *req, *resp;

	for (;;) {
		req = logs_filter_request(group, start, end, NULL, token,
		    PAGE_LIMIT);
		body = cJSON_PrintUnformatted(req);
		cJSON_Delete(req);
		free(token);
		token = NULL;
		pages = xreallocarray(pages, n + 1, sizeof *pages);
		if (fetch_page(ctx, body, &pages[n], cause) != 0) {
			free(body);
			break;
		}
		free(body);
		resp = cJSON_ParseWithLength(pages[n].body, pages[n].len);
		n++;
		t = cJSON_GetObjectItemCaseSensitive(resp, "nextToken");
		if (cJSON_IsString(t) && *t->valuestring != '\0')
			token = xstrdup(t->valuestring);
		cJSON_Delete(resp);
		if (token == NULL) {
			*npages = n;
			return pages;
		}
	}
	while (n > 0)
		free(pages[--n].body);
	free(pages);
	return NULL;
}

/*
 * For comparison: what parsing the pages cost before the direct parser
 * (cJSON tree + logs_parse_filter), best of ROUNDS; -1 on failure.
 */
static double
parse_cjson_s(const char *group, const struct page *pages, size_t npages)
{
	struct log_event_in *ev;
	const char *next;
	char *cause = NULL;
	cJSON *resp;
	size_t i, nev;
	double t0, t, best = -1;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		t0 = now_s();
		for (i = 0; i < npages; i++) {
			resp = cJSON_ParseWithLength(pages[i].body,
			    pages[i].len);
			if (resp == NULL || logs_parse_filter(resp, group, &ev,
			    &nev, &next, &cause) != 0) {
				free(cause);
				cJSON_Delete(resp);
				return -1;
			}
			free(ev);
			cJSON_Delete(resp);
		}
		t = now_s() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
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

/* One line as views/logs.c draw_line() draws it (no wrap, source column). */
static void
render_line(struct ui *ui, const struct log_line *l, int y)
{
	char clock[32];
	int x = 1, w = SCREEN_COLS - 2, srcw = 16;
	int mx = x + 13 + srcw + 1;

	if (!l->cont) {
		ui_clock(ui, l->ts_ms, true, clock, sizeof clock);
		ui_put(ui, y, x, 12, UC_DIM, clock);
		ui_put_cell(ui, y, x + 13, srcw, UC_ACCENT, l->source, false);
	}
	ui_put_highlight(ui, y, mx, x + w - mx, level_color(l->level),
	    l->message, SEARCH);
}

struct stages {
	double parse, ingest, render, total;
	size_t events, lines;
};

/* The whole pipeline over every page; figures in *st. */
static int
pipeline(struct ui *ui, const char *group, const struct page *pages,
    size_t npages, struct stages *st, char **cause)
{
	struct logstore *ls = logstore_new(10000);
	struct log_event_in *ev;
	const struct log_line *l;
	const char *next;
	char *strings;
	uint64_t last_seq = 0, max_seq;
	size_t i, count, first, k, nev;
	double t0, t1, t2, t3, start;
	int row = 1;

	memset(st, 0, sizeof *st);
	start = now_s();
	for (i = 0; i < npages; i++) {
		t0 = now_s();
		if (logs_parse_filter_body(pages[i].body, pages[i].len, group,
		    &ev, &nev, &next, &strings, cause) != 0) {
			logstore_free(ls);
			return -1;
		}
		t1 = now_s();
		logstore_append(ls, ev, nev);
		free(ev);
		free(strings);
		st->events += nev;
		t2 = now_s();

		/* New lines are the ones with a larger seq than seen before. */
		logstore_lock(ls);
		count = logstore_count(ls);
		first = count;
		max_seq = last_seq;
		while (first > 0 && logstore_line(ls, first - 1)->seq > last_seq)
			first--;
		for (k = first; k < count; k++) {
			l = logstore_line(ls, k);
			if (l->seq > max_seq)
				max_seq = l->seq;
			render_line(ui, l, row);
			st->lines++;
			if (++row == SCREEN_ROWS - 1) {
				wnoutrefresh(stdscr);
				doupdate();
				erase();
				row = 1;
			}
		}
		last_seq = max_seq;
		logstore_unlock(ls);
		t3 = now_s();
		st->parse += t1 - t0;
		st->ingest += t2 - t1;
		st->render += t3 - t2;
	}
	wnoutrefresh(stdscr);
	doupdate();
	st->total = now_s() - start;
	logstore_free(ls);
	return 0;
}

/*
 * As the console runs it: per page the same ingestion, then one frame of
 * the real logs view (views/logs.c, following, search highlight on).
 * The console draws at most 30 frames a second, so a page of 1000 events
 * costs one frame, not one line each.
 */
static int
pipeline_view(struct ui *ui, const char *group, const struct page *pages,
    size_t npages, struct stages *st, char **cause)
{
	struct log_event_in *ev;
	const char *next;
	char *strings;
	size_t i, nev;
	double start, t0, t1, t2, t3;

	memset(st, 0, sizeof *st);
	ui->ls = logstore_new(10000);
	ui->env = config_env_index(ui->cf, "prod");
	view_logs.open(ui, "api");
	if (view_logs.key(ui, '/', "search") != 0 && ui->prompt.done != NULL) {
		ui->prompt.active = false;
		ui->prompt.done(ui, SEARCH);
	}
	start = now_s();
	for (i = 0; i < npages; i++) {
		t0 = now_s();
		if (logs_parse_filter_body(pages[i].body, pages[i].len, group,
		    &ev, &nev, &next, &strings, cause) != 0) {
			break;
		}
		t1 = now_s();
		logstore_append(ui->ls, ev, nev);
		free(ev);
		free(strings);
		st->events += nev;
		t2 = now_s();
		ui->now_ms = now_ms();
		erase();
		view_logs.draw(ui, 1, 0, ui->rows - 2, ui->cols);
		wnoutrefresh(stdscr);
		doupdate();
		t3 = now_s();
		st->parse += t1 - t0;
		st->ingest += t2 - t1;
		st->render += t3 - t2;
	}
	st->total = now_s() - start;
	logstore_lock(ui->ls);
	if (logstore_count(ui->ls) > 0)	/* seq counts every line made */
		st->lines = logstore_line(ui->ls, logstore_count(ui->ls) - 1)->seq;
	logstore_unlock(ui->ls);
	view_logs.close(ui);
	logstore_free(ui->ls);
	ui->ls = NULL;
	free(ui->message);
	ui->message = NULL;
	return i == npages ? 0 : -1;
}

/*
 * Run the aws CLI against the simulator; count the lines it prints.
 * Returns the wall time in seconds, or -1 with *cause.
 */
static double
run_peer(int port, const char *group, int64_t start, int64_t end,
    size_t *lines, char **cause)
{
	char url[64], st[32], en[32], buf[65536];
	char *argv[] = { "aws", "logs", "filter-log-events", "--log-group-name",
		(char *)group, "--start-time", st, "--end-time", en,
		"--output", "text", "--query", "events[].[timestamp,message]",
		NULL };
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	pid_t pid;
	ssize_t r;
	double t0, t;
	char *p;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	snprintf(st, sizeof st, "%lld", (long long)start);
	snprintf(en, sizeof en, "%lld", (long long)end);
	setenv("AWS_ENDPOINT_URL", url, 1);
	setenv("AWS_ACCESS_KEY_ID", akid, 1);
	setenv("AWS_SECRET_ACCESS_KEY", secret, 1);
	setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/momentum-bench", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/momentum-bench", 1);
	setenv("AWS_MAX_ATTEMPTS", "1", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
	if (pipe(pfd) != 0) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	posix_spawn_file_actions_addclose(&fa, pfd[1]);
	t0 = now_s();
	if ((status = posix_spawnp(&pid, "aws", &fa, NULL, argv, environ)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		*cause = xasprintf("cannot run aws: %s", strerror(status));
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	*lines = 0;
	while ((r = read(pfd[0], buf, sizeof buf)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (p = buf; (p = memchr(p, '\n', (size_t)(buf + r - p))) !=
		    NULL; p++)
			(*lines)++;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t = now_s() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		*cause = xasprintf("aws exited with status %d",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return t;
}

/*
 * Heap held by a full scrollback: every page through the store, then
 * the bytes still allocated (malloc's own chunk headers included) once
 * the pages' cJSON trees are gone.  Lines held in *lines.
 */
static size_t
scrollback_bytes(const char *group, const struct page *pages, size_t npages,
    size_t *lines, size_t *text, size_t *store, double *status_sum, double *status_max,
    char **cause)
{
	double t0, st;
	struct logstore *ls;
	struct log_event_in *ev;
	const char *next;
	struct mallinfo2 m0, m1;
	char *strings;
	size_t i, nev;

	m0 = mallinfo2();
	ls = logstore_new(10000);
	for (i = 0; i < npages; i++) {
		if (logs_parse_filter_body(pages[i].body, pages[i].len, group,
		    &ev, &nev, &next, &strings, cause) != 0) {
			logstore_free(ls);
			return 0;
		}
		logstore_append(ls, ev, nev);
		free(ev);
		free(strings);
		/* The poll's end, as the poller reports it (trims the heap). */
		t0 = now_s();
		logstore_set_status(ls, now_ms(), NULL, NULL);
		st = now_s() - t0;
		if (st > *status_max)
			*status_max = st;
		*status_sum += st;
	}
	m1 = mallinfo2();
	logstore_lock(ls);
	*lines = logstore_count(ls);
	*store = logstore_bytes(ls);
	*text = 0;
	for (i = 0; i < *lines; i++)
		*text += strlen(logstore_line(ls, i)->message) + 1;
	logstore_unlock(ls);
	logstore_free(ls);
	/* mmap'd blocks (hblkhd) too: a large chunk may be one. */
	return (m1.uordblks + m1.hblkhd) - (m0.uordblks + m0.hblkhd);
}

/* ncurses on /dev/null with the console's dark theme. */
static SCREEN *
screen_open(struct ui *ui, FILE **out, FILE **in, char **cause)
{
	SCREEN *sc;

	*out = fopen("/dev/null", "w");
	*in = fopen("/dev/null", "r");
	if (*out == NULL || *in == NULL) {
		*cause = xstrdup("cannot open /dev/null");
		return NULL;
	}
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "120", 1);
	if ((sc = newterm("xterm-256color", *out, *in)) == NULL) {
		*cause = xstrdup("newterm xterm-256color failed (terminfo?)");
		return NULL;
	}
	set_term(sc);
	resizeterm(SCREEN_ROWS, SCREEN_COLS);
	memset(ui, 0, sizeof *ui);
	ui->utc = true;
	ui->color = has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
	}
	term_set_theme(ui, THEME_DARK);
	getmaxyx(stdscr, ui->rows, ui->cols);
	return sc;
}

int
main(int argc, char **argv)
{
	struct sim_world *wd;
	struct sim_auth *auth;
	struct sim_server *srv;
	struct sim_ctx ctx, direct;
	struct page *pages;
	struct stages st[ROUNDS], sv[ROUNDS], *best, *vmed;
	struct ui ui;
	SCREEN *sc;
	FILE *out, *in;
	int stopping = 0, rc = 1;
	size_t npages = 0, peer_lines = 0, bytes = 0, i;
	char *cause = NULL, *group;
	int64_t end, start;
	double fetch_s, peer_s, rates[ROUNDS], vrates[ROUNDS], ours, view, peer;
	double t0, again;
	size_t again_lines, held = 0, held_bytes, held_text = 0, held_store = 0;
	double status_sum = 0, status_max = 0;
	int hours = WINDOW_HOURS;

	if (argc > 1 && (hours = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: bench_logpipe [hours]\n");
		return 1;
	}
	setlocale(LC_ALL, "C.UTF-8");
	text_set_ascii(false);
	signal(SIGPIPE, SIG_IGN);

	wd = sim_world_new(1, 1, (double)now_ms() / 1000.0);
	auth = sim_auth_new();
	sim_auth_add_key(auth, akid, secret, false);
	memset(&ctx, 0, sizeof ctx);
	ctx.w = wd;
	ctx.auth = auth;
	ctx.stopping = &stopping;
	direct = ctx;
	direct.auth = NULL;	/* in-process pages need no signature */
	if ((srv = sim_server_start(&ctx, 0, &cause)) == NULL)
		goto fail;
	if ((group = pick_group(wd)) == NULL) {
		cause = xstrdup("no prod api log group in the simulated world");
		goto fail_srv;
	}
	/* A past window: both sides see exactly the same events. */
	end = (now_ms() / 60000 - 1) * 60000;
	start = end - (int64_t)hours * 3600 * 1000;

	printf("log pipeline vs aws CLI: %s, %d h window, seed 1 "
	    "(target: ours >= 20x)\n", group, hours);
	t0 = now_s();
	if ((pages = fetch_all(&direct, group, start, end, &npages,
	    &cause)) == NULL)
		goto fail_group;
	fetch_s = now_s() - t0;
	for (i = 0; i < npages; i++)
		bytes += pages[i].len;
	if ((held_bytes = scrollback_bytes(group, pages, npages, &held,
	    &held_text, &held_store, &status_sum, &status_max, &cause)) == 0)
		goto fail_pages;

	peer_s = run_peer(sim_server_port(srv), group, start, end, &peer_lines,
	    &cause);
	if (peer_s < 0)
		goto fail_pages;
	/* The CLI's best of two runs: the peer gets the benefit of a doubt. */
	again = run_peer(sim_server_port(srv), group, start, end, &again_lines,
	    &cause);
	if (again < 0)
		goto fail_pages;
	if (again < peer_s) {
		peer_s = again;
		peer_lines = again_lines;
	}

	if ((sc = screen_open(&ui, &out, &in, &cause)) == NULL)
		goto fail_pages;
	if (config_parse_string(config_default_text, CONFIG_BUILTIN_PATH,
	    &ui.cf, &cause) != 0) {
		endwin();
		delscreen(sc);
		goto fail_pages;
	}
	ui.nenv = (int)ui.cf->nenvs;
	for (i = 0; i < ROUNDS; i++) {
		if (pipeline(&ui, group, pages, npages, &st[i], &cause) != 0 ||
		    pipeline_view(&ui, group, pages, npages, &sv[i],
		    &cause) != 0) {
			endwin();
			delscreen(sc);
			config_free(ui.cf);
			free(ui.role);
			goto fail_pages;
		}
		rates[i] = (double)st[i].lines / st[i].total;
		vrates[i] = (double)sv[i].lines / sv[i].total;
	}
	endwin();
	delscreen(sc);
	fclose(out);
	fclose(in);
	config_free(ui.cf);
	free(ui.role);

	best = &st[0];
	for (i = 1; i < ROUNDS; i++)
		if (st[i].total < best->total)
			best = &st[i];
	qsort(rates, ROUNDS, sizeof *rates, cmp_double);
	qsort(vrates, ROUNDS, sizeof *vrates, cmp_double);
	/* The round whose rate is the median, for its stage times. */
	vmed = &sv[0];
	for (i = 0; i < ROUNDS; i++)
		if ((double)sv[i].lines / sv[i].total == vrates[ROUNDS / 2])
			vmed = &sv[i];
	ours = rates[ROUNDS / 2];
	view = vrates[ROUNDS / 2];
	peer = (double)peer_lines / peer_s;

	printf("canned pages: %zu pages of <= %d events, %zu events, %.1f MB "
	    "JSON (the simulator made them in %.2f s in-process)\n", npages,
	    PAGE_LIMIT, best->events, (double)bytes / 1e6, fetch_s);
	printf("aws CLI          : %zu lines in %.2f s wall, best of 2 (startup, "
	    "HTTP and server included): %.0f lines/s\n", peer_lines, peer_s,
	    peer);
	printf("every line drawn : %zu lines in %.3f s (best of %d), median "
	    "%.0f lines/s = %.1fx aws\n", best->lines, best->total, ROUNDS,
	    ours, ours / peer);
	printf("  stages (best)  : parse %.3f s, sanitize+logstore %.3f s, "
	    "highlight+format+curses %.3f s\n", best->parse, best->ingest,
	    best->render);
	printf("  parse before   : cJSON tree + logs_parse_filter %.3f s "
	    "(best of %d), for comparison\n",
	    parse_cjson_s(group, pages, npages), ROUNDS);
	printf("logs view frames : %zu lines, one frame per page, median "
	    "%.0f lines/s = %.1fx aws\n", sv[0].lines, view, view / peer);
	printf("  stages (median): parse %.3f s, sanitize+logstore %.3f s, "
	    "frames %.3f s, total %.3f s\n", vmed->parse, vmed->ingest,
	    vmed->render, vmed->total);
	printf("scrollback heap  : %zu lines hold %.2f MB allocated (%.0f bytes "
	    "a line, malloc headers included; the messages' text %.0f)\n",
	    held, (double)held_bytes / (1024 * 1024),
	    held > 0 ? (double)held_bytes / (double)held : 0.0,
	    held > 0 ? (double)held_text / (double)held : 0.0);
	printf("  of which       : the store's own count (logstore_bytes: "
	    "chunks, line index, de-dup table) %.2f MB, %.0f bytes a line\n",
	    (double)held_store / (1024 * 1024),
	    held > 0 ? (double)held_store / (double)held : 0.0);
	printf("end of a poll    : logstore_set_status (heap trim) mean %.0f us, "
	    "max %.0f us over %zu pages\n", status_sum / (double)npages * 1e6,
	    status_max * 1e6, npages);
	printf("target 20x aws: every line drawn %s, as the view runs %s\n",
	    ours >= 20 * peer ? "met" : "NOT met",
	    view >= 20 * peer ? "met" : "NOT met");
	rc = 0;

fail_pages:
	for (i = 0; i < npages; i++)
		free(pages[i].body);
	free(pages);
fail_group:
	free(group);
fail_srv:
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
	sim_server_stop(srv);
fail:
	if (rc != 0) {
		fprintf(stderr, "bench_logpipe: cannot run: %s\n", cause);
		free(cause);
	}
	sim_world_free(wd);
	sim_auth_free(auth);
	return rc;
}
