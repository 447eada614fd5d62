/*
 * object_export.c - libnl objects as plain data, for the typed client
 *
 * The typed client (ts/api) shows links, addresses, routes, ... as plain
 * objects. Their fields come from libnl's own getters and *2str functions,
 * here, next to libnl, so that a whole dump crosses into JavaScript as a few
 * batches (plain_data.h) instead of millions of getter calls:
 *
 *   nlwasm_object_export()  one object
 *   nlwasm_dump_export()    a kernel dump parsed with libnl's message parser
 *                           for a cache type, without building a cache,
 *                           delivered in batches to a callback
 *
 * Field names match the TypeScript types in ts/api/types.ts. Names from
 * small sets (enumerations, flags) are written as symbols: sent once.
 */
#include <netlink-private/netlink.h>
#include <netlink-private/cache-api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/fib_rules.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/utils.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/rule.h>
#include <netlink/route/mdb.h>
#include <netlink/route/netconf.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/cls/u32.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/genl/family.h>
#include <netlink/netfilter/ct.h>
#include <netlink/idiag/msg.h>
#include <netlink/idiag/idiagnl.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/sp.h>
#include <netlink/xfrm/selector.h>
#include "object_export.h"
#include "plain_data.h"

#define NAME_LEN 256

/* --- names of small enumerations -------------------------------------------- */

/*
 * libnl's *2str functions format every name with snprintf, and a route dump
 * asks for three per route (protocol, scope, type): musl's printf was a
 * tenth of a 100k-route export. Each value's name is asked for once. The
 * names are fixed for the instance's life: libnl reads the protocol names
 * at start, and the typed client's workers never reload them. Being kept,
 * they can also be keys (pd_key() wants keys that stay): metric names are.
 */
typedef char *(*enum2str_fn)(int, char *, size_t);

struct name_cache {
	enum2str_fn to_str;
	char *names[256];	/* by value */
};

static struct name_cache route_protocols = { .to_str = rtnl_route_proto2str };
static struct name_cache scopes = { .to_str = rtnl_scope2str };
static struct name_cache route_types = { .to_str = nl_rtntype2str };
static struct name_cache route_metrics = { .to_str = rtnl_route_metric2str };

/* Every value these names are asked for is a byte in the kernel's messages. */
static const char *enum_name(struct name_cache *c, uint8_t value)
{
	char buf[NAME_LEN];

	if (!c->names[value])
		c->names[value] = strdup(c->to_str(value, buf, sizeof(buf)));
	return c->names[value] ? c->names[value] : "";
}

/* --- links ------------------------------------------------------------------ */

static void export_link_stats(struct pd_writer *j, struct rtnl_link *l)
{
	static const struct { const char *name; rtnl_link_stat_id_t id; } stats[] = {
		{ "rxPackets", RTNL_LINK_RX_PACKETS }, { "txPackets", RTNL_LINK_TX_PACKETS },
		{ "rxBytes", RTNL_LINK_RX_BYTES }, { "txBytes", RTNL_LINK_TX_BYTES },
		{ "rxErrors", RTNL_LINK_RX_ERRORS }, { "txErrors", RTNL_LINK_TX_ERRORS },
		{ "rxDropped", RTNL_LINK_RX_DROPPED }, { "txDropped", RTNL_LINK_TX_DROPPED },
		{ "multicast", RTNL_LINK_MULTICAST }, { "collisions", RTNL_LINK_COLLISIONS },
	};
	size_t i;

	pd_key(j, "stats");
	pd_begin_object(j);
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		pd_kv_uint(j, stats[i].name, rtnl_link_get_stat(l, stats[i].id));
	pd_end_object(j);
}

