/**
 * The registry: every kind the typed client knows. The client's facade
 * (client.links, client.xfrm.sa, ...), its worker and batches are made
 * from this list; a kind added here appears in all three.
 */
import type { KindDescriptor } from '../registry.js';
import { addressKind } from './address.js';
import { fdbKind, mdbKind } from './bridge.js';
import { genlKind, socketKind } from './diagnostics.js';
import { link } from './link.js';
import { neighbourKind } from './neighbour.js';
import { netconfKind } from './netconf.js';
import { conntrackKind } from './netfilter.js';
import { routeKind } from './route.js';
import { ruleKind } from './rule.js';
import { classifierKind, classKind, qdiscKind } from './tc.js';
import { xfrmSaKind, xfrmSpKind } from './xfrm.js';

export const KINDS = {
  link, address: addressKind, route: routeKind, neighbour: neighbourKind, rule: ruleKind, qdisc: qdiscKind,
  class: classKind, classifier: classifierKind, conntrack: conntrackKind, genl: genlKind, socket: socketKind,
  'xfrm-sa': xfrmSaKind, 'xfrm-sp': xfrmSpKind, fdb: fdbKind, mdb: mdbKind, netconf: netconfKind,
} as const;

export type KindName = keyof typeof KINDS;

/** Any descriptor, as code that works with every kind sees it. */
export type AnyKind = KindDescriptor<unknown, Partial<Record<string, unknown>>, unknown>;

export function kindNamed(name: unknown): AnyKind | undefined {
  return typeof name === 'string' && Object.hasOwn(KINDS, name) ? KINDS[name as KindName] as unknown as AnyKind : undefined;
}
