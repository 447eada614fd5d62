/**
 * The cycles the leak checks repeat (bench/leaks.ts long, the leak test
 * short): a socket's whole life in one instance, and a worker instance's;
 * and a namespace view's (bench/lifecycles.ts, test/kernel/lifecycle.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { Libnl, type LibnlSync, type NetlinkClient, type WatchEvent } from '../../dist/index.js';
import { AF_UNSPEC, NETLINK_ROUTE } from '../../dist/libnl/generated/constants.js';

/** nl_socket_alloc, nl_connect, a link dump, nl_cache_free, nl_socket_free (which closes). */
export function socketCycle(lib: LibnlSync): number {
  const sk = lib.nl_socket_alloc();
  lib.nl_connect(sk, NETLINK_ROUTE);
  const cache = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
  const n = lib.nl_cache_nitems(cache);
  lib.nl_cache_free(cache);
  lib.nl_socket_free(sk);
  return n;
}

/** Libnl.spawn, a dump through it, close. */
export async function spawnCycle(netns: string): Promise<number> {
  const lib = await Libnl.spawn({ netns });
  try {
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    const cache = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    const n = await lib.nl_cache_nitems(cache);
    await lib.nl_cache_free(cache);
    await lib.nl_socket_free(sk);
    return n;
  } finally {
    await lib.close();
  }
}

/**
 * A view of namespace ns made from client, its links listed, a change of
 * v0's MTU (to 1300 + n % 100) watched for, the view closed. Returns the
 * names listed and the namespace the event said it came from.
 */
export async function viewCycle(client: NetlinkClient, ns: string, n: number): Promise<{ names: string[]; eventNetns: string | undefined }> {
  const view = await client.netns(ns);
  const names = (await view.links.list()).map((l) => l.name).sort();
  const w = await view.watch(['link']);
  const changed = new Promise<WatchEvent>((resolve) => w.once('event', resolve));
  execFileSync('ip', ['-n', ns, 'link', 'set', 'v0', 'mtu', String(1300 + (n % 100))]);
  const eventNetns = (await changed).netns;
  await view.close();
  return { names, eventNetns };
}
