// List the network interfaces of a namespace, typed.
//
// Run as root (tsx runs TypeScript directly; or compile with tsc first):
//   npx tsx examples/ts/list-links.ts [NETNS]
import { NetlinkClient, type Link } from 'libnl-wasm';

function describeLink(link: Link): string {
  const kind = link.kind ?? 'device';
  return `${link.index}: ${link.name} (${kind}) mtu ${link.mtu} ${link.flagNames.includes('up') ? 'up' : 'down'}`;
}

const netns: string | undefined = process.argv[2];
const client = await NetlinkClient.open({ netns });
try {
  const links: Link[] = await client.links.list();
  for (const link of links) console.log(describeLink(link));
} finally {
  await client.close();
}
