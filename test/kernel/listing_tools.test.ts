/**
 * libnl's listing tools, built natively and to wasm from the same source,
 * print the same thing for the same kernel state (after masking only fields
 * that change by themselves, see helpers/mask.ts). The namespace holds the
 * "rich" scenario: bridge, veth, vxlan, ifb, tap, macvlan, addresses, routes
 * in two tables, rules, neighbours, HTB with classes and a filter, TBF.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { applyScenario, loadScenario } from '../../dist/compare/scenario.js';
import { runNative, runWasm, type RunResult } from '../../dist/compare/run.js';
import { maskVolatile } from '../../dist/compare/mask.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const scenarioDir = join(import.meta.dirname, '..', 'scenarios');

const CASES: Array<[string, string[]]> = [
  ['nl-link-list', []],
  ['nl-link-list', ['--details']],
  ['nl-link-list', ['--stats']],
  ['nl-addr-list', []],
  ['nl-addr-list', ['--details']],
  ['nl-route-list', []],
  ['nl-route-list', ['--format', 'details']],
  ['nl-route-list', ['--format', 'stats']],
  ['nl-route-list', ['--table', '100']],
  ['nl-neigh-list', []],
  ['nl-neigh-list', ['--format', 'details']],
  ['nl-neightbl-list', []],
  ['nl-neightbl-list', ['--format', 'details']],
  ['nl-rule-list', []],
  ['nl-rule-list', ['--format', 'details']],
  ['nl-qdisc-list', []],
  ['nl-qdisc-list', ['--details']],
  ['nl-qdisc-list', ['--stats']],
  ['nl-class-list', ['--dev', 'veth0']],
  ['nl-class-list', ['--dev', 'veth0', '--details']],
  ['nl-class-list', ['--dev', 'veth0', '--stats']],
  ['nl-cls-list', ['--dev', 'veth0']],
  ['nl-cls-list', ['--dev', 'veth0', '--details']],
  ['nl-tctree-list', []],
  ['nl-tctree-list', ['--format', 'details']],
  ['genl-ctrl-list', []],
  ['genl-ctrl-list', ['--details']],
  ['nf-ct-list', []],
  ['nf-ct-list', ['--format', 'details']],
  ['idiag-socket-details', []],
];

const show = (r: RunResult, stats: boolean): RunResult =>
  ({ status: r.status, stdout: maskVolatile(r.stdout, { stats }), stderr: maskVolatile(r.stderr, { stats }) });

describe.skipIf(!!kernelSkipReason)('listing tools: native and wasm print the same', () => {
  let ns = '';
  let listener: ChildProcess | undefined;
  beforeAll(async () => {
    ns = createNetns('list');
    applyScenario(ns, loadScenario(join(scenarioDir, 'rich.json')));
    // Something for nf-ct-list (conntrack entries, added with the native
    // tool) and idiag-socket-details (a listening TCP socket).
    for (const [src, dst] of [['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.3']]) {
      const r = runNative(ns, 'nf-ct-add', ['-F', 'inet', '-p', 'udp', '--orig-src', src, '--orig-sport', '5353',
        '--orig-dst', dst, '--orig-dport', '53', '--reply-src', dst, '--reply-sport', '53', '--reply-dst', src,
        '--reply-dport', '5353', '--timeout', '3600']);
      if (r.status !== 0) throw new Error(`nf-ct-add: ${r.stderr}`);
    }
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e',
      'require("net").createServer().listen(7777, "127.0.0.1", () => console.log("up"))'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => listener?.stdout?.once('data', resolve));
  });
  afterAll(() => {
    listener?.kill();
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  it.each(CASES)('%s %s', (tool, args) => {
    const stats = args.includes('--stats') || args.includes('stats');
    // The namespace can still change by itself (a multicast neighbour
    // appears when a link comes up): wasm must print what native prints just
    // before or just after it.
    let last: { wasm: RunResult; before: RunResult; after: RunResult } | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = show(runNative(ns, tool, args), stats);
      const wasm = show(runWasm(ns, tool, args), stats);
      const after = show(runNative(ns, tool, args), stats);
      if (JSON.stringify(wasm) === JSON.stringify(before) || JSON.stringify(wasm) === JSON.stringify(after)) {
        expect(wasm.status).toBe(0);
        expect(wasm.stdout.length).toBeGreaterThan(0);
        return;
      }
      last = { wasm, before, after };
    }
    expect(last?.wasm).toEqual(last?.after);
  });
});
