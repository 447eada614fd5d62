/**
 * Lifecycles with both cores busy: spawn/call/close cycles of the 1:1 API,
 * calls and closes of the typed client, and namespace views made, used
 * (a listing and a watched change) and closed, hundreds of times (the
 * bench's namespaces scenario runs the 1,000 and times them). Every
 * wait has no timeout to fall back on (docs/decisions/call-channel.md), so
 * a lost wake-up would hang here, and the test's own timeout would report
 * it. After a warm-up, the cycles leave no descriptor, thread, socket or
 * namespace behind, and the instance's memory does not grow.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';
import { underLoad } from '../helpers/cpu_load.js';
import { openFds, settleThreads, threads } from '../helpers/process_stats.js';
import { viewCycle } from '../helpers/leak_cycles.js';
import { Libnl, NetlinkClient } from '../../dist/index.js';

describe.skipIf(!!kernelSkipReason)('lifecycles under load', () => {
  it('100 Libnl.spawn() / call / close cycles end, every one', async () => {
    await withNetns('lcs', (ns) => underLoad(async () => {
      for (let i = 0; i < 100; i++) {
        const lib = await Libnl.spawn({ netns: ns });
        const sk = await lib.nl_socket_alloc();
        await lib.nl_socket_free(sk);
        await lib.close();
      }
    }));
  }, 300_000);

  it('a client answers thousands of calls and closes, with both cores busy', async () => {
    await withNetns('lcc', (ns) => underLoad(async () => {
      for (let round = 0; round < 5; round++) {
        const client = await NetlinkClient.open({ netns: ns });
        for (let i = 0; i < 400; i++) expect((await client.links.list()).length).toBe(1);
        await client.close();
      }
    }));
  }, 300_000);

  it('a program that exits with its client, views and watchers open ends at once', async () => {
    await withNetns('lce', (ns) => {
      const script = `
        import { NetlinkClient } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
        const client = await NetlinkClient.open({ netns: ${JSON.stringify(ns)} });
        const view = await client.netns(${JSON.stringify(ns)});
        await view.watch(['link']);
        await client.watch(['route']);
        await client.links.list();
        process.exit(7);`;
      for (let i = 0; i < 10; i++) {
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
        expect([r.status, r.signal, r.stderr]).toEqual([7, null, '']);
      }
    });
  }, 120_000);

  it('300 namespace views made, used and closed leave nothing behind', async () => {
    await withNetns('lcv', async (ns) => {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
      const client = await NetlinkClient.open();
      try {
        let n = 0;
        const cycle = async (): Promise<void> => {
          expect(await viewCycle(client, ns, n++)).toEqual({ names: ['lo', 'v0', 'v1'], eventNetns: ns });
        };
        for (let i = 0; i < 50; i++) await cycle();
        const before = { fds: openFds(), threads: threads(), stats: await client.stats() };
        await underLoad(async () => {
          for (let i = 0; i < 250; i++) await cycle();
        });
        expect(openFds()).toBe(before.fds);
        expect(await settleThreads(before.threads)).toBe(before.threads);
        expect(await client.stats()).toEqual(before.stats);
      } finally {
        await client.close();
      }
    });
  }, 600_000);
});
