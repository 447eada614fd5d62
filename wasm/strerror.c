/*
 * strerror.c - error texts worded as glibc words them
 *
 * musl words many errors differently from glibc ("Resource busy" for EBUSY,
 * "Not supported" for EOPNOTSUPP, "No error information" for 0). A C
 * program run here prints what its native build prints: the texts are the
 * build machine's own (gen_strerror.c writes them at build time), and a
 * number without one is "Unknown error N", as glibc says. perror() and
 * strerror_r() take their texts from strerror().
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

char *__strerror_l(int e, locale_t loc);

static const char *const texts[] = {
#include "glibc_strerror.h"
};

/* glibc keeps one per thread; an instance has one thread. */
static char unknown[sizeof("Unknown error -2147483648")];

char *__strerror_l(int e, locale_t loc)
{
	(void)loc;
	if (e >= 0 && (size_t)e < sizeof(texts) / sizeof(texts[0]))
		return (char *)texts[e];
	snprintf(unknown, sizeof(unknown), "Unknown error %d", e);
	return unknown;
}

char *strerror_l(int e, locale_t loc)
{
	return __strerror_l(e, loc);
}

char *strerror(int e)
{
	return __strerror_l(e, NULL);
}
