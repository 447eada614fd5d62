/**
 * Per-device IP configuration (route/netconf): forwarding, rp_filter and
 * the rest of what RTM_GETNETCONF reports, per family and device, as `ip
 * netconf` shows it. The kernel takes no netconf requests (these are
 * sysctls), so the kind only lists.
 */
import { NETLINK_ROUTE } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import { t } from '../schema.js';
import type { LinkRef, Netconf } from '../types.js';

export const netconfKind = kind<Netconf, Record<never, never>, { dev: LinkRef | 'all' | 'default'; family?: 'inet' | 'inet6' }, 'family'>()({
  name: 'netconf',
  property: 'netconf',
  cacheType: 'route/netconf',
  protocol: NETLINK_ROUTE,
  object: {
    family: t.int(), ifindex: t.int(), forwarding: t.opt(t.int()), rpFilter: t.opt(t.int()), mcForwarding: t.opt(t.int()),
    proxyNeigh: t.opt(t.int()), ignoreRoutesWithLinkdown: t.opt(t.int()), input: t.opt(t.int()),
  },
  list: 'family',
  familyInDump: true,
  // AF_UNSPEC: the kernel answers for every family it has.
  dumpArgs: (o) => ({ arg1: o.family ?? 0, arg2: 0, flags: 0 }),
  /** A device's configuration ("all" and "default" being the kernel's two others), of `family` (default IPv4). */
  get: async (ctx, key) => {
    const ifindex = key.dev === 'all' ? -1 : key.dev === 'default' ? -2 : await ctx.ifindex(key.dev);
    return ctx.list({ family: key.family ?? 'inet', where: (n) => n.ifindex === ifindex });
  },
});
