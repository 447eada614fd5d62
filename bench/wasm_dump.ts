/**
 * Contender: libnl.wasm through the 1:1 API, filling a route cache
 * (rtnl_route_alloc_cache, AF_INET) or a link cache (rtnl_link_alloc_cache,
 * AF_UNSPEC) and counting it with nl_cache_nitems, like bench/libnl_dump.c.
 *
 *   sync:  openLibnl() in this process's thread (what a worker of yours does);
 *   spawn: Libnl.spawn() from the main thread, the instance in its worker;
 *          the event-loop delay during each dump is measured too;
 *          with "read-ahead", the instance receives dumps ahead of libnl
 *          (the readAhead option, host/dump_readahead.h).
 *
 * Freeing the cache is not timed (as in libnl_dump.c).
 */
import { AF_INET, AF_UNSPEC, Libnl, NETLINK_ROUTE, openLibnl } from '../dist/index.js';
import { serve, timed, timedWithLoopDelay, type DumpKind } from './child.js';

const mode = process.argv[2];

if (mode === 'sync') {
  const lib = openLibnl();
  const sk = lib.nl_socket_alloc();
  lib.nl_connect(sk, NETLINK_ROUTE);
  await serve(async (kind: DumpKind) => {
    let cache;
    const r = await timed(() => {
      cache = kind === 'route' ? lib.rtnl_route_alloc_cache(sk, AF_INET, 0) : lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
      return lib.nl_cache_nitems(cache);
    });
    lib.release(cache ?? null);
    return r;
  }, () => lib.close());
} else if (mode === 'spawn') {
  const lib = await Libnl.spawn({ readAhead: process.argv[3] === 'read-ahead' });
  const sk = await lib.nl_socket_alloc();
  await lib.nl_connect(sk, NETLINK_ROUTE);
  await serve(async (kind: DumpKind) => {
    let cache;
    const r = await timedWithLoopDelay(async () => {
      cache = kind === 'route' ? await lib.rtnl_route_alloc_cache(sk, AF_INET, 0)
        : await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
      return lib.nl_cache_nitems(cache);
    });
    await lib.release(cache ?? null);
    return r;
  }, () => lib.close());
} else {
  throw new Error('usage: wasm_dump.ts sync|spawn [read-ahead]');
}
