/**
 * The namespaces scenarios of `npm run bench -- --scenarios namespaces`
 * (issue 25): one process opening the typed client on 100 or 500
 * namespaces, each listed and watched for link, address and route changes.
 * Per round, a fresh contender process (bench/namespaces/contender.ts) in a
 * namespace of its own reports the time to open everything, the RSS and
 * threads that added, and how long changes the bench makes in some of the
 * namespaces take to arrive as events; then the time to close it all.
 */
import { withNetns } from '../../test/helpers/netns.js';
import { nodeContender, type Contender } from '../contenders.js';
import { fmtTime } from '../format.js';
import { LineProcess } from '../line_process.js';
import { median } from '../stats.js';
import type { ProbeReport } from './contender.js';
import { NetnsPool } from './pool.js';

export interface NamespacesScenario {
  name: string;
  count: number;
  rounds: number;
  /** Changes timed per round, in namespaces spread over all of them. */
  probes: number;
  /** The contenders that run it (default: all), and why the others do not. */
  contenders?: readonly string[];
  why?: string;
}

export const NAMESPACES_SCENARIOS: readonly NamespacesScenario[] = [
  { name: 'netns-100', count: 100, rounds: 3, probes: 20 },
  { name: 'netns-500', count: 500, rounds: 3, probes: 20, contenders: ['shared-client'],
    why: "today's model would need about 15 GiB and 1,000 threads here; netns-100 measures it on 50" },
];

/**
 * Today's model costs a worker and a watch worker per namespace (about 31
 * MiB, issue 25): it opens at most this many, and its figures per
 * namespace are what compares.
 */
const PER_NS_CAP = 50;

interface NamespacesContender extends Contender {
  /** At most this many namespaces; larger scenarios run it capped. */
  cap?: number;
}

export const NAMESPACES_CONTENDERS: readonly NamespacesContender[] = [
  { ...nodeContender('per-ns-client', 'NetlinkClient + watch() per namespace (today)', 'namespaces/contender.ts', 'per-ns'),
    cap: PER_NS_CAP },
  nodeContender('shared-client', 'one client: netns() views, one watcher', 'namespaces/contender.ts', 'shared'),
];

export interface NamespacesResult {
  id: string;
  label: string;
  opened: number;
  rounds: ProbeReport[];
  closeMs: number[];
  openMs: number;
  rssAddedKb: number;
  threadsAdded: number;
  latencyMedianMs: number;
  latencyMaxMs: number;
  lost: number;
  overflows: number;
  failures: string[];
}

export interface NamespacesReport {
  scenario: NamespacesScenario;
  results: NamespacesResult[];
}

const ROUND_TIMEOUT_MS = 600_000;

async function round(s: NamespacesScenario, c: NamespacesContender, prefix: string, n: number,
  r: number): Promise<{ report: ProbeReport; closeMs: number }> {
  return withNetns('nsb-home', async (home) => {
    const p = new LineProcess(c.label, [...c.command, prefix, String(n), String(s.probes), String(r)], home);
    try {
      const report = JSON.parse(await p.line(ROUND_TIMEOUT_MS)) as ProbeReport;
      p.send('close\n');
      const { closeMs } = JSON.parse(await p.line(ROUND_TIMEOUT_MS)) as { closeMs: number };
      return { report, closeMs };
    } finally {
      await p.close();
    }
  });
}

function summarise(c: NamespacesContender, opened: number, rounds: ProbeReport[], closeMs: number[],
  failures: string[]): NamespacesResult {
  const latencies = rounds.flatMap((x) => x.latenciesMs);
  const arrived = latencies.filter((x): x is number => x !== null);
  const m = (xs: number[]): number => (xs.length ? median(xs) : NaN);
  return {
    id: c.id, label: c.label, opened, rounds, closeMs, failures,
    openMs: m(rounds.map((x) => x.openMs)),
    rssAddedKb: m(rounds.map((x) => x.rssAddedKb)),
    threadsAdded: m(rounds.map((x) => x.threadsAdded)),
    latencyMedianMs: m(arrived),
    latencyMaxMs: arrived.length ? Math.max(...arrived) : NaN,
    lost: latencies.length - arrived.length,
    overflows: rounds.reduce((a, x) => a + x.overflows, 0),
  };
}

