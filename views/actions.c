/* Action keys: scale, pause/resume, roll back and promote from the console. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action/action.h"
#include "action/audit.h"
#include "aws/client.h"
#include "config/config.h"
#include "model/model.h"
#include "model/snapshot.h"
#include "poll/poller.h"
#include "ui/ui.h"
#include "util/util.h"
#include "views/actions.h"
#include "views/view.h"

enum job_kind { JOB_NONE, JOB_PREVIEW, JOB_EXECUTE, JOB_HISTORY };

/*
 * One job at a time: the UI thread fills it and starts the worker; the
 * worker fills the results.  Fields marked (lock) are shared and
 * touched only under A.lock; the rest belong to whoever owns the job:
 * the worker while running is true, the UI thread otherwise.
 */
struct job {
	enum job_kind kind;
	struct action_request req;
	char *env, *service, *digest, *from;
	char *label;			/* "scale momentum-prod-api" */
	struct action_plan *plan;
	char *confirm;
	char *cause;
	struct action_outcome out;
	struct action_history hist;
	int hist_rc;
	char **recent;			/* audit lines about the service */
	size_t nrecent;
	int env_index;
};

/*
 * Following an operation runs on a thread of its own, so a long
 * deployment does not hold up the next action (on another service).
 * used/thread/plan/op/label belong to the UI thread; the tracker
 * thread writes final/cause and then finished (lock).
 */
#define MAX_TRACKERS 4

struct tracker {
	bool used;
	pthread_t thread;
	struct action_plan *plan;
	char *op;
	char *label;
	char *final;
	char *cause;
	bool finished;			/* (lock) */
};

static struct {
	struct ui *ui;
	struct action_engine *engine;
	pthread_mutex_t lock;
	pthread_t thread;
	bool thread_started;		/* UI thread only */
	bool running;			/* (lock) the worker owns job */
	bool done;			/* (lock) results are ready */
	char progress[160];		/* (lock) latest tracking line */
	bool progress_new;		/* (lock) */
	int refresh_env;		/* (lock) poll this env now, -1 none */
	atomic_bool cancel;
	struct job job;
	struct action_plan *pending;	/* UI: plan waiting for confirmation */
	struct tracker trackers[MAX_TRACKERS];
	char status[200];		/* UI: line for views */
} A = { .lock = PTHREAD_MUTEX_INITIALIZER, .refresh_env = -1 };

static void
job_clear(struct job *j)
{
	free(j->env);
	free(j->service);
	free(j->digest);
	free(j->from);
	free(j->label);
	action_plan_free(j->plan);
	free(j->confirm);
	free(j->cause);
	action_outcome_clear(&j->out);
	action_history_clear(&j->hist);
	while (j->nrecent > 0)
		free(j->recent[--j->nrecent]);
	free(j->recent);
	memset(j, 0, sizeof *j);
}

static struct action_engine *
engine(struct ui *ui)
{
	struct action_options opt = { 0 };

	if (A.engine == NULL) {
		opt.read_only_why = ui->wallboard ? "wallboard mode" :
		    ui->read_only ? "--read-only" : NULL;
		A.engine = action_engine_new(ui->cf, &opt);
	}
	return A.engine;
}

/* ---- the worker ------------------------------------------------------ */

static void
worker_progress(void *arg, const char *status, int64_t elapsed)
{
	struct job *j = arg;

	pthread_mutex_lock(&A.lock);
	snprintf(A.progress, sizeof A.progress, "%s: operation %s %s (%llds)",
	    j->label, j->out.operation_id != NULL ? j->out.operation_id : "?",
	    status, (long long)(elapsed / 1000));
	A.progress_new = true;
	/* Once submitted, the new operation belongs on the charts at once. */
	if (strcmp(status, "submitted") == 0)
		A.refresh_env = j->env_index;
	pthread_mutex_unlock(&A.lock);
	store_wake(A.ui->st);
}

