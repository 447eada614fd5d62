/**
 * Other threads of this process that keep a core busy, as a dump's worker
 * does, for the floor scripts (bench/loop_delay_floor.ts,
 * bench/kept_objects_floor.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

const SPIN = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData);
let x = 0;
while (!Atomics.load(stop, 0)) for (let i = 0; i < 1e5; i++) x += i;
`;

/** Runs `work` while `count` threads spin, started 300 ms before it so they are under way. */
export async function whileSpinning<T>(count: number, work: () => Promise<T>): Promise<T> {
  const stop = new SharedArrayBuffer(4);
  const workers = Array.from({ length: count }, () => new Worker(SPIN, { eval: true, workerData: stop }));
  try {
    await sleep(300);
    return await work();
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await Promise.all(workers.map((w) => new Promise((done) => w.once('exit', done))));
  }
}
