/**
 * Netlink traces (JSON lines: {dir, protocol, data: hex}) of a native and a
 * wasm run, and the first message where they differ.
 *
 * Every datagram is split into its netlink messages; the sequence number and
 * port id of each header are masked, since they come from the clock and the
 * pid. Sent messages are compared byte for byte: they are what the program
 * decided. Received ones carry kernel state that moves by itself (counters,
 * random MAC addresses), so only their type and flags are compared.
 */
import { readFileSync } from 'node:fs';

export interface TraceLine {
  dir: 'send' | 'recv';
  protocol: number;
  data: string;
}

export interface NetlinkMessage {
  dir: 'send' | 'recv';
  protocol: number;
  type: number;
  flags: number;
  /** The message with seq and pid zeroed. */
  bytes: Buffer;
}

export function readTrace(path: string): TraceLine[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceLine);
}

export function splitMessages(lines: TraceLine[]): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  for (const l of lines) {
    const d = Buffer.from(l.data, 'hex');
    let off = 0;
    while (off + 16 <= d.length) {
      const len = d.readUInt32LE(off);
      if (len < 16 || off + len > d.length) break;
      const m = Buffer.from(d.subarray(off, off + len));
      m.writeUInt32LE(0, 8);
      m.writeUInt32LE(0, 12);
      out.push({ dir: l.dir, protocol: l.protocol, type: m.readUInt16LE(4), flags: m.readUInt16LE(6), bytes: m });
      off += (len + 3) & ~3;
    }
  }
  return out;
}

function describe(m: NetlinkMessage | undefined): string {
  if (!m) return '(none)';
  return `protocol ${m.protocol} type ${m.type} flags 0x${m.flags.toString(16)} length ${m.bytes.length}`;
}

function hexAround(b: Buffer, at: number): string {
  const start = Math.max(0, (at & ~15) - 16);
  const rows: string[] = [];
  for (let o = start; o < Math.min(b.length, start + 48); o += 16) {
    rows.push(`      ${o.toString(16).padStart(4, '0')}  ${[...b.subarray(o, o + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return rows.join('\n');
}

/** A description of the first differing message, or undefined when they agree. */
export function firstDifference(native: NetlinkMessage[], wasm: NetlinkMessage[]): string | undefined {
  for (const dir of ['send', 'recv'] as const) {
    const n = native.filter((m) => m.dir === dir);
    const w = wasm.filter((m) => m.dir === dir);
    for (let i = 0; i < Math.max(n.length, w.length); i++) {
      const a = n[i];
      const b = w[i];
      const same = a && b && a.protocol === b.protocol && a.type === b.type && a.flags === b.flags &&
        (dir === 'recv' || a.bytes.equals(b.bytes));
      if (same) continue;
      let where = '';
      if (a && b && dir === 'send') {
        let k = 0;
        while (k < Math.min(a.bytes.length, b.bytes.length) && a.bytes[k] === b.bytes[k]) k++;
        where = `\n    first differing byte at offset ${k}\n    native:\n${hexAround(a.bytes, k)}\n    wasm:\n${hexAround(b.bytes, k)}`;
      }
      return `${dir === 'send' ? 'sent' : 'received'} message #${i + 1} differs:\n    native: ${describe(a)}\n    wasm:   ${describe(b)}${where}`;
    }
  }
  return undefined;
}
