/**
 * libnl's cache index as patch 0004 (vendor/libnl/patches) makes it: the
 * hash table grows past its initial 1,024 buckets and still finds every
 * object, refuses a duplicate, forgets removed objects, and the cache keeps
 * insertion order. In-memory route objects only: no kernel, no namespace.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NlError, openLibnl, type NlCache, type NlObject, type RtnlRoute } from '../../dist/index.js';
import { AF_INET, NLE_EXIST } from '../../dist/libnl/generated/constants.js';

/** Several times the initial 1,024 buckets, so the table grows three times. */
const N = 5000;

describe('libnl cache index (hash table) beyond 1,024 buckets', () => {
  const lib = openLibnl();
  afterAll(() => lib.close());

  /** Route i: 198.18.x.y/32 in the main table; identical for equal i. */
  function route(i: number): RtnlRoute {
    const r = lib.rtnl_route_alloc();
    if (!r) throw new Error('rtnl_route_alloc failed');
    using dst = lib.nl_addr_parse(`198.18.${i >> 8}.${i & 255}/32`, AF_INET);
    lib.rtnl_route_set_dst(r, dst);
    lib.rtnl_route_set_table(r, 254);
    lib.rtnl_route_set_priority(r, i % 3);
    return r;
  }

  function ptrs(cache: NlCache): number[] {
    const out: number[] = [];
    for (let o: NlObject | null = lib.nl_cache_get_first(cache); o; o = lib.nl_cache_get_next(o)) out.push(o.ptr);
    return out;
  }

  it('finds, refuses duplicates, removes and keeps insertion order', () => {
    using cache = lib.nl_cache_alloc_name('route/route');
    const routes = Array.from({ length: N }, (_, i) => route(i));
    for (const r of routes) lib.nl_cache_add(cache, r);
    expect(lib.nl_cache_nitems(cache)).toBe(N);
    expect(ptrs(cache)).toEqual(routes.map((r) => r.ptr));

    for (let i = 0; i < N; i++) {
      using needle = route(i);
      using found = lib.nl_cache_search(cache, needle);
      expect(found?.ptr).toBe(routes[i].ptr);
    }
    {
      using twin = route(1234);
      const refused = (() => {
        try {
          lib.nl_cache_add(cache, twin);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
      expect(refused).toBeInstanceOf(NlError);
      expect((refused as NlError).code).toBe(NLE_EXIST);
    }

    for (let i = 0; i < N; i += 2) lib.nl_cache_remove(routes[i]);
    expect(lib.nl_cache_nitems(cache)).toBe(N / 2);
    for (let i = 0; i < N; i++) {
      using needle = route(i);
      using found = lib.nl_cache_search(cache, needle);
      expect(found?.ptr ?? null).toBe(i % 2 ? routes[i].ptr : null);
    }
    expect(ptrs(cache)).toEqual(routes.filter((_, i) => i % 2).map((r) => r.ptr));

    // A removed route added again (libnl adds a clone of it) is found, and comes last.
    lib.nl_cache_add(cache, routes[0]);
    using needle = route(0);
    using found = lib.nl_cache_search(cache, needle);
    expect(found?.ptr).toBe(ptrs(cache).at(-1));
    for (const r of routes) lib.release(r);
  });
});
