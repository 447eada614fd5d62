/**
 * Fault injection: the same fault in a socket call gives the same result in
 * wasm as natively. test/programs/fault_dump.c runs natively under
 * fault_preload.so (LD_PRELOAD) and in wasm, in this thread, over a fault
 * host (test/helpers/fault_host.ts); both print what libnl returned. The
 * expectations written here are what libnl 3.7.0's source does (nl_recv(),
 * nl_recvmsgs(), nl_cache_mngr_poll()); the comparison with the native run
 * proves them. Then what has no native counterpart: a socket closed under a
 * blocked receive, and a receive timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipn, kernelSkipReason, withNetns } from '../helpers/netns.js';
import { faultHost, faultSpec, type Fault } from '../helpers/fault_host.js';
import { runNative } from '../../dist/compare/run.js';
import { packageRoot } from '../../dist/host/paths.js';
import { nativeHost } from '../../dist/host/native.js';
import { WasmProcess, loadModuleSync } from '../../dist/host/instance.js';
import { ProcessExit } from '../../dist/host/errors.js';
import { Libnl } from '../../dist/index.js';
import { NETLINK_ROUTE } from '../../dist/libnl/generated/constants.js';

const OK = 'dump: 0 Success, 3 links\nagain: 0 Success, 3 links\npoll: 0 (no error)\n';

/** What libnl does with each fault, from its source. */
const CASES: Array<{ fault: Fault; why: string; expect: RegExp | string; wasm?: { expect: string; why: string } }> = [
  { fault: { call: 'recvmsg', nth: 1, kind: 'EINTR' }, why: 'nl_recv() retries on EINTR', expect: OK },
  {
    fault: { call: 'recvmsg', nth: 1, kind: 'EAGAIN' },
    why: 'EAGAIN becomes NLE_AGAIN; the unread answer then meets the next request: NLE_SEQ_MISMATCH',
    expect: /^dump: -4 Try again, -1 links\nagain: -16 Message sequence number mismatch, -1 links\n/,
  },
  { fault: { call: 'recvmsg', nth: 1, kind: 'ENOBUFS' }, why: 'ENOBUFS (lost messages) becomes NLE_NOMEM', expect: /^dump: -5 Out of memory, -1 links\n/ },
  { fault: { call: 'recvmsg', nth: 1, kind: 'TRUNC' }, why: 'a peek that comes back truncated grows the buffer and reads again', expect: OK },
  {
    fault: { call: 'recvmsg', nth: 2, kind: 'TRUNC' },
    why: 'a read (not a peek) that is truncated loses the datagram: NLE_MSG_TRUNC, and the rest is out of step',
    expect: /^dump: -18 Kernel reported truncated message, -1 links\nagain: -16 Message sequence number mismatch, -1 links\n/,
  },
  { fault: { call: 'recvmsg', nth: 2, kind: 'DUMPINTR' }, why: 'NLM_F_DUMP_INTR: nl_cache_refill() clears the cache and dumps again', expect: OK },
  {
    fault: { call: 'poll', nth: 1, kind: 'EINTR' }, why: 'nl_cache_mngr_poll() reports poll()\'s EINTR', expect: /poll: -\d+ Interrupted system call\n$/,
    // Natively EINTR means a handler of the program ran. In wasm, the host's poll
    // ending with EINTR is a signal to the Node process, not to the program (whose
    // signals come through ts/host/signals.ts): poll() goes on, as Linux's does for
    // a signal the program does not catch.
    wasm: { expect: OK, why: 'a host EINTR with no signal of the program: poll goes on' },
  },
  { fault: { call: 'poll', nth: 1, kind: 'TIMEOUT' }, why: 'a poll timeout is 0, no error', expect: OK },
];

describe.skipIf(!!kernelSkipReason)('fault injection: wasm behaves as native libnl', () => {
  let dir = '';
  let prog = '';
  let preload = '';
  let module: WebAssembly.Module;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libnl-wasm-faults-'));
    prog = join(dir, 'fault_dump');
    preload = join(dir, 'fault_preload.so');
    const cc = spawnSync(process.execPath, [join(packageRoot, 'dist/cli/libnl-wasm.js'), 'cc',
      join(packageRoot, 'test/programs/fault_dump.c'), '-o', prog], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`libnl-wasm cc failed: ${cc.stderr}`);
    const so = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', preload, join(packageRoot, 'test/programs/fault_preload.c'), '-ldl'], { encoding: 'utf8' });
    if (so.status !== 0) throw new Error(`cc fault_preload.c failed: ${so.stderr}`);
    module = loadModuleSync(`${prog}.wasm`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function wasm(ns: string, fault: Fault): string {
    let out = '';
    const decoder = new TextDecoder();
    const host = faultHost(nativeHost(), fault);
    const proc = WasmProcess.create(module, {
      netns: ns, host, programName: 'fault_dump',
      stdout: (b) => { out += decoder.decode(b); }, stderr: () => undefined,
    });
    try {
      proc.main([], 'fault_dump');
    } catch (e) {
      if (!(e instanceof ProcessExit)) throw e;
    } finally {
      proc.close();
    }
    expect(host.fired).toBe(true);
    return out;
  }

  for (const c of CASES) {
    it(`${faultSpec(c.fault)}: ${c.why}`, async () => {
      await withNetns('flt', (ns) => {
        ipn(ns, 'link', 'add', 'f0', 'type', 'veth', 'peer', 'name', 'f1');
        const native = runNative(ns, prog, [], { wrapper: ['env', `LD_PRELOAD=${preload}`, `NLFAULT=${faultSpec(c.fault)}`] });
        const w = wasm(ns, c.fault);
        if (typeof c.expect === 'string') expect(native.stdout).toBe(c.expect);
        else expect(native.stdout).toMatch(c.expect);
        expect(w, c.wasm?.why).toBe(c.wasm ? c.wasm.expect : native.stdout);
      });
    });
  }

  it('a socket closed under a blocked receive: the call is cancelled, close() returns, nothing hangs', async () => {
    await withNetns('flc', async (ns) => {
      // Repeated: close() used to wait forever when the cancelled call killed the worker first.
      for (let i = 0; i < 6; i++) {
        const lib = await Libnl.spawn({ netns: ns });
        const sk = await lib.nl_socket_alloc();
        await lib.nl_connect(sk, NETLINK_ROUTE);
        // Nothing was asked: this receive blocks until something ends it.
        const outcome = lib.nl_recvmsgs_default(sk).then(() => 'returned', (e: Error) => e.name);
        await new Promise((r) => setTimeout(r, 100 + 50 * i));
        const t0 = Date.now();
        await lib.close();
        expect(await outcome).toBe('Cancelled');
        expect(Date.now() - t0).toBeLessThan(5000);
      }
    });
  });

  it('a receive timeout (callTimeoutMs) ends the call with NLE_AGAIN and the instance goes on', async () => {
    await withNetns('flt', async (ns) => {
      const lib = await Libnl.spawn({ netns: ns, callTimeoutMs: 300 });
      try {
        const sk = await lib.nl_socket_alloc();
        await lib.nl_connect(sk, NETLINK_ROUTE);
        await expect(lib.nl_recvmsgs_default(sk)).rejects.toMatchObject({ nleName: 'NLE_AGAIN' });
        const cache = await lib.rtnl_link_alloc_cache(sk, 0);
        expect(await lib.nl_cache_nitems(cache)).toBe(1);
      } finally {
        await lib.close();
      }
    });
  });
});
