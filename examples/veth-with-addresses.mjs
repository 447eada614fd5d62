// Create a namespace, a veth pair with IPv4 and IPv6 addresses and a route
// in it, show what the kernel made, and remove the namespace again.
//
// Run as root:
//   node examples/veth-with-addresses.mjs
import { execFileSync } from 'node:child_process';
import { NetlinkClient } from 'libnl-wasm';

const netns = `veth-example-${process.pid}`;
execFileSync('ip', ['netns', 'add', netns]);
try {
  const client = await NetlinkClient.open({ netns });
  try {
    await client.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1' }, up: true });
    await client.links.change('veth1', { up: true });
    await client.addresses.add({ dev: 'veth0', local: '10.0.0.1/24' });
    await client.addresses.add({ dev: 'veth0', local: '2001:db8::1/64' });
    await client.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.2' });

    const veth0 = await client.links.get('veth0');
    console.log(`namespace ${netns}: ${veth0.name} (index ${veth0.index}, peer index ${veth0.info.peerIndex})`);
    for (const a of await client.addresses.list({ where: { ifindex: veth0.index } })) console.log(`  address ${a.local} scope ${a.scope}`);
    for (const r of await client.routes.list({ family: 'inet', where: { table: 254 } })) {
      console.log(`  route ${r.dst} ${r.nexthops.map((h) => h.gateway ?? 'direct').join(',')}`);
    }
  } finally {
    await client.close();
  }
} finally {
  execFileSync('ip', ['netns', 'delete', netns]);
  console.log(`namespace ${netns} removed`);
}
