/**
 * Contender of the writes bench: the npm package `netlink` (0.3.0),
 * newRoute / delRoute / newLink awaited one by one, each acked. Its messages
 * are built in JavaScript on the main thread; the event-loop delay is
 * measured over the ops.
 */
import { createRtNetlink } from 'netlink';
import { timedWithLoopDelay } from '../child.js';
import { GATEWAY, routeDst, vethNames } from './ops.js';
import { answerOf, serveWrites, type Command } from './protocol.js';

const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const RT_TABLE_MAIN = 254;
const IFLA_IFNAME = 3;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
/** struct ifinfomsg, all zero: what VETH_INFO_PEER carries before the peer's attributes. */
const IFINFOMSG_SIZE = 16;

const socket = createRtNetlink();

function ipv4(text: string): Buffer {
  return Buffer.from(text.split('/')[0].split('.').map(Number));
}

/** One rtattr: header, payload, padding to 4 bytes. */
function attr(type: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(4 + payload.length, 0);
  header.writeUInt16LE(type, 2);
  return Buffer.concat([header, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}

const cstring = (s: string): Buffer => Buffer.from(`${s}\0`);

/** IFLA_LINKINFO's payload for a veth whose peer is `peer` (the package has no veth encoder). */
function vethInfo(peer: string): Buffer {
  const peerMsg = Buffer.concat([Buffer.alloc(IFINFOMSG_SIZE), attr(IFLA_IFNAME, cstring(peer))]);
  return Buffer.concat([attr(IFLA_INFO_KIND, cstring('veth')), attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peerMsg))]);
}

const gateway = ipv4(GATEWAY);

async function one(c: Command, i: number): Promise<void> {
  if (c.op === 'veth-add') {
    const { name, peer } = vethNames(i);
    await socket.newLink({}, { ifname: name, linkinfo: vethInfo(peer) }, { flags: NLM_F_CREATE | NLM_F_EXCL });
    return;
  }
  const route = { family: 2, dstLen: 32, table: RT_TABLE_MAIN, scope: 'UNIVERSE', type: 'UNICAST' } as const;
  const attrs = { dst: ipv4(routeDst(i)), gateway, oif: c.ifindex };
  if (c.op === 'route-add') await socket.newRoute({ ...route, protocol: 'BOOT' }, attrs, { flags: NLM_F_CREATE | NLM_F_EXCL });
  else await socket.delRoute(route, attrs);
}

/** Ops one by one; stops at the first failure (counted as not done). */
async function run(c: Command): Promise<number> {
  for (let i = c.first; i < c.first + c.count; i++) {
    try {
      await one(c, i);
    } catch (e) {
      process.stderr.write(`writes/netlink_npm: ${c.op} ${i}: ${(e as Error).message}\n`);
      return i - c.first;
    }
  }
  return c.count;
}

await serveWrites(async (c) => answerOf(await timedWithLoopDelay(() => run(c))), () => socket.socket.close());
