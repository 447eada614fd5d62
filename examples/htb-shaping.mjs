// Shape a veth pair's traffic with HTB: 1 Mbit/s for 10.0.0.2, 5 Mbit/s for
// everything else, and print the classes and filters.
//
// Run as root in a scratch namespace:
//   ip netns add demo && node examples/htb-shaping.mjs demo; ip netns delete demo
import { NetlinkClient } from 'libnl-wasm';

const netns = process.argv[2];
if (!netns) throw new Error('usage: node examples/htb-shaping.mjs NETNS');
const mbit = (n) => n * 125_000; // the client takes rates in bytes per second

const client = await NetlinkClient.open({ netns });
try {
  await client.links.add({ name: 'shp0', kind: 'veth', peer: { name: 'shp1' }, up: true });
  await client.qdiscs.add({ dev: 'shp0', parent: 'root', handle: '1:', kind: 'htb', options: { defaultClass: '1:20' } });
  await client.classes.add({ dev: 'shp0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: mbit(1) } });
  await client.classes.add({ dev: 'shp0', parent: '1:', classid: '1:20', kind: 'htb', options: { rate: mbit(5) } });
  await client.classifiers.add({ dev: 'shp0', parent: '1:', kind: 'u32', prio: 1, classid: '1:10', match: { dst: '10.0.0.2/32' } });

  for (const c of await client.classes.list({ dev: 'shp0' })) {
    console.log(`class ${c.handle} rate ${Number(c.options.rate) / 125_000}mbit`);
  }
  for (const f of await client.classifiers.list({ dev: 'shp0', parent: '1:', where: (f) => f.options.classid !== undefined })) {
    console.log(`filter ${f.kind} prio ${f.prio} -> ${f.options.classid}`);
  }
} finally {
  await client.close();
}
