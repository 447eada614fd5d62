/*
 * planted.c - a program whose native and wasm builds differ on purpose
 *
 * Built with -DPLANT, the WebAssembly build prints one different byte and
 * creates its bridge with a different MTU, so that `libnl-wasm compare` has
 * a difference to find; built without, both builds behave alike.
 */
#include <stdio.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#if defined(PLANT) && defined(__EMSCRIPTEN__)
#define MTU 1401
#else
#define MTU 1400
#endif

int main(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = rtnl_link_alloc();
	int err;

	if (!sk || !link || nl_connect(sk, NETLINK_ROUTE) < 0)
		return 2;
	rtnl_link_set_name(link, "pl0");
	rtnl_link_set_type(link, "bridge");
	rtnl_link_set_mtu(link, MTU);
	err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	printf("created pl0 mtu %d: %s\n", MTU, err ? nl_geterror(err) : "ok");
	rtnl_link_put(link);
	nl_socket_free(sk);
	return err ? 1 : 0;
}
