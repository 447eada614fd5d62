/**
 * A bridge's tables: forwarding database entries (route/neigh of family
 * AF_BRIDGE: libnl's neighbour object with NTF_MASTER/NTF_SELF, built with
 * rtnl_neigh_build_add_request()) and multicast database entries
 * (route/mdb). libnl 3.7 parses MDB dumps but has no MDB request builder,
 * so an MDB request is made with libnl's message API (nlmsg_alloc_simple,
 * nlmsg_append, nla_put) the way `bridge mdb add` lays it out.
 */
import {
  AF_BRIDGE, ETH_P_IP, ETH_P_IPV6, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, NTF_MASTER, NTF_SELF, NUD_NOARP,
  NUD_PERMANENT, NUD_REACHABLE, RTM_DELMDB, RTM_NEWMDB,
} from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { FdbEntry, FdbSpec, Mdb, MdbPort, MdbSpec } from '../types.js';
import { neighbourObject } from './neighbour.js';

/** ndm_state as `bridge fdb add` sets it for each of its words ("permanent" without one). */
const FDB_STATES: Record<NonNullable<FdbSpec['state']>, number> = {
  permanent: NUD_NOARP | NUD_PERMANENT,
  static: NUD_NOARP | NUD_REACHABLE,
  dynamic: NUD_REACHABLE,
};

const fdbSpec: SchemaFor<FdbSpec> = {
  dev: t.link(), lladdr: t.mac(), master: t.opt(t.bool()), self: t.opt(t.bool()),
  state: t.opt(t.oneOf(['permanent', 'static', 'dynamic'] as const)), vlan: t.opt(t.uint(4094, 1)), dst: t.opt(t.addr()),
};

function fdb(b: RequestBuilder, s: FdbSpec): number {
  const { x } = b;
  const n = b.own(x.rtnl_neigh_alloc(), x.rtnl_neigh_put);
  x.rtnl_neigh_set_family(n, AF_BRIDGE);
  x.rtnl_neigh_set_ifindex(n, b.ifindex(s.dev, 'spec.dev'));
  x.rtnl_neigh_set_lladdr(n, b.mac(s.lladdr));
  // As `bridge fdb add`: the device's own entry unless the bridge's is asked for.
  x.rtnl_neigh_set_flags(n, (s.master ? NTF_MASTER : 0) | (s.self || !s.master ? NTF_SELF : 0));
  x.rtnl_neigh_set_state(n, FDB_STATES[s.state ?? 'permanent']);
  if (s.vlan !== undefined) x.rtnl_neigh_set_vlan(n, s.vlan);
  if (s.dst) b.check(x.rtnl_neigh_set_dst(n, b.addr(s.dst, 'spec.dst')), 'spec.dst');
  return n;
}

const ADD = NLM_F_CREATE | NLM_F_EXCL;

export const fdbKind = kind<FdbEntry, { add: FdbSpec; delete: FdbSpec }, Pick<FdbSpec, 'dev' | 'lladdr' | 'vlan'>>()({
  name: 'fdb',
  property: 'bridge.fdb',
  cacheType: 'route/neigh',
  protocol: NETLINK_ROUTE,
  object: neighbourObject,
  list: 'plain',
  dumpArgs: () => ({ arg1: AF_BRIDGE, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: fdbSpec, build: (b, s) => b.message((out) => b.x.rtnl_neigh_build_add_request(fdb(b, s), ADD, out)) },
    delete: { spec: fdbSpec, build: (b, s) => b.message((out) => b.x.rtnl_neigh_build_delete_request(fdb(b, s), 0, out)) },
  },
  /** The entry for `lladdr` on `dev` (in `vlan`, when given). */
  get: async (ctx, key) => {
    const ifindex = await ctx.ifindex(key.dev);
    const mac = key.lladdr.toLowerCase();
    return ctx.list({ where: (n) => n.ifindex === ifindex && n.lladdr === mac && (key.vlan === undefined || n.vlan === key.vlan) });
  },
});

const mdbPort: SchemaFor<MdbPort> = { port: t.uint(), group: t.opt(t.addr()), vlan: t.uint(), state: t.oneOf(['temp', 'permanent']) };

const mdbSpec: SchemaFor<MdbSpec> = {
  dev: t.link(), port: t.link(), group: t.addr(), permanent: t.opt(t.bool()), vlan: t.opt(t.uint(4094, 1)),
};

/** MDBA_SET_ENTRY, struct br_mdb_entry's size and MDB_PERMANENT (linux/if_bridge.h). */
const MDBA_SET_ENTRY = 1;
const BR_MDB_ENTRY_BYTES = 28;
const MDB_PERMANENT = 1;
/** struct br_port_msg: family, padding, the bridge's ifindex. */
const BR_PORT_MSG_BYTES = 8;
const NLMSG_ALIGNTO = 4;

function mdbRequest(b: RequestBuilder, type: number, flags: number, s: MdbSpec): number {
  const { x } = b;
  const header = new Uint8Array(BR_PORT_MSG_BYTES);
  const h = new DataView(header.buffer);
  h.setUint8(0, AF_BRIDGE);
  h.setUint32(4, b.ifindex(s.dev, 'spec.dev'), true);
  const group = b.addrBytes(b.addr(s.group, 'spec.group'));
  const entry = new Uint8Array(BR_MDB_ENTRY_BYTES);
  const e = new DataView(entry.buffer);
  e.setUint32(0, b.ifindex(s.port, 'spec.port'), true);
  e.setUint8(4, s.permanent ? MDB_PERMANENT : 0);
  e.setUint16(6, s.vlan ?? 0, true);
  entry.set(group, 8);
  e.setUint16(24, group.length === 4 ? ETH_P_IP : ETH_P_IPV6, false);
  const msg = x.nlmsg_alloc_simple(type, flags) >>> 0;
  if (!msg) throw b.invalid('out of memory', 5);
  try {
    b.check(x.nlmsg_append(msg, b.bytes(header), BR_PORT_MSG_BYTES, NLMSG_ALIGNTO));
    b.check(x.nla_put(msg, MDBA_SET_ENTRY, BR_MDB_ENTRY_BYTES, b.bytes(entry)));
  } catch (err) {
    x.nlmsg_free(msg);
    throw err;
  }
  return msg;
}

export const mdbKind = kind<Mdb, { add: MdbSpec; delete: MdbSpec }>()({
  name: 'mdb',
  property: 'bridge.mdb',
  cacheType: 'route/mdb',
  protocol: NETLINK_ROUTE,
  object: { ifindex: t.uint(), entries: t.arr(t.obj(mdbPort)) },
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: mdbSpec, build: (b, s) => mdbRequest(b, RTM_NEWMDB, ADD, s) },
    delete: { spec: mdbSpec, build: (b, s) => mdbRequest(b, RTM_DELMDB, 0, s) },
  },
});
