/* momentum-sim: an AWS-compatible simulator of the Momentum deployment. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/scenario.h"
#include "sim/server.h"

#define DEFAULT_RW_AKID "AKIAMOMENTUMSIMRW001"
#define DEFAULT_RW_SECRET "momentum-sim-rw-secret-do-not-use-in-aws"
#define DEFAULT_RO_AKID "AKIAMOMENTUMSIMRO001"
#define DEFAULT_RO_SECRET "momentum-sim-ro-secret-do-not-use-in-aws"

/* Set by the signal handler only; read by the main loop. */
static volatile sig_atomic_t got_signal;
/* Read atomically by request threads (stall, latency) to give up early. */
static int stopping;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: momentum-sim [--port N] [--credentials FILE] [--access-key AKID\n"
"                    --secret-key SECRET] [--ro-access-key AKID\n"
"                    --ro-secret-key SECRET] [--seed N] [--speed N]\n"
"                    [--scenario NAME|FILE] [--fault SPEC]...\n"
"                    [--request-log FILE] [--print-env]\n"
"       momentum-sim --help | --version\n"
"\n"
"Serves CloudWatch, CloudWatch Logs, Cost Explorer, App Runner, ECR and\n"
"STS for the simulated Momentum deployment on 127.0.0.1.  The first line\n"
"on stdout is \"PORT <n>\".\n"
"\n"
"  --port N             listen on 127.0.0.1:N (0, the default, picks one)\n"
"  --credentials FILE   lines \"rw AKID SECRET\" and \"ro AKID SECRET\"\n"
"  --access-key, --secret-key         the read-write key pair\n"
"  --ro-access-key, --ro-secret-key   the read-only key pair\n"
"  --seed N             world and noise seed (default 1)\n"
"  --speed N            simulated time runs N times faster (default 1)\n"
"  --scenario NAME|FILE timed events (default: calm)\n"
"  --fault SPEC         e.g. service=apprunner,throttle=0.3,latency=200\n"
"                       knobs: throttle error truncate malformed reset\n"
"                       (rates 0..1), latency (ms), stall, skew (s),\n"
"                       creds_ttl (s); service: all cloudwatch logs ce\n"
"                       apprunner ecr sts\n"
"  --request-log FILE   append one JSON line per request\n"
"  --print-env          after the PORT line, print shell exports for\n"
"                       AWS clients (endpoint, read-write key, region)\n");
}

enum {
	OPT_PORT = 256, OPT_CREDS, OPT_AK, OPT_SK, OPT_ROAK, OPT_ROSK,
	OPT_SEED, OPT_SPEED, OPT_SCENARIO, OPT_FAULT, OPT_LOG, OPT_ENV,
	OPT_HELP, OPT_VERSION,
};

