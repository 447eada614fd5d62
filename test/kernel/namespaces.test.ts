/**
 * Many namespaces from one process: namespace views of one client sharing
 * its worker (or spread over `workers: N`), one watcher over several
 * namespaces whose events say where they came from, an overflow in one
 * namespace that leaves the others alone, the 1:1 API's setns(), and named
 * namespaces made, listed, watched and deleted as `ip netns` does. Each
 * namespace is private to the test; what it holds is read with iproute2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createNetns, kernelSkipReason, withNetns } from '../helpers/netns.js';
import {
  AF_UNSPEC, Libnl, NETLINK_ROUTE, NetlinkClient, netns, type NetnsEvent, type WatchEvent,
} from '../../dist/index.js';

function links(ns: string): string[] {
  return (JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8' })) as Array<{ ifname: string }>)
    .map((l) => l.ifname).sort();
}

async function until<T>(what: string, get: () => T | undefined): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - t0 > 10_000) throw new Error(`${what}: not within 10 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!!kernelSkipReason)('many namespaces from one client', () => {
  it('views share the worker, see only their own namespace, and close on their own', () =>
    withNetns('nsa', (a) => withNetns('nsb', async (b) => {
      const client = await NetlinkClient.open();
      try {
        const [va, vb] = [await client.netns(a), await client.netns(b)];
        expect([va.namespace, vb.namespace]).toEqual([a, b]);
        await va.links.add({ name: 'in-a', kind: 'bridge' });
        await vb.batch([{ op: 'add', kind: 'link', spec: { name: 'in-b', kind: 'bridge' } }]);
        expect((await va.links.list()).map((l) => l.name).sort()).toEqual(['in-a', 'lo']);
        expect((await vb.links.list()).map((l) => l.name).sort()).toEqual(['in-b', 'lo']);
        expect(links(a)).toEqual(['in-a', 'lo']);
        expect(links(b)).toEqual(['in-b', 'lo']);
        const [stats] = await client.stats();
        expect(stats.namespaces).toBe(3);
        await va.close();
        await expect(va.links.list()).rejects.toThrow(/closed/);
        expect((await vb.links.list()).length).toBe(2);
        expect((await client.stats())[0]).toMatchObject({ namespaces: 2 });
        const again = await client.netns(a);
        expect((await again.links.list()).map((l) => l.name).sort()).toEqual(['in-a', 'lo']);
      } finally {
        await client.close();
      }
    })));

  it('workers: N spreads views over N instances', async () => {
    const names = [createNetns('nsw'), createNetns('nsw'), createNetns('nsw'), createNetns('nsw')];
    const client = await NetlinkClient.open({ workers: 2 });
    try {
      const views = await Promise.all(names.map((n) => client.netns(n)));
      await Promise.all(views.map((v, i) => v.links.add({ name: `w${i}`, kind: 'bridge' })));
      names.forEach((n, i) => expect(links(n)).toEqual(['lo', `w${i}`]));
      expect((await client.stats()).map((s) => s.namespaces)).toEqual([3, 3]);
    } finally {
      await client.close();
      for (const n of names) spawnSync('ip', ['netns', 'delete', n]);
    }
  });

  it('one watcher over several namespaces: each event names its namespace; an overflow in one leaves the others alone', () =>
    withNetns('nwa', (a) => withNetns('nwb', async (b) => {
      for (const ns of [a, b]) {
        execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
        execFileSync('ip', ['-n', ns, 'link', 'set', 'v0', 'up']);
        execFileSync('ip', ['-n', ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0']);
      }
      const client = await NetlinkClient.open();
      try {
        const w = await client.watch(['link', 'address', 'route'], { netns: [a, b], receiveBuffer: 1024 });
        expect(w.namespaces.sort()).toEqual([a, b].sort());
        const events: WatchEvent[] = [];
        w.on('event', (e: WatchEvent) => events.push(e));
        execFileSync('ip', ['-n', a, 'addr', 'add', '10.0.0.7/24', 'dev', 'v0']);
        execFileSync('ip', ['-n', b, 'link', 'set', 'v0', 'mtu', '1400']);
        await until('the address in a', () => events.find((e) => e.kind === 'address' && e.netns === a && e.object.local === '10.0.0.7/24'));
        await until('the link change in b', () => events.find((e) => e.kind === 'link' && e.netns === b && e.object.mtu === 1400));
        expect(events.filter((e) => e.kind === 'address' && e.netns === b)).toEqual([]);

        // A burst in a: its tiny event socket overflows; b goes on and sees no overflow.
        const va = await client.netns(a);
        const r = await va.batch(Array.from({ length: 2000 }, (_, i) => ({
          op: 'add' as const, kind: 'route' as const, spec: { dst: `10.5.${i >> 8}.${i & 255}/32`, gateway: '10.0.0.2' },
        })));
        expect(r.applied).toBe(2000);
        await until('the overflow in a', () => events.find((e) => e.kind === 'overflow' && e.netns === a));
        execFileSync('ip', ['-n', b, 'route', 'add', '10.6.0.0/16', 'via', '10.0.0.2']);
        await until('the route in b', () => events.find((e) => e.kind === 'route' && e.netns === b && e.object.dst === '10.6.0.0/16'));
        expect(events.filter((e) => e.kind === 'overflow' && e.netns === b)).toEqual([]);
        // After the resync, a's events hold every route of the burst.
        const routesOfA = new Set<string>();
        await until('a resynchronised', () => {
          for (const e of events) if (e.kind === 'route' && e.netns === a && e.action !== 'del' && e.object.dst?.startsWith('10.5.')) routesOfA.add(e.object.dst);
          return routesOfA.size === 2000 ? true : undefined;
        });

        // Following one more namespace, and one less.
        await withNetns('nwc', async (c) => {
          await w.add(c);
          execFileSync('ip', ['-n', c, 'link', 'add', 'c0', 'type', 'bridge']);
          await until('the link in c', () => events.find((e) => e.kind === 'link' && e.netns === c && e.object.name === 'c0'));
          await w.remove(c);
          expect(w.namespaces.sort()).toEqual([a, b].sort());
        });
        await w.close();
      } finally {
        await client.close();
      }
    })));

  it('the 1:1 API: sockets connected after setns() open in that namespace, those before stay', () =>
    withNetns('nsa', (a) => withNetns('nsb', async (b) => {
      execFileSync('ip', ['-n', a, 'link', 'add', 'only-a', 'type', 'bridge']);
      execFileSync('ip', ['-n', b, 'link', 'add', 'only-b', 'type', 'bridge']);
      const lib = await Libnl.spawn();
      try {
        const names = async (sk: Awaited<ReturnType<typeof lib.nl_socket_alloc>>): Promise<string> =>
          lib.nl_cache_dump_text(await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC), 1);
        await lib.setns(a);
        const ska = await lib.nl_socket_alloc();
        await lib.nl_connect(ska, NETLINK_ROUTE);
        await lib.setns(b);
        const skb = await lib.nl_socket_alloc();
        await lib.nl_connect(skb, NETLINK_ROUTE);
        expect(await names(ska)).toMatch(/only-a/);
        expect(await names(ska)).not.toMatch(/only-b/);
        expect(await names(skb)).toMatch(/only-b/);
        await lib.setns(null);
        const own = await lib.nl_socket_alloc();
        await lib.nl_connect(own, NETLINK_ROUTE);
        expect(await names(own)).not.toMatch(/only-[ab]/);
      } finally {
        await lib.close();
      }
    })));
});

describe.skipIf(!!kernelSkipReason)('named namespaces', () => {
  it('netns.create/list/delete as ip netns: each sees the other\'s; watch reports them coming and going', async () => {
    const ours = `lnw-nsn-${process.pid}-a`;
    const theirs = `lnw-nsn-${process.pid}-b`;
    const w = await netns.watch();
    const seen: NetnsEvent[] = [];
    w.on('event', (e: NetnsEvent) => { if (e.name === ours || e.name === theirs) seen.push(e); });
    try {
      await netns.create(ours);
      execFileSync('ip', ['netns', 'add', theirs]);
      expect(await netns.list()).toEqual(expect.arrayContaining([ours, theirs]));
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).toContain(ours);
      expect(execFileSync('ip', ['-n', ours, 'link', 'show'], { encoding: 'utf8' })).toMatch(/^1: lo:/);
      await expect(netns.create(ours)).rejects.toMatchObject({ code: 'EEXIST' });
      const client = await NetlinkClient.open({ netns: ours });
      await client.links.add({ name: 'x0', kind: 'bridge' });
      await client.close();
      expect(execFileSync('ip', ['-n', ours, 'link', 'show', 'x0'], { encoding: 'utf8' })).toContain('x0');
      await netns.delete(ours);
      execFileSync('ip', ['netns', 'delete', theirs]);
      await expect(netns.delete(ours)).rejects.toMatchObject({ code: 'ENOENT' });
      await until('all four events', () => (seen.length >= 4 ? true : undefined));
      expect(seen.map((e) => `${e.action} ${e.name}`).sort()).toEqual([`add ${ours}`, `add ${theirs}`, `delete ${ours}`, `delete ${theirs}`].sort());
      expect(await netns.list()).not.toContain(ours);
    } finally {
      w.close();
      spawnSync('ip', ['netns', 'delete', ours]);
      spawnSync('ip', ['netns', 'delete', theirs]);
    }
  });
});
