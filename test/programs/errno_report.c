/*
 * errno_report.c - the errno numbers and texts a program sees, from libc
 * and from a raw netlink request, compared between the native and the wasm
 * build (test/kernel/c_programs.test.ts).
 *
 * Sends RTM_DELLINK for an interface index nobody has, reads the kernel's
 * struct nlmsgerr itself, as netlink tutorials do, and prints how it
 * compares with the E* macros and how strerror() and perror() name it;
 * then the texts of every Linux errno, and what libc calls leave in errno.
 * main() returns -ENOENT: a shell sees 254.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static int raw_request(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_DELLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 4242 },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e;
	ssize_t n;
	int fd;

	if ((fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) < 0) {
		perror("socket");
		return -1;
	}
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		perror("sendto");
		return -1;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*e)) || h->nlmsg_type != NLMSG_ERROR) {
		printf("no NLMSG_ERROR reply\n");
		return -1;
	}
	e = NLMSG_DATA(h);
	printf("nlmsgerr.error %d, -ENODEV %d: %s\n", e->error, -ENODEV,
	       e->error == -ENODEV ? "equal" : "different");
	printf("strerror(%d): %s\n", -e->error, strerror(-e->error));
	errno = -e->error;
	perror("perror");
	return 0;
}

int main(void)
{
	char buf[1];
	int e;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (raw_request() < 0)
		return 1;

	printf("EPERM %d ENOENT %d EAGAIN %d EEXIST %d ENODEV %d EINVAL %d EBUSY %d\n",
	       EPERM, ENOENT, EAGAIN, EEXIST, ENODEV, EINVAL, EBUSY);
	printf("EADDRINUSE %d ENOBUFS %d EOPNOTSUPP %d ENOTSUP %d ETIMEDOUT %d EHWPOISON %d\n",
	       EADDRINUSE, ENOBUFS, EOPNOTSUPP, ENOTSUP, ETIMEDOUT, EHWPOISON);
	for (e = -1; e <= 140; e++)
		printf("%d %s\n", e, strerror(e));

	errno = 0;
	if (recv(99, buf, 1, 0) < 0) {
		e = errno;
		printf("recv on a closed descriptor: %d %s\n", e, strerror(e));
	}
	errno = 0;
	if (!isatty(1)) {
		e = errno;
		printf("isatty on a pipe: %d\n", e);
	}
	return -ENOENT;
}