static void *
worker_main(void *arg)
{
	struct job *j = &A.job;
	enum action_result r;

	(void)arg;
	switch (j->kind) {
	case JOB_PREVIEW:
		if (action_preview(A.engine, &j->req, &j->plan, &j->cause) != 0)
			j->plan = NULL;
		break;
	case JOB_HISTORY:
		j->hist_rc = action_history_get(A.engine, j->env, j->service,
		    &j->hist, &j->cause);
		if (j->hist_rc == 0 && j->hist.service_name != NULL)
			j->nrecent = audit_recent(action_engine_audit_path(
			    A.engine), j->env, j->hist.service_name, 8,
			    &j->recent);
		break;
	case JOB_EXECUTE:
		r = action_execute(A.engine, j->plan, j->confirm, &j->out);
		if (r == ACTION_SUBMITTED || r == ACTION_APPLIED_AFTER_TIMEOUT)
			worker_progress(j, "submitted", 0);
		break;
	case JOB_NONE:
		break;
	}
	http_thread_cleanup();
	pthread_mutex_lock(&A.lock);
	A.running = false;
	A.done = true;
	pthread_mutex_unlock(&A.lock);
	store_wake(A.ui->st);
	return NULL;
}

static void
tracker_progress(void *arg, const char *status, int64_t elapsed)
{
	struct tracker *t = arg;

	pthread_mutex_lock(&A.lock);
	snprintf(A.progress, sizeof A.progress, "%s: operation %s %s (%llds)",
	    t->label, t->op, status, (long long)(elapsed / 1000));
	A.progress_new = true;
	pthread_mutex_unlock(&A.lock);
	store_wake(A.ui->st);
}

static void *
tracker_main(void *arg)
{
	struct tracker *t = arg;
	char *cause = NULL, *final;

	final = action_track(A.engine, t->plan, t->op, 30 * 60 * 1000,
	    tracker_progress, t, &A.cancel, &cause);
	http_thread_cleanup();
	pthread_mutex_lock(&A.lock);
	t->final = final;
	t->cause = cause;
	t->finished = true;
	pthread_mutex_unlock(&A.lock);
	store_wake(A.ui->st);
	return NULL;
}

static void
tracker_clear(struct tracker *t)
{
	action_plan_free(t->plan);
	free(t->op);
	free(t->label);
	free(t->final);
	free(t->cause);
	memset(t, 0, sizeof *t);
}

/* Follow op on a tracker thread; takes the plan. */
static void
tracker_start(struct ui *ui, struct action_plan *plan, const char *op,
    const char *label)
{
	struct tracker *t = NULL;
	size_t i;

	for (i = 0; i < MAX_TRACKERS && t == NULL; i++)
		if (!A.trackers[i].used)
			t = &A.trackers[i];
	if (t == NULL) {
		ui_message(ui, true, "%s: operation %s submitted; not followed "
		    "(%d operations followed already)", label, op,
		    MAX_TRACKERS);
		action_plan_free(plan);
		return;
	}
	t->plan = plan;
	t->op = xstrdup(op);
	t->label = xstrdup(label);
	t->finished = false;
	if (pthread_create(&t->thread, NULL, tracker_main, t) != 0) {
		ui_message(ui, true, "%s: operation %s submitted; cannot follow "
		    "it", label, op);
		tracker_clear(t);
		return;
	}
	t->used = true;
}

/* Finished trackers: join, report, refresh the charts. */
static void
trackers_reap(struct ui *ui)
{
	struct tracker *t;
	bool fin;
	size_t i;

	for (i = 0; i < MAX_TRACKERS; i++) {
		t = &A.trackers[i];
		if (!t->used)
			continue;
		pthread_mutex_lock(&A.lock);
		fin = t->finished;
		pthread_mutex_unlock(&A.lock);
		if (!fin)
			continue;
		pthread_join(t->thread, NULL);
		if (t->final != NULL)
			ui_message(ui, strcmp(t->final, "SUCCEEDED") != 0,
			    "%s in %s: operation %s %s", t->label,
			    t->plan->env, t->op, t->final);
		else
			ui_message(ui, true, "%s: %s", t->label,
			    t->cause != NULL ? t->cause : "lost the operation");
		if (ui->poller != NULL)
			poller_refresh_now(ui->poller, t->plan->env_index);
		tracker_clear(t);
		ui->dirty = true;
	}
}

