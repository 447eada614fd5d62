/*
 * link_monitor.c - a link monitor as small programs write them, run until
 * stopped (test/kernel/c_programs.test.ts: `libnl-wasm compare --timeout`).
 *
 * Joins RTNLGRP_LINK, creates a veth pair so that there is something to
 * see, prints each link event, and waits in poll() for more until SIGTERM
 * or SIGINT; its handler only sets a flag, so poll() failing with EINTR is
 * what ends the loop. Then it prints how many events it saw and exits 0.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <linux/rtnetlink.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	stop = sig;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	int *count = arg;

	if (nlmsg_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 || !tb[IFLA_IFNAME])
		return NL_OK;
	printf("%s %s\n", h->nlmsg_type == RTM_NEWLINK ? "new" : "del", nla_get_string(tb[IFLA_IFNAME]));
	(*count)++;
	return NL_OK;
}

int main(void)
{
	struct sigaction sa;
	struct nl_sock *events = nl_socket_alloc(), *requests = nl_socket_alloc();
	struct rtnl_link *veth = rtnl_link_veth_alloc();
	int count = 0, err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	nl_socket_disable_seq_check(events);
	nl_socket_modify_cb(events, NL_CB_VALID, NL_CB_CUSTOM, on_event, &count);
	if ((err = nl_connect(events, NETLINK_ROUTE)) < 0 ||
	    (err = nl_socket_add_membership(events, RTNLGRP_LINK)) < 0 ||
	    (err = nl_connect(requests, NETLINK_ROUTE)) < 0) {
		fprintf(stderr, "netlink: %s\n", nl_geterror(err));
		return 1;
	}
	rtnl_link_set_name(veth, "mon0");
	rtnl_link_set_name(rtnl_link_veth_get_peer(veth), "mon1");
	if ((err = rtnl_link_add(requests, veth, NLM_F_CREATE | NLM_F_EXCL)) < 0) {
		fprintf(stderr, "veth: %s\n", nl_geterror(err));
		return 1;
	}

	while (!stop) {
		struct pollfd p = { .fd = nl_socket_get_fd(events), .events = POLLIN };

		if (poll(&p, 1, -1) > 0)
			nl_recvmsgs_default(events);
		else if (errno != EINTR)
			perror("poll");
	}
	printf("%s after %d events\n", stop == SIGTERM ? "SIGTERM" : "SIGINT", count);
	rtnl_link_put(veth);
	nl_socket_free(requests);
	nl_socket_free(events);
	return 0;
}