static void export_link_info(struct pd_writer *j, struct rtnl_link *l, const char *kind)
{
	char buf[NAME_LEN];
	struct nl_addr *a = NULL;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;

	pd_key(j, "info");
	pd_begin_object(j);
	if (!strcmp(kind, "vxlan")) {
		if (rtnl_link_vxlan_get_id(l, &u32) == 0)
			pd_kv_uint(j, "id", u32);
		if (rtnl_link_vxlan_get_group(l, &a) == 0) {
			pd_kv_addr(j, "group", a);
			nl_addr_put(a);
		}
		if (rtnl_link_vxlan_get_local(l, &a) == 0) {
			pd_kv_addr(j, "local", a);
			nl_addr_put(a);
		}
		if (rtnl_link_vxlan_get_port(l, &u32) == 0)
			pd_kv_uint(j, "port", u32);
		if (rtnl_link_vxlan_get_link(l, &u32) == 0)
			pd_kv_uint(j, "device", u32);
		if (rtnl_link_vxlan_get_ttl(l) >= 0)
			pd_kv_int(j, "ttl", rtnl_link_vxlan_get_ttl(l));
		if (rtnl_link_vxlan_get_tos(l) >= 0)
			pd_kv_int(j, "tos", rtnl_link_vxlan_get_tos(l));
		if (rtnl_link_vxlan_get_learning(l) >= 0)
			pd_kv_bool(j, "learning", rtnl_link_vxlan_get_learning(l));
		if (rtnl_link_vxlan_get_ageing(l, &u32) == 0)
			pd_kv_uint(j, "ageing", u32);
	} else if (!strcmp(kind, "macvlan") || !strcmp(kind, "macvtap")) {
		pd_kv_sym(j, "mode", rtnl_link_macvlan_mode2str(rtnl_link_macvlan_get_mode(l), buf, sizeof(buf)));
		pd_kv_uint(j, "flags", rtnl_link_macvlan_get_flags(l));
	} else if (!strcmp(kind, "veth")) {
		/* The kernel names the peer by its ifindex (IFLA_LINK). */
		if (rtnl_link_get_link(l))
			pd_kv_int(j, "peerIndex", rtnl_link_get_link(l));
	}
	if (rtnl_link_bridge_has_ext_info(l)) {
		pd_kv_sym(j, "portState", rtnl_link_bridge_portstate2str(rtnl_link_bridge_get_port_state(l), buf, sizeof(buf)));
		pd_kv_int(j, "portPriority", rtnl_link_bridge_get_priority(l));
		if (rtnl_link_bridge_get_cost(l, &u32) == 0)
			pd_kv_uint(j, "portCost", u32);
	}
	(void)u16;
	(void)u8;
	pd_end_object(j);
}

static void export_link(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_link *l = (struct rtnl_link *)obj;
	char buf[NAME_LEN];
	const char *kind = rtnl_link_get_type(l);

	pd_kv_str(j, "name", rtnl_link_get_name(l));
	pd_kv_int(j, "index", rtnl_link_get_ifindex(l));
	pd_kv_int(j, "family", rtnl_link_get_family(l));
	pd_kv_sym(j, "kind", kind);
	pd_kv_uint(j, "flags", rtnl_link_get_flags(l));
	pd_kv_names(j, "flagNames", rtnl_link_flags2str(rtnl_link_get_flags(l), buf, sizeof(buf)));
	pd_kv_uint(j, "mtu", rtnl_link_get_mtu(l));
	pd_kv_uint(j, "txqlen", rtnl_link_get_txqlen(l));
	pd_kv_addr(j, "address", rtnl_link_get_addr(l));
	pd_kv_addr(j, "broadcast", rtnl_link_get_broadcast(l));
	if (rtnl_link_get_master(l))
		pd_kv_int(j, "master", rtnl_link_get_master(l));
	if (rtnl_link_get_link(l))
		pd_kv_int(j, "link", rtnl_link_get_link(l));
	pd_kv_sym(j, "operstate", rtnl_link_operstate2str(rtnl_link_get_operstate(l), buf, sizeof(buf)));
	pd_kv_bool(j, "carrier", rtnl_link_get_carrier(l) != 0);
	pd_kv_uint(j, "group", rtnl_link_get_group(l));
	pd_kv_sym(j, "qdisc", rtnl_link_get_qdisc(l));
	pd_kv_str(j, "alias", rtnl_link_get_ifalias(l));
	pd_kv_uint(j, "promiscuity", rtnl_link_get_promiscuity(l));
	pd_kv_uint(j, "numTxQueues", rtnl_link_get_num_tx_queues(l));
	pd_kv_uint(j, "numRxQueues", rtnl_link_get_num_rx_queues(l));
	export_link_stats(j, l);
	export_link_info(j, l, kind ? kind : "");
}

/* --- addresses, routes, neighbours, rules ---------------------------------- */

static void export_addr(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	char buf[NAME_LEN];

	pd_kv_int(j, "family", rtnl_addr_get_family(a));
	pd_kv_int(j, "ifindex", rtnl_addr_get_ifindex(a));
	pd_kv_str(j, "label", rtnl_addr_get_label(a));
	pd_kv_addr(j, "local", rtnl_addr_get_local(a));
	pd_kv_int(j, "prefixlen", rtnl_addr_get_prefixlen(a));
	pd_kv_addr(j, "peer", rtnl_addr_get_peer(a));
	pd_kv_addr(j, "broadcast", rtnl_addr_get_broadcast(a));
	pd_kv_name(j, "scope", enum_name(&scopes, rtnl_addr_get_scope(a)));
	pd_kv_uint(j, "flags", rtnl_addr_get_flags(a));
	pd_kv_names(j, "flagNames", rtnl_addr_flags2str(rtnl_addr_get_flags(a), buf, sizeof(buf)));
	pd_kv_uint(j, "validLifetime", rtnl_addr_get_valid_lifetime(a));
	pd_kv_uint(j, "preferredLifetime", rtnl_addr_get_preferred_lifetime(a));
}

