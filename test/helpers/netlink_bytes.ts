/**
 * Netlink messages as bytes, for the fake kernel, the fuzzer and the fault
 * host: walking the messages of a datagram, reading and writing header
 * fields, and building messages and attributes. Little-endian, as on every
 * machine this runs on.
 */

export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;

export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;

export const align4 = (n: number): number => (n + 3) & ~3;

export interface NlHeader {
  /** Offset of the header in the datagram. */
  offset: number;
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** The well-formed messages of a datagram, in order (stops where framing breaks, as nlmsg_ok does). */
export function headers(datagram: Uint8Array): NlHeader[] {
  const v = view(datagram);
  const out: NlHeader[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= datagram.length) {
    const len = v.getUint32(off, true);
    if (len < NLMSG_HDRLEN || off + len > datagram.length) break;
    out.push({
      offset: off, len, type: v.getUint16(off + 4, true), flags: v.getUint16(off + 6, true),
      seq: v.getUint32(off + 8, true), pid: v.getUint32(off + 12, true),
    });
    off += align4(len);
  }
  return out;
}

/** One message: header fields and payload (nlmsg_len is computed). */
export function message(type: number, flags: number, payload: Uint8Array, seq = 0, pid = 0): Uint8Array {
  const b = new Uint8Array(align4(NLMSG_HDRLEN + payload.length));
  const v = view(b);
  v.setUint32(0, NLMSG_HDRLEN + payload.length, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint32(8, seq, true);
  v.setUint32(12, pid, true);
  b.set(payload, NLMSG_HDRLEN);
  return b;
}

/** One attribute (nla_len covers header and payload; padded to 4). */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const b = new Uint8Array(align4(NLA_HDRLEN + payload.length));
  const v = view(b);
  v.setUint16(0, NLA_HDRLEN + payload.length, true);
  v.setUint16(2, type, true);
  b.set(payload, NLA_HDRLEN);
  return b;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function u32(value: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setUint32(0, value >>> 0, true);
  return b;
}

/** NLMSG_ERROR carrying `error` (0: an ack) and the request's header. */
export function errorMessage(error: number, request: Uint8Array, seq = 0, pid = 0): Uint8Array {
  const payload = new Uint8Array(4 + NLMSG_HDRLEN);
  view(payload).setInt32(0, error, true);
  payload.set(request.subarray(0, NLMSG_HDRLEN), 4);
  return message(NLMSG_ERROR, 0, payload, seq, pid);
}

/** NLMSG_DONE; `error` is what the kernel puts there when a dump failed (-errno). */
export function doneMessage(seq = 0, pid = 0, error = 0): Uint8Array {
  return message(NLMSG_DONE, NLM_F_MULTI, u32(error), seq, pid);
}

export function setFlags(datagram: Uint8Array, offset: number, flags: number): void {
  view(datagram).setUint16(offset + 6, flags, true);
}

export function setSeqPid(datagram: Uint8Array, offset: number, seq: number, pid: number): void {
  const v = view(datagram);
  v.setUint32(offset + 8, seq >>> 0, true);
  v.setUint32(offset + 12, pid >>> 0, true);
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}
