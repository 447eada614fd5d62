/*
 * request_io.c - the typed client's requests on the wire
 *
 * The typed client (ts/api/request_pipeline.ts) builds each request with
 * libnl's *_build_*_request() functions, as libnl's own *_add() and
 * *_delete() do, but sends many of them in one datagram and reads their
 * acknowledgements back in bulk, as routing daemons and `ip -batch` keep
 * many requests in flight. These are the few socket operations that needs
 * which libnl has no call for.
 */
#include <errno.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink-private/netlink.h>
#include <netlink/errno.h>
#include <netlink/socket.h>

#include "request_io.h"

/*
 * Receive and send buffers of at least the given sizes: the kernel queues
 * the acknowledgement of every request of a datagram before sendmsg()
 * returns, so the receive buffer bounds how many may be in flight. As root
 * the *BUFFORCE options go past net.core.rmem_max; otherwise the plain ones
 * are capped by it. Returns the receive buffer's size as the kernel
 * accounts it, or a negative NLE_* code.
 */
int nlwasm_socket_set_buffers(struct nl_sock *sk, int rcvbuf, int sndbuf)
{
	int fd = nl_socket_get_fd(sk);
	socklen_t len = sizeof(rcvbuf);

	if (fd < 0)
		return -NLE_BAD_SOCK;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) < 0)
		return -nl_syserr2nlerr(errno);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0)
		return -nl_syserr2nlerr(errno);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len) < 0)
		return -nl_syserr2nlerr(errno);
	return rcvbuf;
}

/*
 * One datagram into buf: its length, -NLE_AGAIN when none is queued and
 * `wait` is 0 (with `wait`, blocks as the socket does), -NLE_MSG_TRUNC when
 * it did not fit, -NLE_NOMEM when the kernel dropped messages because the
 * receive buffer was full (ENOBUFS), another negative NLE_* code otherwise.
 */
int nlwasm_recv_datagram(struct nl_sock *sk, void *buf, int len, int wait)
{
	int fd = nl_socket_get_fd(sk);
	ssize_t n;

	if (fd < 0)
		return -NLE_BAD_SOCK;
	do
		n = recv(fd, buf, len, MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -NLE_AGAIN : -nl_syserr2nlerr(errno);
	return n > len ? -NLE_MSG_TRUNC : (int)n;
}

/* The NLE_* code (negative) for the error of a struct nlmsgerr, a negative
 * errno (Linux's numbers are this libc's), as libnl's own receive path turns
 * it into one. */
int nlwasm_ack_error(int kernel_error)
{
	if (kernel_error >= 0)
		return 0;
	return -nl_syserr2nlerr(kernel_error);
}

/* Every request sent has been answered: libnl's own receive path (which
 * checks that an answer carries the sequence number it expects next) then
 * expects the next request's, as after its own nl_wait_for_ack(). */
void nlwasm_socket_answered(struct nl_sock *sk)
{
	sk->s_seq_expect = sk->s_seq_next;
}
