/**
 * The layouts the host translates with (ts/host/generated/abi_layout.ts) are
 * what the compilers say today: measured again from wasm/abi_layout.c, both
 * ways, and compared; and they are the layouts docs/measured-facts.md lists.
 */
import { describe, expect, it } from 'vitest';
import { measureAbiLayouts } from '../../dist/gen/abi_layout.js';
import { NATIVE, WASM32 } from '../../dist/host/generated/abi_layout.js';
import { packageRoot } from '../../dist/host/paths.js';

describe('ABI layouts', () => {
  it('match what both compilers measure now', async () => {
    const now = await measureAbiLayouts(packageRoot);
    expect(WASM32).toEqual(now.wasm32);
    expect(NATIVE).toEqual(now.native);
  });

  it('are the documented wasm32 and x86_64 layouts', () => {
    const offsets = (s: Record<string, unknown>, fields: string[]): number[] =>
      fields.map((f) => (s[f] as { offset: number }).offset);
    const msghdr = ['msg_name', 'msg_namelen', 'msg_iov', 'msg_iovlen', 'msg_control', 'msg_controllen', 'msg_flags'];
    expect([WASM32.msghdr.size, ...offsets(WASM32.msghdr, msghdr)]).toEqual([28, 0, 4, 8, 12, 16, 20, 24]);
    expect([NATIVE.msghdr.size, ...offsets(NATIVE.msghdr, msghdr)]).toEqual([56, 0, 8, 16, 24, 32, 40, 48]);
    expect([WASM32.iovec.size, WASM32.iovec.iov_len.offset, NATIVE.iovec.size, NATIVE.iovec.iov_len.offset]).toEqual([8, 4, 16, 8]);
    expect([WASM32.cmsg.data.offset, WASM32.cmsg.align.size, NATIVE.cmsg.data.offset, NATIVE.cmsg.align.size]).toEqual([12, 4, 16, 8]);
    expect([WASM32.timeval.size, NATIVE.timeval.size, WASM32.pollfd.size, NATIVE.pollfd.size]).toEqual([8, 16, 8, 8]);
  });
});
