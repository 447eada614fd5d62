// List the network interfaces of a namespace with the typed client.
//
// Run as root (netlink needs CAP_NET_ADMIN for other namespaces):
//   node examples/list-links.mjs [NETNS]        # NETNS: a name from `ip netns`, or omit for this one
import { NetlinkClient } from 'libnl-wasm';

const client = await NetlinkClient.open({ netns: process.argv[2] });
try {
  for (const link of await client.links.list()) {
    console.log(`${link.index}: ${link.name} ${link.kind ?? ''} mtu ${link.mtu} ${link.operstate} ${link.address ?? ''}`);
  }
} finally {
  await client.close();
}
