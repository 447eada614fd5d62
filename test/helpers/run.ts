/**
 * Running a libnl program both ways inside a namespace: the native build
 * under `ip netns exec`, and the wasm build through `libnl-wasm exec`, as a
 * user would run it. Both get the same small environment and read the same
 * classid and pktloc files.
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

/**
 * `wrapper` is a command prefix run inside the namespace around the program
 * (for example ['timeout', '3'] or setpriv to drop privileges).
 */
export function runNative(ns: string, tool: string, args: string[] = [], env: Record<string, string> = {},
  wrapper: string[] = []): RunResult {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...wrapper, findProgram(tool, 'native'), ...args], {
    encoding: 'utf8',
    env: baseEnv({ NLSYSCONFDIR: join(buildDir('native'), 'etc', 'libnl'), ...env }),
    timeout: 60_000,
  });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}

export function runWasm(ns: string, tool: string, args: string[] = [], env: Record<string, string> = {},
  opts: { checked?: boolean } = {}, wrapper: string[] = []): RunResult {
  const checked = opts.checked ? ['--checked'] : [];
  // Without a wrapper the namespace is entered by the host (--netns: only
  // the instance's sockets live there); with one, the whole CLI runs inside
  // it like the native program.
  const argv = wrapper.length
    ? ['ip', 'netns', 'exec', ns, ...wrapper, process.execPath, cli, 'exec', ...checked, tool, ...args]
    : [process.execPath, cli, 'exec', '--netns', ns, ...checked, tool, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: baseEnv(env), timeout: 60_000 });
  return { status: statusOf(r), stdout: r.stdout, stderr: r.stderr };
}
