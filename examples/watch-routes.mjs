// Print route changes as they happen, until Ctrl-C.
//
// Run as root, then change routes from another shell (`ip route add ...`):
//   node examples/watch-routes.mjs [NETNS]
import { NetlinkClient } from 'libnl-wasm';

const client = await NetlinkClient.open({ netns: process.argv[2] });
// Subscribed once the promise resolves: every change after it is reported.
const watcher = await client.watch(['route']);
process.once('SIGINT', () => void watcher.close());
console.log('watching routes (Ctrl-C to stop)');
for await (const e of watcher) {
  if (e.kind === 'overflow') console.log('events were lost; the next ones catch up');
  else if (e.kind === 'route') {
    const via = e.object.nexthops.map((h) => h.gateway ?? `dev ${h.ifindex}`).join(',');
    console.log(`${e.action} ${e.object.dst ?? 'default'} table ${e.object.table} via ${via}`);
  }
}
await client.close();
