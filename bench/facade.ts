/**
 * Costs of the main-thread facade (Libnl.spawn): the round trip of a trivial
 * call (main thread -> worker -> wasm -> back); a call in a loop of setters
 * (building a route as a C program does, the calls of the writes bench's
 * Libnl.spawn() contender but the kernel's: handles made, passed and given
 * back); and the cold start of a new instance (worker + instantiation +
 * libnl's constructors) up to its first call, with libnl.wasm already
 * compiled. Prints a table of medians, or with --json the samples'
 * summaries for bench/run.ts.
 *
 *   node --import tsx bench/facade.ts [--json]
 */
import { performance } from 'node:perf_hooks';
import { AF_INET, Libnl, RT_TABLE_MAIN } from '../dist/index.js';
import { percentile } from './stats.js';

export interface Summary {
  median: number;
  p90: number;
  min: number;
  n: number;
}

/** What --json prints (milliseconds). */
export interface FacadeResult {
  trivialCallMs: Summary;
  setterCallMs: Summary;
  coldStartMs: Summary;
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

/** The ten calls that build and free a route; returns the time per call. */
const SETTER_CALLS = 10;
const gw = await lib.nl_addr_parse('192.0.2.2', AF_INET);
async function buildRoute(i: number): Promise<number> {
  const t = performance.now();
  const route = await lib.rtnl_route_alloc();
  const dst = await lib.nl_addr_parse(`10.64.${(i >> 8) & 255}.${i & 255}/32`, AF_INET);
  await lib.rtnl_route_set_dst(route, dst);
  await lib.nl_addr_put(dst);
  await lib.rtnl_route_set_table(route, RT_TABLE_MAIN);
  const nh = await lib.rtnl_route_nh_alloc();
  await lib.rtnl_route_nh_set_gateway(nh, gw);
  await lib.rtnl_route_nh_set_ifindex(nh, 2);
  await lib.rtnl_route_add_nexthop(route, nh);
  await lib.rtnl_route_put(route);
  return (performance.now() - t) / SETTER_CALLS;
}
for (let i = 0; i < 500; i++) await buildRoute(i);
const setter: number[] = [];
for (let i = 0; i < 5000; i++) setter.push(await buildRoute(i));
await lib.nl_addr_put(gw);
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
const result: FacadeResult = { trivialCallMs: summary(trivial), setterCallMs: summary(setter), coldStartMs: summary(cold) };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result));
} else {
  console.log(`${'measure'.padEnd(42)}${'median'.padStart(10)}${'p90'.padStart(10)}${'min'.padStart(10)}`);
  console.log(row('trivial call round trip (main thread)', result.trivialCallMs, 'µs'));
  console.log(row('a call in a loop of setters (per call)', result.setterCallMs, 'µs'));
  console.log(row('Libnl.spawn() to first call (compiled)', result.coldStartMs, 'ms'));
}
