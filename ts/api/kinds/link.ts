/**
 * Links (route/link): what a link looks like exported, and links made,
 * changed and deleted with libnl's rtnl_link_* setters and request
 * builders, as rtnl_link_add(), rtnl_link_change() and rtnl_link_delete()
 * build them.
 */
import { IFF_UP, NETLINK_ROUTE, NLE_OPNOTSUPP, NLM_F_CREATE, NLM_F_EXCL, RTM_NEWLINK, RTM_SETLINK } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import { decodeObject } from '../plain_data.js';
import { applyKindOptions, linkOptions } from './link_info.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { Link, LinkChange, LinkChangeSpec, LinkDeleteSpec, LinkInfo, LinkRef, LinkSpec, LinkStats } from '../types.js';

const stats: SchemaFor<LinkStats> = {
  rxPackets: t.counter(), txPackets: t.counter(), rxBytes: t.counter(), txBytes: t.counter(),
  rxErrors: t.counter(), txErrors: t.counter(), rxDropped: t.counter(), txDropped: t.counter(),
  multicast: t.counter(), collisions: t.counter(),
};

const info: SchemaFor<LinkInfo> = {
  id: t.opt(t.uint()), group: t.opt(t.addr()), local: t.opt(t.addr()), port: t.opt(t.uint()),
  device: t.opt(t.uint()), ttl: t.opt(t.int()), tos: t.opt(t.int()), learning: t.opt(t.bool()),
  ageing: t.opt(t.uint()), mode: t.opt(t.str()), flags: t.opt(t.uint()), peerIndex: t.opt(t.int()),
  portState: t.opt(t.str()), portPriority: t.opt(t.int()), portCost: t.opt(t.uint()),
};

export const linkObject: SchemaFor<Link> = {
  name: t.str(), index: t.int(), family: t.int(), kind: t.opt(t.str()), flags: t.uint(), flagNames: t.names(),
  mtu: t.uint(), txqlen: t.uint(), address: t.opt(t.str()), broadcast: t.opt(t.str()), master: t.opt(t.int()),
  link: t.opt(t.int()), operstate: t.str(), carrier: t.bool(), group: t.uint(), qdisc: t.opt(t.str()),
  alias: t.opt(t.str()), promiscuity: t.uint(), numTxQueues: t.uint(), numRxQueues: t.uint(),
  stats: t.obj(stats), info: t.obj(info),
};

const linkName = t.str();
const mtu = t.uint();

const linkSpec: SchemaFor<LinkSpec> = {
  name: linkName, kind: t.str(), mtu: t.opt(mtu), address: t.opt(t.mac()), up: t.opt(t.bool()),
  master: t.opt(t.link()), txqlen: t.opt(t.uint()),
  peer: t.opt(t.obj<NonNullable<LinkSpec['peer']>>({ name: linkName, mtu: t.opt(mtu), address: t.opt(t.mac()) })),
  ...linkOptions,
};

const changeSpec: SchemaFor<LinkChangeSpec> = {
  dev: t.link(), name: t.opt(linkName), mtu: t.opt(mtu), address: t.opt(t.mac()), up: t.opt(t.bool()),
  master: t.opt(t.orNull(t.link())),
  txqlen: t.opt(t.uint()), alias: t.opt(t.str()),
};

const deleteSpec: SchemaFor<LinkDeleteSpec> = { dev: t.link() };

/** Kinds libnl has no module for, sent with IFLA_INFO_KIND only. */
const WITHOUT_LIBNL_INFO = new Set(['tun', 'tap']);

function checkedName(b: RequestBuilder, name: string, field: string): string {
  if (!/^[^\s/:]{1,15}$/.test(name)) {
    throw b.invalid(`${field}: "${name}" is not a valid interface name (1-15 characters, no "/", ":" or spaces)`);
  }
  return name;
}

