/*
 * fault_preload.c - LD_PRELOAD shim that injects one fault into a native
 * program's recvmsg() or poll(), the way test/helpers/fault_host.ts does
 * for a wasm instance, so that both can be compared.
 *
 *   NLFAULT=CALL:N:KIND   the Nth call (from 1) of CALL (recvmsg, poll) gets
 *   KIND: EINTR, EAGAIN, ENOBUFS (fails with that errno without calling),
 *   TRUNC (recvmsg: the buffer looks 16 bytes long, the kernel truncates),
 *   DUMPINTR (recvmsg: NLM_F_DUMP_INTR set in the first message received),
 *   TIMEOUT (poll: returns 0 at once).
 *
 *   cc -shared -fPIC -o fault_preload.so fault_preload.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#define TRUNC_LEN 16

/* The fault for the `n`th call of `call`, or NULL. */
static const char *fault(const char *call, int n)
{
	static char kind[16];
	char name[16];
	int nth;
	const char *spec = getenv("NLFAULT");

	if (!spec || sscanf(spec, "%15[^:]:%d:%15s", name, &nth, kind) != 3)
		return NULL;
	return strcmp(name, call) == 0 && nth == n ? kind : NULL;
}

static int fail_with(const char *kind)
{
	if (strcmp(kind, "EINTR") == 0)
		errno = EINTR;
	else if (strcmp(kind, "EAGAIN") == 0)
		errno = EAGAIN;
	else if (strcmp(kind, "ENOBUFS") == 0)
		errno = ENOBUFS;
	else
		return 0;
	return 1;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	static int calls;
	const char *kind = fault("recvmsg", ++calls);
	size_t saved;
	ssize_t n;

	if (!real)
		real = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
	if (!kind)
		return real(fd, msg, flags);
	if (fail_with(kind))
		return -1;
	if (strcmp(kind, "TRUNC") == 0 && msg->msg_iovlen > 0) {
		saved = msg->msg_iov[0].iov_len;
		msg->msg_iov[0].iov_len = saved < TRUNC_LEN ? saved : TRUNC_LEN;
		n = real(fd, msg, flags);
		msg->msg_iov[0].iov_len = saved;
		return n;
	}
	n = real(fd, msg, flags);
	if (strcmp(kind, "DUMPINTR") == 0 && n >= (ssize_t)sizeof(struct nlmsghdr))
		((struct nlmsghdr *)msg->msg_iov[0].iov_base)->nlmsg_flags |= NLM_F_DUMP_INTR;
	return n;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	static int (*real)(struct pollfd *, nfds_t, int);
	static int calls;
	const char *kind = fault("poll", ++calls);
	nfds_t i;

	if (!real)
		real = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
	if (!kind)
		return real(fds, nfds, timeout);
	if (fail_with(kind))
		return -1;
	for (i = 0; i < nfds; i++)
		fds[i].revents = 0;
	return 0;
}
