/**
 * The C structures the host reads and writes in a wasm instance's memory,
 * and the x86_64 versions of the ones that go to the kernel: every offset and
 * size comes from generated/abi_layout.ts, which the build measures from
 * wasm/abi_layout.c with both compilers (docs/measured-facts.md lists them).
 *
 *                      wasm32 (emscripten/musl)      x86_64 (glibc)
 *   struct msghdr      28 bytes, all fields 4        56 bytes
 *   struct iovec        8 bytes (base, len)          16 bytes
 *   struct cmsghdr     12 bytes, 4-aligned           16 bytes, 8-aligned
 *   struct timeval      8 bytes (time_t is 32-bit)   16 bytes
 *   struct timespec     8 bytes                      16 bytes
 *   struct pollfd       8 bytes, the same on both
 *
 * Identical on both and passed through untouched: sockaddr_nl (12), ucred
 * (12), nl_pktinfo (4), plain int options.
 *
 * Nothing here keeps a view of wasm memory: callers pass a fresh DataView or
 * Uint8Array for the duration of one host call (memory growth replaces the
 * buffer).
 */
import { NATIVE, WASM32 } from './generated/abi_layout.js';

interface Field {
  readonly offset: number;
  readonly size: number;
}

export const WASM32_MSGHDR_SIZE = WASM32.msghdr.size;
export const WASM32_IOVEC_SIZE = WASM32.iovec.size;
export const WASM32_TIMEVAL_SIZE = WASM32.timeval.size;
export const NATIVE_TIMEVAL_SIZE = NATIVE.timeval.size;
const WASM32_CMSG_DATA = WASM32.cmsg.data.offset;
const NATIVE_CMSG_DATA = NATIVE.cmsg.data.offset;

/** MSG_CTRUNC, the same bit on both sides. */
export const MSG_CTRUNC = 0x8;

function get(v: DataView, ptr: number, f: Field, signed = false): number {
  const at = ptr + f.offset;
  if (f.size === 8) return Number(signed ? v.getBigInt64(at, true) : v.getBigUint64(at, true));
  if (f.size === 2) return signed ? v.getInt16(at, true) : v.getUint16(at, true);
  return signed ? v.getInt32(at, true) : v.getUint32(at, true);
}

function set(v: DataView, ptr: number, f: Field, value: number): void {
  const at = ptr + f.offset;
  if (f.size === 8) v.setBigInt64(at, BigInt(value), true);
  else if (f.size === 2) v.setInt16(at, value, true);
  else v.setInt32(at, value, true);
}

// --- msghdr and iovec ---------------------------------------------------------

export interface Msghdr {
  name: number;
  namelen: number;
  iov: number;
  iovlen: number;
  control: number;
  controllen: number;
  flags: number;
}

export function readMsghdr(view: DataView, ptr: number): Msghdr {
  const m = WASM32.msghdr;
  return {
    name: get(view, ptr, m.msg_name),
    namelen: get(view, ptr, m.msg_namelen),
    iov: get(view, ptr, m.msg_iov),
    iovlen: get(view, ptr, m.msg_iovlen),
    control: get(view, ptr, m.msg_control),
    controllen: get(view, ptr, m.msg_controllen),
    flags: get(view, ptr, m.msg_flags, true),
  };
}

/** What recvmsg(2) writes back into the caller's msghdr. */
export function writeMsghdrResult(view: DataView, ptr: number, namelen: number,
  controllen: number, flags: number): void {
  const m = WASM32.msghdr;
  set(view, ptr, m.msg_namelen, namelen);
  set(view, ptr, m.msg_controllen, controllen);
  set(view, ptr, m.msg_flags, flags);
}

/**
 * Reads `count` wasm32 iovecs at `ptr` into (offset, length) pairs, the form
 * the native host takes. Returns false when the array is too small.
 */