/* A confirmation dialog that vanished without an answer was a "no". */
static void
drop_orphan(struct ui *ui)
{
	if (A.pending != NULL && ui->dialog == NULL) {
		action_plan_free(A.pending);
		A.pending = NULL;
		A.status[0] = '\0';
	}
}

static bool
busy(struct ui *ui)
{
	bool b;

	drop_orphan(ui);
	pthread_mutex_lock(&A.lock);
	b = A.running || A.done;
	pthread_mutex_unlock(&A.lock);
	if (b || A.pending != NULL) {
		ui_message(ui, true, "an action is already in progress: %s",
		    A.status[0] != '\0' ? A.status : "wait for it");
		return true;
	}
	return false;
}

/* Hand the job (already filled) to a new worker thread. */
static void
job_start(struct ui *ui)
{
	if (A.thread_started) {
		pthread_join(A.thread, NULL);
		A.thread_started = false;
	}
	engine(ui);
	A.ui = ui;
	pthread_mutex_lock(&A.lock);
	A.running = true;
	A.done = false;
	pthread_mutex_unlock(&A.lock);
	if (pthread_create(&A.thread, NULL, worker_main, NULL) != 0) {
		pthread_mutex_lock(&A.lock);
		A.running = false;
		pthread_mutex_unlock(&A.lock);
		job_clear(&A.job);
		ui_message(ui, true, "cannot start the action thread");
		return;
	}
	A.thread_started = true;
}

static void
job_preview(struct ui *ui, const struct action_request *req)
{
	struct job *j = &A.job;

	job_clear(j);
	j->kind = JOB_PREVIEW;
	j->req = *req;
	j->env = xstrdup(req->env);
	j->service = xstrdup(req->service);
	j->digest = xstrdup(req->digest);
	j->from = xstrdup(req->from_env);
	j->req.env = j->env;
	j->req.service = j->service;
	j->req.digest = j->digest;
	j->req.from_env = j->from;
	j->env_index = ui->env;
	snprintf(A.status, sizeof A.status, "%s %s in %s: reading state",
	    action_kind_name(req->kind), req->service, req->env);
	ui_message(ui, false, "%s", A.status);
	job_start(ui);
}

/* ---- dialogs --------------------------------------------------------- */

static bool
confirm_done(struct ui *ui, struct dialog *d, bool ok, void *arg)
{
	struct action_plan *p = A.pending;
	struct job *j = &A.job;
	const char *typed;

	(void)arg;
	A.pending = NULL;
	if (p == NULL)
		return true;
	if (!ok) {
		ui_message(ui, false, "%s cancelled; nothing was sent",
		    action_kind_name(p->kind));
		A.status[0] = '\0';
		action_plan_free(p);
		return true;
	}
	/* The engine checks the text again: the dialog is not the guard. */
	typed = p->production ? dialog_field(d, 0) : "yes";
	job_clear(j);
	j->kind = JOB_EXECUTE;
	j->plan = p;
	j->confirm = xstrdup(typed != NULL ? typed : "");
	j->label = xasprintf("%s %s", action_kind_name(p->kind),
	    p->service_name);
	j->env_index = p->env_index;
	snprintf(A.status, sizeof A.status, "%s in %s: submitting", j->label,
	    p->env);
	ui_message(ui, false, "%s", A.status);
	job_start(ui);
	return true;
}

/*
 * Add text to d as lines of at most width columns (plan text is ASCII:
 * names, ARNs, digests), breaking at spaces where it can; continuation
 * lines are indented under the first.
 */
