/* The audit log: JSON lines appended and fsynced before and after each action. */
#include "action/audit.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "util/util.h"

char *
audit_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home;
	struct passwd *pw;

	if (state != NULL && state[0] == '/')
		return xasprintf("%s/momentum/audit.log", state);
	home = getenv("HOME");
	if (home == NULL || home[0] == '\0') {
		pw = getpwuid(getuid());
		home = (pw != NULL && pw->pw_dir != NULL) ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.local/state/momentum/audit.log", home);
}

void
audit_format_time(long long ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[32];

	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%03dZ", base, (int)(ms % 1000));
}

/* mkdir -p for the directories above path, each new one mode 0700. */
static int
audit_mkdirs(const char *path, char **cause)
{
	char *dir = xstrdup(path);
	char *p;

	p = strrchr(dir, '/');
	if (p == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create %s: %s", dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(dir);
	return 0;
}

static void
audit_add_str(cJSON *o, const char *name, const char *v)
{
	if (v != NULL)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void
audit_add_list(cJSON *o, const char *name, const char *const *v, size_t n)
{
	cJSON *a = cJSON_AddArrayToObject(o, name);
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i] != NULL)
			cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	}
}

static char *
audit_render(const struct audit_record *r)
{
	cJSON *o = cJSON_CreateObject();
	char when[40], host[256];
	const char *user;
	struct passwd *pw;
	char *line, *out;

	audit_format_time((long long)now_ms(), when, sizeof when);
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "unknown");
	host[sizeof host - 1] = '\0';
	/* Who we are, not what $USER says (anyone can set that). */
	pw = getpwuid(getuid());
	user = pw != NULL ? pw->pw_name : NULL;
	if (user == NULL || *user == '\0')
		user = getenv("USER");
	if (user == NULL || *user == '\0')
		user = getenv("LOGNAME");

	cJSON_AddStringToObject(o, "time", when);
	audit_add_str(o, "user", user);
	cJSON_AddStringToObject(o, "host", host);
	audit_add_str(o, "plan_id", r->plan_id);
	audit_add_str(o, "env", r->env);
	audit_add_str(o, "service", r->service);
	audit_add_str(o, "action", r->action);
	audit_add_str(o, "phase", r->phase);
	audit_add_str(o, "before", r->before);
	audit_add_str(o, "after", r->after);
	audit_add_list(o, "api_calls", r->api_calls, r->napi_calls);
	audit_add_str(o, "operation_id", r->operation_id);
	audit_add_list(o, "request_ids", r->request_ids, r->nrequest_ids);
	audit_add_str(o, "caller_arn", r->caller_arn);
	audit_add_str(o, "result", r->result);
	audit_add_str(o, "error", r->error);
	line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (line == NULL)
		fatal("out of memory rendering an audit record");
	out = xasprintf("%s\n", line);
	cJSON_free(line);
	return out;
}

