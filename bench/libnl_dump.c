/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libnl_dump.c - native libnl filling a cache, as a contender of
 * bench/run.ts. Built twice from this file: against our build of libnl
 * (libnl-dump) and against the system's libnl-3/libnl-route-3
 * (libnl-dump-system), so the same code measures both.
 *
 * Reads "route" or "link" lines on stdin; for each fills a route cache
 * (rtnl_route_alloc_cache, AF_INET) or a link cache (rtnl_link_alloc_cache,
 * AF_UNSPEC) and answers "<items> <ns>"; freeing the cache is not timed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(void)
{
	struct nl_sock *sk;
	char line[64];
	int err;

	sk = nl_socket_alloc();
	if (!sk || (err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		fprintf(stderr, "libnl-dump: cannot connect: %s\n",
			sk ? nl_geterror(err) : "out of memory");
		return 1;
	}

	while (fgets(line, sizeof(line), stdin)) {
		struct nl_cache *cache = NULL;
		uint64_t t0, dt;
		int n;

		t0 = now_ns();
		if (!strncmp(line, "route", 5))
			err = rtnl_route_alloc_cache(sk, AF_INET, 0, &cache);
		else if (!strncmp(line, "link", 4))
			err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
		else {
			fprintf(stderr, "libnl-dump: unknown command %s", line);
			return 1;
		}
		if (err < 0) {
			fprintf(stderr, "libnl-dump: %s\n", nl_geterror(err));
			return 1;
		}
		n = nl_cache_nitems(cache);
		dt = now_ns() - t0;
		nl_cache_free(cache);
		printf("%d %llu\n", n, (unsigned long long) dt);
		fflush(stdout);
	}

	nl_socket_free(sk);
	return 0;
}