static void export_nexthop(struct rtnl_nexthop *nh, void *arg)
{
	struct pd_writer *j = arg;

	pd_begin_object(j);
	pd_kv_int(j, "ifindex", rtnl_route_nh_get_ifindex(nh));
	pd_kv_addr(j, "gateway", rtnl_route_nh_get_gateway(nh));
	/* libnl's weight is the raw rtnh_hops; the weight itself (as ip-route
	 * shows and takes it) is one more. */
	pd_kv_uint(j, "weight", rtnl_route_nh_get_weight(nh) + 1);
	pd_kv_uint(j, "flags", rtnl_route_nh_get_flags(nh));
	if (rtnl_route_nh_get_realms(nh))
		pd_kv_uint(j, "realms", rtnl_route_nh_get_realms(nh));
	pd_end_object(j);
}

static void export_route(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	uint32_t value;
	int i;

	pd_kv_int(j, "family", rtnl_route_get_family(r));
	pd_kv_uint(j, "table", rtnl_route_get_table(r));
	pd_kv_name(j, "protocol", enum_name(&route_protocols, rtnl_route_get_protocol(r)));
	pd_kv_name(j, "scope", enum_name(&scopes, rtnl_route_get_scope(r)));
	pd_kv_name(j, "type", enum_name(&route_types, rtnl_route_get_type(r)));
	pd_kv_addr(j, "dst", rtnl_route_get_dst(r));
	pd_kv_addr(j, "src", rtnl_route_get_src(r));
	pd_kv_addr(j, "prefSrc", rtnl_route_get_pref_src(r));
	pd_kv_uint(j, "priority", rtnl_route_get_priority(r));
	pd_kv_uint(j, "tos", rtnl_route_get_tos(r));
	if (rtnl_route_get_iif(r) > 0)
		pd_kv_int(j, "iif", rtnl_route_get_iif(r));
	pd_kv_uint(j, "flags", rtnl_route_get_flags(r));
	pd_key(j, "metrics");
	pd_begin_object(j);
	/* Most routes have none: seventeen getter calls each for nothing. */
	for (i = 1; r->rt_metrics_mask && i <= RTAX_MAX; i++) {
		if (rtnl_route_get_metric(r, i, &value) == 0)
			pd_kv_uint(j, enum_name(&route_metrics, i), value);
	}
	pd_end_object(j);
	pd_key(j, "nexthops");
	pd_begin_array(j);
	rtnl_route_foreach_nexthop(r, export_nexthop, j);
	pd_end_array(j);
}

static void export_neigh(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	char buf[NAME_LEN];

	pd_kv_int(j, "family", rtnl_neigh_get_family(n));
	pd_kv_int(j, "ifindex", rtnl_neigh_get_ifindex(n));
	pd_kv_addr(j, "dst", rtnl_neigh_get_dst(n));
	pd_kv_addr(j, "lladdr", rtnl_neigh_get_lladdr(n));
	pd_kv_uint(j, "state", rtnl_neigh_get_state(n));
	pd_kv_names(j, "stateNames", rtnl_neigh_state2str(rtnl_neigh_get_state(n), buf, sizeof(buf)));
	pd_kv_uint(j, "flags", rtnl_neigh_get_flags(n));
	pd_kv_names(j, "flagNames", rtnl_neigh_flags2str(rtnl_neigh_get_flags(n), buf, sizeof(buf)));
	if (rtnl_neigh_get_vlan(n) >= 0)
		pd_kv_int(j, "vlan", rtnl_neigh_get_vlan(n));
	if (rtnl_neigh_get_master(n) > 0)
		pd_kv_int(j, "master", rtnl_neigh_get_master(n));
}

/* FR_ACT_* as ip-rule names them (libnl's dump prints them as route types). */
static const char *rule_action_name(uint8_t action)
{
	switch (action) {
	case FR_ACT_TO_TBL: return "lookup";
	case FR_ACT_GOTO: return "goto";
	case FR_ACT_NOP: return "nop";
	case FR_ACT_BLACKHOLE: return "blackhole";
	case FR_ACT_UNREACHABLE: return "unreachable";
	case FR_ACT_PROHIBIT: return "prohibit";
	default: return "unknown";
	}
}

