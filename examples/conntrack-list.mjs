// List the connection tracking table (needs the nf_conntrack module, as
// `conntrack -L` does).
//
// Run as root:
//   node examples/conntrack-list.mjs [NETNS]
import { NetlinkClient } from 'libnl-wasm';

const client = await NetlinkClient.open({ netns: process.argv[2] });
try {
  const entries = await client.conntrack.list();
  for (const ct of entries) {
    const { orig, reply } = ct;
    console.log(`${ct.protocolName} ${ct.tcpState ?? ''} src=${orig.src} dst=${orig.dst} sport=${orig.srcPort} dport=${orig.dstPort}` +
      ` | src=${reply.src} dst=${reply.dst} timeout=${ct.timeout} status=${ct.statusNames.join(',')}`);
  }
  console.log(`${entries.length} entries`);
} finally {
  await client.close();
}
