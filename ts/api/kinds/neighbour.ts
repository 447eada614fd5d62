/**
 * Neighbours (route/neigh): ARP/NDP entries and the bridge FDB entries
 * libnl lists with them, and neighbours added, replaced and deleted with
 * rtnl_neigh_build_add_request() and rtnl_neigh_build_delete_request().
 */
import { NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../libnl/generated/constants.js';
import { sameAddress } from '../addresses.js';
import { kind, type RequestKind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { Neighbour, NeighbourSpec } from '../types.js';

/** NL_CACHE_AF_ITER: bridge FDB entries too, as nl-neigh-list shows them. */
const NL_CACHE_AF_ITER = 1;

/** Also the FDB entries' (kinds/bridge.ts): libnl exports both as neighbours. */
export const neighbourObject: SchemaFor<Neighbour> = {
  family: t.int(), ifindex: t.int(), dst: t.opt(t.addr()), lladdr: t.opt(t.str()), state: t.uint(),
  stateNames: t.names(), flags: t.uint(), flagNames: t.names(), vlan: t.opt(t.int()), master: t.opt(t.int()),
};

const spec: SchemaFor<NeighbourSpec> = { dev: t.link(), dst: t.addr(), lladdr: t.opt(t.mac()), state: t.opt(t.str()) };

function neighbour(b: RequestBuilder, s: NeighbourSpec): number {
  const { x } = b;
  const n = b.own(x.rtnl_neigh_alloc(), x.rtnl_neigh_put);
  x.rtnl_neigh_set_ifindex(n, b.ifindex(s.dev, 'spec.dev'));
  const dst = b.addr(s.dst, 'spec.dst');
  b.check(x.rtnl_neigh_set_dst(n, dst), 'spec.dst');
  x.rtnl_neigh_set_family(n, x.nl_addr_get_family(dst));
  if (s.lladdr) x.rtnl_neigh_set_lladdr(n, b.mac(s.lladdr));
  x.rtnl_neigh_set_state(n, b.named(x.rtnl_neigh_str2state, s.state ?? 'permanent', 'spec.state', 'neighbour state'));
  return n;
}

const add = (flags: number): RequestKind<NeighbourSpec> => ({
  spec,
  build: (b, s) => b.message((out) => b.x.rtnl_neigh_build_add_request(neighbour(b, s), flags, out)),
});

export const neighbourKind = kind<Neighbour, { add: NeighbourSpec; change: NeighbourSpec; delete: NeighbourSpec },
  Pick<NeighbourSpec, 'dev' | 'dst'>, 'family'>()({
  name: 'neighbour',
  property: 'neighbours',
  cacheType: 'route/neigh',
  protocol: NETLINK_ROUTE,
  object: neighbourObject,
  list: 'family',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: NL_CACHE_AF_ITER }),
  requests: {
    add: add(NLM_F_CREATE | NLM_F_EXCL),
    change: add(NLM_F_CREATE | NLM_F_REPLACE),
    delete: {
      spec,
      build: (b, s) => b.message((out) => b.x.rtnl_neigh_build_delete_request(neighbour(b, s), 0, out)),
    },
  },
  get: async (ctx, key) => {
    const ifindex = await ctx.ifindex(key.dev);
    return ctx.list({ where: (n) => n.ifindex === ifindex && sameAddress(n.dst, key.dst) });
  },
});