static void export_rule(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_rule *r = (struct rtnl_rule *)obj;

	pd_kv_int(j, "family", rtnl_rule_get_family(r));
	pd_kv_uint(j, "priority", rtnl_rule_get_prio(r));
	pd_kv_uint(j, "table", rtnl_rule_get_table(r));
	pd_kv_uint(j, "action", rtnl_rule_get_action(r));
	pd_kv_sym(j, "actionName", rule_action_name(rtnl_rule_get_action(r)));
	pd_kv_addr(j, "src", rtnl_rule_get_src(r));
	pd_kv_addr(j, "dst", rtnl_rule_get_dst(r));
	pd_kv_str(j, "iif", rtnl_rule_get_iif(r));
	pd_kv_str(j, "oif", rtnl_rule_get_oif(r));
	pd_kv_uint(j, "mark", rtnl_rule_get_mark(r));
	pd_kv_uint(j, "mask", rtnl_rule_get_mask(r));
	pd_kv_uint(j, "goto", rtnl_rule_get_goto(r));
	{
		uint8_t proto;

		if (rtnl_rule_get_protocol(r, &proto) == 0)
			pd_kv_uint(j, "protocol", proto);
	}
}

/* --- bridge multicast database, per-device IP configuration ------------------- */

static void export_mdb_entry(struct rtnl_mdb_entry *e, void *arg)
{
	struct pd_writer *j = arg;

	pd_begin_object(j);
	pd_kv_uint(j, "port", (uint32_t)rtnl_mdb_entry_get_ifindex(e));
	pd_kv_addr(j, "group", rtnl_mdb_entry_get_addr(e));
	pd_kv_uint(j, "vlan", (uint32_t)rtnl_mdb_entry_get_vid(e));
	pd_kv_sym(j, "state", rtnl_mdb_entry_get_state(e) == MDB_PERMANENT ? "permanent" : "temp");
	pd_end_object(j);
}

static void export_mdb(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_mdb *m = (struct rtnl_mdb *)obj;

	pd_kv_uint(j, "ifindex", rtnl_mdb_get_ifindex(m));
	pd_key(j, "entries");
	pd_begin_array(j);
	rtnl_mdb_foreach_entry(m, export_mdb_entry, j);
	pd_end_array(j);
}

static void export_netconf(struct pd_writer *j, struct nl_object *obj)
{
	/* Each getter fails when the kernel did not send that value. */
	static const struct {
		const char *name;
		int (*get)(struct rtnl_netconf *, int *);
	} values[] = {
		{ "forwarding", rtnl_netconf_get_forwarding },
		{ "rpFilter", rtnl_netconf_get_rp_filter },
		{ "mcForwarding", rtnl_netconf_get_mc_forwarding },
		{ "proxyNeigh", rtnl_netconf_get_proxy_neigh },
		{ "ignoreRoutesWithLinkdown", rtnl_netconf_get_ignore_routes_linkdown },
		{ "input", rtnl_netconf_get_input },
	};
	struct rtnl_netconf *nc = (struct rtnl_netconf *)obj;
	size_t i;
	int v;

	if (rtnl_netconf_get_family(nc, &v) == 0)
		pd_kv_int(j, "family", v);
	if (rtnl_netconf_get_ifindex(nc, &v) == 0)
		pd_kv_int(j, "ifindex", v);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (values[i].get(nc, &v) == 0)
			pd_kv_int(j, values[i].name, v);
	}
}

/* --- traffic control --------------------------------------------------------- */

static void export_tc(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_tc *tc = (struct rtnl_tc *)obj;
	char buf[NAME_LEN];
	const char *kind = rtnl_tc_get_kind(tc);

	pd_kv_sym(j, "kind", kind);
	pd_kv_int(j, "ifindex", rtnl_tc_get_ifindex(tc));
	pd_kv_str(j, "handle", rtnl_tc_handle2str(rtnl_tc_get_handle(tc), buf, sizeof(buf)));
	pd_kv_str(j, "parent", rtnl_tc_handle2str(rtnl_tc_get_parent(tc), buf, sizeof(buf)));
	pd_key(j, "stats");
	pd_begin_object(j);
	pd_kv_uint(j, "bytes", rtnl_tc_get_stat(tc, RTNL_TC_BYTES));
	pd_kv_uint(j, "packets", rtnl_tc_get_stat(tc, RTNL_TC_PACKETS));
	pd_kv_uint(j, "drops", rtnl_tc_get_stat(tc, RTNL_TC_DROPS));
	pd_kv_uint(j, "overlimits", rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS));
	pd_kv_uint(j, "qlen", rtnl_tc_get_stat(tc, RTNL_TC_QLEN));
	pd_kv_uint(j, "backlog", rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG));
	pd_end_object(j);
}

