// netlink_socket.h - the netlink system calls the host performs for wasm
//
// Plain C++ over native (x86_64) layouts: every wasm32 structure has been
// translated by ts/host before it gets here. Every function returns the
// result of the system call, or -errno (Linux numbering) on failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <poll.h>
#include <sys/uio.h>

namespace nlhost {

// A socket that is not AF_NETLINK is refused with -EAFNOSUPPORT; netns_fd is
// a network namespace to create it in, or -1 for the calling thread's.
int socket_open(int family, int type, int protocol, int netns_fd);
int socket_close(int fd);

int socket_bind(int fd, const void *addr, uint32_t len);
int socket_connect(int fd, const void *addr, uint32_t len);
int socket_getsockname(int fd, void *addr, uint32_t *len);
int socket_getsockopt(int fd, int level, int name, void *value, uint32_t *len);
int socket_setsockopt(int fd, int level, int name, const void *value, uint32_t len);

struct Message {
	struct iovec *iov;
	size_t iovlen;
	void *name;         // sockaddr buffer or nullptr
	uint32_t namelen;   // in: buffer size; out (recv): address length
	void *control;      // native cmsg buffer or nullptr
	size_t controllen;  // in: buffer size; out (recv): bytes used
	int flags;          // out (recv): msg_flags
};

long socket_sendmsg(int fd, Message &m, int flags);

// Receives like recvmsg(2). When `block` is set and nothing is queued, waits
// until data arrives, `timeout_ms` passes (-1: forever; then -EAGAIN, as
// SO_RCVTIMEO does), or `wake_fd` becomes readable (then -ECANCELED).
long socket_recvmsg(int fd, Message &m, int flags, bool block, int timeout_ms,
		    int wake_fd);

// CLOCK_MONOTONIC in milliseconds, for deadlines.
long monotonic_ms();

// Waits for `events` on fd, or for wake_fd (if >= 0). 0 when fd is ready,
// -EAGAIN on timeout (-1: none), -ECANCELED when woken, -errno on failure.
int wait_ready(int fd, short events, int timeout_ms, int wake_fd);

// poll(2) over `fds`; `wake_fd` (if >= 0) interrupts the wait with -ECANCELED.
int socket_poll(struct pollfd *fds, size_t nfds, int timeout_ms, int wake_fd);

int socket_get_flags(int fd);
int socket_set_nonblocking(int fd, bool nonblocking);

}  // namespace nlhost
