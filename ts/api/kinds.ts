/**
 * Which libnl cache type, netlink protocol and cache arguments each kind of
 * object is dumped with: what the matching *_alloc_cache() function would
 * put in its cache (see lib/route/*.c), so that a dump asks the kernel the
 * same question libnl's caches ask.
 */
import type { Kind } from './types.js';

export const NETLINK_ROUTE = 0;
export const NETLINK_INET_DIAG = 4;
export const NETLINK_XFRM = 6;
export const NETLINK_NETFILTER = 12;
export const NETLINK_GENERIC = 16;

export const NL_CACHE_AF_ITER = 1;

export type DumpKind = Kind | 'genl' | 'conntrack' | 'socket' | 'xfrm-sa' | 'xfrm-sp';

export interface DumpArgs {
  /** family for links/routes/sockets, ifindex for classes/classifiers */
  arg1: number;
  /** route flags, classifier parent, socket states */
  arg2: number;
  flags: number;
}

export interface KindInfo {
  cacheType: string;
  protocol: number;
}

export const KINDS: Record<DumpKind, KindInfo> = {
  link: { cacheType: 'route/link', protocol: NETLINK_ROUTE },
  address: { cacheType: 'route/addr', protocol: NETLINK_ROUTE },
  route: { cacheType: 'route/route', protocol: NETLINK_ROUTE },
  neighbour: { cacheType: 'route/neigh', protocol: NETLINK_ROUTE },
  rule: { cacheType: 'route/rule', protocol: NETLINK_ROUTE },
  qdisc: { cacheType: 'route/qdisc', protocol: NETLINK_ROUTE },
  class: { cacheType: 'route/class', protocol: NETLINK_ROUTE },
  classifier: { cacheType: 'route/cls', protocol: NETLINK_ROUTE },
  genl: { cacheType: 'genl/family', protocol: NETLINK_GENERIC },
  conntrack: { cacheType: 'netfilter/ct', protocol: NETLINK_NETFILTER },
  socket: { cacheType: 'idiag/idiag', protocol: NETLINK_INET_DIAG },
  'xfrm-sa': { cacheType: 'xfrm/sa', protocol: NETLINK_XFRM },
  'xfrm-sp': { cacheType: 'xfrm/sp', protocol: NETLINK_XFRM },
};

/** Options of a dump, as the client passes them to its worker. */
export interface DumpOptions {
  /** AF_* to restrict links, routes or sockets to (0: all) */
  family?: number;
  /** classes and classifiers are dumped per link */
  ifindex?: number;
  /** classifiers: the qdisc or class they hang off (TC handle) */
  parent?: number;
  /** sockets: TCP state bit mask (default: all) */
  states?: number;
}

/** IDIAGNL_SS_ALL: every TCP state. */
const ALL_STATES = 0xfff;

export function dumpArgs(kind: DumpKind, o: DumpOptions): DumpArgs {
  switch (kind) {
    case 'link':
      return { arg1: o.family ?? 0, arg2: 0, flags: 0 };
    case 'route':
      return { arg1: o.family ?? 0, arg2: 0, flags: 0 };
    case 'neighbour':
      // Bridge FDB entries too, as nl-neigh-list shows them.
      return { arg1: 0, arg2: 0, flags: NL_CACHE_AF_ITER };
    case 'class':
      return { arg1: o.ifindex ?? 0, arg2: 0, flags: 0 };
    case 'classifier':
      return { arg1: o.ifindex ?? 0, arg2: o.parent ?? 0, flags: 0 };
    case 'socket':
      return { arg1: o.family ?? 2, arg2: o.states ?? ALL_STATES, flags: 0 };
    default:
      return { arg1: 0, arg2: 0, flags: 0 };
  }
}