static void
add_wrapped(struct dialog *d, enum ui_color c, const char *first,
    const char *text, int width)
{
	size_t len = strlen(text), cut, max;
	int indent = (int)strlen(first);
	bool lead = true;

	if (width < indent + 20)
		width = indent + 20;
	max = (size_t)(width - indent);
	do {
		cut = len;
		if (cut > max) {
			cut = max;
			while (cut > max / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ')
				cut = max;
		}
		dialog_add_line(d, c, "%-*s%.*s", indent, lead ? first : "",
		    (int)cut, text);
		lead = false;
		text += cut;
		len -= cut;
		while (*text == ' ') {
			text++;
			len--;
		}
	} while (len > 0);
}

static void
confirm_open(struct ui *ui, struct action_plan *p)
{
	const struct aws_service *s;
	struct dialog *d;
	char *title, *text, num[32];
	int w = ui->cols - 8 > 116 ? 116 : ui->cols - 8;
	size_t i;

	title = xasprintf("%s %s in %s", action_kind_name(p->kind),
	    p->service_name, p->env);
	title[0] = (char)(title[0] - 'a' + 'A');
	d = dialog_new(title);
	free(title);
	if (p->from_env != NULL)
		dialog_add_line(d, UC_NORMAL, "from:    %s", p->from_env);
	add_wrapped(d, UC_DIM, "before:  ", p->before, w);
	add_wrapped(d, UC_ACCENT, "after:   ", p->after, w);
	dialog_add_line(d, UC_NORMAL, "API calls:");
	for (i = 0; i < p->ncalls; i++) {
		s = aws_service_get(p->calls[i].svc);
		snprintf(num, sizeof num, " %zu. ", i + 1);
		text = xasprintf("%s %s %s", s != NULL ? s->name : "?",
		    p->calls[i].operation, p->calls[i].summary);
		add_wrapped(d, UC_NORMAL, num, text, w);
		free(text);
	}
	for (i = 0; i < p->nwarnings; i++)
		add_wrapped(d, UC_WARN, "! ", p->warnings[i], w);
	if (p->production) {
		dialog_add_line(d, UC_BAD, "%s is production: type its name to "
		    "confirm", p->env);
		dialog_require_text(d, p->confirm_word);
	} else
		dialog_add_line(d, UC_NORMAL, "Enter to go ahead, Esc to "
		    "cancel");
	dialog_set_done(d, confirm_done, NULL);
	A.pending = p;
	snprintf(A.status, sizeof A.status, "%s %s in %s: waiting for "
	    "confirmation", action_kind_name(p->kind), p->service_name, p->env);
	ui_dialog_open(ui, d);
}

static const struct service_info *
current_service(struct ui *ui, struct snapshot **snap)
{
	const struct services_data *sd;

	*snap = store_acquire(ui->st, ui->env, SRC_SERVICES);
	sd = view_data(*snap);
	return view_service_for(sd, ui->role);
}

static bool
parse_int(const char *s, int *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return false;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 100000)
		return false;
	*out = (int)v;
	return true;
}

static bool
scale_done(struct ui *ui, struct dialog *d, bool ok, void *arg)
{
	struct action_request req = { .kind = ACTION_SCALE };
	int min, max, conc;

	(void)arg;
	if (!ok)
		return true;
	if (!parse_int(dialog_field(d, 0), &min) ||
	    !parse_int(dialog_field(d, 1), &max) ||
	    !parse_int(dialog_field(d, 2), &conc)) {
		dialog_set_error(d, "numbers only");
		return false;
	}
	if (min < ACTION_MIN_SIZE || max > ACTION_MAX_SIZE || min > max) {
		dialog_set_error(d, "need %d <= min <= max <= %d",
		    ACTION_MIN_SIZE, ACTION_MAX_SIZE);
		return false;
	}
	if (conc < ACTION_MIN_CONCURRENCY || conc > ACTION_MAX_CONCURRENCY) {
		dialog_set_error(d, "concurrency must be %d-%d",
		    ACTION_MIN_CONCURRENCY, ACTION_MAX_CONCURRENCY);
		return false;
	}
	req.env = ui_env_name(ui, ui->env);
	req.service = ui->role;
	req.min_size = min;
	req.max_size = max;
	req.max_concurrency = conc;
	req.has_min = req.has_max = req.has_conc = true;
	job_preview(ui, &req);
	return true;
}

