/**
 * The writes scenarios of `npm run bench -- --scenarios writes` (issue 23):
 * route adds, route deletes, veth pair adds, each contender
 * (bench/writes/contenders.ts) awaiting its kernel's acks its own way.
 *
 * A turn is one contender in a fresh namespace (bench/writes/scenarios.ts
 * fills it): its process starts there, warms up on ops of its own, then
 * runs the scenario's ops, timed inside the process; the kernel's count of
 * routes or links before and after must differ by exactly the ops, or the
 * turn is reported as a MISMATCH. Contenders take turns, the order
 * rotating every round, so a busy spell of the machine hits them all alike.
 */
import { withNetns } from '../../test/helpers/netns.js';
import type { Contender } from '../contenders.js';
import { fmtMb, fmtTime } from '../format.js';
import { LineProcess } from '../line_process.js';
import { median } from '../stats.js';
import { C_LOOP, NODE_CONTENDERS } from './contenders.js';
import { WARM_BASE } from './ops.js';
import { formatCommand, parseAnswer, type Answer } from './protocol.js';
import {
  contenderRuns, expectedChange, kernelCount, prepare, release, warmUpPlan, type WriteScenario,
} from './scenarios.js';

export interface WriteResult {
  id: string;
  label: string;
  /** Seconds per turn, for the scenario's ops. */
  samples: number[];
  median: number;
  min: number;
  max: number;
  perOpUs: number;
  /** median / the C loop's median, when it ran. */
  vsC?: number;
  /** The largest VmHWM of its process over the turns (KiB); and of its helper (ip), if any, which is what counts then. */
  rssKb: number;
  helperRssKb?: number;
  /** The largest event-loop delay over the turns, and the median of each turn's 99th percentile. */
  eldMaxMs?: number;
  eldP99Ms?: number;
  /** Turns whose kernel count was not what the ops make it, or that failed. */
  mismatches: string[];
}

export interface WriteReport {
  scenario: WriteScenario;
  results: WriteResult[];
}

interface Turn {
  seconds: number;
  answer: Answer;
  rssKb: number;
  problem?: string;
}

/** No op is expected to take longer than this; a contender quiet for longer is stuck. */
const ANSWER_TIMEOUT_MS = (count: number): number => 120_000 + 10 * count;

async function warmUp(p: LineProcess, s: WriteScenario, ifindex: number): Promise<void> {
  const { chunk, maxOps, seconds } = warmUpPlan(s);
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < maxOps && (done === 0 || Number(process.hrtime.bigint() - t0) / 1e9 < seconds); done += chunk) {
    p.send(formatCommand({ op: s.op, first: WARM_BASE + done, count: chunk, ifindex }));
    const a = parseAnswer(await p.line(ANSWER_TIMEOUT_MS(chunk)));
    if (a.done !== chunk) throw new Error(`warm-up: ${a.done} of ${chunk} ops done\n${p.errors}`);
  }
}

/** One contender's turn in a namespace of its own, deleted afterwards whatever happens. */
function turn(s: WriteScenario, c: Contender): Promise<Turn> {
  return withNetns('bw', async (ns) => {
    try {
      const ifindex = prepare(ns, s);
      const p = new LineProcess(c.label, c.command, ns);
      try {
        await warmUp(p, s, ifindex);
        const before = kernelCount(ns, s.op);
        p.send(formatCommand({ op: s.op, first: 0, count: s.count, ifindex }));
        const answer = parseAnswer(await p.line(ANSWER_TIMEOUT_MS(s.count)));
        const change = kernelCount(ns, s.op) - before;
        const rssKb = p.peakRssKb();
        const want = expectedChange(s);
        const problem = change !== want || answer.done !== s.count
          ? `${answer.done} of ${s.count} ops reported done; the kernel's count changed by ${change}, not ${want}` +
            (p.errors ? `\n${p.errors.trim()}` : '')
          : undefined;
        return { seconds: answer.ns / 1e9, answer, rssKb, problem };
      } finally {
        await p.close();
      }
    } finally {
      release(ns);
    }
  });
}

