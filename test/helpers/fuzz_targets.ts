/**
 * What the fuzzer feeds: libnl's object kinds (the cache operations that
 * nl_msg_parse() dispatches to, by protocol and message type, with the size
 * of the fixed header before their attributes), and the cache fills (each
 * *_alloc_cache function, which sends one dump request and parses the
 * answer). The corpus capture (bench/fuzz_corpus.ts) runs the same fills
 * against a real kernel.
 */
import type { LibnlSync } from '../../dist/index.js';
import type { NlCache, NlSock } from '../../dist/libnl/generated/api.js';

export const NETLINK_ROUTE = 0;
export const NETLINK_INET_DIAG = 4;
export const NETLINK_XFRM = 6;
export const NETLINK_NETFILTER = 12;
export const NETLINK_GENERIC = 16;

const AF_UNSPEC = 0;
const AF_INET = 2;
/** IDIAGNL_SS_ALL: every TCP state */
const IDIAG_ALL_STATES = 0xfff;

export interface ObjectKind {
  /** libnl's cache operations name (nl_object_get_type()). */
  name: string;
  protocol: number;
  /** Message types its parser accepts (the first: what a dump answers with). */
  types: readonly number[];
  /** Size of the fixed header between nlmsghdr and the attributes. */
  hdrSize: number;
}

const tc = (name: string, base: number): ObjectKind =>
  ({ name, protocol: NETLINK_ROUTE, types: [base, base + 1, base + 2], hdrSize: 20 });

export const KINDS: readonly ObjectKind[] = [
  { name: 'route/link', protocol: NETLINK_ROUTE, types: [16, 17, 18, 19], hdrSize: 16 },
  { name: 'route/addr', protocol: NETLINK_ROUTE, types: [20, 21, 22], hdrSize: 8 },
  { name: 'route/route', protocol: NETLINK_ROUTE, types: [24, 25, 26], hdrSize: 12 },
  { name: 'route/neigh', protocol: NETLINK_ROUTE, types: [28, 29, 30], hdrSize: 12 },
  { name: 'route/rule', protocol: NETLINK_ROUTE, types: [32, 33, 34], hdrSize: 12 },
  tc('route/qdisc', 36),
  tc('route/class', 40),
  tc('route/cls', 44),
  tc('route/act', 48),
  { name: 'route/neightbl', protocol: NETLINK_ROUTE, types: [64, 67, 66], hdrSize: 4 },
  { name: 'route/netconf', protocol: NETLINK_ROUTE, types: [80, 81, 82], hdrSize: 4 },
  { name: 'route/mdb', protocol: NETLINK_ROUTE, types: [84, 85, 86], hdrSize: 8 },
  // CTRL_CMD_NEWFAMILY from the controller (GENL_ID_CTRL); genlmsghdr is 4 bytes.
  { name: 'genl/family', protocol: NETLINK_GENERIC, types: [0x10], hdrSize: 4 },
  // nfnetlink: subsystem << 8 | message; nfgenmsg is 4 bytes.
  { name: 'netfilter/ct', protocol: NETLINK_NETFILTER, types: [0x100, 0x101, 0x102], hdrSize: 4 },
  { name: 'netfilter/exp', protocol: NETLINK_NETFILTER, types: [0x200, 0x201, 0x202], hdrSize: 4 },
  { name: 'netfilter/queue_msg', protocol: NETLINK_NETFILTER, types: [0x300], hdrSize: 4 },
  { name: 'netfilter/log_msg', protocol: NETLINK_NETFILTER, types: [0x400], hdrSize: 4 },
  // TCPDIAG_GETSOCK answers; struct inet_diag_msg is 72 bytes.
  { name: 'idiag/idiag', protocol: NETLINK_INET_DIAG, types: [18, 19], hdrSize: 72 },
  // struct xfrm_usersa_info (224) and xfrm_userpolicy_info (168): same size in wasm32.
  { name: 'xfrm/sa', protocol: NETLINK_XFRM, types: [0x10, 0x11, 0x12, 0x18, 0x1a], hdrSize: 224 },
  { name: 'xfrm/sp', protocol: NETLINK_XFRM, types: [0x13, 0x14, 0x15, 0x19], hdrSize: 168 },
];

