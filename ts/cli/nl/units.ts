/**
 * tc's units (tc(8) "PARAMETERS"), so that `nl` accepts what `tc` accepts:
 * rates in bits or bytes per second, sizes in bytes, times in microseconds.
 * The typed client takes rates in bytes per second.
 */
import { UsageError } from './args.js';

const SI: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const IEC: Record<string, number> = { ki: 2 ** 10, mi: 2 ** 20, gi: 2 ** 30, ti: 2 ** 40 };

function split(text: string, what: string): [number, string] {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text);
  if (!m) throw new UsageError(`${what}: "${text}" is not a number with a unit`);
  return [Number(m[1]), m[2].toLowerCase()];
}

/** "1mbit", "100kbps", "1.5gibit", a bare number (bits/s) -> bytes per second. */
export function parseRate(text: string, what: string): number {
  const [n, unit] = split(text, what);
  const m = /^(|k|m|g|t|ki|mi|gi|ti)(bit|bps)?$/.exec(unit);
  if (!m || (unit !== '' && !m[2])) throw new UsageError(`${what}: unknown rate unit in "${text}" (bit, kbit, mbit, gbit, bps, kbps, ...)`);
  const bytes = n * (SI[m[1]] ?? IEC[m[1]]) / (m[2] === 'bps' ? 1 : 8);
  return Math.max(1, Math.round(bytes));
}

/** "1500", "32kb", "2mb", "64kbit" -> bytes (tc's k/m/g are binary). */
export function parseSize(text: string, what: string): number {
  const [n, unit] = split(text, what);
  const m = /^(|k|m|g)(b|bit)?$/.exec(unit);
  if (!m) throw new UsageError(`${what}: unknown size unit in "${text}" (b, kb, mb, gb, kbit, mbit, gbit)`);
  const scale = m[1] ? 2 ** (10 * ' kmg'.indexOf(m[1])) : 1;
  return Math.round(n * scale / (m[2] === 'bit' ? 8 : 1));
}

/** "50ms", "1s", "200us", a bare number (µs) -> microseconds. */
export function parseTime(text: string, what: string): number {
  const [n, unit] = split(text, what);
  const scale: Record<string, number> = { '': 1, us: 1, usec: 1, ms: 1e3, msec: 1e3, s: 1e6, sec: 1e6 };
  if (!Object.hasOwn(scale, unit)) throw new UsageError(`${what}: unknown time unit in "${text}" (us, ms, s)`);
  return Math.round(n * scale[unit]);
}

/** Bytes per second as tc prints a rate: 125000 -> "1Mbit". */
export function formatRate(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8;
  const [unit, div] = ([['Tbit', 1e12], ['Gbit', 1e9], ['Mbit', 1e6], ['Kbit', 1e3]] as const).find(([, d]) => bits >= d)
    ?? ['bit', 1];
  return `${Number((bits / div).toFixed(3))}${unit}`;
}
