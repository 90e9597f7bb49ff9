/* Differential tests: logs_parse_filter_body against cJSON + logs_parse_filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "testlib.h"
#include "loopback_httpd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "model/logstore.h"
#include "sim/api.h"
#include "sim/logs.h"
#include "sim/world.h"
#include "util/util.h"

/* 2026-11-19 00:00 UTC; the sim's US afternoon peak is at 20:00. */
#define DAY0 1795046400.0
#define NOW (DAY0 + 2 * 86400.0 + 20 * 3600.0)
#define GROUP "/aws/apprunner/x/y/application"

struct diff_stats {
	size_t both_ok, both_fail, events;
};

static void
same_str(const char *a, const char *b, const char *what, size_t i)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			fail_msg("event %zu %s: %s vs %s", i, what,
			    a != NULL ? a : "(null)", b != NULL ? b : "(null)");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("event %zu %s: \"%s\" vs \"%s\"", i, what, a, b);
}

/*
 * Parse body both ways; fail the test unless the outputs agree field by
 * field or both parsers fail.  Returns 0 when both parsed.
 */
static int
diff_body(const char *body, size_t len, struct diff_stats *st)
{
	struct log_event_in *ev1 = NULL, *ev2 = NULL;
	size_t n1 = 0, n2 = 0, i;
	const char *next1 = NULL, *next2 = NULL;
	char *strings = NULL, *cause1 = NULL, *cause2 = NULL;
	cJSON *j;
	int rc1, rc2;

	j = cJSON_ParseWithLength(body, len);
	if (j == NULL || !cJSON_IsObject(j))
		rc1 = -1;
	else
		rc1 = logs_parse_filter(j, GROUP, &ev1, &n1, &next1, &cause1);
	rc2 = logs_parse_filter_body(body, len, GROUP, &ev2, &n2, &next2,
	    &strings, &cause2);
	if (rc1 != rc2)
		fail_msg("cJSON path %d, fast path %d (%s) on %zu bytes: %.*s",
		    rc1, rc2, cause2 != NULL ? cause2 : "", len,
		    (int)(len > 300 ? 300 : len), body);
	if (rc2 != 0) {
		assert_non_null(cause2);
		assert_null(strings);
		assert_null(ev2);
		assert_int_equal(n2, 0);
		st->both_fail++;
	} else {
		st->both_ok++;
		assert_int_equal(n1, n2);
		for (i = 0; i < n1; i++) {
			assert_int_equal(ev1[i].ts_ms, ev2[i].ts_ms);
			assert_int_equal(ev1[i].ingest_ms, ev2[i].ingest_ms);
			assert_ptr_equal(ev1[i].group, ev2[i].group);
			same_str(ev1[i].event_id, ev2[i].event_id, "eventId", i);
			same_str(ev1[i].stream, ev2[i].stream, "stream", i);
			assert_int_equal(ev1[i].message_len,
			    ev2[i].message_len);
			assert_memory_equal(ev1[i].message, ev2[i].message,
			    ev1[i].message_len + 1);
		}
		same_str(next1, next2, "nextToken", 0);
		st->events += n1;
	}
	free(cause1);
	free(cause2);
	free(ev1);
	free(ev2);
	free(strings);
	cJSON_Delete(j);
	return rc2;
}

/* xorshift64*: deterministic mutations. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Random edits of body; each must agree (or both fail). */
static void
mutate_many(const char *body, size_t len, uint64_t seed, int rounds,
    struct diff_stats *st)
{
	static const char alphabet[] = "{}[]\",:\\/u0123456789abcdefABCDEF"
	    "eE.-+ \t\n\r\x01\x7f\xc3\xff ntrlsDdC";
	char *m;
	size_t mlen, at, k, cut;
	int r, e, edits;