export function readIovecs(view: DataView, ptr: number, count: number, out: Uint32Array): boolean {
  if (out.length < count * 2) return false;
  const v = WASM32.iovec;
  for (let i = 0; i < count; i++) {
    out[2 * i] = get(view, ptr + i * v.size, v.iov_base);
    out[2 * i + 1] = get(view, ptr + i * v.size, v.iov_len);
  }
  return true;
}

// --- ancillary data ------------------------------------------------------------

const alignTo = (n: number, a: number): number => (n + a - 1) & ~(a - 1);
const wasmAlign = (n: number): number => alignTo(n, WASM32.cmsg.align.size);
const nativeAlign = (n: number): number => alignTo(n, NATIVE.cmsg.align.size);

/** A native control buffer large enough for whatever fits a wasm32 one of `wasmLen` bytes. */
export function nativeControlCapacity(wasmLen: number): number {
  const maxMessages = Math.ceil(wasmLen / WASM32_CMSG_DATA);
  return wasmLen + maxMessages * (NATIVE_CMSG_DATA - WASM32_CMSG_DATA + NATIVE.cmsg.align.size - 1);
}

/**
 * wasm32 ancillary data (sendmsg) to the native layout. Returns null when the
 * buffer is malformed (a cmsg_len that runs past the end or is too short).
 */
export function controlToNative(mem: Uint8Array, ptr: number, len: number): Uint8Array | null {
  const w = WASM32.cmsghdr;
  const n = NATIVE.cmsghdr;
  const src = new DataView(mem.buffer, mem.byteOffset + ptr, len);
  const parts: Array<{ level: number; type: number; data: Uint8Array }> = [];
  let off = 0;
  while (off + WASM32_CMSG_DATA <= len) {
    const cmsgLen = get(src, off, w.cmsg_len);
    if (cmsgLen < WASM32_CMSG_DATA || off + cmsgLen > len) return null;
    parts.push({
      level: get(src, off, w.cmsg_level, true),
      type: get(src, off, w.cmsg_type, true),
      data: mem.subarray(ptr + off + WASM32_CMSG_DATA, ptr + off + cmsgLen),
    });
    off += wasmAlign(cmsgLen);
  }
  let total = 0;
  for (const p of parts) total += nativeAlign(NATIVE_CMSG_DATA + p.data.length);
  const out = new Uint8Array(total);
  const dst = new DataView(out.buffer);
  off = 0;
  for (const p of parts) {
    set(dst, off, n.cmsg_len, NATIVE_CMSG_DATA + p.data.length);
    set(dst, off, n.cmsg_level, p.level);
    set(dst, off, n.cmsg_type, p.type);
    out.set(p.data, off + NATIVE_CMSG_DATA);
    off += nativeAlign(NATIVE_CMSG_DATA + p.data.length);
  }
  return out;
}

/**
 * Native ancillary data (recvmsg) into the caller's wasm32 buffer. Messages
 * that do not fit whole are dropped and reported with `truncated`, as the
 * kernel does with MSG_CTRUNC.
 */
export function controlFromNative(native: Uint8Array, nativeLen: number, mem: Uint8Array,
  ptr: number, cap: number): { length: number; truncated: boolean } {
  const w = WASM32.cmsghdr;
  const n = NATIVE.cmsghdr;
  const src = new DataView(native.buffer, native.byteOffset, nativeLen);
  const dst = new DataView(mem.buffer, mem.byteOffset);
  let in_ = 0;
  let out = 0;
  while (in_ + NATIVE_CMSG_DATA <= nativeLen) {
    const cmsgLen = get(src, in_, n.cmsg_len);
    if (cmsgLen < NATIVE_CMSG_DATA || in_ + cmsgLen > nativeLen) break;
    const dataLen = cmsgLen - NATIVE_CMSG_DATA;
    const wasmLen = WASM32_CMSG_DATA + dataLen;
    if (out + wasmLen > cap) return { length: out, truncated: true };
    set(dst, ptr + out, w.cmsg_len, wasmLen);
    set(dst, ptr + out, w.cmsg_level, get(src, in_, n.cmsg_level, true));
    set(dst, ptr + out, w.cmsg_type, get(src, in_, n.cmsg_type, true));
    mem.set(native.subarray(in_ + NATIVE_CMSG_DATA, in_ + cmsgLen), ptr + out + WASM32_CMSG_DATA);
    out += Math.min(wasmAlign(wasmLen), cap - out);
    in_ += nativeAlign(cmsgLen);
  }
  return { length: out, truncated: false };
}