static void
scale_open(struct ui *ui, const struct service_info *si)
{
	struct dialog *d;
	char v[16];

	d = dialog_new("Scale");
	dialog_add_line(d, UC_NORMAL, "%s in %s", si->name != NULL ? si->name :
	    ui->role, ui_env_name(ui, ui->env));
	dialog_add_line(d, UC_DIM, "now: min %d, max %d, concurrency %d",
	    si->min_size, si->max_size, si->max_concurrency);
	dialog_add_line(d, UC_DIM, "instances %d-%d, concurrency %d-%d",
	    ACTION_MIN_SIZE, ACTION_MAX_SIZE, ACTION_MIN_CONCURRENCY,
	    ACTION_MAX_CONCURRENCY);
	snprintf(v, sizeof v, "%d", si->min_size);
	dialog_add_field(d, "min instances", v, true);
	snprintf(v, sizeof v, "%d", si->max_size);
	dialog_add_field(d, "max instances", v, true);
	snprintf(v, sizeof v, "%d", si->max_concurrency);
	dialog_add_field(d, "max concurrency", v, true);
	dialog_set_done(d, scale_done, NULL);
	ui_dialog_open(ui, d);
}

/* ---- entry points ---------------------------------------------------- */

int
actions_run(struct ui *ui, const char *name)
{
	struct action_request req = { 0 };
	const struct service_info *si;
	struct snapshot *snap = NULL;
	const char *env = ui_env_name(ui, ui->env);
	char *why;

	/* Results the frame hook has not picked up yet come first. */
	actions_frame(ui);
	why = action_engine_disabled(engine(ui), ui->env);
	if (why != NULL) {
		ui_message(ui, true, "%s is disabled: %s", name, why);
		free(why);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (ui->role == NULL) {
		ui_message(ui, true, "%s: select a service first", name);
		return VIEW_HANDLED | VIEW_REDRAW;
	}
	if (busy(ui))
		return VIEW_HANDLED | VIEW_REDRAW;
	req.env = env;
	req.service = ui->role;
	si = current_service(ui, &snap);
	if (strcmp(name, "scale") == 0) {
		if (si == NULL || si->min_size <= 0)
			ui_message(ui, true, "scale: no data for %s in %s yet",
			    ui->role, env);
		else
			scale_open(ui, si);
	} else if (strcmp(name, "scale-up") == 0 ||
	    strcmp(name, "scale-down") == 0) {
		req.kind = ACTION_SCALE;
		req.min_delta = name[6] == 'u' ? 1 : -1;
		job_preview(ui, &req);
	} else if (strcmp(name, "pause-resume") == 0) {
		req.kind = si != NULL && si->status != NULL &&
		    strcmp(si->status, "PAUSED") == 0 ? ACTION_RESUME :
		    ACTION_PAUSE;
		job_preview(ui, &req);
	} else if (strcmp(name, "rollback") == 0) {
		job_clear(&A.job);
		A.job.kind = JOB_HISTORY;
		A.job.env = xstrdup(env);
		A.job.service = xstrdup(ui->role);
		A.job.env_index = ui->env;
		snprintf(A.status, sizeof A.status, "rollback %s in %s: reading "
		    "the deployment history", ui->role, env);
		ui_message(ui, false, "%s", A.status);
		job_start(ui);
	} else if (strcmp(name, "promote") == 0) {
		if (ui->env == 0)
			ui_message(ui, true, "promote: %s is the lowest "
			    "environment; promote into staging or prod", env);
		else {
			req.kind = ACTION_PROMOTE;
			job_preview(ui, &req);
		}
	} else
		ui_message(ui, true, "unknown action %s", name);
	snapshot_unref(snap);
	return VIEW_HANDLED | VIEW_REDRAW;
}

void
actions_rollback_to(struct ui *ui, const char *env, const char *role,
    const char *digest)
{
	struct action_request req = { .kind = ACTION_ROLLBACK };

	if (busy(ui))
		return;
	req.env = env;
	req.service = role;
	req.digest = digest;
	job_preview(ui, &req);
}

const char *
actions_status(void)
{
	return A.status[0] != '\0' ? A.status : NULL;
}

void
actions_frame(struct ui *ui)
{
	struct job *j = &A.job;
	struct action_history h;
	bool done, fresh;
	char line[160];
	int refresh;

	drop_orphan(ui);
	pthread_mutex_lock(&A.lock);
	refresh = A.refresh_env;
	A.refresh_env = -1;
	done = A.done;
	fresh = A.progress_new;
	A.progress_new = false;
	snprintf(line, sizeof line, "%s", A.progress);
	if (done)
		A.done = false;
	pthread_mutex_unlock(&A.lock);
	if (fresh) {
		snprintf(A.status, sizeof A.status, "%s", line);
		ui_message(ui, false, "%s", line);
	}
	if (refresh >= 0 && ui->poller != NULL)
		poller_refresh_now(ui->poller, refresh);
	trackers_reap(ui);
	if (!done)
		return;
	if (A.thread_started) {
		pthread_join(A.thread, NULL);
		A.thread_started = false;
	}

	switch (j->kind) {
	case JOB_PREVIEW:
		A.status[0] = '\0';
		if (j->plan == NULL) {
			ui_message(ui, true, "refused: %s", j->cause != NULL ?
			    j->cause : "no plan");
			break;
		}
		if (ui->dialog != NULL) {
			/* Something else is on screen: do not stack dialogs. */
			ui_message(ui, true, "%s: closed another dialog first; "
			    "try again", action_kind_name(j->plan->kind));
			break;
		}
		confirm_open(ui, j->plan);
		j->plan = NULL;		/* now A.pending */
		break;
	case JOB_HISTORY:
		A.status[0] = '\0';
		if (j->hist_rc != 0) {
			ui_message(ui, true, "rollback: %s", j->cause);
			break;
		}
		h = j->hist;
		memset(&j->hist, 0, sizeof j->hist);
		rollback_set_history(j->env, j->service, &h, j->recent,
		    j->nrecent);
		j->recent = NULL;
		j->nrecent = 0;
		ui_message(ui, false, "rollback %s in %s: pick an image, Enter "
		    "previews the rollback", j->service, j->env);
		ui_open_view(ui, &view_rollback, NULL);
		break;
	case JOB_EXECUTE:
		A.status[0] = '\0';
		if (j->out.result != ACTION_SUBMITTED &&
		    j->out.result != ACTION_APPLIED_AFTER_TIMEOUT) {
			ui_message(ui, true, "%s", j->out.message);
			break;
		}
		if (ui->poller != NULL)
			poller_refresh_now(ui->poller, j->env_index);
		if (j->out.operation_id == NULL) {
			ui_message(ui, false, "%s", j->out.message);
			break;
		}
		ui_message(ui, false, "%s: operation %s submitted", j->label,
		    j->out.operation_id);
		tracker_start(ui, j->plan, j->out.operation_id, j->label);
		j->plan = NULL;
		break;
	case JOB_NONE:
		break;
	}
	job_clear(j);
	ui->dirty = true;
}

void
actions_fini(struct ui *ui)
{
	(void)ui;
	size_t i;

	atomic_store(&A.cancel, true);
	if (A.thread_started) {
		pthread_join(A.thread, NULL);
		A.thread_started = false;
	}
	for (i = 0; i < MAX_TRACKERS; i++) {
		if (A.trackers[i].used)
			pthread_join(A.trackers[i].thread, NULL);
		tracker_clear(&A.trackers[i]);
	}
	job_clear(&A.job);
	action_plan_free(A.pending);
	A.pending = NULL;
	action_engine_free(A.engine);
	A.engine = NULL;
	A.done = A.running = false;
}

void
actions_init(struct ui *ui)
{
	A.ui = ui;
	ui->action = actions_run;
}
