/** How the bench's tables write times and sizes, one definition for every table. */

/** Seconds as µs, ms or s, with three significant digits or so. */
export function fmtTime(s: number): string {
  if (s >= 1) return `${s.toFixed(2)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(s >= 0.1 ? 0 : s >= 0.01 ? 1 : 2)} ms`;
  return `${(s * 1e6).toFixed(0)} µs`;
}

/** KiB as whole MB. */
export function fmtMb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}
