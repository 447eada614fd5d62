/**
 * The machine's floor for the event-loop delay the bench reports: an idle
 * main thread, measured as the contenders are (monitorEventLoopDelay, 1 ms
 * resolution, the largest delay per 80 ms window, about one dump), while
 * 0, 1, 2 and 3 other threads of the process spin.
 *
 * When more threads want to run than there are cores, a main thread with
 * nothing to do still waits for one: that part of a dump's delay is the
 * scheduler's, whatever the dump does (docs/benchmark.md).
 *
 *   node --import tsx bench/loop_delay_floor.ts
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

const WINDOWS = 20;
const WINDOW_MS = 80;

const SPIN = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData);
let x = 0;
while (!Atomics.load(stop, 0)) for (let i = 0; i < 1e5; i++) x += i;
`;

async function largestDelays(spinning: number): Promise<number[]> {
  const stop = new SharedArrayBuffer(4);
  const workers = Array.from({ length: spinning }, () => new Worker(SPIN, { eval: true, workerData: stop }));
  await sleep(300);
  const largest: number[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    await sleep(WINDOW_MS);
    h.disable();
    largest.push(h.max / 1e6);
  }
  Atomics.store(new Int32Array(stop), 0, 1);
  await Promise.all(workers.map((w) => new Promise((done) => w.once('exit', done))));
  return largest.sort((a, b) => a - b);
}

console.log(`largest event-loop delay per ${WINDOW_MS} ms window, ${WINDOWS} windows, idle main thread`);
console.log('spinning threads   median      max');
for (let n = 0; n <= 3; n++) {
  const d = await largestDelays(n);
  console.log(`${String(n).padStart(16)} ${d[WINDOWS >> 1].toFixed(1).padStart(6)} ms ${d[WINDOWS - 1].toFixed(1).padStart(6)} ms`);
}
