/*
 * json_writer.c - a small JSON writer into a growing buffer (json_writer.h)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>

#include "json_writer.h"

static void put(struct json *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 4096;
		char *b;

		while (cap < j->len + n + 1)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			j->failed = 1;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
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
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];

	put(j, "\"", 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = *p;
			put(j, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			puts_(j, esc);
		} else {
			put(j, (const char *)p, 1);
		}
	}
	put(j, "\"", 1);
}

void json_key(struct json *j, const char *key)
{
	value_start(j);
	quoted(j, key);
	put(j, ":", 1);
	j->need_comma = 0;
}

void json_str(struct json *j, const char *s)
{
	value_start(j);
	quoted(j, s);
}

void json_int(struct json *j, int64_t v)
{
	char b[24];

	value_start(j);
	snprintf(b, sizeof(b), "%" PRId64, v);
	puts_(j, b);
}

void json_uint(struct json *j, uint64_t v)
{
	char b[24];

	value_start(j);
	snprintf(b, sizeof(b), "%" PRIu64, v);
	puts_(j, b);
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

void json_kv_addr(struct json *j, const char *key, struct nl_addr *a)
{
	char buf[128];

	if (!a)
		return;
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
