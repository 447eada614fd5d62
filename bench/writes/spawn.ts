/**
 * Contender of the writes bench: libnl's API 1:1 through Libnl.spawn(),
 * from the main thread, every call awaited: the same libnl calls per op as
 * the C loop (bench/c/libnl_writes.c), so the difference is what a call
 * from the main thread costs. The event-loop delay is measured over the ops.
 */
import { AF_INET, Libnl, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, RT_TABLE_MAIN } from '../../dist/index.js';
import { timedWithLoopDelay } from '../child.js';
import { GATEWAY, routeDst, vethNames } from './ops.js';
import { answerOf, serveWrites, type Command } from './protocol.js';

const lib = await Libnl.spawn();
const sk = await lib.nl_socket_alloc();
await lib.nl_connect(sk, NETLINK_ROUTE);
const gw = await lib.nl_addr_parse(GATEWAY, AF_INET);

async function routeOp(i: number, ifindex: number, add: boolean): Promise<void> {
  const route = await lib.rtnl_route_alloc();
  const dst = await lib.nl_addr_parse(routeDst(i), AF_INET);
  await lib.rtnl_route_set_dst(route, dst);
  await lib.nl_addr_put(dst);
  await lib.rtnl_route_set_table(route, RT_TABLE_MAIN);
  const nh = await lib.rtnl_route_nh_alloc();
  await lib.rtnl_route_nh_set_gateway(nh, gw);
  await lib.rtnl_route_nh_set_ifindex(nh, ifindex);
  await lib.rtnl_route_add_nexthop(route, nh);
  try {
    if (add) await lib.rtnl_route_add(sk, route, NLM_F_EXCL);
    else await lib.rtnl_route_delete(sk, route, 0);
  } finally {
    await lib.rtnl_route_put(route);
  }
}

async function vethAdd(i: number): Promise<void> {
  const { name, peer } = vethNames(i);
  const link = await lib.rtnl_link_veth_alloc();
  await lib.rtnl_link_set_name(link, name);
  const p = await lib.rtnl_link_veth_get_peer(link);
  await lib.rtnl_link_set_name(p, peer);
  // As C does: the reference rtnl_link_veth_get_peer() took goes back before
  // the link is released (putting the peer after would touch the freed link).
  await lib.rtnl_link_put(p);
  try {
    await lib.rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
  } finally {
    await lib.rtnl_link_veth_release(link);
  }
}

/** Ops one by one; stops at the first failure (counted as not done). */
async function run(c: Command): Promise<number> {
  for (let i = c.first; i < c.first + c.count; i++) {
    try {
      if (c.op === 'veth-add') await vethAdd(i);
      else await routeOp(i, c.ifindex, c.op === 'route-add');
    } catch (e) {
      process.stderr.write(`writes/spawn: ${c.op} ${i}: ${(e as Error).message}\n`);
      return i - c.first;
    }
  }
  return c.count;
}

await serveWrites(async (c) => answerOf(await timedWithLoopDelay(() => run(c))), () => lib.close());
