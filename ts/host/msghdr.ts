/**
 * wasm32 <-> x86_64 translation of the socket structures that differ: the one
 * place where both layouts are written down (measured in ../shared/FACTS.md).
 *
 *                      wasm32 (emscripten/musl)      x86_64 (glibc)
 *   struct msghdr      28 bytes, all fields 4        56 bytes
 *   struct iovec        8 bytes (base, len)          16 bytes
 *   struct cmsghdr     12 bytes, 4-aligned           16 bytes, 8-aligned
 *   struct timeval      8 bytes (time_t is 32-bit)   16 bytes
 *
 * Identical on both and passed through untouched: sockaddr_nl (12), ucred
 * (12), nl_pktinfo (4), pollfd (8), plain int options.
 *
 * Nothing here keeps a view of wasm memory: callers pass a fresh DataView or
 * Uint8Array for the duration of one host call (memory growth replaces the
 * buffer).
 */

export const WASM32_MSGHDR_SIZE = 28;
export const WASM32_IOVEC_SIZE = 8;
export const WASM32_CMSGHDR_SIZE = 12;
export const NATIVE_CMSGHDR_SIZE = 16;
export const WASM32_TIMEVAL_SIZE = 8;
export const NATIVE_TIMEVAL_SIZE = 16;

/** MSG_CTRUNC, the same bit on both sides. */
export const MSG_CTRUNC = 0x8;

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
  return {
    name: view.getUint32(ptr, true),
    namelen: view.getUint32(ptr + 4, true),
    iov: view.getUint32(ptr + 8, true),
    iovlen: view.getUint32(ptr + 12, true),
    control: view.getUint32(ptr + 16, true),
    controllen: view.getUint32(ptr + 20, true),
    flags: view.getInt32(ptr + 24, true),
  };
}

/** What recvmsg(2) writes back into the caller's msghdr. */
export function writeMsghdrResult(view: DataView, ptr: number, namelen: number,
  controllen: number, flags: number): void {
  view.setUint32(ptr + 4, namelen, true);
  view.setUint32(ptr + 20, controllen, true);
  view.setInt32(ptr + 24, flags, true);
}

/**
 * Reads `count` wasm32 iovecs at `ptr` into (offset, length) pairs, the form
 * the native host takes. Returns false when the array is too small.
 */
export function readIovecs(view: DataView, ptr: number, count: number, out: Uint32Array): boolean {
  if (out.length < count * 2) return false;
  for (let i = 0; i < count; i++) {
    out[2 * i] = view.getUint32(ptr + i * WASM32_IOVEC_SIZE, true);
    out[2 * i + 1] = view.getUint32(ptr + i * WASM32_IOVEC_SIZE + 4, true);
  }
  return true;
}

const align4 = (n: number): number => (n + 3) & ~3;
const align8 = (n: number): number => (n + 7) & ~7;

/** A native control buffer large enough for whatever fits a wasm32 one of `wasmLen` bytes. */
export function nativeControlCapacity(wasmLen: number): number {
  const maxMessages = Math.ceil(wasmLen / WASM32_CMSGHDR_SIZE);
  return wasmLen + maxMessages * (NATIVE_CMSGHDR_SIZE - WASM32_CMSGHDR_SIZE + 7);
}

/**
 * wasm32 ancillary data (sendmsg) to the native layout. Returns null when the
 * buffer is malformed (a cmsg_len that runs past the end or is too short).
 */
export function controlToNative(mem: Uint8Array, ptr: number, len: number): Uint8Array | null {
  const src = new DataView(mem.buffer, mem.byteOffset + ptr, len);
  const parts: Array<{ level: number; type: number; data: Uint8Array }> = [];
  let off = 0;
  while (off + WASM32_CMSGHDR_SIZE <= len) {
    const cmsgLen = src.getUint32(off, true);
    if (cmsgLen < WASM32_CMSGHDR_SIZE || off + cmsgLen > len) return null;
    parts.push({
      level: src.getInt32(off + 4, true),
      type: src.getInt32(off + 8, true),
      data: mem.subarray(ptr + off + WASM32_CMSGHDR_SIZE, ptr + off + cmsgLen),
    });
    off += align4(cmsgLen);
  }
  let total = 0;
  for (const p of parts) total += align8(NATIVE_CMSGHDR_SIZE + p.data.length);
  const out = new Uint8Array(total);
  const dst = new DataView(out.buffer);
  off = 0;
  for (const p of parts) {
    dst.setBigUint64(off, BigInt(NATIVE_CMSGHDR_SIZE + p.data.length), true);
    dst.setInt32(off + 8, p.level, true);
    dst.setInt32(off + 12, p.type, true);
    out.set(p.data, off + NATIVE_CMSGHDR_SIZE);
    off += align8(NATIVE_CMSGHDR_SIZE + p.data.length);
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
  const src = new DataView(native.buffer, native.byteOffset, nativeLen);
  const dst = new DataView(mem.buffer, mem.byteOffset);
  let in_ = 0;
  let out = 0;
  while (in_ + NATIVE_CMSGHDR_SIZE <= nativeLen) {
    const cmsgLen = Number(src.getBigUint64(in_, true));
    if (cmsgLen < NATIVE_CMSGHDR_SIZE || in_ + cmsgLen > nativeLen) break;
    const dataLen = cmsgLen - NATIVE_CMSGHDR_SIZE;
    const wasmLen = WASM32_CMSGHDR_SIZE + dataLen;
    if (out + wasmLen > cap) return { length: out, truncated: true };
    dst.setUint32(ptr + out, wasmLen, true);
    dst.setInt32(ptr + out + 4, src.getInt32(in_ + 8, true), true);
    dst.setInt32(ptr + out + 8, src.getInt32(in_ + 12, true), true);
    mem.set(native.subarray(in_ + NATIVE_CMSGHDR_SIZE, in_ + cmsgLen), ptr + out + WASM32_CMSGHDR_SIZE);
    out += Math.min(align4(wasmLen), cap - out);
    in_ += align8(cmsgLen);
  }
  return { length: out, truncated: false };
}

/** struct timeval, wasm32 (two i32) to native (two i64). */
export function timevalToNative(view: DataView, ptr: number): Uint8Array {
  const out = new Uint8Array(NATIVE_TIMEVAL_SIZE);
  const d = new DataView(out.buffer);
  d.setBigInt64(0, BigInt(view.getInt32(ptr, true)), true);
  d.setBigInt64(8, BigInt(view.getInt32(ptr + 4, true)), true);
  return out;
}

/** struct timeval, native to wasm32 (seconds clamped to 32 bits). */
export function timevalFromNative(native: Uint8Array, view: DataView, ptr: number): void {
  const d = new DataView(native.buffer, native.byteOffset, NATIVE_TIMEVAL_SIZE);
  const sec = d.getBigInt64(0, true);
  const clamped = sec > 0x7fffffffn ? 0x7fffffff : Number(sec);
  view.setInt32(ptr, clamped, true);
  view.setInt32(ptr + 4, Number(d.getBigInt64(8, true)), true);
}

/** Milliseconds of a wasm32 timeval; 0 (no timeout) maps to -1 as SO_RCVTIMEO means. */
export function timevalToTimeoutMs(view: DataView, ptr: number): number {
  const ms = view.getInt32(ptr, true) * 1000 + Math.ceil(view.getInt32(ptr + 4, true) / 1000);
  return ms <= 0 ? -1 : ms;
}
