/**
 * Running a libnl program both ways inside a namespace: the native build
 * (under `ip netns exec`) and the wasm build (through `libnl-wasm exec
 * --netns`, as a user would). Both get the same small environment and read
 * the same classid/pktloc files.
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { buildDir, packageRoot } from '../../dist/host/paths.js';
import { findProgram } from '../../dist/host/programs.js';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

const cli = join(packageRoot, 'dist', 'cli', 'libnl-wasm.js');

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', ...extra };
}

function statusOf(r: ReturnType<typeof spawnSync>): number {
  if (r.status !== null) return r.status;
  const sig = r.signal ? constants.signals[r.signal] : 0;
  return 128 + (sig ?? 0);
}

export function runNative(ns: string, tool: string, args: string[] = [], env: Record<string, string> = {}): RunResult {
  const r = spawnSync('ip', ['netns', 'exec', ns, findProgram(tool, 'native'), ...args], {
    encoding: 'utf8',
    env: baseEnv({ NLSYSCONFDIR: join(buildDir('native'), 'etc', 'libnl'), ...env }),
    timeout: 60_000,
  });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}

export function runWasm(ns: string, tool: string, args: string[] = [], env: Record<string, string> = {},
  opts: { checked?: boolean } = {}): RunResult {
  const r = spawnSync(process.execPath, [cli, 'exec', '--netns', ns, ...(opts.checked ? ['--checked'] : []),
    tool, ...args], { encoding: 'utf8', env: baseEnv(env), timeout: 60_000 });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}
