/* Configuration: defaults, search order, bad lines with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "util/util.h"

#include "testlib.h"

static char tmpdir[] = "/tmp/test_config.XXXXXX";

static char *
write_tmp(const char *rel, const char *text)
{
	char *path, *dir, *slash;
	FILE *f;

	path = xasprintf("%s/%s", tmpdir, rel);
	dir = xstrdup(path);
	for (slash = strchr(dir + strlen(tmpdir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	free(dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static bool
has_warning(const struct config *cf, const char *needle)
{
	size_t i;

	for (i = 0; i < cf->nwarnings; i++) {
		if (strstr(cf->warnings[i], needle) != NULL)
			return true;
	}
	return false;
}

static void
config_default__matches_file__identical(void **state)
{
	char *text, *cause = NULL;
	size_t len;

	(void)state;
	text = read_file(MOMENTUM_SOURCE_DIR "/config/momentum.conf", &len,
	    &cause);
	assert_non_null(text);
	assert_string_equal(text, config_default_text);
	free(text);
}

static void
config_default__parses__seed_deployment(void **state)
{
	struct config *cf;
	char *cause = NULL;
	const struct config_service *s;
	size_t i;

	(void)state;
	assert_int_equal(config_parse_string(config_default_text,
	    CONFIG_BUILTIN_PATH, &cf, &cause), 0);
	for (i = 0; i < cf->nwarnings; i++)
		print_message("warning: %s\n", cf->warnings[i]);
	assert_int_equal(cf->nwarnings, 0);
	assert_int_equal(cf->nenvs, 3);
	assert_string_equal(cf->envs[0].name, "dev");
	assert_string_equal(cf->envs[1].name, "staging");
	assert_string_equal(cf->envs[2].name, "prod");
	assert_true(cf->envs[0].budget_low == 50 && cf->envs[0].budget_high == 100);
	assert_true(cf->envs[1].budget_low == 100 && cf->envs[1].budget_high == 150);
	assert_true(cf->envs[2].budget_low == 200 && cf->envs[2].budget_high == 300);
	assert_false(cf->envs[0].production);
	assert_false(cf->envs[1].production);
	assert_true(cf->envs[2].production);
	for (i = 0; i < 3; i++) {
		assert_false(cf->envs[i].read_only);
		assert_string_equal(cf->envs[i].region, "us-east-1");
		assert_int_equal(cf->envs[i].nservices, 3);
		assert_null(cf->envs[i].endpoint_url);
	}
	s = config_env_service(&cf->envs[2], "api");
	assert_non_null(s);
	assert_string_equal(s->service_name, "momentum-prod-api");
	assert_null(s->service_arn);
	assert_string_equal(s->ecr_repo, "momentum/api");
	assert_int_equal(s->nlog_groups, 1);
	assert_string_equal(s->log_groups[0], CONFIG_LOG_GROUPS_AUTO);
	assert_string_equal(cf->envs[2].alarm_prefix, "momentum-prod-");
	assert_string_equal(cf->envs[2].cost_tag_key, "Environment");
	assert_string_equal(cf->envs[2].cost_tag_value, "prod");
	assert_int_equal(cf->refresh.metrics, 60);
	assert_int_equal(cf->refresh.cost, 21600);
	assert_int_equal(cf->refresh.background, 4);
	assert_int_equal(cf->log_scrollback, 10000);
	assert_string_equal(cf->theme, "dark");
	assert_string_equal(cf->path, CONFIG_BUILTIN_PATH);
	assert_int_equal(config_env_index(cf, "staging"), 1);
	assert_int_equal(config_env_index(cf, "qa"), -1);
	config_free(cf);
}

static void
config_parse__bad_lines__warn_with_file_line_and_keep_rest(void **state)
{
	static const char text[] =
	    "orphan = 1\n"				/* 1 */
	    "[general]\n"				/* 2 */
	    "theme = purple\n"				/* 3 */
	    "this line has no equals sign\n"		/* 4 */
	    "[env prod\n"				/* 5 */
	    "region = eu-west-1\n"			/* 6 */
	    "[env prod]\n"				/* 7 */
	    "budget = lots\n"				/* 8 */
	    "read_only = maybe\n"			/* 9 */
	    "colour = blue\n"				/* 10 */
	    "endpoint_url = ftp://x\n"			/* 11 */
	    "region = us-east-1\n"			/* 12 */
	    "[refresh]\n"				/* 13 */
	    "metrics = 5\n"				/* 14 */
	    "alarms = soon\n"				/* 15 */
	    "[bogus]\n"					/* 16 */
	    "x = y\n"					/* 17 */
	    "[service prod api]\n"			/* 18 */
	    "name = momentum-prod-api\n"		/* 19 */
	    "log_groups = /a /b\n"			/* 20 */
	    "  /c\n"					/* 21 */
	    "[keys]\n"					/* 22 */
	    "quit = Q\n";				/* 23 */
	struct config *cf;
	char *cause = NULL;
	const struct config_service *s;

	(void)state;
	assert_int_equal(config_parse_string(text, "my.conf", &cf, &cause), 0);
	assert_true(has_warning(cf, "my.conf:1: "));
	assert_true(has_warning(cf, "my.conf:3: unknown theme"));
	assert_true(has_warning(cf, "my.conf:4: expected 'key = value'"));
	assert_true(has_warning(cf, "my.conf:5: unterminated section"));
	assert_false(has_warning(cf, "my.conf:6:"));	/* skipped quietly */
	assert_true(has_warning(cf, "my.conf:8: budget"));
	assert_true(has_warning(cf, "my.conf:9: read_only"));
	assert_true(has_warning(cf, "my.conf:10: unknown key 'colour'"));
	assert_true(has_warning(cf, "my.conf:11: endpoint_url"));
	assert_true(has_warning(cf, "my.conf:14: metrics must be from 60"));
	assert_true(has_warning(cf, "my.conf:15: alarms"));
	assert_true(has_warning(cf, "my.conf:16: unknown section [bogus]"));
	assert_false(has_warning(cf, "my.conf:17:"));
	assert_int_equal(cf->nenvs, 1);
	assert_string_equal(cf->envs[0].region, "us-east-1");
	assert_true(cf->envs[0].read_only);	/* unclear = safe */
	assert_null(cf->envs[0].endpoint_url);
	assert_string_equal(cf->theme, "dark");
	assert_int_equal(cf->refresh.metrics, 60);
	assert_int_equal(cf->refresh.alarms, 30);
	s = config_env_service(&cf->envs[0], "api");
	assert_non_null(s);
	assert_int_equal(s->nlog_groups, 3);
	assert_string_equal(s->log_groups[2], "/c");
	assert_string_equal(config_key_for(cf, "quit"), "Q");
	assert_null(config_key_for(cf, "help"));
	config_free(cf);
}

