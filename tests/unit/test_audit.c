/* Tests for the audit log: path, JSON lines, modes, refusal when unwritable. */
#include <sys/stat.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "action/audit.h"
#include "util/util.h"

#include "testlib.h"

static void
default_path__xdg_state_home__under_momentum(void **state)
{
	char *p;

	setenv("XDG_STATE_HOME", "/srv/state", 1);
	p = audit_default_path();
	assert_string_equal(p, "/srv/state/momentum/audit.log");
	free(p);
	unsetenv("XDG_STATE_HOME");
}

static void
default_path__unset_or_relative__home_local_state(void **state)
{
	char *p;

	setenv("HOME", "/home/oncall", 1);
	unsetenv("XDG_STATE_HOME");
	p = audit_default_path();
	assert_string_equal(p, "/home/oncall/.local/state/momentum/audit.log");
	free(p);
	setenv("XDG_STATE_HOME", "relative/dir", 1);	/* XDG: ignore */
	p = audit_default_path();
	assert_string_equal(p, "/home/oncall/.local/state/momentum/audit.log");
	free(p);
	setenv("XDG_STATE_HOME", "", 1);
	p = audit_default_path();
	assert_string_equal(p, "/home/oncall/.local/state/momentum/audit.log");
	free(p);
	unsetenv("XDG_STATE_HOME");
}

static void
append__two_records__two_json_lines_with_fields(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"),
	    *path, *text, *cause = NULL, *nl;
	const char *calls[] = { "apprunner PauseService ServiceArn=arn:x" };
	const char *ids[] = { "req-1", "req-2" };
	struct audit_record r = { 0 };
	struct passwd *pw;
	struct stat sb;
	cJSON *o;
	size_t len;

	path = xasprintf("%s/a/b/momentum/audit.log", dir);
	setenv("USER", "somebody-else", 1);
	r.plan_id = "0123456789abcdef0123456789abcdef";
	r.env = "prod";
	r.service = "momentum-prod-api";
	r.action = "pause";
	r.phase = "intent";
	r.before = "RUNNING";
	r.after = "PAUSED";
	r.api_calls = calls;
	r.napi_calls = 1;
	r.caller_arn = "arn:aws:iam::123456789012:user/oncall";
	r.result = "pending";
	assert_int_equal(audit_append(path, &r, &cause), 0);
	r.phase = "outcome";
	r.result = "submitted";
	r.operation_id = "11111111-2222-3333-4444-555555555555";
	r.request_ids = ids;
	r.nrequest_ids = 2;
	assert_int_equal(audit_append(path, &r, &cause), 0);

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = xasprintf("%s/a", dir);
	assert_int_equal(stat(text, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(text);

	text = read_file(path, &len, &cause);
	assert_non_null(text);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	o = cJSON_Parse(text);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "phase")->valuestring,
	    "intent");
	/* Who we are, not what $USER claims. */
	pw = getpwuid(getuid());
	assert_non_null(pw);
	assert_string_equal(cJSON_GetObjectItem(o, "user")->valuestring,
	    pw->pw_name);
	assert_string_equal(cJSON_GetObjectItem(o, "env")->valuestring, "prod");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "operation_id")));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(o, "host")));
	/* ISO 8601 UTC: 2026-11-25T09:23:01.123Z */
	assert_int_equal(strlen(cJSON_GetObjectItem(o, "time")->valuestring),
	    24);
	assert_int_equal(cJSON_GetObjectItem(o, "time")->valuestring[23], 'Z');
	cJSON_Delete(o);
	o = cJSON_Parse(nl + 1);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "result")->valuestring,
	    "submitted");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o,
	    "request_ids")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(o,
	    "api_calls"), 0)->valuestring, calls[0]);
	cJSON_Delete(o);
	assert_int_equal(strchr(nl + 1, '\n')[1], '\0');
	free(text);

	assert_true(audit_has_plan(path, r.plan_id));
	assert_false(audit_has_plan(path, "ffffffffffffffffffffffffffffffff"));
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
append__unwritable_directory__fails_with_cause(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *ro, *path, *cause = NULL;
	struct audit_record r = { .phase = "intent" };

	ro = xasprintf("%s/ro", dir);
	assert_int_equal(mkdir(ro, 0500), 0);
	path = xasprintf("%s/momentum/audit.log", ro);
	if (geteuid() == 0) {
		/* root ignores modes: use a path under a regular file. */
		free(path);
		path = xasprintf("/dev/null/momentum/audit.log");
	}
	assert_int_equal(audit_append(path, &r, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "cannot"));
	free(cause);
	chmod(ro, 0700);
	free(path);
	free(ro);
	test_rm_rf(dir);
	free(dir);
}

