/**
 * Start-up of the command lines (issue 23): wall time from spawning to
 * exit of `nl --netns X link list` against `ip -n X link`, and of
 * `libnl-wasm exec --netns X nl-link-list` against the native nl-link-list
 * in X, in a namespace with a veth pair. One untimed run each first (disk
 * caches), then they take turns, `runs` times; medians.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../dist/host/paths.js';
import { withNetns } from '../../test/helpers/netns.js';
import { nativeBinary } from '../contenders.js';
import { GATEWAY_SETUP, ipBatch } from '../scenarios.js';
import { median } from '../stats.js';

export interface StartupRow {
  id: string;
  command: string;
  samplesMs: number[];
  medianMs: number;
  /** The row it is compared with (the native tool doing the same). */
  vs?: string;
  failure?: string;
}

interface Case {
  id: string;
  vs?: string;
  argv: (ns: string) => string[];
}

const cli = (name: string): string => join(packageRoot, 'dist', 'cli', name);

const CASES: readonly Case[] = [
  { id: 'nl --netns X link list', vs: 'ip -n X link', argv: (ns) => [process.execPath, cli('nl.js'), '--netns', ns, 'link', 'list'] },
  { id: 'ip -n X link', argv: (ns) => ['ip', '-n', ns, 'link'] },
  { id: 'libnl-wasm exec --netns X nl-link-list', vs: 'nl-link-list (native, ip netns exec X)',
    argv: (ns) => [process.execPath, cli('libnl-wasm.js'), 'exec', '--netns', ns, 'nl-link-list'] },
  { id: 'nl-link-list (native, ip netns exec X)', argv: (ns) => ['ip', 'netns', 'exec', ns, nativeBinary('nl-link-list')] },
];

/** Wall time of one run (ms), or its failure. */
function once(argv: string[]): number | string {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: packageRoot, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return r.status === 0 ? ms : `${argv.join(' ')}: exit status ${r.status}: ${r.stderr.trim()}`;
}

export function measureStartup(runs = 5): Promise<StartupRow[]> {
  return withNetns('bw-startup', (ns) => {
    ipBatch(ns, GATEWAY_SETUP);
    const rows: StartupRow[] = CASES.map((c) => ({ id: c.id, vs: c.vs, command: c.argv('X').join(' '), samplesMs: [], medianMs: NaN }));
    for (let run = -1; run < runs; run++) {
      CASES.forEach((c, i) => {
        const t = once(c.argv(ns));
        if (typeof t === 'string') rows[i].failure = t;
        else if (run >= 0) rows[i].samplesMs.push(t);
      });
    }
    for (const r of rows) r.medianMs = r.samplesMs.length ? median(r.samplesMs) : NaN;
    return rows;
  });
}

export function printStartup(rows: readonly StartupRow[]): void {
  console.log(`\n## CLI start-up: wall time from spawn to exit, median of ${Math.max(0, ...rows.map((r) => r.samplesMs.length))}`);
  const w = Math.max(44, ...rows.map((r) => r.id.length + 2));
  console.log(`${'command'.padEnd(w)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}  vs native`);
  for (const r of rows) {
    const ref = rows.find((x) => x.id === r.vs);
    const f = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
    console.log(`${r.id.padEnd(w)}${f(r.medianMs).padStart(10)}${f(Math.min(...r.samplesMs)).padStart(10)}` +
      `${f(Math.max(...r.samplesMs)).padStart(10)}  ${ref ? `${(r.medianMs / ref.medianMs).toFixed(1)}×` : ''}`);
  }
  for (const r of rows) if (r.failure) console.log(`!!! FAILED ${r.failure}`);
}