	for (r = 0; r < rounds; r++) {
		m = xmalloc(len + 64);
		memcpy(m, body, len);
		mlen = len;
		edits = 1 + (int)(rnd(&seed) % 3);
		for (e = 0; e < edits && mlen > 0; e++) {
			at = rnd(&seed) % mlen;
			switch (rnd(&seed) % 5) {
			case 0:		/* replace a byte */
				m[at] = alphabet[rnd(&seed) %
				    (sizeof alphabet - 1)];
				break;
			case 1:		/* delete a run */
				cut = 1 + rnd(&seed) % 8;
				if (cut > mlen - at)
					cut = mlen - at;
				memmove(m + at, m + at + cut, mlen - at - cut);
				mlen -= cut;
				break;
			case 2:		/* insert a byte */
				memmove(m + at + 1, m + at, mlen - at);
				m[at] = alphabet[rnd(&seed) %
				    (sizeof alphabet - 1)];
				mlen++;
				break;
			case 3:		/* truncate */
				mlen = at;
				break;
			default:	/* swap two bytes */
				k = rnd(&seed) % mlen;
				cut = (unsigned char)m[at];
				m[at] = m[k];
				m[k] = (char)cut;
				break;
			}
		}
		/* Exactly mlen bytes: no NUL after them to lean on. */
		m = xrealloc(m, mlen > 0 ? mlen : 1);
		diff_body(m, mlen, st);
		free(m);
	}
}

static char *
load_text(const char *rel, size_t *len)
{
	char *path, *text, *cause = NULL;

	path = xasprintf("%s/tests/data/%s", MOMENTUM_SOURCE_DIR, rel);
	text = read_file(path, len, &cause);
	if (text == NULL)
		fail_msg("%s", cause);
	free(path);
	return text;
}

static void
fastparse__canned__same_as_cjson(void **state)
{
	struct diff_stats st = { 0 };
	size_t len;
	char *text;

	(void)state;
	text = load_text("logs/filter_log_events.json", &len);
	assert_int_equal(diff_body(text, len, &st), 0);
	assert_int_equal(st.events, 3);
	mutate_many(text, len, 1, 3000, &st);
	free(text);
	/* Another shape entirely: parses, no events. */
	text = load_text("logs/describe_log_groups.json", &len);
	assert_int_equal(diff_body(text, len, &st), 0);
	mutate_many(text, len, 2, 500, &st);
	free(text);
	/* The mutations must exercise both outcomes. */
	assert_true(st.both_ok > 100);
	assert_true(st.both_fail > 100);
}

static void
fastparse__simulator_pages__same_as_cjson(void **state)
{
	struct sim_world *w = sim_world_new(1, 1, NOW);
	struct sim_service *s = sim_find_service_by_name(w,
	    "momentum-prod-api");
	struct diff_stats st = { 0 };
	struct sim_reply r;
	char *g, *req, *tok = NULL, *body;
	int64_t from = (int64_t)((NOW - 3600) * 1000), to = (int64_t)(NOW *
	    1000);
	const cJSON *t;
	int page = 0, limit;

	(void)state;
	assert_non_null(s);
	g = xasprintf("/aws/apprunner/%s/%s/application", s->name, s->id);
	do {
		limit = page == 0 ? 1000 : 40;
		req = tok == NULL ? xasprintf("{\"logGroupName\":\"%s\","
		    "\"startTime\":%lld,\"endTime\":%lld,\"limit\":%d}", g,
		    (long long)from, (long long)to, limit) :
		    xasprintf("{\"logGroupName\":\"%s\",\"startTime\":%lld,"
		    "\"endTime\":%lld,\"limit\":%d,\"nextToken\":\"%s\"}", g,
		    (long long)from, (long long)to, limit, tok);
		assert_int_equal(test_sim_call(sim_logs_ops, "logs", w, NOW,
		    "FilterLogEvents", req, &r), 0);
		free(req);
		free(tok);
		tok = NULL;
		/* Compact as the simulator sends it, and pretty-printed. */
		body = cJSON_PrintUnformatted(r.json);
		assert_int_equal(diff_body(body, strlen(body), &st), 0);
		if (page > 0)
			mutate_many(body, strlen(body), 100 + (uint64_t)page,
			    150, &st);
		free(body);
		body = cJSON_Print(r.json);
		assert_int_equal(diff_body(body, strlen(body), &st), 0);
		free(body);
		t = cJSON_GetObjectItemCaseSensitive(r.json, "nextToken");
		if (cJSON_IsString(t))
			tok = xstrdup(t->valuestring);
		sim_reply_free(&r);
		page++;
	} while (tok != NULL && page < 12);
	free(tok);
	/* A real page of the busy prod log, hostile lines included. */
	assert_true(st.events >= 1000);
	free(g);
	sim_world_free(w);
}

