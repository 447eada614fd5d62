/**
 * libnl's own test programs, built to wasm, behave as the native build of the
 * same source: tests/check-all passes and fails the same cases (natively 23
 * of 29 pass here; the 6 failures create dummy/bond links this kernel lacks),
 * and every tests/test-* program ends with the same exit status. Each run
 * happens in a fresh namespace.
 */
import { describe, expect, it } from 'vitest';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';
import { runNative, runWasm, type RunResult } from '../../dist/compare/run.js';

/** "Core:addr_parse4:0 P" for every case check reports (CK_VERBOSITY=verbose). */
function caseResults(r: RunResult): string[] {
  return (r.stdout + r.stderr).split('\n')
    .map((l) => /:(P|F|E):([^:]+):([^:]+):(\d+):/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[2]}:${m[3]}:${m[4]} ${m[1]}`)
    .sort();
}

/** Programs that run until stopped (cache manager loops): both must still be running after a while. */
const RUN_FOREVER = new Set(['test-cache-mngr', 'test-nf-cache-mngr']);

const PROGRAMS = [
  'test-complex-HTB-with-hash-filters', 'test-create-bond', 'test-create-bridge', 'test-create-geneve',
  'test-create-ifb', 'test-create-ip6tnl', 'test-create-ipgre', 'test-create-ipgretap', 'test-create-ipip',
  'test-create-ipvlan', 'test-create-ipvti', 'test-create-macsec', 'test-create-macvlan', 'test-create-macvtap',
  'test-create-sit', 'test-create-veth', 'test-create-vlan', 'test-create-vrf', 'test-create-vxlan',
  'test-create-xfrmi', 'test-delete-link', 'test-loopback-up-down', 'test-genl', 'test-socket-creation',
  'test-u32-filter-with-actions', 'test-cache-mngr', 'test-nf-cache-mngr',
];

describe.skipIf(!!kernelSkipReason)('libnl test programs under wasm', () => {
  it('check-all passes exactly the cases that pass natively', async () => {
    const env = { CK_VERBOSITY: 'verbose' };
    const native = await withNetns('ckn', (ns) => runNative(ns, 'check-all', [], { env }));
    const wasm = await withNetns('ckw', (ns) => runWasm(ns, 'check-all', [], { env }));
    const n = caseResults(native);
    const w = caseResults(wasm);
    expect(n.length).toBe(29);
    expect(w).toEqual(n);
    expect(wasm.status).toBe(native.status);
    console.info(`check-all: ${n.filter((c) => c.endsWith(' P')).length} of ${n.length} pass, native and wasm alike`);
  });

  it.each(PROGRAMS)('%s ends as natively', async (program) => {
    const forever = RUN_FOREVER.has(program);
    // `timeout` stops the long-running ones; both must then end with its 124.
    const limit = forever ? ['timeout', '3'] : ['timeout', '30'];
    const native = await withNetns('tn', (ns) => runNative(ns, program, [], { wrapper: limit }));
    const wasm = await withNetns('tw', (ns) => runWasm(ns, program, [], { wrapper: limit }));
    if (forever) expect(native.status).toBe(124);
    expect({ program, status: wasm.status }).toEqual({ program, status: native.status });
  });
});
