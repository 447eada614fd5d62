/*
 * interfaces.c - the network interface functions, answered over netlink
 *
 * musl asks the kernel with ioctls on an AF_UNIX socket (if_nametoindex,
 * if_indextoname), which an instance cannot open, and lists interfaces and
 * addresses differently from glibc (if_nameindex adds address labels,
 * getifaddrs lays entries out its own way). These ask the kernel of the
 * program's network namespace over NETLINK_ROUTE and answer as glibc does:
 * the same entries in the same order, the same fields, the same errno on
 * failure, and errno untouched on success.
 *
 *   if_nametoindex, if_indextoname    one RTM_GETLINK, by name or index
 *   if_nameindex, if_freenameindex    an RTM_GETLINK dump
 *   getifaddrs, freeifaddrs           RTM_GETLINK then RTM_GETADDR dumps
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "nlhost.h"

/* Big enough for any one link's RTM_NEWLINK. */
#define REPLY_BUFFER 65536

/* --- talking to the kernel --------------------------------------------------- */

struct request {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[RTA_SPACE(IFNAMSIZ)];
};

typedef int (*message_fn)(const struct nlmsghdr *h, void *arg);

static int open_route_socket(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | NLHOST_SOCK_LIBC, NETLINK_ROUTE);
}

/*
 * Sends `req` and hands each reply message to `fn` until the kernel is done
 * (NLMSG_DONE for a dump, the one answer otherwise). Returns 0, or -1 with
 * errno set: the kernel's error for an NLMSG_ERROR, or the socket's.
 */
static int ask(int fd, struct nlmsghdr *req, message_fn fn, void *arg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int dump = req->nlmsg_flags & NLM_F_DUMP;
	char *buf;
	ssize_t n;

	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	if (!(buf = malloc(REPLY_BUFFER)))
		return -1;
	for (;;) {
		struct nlmsghdr *h;

		do
			n = recv(fd, buf, REPLY_BUFFER, 0);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			break;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (e->error) {
					free(buf);
					errno = -e->error;
					return -1;
				}
				goto done;
			}
			if (fn(h, arg) < 0) {
				free(buf);
				return -1;
			}
			if (!dump)
				goto done;
		}
	}
done:
	free(buf);
	return n < 0 ? -1 : 0;
}

static void init_request(struct request *r, int flags)
{
	static uint32_t seq;

	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(r->ifi));
	r->nh.nlmsg_type = RTM_GETLINK;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->nh.nlmsg_seq = ++seq;
}

/* A dump of every link or address, asked for as glibc asks (AF_UNSPEC). */
static int dump(int fd, int type, message_fn fn, void *arg)
{
	struct {
		struct nlmsghdr nh;
		struct rtgenmsg g;
	} d;
	struct request r;

	init_request(&r, NLM_F_DUMP);
	memset(&d, 0, sizeof(d));
	d.nh = r.nh;
	d.nh.nlmsg_len = sizeof(d);
	d.nh.nlmsg_type = type;
	d.g.rtgen_family = AF_UNSPEC;
	return ask(fd, &d.nh, fn, arg);
}

/* The attributes of a link message, by type; absent ones are NULL. */
static void link_attrs(const struct nlmsghdr *h, const struct rtattr *tb[IFLA_MAX + 1])
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a = IFLA_RTA(ifi);
	int len = IFLA_PAYLOAD(h);

	memset(tb, 0, sizeof(*tb) * (IFLA_MAX + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type <= IFLA_MAX)
			tb[a->rta_type] = a;
}

/* --- names and indexes of single interfaces ------------------------------------ */

struct one_link {
	unsigned index;
	char *name;
};

static int take_link(const struct nlmsghdr *h, void *arg)
{
	struct one_link *l = arg;
	const struct rtattr *tb[IFLA_MAX + 1];

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	link_attrs(h, tb);
	l->index = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	if (l->name && tb[IFLA_IFNAME])
		strncpy(l->name, RTA_DATA(tb[IFLA_IFNAME]), IF_NAMESIZE);
	return 0;
}

