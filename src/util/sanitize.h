/* Text from the outside world: sanitize once, measure and cut by columns. */
#ifndef MOMENTUM_SANITIZE_H
#define MOMENTUM_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output of text_sanitize() never exceeds this many bytes plus "…". */
#define TEXT_MAX 65536

/*
 * Make remote text safe to print.  Decodes s (len bytes, NUL bytes
 * included) as strict UTF-8 and returns a new valid UTF-8 string in
 * which:
 *   - invalid bytes, overlong forms, surrogates and code points above
 *     U+10FFFF become U+FFFD (one per maximal invalid subpart);
 *   - escape sequences are removed whole: ESC [ ... final (CSI),
 *     ESC ] ... BEL/ST (OSC: titles, clipboard), ESC P/X/^/_ ... ST
 *     (DCS/SOS/PM/APC), ESC + intermediates + final, and the C1 forms
 *     U+009B/U+009D/U+0090...; no "[31m" residue is left behind;
 *   - tab becomes a space, CR is dropped, LF is kept; any other C0
 *     control, DEL and C1 control becomes a visible U+FFFD;
 *   - bidi controls (U+061C, U+200E/F, U+202A-202E, U+2066-2069),
 *     zero-width and invisible format characters (U+200B-200D, U+2060-
 *     2064, U+FEFF, U+180E, U+FFF9-FFFB, tags U+E0000-E007F) and the
 *     non-characters U+FFFE/U+FFFF are removed; U+2028/U+2029 become LF;
 *   - output longer than TEXT_MAX bytes is cut at a character boundary
 *     and ends in "…".
 * s may be NULL (returns ""). Caller frees.
 *
 *	text_sanitize("\033]52;c;aGk=\007ok\033[31m!", 20) == "ok!"
 */
char *text_sanitize(const char *s, size_t len);

/*
 * text_sanitize() without its fast paths: one code point at a time
 * through the decoder and the escape-sequence state machine.  The same
 * output by definition; tests compare the two (test_sanitize_fast.c).
 */
char *text_sanitize_ref(const char *s, size_t len);

struct buf;
/*
 * text_sanitize() into a reusable buffer: out's old contents are
 * replaced (its storage kept and grown as needed), out->data is
 * NUL-terminated, and the length is returned.  For callers that copy
 * the result elsewhere anyway (the log store), so no allocation per
 * string.  Free out with buf_free().
 */
size_t text_sanitize_buf(struct buf *out, const char *s, size_t len);

/*
 * As text_sanitize(), for one-line fields (names, alarm reasons, error
 * messages): each run of line breaks becomes the visible separator " ⏎ "
 * and leading/trailing whitespace is trimmed.  Caller frees.
 */
char *text_sanitize_line(const char *s, size_t len);

/* Convenience: text_sanitize_line(s, strlen(s)); NULL gives NULL. */
char *text_clean(const char *s);

/*
 * ASCII display mode (non-UTF-8 locale): every code point counts one
 * column and text_cut() ends in "~".  Set once by the UI before any
 * thread starts; read-only afterwards.
 */
void text_set_ascii(bool on);
bool text_ascii(void);

/*
 * Decode one UTF-8 character at s (which must be valid, as sanitized
 * text is); stores the code point and returns the number of bytes (1 for
 * an invalid byte, which decodes to U+FFFD; 0 at the terminating NUL).
 */
int utf8_decode(const char *s, uint32_t *cp);
/* Encode cp into out (at least 4 bytes); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);

/*
 * Columns one code point takes on screen: wcwidth(), with non-printable
 * code points counted as 1 (they are drawn as U+FFFD) and every code
 * point as 1 in ASCII mode.
 */
int text_cp_width(uint32_t cp);

/* Columns s takes on screen (no line breaks expected). */
int text_width(const char *s);

/*
 * The longest prefix of s that fits in cols columns.  When s is wider,
 * the result ends in "…" ("~" in ASCII mode) and is at most cols wide; a
 * wide character is never split (the result may then be one column
 * narrower).  cols <= 0 gives "".  Caller frees.
 *
 *	text_cut("deployment", 6) == "deplo…"
 */
char *text_cut(const char *s, int cols);

/*
 * Byte length of the longest prefix of s fitting in cols columns,
 * without an ellipsis; *used receives its width when not NULL.
 */
size_t text_prefix(const char *s, int cols, int *used);

#endif
