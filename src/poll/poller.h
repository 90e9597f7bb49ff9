/* Background pollers: one thread per (environment, source) plus logs. */
#ifndef MOMENTUM_POLLER_H
#define MOMENTUM_POLLER_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "aws/error.h"
#include "aws/service.h"
#include "model/model.h"

struct config;
struct store;
struct logstore;
struct aws_client;

/*
 * The poller owns its threads and one aws_client per environment; the
 * store and the log store belong to the caller and must outlive it.
 * Threads publish snapshots (store_publish) and log lines (logstore);
 * they never touch ncurses.  Every function here is for the UI thread
 * and returns at once: none waits on the network.  Do not call them
 * between logstore_lock() and logstore_unlock() (lock order: the
 * poller's lock, then the log store's).  poller_stop() joins: a thread
 * inside an AWS call finishes it first (bounded by the client timeouts).
 *
 * Sources and their rates (config [refresh], seconds; environments other
 * than the focused one use rate * background):
 *   SRC_SERVICES  ListServices + DescribeService + ListOperations (+ ECR
 *                 DescribeImages for the running digest when ecr_repo is set)
 *   SRC_METRICS   one GetMetricData batch (<= 500 queries) per period,
 *                 one hour at 60 s; first fetch at once
 *   SRC_ALARMS    DescribeAlarms (alarm_prefix) + DescribeAlarmHistory for
 *                 firing alarms (at most 10 per poll)
 *   SRC_COST      GetCostAndUsage + GetCostForecast, at most every
 *                 refresh.cost (>= 1 h); cached in
 *                 $XDG_CACHE_HOME/momentum/cost-<env>.json between runs
 *   SRC_DETAIL    one service's metrics over a window, on request
 *   logs          FilterLogEvents for the one log target, shared token
 *                 bucket keeping the whole console under 2 calls/s
 */
struct poller;

/*
 * The single way pollers reach AWS.  Defaults to aws_call_json on the
 * environment's client; tests inject a fake.  Must be thread-safe.
 */
typedef cJSON *(*poller_call_fn)(void *arg, struct aws_client *client,
    int env, enum aws_service_id svc, const char *operation,
    const cJSON *request, struct aws_error *err);

struct poller_options {
	poller_call_fn call;	/* NULL = aws_call_json */
	void *call_arg;
	bool no_clients;	/* do not create aws clients (tests with a fake call) */
	const char *cache_dir;	/* cost cache dir; NULL = $XDG_CACHE_HOME/momentum */
	bool no_cost_cache;	/* neither read nor write the cost cache */
	double rate_scale;	/* multiply every interval (tests: 0.01); 0 = 1 */
	double logs_per_sec;	/* FilterLogEvents budget; 0 = 2 */
};

/*
 * Create (not start) the pollers for every environment in cf.  cf must
 * outlive the poller.  Returns NULL and *cause (caller frees) when an
 * environment's client cannot be created.
 */
struct poller *poller_new(const struct config *cf, struct store *st,
    struct logstore *ls, char **cause);
struct poller *poller_new_opts(const struct config *cf, struct store *st,
    struct logstore *ls, const struct poller_options *opt, char **cause);
/* Start the threads.  Returns 0 or -1 with *cause. */
int poller_start(struct poller *p, char **cause);
/* Wake every thread, join them (each calls http_thread_cleanup). */
void poller_stop(struct poller *p);
/*
 * Ask every thread to stop and wait at most timeout_ms for them.  True:
 * all have stopped and been joined.  False: some are still inside an
 * AWS call on a stalled endpoint; they are left running, so nothing they
 * use (config, store, log store, poller) may be freed.  A console that
 * must quit at once restores the terminal and exits the process;
 * poller_stop() or poller_free() would wait for them instead.
 */
bool poller_stop_timeout(struct poller *p, int timeout_ms);
/* Stop if running, free clients and state.  NULL is a no-op. */
void poller_free(struct poller *p);

/* The environment on screen: full rate; the others rate * background. */
void poller_set_focus(struct poller *p, int env);
/* Poll every source of env now (env -1: all environments).  Cost stays
 * cached unless older than its interval. */
void poller_refresh_now(struct poller *p, int env);
/*
 * Tail the logs of env's service role with a server-side filter pattern
 * (NULL or "" = none).  role NULL stops tailing.  Changing the target
 * clears the log store.
 */
void poller_set_log_target(struct poller *p, int env, const char *role,
    const char *filter);
/*
 * Fetch role's metrics over window once and publish them as SRC_DETAIL
 * (struct detail_data) for env.  A newer request replaces an older one.
 */
void poller_request_detail(struct poller *p, int env, const char *role,
    enum detail_window window);
/* The environment's client (for actions); NULL with no_clients. */
struct aws_client *poller_client(struct poller *p, int env);

#endif
