/**
 * How an instance's waits end (ts/host/waits.ts): a sleep ends at its time,
 * or at once for news another thread sets and rings for, or set while
 * nobody waited (the doorbell already reset): no wake-up is lost between a
 * look and a wait. A signal the program ignores or blocks does not end it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { nativeHost } from '../../dist/host/native.js';
import { addonPath } from '../../dist/host/paths.js';
import { Waits, CANCEL_CALL, CANCEL_SHUTDOWN } from '../../dist/host/waits.js';
import { SignalState, SIG_CATCH, SIG_IGNORE } from '../../dist/host/signals.js';
import { Cancelled } from '../../dist/host/errors.js';

const EINTR = 4;
const EAGAIN = 11;
const SIGUSR1 = 10;

function setup(): { waits: Waits; signals: SignalState; cancel: Int32Array; wakeFd: number } {
  const native = nativeHost();
  const wakeFd = native.wakeupCreate();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const signals = new SignalState();
  return { waits: new Waits(native, wakeFd, cancel, signals), signals, cancel, wakeFd };
}

/** After `ms`, another thread posts `sig` and rings the eventfd, as run_program.ts does. */
function sendLater(signals: SignalState, wakeFd: number, sig: number, ms: number): Worker {
  return new Worker(`
    const { workerData } = require('node:worker_threads');
    const addon = require(workerData.addonPath);
    const pending = new Int32Array(workerData.signals);
    setTimeout(() => { Atomics.or(pending, 0, 1 << (workerData.sig - 1)); addon.wakeupSignal(workerData.wakeFd); }, workerData.ms);
  `, { eval: true, workerData: { addonPath, signals: signals.buffer, wakeFd, sig, ms } });
}

const opened: number[] = [];
afterEach(() => {
  for (const fd of opened.splice(0)) nativeHost().closeFd(fd);
});

describe('waits', () => {
  it('a sleep lasts its time when nothing happens', () => {
    const { waits, wakeFd } = setup();
    opened.push(wakeFd);
    const t = performance.now();
    expect(waits.sleep(0, 200_000_000)).toBe(0);
    expect(performance.now() - t).toBeGreaterThanOrEqual(195);
  });

  it('a caught signal from another thread ends a sleep at once with EINTR', async () => {
    const { waits, signals, wakeFd } = setup();
    opened.push(wakeFd);
    signals.setAction(SIGUSR1, SIG_CATCH);
    const sender = sendLater(signals, wakeFd, SIGUSR1, 300);
    await new Promise((r) => sender.once('online', r));
    const t = performance.now();
    expect(waits.sleep(10, 0)).toBe(-EINTR);
    expect(performance.now() - t).toBeLessThan(2000);
    await sender.terminate();
  });

  it('a signal that arrived while nobody waited, its ring already answered, still ends the next sleep', () => {
    const { waits, signals, wakeFd } = setup();
    opened.push(wakeFd);
    signals.setAction(SIGUSR1, SIG_CATCH);
    signals.post(SIGUSR1);
    nativeHost().wakeupSignal(wakeFd);
    nativeHost().wakeupReset(wakeFd);
    expect(waits.sleep(10, 0)).toBe(-EINTR);
  });

  it('an ignored or blocked signal does not end a sleep; a waited one does', () => {
    const { waits, signals, wakeFd } = setup();
    opened.push(wakeFd);
    signals.setAction(SIGUSR1, SIG_IGNORE);
    signals.post(SIGUSR1);
    nativeHost().wakeupSignal(wakeFd);
    expect(waits.sleep(0, 100_000_000)).toBe(0);
    signals.setAction(SIGUSR1, SIG_CATCH);
    signals.setBlocked(1 << (SIGUSR1 - 1));
    expect(waits.sleep(0, 100_000_000)).toBe(0);
    expect(waits.sleep(0, 100_000_000, 1 << (SIGUSR1 - 1))).toBe(-EINTR);
    expect(signals.take(1 << (SIGUSR1 - 1))).toBe(SIGUSR1);
    expect(signals.take(1 << (SIGUSR1 - 1))).toBe(0);
  });

  it('a cancelled call ends with EAGAIN; a shutdown throws', () => {
    const { waits, cancel, wakeFd } = setup();
    opened.push(wakeFd);
    Atomics.store(cancel, 0, CANCEL_CALL);
    expect(waits.sleep(10, 0)).toBe(-EAGAIN);
    Atomics.store(cancel, 0, CANCEL_SHUTDOWN);
    expect(() => waits.sleep(10, 0)).toThrow(Cancelled);
  });
});
