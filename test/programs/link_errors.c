/*
 * link_errors.c - error codes libnl returns for the same failures, to be
 * compared between the native and the wasm build (test/kernel/errors.test.ts).
 *
 * Usage: link_errors <bridge-name>
 * Creates a bridge twice and an address twice, printing each libnl result.
 */
#include <stdio.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

static void report(const char *what, int err)
{
	printf("%s: %d %s\n", what, err, err < 0 ? nl_geterror(err) : "ok");
}

int main(int argc, char **argv)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = rtnl_link_alloc();
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int i, err;

	if (argc != 2 || !sk || !link || !addr)
		return 2;
	report("connect", nl_connect(sk, NETLINK_ROUTE));

	rtnl_link_set_name(link, argv[1]);
	report("set_type", rtnl_link_set_type(link, "bridge"));
	for (i = 0; i < 2; i++)
		report("link_add", rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL));

	report("addr_parse", nl_addr_parse("10.99.0.1/24", AF_INET, &local));
	rtnl_addr_set_ifindex(addr, 1);
	rtnl_addr_set_local(addr, local);
	for (i = 0; i < 2; i++)
		report("addr_add", rtnl_addr_add(sk, addr, NLM_F_CREATE | NLM_F_EXCL));

	err = rtnl_link_delete(sk, link);
	report("link_delete", err);
	report("link_delete_again", rtnl_link_delete(sk, link));

	nl_addr_put(local);
	rtnl_addr_put(addr);
	rtnl_link_put(link);
	nl_socket_free(sk);
	return 0;
}