// --- time -----------------------------------------------------------------------

/** struct timeval, wasm32 to native. */
export function timevalToNative(view: DataView, ptr: number): Uint8Array {
  const out = new Uint8Array(NATIVE_TIMEVAL_SIZE);
  const d = new DataView(out.buffer);
  set(d, 0, NATIVE.timeval.tv_sec, get(view, ptr, WASM32.timeval.tv_sec, true));
  set(d, 0, NATIVE.timeval.tv_usec, get(view, ptr, WASM32.timeval.tv_usec, true));
  return out;
}

/** struct timeval, native to wasm32 (seconds clamped to wasm32's 32-bit time_t). */
export function timevalFromNative(native: Uint8Array, view: DataView, ptr: number): void {
  const d = new DataView(native.buffer, native.byteOffset, NATIVE_TIMEVAL_SIZE);
  writeTimeval(view, ptr, get(d, 0, NATIVE.timeval.tv_sec, true), get(d, 0, NATIVE.timeval.tv_usec, true));
}

/** Writes a wasm32 struct timeval (seconds clamped to its 32-bit time_t). */
export function writeTimeval(view: DataView, ptr: number, sec: number, usec: number): void {
  set(view, ptr, WASM32.timeval.tv_sec, Math.min(sec, 0x7fffffff));
  set(view, ptr, WASM32.timeval.tv_usec, usec);
}

/** Writes a wasm32 struct timespec. */
export function writeTimespec(view: DataView, ptr: number, sec: number, nsec: number): void {
  set(view, ptr, WASM32.timespec.tv_sec, Math.min(sec, 0x7fffffff));
  set(view, ptr, WASM32.timespec.tv_nsec, nsec);
}

/** Milliseconds of a wasm32 timeval; 0 (no timeout) maps to -1 as SO_RCVTIMEO means. */
export function timevalToTimeoutMs(view: DataView, ptr: number): number {
  const ms = get(view, ptr, WASM32.timeval.tv_sec, true) * 1000 +
    Math.ceil(get(view, ptr, WASM32.timeval.tv_usec, true) / 1000);
  return ms <= 0 ? -1 : ms;
}

// --- pollfd (the same on both sides) ----------------------------------------------

export type PollfdLayout = typeof WASM32.pollfd | typeof NATIVE.pollfd;
export const WASM32_POLLFD: PollfdLayout = WASM32.pollfd;
export const NATIVE_POLLFD: PollfdLayout = NATIVE.pollfd;

export interface Pollfd {
  fd: number;
  events: number;
}

export function readPollfd(view: DataView, fds: number, i: number, p: PollfdLayout = WASM32_POLLFD): Pollfd {
  return { fd: get(view, fds + i * p.size, p.fd, true), events: get(view, fds + i * p.size, p.events, true) };
}

export function writePollfd(view: DataView, fds: number, i: number, fd: number, events: number,
  p: PollfdLayout = WASM32_POLLFD): void {
  set(view, fds + i * p.size, p.fd, fd);
  set(view, fds + i * p.size, p.events, events);
}

export function readRevents(view: DataView, fds: number, i: number, p: PollfdLayout = WASM32_POLLFD): number {
  return get(view, fds + i * p.size, p.revents, true);
}

export function writeRevents(view: DataView, fds: number, i: number, revents: number,
  p: PollfdLayout = WASM32_POLLFD): void {
  set(view, fds + i * p.size, p.revents, revents);
}