/* Write r as one line on fd and fsync it.  0, or -1 and *cause. */
static int
audit_write_fd(int fd, const char *path, const struct audit_record *r,
    char **cause)
{
	char *line = audit_render(r);
	size_t len = strlen(line), off = 0;
	ssize_t n;

	/* One write() so concurrent appenders never interleave a line. */
	while (off < len) {
		n = write(fd, line + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			*cause = xasprintf("cannot write %s: %s", path,
			    n == 0 ? "short write" : strerror(errno));
			free(line);
			return -1;
		}
		off += (size_t)n;
	}
	free(line);
	if (fsync(fd) != 0) {
		*cause = xasprintf("cannot fsync %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
audit_open(const char *path, int flags, char **cause)
{
	struct stat sb;
	int fd;

	if (path == NULL || *path == '\0') {
		*cause = xstrdup("no audit log path");
		return -1;
	}
	if (audit_mkdirs(path, cause) != 0)
		return -1;
	/*
	 * Never through a symlink (ELOOP), never block on a FIFO, and only
	 * a regular file of ours: a planted link or file must not receive
	 * our records.
	 */
	fd = open(path, flags | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600);
	if (fd == -1) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		*cause = xasprintf("cannot stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf("cannot use %s: not a regular file", path);
		goto fail;
	}
	if (sb.st_uid != getuid()) {
		*cause = xasprintf("cannot use %s: owned by uid %ld, not by us",
		    path, (long)sb.st_uid);
		goto fail;
	}
	if ((sb.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
		*cause = xasprintf("cannot chmod %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int
audit_close(int fd, const char *path, char **cause)
{
	if (close(fd) != 0) {
		*cause = xasprintf("cannot close %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
audit_append(const char *path, const struct audit_record *r, char **cause)
{
	int fd;

	if ((fd = audit_open(path, O_WRONLY, cause)) == -1)
		return -1;
	if (audit_write_fd(fd, path, r, cause) != 0) {
		close(fd);
		return -1;
	}
	return audit_close(fd, path, cause);
}

/* True when text (the log) holds an intent record for plan_id. */
static bool
audit_text_has_plan(char *text, const char *plan_id)
{
	char *line, *next;
	bool found = false;

	for (line = text; line != NULL && *line != '\0' && !found;
	    line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strstr(line, plan_id) == NULL)
			continue;
		cJSON *o = cJSON_Parse(line);
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "plan_id");
		const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "phase");
		if (cJSON_IsString(id) && cJSON_IsString(ph) &&
		    strcmp(id->valuestring, plan_id) == 0 &&
		    strcmp(ph->valuestring, "intent") == 0)
			found = true;
		cJSON_Delete(o);
	}
	return found;
}

int
audit_claim(const char *path, const struct audit_record *r, char **cause)
{
	struct buf text = { 0 };
	char chunk[8192];
	off_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = audit_open(path, O_RDWR, cause)) == -1)
		return -1;
	/* Other consoles wait here: the check and the append are one step. */
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			*cause = xasprintf("cannot lock %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
	}
	while ((n = pread(fd, chunk, sizeof chunk, off)) > 0) {
		buf_append(&text, chunk, (size_t)n);
		off += n;
	}
	if (n < 0) {
		*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
		buf_free(&text);
		close(fd);
		return -1;
	}
	if (r->plan_id != NULL && text.data != NULL &&
	    audit_text_has_plan(text.data, r->plan_id)) {
		buf_free(&text);
		close(fd);
		return 1;
	}
	buf_free(&text);
	if (audit_write_fd(fd, path, r, cause) != 0) {
		close(fd);
		return -1;
	}
	return audit_close(fd, path, cause);
}

bool
audit_has_plan(const char *path, const char *plan_id)
{
	char *text, *cause = NULL;
	bool found;
	size_t len;

	if (plan_id == NULL || *plan_id == '\0')
		return false;
	text = read_file(path, &len, &cause);
	if (text == NULL) {
		free(cause);
		return false;
	}
	found = audit_text_has_plan(text, plan_id);
	free(text);
	return found;
}

static const char *
audit_field(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

size_t
audit_recent(const char *path, const char *env, const char *service,
    size_t max, char ***lines)
{
	char *text, *line, *next, *cause = NULL, **out = NULL;
	size_t len, n = 0, i;
	cJSON *o;

	*lines = NULL;
	if (max == 0 || (text = read_file(path, &len, &cause)) == NULL) {
		free(cause);
		return 0;
	}
	out = xcalloc(max, sizeof *out);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((o = cJSON_Parse(line)) == NULL)
			continue;
		if (strcmp(audit_field(o, "env"), env) == 0 &&
		    strcmp(audit_field(o, "service"), service) == 0) {
			/* A ring of the newest max lines. */
			if (n == max) {
				free(out[0]);
				memmove(out, out + 1, (max - 1) * sizeof *out);
				n--;
			}
			out[n++] = xasprintf("%s %s %s %s %s%s%s",
			    audit_field(o, "time"), audit_field(o, "user"),
			    audit_field(o, "action"), audit_field(o, "phase"),
			    audit_field(o, "result"),
			    cJSON_IsString(cJSON_GetObjectItem(o,
			    "operation_id")) ? " op " : "",
			    cJSON_IsString(cJSON_GetObjectItem(o,
			    "operation_id")) ? audit_field(o, "operation_id") :
			    "");
		}
		cJSON_Delete(o);
	}
	free(text);
	if (n == 0) {
		free(out);
		return 0;
	}
	for (i = n; i < max; i++)
		out[i] = NULL;
	*lines = out;
	return n;
}
