/**
 * Routes (route/route): exported routes with their next hops, and routes
 * added, replaced and deleted with rtnl_route_build_add_request() and
 * rtnl_route_build_del_request(), as rtnl_route_add() and
 * rtnl_route_delete() send them.
 */
import {
  AF_INET, AF_INET6, AF_UNSPEC, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, RTN_UNSPEC, RT_SCOPE_NOWHERE,
  RT_TABLE_MAIN,
} from '../../libnl/generated/constants.js';
import { sameAddress } from '../addresses.js';
import { kind, type RequestKind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { NextHop, NextHopSpec, Route, RouteSpec } from '../types.js';

const nexthop: SchemaFor<NextHop> = {
  ifindex: t.int(), gateway: t.opt(t.addr()), weight: t.uint(), flags: t.uint(), realms: t.opt(t.uint()),
};

const object: SchemaFor<Route> = {
  family: t.int(), table: t.uint(), protocol: t.str(), scope: t.str(), type: t.str(), dst: t.opt(t.str()),
  src: t.opt(t.str()), prefSrc: t.opt(t.addr()), priority: t.uint(), tos: t.uint(), iif: t.opt(t.int()),
  flags: t.uint(), metrics: t.rec(t.uint()), nexthops: t.arr(t.obj(nexthop)),
};

const nexthopSpec: SchemaFor<NextHopSpec> = { gateway: t.opt(t.addr()), dev: t.opt(t.link()), weight: t.opt(t.uint(256, 1)) };

const spec: SchemaFor<RouteSpec> = {
  dst: t.addr(), family: t.opt(t.oneOf(['inet', 'inet6'])), gateway: t.opt(t.addr()), dev: t.opt(t.link()),
  nexthops: t.opt(t.arr(t.obj(nexthopSpec))), table: t.opt(t.uint()), protocol: t.opt(t.str()),
  scope: t.opt(t.str()), type: t.opt(t.str()), priority: t.opt(t.uint()), prefSrc: t.opt(t.addr()),
  metrics: t.opt(t.rec(t.uint())),
};

const FAMILIES = { inet: AF_INET, inet6: AF_INET6 } as const;

function route(b: RequestBuilder, s: RouteSpec): number {
  const { x } = b;
  const r = b.own(x.rtnl_route_alloc(), x.rtnl_route_put);
  const dst = b.addr(s.dst, 'spec.dst', s.family ? FAMILIES[s.family] : AF_UNSPEC);
  x.rtnl_route_set_family(r, x.nl_addr_get_family(dst));
  b.check(x.rtnl_route_set_dst(r, dst), 'spec.dst');
  if (s.table !== undefined) x.rtnl_route_set_table(r, s.table);
  if (s.protocol !== undefined) x.rtnl_route_set_protocol(r, b.named(x.rtnl_route_str2proto, s.protocol, 'spec.protocol', 'route protocol'));
  if (s.scope !== undefined) x.rtnl_route_set_scope(r, b.named(x.rtnl_str2scope, s.scope, 'spec.scope', 'scope'));
  if (s.type !== undefined) b.check(x.rtnl_route_set_type(r, b.named(x.nl_str2rtntype, s.type, 'spec.type', 'route type')), 'spec.type');
  if (s.priority !== undefined) x.rtnl_route_set_priority(r, s.priority);
  if (s.prefSrc) b.check(x.rtnl_route_set_pref_src(r, b.addr(s.prefSrc, 'spec.prefSrc')), 'spec.prefSrc');
  for (const [name, value] of Object.entries(s.metrics ?? {})) {
    b.check(x.rtnl_route_set_metric(r, b.named(x.rtnl_route_str2metric, name, `spec.metrics.${name}`, 'route metric'), value));
  }
  if (s.nexthops && (s.gateway || s.dev !== undefined)) throw b.invalid('give spec.gateway/spec.dev or spec.nexthops, not both');
  const hops = s.nexthops ?? (s.gateway || s.dev !== undefined ? [{ gateway: s.gateway, dev: s.dev }] : []);
  hops.forEach((hop, i) => {
    const field = s.nexthops ? `spec.nexthops[${i}]` : 'spec';
    const nh = x.rtnl_route_nh_alloc();
    if (!nh) throw b.invalid('out of memory', 5);
    // The route owns the next hop once added; until then it is freed here if building fails.
    try {
      if (hop.gateway) x.rtnl_route_nh_set_gateway(nh, b.addr(hop.gateway, `${field}.gateway`));
      if (hop.dev !== undefined) x.rtnl_route_nh_set_ifindex(nh, b.ifindex(hop.dev, `${field}.dev`));
      // libnl sends its weight as rtnh_hops, which is the weight minus one.
      if (hop.weight !== undefined) x.rtnl_route_nh_set_weight(nh, hop.weight - 1);
    } catch (e) {
      x.rtnl_route_nh_free(nh);
      throw e;
    }
    x.rtnl_route_add_nexthop(r, nh);
  });
  return r;
}

const add = (flags: number): RequestKind<RouteSpec> => ({
  spec,
  build: (b, s) => b.message((out) => b.x.rtnl_route_build_add_request(route(b, s), flags, out)),
});

export const routeKind = kind<Route, { add: RouteSpec; change: RouteSpec; delete: RouteSpec },
  Pick<RouteSpec, 'dst' | 'table' | 'family'>, 'family'>()({
  name: 'route',
  property: 'routes',
  cacheType: 'route/route',
  protocol: NETLINK_ROUTE,
  object,
  list: 'family',
  familyInDump: true,
  dumpArgs: (o) => ({ arg1: o.family ?? 0, arg2: 0, flags: 0 }),
  requests: {
    add: add(NLM_F_CREATE | NLM_F_EXCL),
    /** Replaces the route with the same destination, table and priority. */
    change: add(NLM_F_CREATE | NLM_F_REPLACE),
    delete: {
      spec,
      build: (b, s) => {
        const r = route(b, s);
        // As `ip route del`: any type and scope unless given.
        if (s.type === undefined) b.x.rtnl_route_set_type(r, RTN_UNSPEC);
        if (s.scope === undefined) b.x.rtnl_route_set_scope(r, RT_SCOPE_NOWHERE);
        return b.message((out) => b.x.rtnl_route_build_del_request(r, 0, out));
      },
    },
  },
  /** The route to `dst` in `table` (default: main) with the lowest priority. */
  get: async (ctx, key) => {
    const table = key.table ?? RT_TABLE_MAIN;
    const found = await ctx.list({ family: key.family, where: (r) => r.table === table && sameAddress(r.dst ?? 'default', key.dst) });
    return found.sort((a, b) => a.priority - b.priority).slice(0, 1);
  },
});
