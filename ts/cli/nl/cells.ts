/**
 * Cells every object kind shows the same way, coloured as `ip -c` colours
 * them: interface names cyan, MAC addresses yellow, IPv4 magenta, IPv6 blue,
 * states green when usable and red when not.
 */
import type { Cell } from './table.js';

/** ifindex -> interface name, read once per command. */
export type LinkNames = ReadonlyMap<number, string>;

const FAMILIES: Record<number, string> = { 0: 'unspec', 2: 'inet', 7: 'bridge', 10: 'inet6', 128: 'ipmr', 129: 'ip6mr' };

export function familyName(family: number): string {
  return FAMILIES[family] ?? String(family);
}

/** AF_INET or AF_INET6 (not bridge FDB entries, multicast routing rules, ...). */
export function isIpFamily(family: number): boolean {
  return family === 2 || family === 10;
}

/** A link by ifindex; one that is gone (or 0: none) shows as its number or nothing. */
export function devCell(names: LinkNames, ifindex: number | undefined): Cell {
  if (!ifindex) return { text: '' };
  return { text: names.get(ifindex) ?? `if${ifindex}`, style: 'cyan' };
}

export function addrCell(text: string | undefined): Cell {
  return { text: text ?? '', style: text?.includes(':') ? 'blue' : 'magenta' };
}

export function macCell(text: string | undefined): Cell {
  return { text: text ?? '', style: 'yellow' };
}

const GOOD = new Set(['up', 'reachable', 'permanent', 'noarp']);
const BAD = new Set(['down', 'lowerlayerdown', 'failed', 'incomplete', 'notpresent']);

export function stateCell(text: string): Cell {
  return { text, style: GOOD.has(text) ? 'green' : BAD.has(text) ? 'red' : undefined };
}
