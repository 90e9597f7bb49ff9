/* Action keys in the console: dialogs and the worker that runs the engine. */
#ifndef MOMENTUM_VIEWS_ACTIONS_H
#define MOMENTUM_VIEWS_ACTIONS_H

#include "action/action.h"

struct ui;

/*
 * Install the actions module: sets ui->action.  The engine is created
 * on first use; previews, executions and tracking run on a worker
 * thread, so the UI thread never waits on the network.
 */
void actions_init(struct ui *ui);
/* Run an action key ("scale", "scale-up", "scale-down", "pause-resume",
 * "rollback", "promote").  Returns VIEW_* flags. */
int actions_run(struct ui *ui, const char *name);
/* Once per frame on the UI thread: pick up the worker's results. */
void actions_frame(struct ui *ui);
/* Stop following, join the worker, free the engine. */
void actions_fini(struct ui *ui);
/* Preview a rollback of role in env to digest (the rollback picker). */
void actions_rollback_to(struct ui *ui, const char *env, const char *role,
    const char *digest);
/* One line about the action in flight, or NULL (for views). */
const char *actions_status(void);

/* views/rollback.c: the picker; takes ownership of h and of recent
 * (audit lines about the service, oldest first). */
extern const struct view view_rollback;
void rollback_set_history(const char *env, const char *role,
    struct action_history *h, char **recent, size_t nrecent);

#endif
