/*
 * fault_dump.c - what libnl does when its socket calls fail: two link
 * dumps on one socket (the second shows whether the socket is still in
 * step after the first one's fault) and a cache manager poll with nothing
 * to report. Run natively under fault_preload.so and in wasm over a fault
 * host with the same NLFAULT, it must print the same lines
 * (test/kernel/faults.test.ts).
 */
#include <stdio.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>

static void dump(struct nl_sock *sk, const char *what)
{
	struct nl_cache *cache = NULL;
	int err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	printf("%s: %d %s, %d links\n", what, err, nl_geterror(err), cache ? nl_cache_nitems(cache) : -1);
	nl_cache_free(cache);
}

int main(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache_mngr *mngr = NULL;
	struct nl_cache *links = NULL;
	int err;

	setvbuf(stdout, NULL, _IONBF, 0);
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		printf("connect: %d %s\n", err, nl_geterror(err));
		return 1;
	}
	dump(sk, "dump");
	dump(sk, "again");
	nl_socket_free(sk);

	if ((err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE, &mngr)) < 0 ||
	    (err = nl_cache_mngr_add(mngr, "route/link", NULL, NULL, &links)) < 0) {
		printf("cache manager: %d %s\n", err, nl_geterror(err));
		return 1;
	}
	err = nl_cache_mngr_poll(mngr, 200);
	printf("poll: %d %s\n", err, err < 0 ? nl_geterror(err) : "(no error)");
	nl_cache_mngr_free(mngr);
	return 0;
}
