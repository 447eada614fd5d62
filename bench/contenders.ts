/**
 * Who competes in `npm run bench`: each contender is a program that speaks
 * the line protocol of bench/child.ts and runs in its own process inside the
 * scenario's namespace (so its peak RSS is its own).
 *
 * To add one: write a bench/<name>.ts that calls serve() from child.ts, and
 * add a line to CONTENDERS with nodeContender().
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, packageRoot } from '../dist/host/paths.js';
import type { DumpKind } from './child.js';

export interface Contender {
  /** Short name for --contenders. */
  id: string;
  label: string;
  /** Program and arguments (run as `ip netns exec NS ...`). */
  command: readonly string[];
  /** Why it cannot run here, or null. */
  missing(): string | null;
  /**
   * Peak RSS (KiB) of a helper process the contender runs for each dump
   * (iproute2 for ip -j), measured once after the timed runs.
   */
  helperRssKb?(netns: string, kind: DumpKind): number;
}

const benchDir = join(packageRoot, 'bench');
const PYTHON = '/usr/bin/python3';

export function nativeBinary(name: string): string {
  return join(buildDir('native'), 'bin', name);
}

function needFile(path: string, hint: string): () => string | null {
  return () => (existsSync(path) ? null : `${path} is missing (${hint})`);
}

export function cContender(id: string, label: string, binary: string): Contender {
  return { id, label, command: [binary], missing: needFile(binary, 'npm run build') };
}

export function nodeContender(id: string, label: string, script: string, ...args: string[]): Contender {
  return {
    id, label,
    command: [process.execPath, '--import', 'tsx', join(benchDir, script), ...args],
    missing: needFile(join(packageRoot, 'dist', 'index.js'), 'npm run build'),
  };
}

/** A script of bench/ run by Debian's python3, which has pyroute2 when python3-pyroute2 is installed. */
export function pyroute2Contender(id: string, label: string, script: string): Contender {
  return {
    id, label,
    command: [PYTHON, join(benchDir, script)],
    missing: () => {
      try {
        execFileSync(PYTHON, ['-c', 'import pyroute2'], { stdio: 'ignore' });
        return null;
      } catch {
        return `pyroute2 is not installed for ${PYTHON} (apt-get install python3-pyroute2)`;
      }
    },
  };
}

const IP_ARGS: Record<DumpKind, string[]> = {
  route: ['-4', '-j', 'route', 'show', 'table', 'all'],
  link: ['-j', 'link', 'show'],
};

/** The reference every ratio is computed against. */
export const RAW = cContender('raw', 'raw netlink read (C)', nativeBinary('raw-dump'));

export const CONTENDERS: readonly Contender[] = [
  RAW,
  cContender('libnl', 'libnl native (this build)', nativeBinary('libnl-dump')),
  cContender('debian', "libnl native (Debian's 3.7.0)", nativeBinary('libnl-dump-system')),
  nodeContender('wasm-sync', 'libnl.wasm openLibnl() in-thread', 'wasm_dump.ts', 'sync'),
  nodeContender('wasm-spawn', 'libnl.wasm Libnl.spawn() worker', 'wasm_dump.ts', 'spawn'),
  nodeContender('wasm-spawn-ra', 'libnl.wasm Libnl.spawn(), readAhead', 'wasm_dump.ts', 'spawn', 'read-ahead'),
  nodeContender('client-list', 'NetlinkClient list()', 'client_dump.ts', 'list'),
  nodeContender('client-stream', 'NetlinkClient stream()', 'client_dump.ts', 'stream'),
  nodeContender('client-stream-ra', 'NetlinkClient stream(), readAhead', 'client_dump.ts', 'stream', 'read-ahead'),
  {
    ...nodeContender('ip-json', 'ip -j + JSON.parse', 'ip_json.ts'),
    helperRssKb: (netns, kind) => {
      // GNU time's %M: the peak RSS of ip itself (ip netns exec execs it).
      const r = spawnSync('/usr/bin/time', ['-f', '%M', 'ip', 'netns', 'exec', netns, 'ip', ...IP_ARGS[kind]],
        { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      return Number(r.stderr.trim().split('\n').pop());
    },
  },
  nodeContender('netlink-npm', 'npm netlink 0.3.0', 'netlink_npm.ts'),
  pyroute2Contender('pyroute2', "pyroute2 0.7 (Debian's)", 'pyroute2_dump.py'),
];
