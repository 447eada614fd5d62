/**
 * nl fdb and nl mdb: a bridge's forwarding and multicast databases, with
 * `bridge fdb` and `bridge mdb`'s words.
 */
import type { FdbEntry, FdbSpec, MdbSpec } from '../../api/types.js';
import type { Args } from './args.js';
import { addrCell, devCell, macCell, stateCell } from './cells.js';
import type { Command, Context } from './context.js';

const fdbUsage = `nl fdb list [dev DEV] [br BRIDGE]
nl fdb add MAC dev DEV [master|self] [permanent|static|dynamic] [vlan N] [dst ADDR]
nl fdb del MAC dev DEV [master|self] [vlan N]`;

const mdbUsage = `nl mdb list [dev BRIDGE]
nl mdb add dev BRIDGE port DEV grp GROUP [permanent|temp] [vid N]
nl mdb del dev BRIDGE port DEV grp GROUP [vid N]`;

function fdbSpec(args: Args): FdbSpec {
  const s: Partial<FdbSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'dev': s.dev = args.value(w); break;
      case 'master': s.master = true; break;
      case 'self': s.self = true; break;
      case 'permanent': case 'static': case 'dynamic': s.state = w; break;
      case 'vlan': s.vlan = args.uint(w); break;
      case 'dst': s.dst = args.value(w); break;
      default:
        if (s.lladdr === undefined) s.lladdr = w;
        else args.unknown(w);
    }
  }
  return { ...s, lladdr: args.need(s.lladdr, 'a MAC address'), dev: args.need(s.dev, '"dev DEV"') };
}

/** `bridge fdb`'s state words for what the kernel reports. */
function fdbState(e: FdbEntry): string {
  if (e.stateNames.includes('permanent')) return 'permanent';
  return e.stateNames.includes('noarp') ? 'static' : e.stateNames.join(',');
}

async function fdbList(ctx: Context, args: Args): Promise<void> {
  let dev: number | undefined;
  let br: number | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = await ctx.ifindex(args.value(w));
    else if (w === 'br') br = await ctx.ifindex(args.value(w));
    else args.unknown(w);
  }
  const entries = await ctx.client.bridge.fdb.list({ where: (e) => (dev === undefined || e.ifindex === dev) && (br === undefined || e.master === br) });
  await ctx.show(entries, (names) => [
    { header: 'mac', cell: (e) => macCell(e.lladdr) },
    { header: 'dev', cell: (e) => devCell(names, e.ifindex) },
    { header: 'vlan', cell: (e) => (e.vlan === undefined ? '' : String(e.vlan)), right: true },
    { header: 'dst', cell: (e) => addrCell(e.dst) },
    { header: 'master', cell: (e) => devCell(names, e.master) },
    { header: 'state', cell: (e) => stateCell(fdbState(e)) },
    { header: 'flags', cell: (e) => e.flagNames.join(',') },
  ]);
}

export const fdb: Command = {
  names: ['fdb'],
  usage: fdbUsage,
  verbs: {
    list: fdbList,
    add: (ctx, args) => ctx.client.bridge.fdb.add(fdbSpec(args)),
    del: (ctx, args) => ctx.client.bridge.fdb.delete(fdbSpec(args)),
  },
};

function mdbSpec(args: Args): MdbSpec {
  const s: Partial<MdbSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'dev': s.dev = args.value(w); break;
      case 'port': s.port = args.value(w); break;
      case 'grp': case 'group': s.group = args.value(w); break;
      case 'permanent': s.permanent = true; break;
      case 'temp': s.permanent = false; break;
      case 'vid': case 'vlan': s.vlan = args.uint(w); break;
      default: args.unknown(w);
    }
  }
  return { ...s, dev: args.need(s.dev, '"dev BRIDGE"'), port: args.need(s.port, '"port DEV"'), group: args.need(s.group, '"grp GROUP"') };
}

interface MdbRow { bridge: number; port: number; group?: string; vlan: number; state: string }

async function mdbList(ctx: Context, args: Args): Promise<void> {
  let dev: number | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = await ctx.ifindex(args.value(w));
    else args.unknown(w);
  }
  const rows: MdbRow[] = (await ctx.client.bridge.mdb.list({ where: (m) => dev === undefined || m.ifindex === dev }))
    .flatMap((m) => m.entries.map((e) => ({ bridge: m.ifindex, ...e })));
  if (ctx.options.json) {
    ctx.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  await ctx.show(rows, (names) => [
    { header: 'dev', cell: (r) => devCell(names, r.bridge) },
    { header: 'port', cell: (r) => devCell(names, r.port) },
    { header: 'grp', cell: (r) => addrCell(r.group) },
    { header: 'vid', cell: (r) => (r.vlan ? String(r.vlan) : ''), right: true },
    { header: 'state', cell: (r) => stateCell(r.state) },
  ]);
}

export const mdb: Command = {
  names: ['mdb'],
  usage: mdbUsage,
  verbs: {
    list: mdbList,
    add: (ctx, args) => ctx.client.bridge.mdb.add(mdbSpec(args)),
    del: (ctx, args) => ctx.client.bridge.mdb.delete(mdbSpec(args)),
  },
};