/* RTM_GETLINK for one link, by index (name NULL) or by name. */
static int get_link(unsigned index, const char *name, struct one_link *out)
{
	struct request r;
	int fd, e, ret;

	init_request(&r, 0);
	r.ifi.ifi_index = (int)index;
	if (name) {
		struct rtattr *a = (struct rtattr *)r.attrs;

		a->rta_type = IFLA_IFNAME;
		a->rta_len = RTA_LENGTH(strlen(name) + 1);
		memcpy(RTA_DATA(a), name, strlen(name) + 1);
		r.nh.nlmsg_len += RTA_ALIGN(a->rta_len);
	}
	if ((fd = open_route_socket()) < 0)
		return -1;
	ret = ask(fd, &r.nh, take_link, out);
	e = errno;
	close(fd);
	errno = e;
	return ret;
}

unsigned if_nametoindex(const char *name)
{
	struct one_link l = { 0, NULL };
	int saved = errno;

	/* glibc's answer for a name the kernel could not hold. */
	if (strlen(name) >= IFNAMSIZ) {
		errno = ENODEV;
		return 0;
	}
	if (get_link(0, name, &l) < 0)
		return 0;
	errno = saved;
	return l.index;
}

char *if_indextoname(unsigned index, char *name)
{
	char found[IF_NAMESIZE] = "";
	struct one_link l = { 0, found };
	int saved = errno;

	/* POSIX's ENXIO, as glibc reports the kernel's ENODEV. */
	if (index == 0 || index > INT_MAX || get_link(index, NULL, &l) < 0) {
		if (index == 0 || index > INT_MAX || errno == ENODEV)
			errno = ENXIO;
		return NULL;
	}
	errno = saved;
	return strncpy(name, found, IF_NAMESIZE);
}

/* --- the list of interfaces --------------------------------------------------- */

struct name_list {
	struct if_nameindex *items;
	size_t count, allocated;
};

/* Room for one more entry and the terminating one. */
static int reserve(struct name_list *list)
{
	size_t n = list->allocated ? list->allocated * 2 : 16;
	struct if_nameindex *items;

	if (list->count + 1 < list->allocated)
		return 0;
	if (!(items = realloc(list->items, n * sizeof(*items))))
		return -1;
	list->items = items;
	list->allocated = n;
	return 0;
}

static int add_name(const struct nlmsghdr *h, void *arg)
{
	struct name_list *list = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	struct if_nameindex *item;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	link_attrs(h, tb);
	if (!tb[IFLA_IFNAME] || reserve(list) < 0)
		return tb[IFLA_IFNAME] ? -1 : 0;
	item = &list->items[list->count];
	item->if_index = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	if (!(item->if_name = strndup(RTA_DATA(tb[IFLA_IFNAME]), RTA_PAYLOAD(tb[IFLA_IFNAME]))))
		return -1;
	list->count++;
	return 0;
}

void if_freenameindex(struct if_nameindex *items)
{
	struct if_nameindex *i;

	if (!items)
		return;
	for (i = items; i->if_name; i++)
		free(i->if_name);
	free(items);
}

struct if_nameindex *if_nameindex(void)
{
	struct name_list list = { NULL, 0, 0 };
	int fd, saved = errno, ok;

	if ((fd = open_route_socket()) < 0)
		return NULL;
	ok = dump(fd, RTM_GETLINK, add_name, &list) == 0 && reserve(&list) == 0;
	close(fd);
	if (!ok) {
		int e = errno == ENOMEM ? ENOBUFS : errno;

		if (list.items) {
			list.items[list.count].if_name = NULL;
			if_freenameindex(list.items);
		}
		errno = e;
		return NULL;
	}
	list.items[list.count].if_index = 0;
	list.items[list.count].if_name = NULL;
	errno = saved;
	return list.items;
}

/* --- interfaces and their addresses --------------------------------------------- */

/* A link-layer address as long as any link has (Infiniband: 20 bytes). */
struct sockaddr_ll_max {
	unsigned short sll_family;
	unsigned short sll_protocol;
	int sll_ifindex;
	unsigned short sll_hatype;
	unsigned char sll_pkttype;
	unsigned char sll_halen;
	unsigned char sll_addr[24];
};

