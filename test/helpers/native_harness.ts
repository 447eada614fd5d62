/**
 * Runs fuzz cases (fuzz_cases.ts) through the native harness
 * (test/fuzz-native/harness.c): one process for many cases, fed a batch at
 * a time on stdin, one result line per case on descriptor 3 (libnl
 * prints to stdout itself). A sanitizer report
 * (or a crash) ends the process; the case it belongs to is the first one
 * of the batch without a result, and the next batch starts a new process.
 * A case that makes no progress for HANG_MS (libnl looping on a malformed
 * message) ends the process too, as a hang.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { toHex } from './netlink_bytes.js';
import type { FuzzCase } from './fuzz_cases.js';
import { parseReport, reportSite, type SanitizerReport } from './sanitizer_report.js';

export type NativeOutcome =
  | { class: 'ok' }
  | { class: 'nlerror'; code: number }
  | { class: 'report'; site: string; report: SanitizerReport }
  | { class: 'hang' }
  /** The process ended without a report: a signal or exit status, with its stderr. */
  | { class: 'crash'; how: string; stderr: string };

/** An outcome as one string to count; a report's names its site, which is one bug. */
export function nativeOutcomeKey(c: FuzzCase, o: NativeOutcome): string {
  switch (o.class) {
    case 'ok': return 'ok';
    case 'nlerror': return 'nlerror';
    case 'report': return `report:${o.site}`;
    case 'hang': return `hang:${c.target}`;
    case 'crash': return `crash:${c.target}:${o.how}`;
  }
}

const HANG_MS = 20_000;

/**
 * Sanitizer settings: stop at the first finding with a symbolized stack.
 * Leaks are not looked for: one process runs thousands of cases, and a leak
 * found at its exit could not be told to belong to any one of them.
 * Nothing is suppressed: libnl runs clean outside the code fuzzed.
 */
const SANITIZER_ENV = {
  ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1:abort_on_error=0:symbolize=1:allocator_may_return_null=1:handle_abort=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1:symbolize=1',
};

/** A case as one line of the harness's input (harness.c says the format). */
export function caseLine(c: FuzzCase): string {
  if (c.kind === 'parse') return `P ${c.protocol} ${c.target} ${toHex(c.message)}\n`;
  const datagrams = c.answer.map((d) => [toHex(d.bytes) || '-', d.patch.length, ...d.patch].join(' '));
  return ['F', c.protocol, c.target, c.args.length, ...c.args, c.answer.length, ...datagrams].join(' ') + '\n';
}

export interface NativeHarnessOptions {
  /** Extra environment (LLVM_PROFILE_FILE for the coverage build). */
  env?: Record<string, string>;
}

export class NativeHarness {
  private proc: ChildProcess | undefined;
  private lines: string[] = [];
  private stderr = '';
  private exited: Promise<string> = Promise.resolve('not started');
  private wake: (() => void) | undefined;
  /** The number of result lines that completes the batch being run. */
  private want = 0;
  /** Processes started: the first, and one after each report, crash or hang. */
  processes = 0;

  constructor(private readonly path: string, private readonly options: NativeHarnessOptions = {}) {}

  private start(): ChildProcess {
    const proc = spawn(this.path, [], {
      env: { ...process.env, ...SANITIZER_ENV, ...this.options.env }, stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
    });
    this.processes++;
    this.lines = [];
    this.stderr = '';
    // A write into a pipe whose reader died is no error of ours: the exit says what happened.
    (proc.stdin as Writable).on('error', () => undefined);
    createInterface({ input: proc.stdio[3] as Readable }).on('line', (l) => {
      if (this.lines.push(l) >= this.want) this.wake?.();
    });
    (proc.stderr as Readable).on('data', (b: Buffer) => {
      this.stderr = (this.stderr + b.toString()).slice(-200_000);
    });
    this.exited = new Promise((resolve) => {
      proc.on('close', (code, signal) => {
        this.proc = undefined;
        resolve(signal ? `signal ${signal}` : `exit ${code}`);
        this.wake?.();
      });
    });
    this.proc = proc;
    return proc;
  }

  /**
   * Runs cases until one ends the process; returns the outcomes of those
   * run (the last one the report, crash or hang, if any).
   */
  async run(cases: readonly FuzzCase[]): Promise<NativeOutcome[]> {
    const proc = this.proc ?? this.start();
    const lines = this.lines;
    const from = lines.length;
    this.want = from + cases.length;
    (proc.stdin as Writable).write(cases.map(caseLine).join(''));
    let seen = from;
    let since = Date.now();
    while (lines.length - from < cases.length && this.proc === proc) {
      // Woken by the batch's last line or the process's end; else a look at the progress each second.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (lines.length !== seen) {
        seen = lines.length;
        since = Date.now();
      } else if (Date.now() - since > HANG_MS && this.proc === proc) {
        proc.kill('SIGKILL');
        await this.exited;
        return [...lines.slice(from).map(parseLine), { class: 'hang' }];
      }
    }
    const outcomes = lines.slice(from, from + cases.length).map(parseLine);
    if (outcomes.length === cases.length) return outcomes;
    const how = await this.exited;
    if (/harness: bad input/.test(this.stderr)) throw new Error(`the harness refused its input: ${this.stderr.slice(-500)}`);
    const report = parseReport(this.stderr);
    outcomes.push(report ? { class: 'report', site: reportSite(report), report } : { class: 'crash', how, stderr: this.stderr.slice(-4000) });
    return outcomes;
  }

  /** Runs every case, starting a new process after each one that ends one. */
  async runAll(cases: readonly FuzzCase[]): Promise<NativeOutcome[]> {
    const out: NativeOutcome[] = [];
    while (out.length < cases.length) out.push(...await this.run(cases.slice(out.length)));
    return out;
  }

  /** Ends the process the way the harness ends on its own (coverage is written at exit). */
  async close(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    (proc.stdin as Writable).end();
    await this.exited;
  }
}

function parseLine(l: string): NativeOutcome {
  if (l === 'ok') return { class: 'ok' };
  const m = /^nlerror (-?\d+)$/.exec(l);
  if (m) return { class: 'nlerror', code: Number(m[1]) };
  throw new Error(`unexpected harness output: ${l}`);
}
