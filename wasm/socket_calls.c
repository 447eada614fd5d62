/*
 * socket_calls.c - the libc socket API, carried out by the host
 *
 * emscripten's libc implements sockets on top of WebSockets (or not at all:
 * setsockopt is a stub that fails with ENOPROTOOPT). libnl needs real netlink
 * sockets, so the socket functions it calls are defined here and forwarded to
 * the nlhost imports (nlhost.h).
 *
 * A socket gets an ordinary libc file descriptor: we reserve one by opening
 * /dev/null, so socket and file descriptors share one number space, small
 * like native ones, and close()/fcntl()/poll() can tell them apart. The
 * descriptor maps to the host's handle for that socket.
 */
#define _GNU_SOURCE /* unshare() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

#include "nlhost.h"
#include "signals.h"

/* The host reports failures as -errno in Linux numbering, and this libc must
 * number errno the same way (vendor/emscripten/linux_errno_sysroot.py). */
_Static_assert(ENOENT == 2 && EEXIST == 17 && EAGAIN == 11 && EINVAL == 22 && ENOBUFS == 105,
	       "compiled against emscripten's WASI errno numbers: run vendor/bootstrap.sh");

/* emscripten's own syscall entry points, used for descriptors that are not
 * sockets (files). Their results are -errno in this libc's numbering. */
long __syscall_fcntl64(long fd, long cmd, ...);
long __syscall_poll(long fds, long nfds, long timeout);

/* --- descriptor table ------------------------------------------------------ */

/* host_handle[fd] + 1, so that a zeroed entry means "not a socket". */
static int32_t *handle_plus_one;
static size_t table_size;

static int32_t host_handle(int fd)
{
	if (fd < 0 || (size_t)fd >= table_size)
		return -1;
	return handle_plus_one[fd] - 1;
}

/* The host's handle for a socket descriptor, or -1: for a host that waits
 * on many of the instance's sockets at once (the typed client's event
 * worker polls every cache manager's socket in one poll(2)). */
int32_t nlwasm_socket_host_handle(int fd)
{
	return host_handle(fd);
}

static int remember_socket(int fd, int32_t handle)
{
	if ((size_t)fd >= table_size) {
		size_t n = table_size ? table_size : 16;
		int32_t *t;

		while (n <= (size_t)fd)
			n *= 2;
		t = realloc(handle_plus_one, n * sizeof(*t));
		if (!t)
			return -1;
		memset(t + table_size, 0, (n - table_size) * sizeof(*t));
		handle_plus_one = t;
		table_size = n;
	}
	handle_plus_one[fd] = handle + 1;
	return 0;
}

/* Host results are -errno on failure. */
static long host_result(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

/* What a socket call on a descriptor that is not a socket fails with. */
static int not_a_socket(int fd)
{
	return fd < 0 || __syscall_fcntl64(fd, F_GETFD) < 0 ? EBADF : ENOTSOCK;
}

#define SOCKET_HANDLE_OR_FAIL(fd, h)         \
	int32_t h = host_handle(fd);         \
	if (h < 0) {                         \
		errno = not_a_socket(fd);    \
		return -1;                   \
	}

/* --- creation and teardown ------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
	int32_t h = nlhost_sock_open(domain, type, protocol);
	int fd;

	if (h < 0)
		return host_result(h);

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || remember_socket(fd, h) < 0) {
		int err = fd < 0 ? errno : ENOMEM;

		if (fd >= 0)
			(void)__wasi_fd_close(fd);
		nlhost_sock_close(h);
		errno = err;
		return -1;
	}
	return fd;
}

int close(int fd)
{
	int32_t h = host_handle(fd);
	int r;

	if (h >= 0) {
		handle_plus_one[fd] = 0;
		(void)__wasi_fd_close(fd);
		return host_result(nlhost_sock_close(h));
	}

	r = __wasi_fd_close(fd);
	if (r == EINPROGRESS)
		r = 0;
	if (r) {
		errno = r;
		return -1;
	}
	return 0;
}

int unshare(int flags)
{
	return host_result(nlhost_netns_unshare(flags));
}

/* --- addressing ------------------------------------------------------------ */

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_bind(h, addr, len));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_connect(h, addr, len));
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_getsockname(h, addr, len));
}

/* --- options --------------------------------------------------------------- */

int getsockopt(int fd, int level, int name, void *restrict value,
	       socklen_t *restrict len)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_getsockopt(h, level, name, value, len));
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_setsockopt(h, level, name, value, len));
}

/* --- data ------------------------------------------------------------------ */

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *addr, socklen_t addrlen)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_sendto(h, buf, len, flags, addr, addrlen));
}

/* A blocking receive that a signal interrupted restarts when every handler
 * that ran asked for it (SA_RESTART, which signal() sets), as on Linux. */
static int restart_after_signal(long r)
{
	return r == -EINTR && nlwasm_deliver_signals() != NLWASM_RAN;
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags,
		 struct sockaddr *restrict addr, socklen_t *restrict addrlen)
{
	long r;

	SOCKET_HANDLE_OR_FAIL(fd, h);
	do
		r = nlhost_sock_recvfrom(h, buf, len, flags, addr, addrlen);
	while (restart_after_signal(r));
	return host_result(r);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	SOCKET_HANDLE_OR_FAIL(fd, h);
	return host_result(nlhost_sock_sendmsg(h, msg, flags));
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	long r;

