/**
 * nl link: list, add (veth, bridge, vxlan, macvlan, vlan, vrf, tunnels, ...), set, del, with
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
            vlan:    link DEV id N [protocol 802.1Q|802.1ad]        vrf: table N
            ipip, sit, gre: [remote ADDR] [local ADDR] [dev DEV] [ttl N] [tos N]
            ipvlan:  link DEV [mode l2|l3|l3s]     geneve: id VNI [remote ADDR] [ttl N]
            macsec:  link DEV [port N] [encrypt on|off]     dummy, bond, bridge, ifb: nothing more
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

/** A kind's words after "type KIND", as `ip link add` takes them. */
type KindWords = Partial<Record<'id' | 'group' | 'remote' | 'local' | 'port' | 'ttl' | 'tos' | 'learning' | 'link' | 'mode'
  | 'protocol' | 'table' | 'encrypt', string | number | boolean>>;

/** Each kind's options made from its words; a word a kind does not take is refused. */
const KIND_OPTIONS: Record<string, { words: readonly (keyof KindWords)[]; make: (w: KindWords) => Partial<LinkSpec> }> = {
  vxlan: { words: ['id', 'group', 'remote', 'local', 'port', 'ttl', 'learning', 'link'], make: (w) => ({ vxlan: {
    id: w.id as number, group: (w.group ?? w.remote) as string | undefined, local: w.local as string | undefined,
    port: w.port as number | undefined, device: w.link as string | undefined, ttl: w.ttl as number | undefined,
    learning: w.learning as boolean | undefined } }) },
  macvlan: { words: ['link', 'mode'], make: (w) => ({ macvlan: { link: w.link as string, mode: w.mode as string | undefined } }) },
  macvtap: { words: ['link', 'mode'], make: (w) => ({ macvlan: { link: w.link as string, mode: w.mode as string | undefined } }) },
  vlan: { words: ['link', 'id', 'protocol'], make: (w) => ({ vlan: {
    link: w.link as string, id: w.id as number, protocol: (w.protocol as string | undefined)?.toLowerCase() as '802.1q' | undefined } }) },
  vrf: { words: ['table'], make: (w) => ({ vrf: { table: w.table as number } }) },
  ipvlan: { words: ['link', 'mode'], make: (w) => ({ ipvlan: { link: w.link as string, mode: w.mode as 'l2' | undefined } }) },
  geneve: { words: ['id', 'remote', 'ttl'], make: (w) => ({ geneve: { id: w.id as number, remote: w.remote as string | undefined, ttl: w.ttl as number | undefined } }) },
  macsec: { words: ['link', 'port', 'encrypt'], make: (w) => ({ macsec: { link: w.link as string, port: w.port as number | undefined, encrypt: w.encrypt as boolean | undefined } }) },
  ...Object.fromEntries(['ipip', 'sit', 'gre'].map((k) => [k, { words: ['local', 'remote', 'link', 'ttl', 'tos'] as const, make: (w: KindWords) => ({ tunnel: {
    local: w.local as string | undefined, remote: w.remote as string | undefined, link: w.link as string | undefined,
    ttl: w.ttl as number | undefined, tos: w.tos as number | undefined } }) }])),
};

/** Drops the fields left undefined, so that the client's schema sees only what was typed. */
function defined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

async function add(ctx: Context, args: Args): Promise<void> {
  const spec: Partial<LinkSpec> = {};
  const words: KindWords = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'name': spec.name = args.value(w); break;
      // "dev" names the new link, unless it has a name: then the lower device (vxlan's and the tunnels' "dev").
      case 'dev': if (spec.name === undefined) spec.name = args.value(w); else words.link = args.value(w); break;
      case 'type': spec.kind = args.value(w); break;
      case 'mtu': spec.mtu = args.uint(w); break;
      case 'address': spec.address = args.value(w); break;
      case 'txqlen': case 'txqueuelen': spec.txqlen = args.uint(w); break;
      case 'master': spec.master = args.value(w); break;
      case 'up': spec.up = true; break;
      case 'peer': args.take('name'); spec.peer = { name: args.value(w) }; break;
      case 'id': case 'vni': words.id = args.uint(w); break;
      case 'group': words.group = args.value(w); break;
      case 'remote': words.remote = args.value(w); break;
      case 'local': words.local = args.value(w); break;
      case 'dstport': case 'port': words.port = args.uint(w); break;
      case 'ttl': words.ttl = args.uint(w); break;
      case 'tos': words.tos = args.uint(w); break;
      case 'learning': words.learning = true; break;
      case 'nolearning': words.learning = false; break;
      case 'link': words.link = args.value(w); break;
      case 'mode': case 'protocol': words[w] = args.value(w); break;
      case 'table': words.table = args.uint(w); break;
      case 'encrypt': words.encrypt = args.value(w) === 'on'; break;
      default:
        if (spec.name === undefined) spec.name = w;
        else args.unknown(w);
    }
  }
  const name = args.need(spec.name, 'a name');
  const kind = args.need(spec.kind, '"type KIND"');
  if (spec.peer && kind !== 'veth') throw new UsageError(`${args.what}: "peer" is for veth links`);
  const options = KIND_OPTIONS[kind];
  const stray = Object.keys(words).filter((w) => !options?.words.includes(w as keyof KindWords));
  if (stray.length) throw new UsageError(`${args.what}: ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} not for ${kind} links`);
  // What the kind requires (a VNI, a lower device) the client names when it is missing.
  await ctx.client.links.add({ ...spec, name, kind, ...(options ? defined(options.make(words)) : {}) });
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