static void
fastparse__grammar_corners__same_as_cjson(void **state)
{
	static const char *const cases[] = {
		/* member order, unknown members with nested values */
		"{\"nextToken\":\"t\",\"x\":{\"events\":[1,{\"a\":[[]]}]},"
		"\"events\":[{\"eventId\":\"e\",\"z\":[{},{\"message\":1}],"
		"\"message\":\"m\",\"timestamp\":5,\"ingestionTime\":-7}]}",
		/* escapes, surrogate pairs, \u0000 inside a message */
		"{\"events\":[{\"message\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"
		"\\u00e9\\u20ac\\ud83d\\ude00\\u0000tail\"}]}",
		/* lone surrogates and bad escapes */
		"{\"events\":[{\"message\":\"\\ud83d\"}]}",
		"{\"events\":[{\"message\":\"\\ude00x\"}]}",
		"{\"events\":[{\"message\":\"\\ud83d\\u0041\"}]}",
		"{\"events\":[{\"message\":\"\\x41\"}]}",
		"{\"events\":[{\"message\":\"\\u12\"}]}",
		"{\"events\":[{\"message\":\"\\uZZZZ after\"}]}",
		/* escaped keys, duplicates: the first one counts */
		"{\"ev\\u0065nts\":[{\"m\\u0065ssage\":\"m1\",\"message\":2}],"
		"\"events\":[{\"message\":\"m2\"}]}",
		"{\"events\":5,\"events\":[{\"message\":\"m\"}]}",
		"{\"events\":[{\"message\":7,\"message\":\"m\"}]}",
		"{\"nextToken\":null,\"nextToken\":\"t\"}",
		"{\"nextToken\":\"\"}",
		"{\"Events\":[{\"message\":\"case matters\"}]}",
		"{\"events\\u0000x\":[{\"message\":\"key with NUL\"}]}",
		/* numbers as cJSON reads them, strings as aj_num reads them */
		"{\"events\":[{\"message\":\"m\",\"timestamp\":1.5e3,"
		"\"ingestionTime\":\"1764000000123\"}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":-0.0,"
		"\"ingestionTime\":\" 12\"}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":1e400,"
		"\"ingestionTime\":-1e400}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":0123,"
		"\"ingestionTime\":\"0x10\"}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":123456789012345678"
		"901234567890123456789012345678901234567890123456789012345678"
		"90}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":1-2}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":-}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":+1}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":1.}]}",
		"{\"events\":[{\"message\":\"m\",\"timestamp\":\"inf\"}]}",
		/* literals, white space, BOM, trailing bytes */
		"\xef\xbb\xbf \t\r\n{ \"events\" : [ true , false , null ,"
		" { \"message\" : \"m\" } ] } trailing",
		"{\"events\":[nul]}",
		"{\"events\":[tru]}",
		"{\"events\":[],}",
		"{\"events\":[1,]}",
		"{,}",
		"{}",
		"[]",
		"\"str\"",
		"12",
		"",
		"   ",
		"{",
		"{\"events\":[{\"message\":\"unterminated",
		"{\"events\":[{\"message\":\"m\\",
		"{\"a\"}",
		"{\"a\" 1}",
		"{a:1}",
		/* raw control bytes and invalid UTF-8 pass through */
		"{\"events\":[{\"message\":\"\x01\x1b[31m\xff\xfe\"}]}",
	};
	struct diff_stats st = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		diff_body(cases[i], strlen(cases[i]), &st);
	assert_true(st.both_ok >= 15);
	assert_true(st.both_fail >= 15);
}

/*
 * Runs of 0-6 backslashes before quotes, in keys and values, with other
 * escapes around, cut at every length: the end of a string with escapes
 * is the first quote after an even run.
 */
static void
fastparse__backslash_runs_before_quotes__same_as_cjson(void **state)
{
	static const char *const mids[] = { "", "x", "\\n", "\\u0041",
	    "\\u12", "\\ud83d\\ude00", "\"" };
	struct diff_stats st = { 0 };
	char body[256], val[64];
	size_t run, m, k, len, cut;

	(void)state;
	for (run = 0; run <= 6; run++) {
		for (m = 0; m < nitems(mids); m++) {
			for (k = 0; k < 4; k++) {
				len = 0;
				if (k >= 2)	/* or a run at the very start */
					val[len++] = 'a';
				memcpy(val + len, mids[m], strlen(mids[m]));
				len += strlen(mids[m]);
				memset(val + len, '\\', run);
				len += run;
				val[len] = '\0';
				snprintf(body, sizeof body, k % 2 == 0 ?
				    "{\"events\":[{\"message\":\"%s\"},"
				    "{\"message\":\"b\\\"c\"}]}" :
				    "{\"events\":[{\"%s\":1,\"message\":\"m\","
				    "\"eventId\":\"%s\\\\\"}]}", val, val);
				for (cut = 0; cut <= strlen(body); cut++)
					diff_body(body, cut, &st);
			}
		}
	}
	assert_true(st.both_ok >= 20);
	assert_true(st.both_fail >= 1000);
}

