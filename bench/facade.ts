/**
 * Costs of the main-thread facade (Libnl.spawn): the round trip of a trivial
 * call (main thread -> worker -> wasm -> back), and the cold start of a new
 * instance (worker + instantiation + libnl's constructors) up to its first
 * call, with libnl.wasm already compiled. Prints a table of medians.
 *
 *   node --import tsx bench/facade.ts
 */
import { performance } from 'node:perf_hooks';
import { Libnl } from '../dist/index.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function row(name: string, samples: number[], unit: 'µs' | 'ms'): string {
  const k = unit === 'µs' ? 1000 : 1;
  const fmt = (v: number): string => (v * k).toFixed(unit === 'µs' ? 1 : 2).padStart(10);
  const s = [...samples].sort((a, b) => a - b);
  return `${name.padEnd(42)}${fmt(median(s))}${fmt(s[Math.floor(s.length * 0.9)])}${fmt(s[0])}  ${unit}  (n=${s.length})`;
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

console.log(`${'measure'.padEnd(42)}${'median'.padStart(10)}${'p90'.padStart(10)}${'min'.padStart(10)}`);
console.log(row('trivial call round trip (main thread)', trivial, 'µs'));
console.log(row('Libnl.spawn() to first call (compiled)', cold, 'ms'));