static void
config_parse__no_environments__error(void **state)
{
	struct config *cf = NULL;
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse_string("[general]\ntheme = light\n[envv x]\n",
	    "empty.conf", &cf, &cause), -1);
	assert_null(cf);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "empty.conf"));
	assert_non_null(strstr(cause, "no environments"));
	free(cause);
}

/* Warnings quote the file's values; an escape sequence there is not kept. */
static void
config_parse__hostile_values__warnings_sanitized(void **state)
{
	struct config *cf = NULL;
	char *cause = NULL;
	size_t i;

	(void)state;
	assert_int_equal(config_parse_string("[env dev]\nregion = us-east-1\n"
	    "role_arn = \x1b]0;pwned\x07\n"
	    "bogus\x1b[2J = 1\n"
	    "[service dev api]\nname = \xe2\x80\xae" "x\x1b[31m\n",
	    "hostile.conf", &cf, &cause), 0);
	assert_true(cf->nwarnings >= 2);
	for (i = 0; i < cf->nwarnings; i++) {
		test_assert_terminal_safe(cf->warnings[i]);
		assert_non_null(strstr(cf->warnings[i], "hostile.conf:"));
	}
	config_free(cf);
}

static void
config_parse__long_line__warned_and_ignored(void **state)
{
	struct buf b = { 0 };
	struct config *cf;
	char *cause = NULL;
	int i;

	(void)state;
	buf_puts(&b, "[env dev]\nalarm_prefix = ");
	for (i = 0; i < 300; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\nregion = us-west-2\n");
	assert_int_equal(config_parse_string(b.data, "l.conf", &cf, &cause), 0);
	assert_true(has_warning(cf, "l.conf:2: line too long"));
	assert_null(cf->envs[0].alarm_prefix);
	assert_string_equal(cf->envs[0].region, "us-west-2");
	/* a service-less environment is usable but worth a warning */
	assert_true(has_warning(cf, "environment dev has no"));
	config_free(cf);
	buf_free(&b);
}

static void
config_parse__service_defaults__name_and_auto_logs(void **state)
{
	struct config *cf;
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse_string(
	    "[service qa api]\necr_repo = r/api\n"
	    "[env qa]\nbudget = 75\nendpoint_url = http://127.0.0.1:4566\n"
	    "cost_tag = team=core=x\n",
	    "d.conf", &cf, &cause), 0);
	assert_int_equal(cf->nwarnings, 0);
	assert_string_equal(cf->envs[0].services[0].service_name,
	    "momentum-qa-api");
	assert_string_equal(cf->envs[0].services[0].log_groups[0], "auto");
	assert_true(cf->envs[0].budget_low == 0 && cf->envs[0].budget_high == 75);
	assert_string_equal(cf->envs[0].endpoint_url, "http://127.0.0.1:4566");
	assert_string_equal(cf->envs[0].cost_tag_key, "team");
	assert_string_equal(cf->envs[0].cost_tag_value, "core=x");
	config_free(cf);
}

