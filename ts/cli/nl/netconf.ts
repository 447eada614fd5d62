/**
 * nl netconf: per-device IP configuration as `ip netconf` shows it
 * (forwarding, rp_filter, ...); the kernel takes no changes here (sysctl).
 */
import type { Netconf } from '../../api/types.js';
import type { Args } from './args.js';
import { devCell, familyName } from './cells.js';
import type { Command, Context } from './context.js';

const usage = 'nl netconf list [dev DEV]';

/** rp_filter's values by `ip netconf`'s names. */
const RP_FILTER = ['off', 'strict', 'loose'];

const flag = (v: number | undefined): string => (v === undefined ? '' : v ? 'on' : 'off');

async function list(ctx: Context, args: Args): Promise<void> {
  let dev: number | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = await ctx.ifindex(args.value(w));
    else args.unknown(w);
  }
  const rows = await ctx.client.netconf.list({ family: ctx.options.family, where: (n: Netconf) => dev === undefined || n.ifindex === dev });
  await ctx.show(rows, (names) => [
    { header: 'family', cell: (n) => familyName(n.family) },
    { header: 'dev', cell: (n) => (n.ifindex === -1 ? 'all' : n.ifindex === -2 ? 'default' : devCell(names, n.ifindex)) },
    { header: 'forwarding', cell: (n) => flag(n.forwarding) },
    { header: 'rp_filter', cell: (n) => (n.rpFilter === undefined ? '' : RP_FILTER[n.rpFilter] ?? String(n.rpFilter)) },
    { header: 'mc_forwarding', cell: (n) => flag(n.mcForwarding) },
    { header: 'proxy_neigh', cell: (n) => flag(n.proxyNeigh) },
    { header: 'ignore_routes_with_linkdown', cell: (n) => flag(n.ignoreRoutesWithLinkdown) },
  ]);
}

export const netconf: Command = { names: ['netconf'], usage, verbs: { list } };
