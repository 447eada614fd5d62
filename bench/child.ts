/**
 * The contender side of bench/run.ts's line protocol, for contenders written
 * in TypeScript: read "route" or "link" lines on stdin, run one dump for
 * each and answer "<items> <ns>" (plus "<event-loop delay max ns> <p99 ns>" when the
 * contender measures it). The C and Python contenders speak the same
 * protocol on their own.
 */
import { createInterface } from 'node:readline';
import { withLoopDelay } from './loop_delay.js';

export type DumpKind = 'route' | 'link';

export interface DumpResult {
  items: number;
  ns: bigint;
  /** Largest event-loop delay seen during the dump (ns), if measured. */
  eventLoopDelayNs?: number;
  /** Its 99th percentile (ns). */
  eventLoopDelayP99Ns?: number;
}

/**
 * Answers each line of stdin with the line `answer` makes of it, one at a
 * time, until stdin ends; then runs `close`. (The writes bench's contenders
 * serve their protocol with it too.)
 */
export async function serveLines(answer: (line: string) => Promise<string>,
  close: () => Promise<void> | void = () => undefined): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) process.stdout.write(`${await answer(line)}\n`);
  await close();
}

/** Serves dumps until stdin ends, then runs `close`. */
export function serve(dump: (kind: DumpKind) => Promise<DumpResult>,
  close: () => Promise<void> | void = () => undefined): Promise<void> {
  return serveLines(async (line) => {
    const kind = line.trim();
    if (kind !== 'route' && kind !== 'link') throw new Error(`unknown command ${JSON.stringify(line)}`);
    const r = await dump(kind);
    const extra = r.eventLoopDelayNs !== undefined
      ? ` ${Math.round(r.eventLoopDelayNs)} ${Math.round(r.eventLoopDelayP99Ns ?? r.eventLoopDelayNs)}` : '';
    return `${r.items} ${r.ns}${extra}`;
  }, close);
}

/** Times an async dump that returns its item count. */
export async function timed(run: () => Promise<number> | number): Promise<DumpResult> {
  const t0 = process.hrtime.bigint();
  const items = await run();
  return { items, ns: process.hrtime.bigint() - t0 };
}

/** timed(), with the event-loop delay measured over the dump (bench/loop_delay.ts). */
export async function timedWithLoopDelay(run: () => Promise<number> | number): Promise<DumpResult> {
  const { value, delay } = await withLoopDelay(() => timed(run));
  return { ...value, eventLoopDelayNs: delay.maxNs, eventLoopDelayP99Ns: delay.p99Ns };
}
