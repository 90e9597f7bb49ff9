/* The audit log: one JSON line per action intent and outcome. */
#ifndef MOMENTUM_ACTION_AUDIT_H
#define MOMENTUM_ACTION_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One record.  Every field may be NULL (written as JSON null); time,
 * user and host are filled in by audit_append().  Records never hold
 * secrets: api_calls are summaries (operation and resource names), not
 * request bodies, and errors come from the client core, which never
 * puts credentials into messages.
 */
struct audit_record {
	const char *plan_id;
	const char *env;
	const char *service;
	const char *action;		/* "scale", "pause", ... */
	const char *phase;		/* "intent", "outcome", "completed" */
	const char *before;
	const char *after;
	const char *const *api_calls;
	size_t napi_calls;
	const char *operation_id;
	const char *const *request_ids;
	size_t nrequest_ids;
	const char *caller_arn;
	const char *result;		/* "pending", "submitted", "failed", ... */
	const char *error;
};

/*
 * The log's path: $XDG_STATE_HOME/momentum/audit.log, or
 * ~/.local/state/momentum/audit.log when XDG_STATE_HOME is unset or
 * empty (or not absolute, as the XDG spec asks).  Caller frees.
 */
char *audit_default_path(void);

/*
 * Append r as one JSON line to path, creating the missing directories
 * (mode 0700) and the file (O_APPEND|O_CREAT, mode 0600), and fsync it
 * before returning.  Returns 0, or -1 and *cause (caller frees) when the
 * record is not safely on disk; callers refuse the action then.  The log
 * is never opened through a symlink and must be a regular file owned by
 * us (else -1); one readable or writable by group or others is made
 * 0600.  The record's user is getuid()'s login name ($USER or $LOGNAME
 * only when the password database has no entry).
 *
 *	if (audit_append(path, &rec, &cause) != 0)
 *		return refuse("cannot write the audit log: %s", cause);
 */
int audit_append(const char *path, const struct audit_record *r,
    char **cause);

/*
 * Append the intent record r unless the log already holds an intent
 * for r->plan_id, as one step under an exclusive flock (two consoles
 * executing one plan file: exactly one wins).  Returns 0 when written,
 * 1 when the plan was there already (nothing written), -1 and *cause
 * when the record could not be written.
 */
int audit_claim(const char *path, const struct audit_record *r,
    char **cause);

/* True when path already holds an intent record for plan_id. */
bool audit_has_plan(const char *path, const char *plan_id);

/*
 * The last max records about service in env, oldest first, one line of
 * text each ("2026-11-25T09:23:01.123Z oncall scale outcome submitted
 * op 1234..."), in *lines (caller frees each and the array).  Returns
 * the count; 0 when the log is missing or holds nothing about it.
 */
size_t audit_recent(const char *path, const char *env, const char *service,
    size_t max, char ***lines);

/* "2026-11-25T09:23:01Z" for epoch milliseconds ms into out (>= 32 bytes). */
void audit_format_time(long long ms, char *out, size_t len);

#endif
