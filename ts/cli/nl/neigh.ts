/**
 * nl neigh: list, add, set (replace), del, with `ip neigh`'s words.
 */
import type { Neighbour, NeighbourSpec } from '../../api/types.js';
import { Args } from './args.js';
import { addrCell, devCell, isIpFamily, macCell, stateCell } from './cells.js';
import type { Context, ObjectCommand } from './context.js';

const usage = `nl neigh list [dev DEV] [all]      (all: with the noarp entries)
nl neigh add ADDR lladdr MAC dev DEV [nud permanent|reachable|noarp|stale|...]
nl neigh set ...   (as add; replaces the entry)
nl neigh del ADDR dev DEV`;


function spec(args: Args): NeighbourSpec {
  let dst: string | undefined;
  let dev: string | undefined;
  const s: Partial<NeighbourSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'to': dst = args.value(w); break;
      case 'dev': dev = args.value(w); break;
      case 'lladdr': s.lladdr = args.value(w); break;
      case 'nud': case 'state': s.state = args.value(w); break;
      default:
        if (dst === undefined) dst = w;
        else args.unknown(w);
    }
  }
  return { ...s, dst: args.need(dst, 'an address'), dev: args.need(dev, '"dev DEV"') };
}

async function list(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  let all = false;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = args.value(w);
    else if (w === 'all') all = true;
    else args.unknown(w);
  }
  const ifindex = dev === undefined ? undefined : await ctx.ifindex(dev);
  // The client also lists bridge FDB entries (as nl-neigh-list does); `ip neigh` shows IP
  // neighbours only, and not the fixed (noarp) multicast ones unless asked.
  await ctx.show(await ctx.client.neighbours.list({
    family: ctx.options.family,
    where: (n) => isIpFamily(n.family) && (ifindex === undefined || n.ifindex === ifindex)
      && (all || !n.stateNames.includes('noarp')),
  }), neigh.columns);
}

export const neigh: ObjectCommand<Neighbour> = {
  names: ['neigh', 'neighbour', 'neighbor', 'n'],
  kind: 'neighbour',
  usage,
  columns: (names) => [
    { header: 'dst', cell: (n) => addrCell(n.dst) },
    { header: 'lladdr', cell: (n) => macCell(n.lladdr) },
    { header: 'dev', cell: (n) => devCell(names, n.ifindex) },
    { header: 'state', cell: (n) => stateCell(n.stateNames.join(',')) },
    { header: 'flags', cell: (n) => n.flagNames.join(',') },
  ],
  verbs: {
    list,
    add: (ctx, args) => ctx.client.neighbours.add(spec(args)),
    set: (ctx, args) => ctx.client.neighbours.change(spec(args)),
    del: (ctx, args) => ctx.client.neighbours.delete(spec(args)),
  },
};
