/**
 * A worker thread for test/kernel/dump_readahead.test.ts: opens a netlink
 * socket with read-ahead in the namespace it is given, starts a route dump,
 * receives one small datagram (so the addon's reader thread starts and fills
 * its queue) and reports 'reading'; then it waits to be terminated, never
 * closing the socket, so that only the addon's cleanup of this thread's
 * environment can stop the reader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rawSocket, receive, requestRouteDump } from './raw_netlink.js';

const fd = rawSocket((workerData as { ns: string }).ns, true);
requestRouteDump(fd, 1);
const first = receive(fd, 4096);
parentPort?.postMessage(first.n > 0 ? 'reading' : `recvmsg ${first.n}`);
setInterval(() => undefined, 1000);
