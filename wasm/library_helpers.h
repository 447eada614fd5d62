/*
 * library_helpers.h - exports of libnl.wasm besides libnl's functions
 * (see library_helpers.c), bound by the TypeScript runtime.
 */
#ifndef NLWASM_LIBRARY_HELPERS_H
#define NLWASM_LIBRARY_HELPERS_H

#include <stdio.h>

struct nl_cache;
struct nl_object;
struct nl_dump_params;

FILE *nlwasm_stream_open(void);
const char *nlwasm_stream_text(FILE *f);
void nlwasm_stream_close(FILE *f);
FILE *nlwasm_stdout(void);
FILE *nlwasm_stderr(void);

struct nl_dump_params *nlwasm_dump_params_new(int type);
const char *nlwasm_dump_params_text(struct nl_dump_params *p);
void nlwasm_dump_params_free(struct nl_dump_params *p);

char *nlwasm_cache_dump_text(struct nl_cache *cache, int type);
struct nl_sock;
int nlwasm_socket_set_ext_ack(struct nl_sock *sk, int on);
char *nlwasm_object_dump_text(struct nl_object *obj, int type);

#endif
