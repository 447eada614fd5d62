/*
 * plain_data.c - plain data in the compact binary form (plain_data.h)
 */
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/addr.h>

#include "plain_data.h"

/* --- the buffer ----------------------------------------------------------------- */

/* Room for n more bytes: where they go, or NULL (out of memory). */
static uint8_t *reserve(struct pd_writer *w, size_t n)
{
	if (w->failed)
		return NULL;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		uint8_t *b;

		while (cap < w->len + n)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->failed = 1;
			return NULL;
		}
		w->buf = b;
		w->cap = cap;
	}
	return w->buf + w->len;
}

/*
 * Pieces are a few bytes long, and in wasm a call to musl's memcpy costs
 * more than such a copy: short ones are copied by a loop (this file is built
 * with -fno-builtin-memcpy, so the compiler keeps it a loop).
 */
static void copy(uint8_t *d, const void *src, size_t n)
{
	const uint8_t *s = src;
	size_t i;

	if (n > 32) {
		memcpy(d, s, n);
		return;
	}
	for (i = 0; i < n; i++)
		d[i] = s[i];
}

static void put(struct pd_writer *w, const void *s, size_t n)
{
	uint8_t *d = reserve(w, n);

	if (!d)
		return;
	copy(d, s, n);
	w->len += n;
}

static void put_tag(struct pd_writer *w, enum pd_tag tag)
{
	uint8_t *d = reserve(w, 1);

	if (d) {
		*d = (uint8_t)tag;
		w->len++;
	}
}

static void put_u16(struct pd_writer *w, uint32_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put(w, b, 2);
}

static void put_u32(struct pd_writer *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(w, b, 4);
}

static void put_varint(struct pd_writer *w, size_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put(w, b, n);
}

/* --- interning symbols -------------------------------------------------------------- */

#define PD_MAX_IDS 65536

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static int grow_table(struct pd_table *t)
{
	size_t size = t->size ? t->size * 2 : 64, i;
	struct pd_entry *slots = calloc(size, sizeof(*slots));

	if (!slots)
		return -1;
	for (i = 0; i < t->size; i++) {
		struct pd_entry *e = &t->slots[i];
		size_t k;

		if (!e->bytes)
			continue;
		for (k = e->hash & (size - 1); slots[k].bytes; k = (k + 1) & (size - 1))
			;
		slots[k] = *e;
	}
	free(t->slots);
	t->slots = slots;
	t->size = size;
	return 0;
}

/*
 * The id of bytes s[0..n) in t; *added tells whether it is new. -1 when it
 * is new and the table is full (all ids given) or out of memory.
 */
static long intern(struct pd_table *t, const char *s, size_t n, int *added)
{
	uint32_t h = hash_bytes(s, n);
	struct pd_entry *e;
	size_t k;

	*added = 0;
	if ((t->used + 1) * 2 > t->size && t->used < PD_MAX_IDS && grow_table(t) < 0)
		return -1;
	for (k = h & (t->size - 1); t->slots[k].bytes; k = (k + 1) & (t->size - 1)) {
		e = &t->slots[k];
		if (e->hash == h && e->len == n && !memcmp(e->bytes, s, n))
			return e->id;
	}
	if (t->used >= PD_MAX_IDS)
		return -1;
	e = &t->slots[k];
	e->bytes = malloc(n ? n : 1);
	if (!e->bytes)
		return -1;
	memcpy(e->bytes, s, n);
	e->hash = h;
	e->len = (uint32_t)n;
	e->id = (uint32_t)t->used++;
	*added = 1;
	return e->id;
}