	SOCKET_HANDLE_OR_FAIL(fd, h);
	do
		r = nlhost_sock_recvmsg(h, msg, flags);
	while (restart_after_signal(r));
	return host_result(r);
}

/* --- descriptor control ---------------------------------------------------- */

int fcntl(int fd, int cmd, ...)
{
	int32_t h = host_handle(fd);
	long arg = 0;
	long r;

	if (cmd != F_GETFL && cmd != F_GETFD && cmd != F_GETOWN) {
		va_list ap;

		va_start(ap, cmd);
		arg = va_arg(ap, long);
		va_end(ap);
	}

	if (h >= 0) {
		switch (cmd) {
		case F_GETFL:
		case F_SETFL:
			return host_result(nlhost_sock_fcntl(h, cmd, (int32_t)arg));
		case F_GETFD:
			return FD_CLOEXEC;
		case F_SETFD:
			return 0;
		default:
			errno = EINVAL;
			return -1;
		}
	}

	if (cmd == F_SETFL)
		arg |= O_LARGEFILE;
	r = __syscall_fcntl64(fd, cmd, arg);
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return (int)r;
}

/*
 * Sockets are polled by the host, with a real timeout. Other descriptors
 * (files) never block, so when one of them is ready the sockets are only
 * checked, not waited for.
 */
static long poll_once(struct pollfd *fds, nfds_t n, int timeout)
{
	struct pollfd *hostfds;
	nfds_t i, sockets = 0;
	int ready_files = 0;
	long r;

	for (i = 0; i < n; i++)
		if (host_handle(fds[i].fd) >= 0)
			sockets++;

	if (sockets == 0)
		return __syscall_poll((long)fds, (long)n, (long)timeout);

	hostfds = calloc(n, sizeof(*hostfds));
	if (!hostfds)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		hostfds[i] = fds[i];
		hostfds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		if (host_handle(fds[i].fd) >= 0) {
			hostfds[i].fd = host_handle(fds[i].fd);
		} else {
			struct pollfd one = fds[i];

			one.revents = 0;
			if (__syscall_poll((long)&one, 1, 0) > 0 && one.revents)
				ready_files++;
			fds[i].revents = one.revents;
			hostfds[i].fd = -1;
		}
	}

	r = nlhost_sock_poll(hostfds, n, ready_files ? 0 : timeout);
	if (r >= 0) {
		for (i = 0; i < n; i++)
			if (hostfds[i].fd >= 0)
				fds[i].revents = hostfds[i].revents;
		r += ready_files;
	}
	free(hostfds);
	return r;
}

static long long us_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000000LL + (now.tv_nsec - start->tv_nsec) / 1000;
}

/* A signal whose handler runs ends the wait with EINTR, as on Linux (poll
 * never restarts); one that no handler takes does not end it. */
int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	struct timespec start;
	long r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long long left = timeout < 0 ? -1 : timeout - us_since(&start) / 1000;

		r = poll_once(fds, n, left < 0 && timeout >= 0 ? 0 : (int)left);
		if (r != -EINTR || nlwasm_deliver_signals() != NLWASM_NOTHING_RAN)
			return (int)host_result(r);
	}
}

/*
 * select() on top of poll(), so that sockets wait in the host with a real
 * timeout (libnl's monitor tools select() on their socket).
 */
int select(int n, fd_set *restrict rfds, fd_set *restrict wfds,
	   fd_set *restrict efds, struct timeval *restrict tv)
{
	struct pollfd *p;
	struct timespec start;
	int i, k = 0, r, timeout = -1;

	if (n < 0 || n > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	if (tv) {
		timeout = (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000);
		clock_gettime(CLOCK_MONOTONIC, &start);
	}

	p = calloc(n ? n : 1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < n; i++) {
		short ev = 0;

		if (rfds && FD_ISSET(i, rfds))
			ev |= POLLIN;
		if (wfds && FD_ISSET(i, wfds))
			ev |= POLLOUT;
		if (efds && FD_ISSET(i, efds))
			ev |= POLLPRI;
		if (ev) {
			p[k].fd = i;
			p[k].events = ev;
			k++;
		}
	}

	r = poll(p, k, timeout);
	if (tv) {
		/* Linux leaves the time not waited in *tv. */
		long long left = tv->tv_sec * 1000000LL + tv->tv_usec - us_since(&start);

		if (left < 0)
			left = 0;
		tv->tv_sec = (time_t)(left / 1000000);
		tv->tv_usec = (suseconds_t)(left % 1000000);
	}
	if (r >= 0) {
		r = 0;
		if (rfds)
			FD_ZERO(rfds);
		if (wfds)
			FD_ZERO(wfds);
		if (efds)
			FD_ZERO(efds);
		for (i = 0; i < k; i++) {
			if (rfds && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
				FD_SET(p[i].fd, rfds);
				r++;
			}
			if (wfds && (p[i].revents & (POLLOUT | POLLERR))) {
				FD_SET(p[i].fd, wfds);
				r++;
			}
			if (efds && (p[i].revents & POLLPRI)) {
				FD_SET(p[i].fd, efds);
				r++;
			}
		}
	}
	free(p);
	return r;
}
