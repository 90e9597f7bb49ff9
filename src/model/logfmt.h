/* Log lines for display: the compact form of structured (JSON) log lines. */
#ifndef MOMENTUM_LOGFMT_H
#define MOMENTUM_LOGFMT_H

/*
 * When msg is one JSON object (a structured log line, as the Momentum
 * services write them), its compact form: "LEVEL logger: message
 * key=value ...".  The level, logger and message members are found
 * under their usual names (level/lvl/severity/levelname, logger/name,
 * msg/message/event); time members are left out (the logs view shows
 * the event's time); the other members follow in their order, strings
 * bare unless they need quotes, other values as compact JSON.  The
 * result is sanitized (JSON escapes can spell control characters) and
 * on one line.  Caller frees.  NULL: not a JSON object, show msg as is.
 */
char *log_json_compact(const char *msg);

#endif