export function kindOf(protocol: number, type: number): ObjectKind | undefined {
  return KINDS.find((k) => k.protocol === protocol && k.types.includes(type));
}

export interface FillTarget {
  /** The kind whose dump this is (also the corpus key). */
  kind: string;
  protocol: number;
  /** The libnl function, for reports. */
  fn: string;
  /** Calls it; `args` are the corpus's (an ifindex, a parent handle). */
  fill(lib: LibnlSync, sk: NlSock, args: readonly number[]): NlCache;
}

export const FILLS: readonly FillTarget[] = [
  { kind: 'route/link', protocol: NETLINK_ROUTE, fn: 'rtnl_link_alloc_cache', fill: (l, sk) => l.rtnl_link_alloc_cache(sk, AF_UNSPEC) },
  { kind: 'route/addr', protocol: NETLINK_ROUTE, fn: 'rtnl_addr_alloc_cache', fill: (l, sk) => l.rtnl_addr_alloc_cache(sk) },
  { kind: 'route/route', protocol: NETLINK_ROUTE, fn: 'rtnl_route_alloc_cache', fill: (l, sk) => l.rtnl_route_alloc_cache(sk, AF_UNSPEC, 0) },
  { kind: 'route/neigh', protocol: NETLINK_ROUTE, fn: 'rtnl_neigh_alloc_cache', fill: (l, sk) => l.rtnl_neigh_alloc_cache(sk) },
  { kind: 'route/rule', protocol: NETLINK_ROUTE, fn: 'rtnl_rule_alloc_cache', fill: (l, sk) => l.rtnl_rule_alloc_cache(sk, AF_UNSPEC) },
  { kind: 'route/qdisc', protocol: NETLINK_ROUTE, fn: 'rtnl_qdisc_alloc_cache', fill: (l, sk) => l.rtnl_qdisc_alloc_cache(sk) },
  { kind: 'route/class', protocol: NETLINK_ROUTE, fn: 'rtnl_class_alloc_cache', fill: (l, sk, a) => l.rtnl_class_alloc_cache(sk, a[0] ?? 1) },
  { kind: 'route/cls', protocol: NETLINK_ROUTE, fn: 'rtnl_cls_alloc_cache', fill: (l, sk, a) => l.rtnl_cls_alloc_cache(sk, a[0] ?? 1, a[1] ?? 0) },
  { kind: 'route/neightbl', protocol: NETLINK_ROUTE, fn: 'rtnl_neightbl_alloc_cache', fill: (l, sk) => l.rtnl_neightbl_alloc_cache(sk) },
  { kind: 'route/netconf', protocol: NETLINK_ROUTE, fn: 'rtnl_netconf_alloc_cache', fill: (l, sk) => l.rtnl_netconf_alloc_cache(sk) },
  { kind: 'route/mdb', protocol: NETLINK_ROUTE, fn: 'rtnl_mdb_alloc_cache', fill: (l, sk) => l.rtnl_mdb_alloc_cache(sk) },
  { kind: 'genl/family', protocol: NETLINK_GENERIC, fn: 'genl_ctrl_alloc_cache', fill: (l, sk) => l.genl_ctrl_alloc_cache(sk) },
  { kind: 'netfilter/ct', protocol: NETLINK_NETFILTER, fn: 'nfnl_ct_alloc_cache', fill: (l, sk) => l.nfnl_ct_alloc_cache(sk) },
  { kind: 'netfilter/exp', protocol: NETLINK_NETFILTER, fn: 'nfnl_exp_alloc_cache', fill: (l, sk) => l.nfnl_exp_alloc_cache(sk) },
  { kind: 'idiag/idiag', protocol: NETLINK_INET_DIAG, fn: 'idiagnl_msg_alloc_cache', fill: (l, sk) => l.idiagnl_msg_alloc_cache(sk, AF_INET, IDIAG_ALL_STATES) },
  { kind: 'xfrm/sa', protocol: NETLINK_XFRM, fn: 'xfrmnl_sa_alloc_cache', fill: (l, sk) => l.xfrmnl_sa_alloc_cache(sk) },
  { kind: 'xfrm/sp', protocol: NETLINK_XFRM, fn: 'xfrmnl_sp_alloc_cache', fill: (l, sk) => l.xfrmnl_sp_alloc_cache(sk) },
];