static const struct option longopts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "credentials", required_argument, NULL, OPT_CREDS },
	{ "access-key", required_argument, NULL, OPT_AK },
	{ "secret-key", required_argument, NULL, OPT_SK },
	{ "ro-access-key", required_argument, NULL, OPT_ROAK },
	{ "ro-secret-key", required_argument, NULL, OPT_ROSK },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "request-log", required_argument, NULL, OPT_LOG },
	{ "print-env", no_argument, NULL, OPT_ENV },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void die(const char *, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "momentum-sim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int
main(int argc, char **argv)
{
	const char *creds = NULL, *ak = NULL, *sk = NULL, *roak = NULL;
	const char *rosk = NULL, *scenario = "calm", *logpath = NULL;
	const char *faults[32];
	int nfaults = 0, port = 0, ch, i;
	unsigned long long seed = 1;
	double speed = 1;
	bool print_env = false, scenario_given = false;
	char *end, *cause = NULL;
	struct sim_world *w;
	struct sim_auth *auth;
	struct sim_scenario *sc = NULL;
	struct sim_reqlog *log = NULL;
	struct sim_server *srv;
	struct sim_ctx ctx;
	struct sigaction sa;
	struct timespec ts;

	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_PORT:
			port = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || port < 0 ||
			    port > 65535)
				die("bad port: %s", optarg);
			break;
		case OPT_CREDS:
			creds = optarg;
			break;
		case OPT_AK:
			ak = optarg;
			break;
		case OPT_SK:
			sk = optarg;
			break;
		case OPT_ROAK:
			roak = optarg;
			break;
		case OPT_ROSK:
			rosk = optarg;
			break;
		case OPT_SEED:
			errno = 0;
			seed = strtoull(optarg, &end, 0);
			if (*optarg == '\0' || *end != '\0' || errno != 0)
				die("bad seed: %s", optarg);
			break;
		case OPT_SPEED:
			speed = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(speed > 0) ||
			    speed > 1e6)
				die("bad speed: %s", optarg);
			break;
		case OPT_SCENARIO:
			scenario = optarg;
			scenario_given = true;
			break;
		case OPT_FAULT:
			if (nfaults == (int)nitems(faults))
				die("too many --fault flags");
			faults[nfaults++] = optarg;
			break;
		case OPT_LOG:
			logpath = optarg;
			break;
		case OPT_ENV:
			print_env = true;
			break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return 0;
		case 'V':
		case OPT_VERSION:
			printf("momentum-sim %s\n", MOMENTUM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if ((ak == NULL) != (sk == NULL) || (roak == NULL) != (rosk == NULL))
		die("%s", "--access-key and --secret-key (and the --ro- pair) "
		    "go together");

	auth = sim_auth_new();
	if (creds != NULL && sim_auth_load_file(auth, creds, &cause) != 0)
		die("%s", cause);
	if (ak != NULL)
		sim_auth_add_key(auth, ak, sk, false);
	if (roak != NULL)
		sim_auth_add_key(auth, roak, rosk, true);
	if (sim_auth_nkeys(auth) == 0) {
		/* Well-known demo keys: this is a simulator, not AWS. */
		sim_auth_add_key(auth, DEFAULT_RW_AKID, DEFAULT_RW_SECRET,
		    false);
		sim_auth_add_key(auth, DEFAULT_RO_AKID, DEFAULT_RO_SECRET,
		    true);
	}

	/* The scenario first: a bad one is refused before the world is made. */
	if ((sc = sim_scenario_load(scenario, &cause)) == NULL) {
		/* calm has no events: run without its file if it is missing. */
		if (!scenario_given)
			sc = sim_scenario_parse("", "calm", &cause);
		if (sc == NULL) {
			sim_auth_free(auth);
			die("%s", cause);
		}
		free(cause);
		cause = NULL;
	}
	w = sim_world_new(seed, speed, (double)now_ms() / 1000.0);
	for (i = 0; i < nfaults; i++) {
		if (sim_faults_parse(w, faults[i], &cause) != 0) {
			sim_world_free(w);
			sim_scenario_free(sc);
			sim_auth_free(auth);
			die("%s", cause);
		}
	}
	if (logpath != NULL && (log = sim_reqlog_open(logpath, &cause)) == NULL)
		die("%s", cause);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* Events at +0s are in force before the first request. */
	pthread_mutex_lock(&w->lock);
	sim_scenario_apply(sc, w, sim_now(w));
	pthread_mutex_unlock(&w->lock);

	memset(&ctx, 0, sizeof ctx);
	ctx.w = w;
	ctx.auth = auth;
	ctx.log = log;
	ctx.scenario = sc;
	ctx.stopping = &stopping;
	if ((srv = sim_server_start(&ctx, port, &cause)) == NULL)
		die("%s", cause);

	printf("PORT %d\n", sim_server_port(srv));
	if (print_env) {
		char *id = NULL, *secret = NULL;

		printf("export AWS_ENDPOINT_URL=http://127.0.0.1:%d\n",
		    sim_server_port(srv));
		if (sim_auth_first(auth, false, &id, &secret)) {
			printf("export AWS_ACCESS_KEY_ID=%s\n", id);
			printf("export AWS_SECRET_ACCESS_KEY=%s\n", secret);
		}
		free(id);
		secret_free(secret);
		id = secret = NULL;
		if (sim_auth_first(auth, true, &id, &secret))
			printf("# read-only key: AWS_ACCESS_KEY_ID=%s "
			    "AWS_SECRET_ACCESS_KEY=%s\n", id, secret);
		printf("unset AWS_SESSION_TOKEN AWS_PROFILE\n");
		printf("export AWS_REGION=us-east-1\n");
		printf("export AWS_DEFAULT_REGION=us-east-1\n");
		free(id);
		secret_free(secret);
	}
	fflush(stdout);
	fprintf(stderr, "momentum-sim: listening on 127.0.0.1:%d (seed %llu, "
	    "speed %g, scenario %s)\n", sim_server_port(srv), seed, speed,
	    sc->name);

	/* Scenario events and operations advance even without requests. */
	while (!got_signal) {
		ts.tv_sec = 0;
		ts.tv_nsec = 100 * 1000000L;
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&w->lock);
		sim_scenario_apply(sc, w, sim_now(w));
		sim_world_tick(w, sim_now(w));
		pthread_mutex_unlock(&w->lock);
	}
	fprintf(stderr, "momentum-sim: %s, shutting down\n",
	    got_signal == SIGINT ? "interrupted" : "terminated");
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
	sim_server_stop(srv);
	sim_reqlog_close(log);
	sim_scenario_free(sc);
	sim_world_free(w);
	sim_auth_free(auth);
	return 0;
}
