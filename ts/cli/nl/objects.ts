/**
 * The object kinds of the command line, by the client's kind names (so that
 * `nl monitor` can show an event with the columns its listing has).
 */
import type { KindTypes } from '../../api/types.js';
import { addr } from './addr.js';
import type { ObjectCommand } from './context.js';
import { link } from './link.js';
import { neigh } from './neigh.js';
import { route } from './route.js';
import { rule } from './rule.js';
import { klass, qdisc } from './tc.js';

export type CliKind = 'link' | 'address' | 'route' | 'neighbour' | 'rule' | 'qdisc' | 'class';

export const OBJECTS: { [K in CliKind]: ObjectCommand<KindTypes[K]> } = {
  link, address: addr, route, neighbour: neigh, rule, qdisc, class: klass,
};

/** The kind a command-line word ("addr", "neighbor", "q", ...) names. */
export function kindNamed(word: string): CliKind | undefined {
  return (Object.keys(OBJECTS) as CliKind[]).find((k) => OBJECTS[k].names.includes(word));
}
