/*
 * plain_data.h - plain data (objects, arrays, strings, numbers) in the
 * compact binary form that ts/api/plain_data.ts decodes
 *
 * For object_export.c: a dump's objects cross to JavaScript as a few
 * batches, and the main thread turns each batch into objects. JSON cost the
 * main thread 60 ms per 100k routes in JSON.parse alone; this form names no
 * keys per object and formats no numbers, and the decoder builds each object
 * with a literal of its shape.
 *
 * The form, a sequence of values:
 *   OBJECT  value*  END_OBJECT u16:shape
 *   OBJECT  value*  NEW_SHAPE u16:shape u8:n (u8:len key)*n
 *           The fields' values, in order; then the shape: the object's keys,
 *           spelled out (NEW_SHAPE) the first time it is used in a stream.
 *   ARRAY   value*  END_ARRAY
 *   STR     varint:len bytes      (UTF-8)
 *   SYM     u16:id                (a string interned earlier in the stream)
 *   SYM_DEF u16:id varint:len bytes
 *   U8 u8 | U32 u32 | I32 i32 | F64 f64 | TRUE | FALSE | NULL
 * All little-endian. A stream is one writer's output from pd_init() on,
 * possibly cut into batches (pd_take()); ids are valid to its end.
 */
#ifndef NLWASM_PLAIN_DATA_H
#define NLWASM_PLAIN_DATA_H

#include <stddef.h>
#include <stdint.h>

struct nl_addr;

enum pd_tag {
	PD_OBJECT = 1,
	PD_END_OBJECT,
	PD_ARRAY,
	PD_END_ARRAY,
	PD_STR,
	PD_SYM,
	PD_SYM_DEF,
	PD_U8,
	PD_U32,
	PD_I32,
	PD_F64,
	PD_TRUE,
	PD_FALSE,
	PD_NULL,
	PD_NEW_SHAPE,
};

#define PD_MAX_DEPTH 8

struct pd_table {		/* open addressing over interned byte strings */
	struct pd_entry { uint32_t hash; uint32_t len; uint32_t id; char *bytes; } *slots;
	size_t size;		/* a power of two, or 0 */
	size_t used;
};

/*
 * Shapes form a tree: a node is the list of keys from the root to it, and an
 * object being written walks down one edge per key, found by the key's
 * address. Objects of one kind take the same path, one pointer comparison
 * per key; a node gets its stream id when an object first ends there.
 */
struct pd_shape {
	const char *key;	/* the last key of the list */
	uint32_t parent;
	uint32_t first_child;	/* 0: none (node 0, the root, is nobody's child) */
	uint32_t next_sibling;
	int32_t id;		/* -1 until sent */
	uint32_t nkeys;
	uint32_t last_child;	/* the child last walked to: tried first */
};

/* Symbol ids of kept strings (pd_kv_name()), by the string's address. */
#define PD_KEPT_SLOTS 256

struct pd_writer {
	uint8_t *buf;
	size_t len;
	size_t cap;
	int failed;		/* out of memory (or too deep): the output is incomplete */
	struct pd_shape *shapes;
	size_t nshapes;
	size_t shapes_cap;
	uint32_t next_shape_id;
	uint32_t open[PD_MAX_DEPTH];	/* each open object's shape so far */
	int depth;
	struct pd_table syms;
	struct { const char *s; uint32_t id; } kept[PD_KEPT_SLOTS];
};

void pd_init(struct pd_writer *w);
void pd_free(struct pd_writer *w);
/* Empties the buffer for the next batch; shapes and symbols stay known. */
void pd_take(struct pd_writer *w);

void pd_begin_object(struct pd_writer *w);
void pd_end_object(struct pd_writer *w);
void pd_begin_array(struct pd_writer *w);
void pd_end_array(struct pd_writer *w);
/*
 * Names the next value of the current object. Keys are plain ASCII names
 * that stay valid, unchanged, for the writer's life (literals, or names kept
 * like object_export.c's enum_name()): shapes are found by their address.
 */
void pd_key(struct pd_writer *w, const char *key);

void pd_str(struct pd_writer *w, const char *s);
/* A string from a small set (enumeration names): sent once per stream. */
void pd_sym(struct pd_writer *w, const char *s);
void pd_int(struct pd_writer *w, int64_t v);
void pd_uint(struct pd_writer *w, uint64_t v);
void pd_bool(struct pd_writer *w, int v);

/* key: value; the string forms skip the field when the value is NULL. */
void pd_kv_str(struct pd_writer *w, const char *key, const char *s);
void pd_kv_sym(struct pd_writer *w, const char *key, const char *s);
/*
 * pd_kv_sym() for a name that stays valid, unchanged, for the writer's life,
 * as keys do: its id is then found by its address, without hashing its text.
 */
void pd_kv_name(struct pd_writer *w, const char *key, const char *s);
void pd_kv_int(struct pd_writer *w, const char *key, int64_t v);
void pd_kv_uint(struct pd_writer *w, const char *key, uint64_t v);
void pd_kv_bool(struct pd_writer *w, const char *key, int v);
/* An nl_addr as libnl prints it (nl_addr2str); skipped when NULL. */
void pd_kv_addr(struct pd_writer *w, const char *key, struct nl_addr *a);
/* libnl's comma-separated flag names (…2str output) as an array of symbols. */
void pd_kv_names(struct pd_writer *w, const char *key, const char *list);

#endif
