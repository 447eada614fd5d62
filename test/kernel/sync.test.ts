/**
 * The synchronous module (openLibnl), for workers and other threads that may
 * block: the same API without promises, handles that give back their
 * references with `using`, and a refusal to give back a reference twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { runNative } from '../../dist/compare/run.js';
import { openLibnl, type LibnlSync } from '../../dist/index.js';
import { AF_UNSPEC, NETLINK_ROUTE, NL_DUMP_LINE } from '../../dist/libnl/generated/constants.js';

describe.skipIf(!!kernelSkipReason)('libnl in this thread (openLibnl)', () => {
  let ns = '';
  let lib: LibnlSync;
  beforeAll(() => {
    ns = createNetns('sync');
    spawnSync('ip', ['-n', ns, 'link', 'add', 's0', 'type', 'veth', 'peer', 'name', 's1']);
    lib = openLibnl({ netns: ns });
  });
  afterAll(() => {
    lib?.close();
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  it('dumps the link cache as native libnl does', () => {
    using sk = lib.nl_socket_alloc();
    if (!sk) throw new Error('no socket');
    lib.nl_connect(sk, NETLINK_ROUTE);
    using cache = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    expect(lib.nl_cache_dump_text(cache, NL_DUMP_LINE)).toBe(runNative(ns, 'nl-link-list').stdout);
    expect(lib.rtnl_link_name2i(cache, 's1')).toBeGreaterThan(1);
  });

  it('gives back references when handles go out of scope, once', () => {
    const before = lib.liveHandles();
    {
      using link = lib.rtnl_link_alloc();
      lib.rtnl_link_set_name(link, 'x');
      expect(lib.liveHandles()).toBe(before + 1);
    }
    expect(lib.liveHandles()).toBe(before);

    const link = lib.rtnl_link_alloc();
    lib.rtnl_link_put(link);
    // Disposing a released handle does nothing; using it throws.
    link?.[Symbol.dispose]();
    expect(() => lib.rtnl_link_get_name(link)).toThrow(/was released/);
  });

  it('counts references: a borrowed handle cannot be put, a taken one can', () => {
    using sk = lib.nl_socket_alloc();
    lib.nl_connect(sk, NETLINK_ROUTE);
    const cache = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    const first = lib.nl_cache_get_first(cache);
    expect(() => lib.nl_object_put(first)).toThrow(/holds no reference/);
    lib.nl_object_get(first);
    lib.nl_cache_free(cache);
    // Took its own reference, so it outlives the cache.
    expect(lib.nl_object_get_type(first)).toBe('route/link');
    lib.nl_object_put(first);
    expect(() => lib.nl_object_get_type(first)).toThrow(/was released/);
  });
});
