/**
 * The wasm32 <-> x86_64 translation of socket structures
 * (ts/host/wasm32_structs.ts), checked against the layouts measured in
 * docs/measured-facts.md.
 */
import { describe, expect, it } from 'vitest';
import {
  controlFromNative, controlToNative, nativeControlCapacity, readIovecs, readMsghdr,
  timevalFromNative, timevalToNative, timevalToTimeoutMs, writeMsghdrResult, MSG_CTRUNC,
} from '../../dist/host/wasm32_structs.js';

const SOL_SOCKET = 1;
const SCM_CREDENTIALS = 2;
const SOL_NETLINK = 270;
const NETLINK_PKTINFO = 3;

describe('msghdr and iovec', () => {
  it('reads the 28-byte wasm32 msghdr and writes results back in place', () => {
    const v = new DataView(new ArrayBuffer(64));
    [100, 12, 200, 2, 300, 24, 0].forEach((x, i) => v.setUint32(8 + 4 * i, x, true));
    expect(readMsghdr(v, 8)).toEqual({ name: 100, namelen: 12, iov: 200, iovlen: 2, control: 300, controllen: 24, flags: 0 });
    writeMsghdrResult(v, 8, 12, 20, MSG_CTRUNC);
    expect(readMsghdr(v, 8)).toMatchObject({ namelen: 12, controllen: 20, flags: MSG_CTRUNC, iov: 200 });
  });

  it('reads 8-byte iovecs into (offset, length) pairs', () => {
    const v = new DataView(new ArrayBuffer(32));
    [[1000, 16], [2000, 4096]].forEach(([b, l], i) => { v.setUint32(i * 8, b, true); v.setUint32(i * 8 + 4, l, true); });
    const out = new Uint32Array(4);
    expect(readIovecs(v, 0, 2, out)).toBe(true);
    expect([...out]).toEqual([1000, 16, 2000, 4096]);
    expect(readIovecs(v, 0, 3, out)).toBe(false);
  });
});

describe('ancillary data', () => {
  function wasmCmsg(level: number, type: number, data: number[]): number[] {
    const len = 12 + data.length;
    const b = new DataView(new ArrayBuffer((len + 3) & ~3));
    b.setUint32(0, len, true); b.setInt32(4, level, true); b.setInt32(8, type, true);
    data.forEach((x, i) => b.setUint8(12 + i, x));
    return [...new Uint8Array(b.buffer)];
  }

  it('re-lays wasm32 cmsgs (12-byte header) as x86_64 ones (16 bytes, 8-aligned)', () => {
    const creds = Array.from({ length: 12 }, (_, i) => i + 1);
    const mem = new Uint8Array([...wasmCmsg(SOL_SOCKET, SCM_CREDENTIALS, creds), ...wasmCmsg(SOL_NETLINK, NETLINK_PKTINFO, [7, 0, 0, 0])]);
    const native = controlToNative(mem, 0, mem.length);
    expect(native).not.toBeNull();
    const d = new DataView((native as Uint8Array).buffer);
    expect(d.getBigUint64(0, true)).toBe(28n); // CMSG_LEN(sizeof(struct ucred))
    expect(d.getInt32(8, true)).toBe(SOL_SOCKET);
    expect(d.getInt32(12, true)).toBe(SCM_CREDENTIALS);
    expect([...(native as Uint8Array).subarray(16, 28)]).toEqual(creds);
    expect(d.getBigUint64(32, true)).toBe(20n); // second header at CMSG_SPACE(12) = 32
    expect((native as Uint8Array).length).toBe(32 + 24);
  });

  it('translates back, and drops what does not fit with MSG_CTRUNC', () => {
    const creds = Array.from({ length: 12 }, (_, i) => 40 + i);
    const mem = new Uint8Array(wasmCmsg(SOL_SOCKET, SCM_CREDENTIALS, creds));
    const native = controlToNative(mem, 0, mem.length) as Uint8Array;
    const out = new Uint8Array(64);
    expect(controlFromNative(native, native.length, out, 8, 24)).toEqual({ length: 24, truncated: false });
    expect([...out.subarray(8, 32)]).toEqual([...mem]);
    expect(controlFromNative(native, native.length, out, 8, 20)).toEqual({ length: 0, truncated: true });
  });

  it('rejects a cmsg_len running past the buffer', () => {
    const bad = new Uint8Array(wasmCmsg(SOL_SOCKET, SCM_CREDENTIALS, [1, 2, 3, 4]));
    new DataView(bad.buffer).setUint32(0, 200, true);
    expect(controlToNative(bad, 0, bad.length)).toBeNull();
  });

  it('offers a native buffer big enough for any wasm32 buffer', () => {
    // 2 x CMSG_SPACE(12) in wasm32 is 48 bytes; natively 2 x 32 = 64.
    expect(nativeControlCapacity(48)).toBeGreaterThanOrEqual(64);
  });
});

describe('timeval', () => {
  it('widens 8-byte wasm32 timevals to 16 bytes and back', () => {
    const v = new DataView(new ArrayBuffer(16));
    v.setInt32(0, 3, true);
    v.setInt32(4, 250000, true);
    const n = timevalToNative(v, 0);
    expect(n.length).toBe(16);
    const back = new DataView(new ArrayBuffer(8));
    timevalFromNative(n, back, 0);
    expect([back.getInt32(0, true), back.getInt32(4, true)]).toEqual([3, 250000]);
    expect(timevalToTimeoutMs(v, 0)).toBe(3250);
    expect(timevalToTimeoutMs(new DataView(new ArrayBuffer(8)), 0)).toBe(-1);
  });
});