static void export_qdisc(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_qdisc *q = (struct rtnl_qdisc *)obj;
	const char *kind = rtnl_tc_get_kind(TC_CAST(q));
	char buf[NAME_LEN];

	export_tc(j, obj);
	pd_key(j, "options");
	pd_begin_object(j);
	if (!kind) {
	} else if (!strcmp(kind, "htb")) {
		pd_kv_str(j, "defaultClass", rtnl_tc_handle2str(rtnl_htb_get_defcls(q), buf, sizeof(buf)));
		pd_kv_uint(j, "rate2quantum", rtnl_htb_get_rate2quantum(q));
	} else if (!strcmp(kind, "tbf")) {
		pd_kv_int(j, "limit", rtnl_qdisc_tbf_get_limit(q));
		pd_kv_int(j, "rate", rtnl_qdisc_tbf_get_rate(q));
		pd_kv_int(j, "burst", rtnl_qdisc_tbf_get_rate_bucket(q));
		if (rtnl_qdisc_tbf_get_peakrate(q) > 0)
			pd_kv_int(j, "peakrate", rtnl_qdisc_tbf_get_peakrate(q));
	} else if (!strcmp(kind, "pfifo") || !strcmp(kind, "bfifo")) {
		pd_kv_int(j, "limit", rtnl_qdisc_fifo_get_limit(q));
	}
	pd_end_object(j);
}

static void export_class(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_class *c = (struct rtnl_class *)obj;
	const char *kind = rtnl_tc_get_kind(TC_CAST(c));
	uint64_t rate;

	export_tc(j, obj);
	pd_key(j, "options");
	pd_begin_object(j);
	if (kind && !strcmp(kind, "htb")) {
		if (rtnl_htb_get_rate64(c, &rate) == 0)
			pd_kv_uint(j, "rate", rate);
		if (rtnl_htb_get_ceil64(c, &rate) == 0)
			pd_kv_uint(j, "ceil", rate);
		pd_kv_uint(j, "prio", rtnl_htb_get_prio(c));
		pd_kv_uint(j, "quantum", rtnl_htb_get_quantum(c));
		pd_kv_uint(j, "rbuffer", rtnl_htb_get_rbuffer(c));
		pd_kv_uint(j, "cbuffer", rtnl_htb_get_cbuffer(c));
		pd_kv_int(j, "level", rtnl_htb_get_level(c));
	}
	pd_end_object(j);
}

static void export_cls(struct pd_writer *j, struct nl_object *obj)
{
	struct rtnl_cls *c = (struct rtnl_cls *)obj;
	const char *kind = rtnl_tc_get_kind(TC_CAST(c));
	char buf[NAME_LEN];
	uint32_t classid;

	export_tc(j, obj);
	pd_kv_uint(j, "prio", rtnl_cls_get_prio(c));
	pd_kv_str(j, "protocol", nl_ether_proto2str(rtnl_cls_get_protocol(c), buf, sizeof(buf)));
	pd_key(j, "options");
	pd_begin_object(j);
	if (kind && !strcmp(kind, "u32") && rtnl_u32_get_classid(c, &classid) == 0)
		pd_kv_str(j, "classid", rtnl_tc_handle2str(classid, buf, sizeof(buf)));
	pd_end_object(j);
}

/* --- generic netlink, conntrack, socket diagnostics, xfrm --------------------- */

static void export_genl_family(struct pd_writer *j, struct nl_object *obj)
{
	/* libnl has no getters for a family's operations and groups. */
	struct genl_family *f = (struct genl_family *)obj;
	struct genl_family_op *op;
	struct genl_family_grp *grp;

	pd_kv_uint(j, "id", genl_family_get_id(f));
	pd_kv_str(j, "name", genl_family_get_name(f));
	pd_kv_uint(j, "version", genl_family_get_version(f));
	pd_kv_uint(j, "hdrsize", genl_family_get_hdrsize(f));
	pd_kv_uint(j, "maxattr", genl_family_get_maxattr(f));
	pd_key(j, "ops");
	pd_begin_array(j);
	nl_list_for_each_entry(op, &f->gf_ops, o_list) {
		pd_begin_object(j);
		pd_kv_uint(j, "id", op->o_id);
		pd_kv_uint(j, "flags", op->o_flags);
		pd_end_object(j);
	}
	pd_end_array(j);
	pd_key(j, "groups");
	pd_begin_array(j);
	nl_list_for_each_entry(grp, &f->gf_mc_grps, list) {
		pd_begin_object(j);
		pd_kv_uint(j, "id", grp->id);
		pd_kv_str(j, "name", grp->name);
		pd_end_object(j);
	}
	pd_end_array(j);
}

