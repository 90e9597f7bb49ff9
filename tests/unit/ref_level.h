/*
 * The log level guess as first written, the reference that unit tests
 * and fuzz_logstore compare log_level_guess with: every word at every
 * letter of the first 256 bytes; a word counts when no letter or digit
 * is before it and no letter after it.
 */
#ifndef MOMENTUM_TEST_REF_LEVEL_H
#define MOMENTUM_TEST_REF_LEVEL_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "model/logstore.h"

static bool
ref_is_word(const char *s, size_t len, size_t at, size_t wlen)
{
	if (at > 0 && isalnum((unsigned char)s[at - 1]))
		return false;
	if (at + wlen < len && isalpha((unsigned char)s[at + wlen]))
		return false;
	return true;
}

static enum log_level
ref_level_guess(const char *s, size_t len)
{
	static const struct {
		const char *word;
		enum log_level level;
	} words[] = {
		{ "ERROR", LOG_LEVEL_ERROR }, { "ERR", LOG_LEVEL_ERROR },
		{ "FATAL", LOG_LEVEL_ERROR }, { "CRITICAL", LOG_LEVEL_ERROR },
		{ "PANIC", LOG_LEVEL_ERROR }, { "WARNING", LOG_LEVEL_WARN },
		{ "WARN", LOG_LEVEL_WARN }, { "INFO", LOG_LEVEL_INFO },
		{ "NOTICE", LOG_LEVEL_INFO }, { "DEBUG", LOG_LEVEL_DEBUG },
		{ "TRACE", LOG_LEVEL_DEBUG },
	};
	size_t at, i, wl;

	if (len > 256)
		len = 256;
	for (at = 0; at < len; at++) {
		if (!isalpha((unsigned char)s[at]))
			continue;
		for (i = 0; i < sizeof words / sizeof words[0]; i++) {
			wl = strlen(words[i].word);
			if (at + wl <= len &&
			    strncasecmp(s + at, words[i].word, wl) == 0 &&
			    ref_is_word(s, len, at, wl))
				return words[i].level;
		}
	}
	return LOG_LEVEL_NONE;
}

#endif
