/**
 * nl addr: list, add, set (lifetimes), del, with `ip address`'s words.
 */
import type { Address, AddressSpec } from '../../api/types.js';
import { Args } from './args.js';
import { addrCell, devCell, familyName } from './cells.js';
import type { Context, ObjectCommand } from './context.js';

const usage = `nl addr list [dev DEV]
nl addr add ADDR/PLEN dev DEV [peer ADDR] [broadcast ADDR] [label LABEL] [scope SCOPE]
            [valid_lft SECONDS|forever] [preferred_lft SECONDS|forever]
nl addr set ADDR/PLEN dev DEV [valid_lft ...] [preferred_lft ...]   (only lifetimes change)
nl addr del ADDR/PLEN dev DEV`;

/** The kernel's "forever" (INFINITY_LIFE_TIME). */
const FOREVER = 0xffffffff;

function lifetime(args: Args, key: string): number | undefined {
  const v = args.value(key);
  // Omitted is forever for the client.
  return v === 'forever' ? undefined : args.uintOf(v, key);
}

function spec(args: Args): AddressSpec {
  let local: string | undefined;
  let dev: string | undefined;
  const s: Partial<AddressSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'local': local = args.value(w); break;
      case 'dev': dev = args.value(w); break;
      case 'peer': s.peer = args.value(w); break;
      case 'broadcast': case 'brd': s.broadcast = args.value(w); break;
      case 'label': s.label = args.value(w); break;
      case 'scope': s.scope = args.value(w); break;
      case 'valid_lft': s.validLifetime = lifetime(args, w); break;
      case 'preferred_lft': s.preferredLifetime = lifetime(args, w); break;
      default:
        if (local === undefined) local = w;
        else args.unknown(w);
    }
  }
  return { ...s, local: args.need(local, 'an address (ADDR/PLEN)'), dev: args.need(dev, '"dev DEV"') };
}

async function list(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = args.value(w);
    else args.unknown(w);
  }
  const ifindex = dev === undefined ? undefined : await ctx.ifindex(dev);
  await ctx.show(await ctx.client.addresses.list({
    family: ctx.options.family, where: (a) => ifindex === undefined || a.ifindex === ifindex,
  }), addr.columns);
}

export const addr: ObjectCommand<Address> = {
  names: ['addr', 'address', 'a'],
  kind: 'address',
  usage,
  columns: (names) => [
    { header: 'dev', cell: (a) => devCell(names, a.ifindex) },
    { header: 'family', cell: (a) => familyName(a.family) },
    { header: 'address', cell: (a) => addrCell(a.local) },
    { header: 'peer', cell: (a) => addrCell(a.peer) },
    { header: 'scope', cell: (a) => a.scope },
    { header: 'label', cell: (a) => a.label ?? '' },
    { header: 'valid', cell: (a) => a.validLifetime === FOREVER ? 'forever' : `${a.validLifetime}s`, right: true },
    { header: 'flags', cell: (a) => a.flagNames.join(',') },
  ],
  verbs: {
    list,
    add: (ctx, args) => ctx.client.addresses.add(spec(args)),
    set: (ctx, args) => ctx.client.addresses.change(spec(args)),
    del: (ctx, args) => ctx.client.addresses.delete(spec(args)),
  },
};
