/**
 * Routing policy rules (route/rule): exported rules, and rules added and
 * deleted with rtnl_rule_build_add_request() and
 * rtnl_rule_build_delete_request().
 */
import { AF_INET, AF_INET6, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { Rule, RuleSpec } from '../types.js';

/** FR_ACT_* by the names `ip rule` uses. */
const ACTIONS: Record<string, number> = { lookup: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 };

const object: SchemaFor<Rule> = {
  family: t.int(), priority: t.uint(), table: t.uint(), action: t.uint(), actionName: t.str(), src: t.opt(t.addr()),
  dst: t.opt(t.addr()), iif: t.opt(t.str()), oif: t.opt(t.str()), mark: t.uint(), mask: t.uint(), goto: t.uint(),
  protocol: t.opt(t.uint()),
};

const spec: SchemaFor<RuleSpec> = {
  family: t.opt(t.oneOf(['inet', 'inet6'])), priority: t.uint(), table: t.opt(t.uint()),
  action: t.opt(t.oneOf(Object.keys(ACTIONS))), src: t.opt(t.addr()), dst: t.opt(t.addr()), iif: t.opt(t.str()),
  oif: t.opt(t.str()), mark: t.opt(t.uint()), mask: t.opt(t.uint()),
};

function rule(b: RequestBuilder, s: RuleSpec): number {
  const { x } = b;
  const r = b.own(x.rtnl_rule_alloc(), x.rtnl_rule_put);
  x.rtnl_rule_set_family(r, s.family === 'inet6' ? AF_INET6 : AF_INET);
  x.rtnl_rule_set_prio(r, s.priority);
  x.rtnl_rule_set_action(r, ACTIONS[s.action ?? 'lookup']);
  if (s.table !== undefined) x.rtnl_rule_set_table(r, s.table);
  if (s.src) b.check(x.rtnl_rule_set_src(r, b.addr(s.src, 'spec.src')), 'spec.src');
  if (s.dst) b.check(x.rtnl_rule_set_dst(r, b.addr(s.dst, 'spec.dst')), 'spec.dst');
  if (s.iif) b.check(x.rtnl_rule_set_iif(r, b.str(s.iif)), 'spec.iif');
  if (s.oif) b.check(x.rtnl_rule_set_oif(r, b.str(s.oif)), 'spec.oif');
  if (s.mark !== undefined) x.rtnl_rule_set_mark(r, s.mark);
  if (s.mask !== undefined) x.rtnl_rule_set_mask(r, s.mask);
  return r;
}

export const ruleKind = kind<Rule, { add: RuleSpec; delete: RuleSpec }, Pick<RuleSpec, 'priority' | 'family'>, 'family'>()({
  name: 'rule',
  property: 'rules',
  cacheType: 'route/rule',
  protocol: NETLINK_ROUTE,
  object,
  list: 'family',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: {
      spec,
      build: (b, s) => b.message((out) => b.x.rtnl_rule_build_add_request(rule(b, s), NLM_F_CREATE | NLM_F_EXCL, out)),
    },
    delete: {
      spec,
      build: (b, s) => b.message((out) => b.x.rtnl_rule_build_delete_request(rule(b, s), 0, out)),
    },
  },
  /** The rule at `priority` (of `family`, when several families have one there). */
  get: (ctx, key) => ctx.list({ family: key.family, where: (r) => r.priority === key.priority }),
});
