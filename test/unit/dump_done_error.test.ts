/**
 * nlwasm_dump_export (wasm/object_export.c) against the fake kernel: a dump
 * whose NLMSG_DONE carries an error (the kernel's -errno) fails with that
 * error, after the objects that came before it. libnl 3.7 by itself takes
 * any NLMSG_DONE for the end of a complete dump.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nativeHost } from '../../dist/host/native.js';
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';
import { PlainDataDecoder } from '../../dist/api/plain_data.js';
import { NETLINK_ROUTE, RTM_NEWROUTE } from '../../dist/libnl/generated/constants.js';
import { FakeKernel } from '../helpers/fake_kernel.js';
import { attr, concat, doneMessage, headers, message, NLM_F_MULTI, u32 } from '../helpers/netlink_bytes.js';

// linux/rtnetlink.h, linux/errno.h, netlink/errno.h
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_TABLE = 15;
const EMSGSIZE = 90;
const EINVAL = 22;
const NLE_INVAL = 7;
const NLE_MSGSIZE = 9;

/** RTM_NEWROUTE for 10.0.0.<n>/32 in the main table, out of ifindex 1. */
function route(n: number): Uint8Array {
  const rtmsg = new Uint8Array([2, 32, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0]);
  return message(RTM_NEWROUTE, NLM_F_MULTI, concat([
    rtmsg, attr(RTA_TABLE, u32(254)), attr(RTA_DST, new Uint8Array([10, 0, 0, n])), attr(RTA_OIF, u32(1)),
  ]));
}

const kernel = new FakeKernel(nativeHost());
const core = new LibnlCore({ host: kernel, stdout: () => undefined, stderr: () => undefined });
const lib = libnlApi(core);
afterAll(() => lib.close());

/** Dumps route/route from a kernel that answers with `datagrams`: the result and the routes' destinations. */
function dump(datagrams: Uint8Array[]): { result: number; dsts: unknown[] } {
  kernel.reset(() => datagrams.map((bytes) => ({ bytes, patch: headers(bytes).map((h) => h.offset) })));
  const rt = core.runtime;
  const sk = lib.nl_socket_alloc();
  lib.nl_connect(sk, NETLINK_ROUTE);
  const decoder = new PlainDataDecoder();
  const dsts: unknown[] = [];
  const emit = rt.addFunction(((ptr: number, len: number) => {
    const batch = decoder.decode(new Uint8Array(rt.memory.buffer, ptr >>> 0, len >>> 0).slice());
    for (const o of batch) dsts.push((o as { dst?: unknown }).dst);
  }) as never, ['i32', 'i32', 'i32', 'i32'], null);
  const type = rt.allocString('route/route');
  try {
    const result = rt.process.call('nlwasm_dump_export', rt.unwrap(sk, 'nl_sock', 'dump'), type, 2, 0, 0,
      emit, 0, 32768) as number;
    return { result, dsts };
  } finally {
    rt.freePointer(type);
    rt.removeFunction(emit);
    lib.nl_socket_free(sk);
  }
}

describe('a dump that ends in NLMSG_DONE', () => {
  it('without an error is complete', () => {
    expect(dump([concat([route(1), route(2)]), doneMessage()])).toEqual({ result: 0, dsts: ['10.0.0.1', '10.0.0.2'] });
  });

  it('with -EMSGSIZE (an object too large for a datagram) fails with NLE_MSGSIZE, after what came before', () => {
    expect(dump([concat([route(1), route(2)]), doneMessage(0, 0, -EMSGSIZE)]))
      .toEqual({ result: -NLE_MSGSIZE, dsts: ['10.0.0.1', '10.0.0.2'] });
  });

  it('with another error fails with libnl\'s code for it', () => {
    expect(dump([doneMessage(0, 0, -EINVAL)])).toEqual({ result: -NLE_INVAL, dsts: [] });
  });
});
