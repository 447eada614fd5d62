/**
 * Who competes in the writes scenarios: each contender is a program that
 * speaks bench/writes/protocol.ts, started afresh for every turn inside
 * that turn's namespace (so its peak RSS is its own).
 */
import { cContender, nativeBinary, nodeContender, pyroute2Contender, type Contender } from '../contenders.js';

/** Every ratio is to this one: libnl natively, each request awaited (the 10.5 µs a route). */
export const C_LOOP = cContender('c-loop', 'C libnl loop (native)', nativeBinary('libnl-writes'));

/** Whether the contender runs in Node, so its event-loop delay is measured. */
export const NODE_CONTENDERS: ReadonlySet<string> = new Set(['client-awaited', 'client-batch', 'client-batch-gen',
  'spawn-1to1', 'netlink-npm']);

export const WRITE_CONTENDERS: readonly Contender[] = [
  C_LOOP,
  nodeContender('ip-batch', 'ip -batch (whole process)', 'writes/ip_batch.ts'),
  nodeContender('netlink-npm', 'npm netlink 0.3.0, awaited', 'writes/netlink_npm.ts'),
  pyroute2Contender('pyroute2', "pyroute2 0.7 (Debian's), loop", 'writes/pyroute2_writes.py'),
  nodeContender('client-awaited', 'NetlinkClient, awaited one by one', 'writes/client.ts', 'awaited'),
  nodeContender('client-batch', 'NetlinkClient batch()', 'writes/client.ts', 'batch'),
  nodeContender('client-batch-gen', 'NetlinkClient batch(), async generator', 'writes/client.ts', 'batch-gen'),
  nodeContender('spawn-1to1', 'Libnl.spawn() 1:1, ~10 calls an op', 'writes/spawn.ts'),
];
