/*
 * json_writer.h - a small JSON writer into a growing buffer
 *
 * For object_export.c: libnl objects become JSON text that the typed client
 * parses on the main thread in one JSON.parse per batch.
 */
#ifndef NLWASM_JSON_WRITER_H
#define NLWASM_JSON_WRITER_H

#include <stddef.h>
#include <stdint.h>

struct nl_addr;

struct json {
	char *buf;
	size_t len;
	size_t cap;
	int need_comma;
	int failed; /* out of memory: the text is incomplete */
};

void json_reset(struct json *j);
void json_free(struct json *j);

void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* Writes "key": (key as is, unescaped); the next call writes the value. */
void json_key(struct json *j, const char *key);
/* Appends raw text between two values of an array (",") or a batch. */
void json_raw(struct json *j, const char *text);

void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* Convenience: "key": value, skipped when the value is absent (NULL). */
void json_kv_str(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, int v);
/* An nl_addr as libnl prints it (nl_addr2str); absent when NULL. */
void json_kv_addr(struct json *j, const char *key, struct nl_addr *a);
/* libnl's comma-separated flag names (…2str output) as an array of strings. */
void json_kv_names(struct json *j, const char *key, const char *list);

#endif
