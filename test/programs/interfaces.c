/*
 * interfaces.c - what the interface functions of the C library report in
 * this network namespace, every field, in order, and the errno each leaves
 * (test/kernel/c_programs.test.ts compares native and wasm).
 *
 * Usage: interfaces <name>... : also looks up each name (and its index).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void print_addr(const char *what, const struct sockaddr *sa)
{
	char text[INET6_ADDRSTRLEN];

	if (!sa) {
		printf(" %s -", what);
		return;
	}
	switch (sa->sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof(text));
		printf(" %s inet %s", what, text);
		break;
	case AF_INET6: {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, text, sizeof(text));
		printf(" %s inet6 %s scope %u", what, text, s6->sin6_scope_id);
		break;
	}
	case AF_PACKET: {
		const struct sockaddr_ll *ll = (const struct sockaddr_ll *)sa;
		int i;

		printf(" %s packet ifindex %d hatype %u halen %u proto %u", what, ll->sll_ifindex,
		       ll->sll_hatype, ll->sll_halen, ll->sll_protocol);
		for (i = 0; i < ll->sll_halen && i < 8; i++)
			printf("%c%02x", i ? ':' : ' ', ll->sll_addr[i]);
		break;
	}
	default:
		printf(" %s family %d", what, sa->sa_family);
	}
}

static void lookups(const char *name)
{
	char buf[IF_NAMESIZE] = "";
	unsigned index;
	char *r;
	int e;

	errno = 0;
	index = if_nametoindex(name);
	e = errno;
	printf("if_nametoindex(%s) = %u, errno %d\n", name, index, e);
	if (!index)
		return;
	errno = 0;
	r = if_indextoname(index, buf);
	e = errno;
	printf("if_indextoname(%u) = %s, errno %d\n", index, r ? r : "NULL", e);
}

int main(int argc, char **argv)
{
	struct if_nameindex *names, *n;
	struct ifaddrs *all, *a;
	char buf[IF_NAMESIZE];
	char *r;
	int i, e, ret;

	for (i = 1; i < argc; i++)
		lookups(argv[i]);
	lookups("nosuchdev0");
	lookups("a-name-longer-than-ifnamsiz");

	errno = 0;
	r = if_indextoname(0, buf);
	e = errno;
	printf("if_indextoname(0) = %s, errno %d\n", r ? r : "NULL", e);
	errno = 0;
	r = if_indextoname(31337, buf);
	e = errno;
	printf("if_indextoname(31337) = %s, errno %d\n", r ? r : "NULL", e);

	errno = 0;
	names = if_nameindex();
	e = errno;
	printf("if_nameindex: %s, errno %d\n", names ? "list" : "NULL", e);
	for (n = names; n && n->if_index; n++)
		printf("  %u %s\n", n->if_index, n->if_name);
	if_freenameindex(names);

	errno = 0;
	ret = getifaddrs(&all);
	e = errno;
	printf("getifaddrs = %d, errno %d\n", ret, e);
	for (a = all; ret == 0 && a; a = a->ifa_next) {
		printf("%s flags 0x%x", a->ifa_name ? a->ifa_name : "(no name)", a->ifa_flags);
		print_addr("addr", a->ifa_addr);
		print_addr("netmask", a->ifa_netmask);
		print_addr(a->ifa_flags & IFF_POINTOPOINT ? "dst" : "brd", a->ifa_broadaddr);
		printf(" data %s\n", a->ifa_data ? "yes" : "no");
	}
	if (ret == 0)
		freeifaddrs(all);
	return 0;
}
