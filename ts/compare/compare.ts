/**
 * `libnl-wasm compare`: runs the native and the wasm build of the same libnl
 * program in two freshly made, identical network namespaces (or in one, in
 * turn, for read-only programs) and reports every difference in exit status,
 * stdout, stderr (masked, see mask.ts), the kernel state left behind
 * (state.ts) and, on request, the netlink messages (messages.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyScenario, type Scenario } from './scenario.js';
import { runNative, runWasm, type RunResult } from './run.js';
import { maskVolatile } from './mask.js';
import { diffState, normalize, snapshot, type Json, type NetnsState } from './state.js';
import { firstDifference, readTrace, splitMessages } from './messages.js';

export interface CompareOptions {
  program: string;
  args: string[];
  scenario?: Scenario;
  /** Run both in one namespace, one after the other (only for programs that change nothing). */
  sameNetns?: boolean;
  /** Also compare the netlink messages. */
  messages?: boolean;
  /** Run the wasm side in the checked (SAFE_HEAP) build. */
  checked?: boolean;
  env?: Record<string, string>;
  /** Command prefix for both runs, inside the namespace (e.g. ['timeout', '3']). */
  wrapper?: string[];
}

export interface Difference {
  aspect: 'status' | 'stdout' | 'stderr' | 'state' | 'messages';
  detail: string;
}

export interface CompareReport {
  equal: boolean;
  differences: Difference[];
  native: RunResult;
  wasm: RunResult;
}

let counter = 0;

function makeNetns(label: string): string {
  const name = `lnw-cmp-${label}-${process.pid}-${++counter}`;
  execFileSync('ip', ['netns', 'add', name]);
  return name;
}

/**
 * Values the kernel picked at random, per namespace: MAC addresses of links
 * that have the same name in both namespaces but not the same address, and
 * the IPv6 link-local addresses derived from them. Each is replaced in that
 * namespace's output by the same placeholder, so that only what the program
 * did is compared.
 */
function randomValues(native: NetnsState, wasm: NetnsState): Array<[RegExp, RegExp, string]> {
  const byName = (s: NetnsState): Map<string, Record<string, Json>> =>
    new Map((s.addresses as Json[]).map((l) => [String((l as Record<string, Json>).ifname), l as Record<string, Json>]));
  const n = byName(native);
  const w = byName(wasm);
  const out: Array<[RegExp, RegExp, string]> = [];
  const escape = (v: string): RegExp => new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  for (const [name, a] of n) {
    const b = w.get(name);
    if (!b || !a.address || a.address === b.address) continue;
    out.push([escape(String(a.address)), escape(String(b.address)), `<mac of ${name}>`]);
    const ll = (l: Record<string, Json>): string | undefined => ((l.addr_info as Json[]) ?? [])
      .map((x) => String((x as Record<string, Json>).local)).find((x) => /^fe80:/i.test(x));
    const la = ll(a);
    const lb = ll(b);
    if (la && lb && la !== lb) out.push([escape(la), escape(lb), `<link-local of ${name}>`]);
  }
  return out;
}

/** The first line where two texts differ, with its neighbours. */
function textDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < Math.max(x.length, y.length) && x[i] === y[i]) i++;
  const show = (lines: string[]): string => lines.slice(Math.max(0, i - 1), i + 2)
    .map((l, k) => `      ${String(Math.max(0, i - 1) + k + 1).padStart(4)} | ${l}`).join('\n');
  return `line ${i + 1}:\n    native:\n${show(x)}\n    wasm:\n${show(y)}`;
}

export function compare(opts: CompareOptions): CompareReport {
  const stats = opts.args.some((a) => a === '--stats' || a === 'stats');
  const nsNative = makeNetns('n');
  const nsWasm = opts.sameNetns ? nsNative : makeNetns('w');
  const dir = opts.messages ? mkdtempSync(join(tmpdir(), 'libnl-wasm-compare-')) : undefined;
  try {
    if (opts.scenario) {
      applyScenario(nsNative, opts.scenario);
      if (nsWasm !== nsNative) applyScenario(nsWasm, opts.scenario);
    }
    const beforeN = snapshot(nsNative);
    const beforeW = nsWasm === nsNative ? beforeN : snapshot(nsWasm);
    const common = { env: opts.env, wrapper: opts.wrapper };
    const native = runNative(nsNative, opts.program, opts.args,
      { ...common, traceFile: dir && join(dir, 'native.jsonl') });
    const afterN = snapshot(nsNative);
    // A user's program: `prog` natively, `prog.wasm` (as libnl-wasm cc builds them).
    const wasmProgram = opts.program.includes('/') && !opts.program.endsWith('.wasm') ? `${opts.program}.wasm` : opts.program;
    const wasm = runWasm(nsWasm, wasmProgram, opts.args,
      { ...common, checked: opts.checked, traceFile: dir && join(dir, 'wasm.jsonl') });
    const afterW = snapshot(nsWasm);

    const differences: Difference[] = [];
    if (native.status !== wasm.status) {
      differences.push({ aspect: 'status', detail: `native exited ${native.status}, wasm ${wasm.status}` });
    }
    const random = nsWasm === nsNative ? [] : randomValues(afterN, afterW);
    for (const stream of ['stdout', 'stderr'] as const) {
      let a = native[stream];
      let b = wasm[stream];
      for (const [rn, rw, placeholder] of random) {
        a = a.replace(rn, placeholder);
        b = b.replace(rw, placeholder);
      }
      a = maskVolatile(a, { stats });
      b = maskVolatile(b, { stats });
      if (a !== b) differences.push({ aspect: stream, detail: textDifference(a, b) });
    }
    for (const d of diffState(normalize(afterN, beforeN) as unknown as Json, normalize(afterW, beforeW) as unknown as Json)) {
      differences.push({ aspect: 'state', detail: d });
    }
    if (dir) {
      const d = firstDifference(splitMessages(readTrace(join(dir, 'native.jsonl'))),
        splitMessages(readTrace(join(dir, 'wasm.jsonl'))));
      if (d) differences.push({ aspect: 'messages', detail: d });
    }
    return { equal: differences.length === 0, differences, native, wasm };
  } finally {
    spawnSync('ip', ['netns', 'delete', nsNative]);
    if (nsWasm !== nsNative) spawnSync('ip', ['netns', 'delete', nsWasm]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export function formatReport(opts: CompareOptions, r: CompareReport): string {
  const title = `${opts.program} ${opts.args.join(' ')}`.trim();
  if (r.equal) return `equal: ${title} (exit ${r.native.status}; stdout, stderr and kernel state match)\n`;
  const lines = [`DIFFERENT: ${title}`];
  for (const d of r.differences) lines.push(`  ${d.aspect}: ${d.detail}`);
  return `${lines.join('\n')}\n`;
}
