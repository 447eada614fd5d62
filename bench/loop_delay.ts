/**
 * The event-loop delay during a piece of async work, as the bench measures
 * it everywhere: monitorEventLoopDelay at 1 ms resolution (a stall shorter
 * than that is not seen), its largest value and 99th percentile.
 *
 * The histogram records a stall only when its timer runs after it. A stall
 * at the very end of the work (`ip -j`'s JSON.parse of the whole answer, the
 * last batch of a dump) was lost when the histogram stopped in the same turn,
 * so it stops only after the loop's timers have run once more.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as nextTimers } from 'node:timers/promises';

export interface LoopDelay {
  /** Largest delay (ns). */
  maxNs: number;
  /** Its 99th percentile (ns). */
  p99Ns: number;
}

export async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ value: T; delay: LoopDelay }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  try {
    const value = await work();
    // The histogram's timer is due before this one, so it runs first.
    await nextTimers(1);
    return { value, delay: { maxNs: h.max, p99Ns: h.percentile(99) } };
  } finally {
    h.disable();
  }
}
