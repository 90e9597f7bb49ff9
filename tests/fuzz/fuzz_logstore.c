/* libFuzzer harness: sanitizer fast paths, level guess and the log store. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/logstore.h"
#include "util/sanitize.h"
#include "util/util.h"

#include "tests/unit/ref_level.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is cut at 0xfe bytes into events (id from the first bytes,
 * time from the second byte) and stored twice: every event once, then
 * all again as duplicates.  Checked: text_sanitize == its reference ==
 * text_sanitize_buf, the level guess == the plain scan, and the store's
 * lines are sorted, bounded, control-free and single-line.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf reused;
	struct log_event_in ev[64];
	char ids[64][8];
	const struct log_line *l, *prev;
	struct logstore *ls;
	char *in, *a, *b;
	size_t n = 0, i, start, len, la;
	const unsigned char *p;

	/* An exact-size copy: reading past size is an ASan report. */
	in = malloc(size > 0 ? size : 1);
	if (in == NULL)
		return 0;
	if (size > 0)
		memcpy(in, data, size);
	a = text_sanitize(in, size);
	b = text_sanitize_ref(in, size);
	la = strlen(a);
	if (la != strlen(b) || memcmp(a, b, la) != 0)
		abort();
	if (text_sanitize_buf(&reused, in, size) != la ||
	    memcmp(reused.data, a, la + 1) != 0)
		abort();
	if (log_level_guess(in, size) != ref_level_guess(in, size) ||
	    log_level_guess(a, la) != ref_level_guess(a, la))
		abort();
	free(a);
	free(b);

	memset(ev, 0, sizeof ev);
	for (start = 0, i = 0; i <= size && n < nitems(ev); i++) {
		if (i < size && (unsigned char)in[i] != 0xfe)
			continue;
		len = i - start;
		p = (const unsigned char *)in + start;
		snprintf(ids[n], sizeof ids[n], "%02x%02x",
		    len > 0 ? p[0] : 0, len > 2 ? p[2] : 0);
		ev[n].event_id = len > 3 && p[3] == 'x' ? NULL : ids[n];
		ev[n].ts_ms = len > 1 ? p[1] : 0;
		ev[n].group = "/aws/g";
		ev[n].stream = len > 4 ? "s/\x1b[31mred" : "i/abc";
		ev[n].message = in + start;
		ev[n].message_len = len;
		n++;
		start = i + 1;
	}
	ls = logstore_new(16);
	logstore_append(ls, ev, n);
	logstore_append(ls, ev, n);
	logstore_lock(ls);
	if (logstore_count(ls) > 16)
		abort();
	prev = NULL;
	for (i = 0; i < logstore_count(ls); i++) {
		l = logstore_line(ls, i);
		if (prev != NULL && (prev->ts_ms > l->ts_ms ||
		    (prev->ts_ms == l->ts_ms && prev->seq >= l->seq)))
			abort();
		for (p = (const unsigned char *)l->message; *p != '\0'; p++) {
			if (*p < 0x20 || *p == 0x7f)
				abort();
		}
		if (strchr(l->source, '\033') != NULL)
			abort();
		prev = l;
	}
	logstore_unlock(ls);
	logstore_free(ls);
	free(in);
	return 0;
}
