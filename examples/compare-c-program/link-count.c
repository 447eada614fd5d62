/*
 * link-count.c - a small libnl program: counts the links of the current
 * network namespace and prints each one's name, MTU and state, as
 * rtnl_link_alloc_cache() sees them. Built twice by `libnl-wasm cc` (to
 * WebAssembly and natively) and run both ways by `libnl-wasm compare`.
 */
#include <stdio.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

static void print_link(struct nl_object *obj, void *arg)
{
	struct rtnl_link *link = (struct rtnl_link *)obj;
	int *count = arg;
	char flags[128];

	rtnl_link_flags2str(rtnl_link_get_flags(link), flags, sizeof(flags));
	printf("%s mtu %u <%s>\n", rtnl_link_get_name(link), rtnl_link_get_mtu(link), flags);
	(*count)++;
}

int main(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *links;
	int count = 0, err;

	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0 ||
	    (err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0) {
		fprintf(stderr, "link-count: %s\n", nl_geterror(err));
		nl_socket_free(sk);
		return 1;
	}
	nl_cache_foreach(links, print_link, &count);
	printf("%d links\n", count);
	nl_cache_free(links);
	nl_socket_free(sk);
	return 0;
}