static void export_ct_dir(struct pd_writer *j, const char *key, struct nfnl_ct *ct, int repl)
{
	pd_key(j, key);
	pd_begin_object(j);
	pd_kv_addr(j, "src", nfnl_ct_get_src(ct, repl));
	pd_kv_addr(j, "dst", nfnl_ct_get_dst(ct, repl));
	pd_kv_uint(j, "srcPort", nfnl_ct_get_src_port(ct, repl));
	pd_kv_uint(j, "dstPort", nfnl_ct_get_dst_port(ct, repl));
	pd_kv_uint(j, "packets", nfnl_ct_get_packets(ct, repl));
	pd_kv_uint(j, "bytes", nfnl_ct_get_bytes(ct, repl));
	pd_end_object(j);
}

static void export_ct(struct pd_writer *j, struct nl_object *obj)
{
	struct nfnl_ct *ct = (struct nfnl_ct *)obj;
	char buf[NAME_LEN];

	pd_kv_int(j, "family", nfnl_ct_get_family(ct));
	pd_kv_uint(j, "protocol", nfnl_ct_get_proto(ct));
	pd_kv_sym(j, "protocolName", nl_ip_proto2str(nfnl_ct_get_proto(ct), buf, sizeof(buf)));
	export_ct_dir(j, "orig", ct, 0);
	export_ct_dir(j, "reply", ct, 1);
	pd_kv_uint(j, "status", nfnl_ct_get_status(ct));
	pd_kv_names(j, "statusNames", nfnl_ct_status2str(nfnl_ct_get_status(ct), buf, sizeof(buf)));
	pd_kv_uint(j, "mark", nfnl_ct_get_mark(ct));
	pd_kv_uint(j, "timeout", nfnl_ct_get_timeout(ct));
	pd_kv_uint(j, "zone", nfnl_ct_get_zone(ct));
	pd_kv_uint(j, "id", nfnl_ct_get_id(ct));
	if (nfnl_ct_get_proto(ct) == 6)
		pd_kv_sym(j, "tcpState", nfnl_ct_tcp_state2str(nfnl_ct_get_tcp_state(ct), buf, sizeof(buf)));
}

static void export_idiag(struct pd_writer *j, struct nl_object *obj)
{
	struct idiagnl_msg *m = (struct idiagnl_msg *)obj;
	char buf[NAME_LEN];

	pd_kv_int(j, "family", idiagnl_msg_get_family(m));
	pd_kv_sym(j, "state", idiagnl_state2str(idiagnl_msg_get_state(m), buf, sizeof(buf)));
	pd_kv_addr(j, "src", idiagnl_msg_get_src(m));
	/* libnl keeps inet_diag's ports in network byte order. */
	pd_kv_uint(j, "srcPort", ntohs(idiagnl_msg_get_sport(m)));
	pd_kv_addr(j, "dst", idiagnl_msg_get_dst(m));
	pd_kv_uint(j, "dstPort", ntohs(idiagnl_msg_get_dport(m)));
	pd_kv_uint(j, "ifindex", idiagnl_msg_get_ifindex(m));
	pd_kv_uint(j, "inode", idiagnl_msg_get_inode(m));
	pd_kv_uint(j, "uid", idiagnl_msg_get_uid(m));
	pd_kv_uint(j, "rqueue", idiagnl_msg_get_rqueue(m));
	pd_kv_uint(j, "wqueue", idiagnl_msg_get_wqueue(m));
	pd_kv_uint(j, "timer", idiagnl_msg_get_timer(m));
	pd_kv_uint(j, "retrans", idiagnl_msg_get_retrans(m));
	pd_kv_uint(j, "expires", idiagnl_msg_get_expires(m));
}

