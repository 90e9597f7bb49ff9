/*
 * The memory floor of the console's libraries, for `console_perf.py rss`.
 *
 * Issue 4 asks for an RSS under 8 MB with a 10,000-line log scrollback.
 * VmRSS counts every resident page of every mapped library, so part of
 * the console's RSS is fixed by what it links (libcurl and Debian's
 * libcurl4 dependency tree, OpenSSL 3, ncursesw, libc) before it holds a
 * single log line.  This program links exactly what momentum-console
 * links (the same static libraries, so the same DT_NEEDED list) and does
 * the least the console must do, one step at a time, printing VmRSS
 * after each:
 *
 *   loaded    the libraries mapped and relocated, nothing called
 *   config    the built-in configuration parsed (inih), as the console
 *             starts; one libm call, so that the link keeps libm as the
 *             console's does (--as-needed drops unused libraries)
 *   http      http_global_init (curl_global_init: OpenSSL's init)
 *   signed    one signed AWS call through the client core to the
 *             endpoint in the environment (CloudWatch Logs
 *             DescribeLogGroups: credentials chain, SigV4 HMAC-SHA256,
 *             one libcurl handle, cJSON)
 *   screen    an ncurses screen on the terminal (newterm, colours, one
 *             frame), as the console opens it
 *   tls       optional (argv[2] = https URL, argv[3] = CA file): one
 *             HTTPS GET through libcurl with peer and host verification,
 *             what every call to real AWS does
 *
 * Usage: probe_rss_floor OUTFILE [HTTPS-URL CA-FILE]
 * Writes "step VmRSS-kB" lines to OUTFILE, then "ready" and waits for
 * SIGTERM, so the caller can read /proc/PID/status and smaps the same way
 * it reads the console's.  Not run by bench/run on its own.
 */
#include <curses.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "aws/client.h"
#include "config/config.h"

static long
vmrss_kb(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	}
	fclose(f);
	return kb;
}

static void
step(FILE *out, const char *name)
{
	fprintf(out, "%s %ld\n", name, vmrss_kb());
	fflush(out);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static int
tls_get(const char *url, const char *ca, FILE *out)
{
	CURL		*h;
	CURLcode	 rc;

	if ((h = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		fprintf(out, "error tls: %s\n", curl_easy_strerror(rc));
	/* Keep the handle: the console keeps its handles and connections. */
	return rc == CURLE_OK ? 0 : -1;
}

int
main(int argc, char **argv)
{
	FILE			*out;
	struct aws_client_config cfg = { .name = "floor" };
	struct aws_client	*c;
	struct aws_error	 err;
	cJSON			*req, *resp;
	char			*cause = NULL;
	SCREEN			*scr;
	struct config		*cf = NULL;
	volatile double		 two = 2.0;
	sigset_t		 set;
	int			 sig;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: probe_rss_floor OUTFILE "
		    "[HTTPS-URL CA-FILE]\n");
		return 2;
	}
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setlocale(LC_ALL, "");
	step(out, "loaded");

	if (config_parse_string(config_default_text, CONFIG_BUILTIN_PATH, &cf,
	    &cause) != 0) {
		fprintf(out, "error config: %s\n", cause);
		return 1;
	}
	if (pow(two, 10.0) != 1024.0) {
		fprintf(out, "error libm\n");
		return 1;
	}
	step(out, "config");

	http_global_init();
	step(out, "http");

	if ((c = aws_client_new(&cfg, &cause)) == NULL) {
		fprintf(out, "error client: %s\n", cause);
		return 1;
	}
	memset(&err, 0, sizeof err);
	req = cJSON_CreateObject();
	resp = aws_call_json(c, AWS_SVC_LOGS, "DescribeLogGroups", req, &err);
	cJSON_Delete(req);
	if (resp == NULL) {
		fprintf(out, "error call: %s\n", err.message != NULL ?
		    err.message : "failed");
		return 1;
	}
	cJSON_Delete(resp);
	step(out, "signed");

	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(out, "error screen: newterm failed\n");
		return 1;
	}
	set_term(scr);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	mvaddstr(0, 0, "momentum-console memory floor");
	refresh();
	step(out, "screen");

	if (argc == 4) {
		if (tls_get(argv[2], argv[3], out) == -1)
			return 1;
		step(out, "tls");
	}
	fprintf(out, "ready\n");
	fflush(out);
	sigwait(&set, &sig);
	endwin();
	config_free(cf);
	return 0;
}
