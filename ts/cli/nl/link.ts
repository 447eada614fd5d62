/**
 * nl link: list, add (veth, bridge, vxlan, macvlan, ...), set, del, with
 * `ip link`'s words.
 */
import type { Link, LinkChange, LinkSpec } from '../../api/types.js';
import { Args, UsageError } from './args.js';
import { devCell, macCell, stateCell } from './cells.js';
import type { Context, ObjectCommand } from './context.js';

const usage = `nl link list [[dev] NAME] [type KIND] [up]
nl link add [name] NAME type KIND [mtu N] [address MAC] [txqlen N] [master DEV] [up]
            veth:    peer [name] NAME
            vxlan:   id VNI [group ADDR] [local ADDR] [dstport N] [dev DEV] [ttl N] [learning|nolearning]
            macvlan, macvtap: link DEV [mode bridge|private|vepa|passthru]
nl link set [dev] NAME [up|down] [mtu N] [name NEW] [address MAC] [txqlen N] [master DEV|nomaster] [alias TEXT]
nl link del [dev] NAME`;

/** The device a command is about: "dev NAME" or a bare NAME first. */
function device(args: Args): string {
  args.take('dev');
  const name = args.next();
  if (name === undefined) throw new UsageError(`${args.what}: which link? (a name)`);
  return name;
}

async function list(ctx: Context, args: Args): Promise<void> {
  let name: string | undefined;
  let kind: string | undefined;
  let up = false;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'type') kind = args.value(w);
    else if (w === 'up') up = true;
    else if (w === 'dev') name = args.value(w);
    else if (name === undefined) name = w;
    else args.unknown(w);
  }
  // A named link that does not exist is an error, as with `ip link show dev X`.
  const links = name !== undefined ? [await ctx.link(name)] : await ctx.client.links.list();
  if (name === undefined) ctx.knownLinks(links);
  await ctx.show(links.filter((l) => (kind === undefined || l.kind === kind) && (!up || l.flagNames.includes('up'))),
    link.columns);
}

async function add(ctx: Context, args: Args): Promise<void> {
  const spec: Partial<LinkSpec> = {};
  const vxlan: Partial<NonNullable<LinkSpec['vxlan']>> = {};
  let lower: string | undefined;
  let mode: string | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'name': spec.name = args.value(w); break;
      // "dev" names the new link, unless it has a name: then the lower device (vxlan's "dev").
      case 'dev': if (spec.name === undefined) spec.name = args.value(w); else lower = args.value(w); break;
      case 'type': spec.kind = args.value(w); break;
      case 'mtu': spec.mtu = args.uint(w); break;
      case 'address': spec.address = args.value(w); break;
      case 'txqlen': case 'txqueuelen': spec.txqlen = args.uint(w); break;
      case 'master': spec.master = args.value(w); break;
      case 'up': spec.up = true; break;
      case 'peer': args.take('name'); spec.peer = { name: args.value(w) }; break;
      case 'id': case 'vni': vxlan.id = args.uint(w); break;
      case 'group': case 'remote': vxlan.group = args.value(w); break;
      case 'local': vxlan.local = args.value(w); break;
      case 'dstport': case 'port': vxlan.port = args.uint(w); break;
      case 'ttl': vxlan.ttl = args.uint(w); break;
      case 'learning': vxlan.learning = true; break;
      case 'nolearning': vxlan.learning = false; break;
      case 'link': lower = args.value(w); break;
      case 'mode': mode = args.value(w); break;
      default:
        if (spec.name === undefined) spec.name = w;
        else args.unknown(w);
    }
  }
  const name = args.need(spec.name, 'a name');
  const kind = args.need(spec.kind, '"type KIND"');
  if (spec.peer && kind !== 'veth') throw new UsageError(`${args.what}: "peer" is for veth links`);
  if (kind === 'vxlan') {
    spec.vxlan = { ...vxlan, id: args.need(vxlan.id, 'a vxlan "id"'), device: lower };
  } else if (Object.keys(vxlan).length) {
    throw new UsageError(`${args.what}: ${Object.keys(vxlan).join(', ')} ${Object.keys(vxlan).length > 1 ? 'are' : 'is'} for vxlan links`);
  }
  if (kind === 'macvlan' || kind === 'macvtap') spec.macvlan = { link: args.need(lower, '"link DEV" (the lower device)'), mode };
  await ctx.client.links.add({ ...spec, name, kind });
}

async function set(ctx: Context, args: Args): Promise<void> {
  const dev = device(args);
  const change: LinkChange = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'up': change.up = true; break;
      case 'down': change.up = false; break;
      case 'mtu': change.mtu = args.uint(w); break;
      case 'name': change.name = args.value(w); break;
      case 'address': change.address = args.value(w); break;
      case 'txqlen': case 'txqueuelen': change.txqlen = args.uint(w); break;
      case 'master': change.master = args.value(w); break;
      case 'nomaster': change.master = null; break;
      case 'alias': change.alias = args.value(w); break;
      default: args.unknown(w);
    }
  }
  if (Object.keys(change).length === 0) throw new UsageError(`${args.what}: nothing to change`);
  await ctx.client.links.change(dev, change);
}

export const link: ObjectCommand<Link> = {
  names: ['link', 'l'],
  kind: 'link',
  usage,
  columns: (names) => [
    { header: 'index', cell: (l) => String(l.index), right: true },
    { header: 'name', cell: (l) => ({ text: l.name, style: 'cyan' }) },
    { header: 'kind', cell: (l) => l.kind ?? '' },
    { header: 'state', cell: (l) => stateCell(l.operstate) },
    { header: 'mtu', cell: (l) => String(l.mtu), right: true },
    { header: 'address', cell: (l) => macCell(l.address) },
    { header: 'master', cell: (l) => devCell(names, l.master) },
    { header: 'flags', cell: (l) => l.flagNames.join(',') },
  ],
  verbs: {
    list,
    add,
    set,
    del: async (ctx, args) => {
      const dev = device(args);
      args.end();
      await ctx.client.links.delete(dev);
    },
  },
};
