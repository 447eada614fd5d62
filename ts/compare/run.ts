/**
 * Running a libnl program both ways inside a network namespace: the native
 * build under `ip netns exec`, and the wasm build through `libnl-wasm exec`,
 * as a user would run them. Both get the same small environment, read the
 * same classid/pktloc files, and can record their netlink traffic (native:
 * the LD_PRELOAD library build/native/libnltrace.so, from
 * nltrace_preload.c here; wasm: the host).
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { buildDir, packageRoot } from '../host/paths.js';
import { findProgram } from '../host/programs.js';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** A command prefix run inside the namespace around the program (timeout, setpriv, ...). */
  wrapper?: string[];
  /** Record the netlink traffic as JSON lines in this file. */
  traceFile?: string;
  /** wasm: use the checked (SAFE_HEAP) build. */
  checked?: boolean;
  /** Seconds after which the program is sent `signal` (default SIGTERM); what it prints after that is kept. */
  timeout?: number;
  signal?: NodeJS.Signals;
}

/** How long any run may take at most. */
const RUN_LIMIT_MS = 120_000;

const cli = join(packageRoot, 'dist', 'cli', 'libnl-wasm.js');

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // The build folders this process was pointed at (paths.ts): the wasm
  // side's CLI must run the same builds as the ones resolved here.
  const builds = Object.fromEntries(['LIBNL_WASM_BUILD_WASM', 'LIBNL_WASM_BUILD_NATIVE']
    .flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])));
  return { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', ...builds, ...extra };
}

/**
 * timeout(1) in front of the program, when the run has one: spawnSync's own
 * timeout stops reading the program's output as it sends the signal, so a
 * program that prints on its way out would lose that output (or die of
 * SIGPIPE); timeout(1) signals it and waits, and with --preserve-status
 * ends as the program ended.
 */
const stopAfter = (o: RunOptions): string[] => (o.timeout === undefined ? []
  : ['timeout', '--preserve-status', '-s', o.signal ?? 'SIGTERM', String(o.timeout)]);

function statusOf(r: ReturnType<typeof spawnSync>): number {
  if (r.status !== null) return r.status;
  const sig = r.signal ? constants.signals[r.signal] : 0;
  return 128 + (sig ?? 0);
}

export function runNative(ns: string, program: string, args: string[] = [], opts: RunOptions = {}): RunResult {
  const env = { NLSYSCONFDIR: join(buildDir('native'), 'etc', 'libnl'), ...opts.env };
  const trace = opts.traceFile
    ? ['env', `LD_PRELOAD=${join(buildDir('native'), 'libnltrace.so')}`, `NLTRACE_FILE=${opts.traceFile}`] : [];
  const r = spawnSync('ip', ['netns', 'exec', ns, ...(opts.wrapper ?? []), ...stopAfter(opts), ...trace,
    findProgram(program, 'native'), ...args], { encoding: 'utf8', env: baseEnv(env), timeout: RUN_LIMIT_MS });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}

export function runWasm(ns: string, program: string, args: string[] = [], opts: RunOptions = {}): RunResult {
  const flags = [...(opts.checked ? ['--checked'] : []), ...(opts.traceFile ? ['--trace', opts.traceFile] : [])];
  // Without a wrapper the namespace is entered by the host (--netns: only
  // the instance's sockets live there); with one, the whole CLI runs inside
  // it like the native program.
  const wrapper = opts.wrapper ?? [];
  const argv = wrapper.length
    ? ['ip', 'netns', 'exec', ns, ...wrapper, ...stopAfter(opts), process.execPath, cli, 'exec', ...flags, program, ...args]
    : [...stopAfter(opts), process.execPath, cli, 'exec', '--netns', ns, ...flags, program, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: baseEnv(opts.env), timeout: RUN_LIMIT_MS });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}
