/*
 * abi_layout.c - the structures the host translates, as the compilers lay
 * them out
 *
 * Never linked into anything: ts/gen/abi_layout.ts compiles it to assembly
 * for wasm32 (this project's emscripten sysroot) and for x86_64 (the host's
 * C library), reads every layout_* constant back and writes
 * ts/host/generated/abi_layout.ts, where the host's translation of these
 * structures takes every size and offset from.
 *
 * LAYOUT_FIELD gives a field's offset and size (the host reads 4- or
 * 8-byte words by it); LAYOUT_SIZE a structure's size.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

#define LAYOUT(name, value) const unsigned long layout_##name = (value);
#define LAYOUT_SIZE(type) LAYOUT(type##__size, sizeof(struct type))
#define LAYOUT_FIELD(type, field)                                      \
	LAYOUT(type##_##field##__offset, offsetof(struct type, field)) \
	LAYOUT(type##_##field##__size, sizeof(((struct type *)0)->field))

LAYOUT_SIZE(msghdr)
LAYOUT_FIELD(msghdr, msg_name)
LAYOUT_FIELD(msghdr, msg_namelen)
LAYOUT_FIELD(msghdr, msg_iov)
LAYOUT_FIELD(msghdr, msg_iovlen)
LAYOUT_FIELD(msghdr, msg_control)
LAYOUT_FIELD(msghdr, msg_controllen)
LAYOUT_FIELD(msghdr, msg_flags)

LAYOUT_SIZE(iovec)
LAYOUT_FIELD(iovec, iov_base)
LAYOUT_FIELD(iovec, iov_len)

LAYOUT_SIZE(cmsghdr)
LAYOUT_FIELD(cmsghdr, cmsg_len)
LAYOUT_FIELD(cmsghdr, cmsg_level)
LAYOUT_FIELD(cmsghdr, cmsg_type)
/* Where a message's data starts and how messages are aligned. */
LAYOUT(cmsg_data__offset, CMSG_LEN(0))
LAYOUT(cmsg_align__size, CMSG_ALIGN(1))

LAYOUT_SIZE(timeval)
LAYOUT_FIELD(timeval, tv_sec)
LAYOUT_FIELD(timeval, tv_usec)

LAYOUT_SIZE(timespec)
LAYOUT_FIELD(timespec, tv_sec)
LAYOUT_FIELD(timespec, tv_nsec)

LAYOUT_SIZE(pollfd)
LAYOUT_FIELD(pollfd, fd)
LAYOUT_FIELD(pollfd, events)
LAYOUT_FIELD(pollfd, revents)
