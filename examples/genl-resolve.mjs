// Resolve generic netlink family names to their ids, and list every family
// with its multicast groups.
//
// Run as root:
//   node examples/genl-resolve.mjs [FAMILY...]        # default: nlctrl
import { NetlinkClient, NlError } from 'libnl-wasm';

const client = await NetlinkClient.open();
try {
  for (const name of process.argv.length > 2 ? process.argv.slice(2) : ['nlctrl']) {
    try {
      console.log(`${name} = ${await client.genl.resolve(name)}`);
    } catch (e) {
      if (!(e instanceof NlError)) throw e;
      console.log(`${name}: ${e.text} (${e.nleName})`);
    }
  }
  for (const f of await client.genl.list()) {
    console.log(`family ${f.id} ${f.name} version ${f.version} groups ${f.groups.map((g) => g.name).join(',') || '-'}`);
  }
} finally {
  await client.close();
}
