/**
 * The lifecycle figures of issue 25, with both cores busy (one spinning
 * process per core beside the bench, as test/helpers/cpu_load.ts does):
 *
 *   - Libnl.spawn() / one call / close() cycles: the time close() takes,
 *     median, p99 and max (a lost wake-up shows as a close of about a second);
 *   - namespace views of one client made, used (a listing and a watched
 *     change) and closed: descriptors, threads, the instance's counters and
 *     RSS before and after (no growth is the target).
 *
 *   node --import tsx bench/lifecycles.ts [--spawns 200] [--views 1000]     (as root)
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Libnl, NetlinkClient } from '../dist/index.js';
import { underLoad } from '../test/helpers/cpu_load.js';
import { viewCycle } from '../test/helpers/leak_cycles.js';
import { withNetns } from '../test/helpers/netns.js';
import { openFds, rss, settleThreads, threads } from '../test/helpers/process_stats.js';
import { percentile } from './stats.js';

const { values } = parseArgs({ options: { spawns: { type: 'string', default: '200' }, views: { type: 'string', default: '1000' } } });
const spawns = Number(values.spawns);
const views = Number(values.views);
const WARM_UP_VIEWS = 50;

const ms = (x: number): string => `${x.toFixed(2)} ms`;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

async function spawnCloseCycles(ns: string): Promise<number[]> {
  const closes: number[] = [];
  for (let i = 0; i < spawns; i++) {
    const lib = await Libnl.spawn({ netns: ns });
    const sk = await lib.nl_socket_alloc();
    await lib.nl_socket_free(sk);
    const t = performance.now();
    await lib.close();
    closes.push(performance.now() - t);
  }
  return closes;
}

interface Sample { fds: number; threads: number; rss: number; stats: unknown }

async function viewCycles(ns: string): Promise<{ before: Sample; after: Sample; cycleMs: number[] }> {
  execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
  const client = await NetlinkClient.open();
  try {
    let n = 0;
    const cycle = async (): Promise<void> => {
      const r = await viewCycle(client, ns, n++);
      if (r.names.length !== 3 || r.eventNetns !== ns) throw new Error(`a view cycle went wrong: ${JSON.stringify(r)}`);
    };
    for (let i = 0; i < WARM_UP_VIEWS; i++) await cycle();
    const sample = async (): Promise<Sample> => ({ fds: openFds(), threads: threads(), rss: rss(), stats: await client.stats() });
    const before = await sample();
    const cycleMs: number[] = [];
    for (let i = 0; i < views; i++) {
      const t = performance.now();
      await cycle();
      cycleMs.push(performance.now() - t);
    }
    await settleThreads(before.threads);
    return { before, after: await sample(), cycleMs };
  } finally {
    await client.close();
  }
}

const closes = await withNetns('lcb', (ns) => underLoad(() => spawnCloseCycles(ns)));
const v = await withNetns('lcbv', (ns) => underLoad(() => viewCycles(ns)));

console.log('\nLifecycles, both cores busy\n');
console.log(`| ${spawns} spawn/call/close cycles | median | p99 | max |`);
console.log('|---|---|---|---|');
console.log(`| close() | ${ms(percentile(closes, 0.5))} | ${ms(percentile(closes, 0.99))} | ${ms(Math.max(...closes))} |`);
console.log(`\n| ${views} view cycles (after ${WARM_UP_VIEWS} warm-up) | before | after |`);
console.log('|---|---|---|');
console.log(`| open descriptors | ${v.before.fds} | ${v.after.fds} |`);
console.log(`| threads | ${v.before.threads} | ${v.after.threads} |`);
console.log(`| RSS | ${mib(v.before.rss)} | ${mib(v.after.rss)} |`);
console.log(`| instance counters equal | | ${JSON.stringify(v.before.stats) === JSON.stringify(v.after.stats)} |`);
console.log(`| cycle time median / p99 | | ${ms(percentile(v.cycleMs, 0.5))} / ${ms(percentile(v.cycleMs, 0.99))} |`);
