/**
 * `libnl-wasm compare`: runs the native and the wasm build of the same libnl
 * program (or a sequence of them, a scenario's steps) in two freshly made,
 * identical network namespaces (or in one, in turn, for read-only programs)
 * and reports every difference in exit status, stdout, stderr (masked, see
 * mask.ts), the kernel state left behind (state.ts) and, on request, the
 * netlink messages (messages.ts). A program given as C source is built both
 * ways first (programs.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyScenario, startLikeAMachine, type Scenario, type Step } from './scenario.js';
import { buildProgram } from './programs.js';
import { runNative, runWasm, type RunResult } from './run.js';
import { maskVolatile } from './mask.js';
import { diffState, normalize, snapshot, type Json, type NetnsState } from './state.js';
import { firstDifference, readTrace, splitMessages } from './messages.js';

export interface CompareOptions {
  /** What to run, in order, in each namespace. */
  steps: Step[];
  scenario?: Scenario;
  /** Run both in one namespace, one after the other (only for programs that change nothing). */
  sameNetns?: boolean;
  /**
   * Run both, in turn, in this existing namespace (only for programs that
   * change nothing); it is neither set up nor deleted.
   */
  netns?: string;
  /** Also compare the netlink messages. */
  messages?: boolean;
  /** Run the wasm side in the checked (SAFE_HEAP) build. */
  checked?: boolean;
  env?: Record<string, string>;
  /** Command prefix for both runs, inside the namespace (e.g. ['setpriv', ...]). */
  wrapper?: string[];
  /** Flags for building the steps given as C source (as `libnl-wasm cc` takes them). */
  cflags?: string[];
  /** Stop each run after this many seconds with `signal`; the status it ends with is compared like any. */
  timeout?: number;
  /** The signal a timeout sends (default SIGTERM). */
  signal?: NodeJS.Signals;
}

export interface Difference {
  aspect: 'status' | 'stdout' | 'stderr' | 'state' | 'messages';
  /** Index of the step, for differences of one step's run. */
  step?: number;
  detail: string;
}

export interface StepRuns {
  native: RunResult;
  wasm: RunResult;
}

export interface CompareReport {
  equal: boolean;
  differences: Difference[];
  runs: StepRuns[];
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
  const programs = opts.steps.map((s) => (s.program.endsWith('.c')
    ? buildProgram(s.program, { checked: opts.checked, cflags: opts.cflags }) : s.program));
  const nsNative = opts.netns ?? makeNetns('n');
  const nsWasm = opts.netns ?? (opts.sameNetns ? nsNative : makeNetns('w'));
  const dir = opts.messages ? mkdtempSync(join(tmpdir(), 'libnl-wasm-compare-')) : undefined;
  try {
    if (!opts.netns) {
      for (const ns of new Set([nsNative, nsWasm])) {
        startLikeAMachine(ns);
        if (opts.scenario) applyScenario(ns, opts.scenario);
      }
    }
    const beforeN = snapshot(nsNative);
    const beforeW = nsWasm === nsNative ? beforeN : snapshot(nsWasm);
    const common = { env: opts.env, wrapper: opts.wrapper, timeout: opts.timeout, signal: opts.signal };
    const native = opts.steps.map((s, i) => runNative(nsNative, programs[i], s.args,
      { ...common, traceFile: dir && join(dir, 'native.jsonl') }));
    const afterN = snapshot(nsNative);
    // A user's program: `prog` natively, `prog.wasm` (as libnl-wasm cc builds them).
    const wasmProgram = (p: string): string => (p.includes('/') && !p.endsWith('.wasm') ? `${p}.wasm` : p);
    const wasm = opts.steps.map((s, i) => runWasm(nsWasm, wasmProgram(programs[i]), s.args,
      { ...common, checked: opts.checked, traceFile: dir && join(dir, 'wasm.jsonl') }));
    const afterW = snapshot(nsWasm);

    const differences: Difference[] = [];
    const random = nsWasm === nsNative ? [] : randomValues(afterN, afterW);
    opts.steps.forEach((s, step) => {
      const [n, w] = [native[step], wasm[step]];
      if (n.status !== w.status) {
        differences.push({ aspect: 'status', step, detail: `native exited ${n.status}, wasm ${w.status}` });
      }
      const stats = s.args.some((a) => a === '--stats' || a === 'stats');
      for (const stream of ['stdout', 'stderr'] as const) {
        let a = n[stream];
        let b = w[stream];
        for (const [rn, rw, placeholder] of random) {
          a = a.replace(rn, placeholder);
          b = b.replace(rw, placeholder);
        }
        a = maskVolatile(a, { stats });
        b = maskVolatile(b, { stats });
        if (a !== b) differences.push({ aspect: stream, step, detail: textDifference(a, b) });
      }
    });
    for (const d of diffState(normalize(afterN, beforeN) as unknown as Json, normalize(afterW, beforeW) as unknown as Json)) {
      differences.push({ aspect: 'state', detail: d });
    }
    if (dir) {
      const d = firstDifference(splitMessages(readTrace(join(dir, 'native.jsonl'))),
        splitMessages(readTrace(join(dir, 'wasm.jsonl'))));
      if (d) differences.push({ aspect: 'messages', detail: d });
    }
    return { equal: differences.length === 0, differences, runs: native.map((n, i) => ({ native: n, wasm: wasm[i] })) };
  } finally {
    if (!opts.netns) {
      spawnSync('ip', ['netns', 'delete', nsNative]);
      if (nsWasm !== nsNative) spawnSync('ip', ['netns', 'delete', nsWasm]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

export const stepTitle = (s: Step): string => `${s.program} ${s.args.join(' ')}`.trim();

export function formatReport(opts: CompareOptions, r: CompareReport): string {
  const title = opts.steps.map(stepTitle).join('; ');
  if (r.equal) {
    const status = r.runs.map((x) => x.native.status).join(', ');
    return `equal: ${title} (exit ${status}; stdout, stderr and kernel state match)\n`;
  }
  const lines = [`DIFFERENT: ${title}`];
  for (const d of r.differences) {
    const of = d.step !== undefined && opts.steps.length > 1 ? ` of step ${d.step + 1} (${stepTitle(opts.steps[d.step])})` : '';
    lines.push(`  ${d.aspect}${of}: ${d.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
