/**
 * nl xfrm policy and nl xfrm state: IPsec policies and SAs with `ip
 * xfrm`'s words.
 */
import type { XfrmAlgorithmSpec, XfrmSaKey, XfrmSaSpec, XfrmSelectorSpec, XfrmSpSpec, XfrmTemplateSpec } from '../../api/types.js';
import { UsageError, type Args } from './args.js';
import { addrCell } from './cells.js';
import type { Command, Context } from './context.js';

const policyUsage = `nl xfrm policy list
nl xfrm policy add src PREFIX dst PREFIX dir in|out|fwd [proto N] [sport N] [dport N] [dev DEV]
                   [priority N] [index N] [action allow|block]
                   [tmpl [src ADDR dst ADDR] proto esp|ah|comp [mode transport|tunnel] [reqid N] [spi N]]...
nl xfrm policy del src PREFIX dst PREFIX dir in|out|fwd [proto N] [sport N] [dport N] [index N]`;

const stateUsage = `nl xfrm state list
nl xfrm state add src ADDR dst ADDR proto esp|ah|comp spi N [mode transport|tunnel] [reqid N] [replay-window N]
                  [auth-trunc NAME KEY BITS] [enc NAME KEY] [aead NAME KEY BITS]
nl xfrm state del dst ADDR proto esp|ah|comp spi N`;

const PROTOCOLS = ['esp', 'ah', 'comp'] as const;
type Protocol = typeof PROTOCOLS[number];

function protocol(args: Args, key: string): Protocol {
  const v = args.value(key);
  if (!(PROTOCOLS as readonly string[]).includes(v)) throw new UsageError(`${args.what}: proto must be esp, ah or comp, not "${v}"`);
  return v as Protocol;
}

function oneOf<T extends string>(args: Args, key: string, names: readonly T[]): T {
  const v = args.value(key);
  if (!(names as readonly string[]).includes(v)) throw new UsageError(`${args.what}: ${key} must be ${names.join(', ')}, not "${v}"`);
  return v as T;
}

/** A template's words, up to the next "tmpl" or the end. */
function template(args: Args): XfrmTemplateSpec {
  const t: Partial<XfrmTemplateSpec> = {};
  for (;;) {
    if (args.take('src')) t.src = args.value('src');
    else if (args.take('dst')) t.dst = args.value('dst');
    else if (args.take('proto')) t.protocol = protocol(args, 'proto');
    else if (args.take('mode')) t.mode = oneOf(args, 'mode', ['transport', 'tunnel'] as const);
    else if (args.take('reqid')) t.reqid = args.uint('reqid');
    else if (args.take('spi')) t.spi = args.uint('spi');
    else break;
  }
  return { ...t, protocol: args.need(t.protocol, 'a template\'s "proto"') };
}

function policySpec(args: Args): XfrmSpSpec {
  const sel: Partial<XfrmSelectorSpec> = {};
  const s: Partial<XfrmSpSpec> = {};
  const templates: XfrmTemplateSpec[] = [];
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'src': sel.src = args.value(w); break;
      case 'dst': sel.dst = args.value(w); break;
      case 'proto': sel.protocol = args.uint(w); break;
      case 'sport': sel.srcPort = args.uint(w); break;
      case 'dport': sel.dstPort = args.uint(w); break;
      case 'dev': sel.dev = args.value(w); break;
      case 'dir': s.dir = oneOf(args, w, ['in', 'out', 'fwd'] as const); break;
      case 'priority': s.priority = args.uint(w); break;
      case 'index': s.index = args.uint(w); break;
      case 'action': s.action = oneOf(args, w, ['allow', 'block'] as const); break;
      case 'tmpl': templates.push(template(args)); break;
      default: args.unknown(w);
    }
  }
  const selector = { ...sel, src: args.need(sel.src, '"src PREFIX"'), dst: args.need(sel.dst, '"dst PREFIX"') };
  return { ...s, dir: args.need(s.dir, '"dir in|out|fwd"'), selector, ...(templates.length ? { templates } : {}) };
}

