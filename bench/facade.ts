/**
 * Costs of the main-thread facade (Libnl.spawn): the round trip of a trivial
 * call (main thread -> worker -> wasm -> back), and the cold start of a new
 * instance (worker + instantiation + libnl's constructors) up to its first
 * call, with libnl.wasm already compiled. Prints a table of medians, or
 * with --json the samples' summaries for bench/run.ts.
 *
 *   node --import tsx bench/facade.ts [--json]
 */
import { performance } from 'node:perf_hooks';
import { Libnl } from '../dist/index.js';
import { percentile } from './stats.js';

export interface Summary {
  median: number;
  p90: number;
  min: number;
  n: number;
}

function summary(samples: number[]): Summary {
  return { median: percentile(samples, 0.5), p90: percentile(samples, 0.9), min: Math.min(...samples), n: samples.length };
}

function row(name: string, s: Summary, unit: 'µs' | 'ms'): string {
  const k = unit === 'µs' ? 1000 : 1;
  const fmt = (v: number): string => (v * k).toFixed(unit === 'µs' ? 1 : 2).padStart(10);
  return `${name.padEnd(42)}${fmt(s.median)}${fmt(s.p90)}${fmt(s.min)}  ${unit}  (n=${s.n})`;
}

const lib = await Libnl.spawn();
const sk = await lib.nl_socket_alloc();
for (let i = 0; i < 2000; i++) await lib.nl_socket_get_local_port(sk);
const trivial: number[] = [];
for (let i = 0; i < 20000; i++) {
  const t = performance.now();
  await lib.nl_socket_get_local_port(sk);
  trivial.push(performance.now() - t);
}
await lib.nl_socket_free(sk);
await lib.close();

const cold: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  const l = await Libnl.spawn();
  await l.nl_socket_alloc();
  cold.push(performance.now() - t);
  await l.close();
}

// Milliseconds, as performance.now() measures.
const result = { trivialCallMs: summary(trivial), coldStartMs: summary(cold) };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`${'measure'.padEnd(42)}${'median'.padStart(10)}${'p90'.padStart(10)}${'min'.padStart(10)}`);
  console.log(row('trivial call round trip (main thread)', result.trivialCallMs, 'µs'));
  console.log(row('Libnl.spawn() to first call (compiled)', result.coldStartMs, 'ms'));
}
