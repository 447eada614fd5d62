/**
 * The typed client's inputs made into libnl objects, with libnl's own
 * setters and parsers (in the client's worker). Input is checked first, so
 * that a bad request fails with an NlError naming the problem before
 * anything reaches the kernel.
 */
import type { LibnlSync } from '../libnl/sync.js';
import { NlError } from '../libnl/nl_error.js';
import type {
  NlAddr, RtnlAddr, RtnlClass, RtnlCls, RtnlLink, RtnlNeigh, RtnlQdisc, RtnlRoute, RtnlRule, NfnlCt,
} from '../libnl/generated/api.js';
import type {
  AddressSpec, ClassSpec, ClassifierSpec, ConntrackSpec, LinkChange, LinkRef, LinkSpec, NeighbourSpec,
  QdiscSpec, RouteSpec, RuleSpec,
} from './types.js';
import {
  AF_INET, AF_INET6, AF_LLC, AF_UNSPEC, ETH_P_ALL, ETH_P_IP, ETH_P_IPV6, IFF_UP, NLE_INVAL, NLE_NODEV, NLE_OBJ_NOTFOUND,
  NLE_RANGE,
} from '../libnl/generated/constants.js';

/** FR_ACT_* by the names `ip rule` uses. */
const RULE_ACTIONS: Record<string, number> = {
  lookup: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8,
};

const LINK_KINDS_WITHOUT_LIBNL_INFO = new Set(['tun', 'tap']);

export function invalid(what: string, why: string, code = NLE_INVAL): NlError {
  const names: Record<number, string> = {
    [NLE_INVAL]: 'NLE_INVAL', [NLE_RANGE]: 'NLE_RANGE', [NLE_NODEV]: 'NLE_NODEV',
    [NLE_OBJ_NOTFOUND]: 'NLE_OBJ_NOTFOUND',
  };
  return new NlError(code, names[code] ?? `NLE_${code}`, why, what);
}

/** Releases every handle made while building, whether or not building succeeded. */
export class Scope {
  private readonly handles: Array<{ [Symbol.dispose](): void } | null> = [];

  keep<T extends { [Symbol.dispose](): void } | null>(h: T): T {
    this.handles.push(h);
    return h;
  }

  [Symbol.dispose](): void {
    for (const h of this.handles.reverse()) h?.[Symbol.dispose]();
  }
}

export class Builders {
  constructor(private readonly lib: LibnlSync, private readonly ifindexOf: (ref: LinkRef, what: string) => number) {}

  /** An IPv4 or IPv6 address, checked: its family, and its prefix length in range. */
  addr(s: Scope, text: string, what: string, family = AF_UNSPEC): NlAddr {
    if (typeof text !== 'string' || text === '') throw invalid(what, `"${String(text)}" is not an address`);
    let a: NlAddr;
    try {
      a = s.keep(this.lib.nl_addr_parse(text, family));
    } catch (e) {
      if (e instanceof NlError) throw invalid(what, `"${text}" is not a valid IPv4 or IPv6 address (${e.text})`);
      throw e;
    }
    const fam = this.lib.nl_addr_get_family(a);
    // libnl also parses DECnet and link-layer notations; here only IP is meant.
    if (fam !== AF_INET && fam !== AF_INET6) throw invalid(what, `"${text}" is not a valid IPv4 or IPv6 address`);
    const max = fam === AF_INET ? 32 : 128;
    if (this.lib.nl_addr_get_prefixlen(a) > max) {
      throw invalid(what, `prefix length ${this.lib.nl_addr_get_prefixlen(a)} is out of range for ` +
        `an ${fam === AF_INET ? 'IPv4' : 'IPv6'} address (0..${max})`);
    }
    return a;
  }

