/**
 * Netlink sockets straight from the native addon, without libnl: for tests
 * of what the host itself does (read-ahead). Usable in worker threads too
 * (no vitest here); failures throw.
 */
import { nativeHost } from '../../dist/host/native.js';
import { AF_INET, AF_NETLINK, NETLINK_ROUTE, RTM_GETROUTE } from '../../dist/libnl/generated/constants.js';
import { message, NLM_F_DUMP, NLM_F_REQUEST } from './netlink_bytes.js';

const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;

export const native = nativeHost();

/** A NETLINK_ROUTE socket in the namespace `ns`, with or without read-ahead. */
export function rawSocket(ns: string, readAhead: boolean): number {
  const nsFd = native.netnsOpen(`/run/netns/${ns}`);
  if (nsFd < 0) throw new Error(`netnsOpen ${ns}: ${nsFd}`);
  const fd = native.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE, nsFd);
  native.closeFd(nsFd);
  if (fd < 0) throw new Error(`socket: ${fd}`);
  const r = readAhead ? native.readAhead?.(fd) : 0;
  if (r !== 0) throw new Error(`readAhead: ${r}`);
  return fd;
}

/** Sends an RTM_GETROUTE dump request for IPv4 with sequence number `seq`. */
export function requestRouteDump(fd: number, seq: number): void {
  const rtmsg = new Uint8Array(12);
  rtmsg[0] = AF_INET;
  const req = message(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, rtmsg, seq);
  const kernel = new Uint8Array(12);
  new DataView(kernel.buffer).setUint16(0, AF_NETLINK, true);
  const n = native.sendmsg(fd, req.buffer as ArrayBuffer, new Uint32Array([req.byteOffset, req.byteLength]), 1, kernel, null, 0);
  if (n !== req.byteLength) throw new Error(`sendmsg: ${n}`);
}

export interface Received { n: number; flags: number; bytes: Uint8Array }

/** One recvmsg into a buffer of `size` bytes (blocking, 5 s at most). */
export function receive(fd: number, size: number, flags = 0): Received {
  const buf = new ArrayBuffer(Math.max(size, 1));
  const out = new Int32Array(3);
  const n = native.recvmsg(fd, buf, new Uint32Array([0, size]), 1, null, null, flags, true, 5000, -1, out);
  return { n, flags: out[2], bytes: new Uint8Array(buf, 0, Math.max(0, Math.min(n, size))) };
}
