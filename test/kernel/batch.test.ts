/**
 * client.batch() against the kernel, each test in its own namespace: every
 * request taken from `ops` is applied or listed with its error, whatever
 * happens: refusals in the middle (EEXIST, a gateway the kernel rejects),
 * stopOnError, close() in the middle of a batch, batches far larger than
 * the socket buffers, a datagram's worth of refusals at once, requests of
 * every kind. What the kernel holds afterwards is read with iproute2.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { Cancelled, NetlinkClient, NlError, type BatchOp, type BatchProgress } from '../../dist/index.js';

function ip(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** Routes of the main table through the test's gateway, as iproute2 sees them. */
function gatewayRoutes(ns: string): string[] {
  return ip(ns, 'route', 'show').split('\n').filter((l) => l.includes('via 10.0.0.2')).map((l) => l.split(' ')[0]);
}

const route = (dst: string, gateway = '10.0.0.2'): BatchOp => ({ op: 'add', kind: 'route', spec: { dst, gateway } });
const host = (i: number): string => `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

function* routes(n: number, first = 0): Generator<BatchOp> {
  for (let i = first; i < first + n; i++) yield route(`${host(i)}/32`);
}

describe.skipIf(!!kernelSkipReason)('client.batch()', () => {
  let ns = '';
  let client: NetlinkClient;

  beforeEach(async () => {
    ns = createNetns('batch');
    ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ip(ns, 'link', 'set', 'v0', 'up');
    ip(ns, 'link', 'set', 'v1', 'up');
    ip(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    client = await NetlinkClient.open({ netns: ns });
  });
  afterEach(async () => {
    await client?.close();
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  it('reports exactly the refused requests and applies the rest', async () => {
    ip(ns, 'route', 'add', '10.9.0.5/32', 'via', '10.0.0.2');
    const ops: BatchOp[] = [...routes(100)];
    ops.splice(30, 0, route('10.9.0.5/32'));                    // exists: EEXIST
    ops.splice(70, 0, route('10.9.0.6/32', '192.0.2.1'));         // no route to that gateway
    ops.splice(90, 0, { op: 'add', kind: 'route', spec: { dst: '10.9.0.7/32', gatway: '10.0.0.2' } } as unknown as BatchOp);
    const progress: BatchProgress[] = [];
    const r = await client.batch(ops, { onProgress: (p) => progress.push(p) });
    expect(r.errors.map((e) => e.index)).toEqual([30, 70, 90]);
    expect(r.applied).toBe(100);
    expect(r.stopped).toBeUndefined();
    const [exists, gateway, typo] = r.errors.map((e) => e.error as NlError);
    expect(exists).toBeInstanceOf(NlError);
    expect(exists.nleName).toBe('NLE_EXIST');
    expect(gateway).toBeInstanceOf(NlError);
    expect(gateway.extAck?.message).toMatch(/gateway/i);
    expect(typo.nleName).toBe('NLE_INVAL');
    expect(typo.message).toMatch(/no field "gatway" \(did you mean "gateway"\?\)/);
    expect(r.errors.every((e) => e.op === 'add' && e.kind === 'route')).toBe(true);
    expect(gatewayRoutes(ns).filter((d) => d.startsWith('10.100.')).length).toBe(100);
    expect(gatewayRoutes(ns)).not.toContain('10.9.0.6');
    expect(progress.at(-1)).toEqual({ done: 103, applied: 100, failed: 3 });
  });

  it('stopOnError stops at the first refusal: nothing after it is applied, and what was taken is listed', async () => {
    ip(ns, 'route', 'add', `${host(40)}/32`, 'via', '10.0.0.2');
    let taken = 0;
    const ops = (function* counted() {
      for (const op of routes(2000)) {
        taken++;
        yield op;
      }
    })();
    const r = await client.batch(ops, { stopOnError: true });
    expect(r.stopped).toBe('error');
    expect(r.applied).toBe(40);
    expect([r.errors[0].index, (r.errors[0].error as NlError).nleName]).toEqual([40, 'NLE_EXIST']);
    expect(r.errors.slice(1).every((e) => e.error instanceof Cancelled)).toBe(true);
    expect(r.errors.map((e) => e.index)).toEqual([...Array(taken - 40).keys()].map((i) => i + 40));
    expect(taken).toBeLessThan(2000);
    expect(gatewayRoutes(ns).length).toBe(41);
  });

  it('close() in the middle: every request taken is applied or listed as cancelled', async () => {
    let taken = 0;
    async function* slowly(): AsyncGenerator<BatchOp> {
      for (let i = 0; i < 200_000; i++) {
        taken++;
        yield route(`${host(i)}/32`);
      }
    }
    let closing: Promise<void> | undefined;
    const r = await client.batch(slowly(), {
      onProgress: (p) => {
        if (p.done >= 5000 && !closing) closing = client.close();
      },
    });
    await closing;
    expect(r.stopped).toBe('closed');
    const inKernel = gatewayRoutes(ns).length;
    expect(r.applied).toBe(inKernel);
    expect(r.applied).toBeGreaterThanOrEqual(5000);
    expect(r.applied).toBeLessThan(200_000);
    // Taken from the generator and not applied: each listed, cancelled.
    expect(r.applied + r.errors.length).toBe(taken);
    expect(r.errors.every((e) => e.error instanceof Cancelled)).toBe(true);
  }, 120_000);

  it('loses nothing in a batch far larger than the socket buffers, nor among a datagram of refusals', async () => {
    const r = await client.batch(routes(60_000));
    expect(r).toEqual({ applied: 60_000, errors: [] });
    expect(gatewayRoutes(ns).length).toBe(60_000);
    // Every one again: each refused (EEXIST), hundreds of refusals in each datagram.
    const again = await client.batch(routes(3000));
    expect(again.applied).toBe(0);
    expect(again.errors.map((e) => e.index)).toEqual([...Array(3000).keys()]);
    expect(again.errors.every((e) => (e.error as NlError).nleName === 'NLE_EXIST')).toBe(true);
  }, 120_000);

  it('takes requests of every kind, in order, and deletes as it adds', async () => {
    const r = await client.batch([
      { op: 'add', kind: 'link', spec: { name: 'br0', kind: 'bridge', up: true } },
      { op: 'change', kind: 'link', spec: { dev: 'v1', master: 'br0', mtu: 1400 } },
      { op: 'add', kind: 'address', spec: { dev: 'br0', local: '10.7.0.1/24' } },
      { op: 'add', kind: 'route', spec: { dst: '10.8.0.0/16', gateway: '10.7.0.2' } },
      { op: 'add', kind: 'neighbour', spec: { dev: 'br0', dst: '10.7.0.9', lladdr: '02:00:00:00:00:09' } },
      { op: 'add', kind: 'rule', spec: { priority: 1000, table: 100 } },
      { op: 'add', kind: 'qdisc', spec: { dev: 'v0', parent: 'root', handle: '1:', kind: 'htb' } },
      { op: 'add', kind: 'class', spec: { dev: 'v0', parent: '1:', classid: '1:10', kind: 'htb', options: { rate: 125000 } } },
      { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: '1:', kind: 'u32', prio: 1, classid: '1:10', match: { dst: '10.8.0.0/16' } } },
      { op: 'delete', kind: 'route', spec: { dst: '10.8.0.0/16' } },
      { op: 'delete', kind: 'link', spec: { dev: 'nosuch0' } },
    ]);
    expect(r.errors.map((e) => [e.index, e.kind, e.op, (e.error as NlError).nleName])).toEqual([[10, 'link', 'delete', 'NLE_NODEV']]);
    expect(r.applied).toBe(10);
    const v1 = JSON.parse(ip(ns, '-j', 'link', 'show', 'v1'))[0] as { master?: string; mtu: number };
    expect(v1).toMatchObject({ master: 'br0', mtu: 1400 });
    expect(ip(ns, 'addr', 'show', 'dev', 'br0')).toContain('10.7.0.1/24');
    expect(ip(ns, 'route', 'show', '10.8.0.0/16')).toBe('');
    expect(ip(ns, 'neigh', 'show', 'dev', 'br0')).toContain('10.7.0.9');
    expect(ip(ns, 'rule', 'show')).toMatch(/^1000:.*lookup 100/m);
    expect(execFileSync('ip', ['netns', 'exec', ns, 'tc', 'filter', 'show', 'dev', 'v0'], { encoding: 'utf8' })).toContain('flowid 1:10');
  });

  it('refuses what is not a request, by index, and goes on', async () => {
    const r = await client.batch([
      null, { op: 'add', kind: 'tunnel', spec: {} }, { op: 'rename', kind: 'route', spec: {} },
      { op: 'change', kind: 'rule', spec: { priority: 1 } }, route('10.10.0.0/16'),
    ] as unknown as BatchOp[]);
    expect(r.errors.map((e) => [e.index, (e.error as NlError).nleName])).toEqual([
      [0, 'NLE_INVAL'], [1, 'NLE_INVAL'], [2, 'NLE_INVAL'], [3, 'NLE_INVAL'],
    ]);
    expect(r.applied).toBe(1);
  });
});
