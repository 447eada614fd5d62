/**
 * nl filter: classifiers with `tc filter`'s words ("u32 match ip dst
 * 10.0.0.0/8 flowid 1:10", "matchall action drop", "flower dst_ip
 * 10.1.0.0/16 action mirred egress redirect dev v1").
 */
import type { Classifier, ClassifierSpec, TcActionSpec } from '../../api/types.js';
import { UsageError, type Args } from './args.js';
import { devCell } from './cells.js';
import type { Command, Context } from './context.js';

const usage = `nl filter list dev DEV [parent ID|ingress|egress]
nl filter add dev DEV parent ID|ingress|egress [protocol ip|ipv6|all] [prio N] [handle H] KIND [OPTIONS] [ACTION]...
    u32 [match ip dst|src PREFIX]... [classid|flowid ID]
    basic|matchall [classid|flowid ID]      fw [classid ID] [mask N]      flower [dst_ip PREFIX] [src_ip PREFIX]
    ACTION := action gact|drop|pass|pipe | action mirred egress redirect|mirror dev DEV
              | action skbedit [priority N] [mark N]
nl filter del dev DEV parent ID|ingress|egress prio N [handle H]`;

/** clsact's (and ingress's) hooks, as tc names them. */
const PARENTS: Record<string, string> = { ingress: 'ffff:fff2', egress: 'ffff:fff3' };

const VERDICTS = new Set(['drop', 'pass', 'ok', 'pipe', 'stolen', 'reclassify', 'continue', 'shot']);

function action(args: Args): TcActionSpec {
  const kind = args.value('action');
  if (VERDICTS.has(kind)) return { kind: 'gact', verdict: kind };
  if (kind === 'gact') return { kind: 'gact', verdict: args.value('gact') };
  if (kind === 'mirred') {
    args.take('egress');
    const how = args.value('mirred');
    if (how !== 'redirect' && how !== 'mirror') throw new UsageError(`${args.what}: mirred takes redirect or mirror, not "${how}"`);
    if (!args.take('dev')) throw new UsageError(`${args.what}: mirred needs "dev DEV"`);
    return { kind: 'mirred', mirred: how, dev: args.value('dev') };
  }
  if (kind === 'skbedit') {
    const a: TcActionSpec = { kind: 'skbedit' };
    for (;;) {
      if (args.take('priority')) a.priority = args.uint('priority');
      else if (args.take('mark')) a.mark = args.uint('mark');
      else return a;
    }
  }
  throw new UsageError(`${args.what}: unknown action "${kind}" (gact, drop, pass, mirred, skbedit)`);
}

/** With `kind` false (deletes), the kind may be left out: it is the classifier's. */
function spec(args: Args, kind = true): ClassifierSpec {
  const s: Partial<ClassifierSpec> = {};
  const match: NonNullable<ClassifierSpec['match']> = {};
  const actions: TcActionSpec[] = [];
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'dev': s.dev = args.value(w); break;
      case 'parent': { const p = args.value(w); s.parent = PARENTS[p] ?? p; break; }
      case 'ingress': case 'egress': s.parent = PARENTS[w]; break;
      case 'root': s.parent = 'root'; break;
      case 'protocol': s.protocol = args.value(w); break;
      case 'prio': case 'pref': case 'priority': s.prio = args.uint(w); break;
      case 'handle': { const h = args.value(w); s.handle = h.includes(':') ? h : `:${h}`; break; }
      case 'classid': case 'flowid': s.classid = args.value(w); break;
      case 'mask': s.mask = args.uint(w); break;
      case 'match': {
        if (!args.take('ip')) throw new UsageError(`${args.what}: only "match ip dst|src PREFIX" is known`);
        const which = args.value('match ip');
        if (which !== 'dst' && which !== 'src') throw new UsageError(`${args.what}: match ip takes dst or src, not "${which}"`);
        match[which] = args.value(which);
        break;
      }
      case 'dst_ip': match.dst = args.value(w); break;
      case 'src_ip': match.src = args.value(w); break;
      case 'action': actions.push(action(args)); break;
      default:
        if (s.kind === undefined) s.kind = w;
        else args.unknown(w);
    }
  }
  return {
    ...s, dev: args.need(s.dev, '"dev DEV"'), parent: args.need(s.parent, '"parent ID", "ingress" or "egress"'),
    kind: kind ? args.need(s.kind, 'a classifier kind (u32, basic, matchall, fw, flower)') : s.kind ?? '',
    ...(Object.keys(match).length ? { match } : {}), ...(actions.length ? { actions } : {}),
  };
}

async function list(ctx: Context, args: Args): Promise<void> {
  let dev: string | undefined;
  let parent: string | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'dev') dev = args.value(w);
    else if (w === 'parent') { const p = args.value(w); parent = PARENTS[p] ?? p; } else if (w in PARENTS) parent = PARENTS[w];
    else args.unknown(w);
  }
  await ctx.show(await ctx.client.classifiers.list({ dev: args.need(dev, '"dev DEV"'), parent }), (names) => [
    { header: 'dev', cell: (c: Classifier) => devCell(names, c.ifindex) },
    { header: 'kind', cell: (c) => ({ text: c.kind ?? '', style: 'bold' }) },
    { header: 'parent', cell: (c) => c.parent },
    { header: 'prio', cell: (c) => String(c.prio), right: true },
    { header: 'protocol', cell: (c) => c.protocol },
    { header: 'handle', cell: (c) => c.handle },
    { header: 'options', cell: (c) => Object.entries(c.options).map(([k, v]) => `${k} ${v}`).join(' ') },
  ]);
}

export const filter: Command = {
  names: ['filter', 'f'],
  usage,
  verbs: {
    list,
    add: (ctx, args) => ctx.client.classifiers.add(spec(args)),
    del: async (ctx, args) => {
      const s = spec(args, false);
      if (s.prio === undefined) throw new UsageError(`${args.what}: "prio N" is required`);
      // The kind need not be typed: it is the classifier's.
      const found = await ctx.client.classifiers.get({ dev: s.dev, parent: s.parent, prio: s.prio, handle: s.handle });
      await ctx.client.classifiers.delete({ dev: s.dev, parent: s.parent, prio: s.prio, handle: found.handle, kind: found.kind ?? '' });
    },
  },
};