static void export_selector(struct pd_writer *j, struct xfrmnl_sel *sel)
{
	pd_key(j, "selector");
	pd_begin_object(j);
	if (sel) {
		pd_kv_int(j, "family", xfrmnl_sel_get_family(sel));
		pd_kv_addr(j, "src", xfrmnl_sel_get_saddr(sel));
		pd_kv_addr(j, "dst", xfrmnl_sel_get_daddr(sel));
		pd_kv_uint(j, "srcPort", xfrmnl_sel_get_sport(sel));
		pd_kv_uint(j, "dstPort", xfrmnl_sel_get_dport(sel));
		pd_kv_uint(j, "protocol", xfrmnl_sel_get_proto(sel));
		pd_kv_int(j, "ifindex", xfrmnl_sel_get_ifindex(sel));
	}
	pd_end_object(j);
}

static void export_xfrm_sa(struct pd_writer *j, struct nl_object *obj)
{
	struct xfrmnl_sa *sa = (struct xfrmnl_sa *)obj;
	char buf[NAME_LEN];

	pd_kv_int(j, "family", xfrmnl_sa_get_family(sa));
	pd_kv_addr(j, "src", xfrmnl_sa_get_saddr(sa));
	pd_kv_addr(j, "dst", xfrmnl_sa_get_daddr(sa));
	pd_kv_uint(j, "spi", (uint32_t)xfrmnl_sa_get_spi(sa));
	pd_kv_uint(j, "protocol", xfrmnl_sa_get_proto(sa));
	pd_kv_sym(j, "mode", xfrmnl_sa_mode2str(xfrmnl_sa_get_mode(sa), buf, sizeof(buf)));
	pd_kv_uint(j, "reqid", (uint32_t)xfrmnl_sa_get_reqid(sa));
	pd_kv_uint(j, "flags", (uint32_t)xfrmnl_sa_get_flags(sa));
	pd_kv_uint(j, "replayWindow", (uint32_t)xfrmnl_sa_get_replay_window(sa));
	export_selector(j, xfrmnl_sa_get_sel(sa));
}

static void export_xfrm_sp(struct pd_writer *j, struct nl_object *obj)
{
	struct xfrmnl_sp *sp = (struct xfrmnl_sp *)obj;
	char buf[NAME_LEN];

	pd_kv_sym(j, "dir", xfrmnl_sp_dir2str(xfrmnl_sp_get_dir(sp), buf, sizeof(buf)));
	pd_kv_sym(j, "action", xfrmnl_sp_action2str(xfrmnl_sp_get_action(sp), buf, sizeof(buf)));
	pd_kv_uint(j, "priority", (uint32_t)xfrmnl_sp_get_priority(sp));
	pd_kv_uint(j, "index", (uint32_t)xfrmnl_sp_get_index(sp));
	pd_kv_uint(j, "flags", (uint32_t)xfrmnl_sp_get_flags(sp));
	export_selector(j, xfrmnl_sp_get_sel(sp));
}

/* --- dispatch ------------------------------------------------------------------- */

typedef void (*export_fn)(struct pd_writer *j, struct nl_object *obj);

static const struct {
	const char *type;	/* nl_object_get_type() */
	export_fn fn;
} exporters[] = {
	{ "route/link", export_link },
	{ "route/addr", export_addr },
	{ "route/route", export_route },
	{ "route/neigh", export_neigh },
	{ "route/rule", export_rule },
	{ "route/mdb", export_mdb },
	{ "route/netconf", export_netconf },
	{ "route/qdisc", export_qdisc },
	{ "route/class", export_class },
	{ "route/cls", export_cls },
	{ "genl/family", export_genl_family },
	{ "netfilter/ct", export_ct },
	{ "idiag/idiag_msg", export_idiag },
	{ "xfrm/sa", export_xfrm_sa },
	{ "xfrm/sp", export_xfrm_sp },
};

/*
 * The exporter of an object type, or NULL. A dump asks for one type a
 * hundred thousand times: the last answer is kept, by the type name's
 * address (libnl's cache ops own it for the instance's life).
 */
static export_fn exporter_for(const char *type)
{
	static const char *last_type;
	static export_fn last_fn;
	size_t i;

	if (type == last_type)
		return last_fn;
	for (i = 0; i < sizeof(exporters) / sizeof(exporters[0]); i++) {
		if (!strcmp(exporters[i].type, type)) {
			last_type = type;
			last_fn = exporters[i].fn;
			return last_fn;
		}
	}
	return NULL;
}

/* Appends obj as one object; unknown types become their type name only. */
static void export_object(struct pd_writer *j, struct nl_object *obj)
{
	const char *type = nl_object_get_type(obj);
	export_fn fn = exporter_for(type);

	pd_begin_object(j);
	if (fn)
		fn(j, obj);
	else
		pd_kv_str(j, "objectType", type);
	pd_end_object(j);
}