static void
set_envs(const char *mcc, const char *xdg, const char *home)
{
	if (mcc != NULL)
		setenv("MOMENTUM_CONSOLE_CONFIG", mcc, 1);
	else
		unsetenv("MOMENTUM_CONSOLE_CONFIG");
	if (xdg != NULL)
		setenv("XDG_CONFIG_HOME", xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", home, 1);
}

static void
config_load__search_order__first_found_wins(void **state)
{
	struct config *cf;
	char *cause = NULL, *explicit, *viaenv, *xdg, *home, *xdgdir, *homedir;
	bool etc_exists;

	(void)state;
	explicit = write_tmp("explicit.conf", "[env explicit]\n");
	viaenv = write_tmp("env.conf", "[env fromenv]\n");
	xdg = write_tmp("xdg/momentum/console.conf", "[env fromxdg]\n");
	home = write_tmp("home/.config/momentum/console.conf",
	    "[env fromhome]\n");
	xdgdir = xasprintf("%s/xdg", tmpdir);
	homedir = xasprintf("%s/home", tmpdir);

	set_envs(viaenv, xdgdir, homedir);
	assert_int_equal(config_load(explicit, &cf, &cause), 0);
	assert_string_equal(cf->envs[0].name, "explicit");
	assert_string_equal(cf->path, explicit);
	config_free(cf);

	assert_int_equal(config_load(NULL, &cf, &cause), 0);
	assert_string_equal(cf->envs[0].name, "fromenv");
	config_free(cf);

	set_envs(NULL, xdgdir, homedir);
	assert_int_equal(config_load(NULL, &cf, &cause), 0);
	assert_string_equal(cf->envs[0].name, "fromxdg");
	config_free(cf);

	set_envs("", "", homedir);	/* empty means unset */
	assert_int_equal(config_load(NULL, &cf, &cause), 0);
	assert_string_equal(cf->envs[0].name, "fromhome");
	config_free(cf);

	set_envs(NULL, NULL, tmpdir);	/* no ~/.config/momentum here */
	etc_exists = access(MOMENTUM_SYSCONFDIR "/momentum/console.conf",
	    F_OK) == 0;
	assert_int_equal(config_load(NULL, &cf, &cause), 0);
	if (etc_exists)
		assert_string_equal(cf->path,
		    MOMENTUM_SYSCONFDIR "/momentum/console.conf");
	else {
		assert_string_equal(cf->path, CONFIG_BUILTIN_PATH);
		assert_int_equal(cf->nenvs, 3);
	}
	config_free(cf);

	/* Named explicitly but missing: an error, not a silent default. */
	assert_int_equal(config_load("/nonexistent/x.conf", &cf, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/x.conf"));
	free(cause);
	cause = NULL;
	set_envs("/nonexistent/y.conf", NULL, tmpdir);
	assert_int_equal(config_load(NULL, &cf, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/y.conf"));
	free(cause);
	unsetenv("MOMENTUM_CONSOLE_CONFIG");

	unlink(explicit);
	unlink(viaenv);
	unlink(xdg);
	unlink(home);
	free(explicit);
	free(viaenv);
	free(xdg);
	free(home);
	free(xdgdir);
	free(homedir);
}

static void
config_parse__bom_crlf_comments__accepted(void **state)
{
	struct config *cf;
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse_string(
	    "\xef\xbb\xbf# comment\r\n"
	    "[env prod]\r\n"
	    "; another comment\r\n"
	    "region = eu-west-1 ; inline comment\r\n"
	    "role_arn = arn:aws:iam::1:role/x\r\n"
	    "[service prod api]\r\n"
	    "[service prod api extra]\r\n"
	    "[keys]\r\nquit = Q\r\nquit = C-q\r\n",
	    "crlf.conf", &cf, &cause), 0);
	assert_string_equal(cf->envs[0].region, "eu-west-1");
	assert_string_equal(cf->envs[0].role_arn, "arn:aws:iam::1:role/x");
	assert_int_equal(cf->envs[0].nservices, 1);
	assert_true(has_warning(cf, "crlf.conf:7: expected [service ENV ROLE]"));
	assert_int_equal(cf->nwarnings, 1);
	assert_string_equal(config_key_for(cf, "quit"), "C-q");	/* last wins */
	config_free(cf);
}

static void
config_parse__production__explicit_else_from_name(void **state)
{
	static const char text[] =
	    "[env dev]\n"				/* 1 */
	    "[env prod]\n"				/* 2 */
	    "[env production]\n"			/* 3 */
	    "[env live]\n"				/* 4 */
	    "production = yes\n"			/* 5 */
	    "[env prod-eu]\n"				/* 6 */
	    "[env production]\n"			/* 7 */
	    "production = no\n"				/* 8 */
	    "[env qa]\n"				/* 9 */
	    "production = perhaps\n";			/* 10 */
	struct config *cf;
	char *cause = NULL;

	(void)state;
	assert_int_equal(config_parse_string(text, "p.conf", &cf, &cause), 0);
	assert_int_equal(cf->nenvs, 6);
	assert_false(cf->envs[config_env_index(cf, "dev")].production);
	assert_true(cf->envs[config_env_index(cf, "prod")].production);
	assert_false(cf->envs[config_env_index(cf, "production")].production);
	assert_true(cf->envs[config_env_index(cf, "live")].production);
	assert_false(cf->envs[config_env_index(cf, "prod-eu")].production);
	/* Unclear: the safe side, the name must be typed. */
	assert_true(cf->envs[config_env_index(cf, "qa")].production);
	assert_true(has_warning(cf, "p.conf:10: production must be yes or no"));
	assert_false(has_warning(cf, "p.conf:5:"));
	assert_false(has_warning(cf, "p.conf:8:"));
	config_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_default__matches_file__identical),
		cmocka_unit_test(config_default__parses__seed_deployment),
		cmocka_unit_test(config_parse__bad_lines__warn_with_file_line_and_keep_rest),
		cmocka_unit_test(config_parse__no_environments__error),
		cmocka_unit_test(config_parse__hostile_values__warnings_sanitized),
		cmocka_unit_test(config_parse__long_line__warned_and_ignored),
		cmocka_unit_test(config_parse__service_defaults__name_and_auto_logs),
		cmocka_unit_test(config_load__search_order__first_found_wins),
		cmocka_unit_test(config_parse__bom_crlf_comments__accepted),
		cmocka_unit_test(config_parse__production__explicit_else_from_name),
	};
	int rc;

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char *cmd = xasprintf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
		free(cmd);
	}
	return rc;
}
