/**
 * nl rule: list, add, del, with `ip rule`'s words. The kernel has no way to
 * change a rule in place; delete it and add it again.
 */
import type { Rule, RuleSpec } from '../../api/types.js';
import { Args, parseTable, tableName, UsageError } from './args.js';
import { addrCell, familyName, isIpFamily } from './cells.js';
import type { Context, ObjectCommand } from './context.js';

const usage = `nl rule list
nl rule add prio N [from PREFIX|all] [to PREFIX|all] [iif DEV] [oif DEV] [fwmark MARK[/MASK]]
            [table ID|NAME | blackhole | unreachable | prohibit | nop]
nl rule del prio N [...as add]`;

const ACTIONS = new Set(['blackhole', 'unreachable', 'prohibit', 'nop']);

function spec(ctx: Context, args: Args): RuleSpec {
  const s: Partial<RuleSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'prio': case 'priority': case 'pref': case 'preference': s.priority = args.uint(w); break;
      case 'from': { const v = args.value(w); if (v !== 'all') s.src = v; break; }
      case 'to': { const v = args.value(w); if (v !== 'all') s.dst = v; break; }
      case 'iif': case 'dev': s.iif = args.value(w); break;
      case 'oif': s.oif = args.value(w); break;
      case 'table': case 'lookup': s.table = parseTable(args.value(w), `${args.what}: table`); break;
      case 'fwmark': {
        const [mark, mask] = args.value(w).split('/');
        s.mark = args.uintOf(mark, w);
        if (mask !== undefined) s.mask = args.uintOf(mask, w);
        break;
      }
      case 'action': s.action = args.value(w); break;
      default:
        if (ACTIONS.has(w)) s.action = w;
        else args.unknown(w);
    }
  }
  if (s.priority === undefined) throw new UsageError(`${args.what}: "prio N" is required (rules are found by their priority)`);
  const v6 = [s.src, s.dst].some((a) => a?.includes(':'));
  return { ...s, priority: s.priority, family: ctx.options.family ?? (v6 ? 'inet6' : 'inet') };
}

async function list(ctx: Context, args: Args): Promise<void> {
  args.end();
  // IP rules only, as `ip rule` shows them (the kernel also has multicast routing rules).
  await ctx.show(await ctx.client.rules.list({
    family: ctx.options.family, where: (r) => isIpFamily(r.family),
  }), rule.columns);
}

export const rule: ObjectCommand<Rule> = {
  names: ['rule', 'ru'],
  kind: 'rule',
  usage,
  columns: () => [
    { header: 'prio', cell: (r) => String(r.priority), right: true },
    { header: 'family', cell: (r) => familyName(r.family) },
    { header: 'from', cell: (r) => addrCell(r.src ?? 'all') },
    { header: 'to', cell: (r) => addrCell(r.dst) },
    { header: 'iif', cell: (r) => ({ text: r.iif ?? '', style: 'cyan' }) },
    { header: 'oif', cell: (r) => ({ text: r.oif ?? '', style: 'cyan' }) },
    { header: 'fwmark', cell: (r) => r.mark ? `0x${r.mark.toString(16)}/0x${r.mask.toString(16)}` : '' },
    { header: 'action', cell: (r) => r.actionName === 'lookup' ? `lookup ${tableName(r.table)}` : r.actionName },
  ],
  verbs: {
    list,
    add: (ctx, args) => ctx.client.rules.add(spec(ctx, args)),
    del: (ctx, args) => ctx.client.rules.delete(spec(ctx, args)),
  },
};