static void
append__field_with_newline__stays_one_line(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *path, *text, *cause = NULL;
	struct audit_record r = { .phase = "intent", .env = "dev\n\"x" };
	size_t len;

	path = xasprintf("%s/audit.log", dir);
	assert_int_equal(audit_append(path, &r, &cause), 0);
	text = read_file(path, &len, &cause);
	/* One line however odd the fields: newlines are escaped. */
	assert_int_equal(strchr(text, '\n') - text, (long)len - 1);
	free(text);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
recent__mixed_services__newest_of_one_service(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"),
	    *path, *cause = NULL, **lines;
	struct audit_record r = { .env = "prod", .action = "scale" };
	const char *results[] = { "r1", "r2", "r3" };
	size_t i, n;

	path = xasprintf("%s/audit.log", dir);
	assert_int_equal(audit_recent(path, "prod", "api", 5, &lines), 0);
	for (i = 0; i < 3; i++) {
		r.service = "api";
		r.phase = "outcome";
		r.result = results[i];
		r.operation_id = i == 2 ? "op-3" : NULL;
		assert_int_equal(audit_append(path, &r, &cause), 0);
		r.service = "web";	/* another service, not listed */
		assert_int_equal(audit_append(path, &r, &cause), 0);
	}
	n = audit_recent(path, "prod", "api", 2, &lines);
	assert_int_equal(n, 2);
	assert_non_null(strstr(lines[0], "scale outcome r2"));
	assert_null(strstr(lines[0], " op "));
	assert_non_null(strstr(lines[1], "scale outcome r3 op op-3"));
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	assert_int_equal(audit_recent(path, "dev", "api", 5, &lines), 0);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
claim__same_plan_from_many_processes__exactly_one_written(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *path, *cause = NULL, *text;
	struct audit_record r = { .plan_id = "abcdefabcdefabcdefabcdefabcdef01",
	    .phase = "intent", .env = "prod" };
	int i, status, won = 0, lost = 0;
	pid_t pids[6];
	size_t len, lines = 0;
	char *p;

	path = xasprintf("%s/audit.log", dir);
	for (i = 0; i < 6; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(audit_claim(path, &r, &cause) == 0 ? 0 : 1);
	}
	for (i = 0; i < 6; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 0)
			won++;
		else
			lost++;
	}
	assert_int_equal(won, 1);
	assert_int_equal(lost, 5);
	/* And once more in this process: already there. */
	assert_int_equal(audit_claim(path, &r, &cause), 1);
	r.plan_id = "abcdefabcdefabcdefabcdefabcdef02";
	assert_int_equal(audit_claim(path, &r, &cause), 0);
	text = read_file(path, &len, &cause);
	for (p = text; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 2);
	free(text);
	assert_int_equal(audit_claim("/dev/null/x/audit.log", &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
append__symlinked_log__refused_target_untouched(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"),
	    *path, *target, *text, *cause = NULL;
	struct audit_record r = { .phase = "intent", .env = "prod" };
	FILE *f;

	target = xasprintf("%s/target", dir);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	assert_int_equal(fclose(f), 0);
	path = xasprintf("%s/audit.log", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(audit_append(path, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(audit_claim(path, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	text = read_file(target, NULL, &cause);
	assert_string_equal(text, "precious\n");
	free(text);
	free(target);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
append__existing_0644_log__made_0600(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *path, *cause = NULL;
	struct audit_record r = { .phase = "intent", .env = "prod" };
	struct stat sb;
	int fd;

	path = xasprintf("%s/audit.log", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0644), 0);
	close(fd);
	assert_int_equal(audit_append(path, &r, &cause), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_true(sb.st_size > 0);
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
append__fifo__refused_without_blocking(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *path, *cause = NULL;
	struct audit_record r = { .phase = "intent", .env = "prod" };
	char buf[64];
	int rd;

	/* A FIFO: neither blocks nor receives the record. */
	path = xasprintf("%s/audit.log", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	rd = open(path, O_RDONLY | O_NONBLOCK);	/* with a reader */
	assert_true(rd >= 0);
	assert_int_equal(audit_append(path, &r, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	cause = NULL;
	assert_true(read(rd, buf, sizeof buf) <= 0);
	close(rd);
	assert_int_equal(audit_append(path, &r, &cause), -1);	/* without */
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	free(path);
	test_rm_rf(dir);
	free(dir);
}

static void
append__log_owned_by_another_user__refused(void **state)
{
	char *dir = test_mkdtemp("momentum-audit"), *path, *cause = NULL;
	struct audit_record r = { .phase = "intent", .env = "prod" };
	struct stat sb;
	int fd;

	/* Somebody else's file (root can set that up; others cannot). */
	path = xasprintf("%s/audit.log", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	if (chown(path, 65534, 65534) == 0) {
		assert_int_equal(audit_append(path, &r, &cause), -1);
		assert_non_null(strstr(cause, "not by us"));
		free(cause);
		cause = NULL;
		assert_int_equal(audit_claim(path, &r, &cause), -1);
		free(cause);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_size, 0);
	} else
		print_message("not root: the other-owner case is not run\n");
	free(path);
	test_rm_rf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_path__xdg_state_home__under_momentum),
		cmocka_unit_test(default_path__unset_or_relative__home_local_state),
		cmocka_unit_test(append__two_records__two_json_lines_with_fields),
		cmocka_unit_test(append__unwritable_directory__fails_with_cause),
		cmocka_unit_test(append__field_with_newline__stays_one_line),
		cmocka_unit_test(recent__mixed_services__newest_of_one_service),
		cmocka_unit_test(claim__same_plan_from_many_processes__exactly_one_written),
		cmocka_unit_test(append__symlinked_log__refused_target_untouched),
		cmocka_unit_test(append__existing_0644_log__made_0600),
		cmocka_unit_test(append__fifo__refused_without_blocking),
		cmocka_unit_test(append__log_owned_by_another_user__refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
