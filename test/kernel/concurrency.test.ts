/**
 * Eight libnl instances in one process, each in its own worker thread,
 * dumping and changing the same namespace at once
 * (test/helpers/concurrency_worker.ts): every socket has its own port, every
 * request is answered on the socket that sent it, with its sequence number,
 * and the namespace ends up holding exactly what the instances left in it.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { ipn, kernelSkipReason, withNetns } from '../helpers/netns.js';
import type { ConcurrencyJob, ConcurrencyResult } from '../helpers/concurrency_worker.js';

const INSTANCES = 8;
const ROUNDS = 25;
const workerUrl = new URL('../helpers/concurrency_worker.ts', import.meta.url).href;

function run(job: ConcurrencyJob): Promise<ConcurrencyResult> {
  // The worker is TypeScript: it registers tsx's loader before importing it.
  const w = new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(workerUrl)}); });`,
    { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`instance ${job.index} exited (${code}) without a result`)));
  });
}

describe.skipIf(!!kernelSkipReason)('8 instances on one namespace at once', () => {
  it('no port collisions, no lost replies, every sequence number answered', async () => {
    await withNetns('cc', async (ns) => {
      ipn(ns, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1');
      ipn(ns, 'link', 'set', 'c0', 'up');
      ipn(ns, 'link', 'set', 'c1', 'up');
      const ifindex = (JSON.parse(spawnSync('ip', ['-n', ns, '-j', 'link', 'show', 'c0'], { encoding: 'utf8' }).stdout) as Array<{ ifindex: number }>)[0].ifindex;
      const results = await Promise.all(Array.from({ length: INSTANCES }, (_, index) => run({ ns, index, rounds: ROUNDS, ifindex })));

      const ports = results.flatMap((r) => r.ports);
      expect(ports).toHaveLength(2 * INSTANCES);
      expect(new Set(ports).size).toBe(ports.length);

      for (const r of results) {
        expect(Object.keys(r.sent).map(Number).sort()).toEqual([...r.ports].sort());
        for (const port of r.ports) {
          const sent = r.sent[port];
          expect(sent.length).toBeGreaterThan(ROUNDS);
          // Sequence numbers are unique per socket, and each got its answer there.
          expect(new Set(sent).size).toBe(sent.length);
          expect(new Set(r.answered[port])).toEqual(new Set(sent));
        }
      }

      const addrs = (JSON.parse(spawnSync('ip', ['-n', ns, '-j', '-4', 'addr', 'show', 'c0'], { encoding: 'utf8' }).stdout) as
        Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>)[0].addr_info.map((a) => `${a.local}/${a.prefixlen}`);
      expect(addrs.sort()).toEqual(results.flatMap((r) => r.kept).sort());
      const routes = spawnSync('ip', ['-n', ns, '-4', 'route', 'show', 'dev', 'c0'], { encoding: 'utf8' }).stdout;
      expect(routes).not.toMatch(/^10\.1\d\d\./m);
      console.log(`concurrency: ${ports.length} sockets, ${results.reduce((n, r) => n + Object.values(r.sent).flat().length, 0)} requests, ` +
        `${results.reduce((n, r) => n + r.dumpIntr, 0)} interrupted dumps retried`);
    });
  }, 120_000);
});
