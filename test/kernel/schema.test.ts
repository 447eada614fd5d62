/**
 * The exported objects against their schemas: one object (or more) of every
 * kind the registry has, made in a private namespace and listed through the
 * client, must have exactly the schema's fields, each of its kind (what
 * wasm/object_export.c writes and what the kind's descriptor, and through
 * its type the public interface, say must agree). The kernel here has no
 * xfrm SAs, so an SA comes from the fuzz corpus's synthetic dump, exported
 * by the same C code. (Netconf objects come with every namespace; bridge
 * FDB and MDB entries and a clsact qdisc are added here.) A misspelt spec
 * field is refused by name for every request of every kind.
 */
import { readFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { FakeKernel } from '../helpers/fake_kernel.js';
import { pristineFill, type Corpus } from '../helpers/fuzz_cases.js';
import { NetlinkClient, NlError, openLibnl, NETLINK_XFRM } from '../../dist/index.js';
import { KINDS, type AnyKind } from '../../dist/api/kinds/index.js';
import { problems, type FieldBase } from '../../dist/api/schema.js';
import { exportObject } from '../../dist/api/exported_object.js';
import { decodeObject } from '../../dist/api/plain_data.js';
import { nativeHost } from '../../dist/host/native.js';
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';

const kinds = Object.values(KINDS) as unknown as AnyKind[];

function schemaProblems(d: AnyKind, objects: unknown[]): string[] {
  return objects.flatMap((o, i) => problems(d.object as unknown as Record<string, FieldBase>, o, `${d.name}[${i}]`));
}

function sh(ns: string, ...args: string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
}

describe('exported objects and their schemas', () => {
  it('the check finds a missing field, an unknown one and a value of the wrong kind', () => {
    const route = KINDS.route.object as unknown as Record<string, FieldBase>;
    const good = { family: 2, table: 254, protocol: 'boot', scope: 'universe', type: 'unicast', priority: 0, tos: 0, flags: 0, metrics: {}, nexthops: [] };
    expect(problems(route, good, 'r')).toEqual([]);
    const { table: _, ...missing } = good;
    expect(problems(route, missing, 'r')).toEqual(['r.table is required']);
    expect(problems(route, { ...good, tabel: 1 }, 'r')[0]).toMatch(/no field "tabel"/);
    expect(problems(route, { ...good, nexthops: [{ ifindex: 'eth0', weight: 1, flags: 0 }] }, 'r')[0]).toMatch(/nexthops\[0\]\.ifindex must be an integer/);
  });

  it('an SA of the corpus, parsed and exported by libnl.wasm, has its schema', () => {
    const corpus = JSON.parse(readFileSync('test/fuzz-corpus/corpus.json', 'utf8')) as Corpus;
    const fill = pristineFill(corpus, 'xfrm/sa');
    const kernel = new FakeKernel(nativeHost());
    const core = new LibnlCore({ host: kernel, stdout: () => undefined, stderr: () => undefined });
    const lib = libnlApi(core);
    try {
      kernel.reset((req) => (req.index === 0 && fill.kind === 'fill' ? fill.answer : undefined));
      const sk = lib.nl_socket_alloc();
      lib.nl_connect(sk, NETLINK_XFRM);
      const cache = lib.xfrmnl_sa_alloc_cache(sk);
      const sas: unknown[] = [];
      for (let o = lib.nl_cache_get_first(cache); o; o = lib.nl_cache_get_next(o)) {
        const data = exportObject(core.runtime, o.ptr);
        if (data) sas.push(decodeObject(data));
      }
      expect(sas.length).toBeGreaterThan(0);
      expect(schemaProblems(KINDS['xfrm-sa'] as unknown as AnyKind, sas)).toEqual([]);
    } finally {
      lib.close();
    }
  });
});

describe.skipIf(!!kernelSkipReason)('exported objects of every kind, from the kernel', () => {
  let ns = '';
  let client: NetlinkClient;
  let listener: ReturnType<typeof spawn> | undefined;

  beforeAll(async () => {
    ns = createNetns('schema');
    sh(ns, 'ip', 'link', 'set', 'lo', 'up');
    client = await NetlinkClient.open({ netns: ns });
    await client.links.add({ name: 'br0', kind: 'bridge', up: true });
    await client.links.add({ name: 'v0', kind: 'veth', peer: { name: 'v1' }, master: 'br0', up: true });
    await client.links.add({ name: 'vx0', kind: 'vxlan', vxlan: { id: 9, local: '10.0.0.1', port: 4789, learning: true } });
    await client.links.add({ name: 'mv0', kind: 'macvlan', macvlan: { link: 'v1', mode: 'bridge' } });
    await client.addresses.add({ dev: 'br0', local: '10.0.0.1/24' });
    await client.addresses.add({ dev: 'br0', local: '2001:db8::1/64' });
    await client.routes.add({ dst: '10.1.0.0/16', gateway: '10.0.0.2', metrics: { mtu: 1400 } });
    await client.routes.add({ dst: '10.2.0.0/16', nexthops: [{ gateway: '10.0.0.2', weight: 1 }, { gateway: '10.0.0.3', weight: 3 }] });
    await client.neighbours.add({ dev: 'br0', dst: '10.0.0.9', lladdr: '02:00:00:00:00:09' });
    await client.rules.add({ priority: 100, table: 100, src: '10.0.0.0/24' });
    await client.qdiscs.add({ dev: 'v0', parent: 'root', handle: '1:', kind: 'htb', options: { defaultClass: '1:10' } });
    await client.classes.add({ dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: 125000 } });
    await client.classifiers.add({ dev: 'v0', parent: '1:', kind: 'u32', prio: 1, classid: '1:10', match: { dst: '10.1.0.0/16' } });
    await client.qdiscs.add({ dev: 'v1', parent: 'root', kind: 'tbf', options: { rate: 125000, burst: 10000, limit: 10000 } });
    await client.conntrack.add({ protocol: 'tcp', orig: { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 1000, dstPort: 80 }, timeout: 60 });
    await client.xfrm.sp.add({ dir: 'out', selector: { src: '10.0.0.1/32', dst: '10.0.0.2/32' }, priority: 5 });
    await client.bridge.fdb.add({ dev: 'v0', lladdr: '02:00:00:00:00:0a', master: true, state: 'static' });
    await client.bridge.mdb.add({ dev: 'br0', port: 'v0', group: '239.1.1.1', permanent: true });
    await client.qdiscs.add({ dev: 'br0', parent: 'clsact', kind: 'clsact' });
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e',
      'require("net").createServer().listen(7777, "127.0.0.1", () => console.log("up"))'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => listener?.stdout?.once('data', resolve));
  });
  afterAll(async () => {
    listener?.kill();
    await client?.close();
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  it.each(kinds.filter((d) => d.name !== 'xfrm-sa').map((d) => [d.name, d] as const))('%s', async (_name, d) => {
    const api = d.property.split('.').reduce<Record<string, unknown>>((at, p) => at[p] as Record<string, unknown>, client as unknown as Record<string, unknown>);
    const objects = await (api.list as () => Promise<unknown[]>)();
    expect(objects.length, `no ${d.name} to check`).toBeGreaterThan(0);
    expect(schemaProblems(d, objects)).toEqual([]);
  });

  it('a misspelt field of any request is refused by name, and nothing changes', async () => {
    // IPv4 only: IPv6 link-local routes come and go by themselves while addresses settle.
    const before = spawnSync('ip', ['-n', ns, '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout;
    for (const d of kinds) {
      for (const op of Object.keys(d.requests ?? {})) {
        const r = await client.batch([{ op, kind: d.name, spec: { mispelt: 1 } } as never]);
        expect(r.applied, `${d.name} ${op}`).toBe(0);
        expect(r.errors[0]?.error, `${d.name} ${op}`).toBeInstanceOf(NlError);
        expect(r.errors[0]?.error.message, `${d.name} ${op}`).toMatch(/no field "mispelt"/);
      }
    }
    expect(spawnSync('ip', ['-n', ns, '-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout).toBe(before);
  });
});
