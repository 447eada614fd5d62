/**
 * The writes scenarios: what each turn's fresh namespace holds before the
 * contender starts, what it changes, and how the kernel's count of routes
 * or links is taken afterwards to check that every op went in.
 */
import { execFileSync } from 'node:child_process';
import { nativeBinary } from '../contenders.js';
import { DEV, GATEWAY_SETUP, ipBatch } from '../scenarios.js';
import { WARM_BASE, ipBatchLine, type WriteOp } from './ops.js';

export interface WriteScenario {
  name: string;
  op: WriteOp;
  count: number;
  /** Rounds (each contender one turn per round), unless --reps says otherwise. */
  rounds: number;
  /** The contenders that run it; by default all but those only some scenarios name (ONLY_NAMED). */
  contenders?: readonly string[];
}

/** Contenders that run only in the scenarios naming them. */
export const ONLY_NAMED: ReadonlySet<string> = new Set(['client-batch-gen']);

export const WRITE_SCENARIOS: readonly WriteScenario[] = [
  { name: 'route-add-10k', op: 'route-add', count: 10_000, rounds: 5 },
  { name: 'route-add-100k', op: 'route-add', count: 100_000, rounds: 3 },
  { name: 'route-del-10k', op: 'route-del', count: 10_000, rounds: 5 },
  { name: 'veth-add-1k', op: 'veth-add', count: 1_000, rounds: 5 },
  // Issue 23's memory target: a million ops streamed from an async generator.
  { name: 'route-add-1m-gen', op: 'route-add', count: 1_000_000, rounds: 1, contenders: ['client-batch-gen'] },
];

/**
 * Warm-up before the timed ops, in chunks of `chunk` ops numbered from
 * WARM_BASE, until `seconds` have passed or `maxOps` are done: V8 optimises
 * the JavaScript and the wasm a contender runs only after a while (the dump
 * bench warms up for a second too).
 */
export function warmUpPlan(s: WriteScenario): { chunk: number; maxOps: number; seconds: number } {
  // A Node contender's first few thousand requests run at two to three times its
  // later cost (V8 optimising the JavaScript, and tiering the wasm up, measured
  // over 5,000-op rounds): a second of them, up to 20k.
  return s.op === 'veth-add' ? { chunk: 10, maxOps: 50, seconds: 1 } : { chunk: 250, maxOps: 20_000, seconds: 1 };
}

export function contenderRuns(s: WriteScenario, id: string): boolean {
  return s.contenders ? s.contenders.includes(id) : !ONLY_NAMED.has(id);
}

/**
 * Fills a fresh namespace: DEV and its gateway and, for the deletes, the
 * routes to delete (the timed ones and the warm-up's) as `ip route add
 * ... proto static` makes them: libnl deletes with its default protocol,
 * static, and the kernel deletes only a route whose protocol matches.
 * Returns DEV's ifindex.
 */
export function prepare(ns: string, s: WriteScenario): number {
  const lines = [...GATEWAY_SETUP];
  if (s.op === 'route-del') {
    const warm = warmUpPlan(s).maxOps;
    for (let i = 0; i < s.count; i++) lines.push(`${ipBatchLine('route-add', i)} proto static`);
    for (let i = 0; i < warm; i++) lines.push(`${ipBatchLine('route-add', WARM_BASE + i)} proto static`);
  }
  ipBatch(ns, lines);
  const [dev] = JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', DEV], { encoding: 'utf8' })) as
    Array<{ ifindex: number }>;
  return dev.ifindex;
}

/**
 * How many IPv4 routes (all tables) or links the namespace's kernel holds:
 * the messages of one dump, read by bench/raw_dump.c (a million routes in
 * about a second, where `ip route show | wc -l` takes several).
 */
export function kernelCount(ns: string, op: WriteOp): number {
  const out = execFileSync('ip', ['netns', 'exec', ns, nativeBinary('raw-dump')],
    { input: op === 'veth-add' ? 'link\n' : 'route\n', encoding: 'utf8' });
  return Number(out.trim().split(/\s+/)[0]);
}

/** How the count must change when all `count` ops are applied. */
export function expectedChange(s: WriteScenario, count = s.count): number {
  if (s.op === 'route-del') return -count;
  return s.op === 'veth-add' ? 2 * count : count;
}

/**
 * Empties the namespace of routes before it is deleted: removing DEV takes
 * its routes with it at once, where a namespace deleted with 100k routes
 * would free them in the kernel's background work during the next turn.
 */
export function release(ns: string): void {
  try {
    execFileSync('ip', ['-n', ns, 'link', 'del', DEV], { stdio: 'ignore' });
  } catch {
    // Setting it up failed before DEV existed.
  }
}
