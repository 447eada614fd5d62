/**
 * nl qdisc and nl class: traffic control with `tc`'s words and units
 * ("htb default 10", "rate 1mbit", "burst 32kb", "latency 50ms").
 */
import type { Class, ClassSpec, Qdisc, QdiscSpec } from '../../api/types.js';
import { Args, UsageError } from './args.js';
import { devCell, type LinkNames } from './cells.js';
import type { Context, ObjectCommand } from './context.js';
import type { Column } from './table.js';
import { formatRate, parseRate, parseSize, parseTime } from './units.js';

const qdiscUsage = `nl qdisc list [dev DEV]
nl qdisc add dev DEV root|ingress|parent ID [handle ID] KIND [OPTIONS]
    htb [default MINOR]     (the default class's minor, hex: 10 for 1:10)
    tbf rate RATE burst SIZE [limit SIZE | latency TIME]
    pfifo [limit PACKETS]   bfifo [limit SIZE]   prio [bands N]
    sfq [quantum SIZE] [perturb TIME] [limit PACKETS]
    fq_codel [limit PACKETS] [flows N] [quantum SIZE] [target TIME] [interval TIME] [ecn|noecn]
nl qdisc add dev DEV ingress | clsact
nl qdisc set ...   (as add; changes the qdisc's options)
nl qdisc del dev DEV root|ingress|clsact|parent ID [handle ID]`;

const classUsage = `nl class list [dev DEV]
nl class add dev DEV parent ID classid ID htb rate RATE [ceil RATE] [prio N] [quantum SIZE]
nl class set ...   (as add; changes the class's options)
nl class del dev DEV classid ID`;

/** Options that are rates in bytes per second. */
const RATES = new Set(['rate', 'ceil', 'peakrate']);