export async function runNamespacesScenario(s: NamespacesScenario, all: readonly NamespacesContender[],
  reps: number | undefined): Promise<NamespacesReport> {
  const contenders = all.filter((c) => !s.contenders || s.contenders.includes(c.id));
  for (const c of all) {
    if (!contenders.includes(c)) process.stderr.write(`${s.name}: ${c.label} not run (${s.why ?? 'not in this scenario'})\n`);
  }
  if (!contenders.length) return { scenario: s, results: [] };
  process.stderr.write(`\n${s.name}: creating ${s.count} namespaces... `);
  const pool = new NetnsPool('nsb', s.count);
  // Every name is PREFIX + index (NetnsPool), which is how the contender is told them.
  const prefix = pool.names[0].slice(0, -1);
  process.stderr.write('done\n');
  const results: NamespacesResult[] = [];
  // Numbers the rounds of all contenders: each round's probe addresses are new to the shared namespaces.
  let seq = 0;
  try {
    for (const c of contenders) {
      const n = Math.min(s.count, c.cap ?? s.count);
      if (n < s.count) process.stderr.write(`${c.label}: capped at ${n} namespaces\n`);
      const reports: ProbeReport[] = [];
      const closes: number[] = [];
      const failures: string[] = [];
      for (let r = 0; r < (reps ?? s.rounds); r++) {
        try {
          const x = await round(s, c, prefix, n, seq++);
          reports.push(x.report);
          closes.push(x.closeMs);
          process.stderr.write('.');
        } catch (e) {
          failures.push(`round ${r + 1}: ${(e as Error).message}`);
          process.stderr.write(`\n  FAILED ${c.label}: ${(e as Error).message}\n`);
        }
      }
      process.stderr.write('\n');
      results.push(summarise(c, n, reports, closes, failures));
    }
  } finally {
    pool.delete();
  }
  return { scenario: s, results };
}

export function printNamespacesScenario(rep: NamespacesReport): void {
  const s = rep.scenario;
  if (!rep.results.length) {
    console.log(`\n## ${s.name}: no contender ran`);
    return;
  }
  console.log(`\n## ${s.name}: ${s.count} namespaces, each listed and watched (link, address, route); ` +
    `medians over rounds; latency over ${s.probes} changes a round`);
  const w = Math.max(46, ...rep.results.map((r) => r.label.length + 2));
  console.log(`${'contender'.padEnd(w)}${'netns'.padStart(6)}${'open'.padStart(10)}${'RSS added'.padStart(11)}` +
    `${'/ netns'.padStart(10)}${'threads'.padStart(9)}${'event med'.padStart(11)}${'event max'.padStart(11)}` +
    `${'lost'.padStart(6)}${'overflow'.padStart(10)}${'close'.padStart(10)}`);
  const ms = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');
  for (const r of rep.results) {
    const ran = r.rounds.length > 0;
    const mib = r.rssAddedKb / 1024;
    console.log(`${r.label.padEnd(w)}${String(r.opened).padStart(6)}` +
      `${(ran ? fmtTime(r.openMs / 1e3) : '—').padStart(10)}${(ran ? `${mib.toFixed(0)} MiB` : '—').padStart(11)}` +
      `${(ran ? `${(mib / r.opened).toFixed(2)} MiB` : '—').padStart(10)}${(ran ? String(r.threadsAdded) : '—').padStart(9)}` +
      `${ms(r.latencyMedianMs).padStart(11)}${ms(r.latencyMaxMs).padStart(11)}${String(r.lost).padStart(6)}` +
      `${String(r.overflows).padStart(10)}${(r.closeMs.length ? fmtTime(median(r.closeMs) / 1e3) : '—').padStart(10)}`);
  }
  console.log('(an event\'s time runs from writing the change to an `ip -batch` already running in that namespace)');
  for (const r of rep.results) for (const f of r.failures) console.log(`!!! FAILED ${s.name}, ${r.label}: ${f}`);
}
