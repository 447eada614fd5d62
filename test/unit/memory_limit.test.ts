/**
 * memoryLimit caps an instance's memory: past it malloc() fails as it does
 * natively when memory runs out (libnl returns NULL or NLE_NOMEM), and the
 * instance goes on. The fuzzer relies on it to end libnl's runaway loops.
 */
import { describe, expect, it } from 'vitest';
import { Libnl, openLibnl } from '../../dist/index.js';

describe('memoryLimit', () => {
  it('an allocation past the limit fails cleanly; smaller ones still work', () => {
    using lib = openLibnl({ memoryLimit: 32 * 2 ** 20 });
    expect(lib.nlmsg_alloc_size(64 * 2 ** 20)).toBeNull();
    using msg = lib.nlmsg_alloc_size(4 * 2 ** 20);
    expect(msg).not.toBeNull();
  });

  it('a spawned instance takes the same limit', async () => {
    await using lib = await Libnl.spawn({ memoryLimit: 32 * 2 ** 20 });
    expect(await lib.nlmsg_alloc_size(64 * 2 ** 20)).toBeNull();
    const msg = await lib.nlmsg_alloc_size(4 * 2 ** 20);
    expect(msg).not.toBeNull();
    await lib.release(msg);
  });

  it('without one an instance may grow past it', () => {
    using lib = openLibnl();
    using msg = lib.nlmsg_alloc_size(64 * 2 ** 20);
    expect(msg).not.toBeNull();
  });
});
