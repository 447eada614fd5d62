/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libnl_writes.c - native libnl changing the kernel one request at a time,
 * each awaiting its ack: the reference of `npm run bench -- --scenarios
 * writes` (bench/writes/run.ts), which every other contender's time is
 * divided by.
 *
 * Reads commands on stdin (bench/writes/protocol.ts):
 *   route-add FIRST COUNT IFINDEX   /32 routes via 192.0.2.2 on IFINDEX
 *   route-del FIRST COUNT IFINDEX   the same routes, deleted
 *   veth-add FIRST COUNT 0          veth pairs bwa<i> / bwb<i>
 * and answers {"done":N,"ns":T} after each. Route i is 10.64.0.0 + i
 * (bench/writes/ops.ts defines the numbering for every contender).
 *
 * Per route, the libnl calls a C program makes (and the Libnl.spawn()
 * contender makes through the 1:1 API, bench/writes/spawn.ts):
 * rtnl_route_alloc, nl_addr_parse, rtnl_route_set_dst, nl_addr_put,
 * rtnl_route_set_table, rtnl_route_nh_alloc, rtnl_route_nh_set_gateway,
 * rtnl_route_nh_set_ifindex, rtnl_route_add_nexthop, rtnl_route_add (or
 * rtnl_route_delete), rtnl_route_put.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Route i's destination, 10.64.0.0 + i, in the text every contender parses. */
static void route_dst(unsigned i, char *buf, size_t size)
{
	snprintf(buf, size, "10.%u.%u.%u/32", 64 + (i >> 16), (i >> 8) & 255, i & 255);
}

static int route_op(struct nl_sock *sk, struct nl_addr *gw, unsigned i, int ifindex, int add)
{
	struct rtnl_route *route;
	struct rtnl_nexthop *nh;
	struct nl_addr *dst;
	char text[32];
	int err;

	route = rtnl_route_alloc();
	route_dst(i, text, sizeof(text));
	if (!route || (err = nl_addr_parse(text, AF_INET, &dst)) < 0)
		return route ? err : -NLE_NOMEM;
	rtnl_route_set_dst(route, dst);
	nl_addr_put(dst);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	if (!(nh = rtnl_route_nh_alloc())) {
		rtnl_route_put(route);
		return -NLE_NOMEM;
	}
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(route, nh);
	err = add ? rtnl_route_add(sk, route, NLM_F_EXCL) : rtnl_route_delete(sk, route, 0);
	rtnl_route_put(route);
	return err;
}

static int veth_add(struct nl_sock *sk, unsigned i)
{
	struct rtnl_link *link, *peer;
	char name[16];	/* IFNAMSIZ */
	int err;

	if (!(link = rtnl_link_veth_alloc()))
		return -NLE_NOMEM;
	snprintf(name, sizeof(name), "bwa%u", i);
	rtnl_link_set_name(link, name);
	peer = rtnl_link_veth_get_peer(link);
	snprintf(name, sizeof(name), "bwb%u", i);
	rtnl_link_set_name(peer, name);
	rtnl_link_put(peer);
	err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_veth_release(link);
	return err;
}

int main(void)
{
	struct nl_addr *gw;
	struct nl_sock *sk;
	char line[128];
	int err;

	sk = nl_socket_alloc();
	if (!sk || (err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		fprintf(stderr, "libnl-writes: cannot connect: %s\n",
			sk ? nl_geterror(err) : "out of memory");
		return 1;
	}
	if ((err = nl_addr_parse("192.0.2.2", AF_INET, &gw)) < 0) {
		fprintf(stderr, "libnl-writes: %s\n", nl_geterror(err));
		return 1;
	}

	while (fgets(line, sizeof(line), stdin)) {
		char op[16];
		unsigned first, count, i;
		int ifindex;
		uint64_t t0, dt;

		if (sscanf(line, "%15s %u %u %d", op, &first, &count, &ifindex) != 4) {
			fprintf(stderr, "libnl-writes: bad command %s", line);
			return 1;
		}
		t0 = now_ns();
		for (i = 0; i < count; i++) {
			if (!strcmp(op, "route-add"))
				err = route_op(sk, gw, first + i, ifindex, 1);
			else if (!strcmp(op, "route-del"))
				err = route_op(sk, gw, first + i, ifindex, 0);
			else if (!strcmp(op, "veth-add"))
				err = veth_add(sk, first + i);
			else {
				fprintf(stderr, "libnl-writes: unknown command %s", line);
				return 1;
			}
			/* Counted as not done; the runner compares with the kernel's count. */
			if (err < 0) {
				fprintf(stderr, "libnl-writes: %s %u: %s\n", op, first + i, nl_geterror(err));
				break;
			}
		}
		dt = now_ns() - t0;
		printf("{\"done\":%u,\"ns\":%llu}\n", i, (unsigned long long) dt);
		fflush(stdout);
	}

	nl_addr_put(gw);
	nl_socket_free(sk);
	return 0;
}
