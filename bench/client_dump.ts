/**
 * Contender: the typed client (NetlinkClient) delivering every route
 * (family inet) or link as a plain object on the main thread, while its
 * worker parses the dump with libnl:
 *
 *   list:   await client.routes.list() / client.links.list(), one array;
 *   stream: for await (... of client.routes.stream() / links.stream()),
 *           objects as their batches arrive.
 *
 * With "read-ahead" after the mode, the client's worker receives dumps
 * ahead of libnl (ClientOptions.readAhead). The event-loop delay during each dump is measured too.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NetlinkClient } from '../dist/index.js';
import { loopDelay, serve, timed, type DumpKind } from './child.js';

const mode = process.argv[2];
if (mode !== 'list' && mode !== 'stream') throw new Error('usage: client_dump.ts list|stream [read-ahead]');

const client = await NetlinkClient.open({ readAhead: process.argv[3] === 'read-ahead' });

async function dump(kind: DumpKind): Promise<number> {
  const objects = kind === 'route' ? client.routes : client.links;
  const family = kind === 'route' ? 'inet' : undefined;
  if (mode === 'list') return (await objects.list({ family })).length;
  let n = 0;
  for await (const _object of objects.stream({ family })) n++;
  return n;
}

// 1 ms is the finest resolution: a stall shorter than that is not seen.
const delay = monitorEventLoopDelay({ resolution: 1 });
await serve(async (kind) => {
  delay.reset();
  delay.enable();
  const r = await timed(() => dump(kind));
  delay.disable();
  return { ...r, ...loopDelay(delay) };
}, () => client.close());
