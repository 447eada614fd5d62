/**
 * The kinds this kernel has, round-tripped through the typed client in a
 * private namespace: what the client adds, iproute2 sees (`bridge -j`,
 * `ip -j`, `tc -j`, `ip xfrm`); what iproute2 adds, the client lists with
 * the same fields; what the client deletes is gone. (The kinds the kernel
 * lacks are checked by their request bytes: request_bytes.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createNetns, ipn, kernelSkipReason } from '../helpers/netns.js';
import { NetlinkClient, NlError } from '../../dist/index.js';

type Json = Record<string, unknown>;

function json(ns: string, tool: string, ...args: string[]): Json[] {
  const out = execFileSync('ip', ['netns', 'exec', ns, tool, '-j', ...args], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) as Json[] : [];
}

const text = (ns: string, ...args: string[]): string => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });

describe.skipIf(!!kernelSkipReason)('new kinds, through the kernel', () => {
  let ns = '';
  let client: NetlinkClient;
  let ifindex: Map<string, number>;

  beforeAll(async () => {
    ns = createNetns('kinds');
    ipn(ns, 'link', 'add', 'br0', 'type', 'bridge');
    ipn(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ipn(ns, 'link', 'set', 'v0', 'master', 'br0');
    for (const dev of ['br0', 'v0', 'v1']) ipn(ns, 'link', 'set', dev, 'up');
    client = await NetlinkClient.open({ netns: ns });
    ifindex = new Map((await client.links.list()).map((l) => [l.name, l.index]));
  });
  afterAll(async () => {
    await client?.close();
  });

  it('bridge FDB: added, seen by bridge, listed, got and deleted', async () => {
    await client.bridge.fdb.add({ dev: 'v0', lladdr: '02:00:00:00:00:aa', master: true, state: 'static' });
    const seen = json(ns, 'bridge', 'fdb', 'show', 'dev', 'v0').find((e) => e.mac === '02:00:00:00:00:aa');
    expect(seen).toMatchObject({ master: 'br0', state: 'static' });
    execFileSync('bridge', ['-n', ns, 'fdb', 'add', '02:00:00:00:00:bb', 'dev', 'v0', 'master', 'permanent']);
    const mine = await client.bridge.fdb.list({ where: (e) => e.ifindex === ifindex.get('v0') });
    // Every entry bridge shows for v0, the client lists, with its master and state.
    const shown = json(ns, 'bridge', 'fdb', 'show', 'dev', 'v0');
    expect(mine.map((e) => e.lladdr).sort()).toEqual(shown.map((e) => e.mac).sort());
    const bb = await client.bridge.fdb.get({ dev: 'v0', lladdr: '02:00:00:00:00:BB' });
    expect(bb).toMatchObject({ family: 7, master: ifindex.get('br0'), stateNames: ['permanent'] });
    await client.bridge.fdb.delete({ dev: 'v0', lladdr: '02:00:00:00:00:aa', master: true });
    await client.bridge.fdb.delete({ dev: 'v0', lladdr: '02:00:00:00:00:bb', master: true });
    expect(json(ns, 'bridge', 'fdb', 'show', 'dev', 'v0').map((e) => e.mac)).not.toEqual(expect.arrayContaining(['02:00:00:00:00:aa']));
    await expect(client.bridge.fdb.get({ dev: 'v0', lladdr: '02:00:00:00:00:bb' })).rejects.toThrow(/Object not found/);
  });

  it('bridge MDB: added, seen by bridge, listed and deleted', async () => {
    await client.bridge.mdb.add({ dev: 'br0', port: 'v0', group: '239.1.1.1', permanent: true });
    execFileSync('bridge', ['-n', ns, 'mdb', 'add', 'dev', 'br0', 'port', 'v0', 'grp', 'ff0e::5', 'permanent']);
    const shown = (json(ns, 'bridge', 'mdb', 'show')[0].mdb as Json[]).filter((e) => e.port === 'v0');
    const [mdb] = await client.bridge.mdb.list();
    expect(mdb.ifindex).toBe(ifindex.get('br0'));
    const mine = mdb.entries.filter((e) => e.port === ifindex.get('v0'));
    expect(mine.map((e) => [e.group, e.state]).sort()).toEqual(shown.map((e) => [e.grp, e.state]).sort());
    // Beside the kernel's own (temp) entries of what the port joined.
    expect(mine.filter((e) => e.state === 'permanent').map((e) => e.group).sort()).toEqual(['239.1.1.1', 'ff0e::5']);
    await client.bridge.mdb.delete({ dev: 'br0', port: 'v0', group: '239.1.1.1' });
    await client.bridge.mdb.delete({ dev: 'br0', port: 'v0', group: 'ff0e::5' });
    expect((json(ns, 'bridge', 'mdb', 'show')[0]?.mdb as Json[] | undefined ?? []).filter((e) => e.port === 'v0' && e.state === 'permanent')).toEqual([]);
  });

  it('netconf: what ip netconf shows, after the sysctls changed', async () => {
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.v0.rp_filter=2', 'net.ipv4.conf.v0.forwarding=1']);
    const v0 = await client.netconf.get({ dev: 'v0' });
    expect(v0).toMatchObject({ family: 2, ifindex: ifindex.get('v0'), forwarding: 1, rpFilter: 2 });
    const shown = json(ns, 'ip', 'netconf', 'show');
    const mine = await client.netconf.list();
    const name = (i: number): string => (i === -1 ? 'all' : i === -2 ? 'default' : [...ifindex].find(([, x]) => x === i)?.[0] ?? String(i));
    const family = (f: number): string => (f === 2 ? 'inet' : f === 10 ? 'inet6' : String(f));
    expect(mine.map((n) => `${family(n.family)} ${name(n.ifindex)} ${n.forwarding === 1}`).sort())
      .toEqual(shown.map((n) => `${String(n.family)} ${String(n.interface)} ${String(n.forwarding)}`).sort());
    expect((await client.netconf.list({ family: 'inet6' })).every((n) => n.family === 10)).toBe(true);
  });

  it('xfrm policies: added with a template, seen by ip xfrm, listed and deleted', async () => {
    await client.xfrm.sp.add({
      dir: 'out', selector: { src: '10.0.0.1/32', dst: '10.0.0.2/32', protocol: 6, dstPort: 443 }, priority: 5,
      templates: [{ src: '10.0.0.1', dst: '10.0.0.2', protocol: 'esp', mode: 'tunnel', reqid: 7 }],
    });
    const shown = text(ns, 'xfrm', 'policy', 'show');
    expect(shown).toMatch(/src 10\.0\.0\.1\/32 dst 10\.0\.0\.2\/32 proto tcp dport 443\s+dir out priority 5/);
    expect(shown).toMatch(/tmpl src 10\.0\.0\.1 dst 10\.0\.0\.2\s+proto esp reqid 7 mode tunnel/);
    const [sp] = await client.xfrm.sp.list();
    expect(sp).toMatchObject({ dir: 'out', action: 'allow', priority: 5, selector: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 6, dstPort: 443 } });
    await client.xfrm.sp.delete({ dir: 'out', selector: { src: '10.0.0.1/32', dst: '10.0.0.2/32', protocol: 6, dstPort: 443 } });
    expect(text(ns, 'xfrm', 'policy', 'show')).toBe('');
    // This kernel has no ESP: the SA is refused, as `ip xfrm state add` is.
    const e = await client.xfrm.sa.add({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 'esp', spi: 0x100, crypt: { name: 'cbc(aes)', key: `0x${'22'.repeat(16)}` } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NlError);
    expect((e as NlError).message).toMatch(/Requested type not found/);
  });

  it('ingress and clsact qdiscs: added, seen by tc, deleted', async () => {
    await client.qdiscs.add({ dev: 'v1', parent: 'ingress', kind: 'ingress' });
    await client.qdiscs.add({ dev: 'br0', parent: 'clsact', kind: 'clsact' });
    expect(json(ns, 'tc', 'qdisc', 'show', 'dev', 'v1').find((q) => q.kind === 'ingress')).toMatchObject({ handle: 'ffff:', parent: 'ffff:fff1' });
    expect(json(ns, 'tc', 'qdisc', 'show', 'dev', 'br0').find((q) => q.kind === 'clsact')).toMatchObject({ handle: 'ffff:', parent: 'ffff:fff1' });
    expect(await client.qdiscs.get({ dev: 'br0', parent: 'clsact', handle: 'ffff:' })).toMatchObject({ kind: 'clsact' });
    // A u32 filter at clsact's ingress hook (ffff:fff2).
    await client.classifiers.add({ dev: 'br0', parent: 'ffff:fff2', kind: 'u32', prio: 1, match: { dst: '10.9.0.0/16' } });
    expect(json(ns, 'tc', 'filter', 'show', 'dev', 'br0', 'ingress').some((f) => f.kind === 'u32')).toBe(true);
    await client.qdiscs.delete({ dev: 'v1', parent: 'ingress', kind: 'ingress' });
    await client.qdiscs.delete({ dev: 'br0', parent: 'clsact', kind: 'clsact' });
    expect(json(ns, 'tc', 'qdisc', 'show', 'dev', 'v1').some((q) => q.kind === 'ingress')).toBe(false);
    expect(json(ns, 'tc', 'qdisc', 'show', 'dev', 'br0').some((q) => q.kind === 'clsact')).toBe(false);
  });

  it('options of another kind, a misspelt field and a kind without a module are refused by name, before the kernel', async () => {
    await expect(client.links.add({ name: 'x0', kind: 'dummy', vlan: { link: 'v0', id: 5 } })).rejects.toThrow(/spec\.vlan is for vlan links, not dummy/);
    await expect(client.links.add({ name: 'x0', kind: 'vlan' })).rejects.toThrow(/spec\.vlan is required for a vlan link/);
    await expect(client.links.add({ name: 'x0', kind: 'vlan', vlan: { link: 'v0', id: 5000 } })).rejects.toThrow(/spec\.vlan\.id must be an integer in 1\.\.4094/);
    await expect(client.bridge.fdb.add({ dev: 'v0', lladdr: '02:00:00:00:00:aa', stat: 'static' } as never)).rejects.toThrow(/no field "stat" \(did you mean "state"\?\)/);
    await expect(client.classifiers.add({ dev: 'v0', parent: '1:', kind: 'fw', match: { dst: '10.0.0.0/8' } })).rejects.toThrow(/spec\.match is not for fw classifiers/);
    await expect(client.classifiers.add({ dev: 'v0', parent: '1:', kind: 'basic', actions: [{ kind: 'gact', dev: 'v1' }] }))
      .rejects.toThrow(/spec\.actions\[0\]\.dev is not for gact actions/);
    await expect(client.xfrm.sp.add({ dir: 'out', selector: { src: '10.0.0.1/32', dst: '2001:db8::1/128' } })).rejects.toThrow(/different address families/);
    expect(text(ns, 'link', 'show').includes('x0')).toBe(false);
  });
});
