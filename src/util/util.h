/* Small helpers every module uses: allocation, fatal errors, buffers. */
#ifndef MOMENTUM_UTIL_H
#define MOMENTUM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Out of memory or a broken invariant: restore the terminal (through the
 * hook the UI installs), print the message to stderr and exit(2).
 */
void fatal(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void fatal_set_hook(void (*hook)(void));

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);		/* xstrdup(NULL) == NULL */
char *xstrndup(const char *s, size_t n);
/* Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* Wipe then free a secret string; NULL is a no-op. */
void secret_free(char *s);
/* Wipe memory in a way the compiler cannot elide. */
void secure_zero(void *p, size_t n);

/*
 * Growable byte buffer, always NUL-terminated after data[len] (when data
 * is not NULL).  buf_free(NULL) is a no-op; a zeroed struct is empty.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Wipe contents before freeing (for buffers that held secrets). */
void buf_free_secret(struct buf *b);
/* Give the data to the caller (caller frees); the buffer becomes empty. */
char *buf_steal(struct buf *b);

/* Wall clock and monotonic clock in milliseconds. */
int64_t now_ms(void);
int64_t mono_ms(void);

/* Read a whole file; NULL and *cause on error.  Caller frees. */
char *read_file(const char *path, size_t *len, char **cause);

/* Trim ASCII whitespace in place; returns s. */
char *strtrim(char *s);
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);

/*
 * Eight bytes at p as a little-endian number on any host: the SWAR scans
 * (sanitizer, level guess) count lanes from the low byte with ctz.
 */
static inline uint64_t
load_le64(const void *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#endif
