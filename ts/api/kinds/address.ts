/**
 * Addresses (route/addr): exported addresses, and addresses added, replaced
 * (the kernel then updates their lifetimes only) and deleted with
 * rtnl_addr_build_add_request() and rtnl_addr_build_delete_request().
 */
import { NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE } from '../../libnl/generated/constants.js';
import { kind, type RequestKind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { sameAddress } from '../addresses.js';
import { t, type SchemaFor } from '../schema.js';
import type { Address, AddressSpec } from '../types.js';

const object: SchemaFor<Address> = {
  family: t.int(), ifindex: t.int(), label: t.opt(t.str()), local: t.opt(t.addr()), prefixlen: t.int(),
  peer: t.opt(t.addr()), broadcast: t.opt(t.addr()), scope: t.str(), flags: t.uint(), flagNames: t.names(),
  validLifetime: t.uint(), preferredLifetime: t.uint(),
};

const spec: SchemaFor<AddressSpec> = {
  dev: t.link(), local: t.addr(), peer: t.opt(t.addr()), broadcast: t.opt(t.addr()), label: t.opt(t.str()),
  scope: t.opt(t.str()), validLifetime: t.opt(t.uint()), preferredLifetime: t.opt(t.uint()),
};

function address(b: RequestBuilder, s: AddressSpec): number {
  const { x } = b;
  const a = b.own(x.rtnl_addr_alloc(), x.rtnl_addr_put);
  x.rtnl_addr_set_ifindex(a, b.ifindex(s.dev, 'spec.dev'));
  b.check(x.rtnl_addr_set_local(a, b.addr(s.local, 'spec.local')), 'spec.local');
  if (s.peer) b.check(x.rtnl_addr_set_peer(a, b.addr(s.peer, 'spec.peer')), 'spec.peer');
  if (s.broadcast) b.check(x.rtnl_addr_set_broadcast(a, b.addr(s.broadcast, 'spec.broadcast')), 'spec.broadcast');
  if (s.label) b.check(x.rtnl_addr_set_label(a, b.str(s.label)), 'spec.label');
  if (s.scope) x.rtnl_addr_set_scope(a, b.named(x.rtnl_str2scope, s.scope, 'spec.scope', 'scope'));
  if (s.validLifetime !== undefined) x.rtnl_addr_set_valid_lifetime(a, s.validLifetime);
  if (s.preferredLifetime !== undefined) x.rtnl_addr_set_preferred_lifetime(a, s.preferredLifetime);
  return a;
}

const add = (flags: number): RequestKind<AddressSpec> => ({
  spec,
  build: (b, s) => b.message((out) => b.x.rtnl_addr_build_add_request(address(b, s), flags, out)),
});

export const addressKind = kind<Address, { add: AddressSpec; change: AddressSpec; delete: AddressSpec },
  Pick<AddressSpec, 'dev' | 'local'>, 'family'>()({
  name: 'address',
  property: 'addresses',
  cacheType: 'route/addr',
  protocol: NETLINK_ROUTE,
  object,
  list: 'family',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: add(NLM_F_CREATE | NLM_F_EXCL),
    /** Replaces the address; the kernel then updates its lifetimes only. */
    change: add(NLM_F_CREATE | NLM_F_REPLACE),
    delete: {
      spec,
      build: (b, s) => b.message((out) => b.x.rtnl_addr_build_delete_request(address(b, s), 0, out)),
    },
  },
  /** The address `local` ("10.0.0.1/24" or "10.0.0.1") on `dev`. */
  get: async (ctx, key) => {
    const ifindex = await ctx.ifindex(key.dev);
    return ctx.list({ where: (a) => a.ifindex === ifindex && sameAddress(a.local, key.local) });
  },
});
