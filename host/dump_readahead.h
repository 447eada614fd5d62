// dump_readahead.h - receiving a netlink dump ahead of the wasm parser
//
// The kernel builds a dump while its reader is inside recvmsg(2): each call
// copies one datagram out and fills the next. With libnl in wasm on the same
// thread, the kernel's work and libnl's parsing take turns. On a socket with
// read-ahead, a multipart reply that has begun is received by a thread of its
// own, up to its NLMSG_DONE (or error), into a short queue, while libnl
// parses what came before; recvmsg takes the datagrams from that queue with
// recvmsg(2)'s semantics. Anything else (requests' acks, notifications) is
// received directly, as without read-ahead.
#pragma once

#include <napi.h>

#include "netlink_socket.h"

namespace nlhost {

// Turns read-ahead on for fd. `owner` is the environment (thread) whose
// cleanup stops the reader if the socket was never closed.
int readahead_enable(int fd, napi_env owner);

// recvmsg for any socket: from the read-ahead queue when fd has one,
// otherwise socket_recvmsg(); same arguments and results.
long readahead_recvmsg(int fd, Message &m, int flags, bool block, int timeout_ms,
		       int wake_fd);

// poll for any sockets: socket_poll(), except that a socket with read-ahead
// datagrams queued is readable, and one whose reader is still receiving
// becomes readable when the reader queues the next.
int readahead_poll(struct pollfd *fds, size_t nfds, int timeout_ms, int wake_fd);

// Stops fd's reader and forgets its queue; call before closing fd.
void readahead_forget(int fd);

// Stops the readers of sockets enabled by `owner`, which is going away.
void readahead_forget_owner(napi_env owner);

}  // namespace nlhost
