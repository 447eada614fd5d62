/**
 * What a leak would show in this process: open descriptors, threads and
 * resident memory (from /proc), and the slope of a series of samples.
 */
import { readFileSync, readdirSync } from 'node:fs';

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

export function threads(): number {
  return readdirSync('/proc/self/task').length;
}

/** Resident set size in bytes (VmRSS). */
export function rss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Waits until the worker threads that were asked to end are gone (they end asynchronously). */
export async function settleThreads(baseline: number, timeoutMs = 10_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (threads() > baseline && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return threads();
}

/** CPU time (user + system) another process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces), from the 3rd on.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // USER_HZ, the unit of these fields: 100 on every Linux architecture but alpha and ia64.
  const CLOCK_TICKS = 100;
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