uint8_t *nlwasm_object_export(struct nl_object *obj)
{
	struct pd_writer w;
	uint8_t *out = NULL;

	pd_init(&w);
	export_object(&w, obj);
	if (!w.failed && (out = malloc(4 + w.len))) {
		memcpy(out, &(uint32_t){ (uint32_t)w.len }, 4);
		memcpy(out + 4, w.buf, w.len);
	}
	pd_free(&w);
	return out;
}

/* --- dumps -------------------------------------------------------------------------- */

struct dump_ctx {
	struct nl_cache_ops *ops;
	struct nl_parser_param pp;
	struct pd_writer out;
	uint32_t count;		/* objects in the current batch */
	uint32_t batch_bytes;
	nlwasm_emit_fn emit;
	void *arg;
	int error;
};

static void flush_batch(struct dump_ctx *d)
{
	if (!d->count)
		return;
	if (d->out.failed)
		d->error = -NLE_NOMEM;
	else
		d->emit(d->out.buf, (uint32_t)d->out.len, d->count, d->arg);
	pd_take(&d->out);
	d->count = 0;
}

static int exported(struct nl_object *obj, struct nl_parser_param *pp)
{
	struct dump_ctx *d = pp->pp_arg;

	export_object(&d->out, obj);
	d->count++;
	if (d->out.len >= d->batch_bytes)
		flush_batch(d);
	return 0;
}

static int parse_valid(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;
	int err = nl_cache_parse(d->ops, &msg->nm_src, msg->nm_nlh, &d->pp);

	return err == -NLE_EXIST ? NL_SKIP : err;
}

/*
 * A dump the kernel could not finish may still end in NLMSG_DONE, with the
 * error as its payload: a route larger than the reader's datagrams gave
 * EMSGSIZE (libnl's 16 KiB reads, with MSG_PEEK), and every object after it
 * was missing. libnl 3.7 takes any NLMSG_DONE for the end of a complete
 * dump; here the error fails the dump instead.
 */
static int dump_finished(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	int code;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(code)))
		return NL_STOP;
	memcpy(&code, nlmsg_data(h), sizeof(code));
	if (code < 0 && !d->error)
		d->error = code == -EMSGSIZE ? -NLE_MSGSIZE : -nl_syserr2nlerr(code);
	return NL_STOP;
}

int nlwasm_dump_export(struct nl_sock *sk, const char *cache_type, int arg1, int arg2,
		     unsigned int flags, nlwasm_emit_fn emit, void *arg,
		     uint32_t batch_bytes)
{
	struct dump_ctx d = { .batch_bytes = batch_bytes, .emit = emit, .arg = arg };
	struct nl_cache *cache;
	struct nl_af_group *grp;
	struct nl_cb *orig, *cb;
	int err = 0;

	pd_init(&d.out);
	d.ops = nl_cache_ops_lookup_safe(cache_type);
	if (!d.ops)
		return -NLE_NOCACHE;
	if (sk->s_proto != d.ops->co_protocol) {
		nl_cache_ops_put(d.ops);
		return -NLE_PROTO_MISMATCH;
	}
	/* A cache only carries the request's parameters; nothing is added to it. */
	cache = nl_cache_alloc(d.ops);
	if (!cache) {
		nl_cache_ops_put(d.ops);
		return -NLE_NOMEM;
	}
	nl_cache_set_flags(cache, flags);
	nl_cache_set_arg1(cache, arg1);
	nl_cache_set_arg2(cache, arg2);
	orig = nl_socket_get_cb(sk);
	cb = nl_cb_clone(orig);
	nl_cb_put(orig);
	if (!cb) {
		err = -NLE_NOMEM;
		goto out;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse_valid, &d);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, dump_finished, &d);
	d.pp.pp_cb = exported;
	d.pp.pp_arg = &d;

	grp = d.ops->co_groups;
	do {
		if (grp && grp->ag_group && (flags & NL_CACHE_AF_ITER))
			nl_cache_set_arg1(cache, grp->ag_family);
		err = d.ops->co_request_update(cache, sk);
		if (err >= 0)
			err = nl_recvmsgs(sk, cb);
		if (err < 0)
			break;
		if (grp)
			grp++;
	} while (grp && grp->ag_group && (flags & NL_CACHE_AF_ITER));

	flush_batch(&d);
	if (!err && d.error)
		err = d.error;
	nl_cb_put(cb);
out:
	pd_free(&d.out);
	nl_cache_free(cache);
	nl_cache_ops_put(d.ops);
	return err < 0 ? err : 0;
}
