/**
 * Traffic control actions a classifier runs on what it matched (libnl's
 * route/act: gact, mirred, skbedit), each made with rtnl_act_alloc(), its
 * kind's setters, and handed to the classifier's *_add_action(), which
 * takes its own reference.
 */
import { TCA_EGRESS_MIRROR, TCA_EGRESS_REDIR } from '../../libnl/generated/constants.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { TcActionSpec } from '../types.js';

/** TC_ACT_* (linux/pkt_cls.h) by the names `tc` gives them. */
const VERDICTS: Record<string, number> = { ok: 0, pass: 0, reclassify: 1, drop: 2, shot: 2, pipe: 3, stolen: 4, continue: -1 };

export const actionSpec: SchemaFor<TcActionSpec> = {
  kind: t.oneOf(['gact', 'mirred', 'skbedit'] as const), verdict: t.opt(t.oneOf(Object.keys(VERDICTS))),
  mirred: t.opt(t.oneOf(['redirect', 'mirror'] as const)), dev: t.opt(t.link()), priority: t.opt(t.uint()), mark: t.opt(t.uint()),
};

/** The fields each action kind takes besides `kind` and `verdict`. */
const FIELDS: Record<TcActionSpec['kind'], readonly (keyof TcActionSpec)[]> = {
  gact: [], mirred: ['mirred', 'dev'], skbedit: ['priority', 'mark'],
};

/** A new action (the caller's reference, given back when the request is built). */
export function action(b: RequestBuilder, s: TcActionSpec, field: string): number {
  const { x } = b;
  for (const k of ['mirred', 'dev', 'priority', 'mark'] as const) {
    if (s[k] !== undefined && !FIELDS[s.kind].includes(k)) throw b.invalid(`${field}.${k} is not for ${s.kind} actions`);
  }
  const act = b.own(x.rtnl_act_alloc(), x.rtnl_act_put);
  b.check(x.rtnl_tc_set_kind(act, b.str(s.kind)), `${field}.kind`);
  const verdict = s.verdict === undefined ? undefined : VERDICTS[s.verdict];
  switch (s.kind) {
    case 'gact':
      b.check(x.rtnl_gact_set_action(act, verdict ?? VERDICTS.pass), `${field}.verdict`);
      break;
    case 'mirred':
      if (s.dev === undefined) throw b.invalid(`${field}.dev is required for a mirred action`);
      b.check(x.rtnl_mirred_set_action(act, s.mirred === 'mirror' ? TCA_EGRESS_MIRROR : TCA_EGRESS_REDIR), `${field}.mirred`);
      b.check(x.rtnl_mirred_set_ifindex(act, b.ifindex(s.dev, `${field}.dev`)), `${field}.dev`);
      // As tc: a redirect steals the packet, a mirror lets it go on.
      b.check(x.rtnl_mirred_set_policy(act, verdict ?? (s.mirred === 'mirror' ? VERDICTS.pipe : VERDICTS.stolen)), `${field}.verdict`);
      break;
    case 'skbedit':
      if (s.priority !== undefined) b.check(x.rtnl_skbedit_set_priority(act, s.priority), `${field}.priority`);
      if (s.mark !== undefined) b.check(x.rtnl_skbedit_set_mark(act, s.mark), `${field}.mark`);
      b.check(x.rtnl_skbedit_set_action(act, verdict ?? VERDICTS.pipe), `${field}.verdict`);
      break;
  }
  return act;
}
