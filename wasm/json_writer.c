/*
 * json_writer.c - a small JSON writer into a growing buffer (json_writer.h)
 */
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>

#include "json_writer.h"

/* Room for n more bytes and the NUL: where they go, or NULL (out of memory). */
static char *reserve(struct json *j, size_t n)
{
	if (j->failed)
		return NULL;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		char *b;

		while (cap < j->len + n + 1)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			j->failed = 1;
			return NULL;
		}
		j->buf = b;
		j->cap = cap;
	}
	return j->buf + j->len;
}

/*
 * JSON is written in pieces of a few bytes, and in wasm a call to musl's
 * memcpy costs more than such a copy: short pieces are copied by a loop
 * (this file is built with -fno-builtin-memcpy, so the compiler keeps it).
 */
static void put(struct json *j, const char *s, size_t n)
{
	char *d = reserve(j, n);
	size_t i;

	if (!d)
		return;
	if (n > 32)
		memcpy(d, s, n);
	else
		for (i = 0; i < n; i++)
			d[i] = s[i];
	j->len += n;
	d[n] = '\0';
}

static void puts_(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Separates values: a comma unless this is the first in its object/array. */
static void value_start(struct json *j)
{
	if (j->need_comma)
		put(j, ",", 1);
	j->need_comma = 1;
}

void json_reset(struct json *j)
{
	j->len = 0;
	j->need_comma = 0;
	j->failed = 0;
	if (j->buf)
		j->buf[0] = '\0';
}

void json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

void json_begin_object(struct json *j)
{
	value_start(j);
	put(j, "{", 1);
	j->need_comma = 0;
}

void json_end_object(struct json *j)
{
	put(j, "}", 1);
	j->need_comma = 1;
}

void json_begin_array(struct json *j)
{
	value_start(j);
	put(j, "[", 1);
	j->need_comma = 0;
}

void json_end_array(struct json *j)
{
	put(j, "]", 1);
	j->need_comma = 1;
}

void json_raw(struct json *j, const char *text)
{
	puts_(j, text);
}

static void quoted(struct json *j, const char *s)
{
	const unsigned char *p, *run = (const unsigned char *)s;
	char esc[8];

	/* Characters that need no escape are copied in runs, not one by one. */
	put(j, "\"", 1);
	for (p = run; *p; p++) {
		if (*p != '"' && *p != '\\' && *p >= 0x20)
			continue;
		put(j, (const char *)run, p - run);
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = *p;
			put(j, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			puts_(j, esc);
		}
		run = p + 1;
	}
	put(j, (const char *)run, p - run);
	put(j, "\"", 1);
}

/* Keys are field names (literals, libnl's metric names): none needs an escape. */
void json_key(struct json *j, const char *key)
{
	char *d = reserve(j, strlen(key) + 4), *start = d;

	if (!d)
		return;
	if (j->need_comma)
		*d++ = ',';
	*d++ = '"';
	while (*key)
		*d++ = *key++;
	*d++ = '"';
	*d++ = ':';
	*d = '\0';
	j->len += d - start;
	j->need_comma = 0;
}

void json_str(struct json *j, const char *s)
{
	value_start(j);
	quoted(j, s);
}

/*
 * Decimal digits of v, written backwards ending at `end`; returns the first.
 * Numbers are formatted here, not with snprintf: musl's printf machinery is
 * the costliest part of exporting a large dump in wasm.
 */
static char *decimal(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void json_int(struct json *j, int64_t v)
{
	char b[24], *p;

	value_start(j);
	p = decimal(b + sizeof(b), v < 0 ? -(uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	put(j, p, b + sizeof(b) - p);
}

void json_uint(struct json *j, uint64_t v)
{
	char b[24], *p;

	value_start(j);
	p = decimal(b + sizeof(b), v);
	put(j, p, b + sizeof(b) - p);
}

void json_bool(struct json *j, int v)
{
	value_start(j);
	puts_(j, v ? "true" : "false");
}

void json_null(struct json *j)
{
	value_start(j);
	puts_(j, "null");
}

void json_kv_str(struct json *j, const char *key, const char *s)
{
	if (!s)
		return;
	json_key(j, key);
	json_str(j, s);
}

void json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kv_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

/*
 * nl_addr2str()'s text of an IPv4 address ("a.b.c.d", "/len" unless 32),
 * without its three snprintf calls (inet_ntop and the prefix): routes and
 * addresses carry several each. b holds at least 19 bytes; returns the length.
 */
static size_t inet4_str(char *b, const unsigned char *a, unsigned int prefixlen)
{
	char digits[12], *p, *end = digits + sizeof(digits);
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			b[n++] = '.';
		for (p = decimal(end, a[i]); p < end; p++)
			b[n++] = *p;
	}
	if (prefixlen != 32) {
		b[n++] = '/';
		for (p = decimal(end, prefixlen); p < end; p++)
			b[n++] = *p;
	}
	return n;
}

void json_kv_addr(struct json *j, const char *key, struct nl_addr *a)
{
	char buf[128];

	if (!a)
		return;
	if (nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4) {
		size_t n = inet4_str(buf, nl_addr_get_binary_addr(a), nl_addr_get_prefixlen(a));

		json_key(j, key);
		value_start(j);
		put(j, "\"", 1);
		put(j, buf, n);
		put(j, "\"", 1);
		return;
	}
	json_kv_str(j, key, nl_addr2str(a, buf, sizeof(buf)));
}

void json_kv_names(struct json *j, const char *key, const char *list)
{
	char *copy, *tok, *save = NULL;

	json_key(j, key);
	json_begin_array(j);
	if (list && (copy = strdup(list))) {
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			json_str(j, tok);
		free(copy);
	}
	json_end_array(j);
}
