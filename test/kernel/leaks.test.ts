/**
 * Leak check, short form (bench/leaks.ts runs 10,000 and 1,000 cycles and
 * prints slopes): socket cycles in one instance and Libnl.spawn/close
 * cycles leave no descriptor, thread, handle or wasm memory behind.
 */
import { describe, expect, it } from 'vitest';
import { ipn, kernelSkipReason, withNetns } from '../helpers/netns.js';
import { openFds, settleThreads, threads } from '../helpers/process_stats.js';
import { socketCycle, spawnCycle } from '../helpers/leak_cycles.js';
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';

describe.skipIf(!!kernelSkipReason)('leaks', () => {
  it('socket cycles: no fd, handle or heap growth after warm-up', async () => {
    await withNetns('lk', (ns) => {
      ipn(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      const core = new LibnlCore({ netns: ns });
      const lib = libnlApi(core);
      try {
        for (let i = 0; i < 100; i++) socketCycle(lib);
        const fds = openFds();
        const memory = core.runtime.memory.buffer.byteLength;
        for (let i = 0; i < 400; i++) expect(socketCycle(lib)).toBe(3);
        expect(openFds()).toBe(fds);
        expect(core.runtime.memory.buffer.byteLength).toBe(memory);
        expect(lib.liveHandles()).toBe(0);
        expect(core.runtime.process.sockets.count).toBe(0);
      } finally {
        lib.close();
      }
    });
  });

  it('Libnl.spawn/close cycles: no thread or fd left behind', async () => {
    await withNetns('ls', async (ns) => {
      await spawnCycle(ns);
      const baseThreads = threads();
      const baseFds = openFds();
      for (let i = 0; i < 20; i++) expect(await spawnCycle(ns)).toBe(1);
      expect(await settleThreads(baseThreads)).toBe(baseThreads);
      expect(openFds()).toBe(baseFds);
    });
  }, 120_000);
});
