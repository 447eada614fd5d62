/**
 * The objects of the command line: the kinds the client watches, by the
 * client's kind names (so that `nl monitor` can show an event with the
 * columns its listing has), and the others.
 */
import type { KindTypes } from '../../api/types.js';
import { addr } from './addr.js';
import { fdb, mdb } from './bridge.js';
import type { Command, ObjectCommand } from './context.js';
import { conntrack, genl, sockets } from './diag.js';
import { filter } from './filter.js';
import { link } from './link.js';
import { neigh } from './neigh.js';
import { netconf } from './netconf.js';
import { route } from './route.js';
import { rule } from './rule.js';
import { klass, qdisc } from './tc.js';
import { xfrmPolicy, xfrmState } from './xfrm.js';

export type CliKind = 'link' | 'address' | 'route' | 'neighbour' | 'rule' | 'qdisc' | 'class';

export const OBJECTS: { [K in CliKind]: ObjectCommand<KindTypes[K]> } = {
  link, address: addr, route, neighbour: neigh, rule, qdisc, class: klass,
};

/** The kind a command-line word ("addr", "neighbor", "q", ...) names. */
export function kindNamed(word: string): CliKind | undefined {
  return (Object.keys(OBJECTS) as CliKind[]).find((k) => OBJECTS[k].names.includes(word));
}

/** Every object of the command line: the watched ones, then the others. */
export const COMMANDS: readonly Command[] = [
  ...Object.values(OBJECTS), filter, fdb, mdb, netconf, xfrmPolicy, xfrmState, conntrack, genl, sockets,
];

/** The object the first words name ("xfrm policy" is two), and how many words that took. */
export function commandNamed(words: readonly string[]): { command: Command; used: number } | undefined {
  for (const used of [2, 1]) {
    const name = words.slice(0, used).join(' ');
    const command = words.length >= used ? COMMANDS.find((c) => c.names.includes(name)) : undefined;
    if (command) return { command, used };
  }
  return undefined;
}