function newLink(b: RequestBuilder, spec: LinkSpec): number {
  const { x } = b;
  let link: number;
  if (spec.kind === 'veth') {
    link = b.own(x.rtnl_link_veth_alloc(), x.rtnl_link_put);
    const peer = b.own(x.rtnl_link_veth_get_peer(link), x.rtnl_link_put);
    if (spec.peer) {
      x.rtnl_link_set_name(peer, b.str(checkedName(b, spec.peer.name, 'spec.peer.name')));
      if (spec.peer.mtu !== undefined) x.rtnl_link_set_mtu(peer, spec.peer.mtu);
      if (spec.peer.address) x.rtnl_link_set_addr(peer, b.mac(spec.peer.address));
    }
  } else {
    link = b.own(x.rtnl_link_alloc(), x.rtnl_link_put);
    const r = x.rtnl_link_set_type(link, b.str(spec.kind));
    // A kind libnl has no module for is still sent as IFLA_INFO_KIND; an unknown one is the kernel's to refuse.
    if (r < 0 && !WITHOUT_LIBNL_INFO.has(spec.kind)) throw b.invalid(`spec.kind: unknown link kind "${spec.kind}"`, -r);
  }
  x.rtnl_link_set_name(link, b.str(checkedName(b, spec.name, 'spec.name')));
  if (spec.mtu !== undefined) x.rtnl_link_set_mtu(link, spec.mtu);
  if (spec.txqlen !== undefined) x.rtnl_link_set_txqlen(link, spec.txqlen);
  if (spec.address) x.rtnl_link_set_addr(link, b.mac(spec.address));
  if (spec.up) x.rtnl_link_set_flags(link, IFF_UP);
  if (spec.master !== undefined) x.rtnl_link_set_master(link, b.ifindex(spec.master, 'spec.master'));
  applyKindOptions(b, link, spec);
  if (spec.peer && spec.kind !== 'veth') throw b.invalid(`spec.peer is for veth links, not ${spec.kind}`);
  return link;
}

/** A link naming the one to change or delete, by index. */
function linkRef(b: RequestBuilder, ref: LinkRef): number {
  const l = b.own(b.x.rtnl_link_alloc(), b.x.rtnl_link_put);
  b.x.rtnl_link_set_ifindex(l, b.ifindex(ref, 'spec.dev'));
  return l;
}

export const link = kind<Link, { add: LinkSpec; change: LinkChangeSpec; delete: LinkDeleteSpec }, LinkRef, 'family'>()({
  name: 'link',
  property: 'links',
  cacheType: 'route/link',
  protocol: NETLINK_ROUTE,
  object: linkObject,
  list: 'family',
  familyInDump: true,
  dumpArgs: (o) => ({ arg1: o.family ?? 0, arg2: 0, flags: 0 }),
  requests: {
    add: {
      spec: linkSpec,
      build: (b, spec) => b.message((out) => b.x.rtnl_link_build_add_request(newLink(b, spec), NLM_F_CREATE | NLM_F_EXCL, out)),
    },
    change: {
      spec: changeSpec,
      build: (b, spec) => {
        const { x } = b;
        const c = b.own(x.rtnl_link_alloc(), x.rtnl_link_put);
        if (spec.name !== undefined) x.rtnl_link_set_name(c, b.str(checkedName(b, spec.name, 'spec.name')));
        if (spec.mtu !== undefined) x.rtnl_link_set_mtu(c, spec.mtu);
        if (spec.txqlen !== undefined) x.rtnl_link_set_txqlen(c, spec.txqlen);
        if (spec.address !== undefined) x.rtnl_link_set_addr(c, b.mac(spec.address));
        if (spec.alias !== undefined) x.rtnl_link_set_ifalias(c, b.str(spec.alias));
        if (spec.up === true) x.rtnl_link_set_flags(c, IFF_UP);
        if (spec.up === false) x.rtnl_link_unset_flags(c, IFF_UP);
        if (spec.master !== undefined) x.rtnl_link_set_master(c, spec.master === null ? 0 : b.ifindex(spec.master, 'spec.master'));
        return b.message((out) => x.rtnl_link_build_change_request(linkRef(b, spec.dev), c, 0, out));
      },
      // As rtnl_link_change(): a kernel that refuses the change as RTM_NEWLINK takes it as RTM_SETLINK.
      retry: (code, type) => (code === NLE_OPNOTSUPP && type === RTM_NEWLINK ? RTM_SETLINK : undefined),
    },
    delete: {
      spec: deleteSpec,
      build: (b, spec) => b.message((out) => b.x.rtnl_link_build_delete_request(linkRef(b, spec.dev), out)),
    },
  },
  methods: {
    /** Changes what `change` names of the link `dev` (by name or ifindex). */
    change: (dev: LinkRef, change: LinkChange): LinkChangeSpec => ({ ...change, dev }),
    delete: (dev: LinkRef): LinkDeleteSpec => ({ dev }),
  },
  /** The link by name or ifindex, as the kernel has it now (rtnl_link_get_kernel). */
  get: async (ctx, ref) => {
    const data = await ctx.op<Uint8Array | null>('getLink', ref);
    return data ? [decodeObject<Link>(data)] : [];
  },
});