function algorithm(args: Args, key: string, bits: boolean): XfrmAlgorithmSpec {
  const name = args.value(key);
  const k = args.value(key);
  return bits ? { name, key: k, bits: args.uint(key) } : { name, key: k };
}

function stateSpec(args: Args): XfrmSaSpec {
  const s: Partial<XfrmSaSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'src': s.src = args.value(w); break;
      case 'dst': s.dst = args.value(w); break;
      case 'proto': s.protocol = protocol(args, w); break;
      case 'spi': s.spi = args.uint(w); break;
      case 'mode': s.mode = oneOf(args, w, ['transport', 'tunnel'] as const); break;
      case 'reqid': s.reqid = args.uint(w); break;
      case 'replay-window': s.replayWindow = args.uint(w); break;
      case 'auth-trunc': s.auth = algorithm(args, w, true); break;
      case 'auth': s.auth = algorithm(args, w, false); break;
      case 'enc': s.crypt = algorithm(args, w, false); break;
      case 'aead': s.aead = algorithm(args, w, true); break;
      default: args.unknown(w);
    }
  }
  return { ...s, src: args.need(s.src, '"src ADDR"'), dst: args.need(s.dst, '"dst ADDR"'),
    protocol: args.need(s.protocol, '"proto esp|ah|comp"'), spi: args.need(s.spi, '"spi N"') };
}

function stateKey(args: Args): XfrmSaKey {
  const s: Partial<XfrmSaKey> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dst') s.dst = args.value(w);
    else if (w === 'proto') s.protocol = protocol(args, w);
    else if (w === 'spi') s.spi = args.uint(w);
    else args.unknown(w);
  }
  return { dst: args.need(s.dst, '"dst ADDR"'), protocol: args.need(s.protocol, '"proto esp|ah|comp"'), spi: args.need(s.spi, '"spi N"') };
}

const prefix = (addr: string | undefined, family: number | undefined): string => (addr ?? (family === 10 ? '::/0' : '0.0.0.0/0'));

async function policies(ctx: Context, args: Args): Promise<void> {
  args.end();
  await ctx.show(await ctx.client.xfrm.sp.list(), () => [
    { header: 'src', cell: (p) => addrCell(prefix(p.selector.src, p.selector.family)) },
    { header: 'dst', cell: (p) => addrCell(prefix(p.selector.dst, p.selector.family)) },
    { header: 'proto', cell: (p) => (p.selector.protocol ? String(p.selector.protocol) : '') },
    { header: 'dir', cell: (p) => p.dir },
    { header: 'action', cell: (p) => p.action },
    { header: 'priority', cell: (p) => String(p.priority), right: true },
    { header: 'index', cell: (p) => String(p.index), right: true },
  ]);
}

async function states(ctx: Context, args: Args): Promise<void> {
  args.end();
  await ctx.show(await ctx.client.xfrm.sa.list(), () => [
    { header: 'src', cell: (s) => addrCell(s.src) },
    { header: 'dst', cell: (s) => addrCell(s.dst) },
    { header: 'proto', cell: (s) => String(s.protocol) },
    { header: 'spi', cell: (s) => `0x${s.spi.toString(16).padStart(8, '0')}` },
    { header: 'mode', cell: (s) => s.mode },
    { header: 'reqid', cell: (s) => String(s.reqid), right: true },
  ]);
}

export const xfrmPolicy: Command = {
  names: ['xfrm policy', 'xfrm pol'],
  usage: policyUsage,
  verbs: {
    list: policies,
    add: (ctx, args) => ctx.client.xfrm.sp.add(policySpec(args)),
    del: (ctx, args) => ctx.client.xfrm.sp.delete(policySpec(args)),
  },
};

export const xfrmState: Command = {
  names: ['xfrm state', 'xfrm sa'],
  usage: stateUsage,
  verbs: {
    list: states,
    add: (ctx, args) => ctx.client.xfrm.sa.add(stateSpec(args)),
    del: (ctx, args) => ctx.client.xfrm.sa.delete(stateKey(args)),
  },
};