/*
 * Escapes at every byte lane of the eight-byte scan, twice in a string
 * longer than the scan's step, including \u escapes whose digits hold a
 * quote or a backslash (cJSON's end decides whether those parse), cut
 * at every length.
 */
static void
fastparse__escapes_in_every_lane__same_as_cjson(void **state)
{
	static const char *const escs[] = { "\\\"", "\\\\", "\\n", "\\/",
	    "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\u1\\\"34", "\\u12\"",
	    "\\u\\\\\\\\1", "\\ud83d\\u\\\"", "\\ud83d\"", "\\x", "\\" };
	struct diff_stats st = { 0 };
	char body[512], val[128];
	size_t pos, e, len, cut;

	(void)state;
	for (pos = 0; pos < 17; pos++) {
		for (e = 0; e < nitems(escs); e++) {
			len = 0;
			memset(val, 'a', pos);
			len += pos;
			memcpy(val + len, escs[e], strlen(escs[e]));
			len += strlen(escs[e]);
			memset(val + len, 'b', 17 - pos);
			len += 17 - pos;
			memcpy(val + len, escs[(e + pos) % nitems(escs)],
			    strlen(escs[(e + pos) % nitems(escs)]));
			len += strlen(escs[(e + pos) % nitems(escs)]);
			memcpy(val + len, "tail", 5);
			snprintf(body, sizeof body, "{\"events\":[{\"message\":"
			    "\"%s\",\"eventId\":\"%s\"},{\"message\":\"m\"}]}",
			    val, val);
			for (cut = 0; cut <= strlen(body); cut++)
				diff_body(body, cut, &st);
		}
	}
	assert_true(st.both_ok >= 100);
	assert_true(st.both_fail >= 1000);
}

/* Nesting: 1000 levels parse, 1001 do not, on either side. */
static void
fastparse__nesting_limit__same_as_cjson(void **state)
{
	struct diff_stats st = { 0 };
	struct buf b = { 0 };
	int depth, i;

	(void)state;
	for (depth = 998; depth <= 1002; depth++) {
		b.len = 0;
		buf_puts(&b, "{\"x\":");
		for (i = 1; i < depth; i++)
			buf_puts(&b, i % 2 ? "[" : "{\"a\":");
		buf_puts(&b, "1");
		for (i = depth - 1; i >= 1; i--)
			buf_puts(&b, i % 2 ? "]" : "}");
		buf_puts(&b, ",\"events\":[{\"message\":\"deep\"}]}");
		diff_body(b.data, b.len, &st);
	}
	free(b.data);
	assert_true(st.both_ok >= 1);
	assert_true(st.both_fail >= 1);
}

/* ---- aws_call_json_body: the same call path as aws_call_json -------- */

static struct aws_client *
stub_client(struct stub_httpd *h, bool read_only)
{
	struct aws_client_config cfg;
	struct aws_client *c;
	char *url, *cause = NULL;

	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTFASTPARSE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "SECRETKEYFASTPARSE", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_CONFIG_FILE", "/nonexistent/momentum-test/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE",
	    "/nonexistent/momentum-test/credentials", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	unsetenv("AWS_ENDPOINT_URL");
	url = xasprintf("http://127.0.0.1:%d", h->port);
	memset(&cfg, 0, sizeof cfg);
	cfg.name = "test";
	cfg.region = "us-west-2";
	cfg.endpoint_url = url;
	cfg.read_only = read_only;
	cfg.max_attempts = 1;
	cfg.timeout_ms = 5000;
	if ((c = aws_client_new(&cfg, &cause)) == NULL)
		fail_msg("aws_client_new: %s", cause);
	free(url);
	return c;
}