union sockany {
	struct sockaddr sa;
	struct sockaddr_ll_max ll;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* One entry and what its pointers point to; ifa_data (link statistics) follows. */
struct ifaddrs_entry {
	struct ifaddrs ifa;
	union sockany addr, dst, netmask;
	char name[IF_NAMESIZE];
	int link_index;		/* of a link's own entry; 0 for an address */
};

struct ifaddrs_list {
	struct ifaddrs_entry *first, *last;
};

static struct ifaddrs_entry *new_entry(struct ifaddrs_list *list, size_t data_len)
{
	struct ifaddrs_entry *e = calloc(1, sizeof(*e) + data_len);

	if (!e)
		return NULL;
	if (list->last)
		list->last->ifa.ifa_next = &e->ifa;
	else
		list->first = e;
	list->last = e;
	return e;
}

static void link_address(union sockany *to, const struct ifinfomsg *ifi, const struct rtattr *a)
{
	size_t len = RTA_PAYLOAD(a);

	if (len > sizeof(to->ll.sll_addr))
		len = sizeof(to->ll.sll_addr);
	to->ll.sll_family = AF_PACKET;
	to->ll.sll_ifindex = ifi->ifi_index;
	to->ll.sll_hatype = ifi->ifi_type;
	to->ll.sll_halen = len;
	memcpy(to->ll.sll_addr, RTA_DATA(a), len);
}

/* An AF_PACKET entry per link, as glibc makes them. */
static int add_link(const struct nlmsghdr *h, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *tb[IFLA_MAX + 1];
	struct ifaddrs_entry *e;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	link_attrs(h, tb);
	if (!(e = new_entry(arg, tb[IFLA_STATS] ? RTA_PAYLOAD(tb[IFLA_STATS]) : 0)))
		return -1;
	e->ifa.ifa_flags = ifi->ifi_flags;
	e->link_index = ifi->ifi_index;
	if (tb[IFLA_IFNAME] && RTA_PAYLOAD(tb[IFLA_IFNAME]) < sizeof(e->name)) {
		memcpy(e->name, RTA_DATA(tb[IFLA_IFNAME]), RTA_PAYLOAD(tb[IFLA_IFNAME]));
		e->ifa.ifa_name = e->name;
	}
	if (tb[IFLA_ADDRESS]) {
		link_address(&e->addr, ifi, tb[IFLA_ADDRESS]);
		e->ifa.ifa_addr = &e->addr.sa;
	}
	if (tb[IFLA_BROADCAST]) {
		link_address(&e->dst, ifi, tb[IFLA_BROADCAST]);
		e->ifa.ifa_broadaddr = &e->dst.sa;
	}
	if (tb[IFLA_STATS]) {
		e->ifa.ifa_data = e + 1;
		memcpy(e->ifa.ifa_data, RTA_DATA(tb[IFLA_STATS]), RTA_PAYLOAD(tb[IFLA_STATS]));
	}
	return 0;
}

static void ip_address(union sockany *to, const struct ifaddrmsg *ifa, const struct rtattr *a)
{
	size_t len = RTA_PAYLOAD(a);

	to->sa.sa_family = ifa->ifa_family;
	if (ifa->ifa_family == AF_INET && len == sizeof(to->v4.sin_addr)) {
		memcpy(&to->v4.sin_addr, RTA_DATA(a), len);
	} else if (ifa->ifa_family == AF_INET6 && len == sizeof(to->v6.sin6_addr)) {
		memcpy(&to->v6.sin6_addr, RTA_DATA(a), len);
		if (IN6_IS_ADDR_LINKLOCAL(&to->v6.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&to->v6.sin6_addr))
			to->v6.sin6_scope_id = ifa->ifa_index;
	} else if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6 &&
		   len <= sizeof(*to) - offsetof(struct sockaddr, sa_data)) {
		memcpy(to->sa.sa_data, RTA_DATA(a), len);
	}
}

