/*
 * library_helpers.c - what the JavaScript bindings of libnl.wasm need
 * beyond libnl's own exports
 *
 * libnl prints through a FILE * (nl_dump_params.dp_fd, nl_msg_dump(),
 * ...). JavaScript has no FILE, so these give it memory streams: text
 * written to them is read back as a string. Exported from libnl.wasm next to
 * libnl's functions; the names start with nlwasm_ to stay apart from them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/cache.h>
#include <netlink/object.h>
#include <netlink/types.h>
#include <netlink/socket.h>

#include "library_helpers.h"

/* --- memory streams --------------------------------------------------------- */

/* Streams made by nlwasm_stream_open(), to find their buffers again. */
struct nlwasm_stream {
	FILE *file;
	char *buf;
	size_t len;
	struct nlwasm_stream *next;
};

static struct nlwasm_stream *streams;

static struct nlwasm_stream *find_stream(FILE *f, struct nlwasm_stream ***link)
{
	struct nlwasm_stream **l = &streams;

	for (; *l; l = &(*l)->next) {
		if ((*l)->file == f) {
			if (link)
				*link = l;
			return *l;
		}
	}
	return NULL;
}

/* A FILE * writing to memory, for any libnl function that prints to one. */
FILE *nlwasm_stream_open(void)
{
	struct nlwasm_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->file = open_memstream(&s->buf, &s->len);
	if (!s->file) {
		free(s);
		return NULL;
	}
	s->next = streams;
	streams = s;
	return s->file;
}

/* The text written so far, NUL-terminated; valid until the next write.
 * NULL when f is not a memory stream. */
const char *nlwasm_stream_text(FILE *f)
{
	struct nlwasm_stream *s = find_stream(f, NULL);

	if (!s)
		return NULL;
	fflush(s->file);
	return s->buf ? s->buf : "";
}

/* Closes a memory stream; other FILEs are left alone. */
void nlwasm_stream_close(FILE *f)
{
	struct nlwasm_stream **link, *s = find_stream(f, &link);

	if (!s)
		return;
	*link = s->next;
	fclose(s->file);
	free(s->buf);
	free(s);
}

/* The instance's standard output and error streams. */
FILE *nlwasm_stdout(void)
{
	return stdout;
}

FILE *nlwasm_stderr(void)
{
	return stderr;
}

/* --- dump parameters ---------------------------------------------------------- */

/* nl_dump_params printing into a new memory stream. */
struct nl_dump_params *nlwasm_dump_params_new(int type)
{
	struct nl_dump_params *p = calloc(1, sizeof(*p));
	FILE *f = nlwasm_stream_open();

	if (!p || !f) {
		free(p);
		if (f)
			nlwasm_stream_close(f);
		return NULL;
	}
	p->dp_type = type;
	p->dp_fd = f;
	return p;
}

const char *nlwasm_dump_params_text(struct nl_dump_params *p)
{
	return nlwasm_stream_text(p->dp_fd);
}

void nlwasm_dump_params_free(struct nl_dump_params *p)
{
	nlwasm_stream_close(p->dp_fd);
	free(p);
}

/* nl_cache_dump() / nl_object_dump() with a dump type, as a malloc()ed string. */
char *nlwasm_cache_dump_text(struct nl_cache *cache, int type)
{
	struct nl_dump_params *p = nlwasm_dump_params_new(type);
	char *text;

	if (!p)
		return NULL;
	nl_cache_dump(cache, p);
	text = strdup(nlwasm_dump_params_text(p));
	nlwasm_dump_params_free(p);
	return text;
}

char *nlwasm_object_dump_text(struct nl_object *obj, int type)
{
	struct nl_dump_params *p = nlwasm_dump_params_new(type);
	char *text;

	if (!p)
		return NULL;
	nl_object_dump(obj, p);
	text = strdup(nlwasm_dump_params_text(p));
	nlwasm_dump_params_free(p);
	return text;
}

/* --- sockets -------------------------------------------------------------------- */

/* NETLINK_EXT_ACK on a libnl socket: the kernel then explains its errors
 * (libnl 3.7.0 has no call for it). Returns 0 or -errno. */
int nlwasm_socket_set_ext_ack(struct nl_sock *sk, int on)
{
	int fd = nl_socket_get_fd(sk);

	if (fd < 0)
		return -EBADF;
	return setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof(on)) < 0 ? -errno : 0;
}
