/**
 * Dumps to trace with perf for bench/sched_gaps.py: four warm-up
 * `stream()` dumps of the IPv4 routes, then twelve timed ones. Prints the
 * timed dumps' span as process.hrtime() seconds (perf's times with
 * `-k CLOCK_MONOTONIC`), their median time and each one's largest
 * event-loop delay.
 *
 *   perf record -k CLOCK_MONOTONIC -e sched:sched_switch,sched:sched_wakeup -a \
 *     -o sched.data -- ip netns exec NS node --import tsx bench/traced_dumps.ts [read-ahead]
 */
import { NetlinkClient } from '../dist/index.js';
import { withLoopDelay } from './loop_delay.js';
import { median } from './stats.js';

const WARM_UP = 4;
const TIMED = 12;

const client = await NetlinkClient.open({ readAhead: process.argv[2] === 'read-ahead' });

async function dump(): Promise<void> {
  for await (const _route of client.routes.stream({ family: 'inet' }));
}

for (let i = 0; i < WARM_UP; i++) await dump();
const times: number[] = [];
const delays: number[] = [];
const start = process.hrtime.bigint();
for (let i = 0; i < TIMED; i++) {
  const { value: ms, delay } = await withLoopDelay(async () => {
    const t = performance.now();
    await dump();
    return performance.now() - t;
  });
  times.push(ms);
  delays.push(delay.maxNs / 1e6);
}
const end = process.hrtime.bigint();
await client.close();

const seconds = (ns: bigint): string => (Number(ns) / 1e9).toFixed(6);
console.log(`--between ${seconds(start)} ${seconds(end)}`);
console.log(`median ${median(times).toFixed(1)} ms; largest event-loop delay per dump (ms): ${delays.map((d) => d.toFixed(1)).join(' ')}`);
