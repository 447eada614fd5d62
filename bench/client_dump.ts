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
import { NetlinkClient } from '../dist/index.js';
import { serve, timedWithLoopDelay, type DumpKind } from './child.js';

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

await serve((kind) => timedWithLoopDelay(() => dump(kind)), () => client.close());