static void netmask(struct ifaddrs_entry *e, const struct ifaddrmsg *ifa)
{
	int family = e->ifa.ifa_addr->sa_family;
	unsigned char *p = family == AF_INET ? (unsigned char *)&e->netmask.v4.sin_addr
		: (unsigned char *)&e->netmask.v6.sin6_addr;
	unsigned max = family == AF_INET ? 32 : 128, bits = ifa->ifa_prefixlen;

	e->netmask.sa.sa_family = family;
	e->ifa.ifa_netmask = &e->netmask.sa;
	if (family != AF_INET && family != AF_INET6)
		return;
	if (bits > max)
		bits = max;
	memset(p, 0xff, bits / 8);
	if (bits % 8)
		p[bits / 8] = 0xff << (8 - bits % 8);
}

static struct ifaddrs_entry *link_entry(struct ifaddrs_list *list, unsigned index)
{
	struct ifaddrs_entry *e;

	for (e = list->first; e; e = (struct ifaddrs_entry *)e->ifa.ifa_next)
		if (e->link_index && e->link_index == (int)index)
			return e;
	return NULL;
}

/*
 * An entry per address, read as glibc reads it: the first of IFA_ADDRESS
 * and IFA_LOCAL is the address, and a second makes the first the other
 * end (ifa_dstaddr) until IFA_BROADCAST replaces it; so an IPv4 address
 * without a broadcast address shows itself there, as with glibc.
 */
static int add_address(const struct nlmsghdr *h, void *arg)
{
	struct ifaddrs_list *list = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *a = IFA_RTA(ifa);
	struct ifaddrs_entry *e, *link;
	int len = IFA_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWADDR || !(link = link_entry(list, ifa->ifa_index)))
		return 0;
	if (!(e = new_entry(list, 0)))
		return -1;
	e->ifa.ifa_flags = link->ifa.ifa_flags;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case IFA_ADDRESS:
			if (e->ifa.ifa_addr) {
				ip_address(&e->dst, ifa, a);
				e->ifa.ifa_dstaddr = &e->dst.sa;
			} else {
				ip_address(&e->addr, ifa, a);
				e->ifa.ifa_addr = &e->addr.sa;
			}
			break;
		case IFA_LOCAL:
			if (e->ifa.ifa_addr) {
				e->dst = e->addr;
				e->ifa.ifa_dstaddr = &e->dst.sa;
				memset(&e->addr, 0, sizeof(e->addr));
			}
			ip_address(&e->addr, ifa, a);
			e->ifa.ifa_addr = &e->addr.sa;
			break;
		case IFA_BROADCAST:
			memset(&e->dst, 0, sizeof(e->dst));
			ip_address(&e->dst, ifa, a);
			e->ifa.ifa_broadaddr = &e->dst.sa;
			break;
		case IFA_LABEL:
			if (RTA_PAYLOAD(a) < sizeof(e->name)) {
				memcpy(e->name, RTA_DATA(a), RTA_PAYLOAD(a));
				e->ifa.ifa_name = e->name;
			}
			break;
		}
	}
	if (!e->ifa.ifa_name)
		e->ifa.ifa_name = link->ifa.ifa_name;
	if (e->ifa.ifa_addr)
		netmask(e, ifa);
	return 0;
}

void freeifaddrs(struct ifaddrs *ifa)
{
	while (ifa) {
		struct ifaddrs *next = ifa->ifa_next;

		free(ifa);
		ifa = next;
	}
}

int getifaddrs(struct ifaddrs **out)
{
	struct ifaddrs_list list = { NULL, NULL };
	int fd, e, saved = errno, r;

	if ((fd = open_route_socket()) < 0)
		return -1;
	r = dump(fd, RTM_GETLINK, add_link, &list);
	if (r == 0)
		r = dump(fd, RTM_GETADDR, add_address, &list);
	e = errno;
	close(fd);
	if (r < 0) {
		freeifaddrs(list.first ? &list.first->ifa : NULL);
		errno = e;
		return -1;
	}
	*out = list.first ? &list.first->ifa : NULL;
	errno = saved;
	return 0;
}
