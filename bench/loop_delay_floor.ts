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
import { setTimeout as sleep } from 'node:timers/promises';
import { withLoopDelay } from './loop_delay.js';
import { whileSpinning } from './spinning_threads.js';

const WINDOWS = 20;
const WINDOW_MS = 80;

async function largestDelays(spinning: number): Promise<number[]> {
  const largest = await whileSpinning(spinning, async () => {
    const windows: number[] = [];
    for (let w = 0; w < WINDOWS; w++) windows.push((await withLoopDelay(() => sleep(WINDOW_MS))).delay.maxNs / 1e6);
    return windows;
  });
  return largest.sort((a, b) => a - b);
}

console.log(`largest event-loop delay per ${WINDOW_MS} ms window, ${WINDOWS} windows, idle main thread`);
console.log('spinning threads   median      max');
for (let n = 0; n <= 3; n++) {
  const d = await largestDelays(n);
  console.log(`${String(n).padStart(16)} ${d[WINDOWS >> 1].toFixed(1).padStart(6)} ms ${d[WINDOWS - 1].toFixed(1).padStart(6)} ms`);
}
