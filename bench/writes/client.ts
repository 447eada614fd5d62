/**
 * Contender of the writes bench: the typed client (NetlinkClient), in the
 * namespace the process runs in.
 *
 *   awaited:   await client.routes.add(spec) (or delete, or links.add), one by one;
 *   batch:     await client.batch(ops) with the ops from a generator;
 *   batch-gen: the same from an async generator (what a program streaming
 *              a million ops from a file or a socket writes).
 *
 * The specs name DEV by its index, as the C loop does, so no contender
 * looks a name up per op. The event-loop delay is measured over the ops.
 */
import { NetlinkClient, type BatchOp, type LinkSpec, type RouteSpec } from '../../dist/index.js';
import { timedWithLoopDelay } from '../child.js';
import { GATEWAY, routeDst, vethNames, type WriteOp } from './ops.js';
import { answerOf, serveWrites, type Command } from './protocol.js';

const mode = process.argv[2];
if (mode !== 'awaited' && mode !== 'batch' && mode !== 'batch-gen') {
  throw new Error('usage: writes/client.ts awaited|batch|batch-gen');
}

const client = await NetlinkClient.open();

function routeSpec(i: number, ifindex: number): RouteSpec {
  return { dst: routeDst(i), gateway: GATEWAY, dev: ifindex };
}

function vethSpec(i: number): LinkSpec {
  const { name, peer } = vethNames(i);
  return { name, kind: 'veth', peer: { name: peer } };
}

function batchOp(op: WriteOp, i: number, ifindex: number): BatchOp {
  if (op === 'veth-add') return { op: 'add', kind: 'link', spec: vethSpec(i) };
  return { op: op === 'route-add' ? 'add' : 'delete', kind: 'route', spec: routeSpec(i, ifindex) };
}

function* ops(c: Command): Generator<BatchOp> {
  for (let i = c.first; i < c.first + c.count; i++) yield batchOp(c.op, i, c.ifindex);
}

async function* asyncOps(c: Command): AsyncGenerator<BatchOp> {
  yield* ops(c);
}

/** Ops one by one; stops at the first failure (counted as not done). */
async function awaited(c: Command): Promise<number> {
  for (let i = c.first; i < c.first + c.count; i++) {
    try {
      if (c.op === 'route-add') await client.routes.add(routeSpec(i, c.ifindex));
      else if (c.op === 'route-del') await client.routes.delete(routeSpec(i, c.ifindex));
      else await client.links.add(vethSpec(i));
    } catch (e) {
      process.stderr.write(`writes/client: ${c.op} ${i}: ${(e as Error).message}\n`);
      return i - c.first;
    }
  }
  return c.count;
}

async function batched(c: Command): Promise<number> {
  const r = await client.batch(mode === 'batch-gen' ? asyncOps(c) : ops(c));
  for (const e of r.errors.slice(0, 5)) process.stderr.write(`writes/client: op ${e.index} (${e.op}): ${e.error.message}\n`);
  if (r.errors.length > 5) process.stderr.write(`writes/client: ... ${r.errors.length} errors in all\n`);
  return r.applied;
}

await serveWrites(async (c) => answerOf(await timedWithLoopDelay(() => (mode === 'awaited' ? awaited(c) : batched(c)))),
  () => client.close());