function summarise(c: Contender, turns: Turn[], mismatches: string[]): WriteResult {
  const samples = turns.map((t) => t.seconds);
  const m = samples.length ? median(samples) : NaN;
  const eld = turns.map((t) => t.answer.eldMaxNs).filter((x): x is number => x !== undefined);
  const p99 = turns.map((t) => t.answer.eldP99Ns).filter((x): x is number => x !== undefined);
  const helper = turns.map((t) => t.answer.helperRssKb).filter((x): x is number => x !== undefined);
  return {
    id: c.id, label: c.label, samples, median: m, min: Math.min(...samples), max: Math.max(...samples),
    perOpUs: NaN, rssKb: turns.length ? Math.max(...turns.map((t) => t.rssKb)) : NaN,
    helperRssKb: helper.length ? Math.max(...helper) : undefined,
    eldMaxMs: eld.length && NODE_CONTENDERS.has(c.id) ? Math.max(...eld) / 1e6 : undefined,
    eldP99Ms: p99.length && NODE_CONTENDERS.has(c.id) ? median(p99) / 1e6 : undefined,
    mismatches,
  };
}

export async function runWriteScenario(s: WriteScenario, all: readonly Contender[],
  reps: number | undefined): Promise<WriteReport> {
  const contenders = all.filter((c) => contenderRuns(s, c.id));
  if (!contenders.length) {
    process.stderr.write(`\n${s.name}: none of its contenders (${s.contenders?.join(', ')}) can run\n`);
    return { scenario: s, results: [] };
  }
  const rounds = reps ?? s.rounds;
  process.stderr.write(`\n${s.name}: ${s.count} ${s.op} ops, ${contenders.length} contenders, ${rounds} rounds, ` +
    'a fresh namespace per turn\n');
  const turns = new Map<Contender, Turn[]>(contenders.map((c) => [c, []]));
  const mismatches = new Map<Contender, string[]>(contenders.map((c) => [c, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + round) % contenders.length];
      let t: Turn | undefined;
      try {
        t = await turn(s, c);
      } catch (e) {
        mismatches.get(c)?.push(`round ${round + 1}: failed: ${(e as Error).message}`);
      }
      if (t) turns.get(c)?.push(t);
      if (t?.problem) mismatches.get(c)?.push(`round ${round + 1}: ${t.problem}`);
      const bad = !t || t.problem;
      process.stderr.write(bad ? `\n  MISMATCH ${c.label}: ${mismatches.get(c)?.at(-1)}\n` : '.');
    }
  }
  process.stderr.write('\n');
  const results = contenders.map((c) => summarise(c, turns.get(c) ?? [], mismatches.get(c) ?? []));
  const ref = results.find((r) => r.id === C_LOOP.id)?.median;
  for (const r of results) {
    r.perOpUs = (r.median / s.count) * 1e6;
    if (ref && r.samples.length) r.vsC = r.median / ref;
  }
  return { scenario: s, results };
}

export function printWriteScenario(rep: WriteReport): void {
  const s = rep.scenario;
  if (!rep.results.length) {
    console.log(`\n## ${s.name}: no contender ran`);
    return;
  }
  const rounds = Math.max(0, ...rep.results.map((r) => r.samples.length));
  console.log(`\n## ${s.name}: ${s.count} ${s.op} ops, awaited as each contender does (median of ${rounds} turns)`);
  const w = Math.max(40, ...rep.results.map((r) => r.label.length + 2));
  console.log(`${'contender'.padEnd(w)}${'median'.padStart(10)}${'per op'.padStart(10)}${'vs C'.padStart(9)}` +
    `${'min'.padStart(10)}${'max'.padStart(10)}${'peak RSS'.padStart(13)}${'EL max'.padStart(10)}` +
    `${'EL p99'.padStart(9)}  kernel`);
  const ms = (x: number | undefined): string => (x !== undefined ? `${x.toFixed(1)} ms` : '—');
  for (const r of rep.results) {
    const ran = r.samples.length > 0;
    // A whole-process contender's RSS is its helper's (ip's), not that of the script starting it.
    const rss = r.helperRssKb !== undefined ? `${fmtMb(r.helperRssKb)} (ip)` : fmtMb(r.rssKb);
    console.log(`${r.label.padEnd(w)}${(ran ? fmtTime(r.median) : '—').padStart(10)}` +
      `${(ran ? `${r.perOpUs.toFixed(1)} µs` : '—').padStart(10)}` +
      `${(r.vsC !== undefined ? `${r.vsC.toFixed(2)}×` : '—').padStart(9)}` +
      `${(ran ? fmtTime(r.min) : '—').padStart(10)}${(ran ? fmtTime(r.max) : '—').padStart(10)}` +
      `${(ran ? rss : '—').padStart(13)}${ms(r.eldMaxMs).padStart(10)}${ms(r.eldP99Ms).padStart(9)}` +
      `  ${r.mismatches.length ? `MISMATCH (${r.mismatches.length})` : 'ok'}`);
  }
  for (const r of rep.results) {
    for (const m of r.mismatches) console.log(`!!! MISMATCH ${s.name}, ${r.label}: ${m}`);
  }
}
