/**
 * How long a worker's answer takes to reach a main thread that has been
 * idle while the worker computed: the part of `Libnl.spawn()`'s calls that
 * the worker's spin cannot save (docs/decisions/call-channel.md). The
 * worker busy-waits for a while, stamps the time and answers, once by
 * `postMessage` and once by `Atomics.notify` to a main thread in
 * `Atomics.waitAsync`; the main thread takes the difference on arrival.
 *
 *   node --import tsx bench/reply_hop.ts
 */
import { Worker } from 'node:worker_threads';
import { percentile } from './stats.js';

const ROUNDS = 400;
const BUSY_US = [200, 600, 2000];

const BUSY = `
function busy(us) {
  const end = process.hrtime.bigint() + BigInt(us * 1000);
  while (process.hrtime.bigint() < end);
}
`;

/** Answers each message (the busy time) with the time it answered. */
const BY_MESSAGE = `${BUSY}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (us) => {
  busy(us);
  parentPort.postMessage(process.hrtime.bigint());
});
`;

/**
 * Shared words: [0] answers, [1] busy µs (negative: stop), [2] requests;
 * the answer's time after them.
 */
const BY_ATOMICS = `${BUSY}
const { workerData } = require('node:worker_threads');
const ctl = new Int32Array(workerData, 0, 4);
const stamp = new BigInt64Array(workerData, 16, 1);
for (let seen = 0; ; ) {
  Atomics.wait(ctl, 2, seen);
  seen = Atomics.load(ctl, 2);
  const us = Atomics.load(ctl, 1);
  if (us < 0) break;
  busy(us);
  stamp[0] = process.hrtime.bigint();
  Atomics.add(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
`;

/** Node 20 has it; TypeScript's library for our target does not declare it. */
const waitAsync = (Atomics as unknown as {
  waitAsync(ta: Int32Array, index: number, value: number): { value: Promise<string> | string };
}).waitAsync;

function summary(us: number[]): string {
  return `${percentile(us, 0.5).toFixed(1)} µs`.padStart(10) + `${percentile(us, 0.9).toFixed(1)} µs`.padStart(10);
}

async function byMessage(w: Worker, busyUs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const sent = await new Promise<bigint>((resolve) => {
      w.once('message', (m: bigint) => resolve(m));
      w.postMessage(busyUs);
    });
    out.push(Number(process.hrtime.bigint() - sent) / 1000);
  }
  return out;
}

/** Asks BY_ATOMICS's worker to be busy for `us` (negative: to stop). */
function ask(ctl: Int32Array, us: number): void {
  Atomics.store(ctl, 1, us);
  Atomics.add(ctl, 2, 1);
  Atomics.notify(ctl, 2);
}

async function byWaitAsync(ctl: Int32Array, stamp: BigInt64Array, busyUs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const wait = waitAsync(ctl, 0, Atomics.load(ctl, 0));
    ask(ctl, busyUs);
    await wait.value;
    out.push(Number(process.hrtime.bigint() - stamp[0]) / 1000);
  }
  return out;
}

const messages = new Worker(BY_MESSAGE, { eval: true });
console.log(`${'worker busy'.padEnd(14)}${'answer by'.padEnd(20)}${'median'.padStart(10)}${'p90'.padStart(10)}`);
for (const us of BUSY_US) {
  console.log(`${`${us} µs`.padEnd(14)}${'postMessage'.padEnd(20)}${summary(await byMessage(messages, us))}`);
}
await messages.terminate();

const shared = new SharedArrayBuffer(32);
const ctl = new Int32Array(shared, 0, 4);
const stamp = new BigInt64Array(shared, 16, 1);
const atomics = new Worker(BY_ATOMICS, { eval: true, workerData: shared });
for (const us of BUSY_US) {
  console.log(`${`${us} µs`.padEnd(14)}${'Atomics.waitAsync'.padEnd(20)}${summary(await byWaitAsync(ctl, stamp, us))}`);
}
ask(ctl, -1);
await atomics.terminate();
