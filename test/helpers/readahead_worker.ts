/**
 * A worker thread for test/kernel/dump_readahead.test.ts: opens a netlink
 * socket with read-ahead in the namespace it is given, starts a route dump,
 * receives one small datagram (so the addon's reader thread starts and fills
 * its queue) and reports 'reading'; then it waits to be terminated, never
 * closing the socket, so that only the addon's cleanup of this thread's
 * environment can stop the reader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { nativeHost } from '../../dist/host/native.js';
import { message, NLM_F_DUMP, NLM_F_REQUEST } from './netlink_bytes.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const RTM_GETROUTE = 26;
const AF_INET = 2;

const native = nativeHost();
const nsFd = native.netnsOpen(`/run/netns/${(workerData as { ns: string }).ns}`);
const fd = native.socket(AF_NETLINK, SOCK_RAW, 0, nsFd);
native.closeFd(nsFd);
if (fd < 0 || native.readAhead?.(fd) !== 0) throw new Error(`socket ${fd}`);
const rtmsg = new Uint8Array(12);
rtmsg[0] = AF_INET;
const req = message(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, rtmsg, 1);
const kernel = new Uint8Array(12);
new DataView(kernel.buffer).setUint16(0, AF_NETLINK, true);
native.sendmsg(fd, req.buffer as ArrayBuffer, new Uint32Array([req.byteOffset, req.byteLength]), 1, kernel, null, 0);
const n = native.recvmsg(fd, new ArrayBuffer(4096), new Uint32Array([0, 4096]), 1, null, null, 0, true, 5000, -1, new Int32Array(3));
parentPort?.postMessage(n > 0 ? 'reading' : `recvmsg ${n}`);
setInterval(() => undefined, 1000);
