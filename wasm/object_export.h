/*
 * object_export.h - libnl objects as plain data for the typed client
 * (see object_export.c; the form is plain_data.h's); exported from libnl.wasm.
 */
#ifndef NLWASM_OBJECT_EXPORT_H
#define NLWASM_OBJECT_EXPORT_H

#include <stdint.h>

struct nl_object;
struct nl_sock;

/* Receives a batch: `count` objects, `len` bytes of one plain data stream
 * (a dump's batches continue each other), valid only during the call. */
typedef void (*nlwasm_emit_fn)(const uint8_t *batch, uint32_t len, uint32_t count, void *arg);

/* One object as a plain data stream of its own, after its length (u32):
 * malloc()ed, the caller frees it; NULL when out of memory. */
uint8_t *nlwasm_object_export(struct nl_object *obj);

/*
 * Dumps the kernel's objects of a cache type ("route/route", "route/link",
 * ...) through `sk`, parsing each message with libnl's parser and handing
 * them to `emit` in batches of about `batch_bytes`. `arg1`, `arg2` and
 * `flags` (NL_CACHE_AF_ITER) are what the corresponding *_alloc_cache()
 * puts in the cache (family, ifindex, parent, states, ...). Returns 0 or a
 * negative NLE_* code (-NLE_DUMP_INTR when the kernel interrupted the dump).
 */
int nlwasm_dump_export(struct nl_sock *sk, const char *cache_type, int arg1, int arg2,
		       unsigned int flags, nlwasm_emit_fn emit, void *arg,
		       uint32_t batch_bytes);

#endif
