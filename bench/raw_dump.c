/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * raw_dump.c - the floor of the benchmark: a netlink dump read with nothing
 * on top (no parsing, no objects), so every other contender is measured
 * against what the kernel and two system calls per datagram cost.
 *
 * A contender of bench/run.ts: reads "route" or "link" lines on stdin, for
 * each sends one RTM_GETROUTE (AF_INET) or RTM_GETLINK (AF_UNSPEC) dump
 * request and reads until NLMSG_DONE, then answers "<messages> <ns>".
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The kernel never builds a dump datagram larger than 32 KiB. */
#define RECV_BUF_SIZE (64 * 1024)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int send_dump_request(int fd, uint16_t type, uint8_t family, uint32_t seq)
{
	struct {
		struct nlmsghdr nlh;
		struct rtgenmsg g;
	} req;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = NLMSG_LENGTH(sizeof(req.g));
	req.nlh.nlmsg_type = type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = seq;
	req.g.rtgen_family = family;

	return send(fd, &req, req.nlh.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* Number of messages of type `want` in the dump, or -errno. */
static long read_dump(int fd, uint16_t want, uint32_t seq, char *buf)
{
	long count = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, RECV_BUF_SIZE, 0);
		struct nlmsghdr *h;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int) n;
		for (h = (struct nlmsghdr *) buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? e->error : -EPROTO;
			}
			if (h->nlmsg_type == want)
				count++;
		}
	}
}

int main(void)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	char line[64], *buf;
	uint32_t seq = 0;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *) &local, sizeof(local)) < 0) {
		perror("raw-dump: netlink socket");
		return 1;
	}
	buf = malloc(RECV_BUF_SIZE);
	if (!buf)
		return 1;

	while (fgets(line, sizeof(line), stdin)) {
		int route = !strncmp(line, "route", 5);
		uint64_t t0;
		long n;
		int err;

		if (!route && strncmp(line, "link", 4)) {
			fprintf(stderr, "raw-dump: unknown command %s", line);
			return 1;
		}
		t0 = now_ns();
		err = send_dump_request(fd, route ? RTM_GETROUTE : RTM_GETLINK,
					route ? AF_INET : AF_UNSPEC, ++seq);
		n = err < 0 ? err : read_dump(fd, route ? RTM_NEWROUTE : RTM_NEWLINK, seq, buf);
		if (n < 0) {
			fprintf(stderr, "raw-dump: %s\n", strerror((int) -n));
			return 1;
		}
		printf("%ld %llu\n", n, (unsigned long long) (now_ns() - t0));
		fflush(stdout);
	}

	free(buf);
	close(fd);
	return 0;
}