static void free_table(struct pd_table *t)
{
	size_t i;

	for (i = 0; i < t->size; i++)
		free(t->slots[i].bytes);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* --- the writer ------------------------------------------------------------------------ */

void pd_init(struct pd_writer *w)
{
	memset(w, 0, sizeof(*w));
}

void pd_free(struct pd_writer *w)
{
	free(w->buf);
	free(w->shapes);
	free_table(&w->syms);
	memset(w, 0, sizeof(*w));
}

void pd_take(struct pd_writer *w)
{
	w->len = 0;
}

/* The child of shape `parent` along `key`, made if new; 0 when out of memory. */
static uint32_t shape_child(struct pd_writer *w, uint32_t parent, const char *key)
{
	struct pd_shape *s;
	uint32_t c = w->shapes[parent].last_child;

	if (c && w->shapes[c].key == key)
		return c;
	for (c = w->shapes[parent].first_child; c; c = w->shapes[c].next_sibling)
		if (w->shapes[c].key == key)
			return w->shapes[parent].last_child = c;
	if (strlen(key) > 255 || w->shapes[parent].nkeys == 255)
		return 0;
	if (w->nshapes == w->shapes_cap) {
		size_t cap = w->shapes_cap * 2;

		s = realloc(w->shapes, cap * sizeof(*s));
		if (!s)
			return 0;
		w->shapes = s;
		w->shapes_cap = cap;
	}
	c = (uint32_t)w->nshapes++;
	s = &w->shapes[c];
	s->key = key;
	s->parent = parent;
	s->first_child = 0;
	s->last_child = 0;
	s->next_sibling = w->shapes[parent].first_child;
	s->id = -1;
	s->nkeys = w->shapes[parent].nkeys + 1;
	w->shapes[parent].first_child = c;
	w->shapes[parent].last_child = c;
	return c;
}

void pd_begin_object(struct pd_writer *w)
{
	if (!w->shapes) {
		w->shapes = calloc(64, sizeof(*w->shapes));
		if (!w->shapes) {
			w->failed = 1;
			return;
		}
		w->shapes_cap = 64;
		w->nshapes = 1;
		w->shapes[0].id = -1;
	}
	if (w->depth == PD_MAX_DEPTH) {
		w->failed = 1;
		return;
	}
	w->open[w->depth++] = 0;
	put_tag(w, PD_OBJECT);
}

/* A new shape's definition: its keys from the first, each as (u8 len, bytes). */
static void put_shape_keys(struct pd_writer *w, uint32_t shape)
{
	const char *keys[255];
	uint32_t n = w->shapes[shape].nkeys, i, s;

	for (s = shape, i = n; i > 0; s = w->shapes[s].parent)
		keys[--i] = w->shapes[s].key;
	put(w, &(uint8_t){ (uint8_t)n }, 1);
	for (i = 0; i < n; i++) {
		size_t len = strlen(keys[i]);

		put(w, &(uint8_t){ (uint8_t)len }, 1);
		put(w, keys[i], len);
	}
}

void pd_end_object(struct pd_writer *w)
{
	struct pd_shape *s;

	if (!w->depth || w->failed) {
		w->failed = 1;
		return;
	}
	s = &w->shapes[w->open[--w->depth]];
	if (s->id >= 0) {
		put_tag(w, PD_END_OBJECT);
		put_u16(w, (uint32_t)s->id);
		return;
	}
	if (w->next_shape_id == PD_MAX_IDS) {
		w->failed = 1;
		return;
	}
	s->id = (int32_t)w->next_shape_id++;
	put_tag(w, PD_NEW_SHAPE);
	put_u16(w, (uint32_t)s->id);
	put_shape_keys(w, w->open[w->depth]);
}

void pd_begin_array(struct pd_writer *w)
{
	put_tag(w, PD_ARRAY);
}

void pd_end_array(struct pd_writer *w)
{
	put_tag(w, PD_END_ARRAY);
}

void pd_key(struct pd_writer *w, const char *key)
{
	uint32_t c;

	if (!w->depth || w->failed) {
		w->failed = 1;
		return;
	}
	c = shape_child(w, w->open[w->depth - 1], key);
	if (!c)
		w->failed = 1;
	else
		w->open[w->depth - 1] = c;
}

static void put_string(struct pd_writer *w, const char *s, size_t n)
{
	put_tag(w, PD_STR);
	put_varint(w, n);
	put(w, s, n);
}

void pd_str(struct pd_writer *w, const char *s)
{
	put_string(w, s, strlen(s));
}

/* Returns the symbol's id, or -1 when it went as a plain string. */
static long put_sym(struct pd_writer *w, const char *s, size_t n)
{
	int added;
	long id = intern(&w->syms, s, n, &added);

	if (id < 0) {
		put_string(w, s, n);
		return -1;
	}
	put_tag(w, added ? PD_SYM_DEF : PD_SYM);
	put_u16(w, (uint32_t)id);
	if (added) {
		put_varint(w, n);
		put(w, s, n);
	}
	return id;
}

void pd_sym(struct pd_writer *w, const char *s)
{
	put_sym(w, s, strlen(s));
}

static void put_kept_sym(struct pd_writer *w, const char *s)
{
	size_t slot = ((uintptr_t)s >> 2) % PD_KEPT_SLOTS;
	long id;

	if (w->kept[slot].s == s) {
		put_tag(w, PD_SYM);
		put_u16(w, w->kept[slot].id);
		return;
	}
	/* Once put, defined or not before, the name is defined for the stream's rest. */
	id = put_sym(w, s, strlen(s));
	if (id >= 0) {
		w->kept[slot].s = s;
		w->kept[slot].id = (uint32_t)id;
	}
}

static void put_f64(struct pd_writer *w, double v)
{
	put_tag(w, PD_F64);
	put(w, &v, sizeof(v));
}

void pd_uint(struct pd_writer *w, uint64_t v)
{
	if (v <= 0xff) {
		uint8_t b[2] = { PD_U8, (uint8_t)v };

		put(w, b, 2);
	} else if (v <= 0xffffffffu) {
		put_tag(w, PD_U32);
		put_u32(w, (uint32_t)v);
	} else {
		put_f64(w, (double)v);
	}
}

void pd_int(struct pd_writer *w, int64_t v)
{
	if (v >= 0) {
		pd_uint(w, (uint64_t)v);
	} else if (v >= INT32_MIN) {
		put_tag(w, PD_I32);
		put_u32(w, (uint32_t)(int32_t)v);
	} else {
		put_f64(w, (double)v);
	}
}

void pd_bool(struct pd_writer *w, int v)
{
	put_tag(w, v ? PD_TRUE : PD_FALSE);
}

/* --- key: value -------------------------------------------------------------------------- */

void pd_kv_str(struct pd_writer *w, const char *key, const char *s)
{
	if (!s)
		return;
	pd_key(w, key);
	pd_str(w, s);
}

void pd_kv_sym(struct pd_writer *w, const char *key, const char *s)
{
	if (!s)
		return;
	pd_key(w, key);
	pd_sym(w, s);
}

void pd_kv_name(struct pd_writer *w, const char *key, const char *s)
{
	if (!s)
		return;
	pd_key(w, key);
	put_kept_sym(w, s);
}

void pd_kv_int(struct pd_writer *w, const char *key, int64_t v)
{
	pd_key(w, key);
	pd_int(w, v);
}

void pd_kv_uint(struct pd_writer *w, const char *key, uint64_t v)
{
	pd_key(w, key);
	pd_uint(w, v);
}

void pd_kv_bool(struct pd_writer *w, const char *key, int v)
{
	pd_key(w, key);
	pd_bool(w, v);
}

/* Decimal digits of v, written backwards ending at `end`; returns the first. */
static char *decimal(char *end, unsigned int v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
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

void pd_kv_addr(struct pd_writer *w, const char *key, struct nl_addr *a)
{
	char buf[128];

	if (!a)
		return;
	pd_key(w, key);
	if (nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4)
		put_string(w, buf, inet4_str(buf, nl_addr_get_binary_addr(a), nl_addr_get_prefixlen(a)));
	else
		pd_str(w, nl_addr2str(a, buf, sizeof(buf)));
}

void pd_kv_names(struct pd_writer *w, const char *key, const char *list)
{
	const char *p = list, *comma;

	pd_key(w, key);
	pd_begin_array(w);
	while (p && *p) {
		comma = strchr(p, ',');
		if (comma != p)
			put_sym(w, p, comma ? (size_t)(comma - p) : strlen(p));
		p = comma ? comma + 1 : NULL;
	}
	pd_end_array(w);
}