function optionsText(options: Record<string, string | number>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k} ${typeof v === 'number' && RATES.has(k) ? formatRate(v) : v}`).join(' ');
}

function tcColumns<T extends Qdisc | Class>(handle: string): (names: LinkNames) => Column<T>[] {
  return (names) => [
    { header: 'dev', cell: (t) => devCell(names, t.ifindex) },
    { header: 'kind', cell: (t) => ({ text: t.kind ?? '', style: 'bold' }) },
    { header: handle, cell: (t) => t.handle },
    { header: 'parent', cell: (t) => t.parent },
    { header: 'options', cell: (t) => optionsText(t.options) },
  ];
}

/** A kind's options, tc's words to the client's names, until the words run out. */
function kindOptions(kind: string, args: Args): Record<string, string | number> {
  const o: Record<string, string | number> = {};
  const what = `${args.what} ${kind}`;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    const key = `${kind} ${w}`;
    switch (key) {
      case 'htb default':
        // The kernel keeps only a minor number (hex, as tc and libnl's nl-qdisc-add take it),
        // the major being the qdisc's; "1:10" is accepted for it too.
        o.defaultClass = `:${args.value(w).split(':').at(-1)}`;
        break;
      case 'tbf rate': case 'htb rate': case 'htb ceil': o[w] = parseRate(args.value(w), `${what} ${w}`); break;
      case 'tbf burst': case 'tbf buffer': case 'tbf maxburst': o.burst = parseSize(args.value(w), `${what} ${w}`); break;
      case 'tbf limit': case 'bfifo limit': case 'htb quantum': o[w] = parseSize(args.value(w), `${what} ${w}`); break;
      case 'tbf latency': o.latency = parseTime(args.value(w), `${what} ${w}`); break;
      case 'pfifo limit': case 'htb prio': case 'prio bands': case 'sfq limit': case 'fq_codel limit': case 'fq_codel flows':
        o[w] = args.uint(w); break;
      case 'sfq perturb': o[w] = Math.round(parseTime(args.value(w), `${what} ${w}`) / 1e6); break;
      case 'sfq quantum': case 'fq_codel quantum': o[w] = parseSize(args.value(w), `${what} ${w}`); break;
      case 'fq_codel target': case 'fq_codel interval': o[w] = parseTime(args.value(w), `${what} ${w}`); break;
      case 'fq_codel ecn': o.ecn = 1; break;
      case 'fq_codel noecn': o.ecn = 0; break;
      default: throw new UsageError(`${what}: unexpected "${w}"`);
    }
  }
  return o;
}

interface TcWords {
  dev?: string; parent?: string; handle?: string; classid?: string; kind?: string;
  options: Record<string, string | number>;
}

/** dev, parent (root, ingress, parent ID), handle/classid, then KIND and its options. */
function tcWords(args: Args): TcWords {
  const t: TcWords = { options: {} };
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'dev': t.dev = args.value(w); break;
      case 'root': case 'ingress': case 'clsact': t.parent = w; break;
      case 'parent': t.parent = args.value(w); break;
      case 'handle': t.handle = args.value(w); break;
      case 'classid': t.classid = args.value(w); break;
      default:
        t.kind = w;
        t.options = kindOptions(w, args);
    }
  }
  return t;
}

function qdiscSpec(args: Args): QdiscSpec {
  const t = tcWords(args);
  if (t.classid !== undefined) args.unknown('classid');
  // "ingress" and "clsact" name both the qdisc and where it goes, as with tc.
  const kind = t.kind ?? (t.parent === 'ingress' || t.parent === 'clsact' ? t.parent : undefined);
  return { dev: args.need(t.dev, '"dev DEV"'), parent: args.need(t.parent, '"root", "ingress", "clsact" or "parent ID"'),
    handle: t.handle, kind: args.need(kind, 'a qdisc kind (htb, tbf, pfifo, ...)'), options: t.options };
}

function classSpec(args: Args): ClassSpec {
  const t = tcWords(args);
  const options: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.options)) options[k] = Number(v);
  return { dev: args.need(t.dev, '"dev DEV"'), parent: args.need(t.parent, '"parent ID"'),
    classid: args.need(t.classid, '"classid ID"'), kind: args.need(t.kind, 'a class kind (htb)'), options };
}

async function devFilter(ctx: Context, args: Args): Promise<{ dev?: string; ifindex?: number }> {
  let dev: string | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = args.value(w);
    else args.unknown(w);
  }
  return dev === undefined ? {} : { dev, ifindex: await ctx.ifindex(dev) };
}

export const qdisc: ObjectCommand<Qdisc> = {
  names: ['qdisc', 'q'],
  kind: 'qdisc',
  usage: qdiscUsage,
  columns: tcColumns<Qdisc>('handle'),
  verbs: {
    list: async (ctx, args) => {
      const { ifindex } = await devFilter(ctx, args);
      await ctx.show(await ctx.client.qdiscs.list({ where: (q) => ifindex === undefined || q.ifindex === ifindex }), qdisc.columns);
    },
    add: (ctx, args) => ctx.client.qdiscs.add(qdiscSpec(args)),
    set: (ctx, args) => ctx.client.qdiscs.change(qdiscSpec(args)),
    del: async (ctx, args) => {
      const t = tcWords(args);
      const parent = args.need(t.parent, '"root", "ingress", "clsact" or "parent ID"');
      // The kernel gives the ingress hook's qdiscs the handle ffff: (and libnl names their parent "ingress").
      const handle = t.handle ?? (parent === 'ingress' || parent === 'clsact' ? 'ffff:' : undefined);
      const key = { dev: args.need(t.dev, '"dev DEV"'), parent, handle };
      // The kind need not be typed: it is the qdisc's.
      const found = await ctx.client.qdiscs.get(key);
      await ctx.client.qdiscs.delete({ ...key, handle: found.handle, kind: found.kind ?? '' });
    },
  },
};

export const klass: ObjectCommand<Class> = {
  names: ['class', 'c'],
  kind: 'class',
  usage: classUsage,
  columns: tcColumns<Class>('classid'),
  verbs: {
    list: async (ctx, args) => {
      const { dev } = await devFilter(ctx, args);
      await ctx.show(await ctx.client.classes.list({ dev }), klass.columns);
    },
    add: (ctx, args) => ctx.client.classes.add(classSpec(args)),
    set: (ctx, args) => ctx.client.classes.change(classSpec(args)),
    del: async (ctx, args) => {
      const t = tcWords(args);
      const key = { dev: args.need(t.dev, '"dev DEV"'), classid: args.need(t.classid, '"classid ID"') };
      // Parent and kind need not be typed: they are the class's.
      const found = await ctx.client.classes.get(key);
      await ctx.client.classes.delete({ ...key, parent: found.parent, kind: found.kind ?? '' });
    },
  },
};
