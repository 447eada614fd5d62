/**
 * Leak check, long form: socket cycles in one instance (alloc, connect,
 * dump, free, close) and spawn cycles of worker instances, in a private
 * namespace holding a few links. Samples open descriptors, threads, the
 * instance's wasm memory and RSS, and prints their slopes per cycle (a leak
 * is a slope that stays above zero however long the run).
 *
 *   node --expose-gc --import tsx bench/leaks.ts [--sockets 10000] [--spawns 1000]     (as root)
 *
 * With --expose-gc each sample is taken after a full collection and the
 * JavaScript heap is reported too: RSS alone also moves with V8's and
 * malloc's own bookkeeping.
 */
import { parseArgs } from 'node:util';
import { LibnlCore } from '../dist/libnl/core.js';
import { libnlApi } from '../dist/libnl/sync.js';
import { createNetns, ipn } from '../test/helpers/netns.js';
import { openFds, rss, settleThreads, slope, threads } from '../test/helpers/process_stats.js';
import { socketCycle, spawnCycle } from '../test/helpers/leak_cycles.js';

const { values } = parseArgs({ options: { sockets: { type: 'string', default: '10000' }, spawns: { type: 'string', default: '1000' } } });
const socketCycles = Number(values.sockets);
const spawnCycles = Number(values.spawns);

const ns = createNetns('leaks');
for (let i = 0; i < 4; i++) ipn(ns, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', `p${i}`);

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const collect = (globalThis as { gc?: () => void }).gc;
/** The process-wide figures of one sample, after a full collection when possible. */
const sample = (cycle: number): { cycle: number; fds: number; threads: number; rss: number; js: number } => {
  collect?.();
  return { cycle, fds: openFds(), threads: threads(), rss: rss(), js: process.memoryUsage().heapUsed };
};
type Sample = ReturnType<typeof sample> & { heap?: number };
type Key = 'fds' | 'threads' | 'rss' | 'js' | 'heap';
const report = (what: string, samples: Sample[]): void => {
  const s = (k: Key): number => slope(samples.map((p) => [p.cycle, p[k] ?? 0]));
  const first = samples[0];
  const last = samples[samples.length - 1];
  // The first samples include warm-up (JIT, heap growth to its working size): slopes use the second half.
  const half = samples.slice(Math.floor(samples.length / 2));
  const h = (k: Key): number => slope(half.map((p) => [p.cycle, p[k] ?? 0]));
  console.log(`\n${what}: ${last.cycle} cycles`);
  console.log(`  fds      ${first.fds} -> ${last.fds}   slope ${s('fds').toExponential(2)}/cycle`);
  console.log(`  threads  ${first.threads} -> ${last.threads}   slope ${s('threads').toExponential(2)}/cycle`);
  if (first.heap !== undefined) {
    console.log(`  wasm mem ${mib(first.heap)} -> ${mib(last.heap ?? 0)} MiB   slope ${s('heap').toFixed(1)} B/cycle (second half ${h('heap').toFixed(1)})`);
  }
  console.log(`  RSS      ${mib(first.rss)} -> ${mib(last.rss)} MiB   slope ${s('rss').toFixed(1)} B/cycle (second half ${h('rss').toFixed(1)})`);
  console.log(`  JS heap  ${mib(first.js)} -> ${mib(last.js)} MiB   slope ${s('js').toFixed(1)} B/cycle (second half ${h('js').toFixed(1)})` +
    (collect ? '' : ' (no --expose-gc: includes garbage)'));
};

{
  const core = new LibnlCore({ netns: ns });
  const lib = libnlApi(core);
  const every = Math.max(1, Math.floor(socketCycles / 50));
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let i = 0; i <= socketCycles; i++) {
    if (i % every === 0) samples.push({ ...sample(i), heap: core.runtime.memory.buffer.byteLength });
    if (i < socketCycles && socketCycle(lib) !== 9) throw new Error('wrong link count');
  }
  const s = (performance.now() - t0) / 1000;
  report(`socket cycles in one instance (${(socketCycles / s).toFixed(0)}/s)`, samples);
  console.log(`  live handles at the end ${lib.liveHandles()}, instance sockets open ${core.runtime.process.sockets.count}`);
  lib.close();
}

{
  const baseThreads = threads();
  const baseFds = openFds();
  const every = Math.max(1, Math.floor(spawnCycles / 50));
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let i = 0; i <= spawnCycles; i++) {
    if (i % every === 0) samples.push(sample(i));
    if (i < spawnCycles && await spawnCycle(ns) !== 9) throw new Error('wrong link count');
  }
  const s = (performance.now() - t0) / 1000;
  report(`Libnl.spawn/close cycles (${(spawnCycles / s).toFixed(1)}/s)`, samples);
  const after = await settleThreads(baseThreads);
  console.log(`  after the last close: threads ${baseThreads} -> ${after}, fds ${baseFds} -> ${openFds()}`);
}
