/**
 * Flow control of a dump between the client worker and the main thread: a
 * SharedArrayBuffer the main thread counts parsed batches in, and the
 * worker waits on before it sends a batch more than PACING_WINDOW ahead.
 *
 * Why: on a machine with few cores, a worker that parses and sends as fast
 * as it can keeps one core busy while the main thread parses on the other,
 * and any third runnable thread (V8's GC and compiler helpers) then takes
 * the main thread's core for a scheduler slice: event-loop stalls of 5-8 ms
 * in a 100k-route dump, measured as run-queue waits in
 * /proc/thread-self/schedstat (docs/decisions/dump-pacing.md). Kept at most
 * two batches ahead, the worker sleeps while the main thread catches up.
 *
 * Pacing is released for good (the worker then runs the dump to its end)
 * when the main thread stops reading it, and whenever another call is made
 * on the same worker: that call could not be served before the dump ends,
 * and the code waiting for it may be the code that would read the dump.
 */

/** Batches the worker may have sent that the main thread has not parsed. */
export const PACING_WINDOW = 2;
const PARSED = 0;
const RELEASED = 1;

/** The worker's side: call before sending batch number `sent` (0-based). */
export function waitForPacing(pacing: SharedArrayBuffer, sent: number): void {
  const cells = new Int32Array(pacing);
  for (;;) {
    const parsed = Atomics.load(cells, PARSED);
    if (sent - parsed < PACING_WINDOW || Atomics.load(cells, RELEASED)) return;
    Atomics.wait(cells, PARSED, parsed);
  }
}

/** The main thread's side of one dump. */
export class DumpPacing {
  readonly buffer = new SharedArrayBuffer(8);
  private readonly cells = new Int32Array(this.buffer);

  /** A batch has been parsed: the worker may send one more. */
  parsed(): void {
    Atomics.add(this.cells, PARSED, 1);
    Atomics.notify(this.cells, PARSED);
  }

  release(): void {
    Atomics.store(this.cells, RELEASED, 1);
    Atomics.notify(this.cells, PARSED);
  }
}
