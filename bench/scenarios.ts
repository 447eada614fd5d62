/**
 * The kernel state the benchmark dumps: one network namespace per scenario,
 * filled with `ip -batch` (one process, one netlink request per line).
 *
 * Routes: N IPv4 /32 routes from 198.18.0.0/15 (the range RFC 2544 sets
 * aside for benchmarks) via a gateway on a veth pair; nothing is ever sent.
 * Links: N ifb devices. This kernel has no dummy, bond or vlan; ifb is the
 * quickest link to create here (2,000 ifb in 0.21 s against 1,000 veth
 * pairs in 0.28 s) and, unlike veth, needs no peer.
 */
import { execFileSync } from 'node:child_process';
import type { DumpKind } from './child.js';

export interface Scenario {
  /** Also the suffix of the namespace's name. */
  name: string;
  kind: DumpKind;
  count: number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'routes-1k', kind: 'route', count: 1_000 },
  { name: 'routes-10k', kind: 'route', count: 10_000 },
  { name: 'routes-100k', kind: 'route', count: 100_000 },
  { name: 'links-1k', kind: 'link', count: 1_000 },
  { name: 'links-10k', kind: 'link', count: 10_000 },
];

const PREFIX = 'nlbench-';
const MAX_ROUTES = 1 << 17;

export function netnsName(s: Scenario): string {
  return PREFIX + s.name;
}

function ip(args: string[], input?: string): void {
  execFileSync('ip', args, { input, stdio: ['pipe', 'ignore', 'inherit'], maxBuffer: 1 << 26 });
}

/** Runs `ip -n NS -batch -` with these lines (one process); throws when a line fails. */
export function ipBatch(ns: string, lines: readonly string[]): void {
  ip(['-n', ns, '-batch', '-'], `${lines.join('\n')}\n`);
}

/** The device routes go through, and the gateway on it (never sent anything). */
export const DEV = 'bench0';
export const GATEWAY = '192.0.2.2';

/** The lines that make DEV, a veth whose peer is up, with 192.0.2.1/24: GATEWAY is then reachable. */
export const GATEWAY_SETUP: readonly string[] = ['link set lo up', `link add ${DEV} type veth peer name bench1`,
  `link set ${DEV} up`, 'link set bench1 up', `address add 192.0.2.1/24 dev ${DEV}`];

function batchLines(s: Scenario): string[] {
  const lines: string[] = [];
  if (s.kind === 'route') {
    if (s.count > MAX_ROUTES) throw new RangeError(`at most ${MAX_ROUTES} routes`);
    lines.push(...GATEWAY_SETUP);
    for (let i = 0; i < s.count; i++) {
      lines.push(`route add 198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32 via ${GATEWAY} dev ${DEV}`);
    }
  } else {
    for (let i = 0; i < s.count; i++) lines.push(`link add ifb${i} type ifb`);
  }
  return lines;
}

/** Creates the scenario's namespace afresh; returns the seconds it took to fill. */
export function createScenario(s: Scenario): number {
  destroyScenario(s);
  const ns = netnsName(s);
  ip(['netns', 'add', ns]);
  const t0 = process.hrtime.bigint();
  ipBatch(ns, batchLines(s));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function destroyScenario(s: Scenario): void {
  try {
    execFileSync('ip', ['netns', 'del', netnsName(s)], { stdio: 'ignore' });
  } catch {
    // It did not exist.
  }
}
