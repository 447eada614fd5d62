/*
 * nltrace_preload.c - records the netlink traffic of a native program
 *
 * The native half of `libnl-wasm compare --messages` (run.ts preloads it
 * into the native program; the wasm host traces the other side): an
 * LD_PRELOAD library, built with the native libnl (build/native/
 * libnltrace.so). It wraps the C library's send/receive calls and, for
 * AF_NETLINK sockets, appends every datagram sent or received (peeks
 * excluded) to the file named by NLTRACE_FILE, one JSON line each, in the
 * format the wasm host's trace uses:
 *   {"dir":"send","protocol":0,"data":"<hex>"}
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int trace_fd = -2;

static int trace_file(void)
{
	if (trace_fd == -2) {
		const char *path = getenv("NLTRACE_FILE");

		trace_fd = path ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;
	}
	return trace_fd;
}

/* Netlink protocol of a socket, or -1 when it is not a netlink socket. */
static int netlink_protocol(int fd)
{
	int domain = 0, proto = 0;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
		return -1;
	len = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) < 0)
		return -1;
	return proto;
}

static void record(const char *dir, int fd, const struct iovec *iov, size_t iovlen, ssize_t n)
{
	static const char hex[] = "0123456789abcdef";
	int out = trace_file(), proto, saved = errno;
	size_t i, k, left;
	char *line, *p;

	if (out < 0 || n <= 0 || (proto = netlink_protocol(fd)) < 0)
		goto done;
	line = malloc(64 + 2 * (size_t)n);
	if (!line)
		goto done;
	p = line + sprintf(line, "{\"dir\":\"%s\",\"protocol\":%d,\"data\":\"", dir, proto);
	for (i = 0, left = (size_t)n; i < iovlen && left; i++) {
		const unsigned char *b = iov[i].iov_base;
		size_t len = iov[i].iov_len < left ? iov[i].iov_len : left;

		for (k = 0; k < len; k++) {
			*p++ = hex[b[k] >> 4];
			*p++ = hex[b[k] & 15];
		}
		left -= len;
	}
	p += sprintf(p, "\"}\n");
	/* A trace that cannot be written is lost; the program goes on. */
	(void)!write(out, line, p - line);
	free(line);
done:
	errno = saved;
}

/* The C library's own function, found once. */
#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (!real_##name) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	REAL(sendmsg);
	ssize_t n = real_sendmsg(fd, msg, flags);

	record("send", fd, msg->msg_iov, msg->msg_iovlen, n);
	return n;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	REAL(sendto);
	ssize_t n = real_sendto(fd, buf, len, flags, to, tolen);
	struct iovec iov = { (void *)buf, len };

	record("send", fd, &iov, 1, n);
	return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	REAL(recvmsg);
	ssize_t n = real_recvmsg(fd, msg, flags);

	if (!(flags & MSG_PEEK))
		record("recv", fd, msg->msg_iov, msg->msg_iovlen, n);
	return n;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen)
{
	REAL(recvfrom);
	ssize_t n = real_recvfrom(fd, buf, len, flags, from, fromlen);
	struct iovec iov = { buf, len };

	if (!(flags & MSG_PEEK))
		record("recv", fd, &iov, 1, n);
	return n;
}
