/**
 * libnl's API from the main thread (Libnl.spawn: a worker, async calls), in
 * a private namespace: sockets, caches, lookups, links, addresses and routes
 * added and deleted, with every cache dump compared to what the native build
 * of the same libnl prints for the same kernel state (its nl-*-list tools
 * are nl_cache_dump() of the same caches). Plus error paths, handle safety,
 * callbacks across threads and crash containment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { runNative } from '../../dist/compare/run.js';
import { Libnl, NlError, WasmTrap, type LibnlAsync } from '../../dist/index.js';
import {
  AF_INET, AF_UNSPEC, NETLINK_ROUTE, NLE_EXIST, NLE_INVAL, NLE_NOADDR, NL_DUMP_DETAILS, NL_DUMP_LINE,
  NLM_F_CREATE, NLM_F_EXCL, NL_CACHE_AF_ITER,
} from '../../dist/libnl/generated/constants.js';

describe.skipIf(!!kernelSkipReason)('libnl from the main thread', () => {
  let ns = '';
  let lib: LibnlAsync;

  beforeAll(async () => {
    ns = createNetns('facade');
    spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    lib = await Libnl.spawn({ netns: ns });
  });
  afterAll(async () => {
    await lib?.close();
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  async function linkCacheText(type = NL_DUMP_LINE): Promise<string> {
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    const cache = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    try {
      return await lib.nl_cache_dump_text(cache, type);
    } finally {
      await lib.nl_cache_free(cache);
      await lib.nl_socket_free(sk);
    }
  }

  it('creates a veth pair and a bridge, finds them by name and index, deletes them', async () => {
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    // rtnl_link_veth_add() would move the peer to a pid's namespace; build it instead.
    const pair = await lib.rtnl_link_veth_alloc();
    await lib.rtnl_link_set_name(pair, 'vA');
    await lib.rtnl_link_set_name(await lib.rtnl_link_veth_get_peer(pair), 'vB');
    await lib.rtnl_link_add(sk, pair, NLM_F_CREATE | NLM_F_EXCL);
    await lib.rtnl_link_put(pair);
    await lib.rtnl_link_bridge_add(sk, 'brA');

    const cache = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    const veth = await lib.rtnl_link_get_by_name(cache, 'vA');
    expect(veth).not.toBeNull();
    const index = await lib.rtnl_link_get_ifindex(veth);
    expect(index).toBeGreaterThan(1);
    expect(await lib.rtnl_link_name2i(cache, 'brA')).toBeGreaterThan(1);
    expect(await lib.rtnl_link_i2name(cache, index)).toBe('vA');
    expect(await lib.rtnl_link_get_type(veth)).toBe('veth');
    const byIndex = await lib.rtnl_link_get(cache, index);
    expect(await lib.rtnl_link_get_name(byIndex)).toBe('vA');

    // The same kernel state, dumped by native libnl and by ours.
    expect(await lib.nl_cache_dump_text(cache, NL_DUMP_LINE)).toBe(runNative(ns, 'nl-link-list').stdout);
    expect(await lib.nl_cache_dump_text(cache, NL_DUMP_DETAILS)).toBe(runNative(ns, 'nl-link-list', ['--details']).stdout);

    await lib.rtnl_link_delete(sk, veth);
    const bridge = await lib.rtnl_link_alloc();
    await lib.rtnl_link_set_name(bridge, 'brA');
    await lib.rtnl_link_delete(sk, bridge);
    for (const h of [byIndex, veth, bridge]) await lib.release(h);
    await lib.nl_cache_free(cache);
    await lib.nl_socket_free(sk);

    expect(await linkCacheText()).toBe(runNative(ns, 'nl-link-list').stdout);
    expect(await linkCacheText()).not.toContain('vA');
  });

  it('adds and deletes an address and a route; the caches match native libnl', async () => {
    spawnSync('ip', ['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    spawnSync('ip', ['-n', ns, 'link', 'set', 'd0', 'up']);
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    const links = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    // As libnl's tools do: the link cache names interfaces in the other dumps.
    await lib.nl_cache_mngt_provide(links);
    const ifindex = await lib.rtnl_link_name2i(links, 'd0');

    const addr = await lib.rtnl_addr_alloc();
    const local = await lib.nl_addr_parse('10.7.0.1/24', AF_INET);
    await lib.rtnl_addr_set_ifindex(addr, ifindex);
    await lib.rtnl_addr_set_local(addr, local);
    await lib.rtnl_addr_add(sk, addr, 0);

    const route = await lib.rtnl_route_alloc();
    const dst = await lib.nl_addr_parse('10.70.0.0/16', AF_INET);
    const gw = await lib.nl_addr_parse('10.7.0.2', AF_INET);
    const nh = await lib.rtnl_route_nh_alloc();
    await lib.rtnl_route_nh_set_ifindex(nh, ifindex);
    await lib.rtnl_route_nh_set_gateway(nh, gw);
    await lib.rtnl_route_set_dst(route, dst);
    await lib.rtnl_route_add_nexthop(route, nh);
    await lib.rtnl_route_add(sk, route, NLM_F_CREATE);

    const addrs = await lib.rtnl_addr_alloc_cache(sk);
    const routes = await lib.rtnl_route_alloc_cache(sk, AF_UNSPEC, 0);
    // nl-neigh-list asks for every family (bridge FDB entries included).
    const neigh = await lib.rtnl_neigh_alloc_cache_flags(sk, NL_CACHE_AF_ITER);
    expect(await lib.nl_cache_dump_text(addrs, NL_DUMP_LINE)).toBe(runNative(ns, 'nl-addr-list').stdout);
    expect(await lib.nl_cache_dump_text(routes, NL_DUMP_LINE)).toBe(runNative(ns, 'nl-route-list').stdout);
    // The kernel adds multicast FDB entries by itself while the links come
    // up: compare a fresh dump with the native one taken right after it.
    for (let attempt = 0; ; attempt++) {
      await lib.nl_cache_refill(sk, neigh);
      const text = await lib.nl_cache_dump_text(neigh, NL_DUMP_LINE);
      const native = runNative(ns, 'nl-neigh-list').stdout;
      if (text === native || attempt === 5) {
        expect(text).toBe(native);
        break;
      }
    }
    expect(await lib.nl_cache_dump_text(routes, NL_DUMP_LINE)).toContain('10.70.0.0/16');

    await lib.rtnl_route_delete(sk, route, 0);
    await lib.rtnl_addr_delete(sk, addr, 0);
    await lib.nl_cache_refill(sk, routes);
    await lib.nl_cache_refill(sk, addrs);
    expect(await lib.nl_cache_dump_text(routes, NL_DUMP_LINE)).not.toContain('10.70.0.0/16');
    expect(await lib.nl_cache_dump_text(addrs, NL_DUMP_LINE)).toBe(runNative(ns, 'nl-addr-list').stdout);

    await lib.nl_cache_mngt_unprovide(links);
    for (const h of [addrs, routes, neigh, links]) await lib.nl_cache_free(h);
    for (const h of [local, dst, gw]) await lib.nl_addr_put(h);
    await lib.rtnl_addr_put(addr);
    await lib.rtnl_route_put(route);
    await lib.nl_socket_free(sk);
  });

  it('reports libnl errors as NlError: NLE_EXIST, NLE_INVAL', async () => {
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    const bridge = await lib.rtnl_link_alloc();
    await lib.rtnl_link_set_name(bridge, 'brE');
    await lib.rtnl_link_set_type(bridge, 'bridge');
    await lib.rtnl_link_add(sk, bridge, NLM_F_CREATE | NLM_F_EXCL);
    const again = await lib.rtnl_link_add(sk, bridge, NLM_F_CREATE | NLM_F_EXCL).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(NlError);
    expect(again).toMatchObject({ code: NLE_EXIST, nleName: 'NLE_EXIST', call: 'rtnl_link_add' });
    expect((again as Error).message).toContain('Object exists');

    const bad = await lib.nl_addr_parse('10.0.0.1/abc', AF_INET).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: NLE_INVAL, nleName: 'NLE_INVAL' });
    const noaddr = await lib.nl_addr_parse('10.0.0.300', AF_INET).catch((e: unknown) => e);
    expect(noaddr).toMatchObject({ code: NLE_NOADDR, nleName: 'NLE_NOADDR' });
    await lib.rtnl_link_delete(sk, bridge);
    await lib.rtnl_link_put(bridge);
    await lib.nl_socket_free(sk);
  });

  it('refuses freed, foreign and wrong-typed handles, and bad arguments', async () => {
    const link = await lib.rtnl_link_alloc();
    await lib.rtnl_link_put(link);
    await expect(lib.rtnl_link_get_name(link)).rejects.toThrow(/was released \(rtnl_link_put\)/);
    await expect(lib.rtnl_link_put(link)).rejects.toThrow(TypeError);

    const other = await Libnl.spawn({ netns: ns });
    try {
      const foreign = await other.rtnl_link_alloc();
      await expect(lib.rtnl_link_get_name(foreign)).rejects.toThrow(/belongs to another libnl instance/);
    } finally {
      await other.close();
    }

    const sk = await lib.nl_socket_alloc();
    // @ts-expect-error a socket is not a link
    await expect(lib.rtnl_link_get_name(sk)).rejects.toThrow(/expected another kind of handle/);
    await expect(lib.rtnl_link_set_mtu(await lib.rtnl_link_alloc(), -1)).rejects.toThrow(RangeError);
    await expect(lib.nl_addr_parse('10.0.0.1\u0000x', AF_INET)).rejects.toThrow(/NUL/);
    // @ts-expect-error not a number
    await expect(lib.nl_connect(sk, 'route')).rejects.toThrow(/expected an integer/);
    await lib.nl_socket_free(sk);
  });

  it('runs callbacks on the main thread, which can call libnl themselves', async () => {
    const sk = await lib.nl_socket_alloc();
    await lib.nl_connect(sk, NETLINK_ROUTE);
    const cache = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
    const names: string[] = [];
    await lib.nl_cache_foreach(cache, async (obj) => {
      const link = await lib.nl_object_cast(obj, 'rtnl_link');
      names.push((await lib.rtnl_link_get_name(link)) ?? '?');
      await lib.release(link);
    }, 0);
    expect(names).toContain('lo');
    expect(names.length).toBe(await lib.nl_cache_nitems(cache));
    await lib.nl_cache_free(cache);
    await lib.nl_socket_free(sk);
  });

  it('contains a trap: the call rejects, says where, and the next call works', async () => {
    const before = lib.instance;
    // A raw pointer past the end of memory: libnl's memcpy traps.
    const crash = await lib.nl_addr_build(AF_INET, 0xfffffff0, 64).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(WasmTrap);
    expect((crash as Error).message).toMatch(/crashed in nl_addr_build/);
    const sk = await lib.nl_socket_alloc();
    expect(lib.instance).not.toBe(before);
    await lib.nl_connect(sk, NETLINK_ROUTE);
    await lib.nl_socket_free(sk);
  });

  it('closes every socket of the instance on close()', async () => {
    const other = await Libnl.spawn({ netns: ns });
    const sk = await other.nl_socket_alloc();
    await other.nl_connect(sk, NETLINK_ROUTE);
    expect(await other.openSockets()).toBe(1);
    await other.close();
    await expect(other.nl_socket_alloc()).rejects.toThrow(/closed/);
  });
});