static void
call_json_body__200__raw_body_signed_and_counted(void **state)
{
	static const char page[] = "{\"events\":[{\"message\":\"a\\u00e9\","
	    "\"timestamp\":7}],\"nextToken\":\"n\"}  ";
	struct stub_route routes[] = {
		{ "POST", "*", 200, NULL, page },
	};
	struct stub_httpd h;
	struct stub_request r;
	struct aws_client *c;
	struct aws_error err = { 0 };
	struct aws_usage u0, u1;
	struct log_event_in *ev;
	const char *next;
	char *body, *strings, *cause = NULL;
	size_t len, n;
	cJSON *req = logs_filter_request("/g", 1, 0, NULL, NULL, 10);

	(void)state;
	assert_int_equal(stub_start(&h), 0);
	stub_set_routes(&h, routes, 1);
	c = stub_client(&h, true);
	aws_usage_get(&u0);
	body = aws_call_json_body(c, AWS_SVC_LOGS, "FilterLogEvents", req,
	    &len, &err);
	if (body == NULL)
		fail_msg("%s: %s", err.code, err.message);
	aws_usage_get(&u1);
	assert_int_equal(len, strlen(page));
	assert_memory_equal(body, page, len + 1);
	assert_int_equal(u1.calls, u0.calls + 1);
	assert_int_equal(stub_request_count(&h), 1);
	assert_int_equal(stub_request_get(&h, 0, &r), 0);
	assert_string_equal(stub_header(&r, "X-Amz-Target"),
	    "Logs_20140328.FilterLogEvents");
	assert_non_null(strstr(stub_header(&r, "Authorization"),
	    "AKIDTESTFASTPARSE"));
	assert_non_null(strstr(r.body, "\"logGroupName\":\"/g\""));
	assert_int_equal(logs_parse_filter_body(body, len, "/g", &ev, &n,
	    &next, &strings, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].message, "a\xc3\xa9");
	assert_int_equal(ev[0].ts_ms, 7);
	assert_string_equal(next, "n");
	free(ev);
	free(strings);
	free(body);
	cJSON_Delete(req);
	aws_client_free(c);
	stub_stop(&h);
}

static void
call_json_body__empty_error_read_only__as_call_json(void **state)
{
	struct stub_route empty[] = {
		{ "POST", "*", 200, NULL, " \r\n" },
	};
	struct stub_route missing[] = {
		{ "POST", "*", 400, NULL, "{\"__type\":\"ResourceNotFoundExcep"
		    "tion\",\"message\":\"The specified log group does not "
		    "exist.\"}" },
	};
	struct stub_httpd h;
	struct aws_client *c;
	struct aws_error err = { 0 };
	char *body;
	size_t len = 99;

	(void)state;
	assert_int_equal(stub_start(&h), 0);
	c = stub_client(&h, true);
	/* An empty answer is {} (aws_call_json gives an empty object). */
	stub_set_routes(&h, empty, 1);
	body = aws_call_json_body(c, AWS_SVC_LOGS, "FilterLogEvents", NULL,
	    &len, &err);
	assert_non_null(body);
	assert_string_equal(body, "{}");
	assert_int_equal(len, 2);
	free(body);
	/* Service errors come back in err exactly as aws_call_json's. */
	stub_set_routes(&h, missing, 1);
	assert_null(aws_call_json_body(c, AWS_SVC_LOGS, "FilterLogEvents",
	    NULL, &len, &err));
	assert_int_equal(len, 0);
	assert_string_equal(err.code, "ResourceNotFoundException");
	aws_error_clear(&err);
	assert_null(aws_call_json(c, AWS_SVC_LOGS, "FilterLogEvents", NULL,
	    &err));
	assert_string_equal(err.code, "ResourceNotFoundException");
	aws_error_clear(&err);
	assert_int_equal(stub_request_count(&h), 2);
	/* Read-only: a write is refused before anything is sent. */
	stub_set_routes(&h, empty, 1);
	assert_null(aws_call_json_body(c, AWS_SVC_LOGS, "PutLogEvents", NULL,
	    &len, &err));
	assert_int_equal(err.kind, AWS_ERR_READ_ONLY);
	aws_error_clear(&err);
	assert_int_equal(stub_request_count(&h), 0);
	aws_client_free(c);
	stub_stop(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fastparse__canned__same_as_cjson),
		cmocka_unit_test(fastparse__simulator_pages__same_as_cjson),
		cmocka_unit_test(fastparse__grammar_corners__same_as_cjson),
		cmocka_unit_test(fastparse__backslash_runs_before_quotes__same_as_cjson),
		cmocka_unit_test(fastparse__escapes_in_every_lane__same_as_cjson),
		cmocka_unit_test(fastparse__nesting_limit__same_as_cjson),
		cmocka_unit_test(call_json_body__200__raw_body_signed_and_counted),
		cmocka_unit_test(
		    call_json_body__empty_error_read_only__as_call_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