  private mac(s: Scope, text: string, what: string): NlAddr {
    if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(text)) throw invalid(what, `"${text}" is not a MAC address`);
    return s.keep(this.lib.nl_addr_parse(text, AF_LLC));
  }

  private uint(value: unknown, what: string, field: string, min = 0, max = 0xffffffff): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(what, `${field} must be an integer in ${min}..${max}, not ${String(value)}`, NLE_RANGE);
    }
    return value;
  }

  private handleOf(text: string, what: string): number {
    const names: Record<string, number> = { root: 0xffffffff, ingress: 0xfffffff1, none: 0 };
    if (text in names) return names[text];
    const m = /^([0-9a-f]{0,4}):([0-9a-f]{0,4})$/i.exec(text);
    if (!m) throw invalid(what, `"${text}" is not a traffic control handle (like "1:10", "root")`);
    return ((parseInt(m[1] || '0', 16) << 16) | parseInt(m[2] || '0', 16)) >>> 0;
  }

  // --- links -------------------------------------------------------------------

  link(s: Scope, spec: LinkSpec): RtnlLink {
    const what = 'links.add';
    if (!spec || typeof spec.name !== 'string' || !/^[^\s/:]{1,15}$/.test(spec.name)) {
      throw invalid(what, `"${String(spec?.name)}" is not a valid interface name (1-15 characters, no "/", ":" or spaces)`);
    }
    let link: RtnlLink;
    if (spec.kind === 'veth') {
      link = s.keep(this.lib.rtnl_link_veth_alloc()) as RtnlLink;
      const peer = this.lib.rtnl_link_veth_get_peer(link);
      if (spec.peer) {
        this.lib.rtnl_link_set_name(peer, spec.peer.name);
        if (spec.peer.mtu !== undefined) this.lib.rtnl_link_set_mtu(peer, this.uint(spec.peer.mtu, what, 'peer.mtu', 68));
        if (spec.peer.address) this.lib.rtnl_link_set_addr(peer, this.mac(s, spec.peer.address, what));
      }
    } else {
      link = s.keep(this.lib.rtnl_link_alloc()) as RtnlLink;
      if (typeof spec.kind !== 'string' || !spec.kind) throw invalid(what, 'a link needs a kind ("bridge", "veth", ...)');
      try {
        this.lib.rtnl_link_set_type(link, spec.kind);
      } catch (e) {
        // Kinds libnl has no module for are still sent as IFLA_INFO_KIND by
        // the kernel's rules; an unknown one is the kernel's to refuse.
        if (!(e instanceof NlError) || LINK_KINDS_WITHOUT_LIBNL_INFO.has(spec.kind)) throw e;
        throw invalid(what, `unknown link kind "${spec.kind}"`, e.code);
      }
    }
    this.lib.rtnl_link_set_name(link, spec.name);
    if (spec.mtu !== undefined) this.lib.rtnl_link_set_mtu(link, this.uint(spec.mtu, what, 'mtu'));
    if (spec.txqlen !== undefined) this.lib.rtnl_link_set_txqlen(link, this.uint(spec.txqlen, what, 'txqlen'));
    if (spec.address) this.lib.rtnl_link_set_addr(link, this.mac(s, spec.address, what));
    if (spec.up) this.lib.rtnl_link_set_flags(link, IFF_UP);
    if (spec.master !== undefined) this.lib.rtnl_link_set_master(link, this.ifindexOf(spec.master, what));
    if (spec.kind === 'vxlan') {
      const v = spec.vxlan;
      if (!v) throw invalid(what, 'a vxlan link needs vxlan.id');
      this.lib.rtnl_link_vxlan_set_id(link, this.uint(v.id, what, 'vxlan.id', 0, 0xffffff));
      if (v.group) this.lib.rtnl_link_vxlan_set_group(link, this.addr(s, v.group, what));
      if (v.local) this.lib.rtnl_link_vxlan_set_local(link, this.addr(s, v.local, what));
      if (v.port !== undefined) this.lib.rtnl_link_vxlan_set_port(link, this.uint(v.port, what, 'vxlan.port', 0, 65535));
      if (v.device !== undefined) this.lib.rtnl_link_vxlan_set_link(link, this.ifindexOf(v.device, what));
      if (v.ttl !== undefined) this.lib.rtnl_link_vxlan_set_ttl(link, this.uint(v.ttl, what, 'vxlan.ttl', 0, 255));
      if (v.learning !== undefined) this.lib.rtnl_link_vxlan_set_learning(link, v.learning ? 1 : 0);
    }
    if (spec.kind === 'macvlan' || spec.kind === 'macvtap') {
      const m = spec.macvlan;
      if (!m) throw invalid(what, `a ${spec.kind} link needs macvlan.link (its lower device)`);
      this.lib.rtnl_link_set_link(link, this.ifindexOf(m.link, what));
      if (m.mode) {
        const mode = this.lib.rtnl_link_macvlan_str2mode(m.mode);
        if (mode < 0) throw invalid(what, `unknown macvlan mode "${m.mode}"`);
        this.lib.rtnl_link_macvlan_set_mode(link, mode);
      }
    }
    return link;
  }

  linkChange(s: Scope, change: LinkChange, what: string): RtnlLink {
    const c = s.keep(this.lib.rtnl_link_alloc()) as RtnlLink;
    if (change.name !== undefined) this.lib.rtnl_link_set_name(c, change.name);
    if (change.mtu !== undefined) this.lib.rtnl_link_set_mtu(c, this.uint(change.mtu, what, 'mtu'));
    if (change.txqlen !== undefined) this.lib.rtnl_link_set_txqlen(c, this.uint(change.txqlen, what, 'txqlen'));
    if (change.address !== undefined) this.lib.rtnl_link_set_addr(c, this.mac(s, change.address, what));
    if (change.alias !== undefined) this.lib.rtnl_link_set_ifalias(c, change.alias);
    if (change.up === true) this.lib.rtnl_link_set_flags(c, IFF_UP);
    if (change.up === false) this.lib.rtnl_link_unset_flags(c, IFF_UP);
    if (change.master !== undefined) {
      this.lib.rtnl_link_set_master(c, change.master === null ? 0 : this.ifindexOf(change.master, what));
    }
    return c;
  }

  // --- addresses, routes, neighbours, rules ----------------------------------------

  address(s: Scope, spec: AddressSpec, what: string): RtnlAddr {
    const a = s.keep(this.lib.rtnl_addr_alloc()) as RtnlAddr;
    this.lib.rtnl_addr_set_ifindex(a, this.ifindexOf(spec.dev, what));
    this.lib.rtnl_addr_set_local(a, this.addr(s, spec.local, what));
    if (spec.peer) this.lib.rtnl_addr_set_peer(a, this.addr(s, spec.peer, what));
    if (spec.broadcast) this.lib.rtnl_addr_set_broadcast(a, this.addr(s, spec.broadcast, what));
    if (spec.label) this.lib.rtnl_addr_set_label(a, spec.label);
    if (spec.scope) {
      const scope = this.lib.rtnl_str2scope(spec.scope);
      if (scope < 0) throw invalid(what, `unknown scope "${spec.scope}"`);
      this.lib.rtnl_addr_set_scope(a, scope);
    }
    if (spec.validLifetime !== undefined) this.lib.rtnl_addr_set_valid_lifetime(a, this.uint(spec.validLifetime, what, 'validLifetime'));
    if (spec.preferredLifetime !== undefined) {
      this.lib.rtnl_addr_set_preferred_lifetime(a, this.uint(spec.preferredLifetime, what, 'preferredLifetime'));
    }
    return a;
  }

  route(s: Scope, spec: RouteSpec, what: string): RtnlRoute {
    const r = s.keep(this.lib.rtnl_route_alloc()) as RtnlRoute;
    const family = spec.family === 'inet6' ? AF_INET6 : spec.family === 'inet' ? AF_INET : AF_UNSPEC;
    const dst = this.addr(s, spec.dst, what, family);
    this.lib.rtnl_route_set_family(r, this.lib.nl_addr_get_family(dst));
    this.lib.rtnl_route_set_dst(r, dst);
    if (spec.table !== undefined) this.lib.rtnl_route_set_table(r, this.uint(spec.table, what, 'table'));
    if (spec.protocol !== undefined) {
      const p = this.lib.rtnl_route_str2proto(spec.protocol);
      if (p < 0) throw invalid(what, `unknown route protocol "${spec.protocol}"`);
      this.lib.rtnl_route_set_protocol(r, p);
    }
    if (spec.scope !== undefined) {
      const sc = this.lib.rtnl_str2scope(spec.scope);
      if (sc < 0) throw invalid(what, `unknown scope "${spec.scope}"`);
      this.lib.rtnl_route_set_scope(r, sc);
    }
    if (spec.type !== undefined) {
      const t = this.lib.nl_str2rtntype(spec.type);
      if (t < 0) throw invalid(what, `unknown route type "${spec.type}"`);
      this.lib.rtnl_route_set_type(r, t);
    }
    if (spec.priority !== undefined) this.lib.rtnl_route_set_priority(r, this.uint(spec.priority, what, 'priority'));
    if (spec.prefSrc) this.lib.rtnl_route_set_pref_src(r, this.addr(s, spec.prefSrc, what));
    for (const [name, value] of Object.entries(spec.metrics ?? {})) {
      const m = this.lib.rtnl_route_str2metric(name);
      if (m < 0) throw invalid(what, `unknown route metric "${name}"`);
      this.lib.rtnl_route_set_metric(r, m, this.uint(value, what, `metrics.${name}`));
    }
    const hops = spec.nexthops ?? (spec.gateway || spec.dev !== undefined ? [{ gateway: spec.gateway, dev: spec.dev }] : []);
    for (const hop of hops) {
      const nh = this.lib.rtnl_route_nh_alloc();
      if (hop.gateway) this.lib.rtnl_route_nh_set_gateway(nh, this.addr(s, hop.gateway, what));
      if (hop.dev !== undefined) this.lib.rtnl_route_nh_set_ifindex(nh, this.ifindexOf(hop.dev, what));
      // libnl sends its weight as rtnh_hops, which is the weight minus one.
      if (hop.weight !== undefined) this.lib.rtnl_route_nh_set_weight(nh, this.uint(hop.weight, what, 'weight', 1, 256) - 1);
      // The route now owns the nexthop and frees it with itself.
      this.lib.rtnl_route_add_nexthop(r, nh);
    }
    return r;
  }

  neighbour(s: Scope, spec: NeighbourSpec, what: string): RtnlNeigh {
    const n = s.keep(this.lib.rtnl_neigh_alloc()) as RtnlNeigh;
    this.lib.rtnl_neigh_set_ifindex(n, this.ifindexOf(spec.dev, what));
    const dst = this.addr(s, spec.dst, what);
    this.lib.rtnl_neigh_set_dst(n, dst);
    this.lib.rtnl_neigh_set_family(n, this.lib.nl_addr_get_family(dst));
    if (spec.lladdr) this.lib.rtnl_neigh_set_lladdr(n, this.mac(s, spec.lladdr, what));
    const state = this.lib.rtnl_neigh_str2state(spec.state ?? 'permanent');
    if (state < 0) throw invalid(what, `unknown neighbour state "${spec.state}"`);
    this.lib.rtnl_neigh_set_state(n, state);
    return n;
  }

  rule(s: Scope, spec: RuleSpec, what: string): RtnlRule {
    const r = s.keep(this.lib.rtnl_rule_alloc()) as RtnlRule;
    this.lib.rtnl_rule_set_family(r, spec.family === 'inet6' ? AF_INET6 : AF_INET);
    this.lib.rtnl_rule_set_prio(r, this.uint(spec.priority, what, 'priority'));
    const action = RULE_ACTIONS[spec.action ?? 'lookup'];
    if (action === undefined) throw invalid(what, `unknown rule action "${spec.action}"`);
    this.lib.rtnl_rule_set_action(r, action);
    if (spec.table !== undefined) this.lib.rtnl_rule_set_table(r, this.uint(spec.table, what, 'table'));
    if (spec.src) this.lib.rtnl_rule_set_src(r, this.addr(s, spec.src, what));
    if (spec.dst) this.lib.rtnl_rule_set_dst(r, this.addr(s, spec.dst, what));
    if (spec.iif) this.lib.rtnl_rule_set_iif(r, spec.iif);
    if (spec.oif) this.lib.rtnl_rule_set_oif(r, spec.oif);
    if (spec.mark !== undefined) this.lib.rtnl_rule_set_mark(r, this.uint(spec.mark, what, 'mark'));
    if (spec.mask !== undefined) this.lib.rtnl_rule_set_mask(r, this.uint(spec.mask, what, 'mask'));
    return r;
  }

  // --- traffic control ---------------------------------------------------------------

  /** With `identityOnly` (deletes), only what names the qdisc: link, parent, handle, kind. */
  qdisc(s: Scope, spec: QdiscSpec, what: string, identityOnly = false): RtnlQdisc {
    const q = s.keep(this.lib.rtnl_qdisc_alloc()) as RtnlQdisc;
    this.lib.rtnl_tc_set_ifindex(q, this.ifindexOf(spec.dev, what));
    this.lib.rtnl_tc_set_parent(q, this.handleOf(spec.parent, what));
    if (spec.handle) this.lib.rtnl_tc_set_handle(q, this.handleOf(spec.handle, what));
    if (spec.kind !== undefined) this.lib.rtnl_tc_set_kind(q, spec.kind);
    if (identityOnly) return q;
    const o = spec.options ?? {};
    switch (spec.kind) {
      case 'htb':
        if (o.defaultClass !== undefined) this.lib.rtnl_htb_set_defcls(q, this.handleOf(String(o.defaultClass), what));
        break;
      case 'tbf': {
        const rate = this.uint(o.rate, what, 'options.rate (bytes/s)', 1);
        const burst = this.uint(o.burst, what, 'options.burst (bytes)', 1);
        this.lib.rtnl_qdisc_tbf_set_rate(q, rate, burst, 0);
        if (o.limit !== undefined) this.lib.rtnl_qdisc_tbf_set_limit(q, this.uint(o.limit, what, 'options.limit'));
        else this.lib.rtnl_qdisc_tbf_set_limit_by_latency(q, this.uint(o.latency ?? 50000, what, 'options.latency (µs)'));
        break;
      }
      case 'pfifo':
      case 'bfifo':
        if (o.limit !== undefined) this.lib.rtnl_qdisc_fifo_set_limit(q, this.uint(o.limit, what, 'options.limit'));
        break;
      default:
        break;
    }
    return q;
  }

  klass(s: Scope, spec: ClassSpec, what: string, identityOnly = false): RtnlClass {
    const c = s.keep(this.lib.rtnl_class_alloc()) as RtnlClass;
    this.lib.rtnl_tc_set_ifindex(c, this.ifindexOf(spec.dev, what));
    this.lib.rtnl_tc_set_parent(c, this.handleOf(spec.parent, what));
    this.lib.rtnl_tc_set_handle(c, this.handleOf(spec.classid, what));
    this.lib.rtnl_tc_set_kind(c, spec.kind);
    if (identityOnly) return c;
    const o = spec.options ?? {};
    if (spec.kind === 'htb') {
      this.lib.rtnl_htb_set_rate(c, this.uint(o.rate, what, 'options.rate (bytes/s)', 1));
      if (o.ceil !== undefined) this.lib.rtnl_htb_set_ceil(c, this.uint(o.ceil, what, 'options.ceil (bytes/s)', 1));
      if (o.prio !== undefined) this.lib.rtnl_htb_set_prio(c, this.uint(o.prio, what, 'options.prio', 0, 7));
      if (o.quantum !== undefined) this.lib.rtnl_htb_set_quantum(c, this.uint(o.quantum, what, 'options.quantum', 1));
    }
    return c;
  }

  classifier(s: Scope, spec: ClassifierSpec, what: string): RtnlCls {
    const c = s.keep(this.lib.rtnl_cls_alloc()) as RtnlCls;
    this.lib.rtnl_tc_set_ifindex(c, this.ifindexOf(spec.dev, what));
    this.lib.rtnl_tc_set_parent(c, this.handleOf(spec.parent, what));
    if (spec.handle) this.lib.rtnl_tc_set_handle(c, this.handleOf(spec.handle, what));
    this.lib.rtnl_tc_set_kind(c, spec.kind);
    if (spec.prio !== undefined) this.lib.rtnl_cls_set_prio(c, this.uint(spec.prio, what, 'prio', 0, 65535));
    const proto = { ip: ETH_P_IP, ipv6: ETH_P_IPV6, all: ETH_P_ALL }[spec.protocol ?? 'ip'];
    if (proto === undefined) throw invalid(what, `unknown protocol "${spec.protocol}" (ip, ipv6, all)`);
    this.lib.rtnl_cls_set_protocol(c, proto);
    if (spec.kind === 'u32') {
      if (spec.classid) this.lib.rtnl_u32_set_classid(c, this.handleOf(spec.classid, what));
      for (const [field, offset] of [['dst', 16], ['src', 12]] as const) {
        const prefix = spec.match?.[field];
        if (!prefix) continue;
        const a = this.addr(s, prefix, what, AF_INET);
        this.lib.rtnl_u32_add_key_in_addr(c, this.lib.nl_addr_get_binary_addr(a), this.lib.nl_addr_get_prefixlen(a), offset, 0);
      }
    }
    return c;
  }

  conntrack(s: Scope, spec: ConntrackSpec, what: string): NfnlCt {
    const ct = s.keep(this.lib.nfnl_ct_alloc()) as NfnlCt;
    this.lib.nfnl_ct_set_family(ct, spec.family === 'inet6' ? AF_INET6 : AF_INET);
    const proto = typeof spec.protocol === 'number' ? spec.protocol : { tcp: 6, udp: 17, icmp: 1 }[spec.protocol];
    if (proto === undefined) throw invalid(what, `unknown protocol "${String(spec.protocol)}"`);
    this.lib.nfnl_ct_set_proto(ct, proto);
    const dirs = [[0, spec.orig], [1, spec.reply ?? {
      src: spec.orig.dst, dst: spec.orig.src, srcPort: spec.orig.dstPort, dstPort: spec.orig.srcPort,
    }]] as const;
    for (const [repl, t] of dirs) {
      this.lib.nfnl_ct_set_src(ct, repl, this.addr(s, t.src, what));
      this.lib.nfnl_ct_set_dst(ct, repl, this.addr(s, t.dst, what));
      if (t.srcPort !== undefined) this.lib.nfnl_ct_set_src_port(ct, repl, this.uint(t.srcPort, what, 'srcPort', 0, 65535));
      if (t.dstPort !== undefined) this.lib.nfnl_ct_set_dst_port(ct, repl, this.uint(t.dstPort, what, 'dstPort', 0, 65535));
    }
    if (spec.timeout !== undefined) this.lib.nfnl_ct_set_timeout(ct, this.uint(spec.timeout, what, 'timeout'));
    if (spec.mark !== undefined) this.lib.nfnl_ct_set_mark(ct, this.uint(spec.mark, what, 'mark'));
    if (spec.zone !== undefined) this.lib.nfnl_ct_set_zone(ct, this.uint(spec.zone, what, 'zone', 0, 65535));
    return ct;
  }
}
