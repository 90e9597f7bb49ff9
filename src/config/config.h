/* The console's configuration: environments, services, refresh, keys. */
#ifndef MOMENTUM_CONFIG_H
#define MOMENTUM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The file is INI (inih).  Sections:
 *
 *   [general]            theme, log_scrollback
 *   [refresh]            services, metrics, alarms, logs, cost (seconds),
 *                        background (multiplier for environments not on
 *                        screen)
 *   [keys]               action-name = key   (e.g. "quit = Q")
 *   [env NAME]           profile, role_arn, external_id, region,
 *                        endpoint_url, budget = LOW-HIGH, read_only,
 *                        production,
 *                        alarm_prefix, rds, redis, cloudfront, alb,
 *                        cost_tag = KEY=VALUE
 *   [service ENV ROLE]   name, arn, ecr_repo, log_groups (space separated
 *                        list; "auto" = resolve
 *                        /aws/apprunner/<name>/<id>/application and
 *                        .../service at run time from ListServices)
 *
 * Environments and services keep the order of their first appearance.
 * man/momentum.conf.5 documents every key.
 */

#define CONFIG_LOG_GROUPS_AUTO "auto"

struct config_service {
	char *role;		/* "frontend", "api", "worker" */
	char *service_name;	/* "momentum-prod-api" (default momentum-<env>-<role>) */
	char *service_arn;	/* optional; NULL = find by name with ListServices */
	char *ecr_repo;		/* "momentum/api"; NULL when unknown */
	char **log_groups;	/* names, or the single entry "auto" */
	size_t nlog_groups;
};

struct config_env {
	char *name;		/* "dev", "staging", "prod" */
	char *profile;		/* NULL = AWS_PROFILE / default chain */
	char *role_arn;		/* NULL = no role to assume */
	char *external_id;
	char *region;		/* NULL = resolve the usual way */
	char *endpoint_url;	/* NULL = AWS defaults / AWS_ENDPOINT_URL* */
	double budget_low, budget_high;	/* monthly, USD; 0 = unset */
	bool read_only;
	bool production;	/* actions need the env's name typed; default:
				   yes when named "prod" or "production" */
	char *alarm_prefix;	/* NULL = all alarms */
	struct config_service *services;
	size_t nservices;
	char *rds_id;		/* DBInstanceIdentifier, NULL = none */
	char *redis_id;		/* CacheClusterId, NULL = none */
	char *cloudfront_id;	/* DistributionId, NULL = none */
	char *alb_name;		/* LoadBalancer dimension "app/name/id", NULL = none */
	char *cost_tag_key;	/* Cost Explorer tag filter, NULL = no filter */
	char *cost_tag_value;
};

struct config_refresh {		/* seconds */
	int services;		/* App Runner state + operations, default 15 */
	int metrics;		/* GetMetricData, default 60 (metrics change per minute) */
	int alarms;		/* default 30 */
	int logs;		/* FilterLogEvents tail, default 2 */
	int cost;		/* Cost Explorer, default 21600 (6 h), minimum 3600 */
	int background;		/* multiplier for environments not on screen, default 4 */
};

struct config_key {
	char *name;		/* action name from the UI's key table, e.g. "quit" */
	char *key;		/* key spec as written, e.g. "Q", "C-r", "F5" */
};

struct config {
	struct config_env *envs;
	size_t nenvs;
	struct config_refresh refresh;
	char *theme;		/* "dark" (default), "light", "high-contrast" */
	size_t log_scrollback;	/* lines, default 10000 */
	struct config_key *keys;
	size_t nkeys;
	char *path;		/* file it was loaded from, or "(built-in)" */
	char **warnings;	/* "file:line: message", in file order */
	size_t nwarnings;
};

/* The built-in default: the text of config/momentum.conf. */
extern const char config_default_text[];
#define CONFIG_BUILTIN_PATH "(built-in)"

/*
 * Find and load the configuration.  Search order: explicit_path (from
 * --config; when given it must exist), $MOMENTUM_CONSOLE_CONFIG,
 * $XDG_CONFIG_HOME/momentum/console.conf (~/.config when XDG_CONFIG_HOME
 * is unset or empty), MOMENTUM_SYSCONFDIR/momentum/console.conf, then
 * the built-in default.  The first file that exists is used (no merging).
 * Bad lines become warnings naming file:line; what is usable is kept.
 * Returns 0 and *out (free with config_free), or -1 and *cause (caller
 * frees) when the file cannot be read or describes no environment.
 *
 *	if (config_load(opt_config, &cf, &cause) != 0)
 *		errx(1, "%s", cause);
 */
int config_load(const char *explicit_path, struct config **out, char **cause);

/*
 * Parse text as if it were the file named path (used for the built-in
 * default and by tests).  Same result rules as config_load().
 */
int config_parse_string(const char *text, const char *path,
    struct config **out, char **cause);

void config_free(struct config *cf);	/* NULL is a no-op */

/* Environment index by name, or -1. */
int config_env_index(const struct config *cf, const char *name);
/* Service by role within an environment, or NULL. */
const struct config_service *config_env_service(const struct config_env *e,
    const char *role);
/* Key override for an action name, or NULL when not overridden. */
const char *config_key_for(const struct config *cf, const char *name);

#endif
