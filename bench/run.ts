/**
 * `npm run bench`: every contender (bench/contenders.ts) dumps every
 * scenario (bench/scenarios.ts) in the same run. Per scenario, each
 * contender is one long-lived process inside the scenario's namespace; after
 * warming up (a few dumps, and at least a second), the contenders take
 * turns, one dump each per round (the order rotates every round), so a slow
 * spell of the machine hits them all alike. Prints medians, ratios to the raw read, peak RSS and the event-loop
 * delay of Node contenders, then the main-thread metrics (bench/facade.ts)
 * and the project's targets; writes report.json and report.svg.
 *
 * Those are the dumps; `--scenarios writes` runs the writes instead (route
 * and veth adds and deletes, each contender a process per turn in a fresh
 * namespace: bench/writes/run.ts) and the CLI start-up medians, and
 * `--scenarios namespaces` opens the typed client on 100 and 500
 * namespaces (bench/namespaces/run.ts). Sets and single scenarios mix:
 * `--scenarios dumps,route-add-10k`.
 *
 *   npm run bench -- [--scenarios dumps|writes|namespaces|routes-1k,...] [--contenders raw,libnl,...]
 *                    [--reps N] [--extra-native LABEL=PATH/TO/libnl-dump]...
 *                    [--out DIR] [--keep-netns]
 *
 * Needs root (network namespaces). Run as a benchmark, never under vitest.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../dist/host/paths.js';
import { CONTENDERS, RAW, cContender, type Contender } from './contenders.js';
import { SCENARIOS, createScenario, destroyScenario, netnsName, type Scenario } from './scenarios.js';
import { fmtMb, fmtTime } from './format.js';
import { LineProcess } from './line_process.js';
import { median } from './stats.js';
import { barChart } from './svg.js';
import { NAMESPACES_CONTENDERS, printNamespacesScenario, runNamespacesScenario, NAMESPACES_SCENARIOS,
  type NamespacesReport } from './namespaces/run.js';
import { namespacesTargets } from './namespaces/targets.js';
import { C_LOOP, WRITE_CONTENDERS } from './writes/contenders.js';
import { printWriteScenario, runWriteScenario, type WriteReport } from './writes/run.js';
import { WRITE_SCENARIOS } from './writes/scenarios.js';
import { measureStartup, printStartup, type StartupRow } from './writes/startup.js';
import { writesTargets } from './writes/targets.js';
import type { DumpKind } from './child.js';
import type { FacadeResult } from './facade.js';
import type { Target } from './target.js';

/**
 * Least warm-up dumps, timed rounds and dumps per turn, by scenario size.
 * A dump of a small table takes well under a millisecond, and the first
 * one of a turn runs with caches the other contenders' dumps have just
 * filled: it measures how a process fares cold, not how fast it dumps. So
 * each turn there is a burst of dumps; the first is reported on its own,
 * the median is over the rest (warm, as the issue measures).
 */
function plan(s: Scenario): { warmup: number; reps: number; burst: number } {
  if (s.count >= 100_000) return { warmup: 1, reps: 5, burst: 1 };
  if (s.count >= 10_000) return { warmup: 2, reps: 11, burst: 1 };
  return { warmup: 3, reps: 21, burst: 5 };
}

/**
 * Warm-up also lasts this long per contender (at most WARMUP_MAX dumps):
 * V8 compiles wasm with its baseline tier first and optimises hot functions
 * later, which takes a few dozen small dumps.
 */
const WARMUP_SECONDS = 1;
const WARMUP_MAX = 1000;

/** One dump can take this long before the contender is declared stuck. */
const DUMP_TIMEOUT_MS = 300_000;

interface Sample {
  items: number;
  seconds: number;
  eventLoopDelayMs?: number;
  eventLoopDelayP99Ms?: number;
}

/** A contender's process, driven over its stdin/stdout (bench/child.ts). */
class Running {
  private readonly proc: LineProcess;

  constructor(readonly contender: Contender, netns: string) {
    this.proc = new LineProcess(contender.label, contender.command, netns);
  }

  async dump(kind: DumpKind): Promise<Sample> {
    return (await this.dumps(kind, 1))[0];
  }

  /** `n` dumps back to back: the requests are written at once, so none waits for this process. */
  async dumps(kind: DumpKind, n: number): Promise<Sample[]> {
    this.proc.send(`${kind}\n`.repeat(n));
    const out: Sample[] = [];
    for (let i = 0; i < n; i++) {
      const line = await this.proc.line(DUMP_TIMEOUT_MS);
      const [items, ns, eld, p99] = line.trim().split(/\s+/).map(Number);
      if (!Number.isFinite(items) || !Number.isFinite(ns)) throw new Error(`${this.contender.label}: bad answer ${line}`);
      out.push({ items, seconds: ns / 1e9, eventLoopDelayMs: eld === undefined ? undefined : eld / 1e6,
        eventLoopDelayP99Ms: p99 === undefined ? undefined : p99 / 1e6 });
    }
    return out;
  }

  peakRssKb(): number {
    return this.proc.peakRssKb();
  }

  close(): Promise<void> {
    return this.proc.close();
  }
}

interface Result {
  id: string;
  label: string;
  items: number;
  samples: number[];
  /** Over the warm dumps: all of them, or all but each turn's first when turns are bursts. */
  median: number;
  /** The median of each turn's first dump, when turns are bursts. */
  firstOfTurnMedian?: number;
  min: number;
  max: number;
  rssKb: number;
  helperRssKb?: number;
  eventLoopDelayMaxMs?: number;
  /** The median over dumps of each dump's largest delay: a typical dump's worst moment. */
  eventLoopDelayMedianMaxMs?: number;
  /** The median over dumps of each dump's 99th percentile. */
  eventLoopDelayP99Ms?: number;
}

interface ScenarioReport {
  scenario: Scenario;
  fillSeconds: number;
  results: Result[];
}

async function runScenario(s: Scenario, contenders: readonly Contender[], reps: number | undefined,
  keep: boolean): Promise<ScenarioReport> {
  process.stderr.write(`\n${s.name}: creating namespace ${netnsName(s)}... `);
  const fillSeconds = createScenario(s);
  process.stderr.write(`${s.count} ${s.kind}s in ${fillSeconds.toFixed(2)} s\n`);
  const running = contenders.map((c) => new Running(c, netnsName(s)));
  try {
    const p = plan(s);
    for (const r of running) {
      const t0 = process.hrtime.bigint();
      const elapsed = (): number => Number(process.hrtime.bigint() - t0) / 1e9;
      for (let n = 0; n < p.warmup || (elapsed() < WARMUP_SECONDS && n < WARMUP_MAX); n++) await r.dump(s.kind);
      process.stderr.write('w');
    }
    const rounds = reps ?? p.reps;
    const samples = new Map<Running, Sample[]>(running.map((r) => [r, []]));
    const firsts = new Map<Running, number[]>(running.map((r) => [r, []]));
    for (let round = 0; round < rounds; round++) {
      process.stderr.write('.');
      for (let k = 0; k < running.length; k++) {
        const r = running[(k + round) % running.length];
        const [first, ...rest] = await r.dumps(s.kind, p.burst);
        if (p.burst > 1) firsts.get(r)?.push(first.seconds);
        samples.get(r)?.push(...(p.burst > 1 ? rest : [first]));
      }
    }
    process.stderr.write('\n');
    const results: Result[] = [];
    for (const r of running) {
      const ss = samples.get(r) ?? [];
      const times = ss.map((x) => x.seconds);
      const first = firsts.get(r) ?? [];
      const eld = ss.map((x) => x.eventLoopDelayMs).filter((x): x is number => x !== undefined);
      const p99 = ss.map((x) => x.eventLoopDelayP99Ms).filter((x): x is number => x !== undefined);
      results.push({
        id: r.contender.id,
        label: r.contender.label,
        items: ss[0]?.items ?? 0,
        samples: times,
        median: median(times),
        firstOfTurnMedian: first.length ? median(first) : undefined,
        min: Math.min(...times),
        max: Math.max(...times),
        rssKb: r.peakRssKb(),
        helperRssKb: r.contender.helperRssKb?.(netnsName(s), s.kind),
        eventLoopDelayMaxMs: eld.length ? Math.max(...eld) : undefined,
        eventLoopDelayMedianMaxMs: eld.length ? median(eld) : undefined,
        eventLoopDelayP99Ms: p99.length ? median(p99) : undefined,
      });
    }
    return { scenario: s, fillSeconds, results };
  } finally {
    await Promise.all(running.map((r) => r.close()));
    if (!keep) destroyScenario(s);
  }
}

function printScenario(rep: ScenarioReport): void {
  const raw = rep.results.find((r) => r.id === RAW.id)?.median;
  const counts = new Set(rep.results.map((r) => r.items));
  console.log(`\n## ${rep.scenario.name}: ${[...counts].join(' / ')} items ` +
    `(namespace filled in ${rep.fillSeconds.toFixed(2)} s)${counts.size > 1 ? '  ITEM COUNTS DIFFER' : ''}`);
  const w = Math.max(34, ...rep.results.map((r) => r.label.length + 2));
  const bursts = rep.results.some((r) => r.firstOfTurnMedian !== undefined);
  if (bursts) console.log("median, min, max, EL: over each turn's dumps but the first; 1st of turn: the median of those firsts");
  console.log(`${'contender'.padEnd(w)}${'median'.padStart(10)}${'vs raw'.padStart(9)}` +
    `${bursts ? '1st of turn'.padStart(13) : ''}${'min'.padStart(10)}` +
    `${'max'.padStart(10)}${'peak RSS'.padStart(13)}${'EL max'.padStart(10)}${'EL med'.padStart(9)}` +
    `${'EL p99'.padStart(9)}${'items'.padStart(9)}`);
  for (const r of rep.results) {
    const rss = r.helperRssKb !== undefined ? `${fmtMb(r.rssKb)}+${(r.helperRssKb / 1024).toFixed(0)}` : fmtMb(r.rssKb);
    const eld = r.eventLoopDelayMaxMs !== undefined ? `${r.eventLoopDelayMaxMs.toFixed(1)} ms` : '—';
    const eldMedian = r.eventLoopDelayMedianMaxMs !== undefined ? `${r.eventLoopDelayMedianMaxMs.toFixed(1)} ms` : '—';
    const p99 = r.eventLoopDelayP99Ms !== undefined ? `${r.eventLoopDelayP99Ms.toFixed(1)} ms` : '—';
    console.log(`${r.label.padEnd(w)}${fmtTime(r.median).padStart(10)}` +
      `${(raw ? `${(r.median / raw).toFixed(1)}×` : '—').padStart(9)}` +
      `${bursts ? (r.firstOfTurnMedian !== undefined ? fmtTime(r.firstOfTurnMedian) : '—').padStart(13) : ''}` +
      `${fmtTime(r.min).padStart(10)}` +
      `${fmtTime(r.max).padStart(10)}${rss.padStart(13)}${eld.padStart(10)}${eldMedian.padStart(9)}${p99.padStart(9)}${String(r.items).padStart(9)}`);
  }
}

function runFacade(): FacadeResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(packageRoot, 'bench', 'facade.ts'), '--json'],
    { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.toString()) as FacadeResult;
}

function targets(reports: readonly ScenarioReport[], facade: FacadeResult | undefined): Target[] {
  const out: Target[] = [];
  const find = (scenario: string, id: string): Result | undefined =>
    reports.find((r) => r.scenario.name === scenario)?.results.find((r) => r.id === id);
  for (const rep of reports) {
    const native = rep.results.find((r) => r.id === 'libnl');
    for (const id of ['wasm-sync', 'wasm-spawn']) {
      const w = rep.results.find((r) => r.id === id);
      if (!native || !w) continue;
      const ratio = w.median / native.median;
      const burst = w.firstOfTurnMedian !== undefined && native.firstOfTurnMedian !== undefined;
      out.push({ what: `${rep.scenario.name}: ${id} / libnl native (same source) ≤ 1.25×${burst ? ', warm' : ''}`,
        value: `${ratio.toFixed(2)}×`, met: ratio <= 1.25 });
      if (!burst) continue;
      const first = (w.firstOfTurnMedian as number) / (native.firstOfTurnMedian as number);
      out.push({ what: `${rep.scenario.name}: ${id} / libnl native (same source) ≤ 1.25×, first dump of a turn`,
        value: `${first.toFixed(2)}×`, met: first <= 1.25 });
    }
  }
  const debian = find('routes-100k', 'debian');
  for (const id of ['wasm-sync', 'wasm-spawn']) {
    const w = find('routes-100k', id);
    if (!debian || !w) continue;
    const share = w.median / debian.median;
    out.push({ what: `routes-100k: ${id} / unpatched native libnl (Debian's) ≤ 10 %`,
      value: `${(share * 100).toFixed(1)} %`, met: share <= 0.1 });
  }
  for (const [scenario, limit] of [['routes-100k', 6], ['links-10k', 2.5]] as const) {
    for (const id of ['client-stream', 'client-stream-ra']) {
      const raw = find(scenario, RAW.id);
      const stream = find(scenario, id);
      if (!raw || !stream) continue;
      const ratio = stream.median / raw.median;
      out.push({ what: `${scenario}: ${id} / raw read ≤ ${limit}×`,
        value: `${ratio.toFixed(2)}×`, met: ratio <= limit });
      if (scenario !== 'routes-100k') continue;
      for (const peer of ['ip-json', 'netlink-npm']) {
        const p = find(scenario, peer);
        if (!p) continue;
        const speedup = p.median / stream.median;
        out.push({ what: `${scenario}: ${id} ≥ 3× faster than ${peer}`,
          value: `${speedup.toFixed(2)}×`, met: speedup >= 3 });
      }
    }
  }
  const npmRss = find('routes-100k', 'netlink-npm')?.rssKb;
  for (const id of ['wasm-spawn', 'client-list', 'client-stream']) {
    const r = find('routes-100k', id);
    if (npmRss === undefined || !r) continue;
    out.push({ what: `routes-100k: peak RSS of ${id} ≤ npm netlink's (${fmtMb(npmRss)})`,
      value: fmtMb(r.rssKb), met: r.rssKb <= npmRss });
  }
  for (const id of ['wasm-spawn', 'wasm-spawn-ra', 'client-list', 'client-stream', 'client-stream-ra']) {
    const r = find('routes-100k', id);
    const eld = r?.eventLoopDelayMaxMs;
    if (eld === undefined) continue;
    out.push({ what: `routes-100k: event-loop delay (max over dumps) of ${id} ≤ 5 ms`,
      value: `${eld.toFixed(1)} ms (median dump's largest ${r?.eventLoopDelayMedianMaxMs?.toFixed(1) ?? '—'} ms, ` +
        `p99 ${r?.eventLoopDelayP99Ms?.toFixed(1) ?? '—'} ms)`, met: eld <= 5 });
  }
  if (facade) {
    const us = facade.trivialCallMs.median * 1000;
    out.push({ what: 'trivial call round trip from the main thread, median ≤ 25 µs',
      value: `${us.toFixed(1)} µs`, met: us <= 25 });
    const cold = facade.coldStartMs.median;
    out.push({ what: 'Libnl.spawn() to first call (libnl.wasm compiled), median ≤ 80 ms',
      value: `${cold.toFixed(1)} ms`, met: cold <= 80 });
  }
  return out;
}

/** The pseudo-scenario of the CLI start-up medians (in the writes set: issue 23). */
const STARTUP = 'cli-startup';

/** The scenario sets --scenarios names, besides single scenarios; without it, the dumps run. */
const SETS: Record<string, readonly string[]> = {
  dumps: SCENARIOS.map((s) => s.name),
  writes: [...WRITE_SCENARIOS.map((s) => s.name), STARTUP],
  namespaces: NAMESPACES_SCENARIOS.map((s) => s.name),
};

/** The contenders that can run here, each skipped one said why. */
function runnable<T extends Contender>(all: readonly T[]): T[] {
  return all.filter((c) => {
    const why = c.missing();
    if (why) process.stderr.write(`skipping ${c.label}: ${why}\n`);
    return !why;
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenarios: { type: 'string' },
      contenders: { type: 'string' },
      reps: { type: 'string' },
      'extra-native': { type: 'string', multiple: true },
      out: { type: 'string', default: join(packageRoot, 'build', 'bench') },
      'keep-netns': { type: 'boolean', default: false },
    },
  });
  if (process.getuid?.() !== 0) throw new Error('the benchmark creates network namespaces: run it as root');
  // Exit handlers delete the namespaces made so far (test/helpers/netns.ts, NetnsPool).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

  const known = new Set(Object.values(SETS).flat());
  const wanted = new Set((values.scenarios ?? 'dumps').split(',').flatMap((w) => {
    if (SETS[w]) return SETS[w];
    if (!known.has(w)) throw new Error(`unknown scenario: ${w} (sets: ${Object.keys(SETS).join(', ')})`);
    return [w];
  }));
  const contenderIds = values.contenders?.split(',');
  const allIds = new Set([...CONTENDERS, ...WRITE_CONTENDERS, ...NAMESPACES_CONTENDERS].map((c) => c.id));
  const unknownIds = contenderIds?.filter((id) => !allIds.has(id)) ?? [];
  if (unknownIds.length) throw new Error(`unknown contender: ${unknownIds.join(', ')}`);
  /** The set's contenders --contenders names (all without it), with `always` among them. */
  const pick = <T extends Contender>(all: readonly T[], always?: T): T[] => {
    const chosen = all.filter((c) => !contenderIds || contenderIds.includes(c.id));
    return always && !chosen.includes(always) ? [always, ...chosen] : chosen;
  };

  const scenarios = SCENARIOS.filter((s) => wanted.has(s.name));
  const extra = (values['extra-native'] ?? []).map((spec, i) => {
    const eq = spec.indexOf('=');
    if (eq < 1) throw new Error(`--extra-native wants LABEL=PATH, got ${spec}`);
    return cContender(`extra${i + 1}`, spec.slice(0, eq), spec.slice(eq + 1));
  });
  const contenders = scenarios.length ? runnable([...pick(CONTENDERS, RAW), ...extra]) : [];
  const writeScenarios = WRITE_SCENARIOS.filter((s) => wanted.has(s.name));
  const writeContenders = writeScenarios.length ? runnable(pick(WRITE_CONTENDERS, C_LOOP)) : [];
  const nsScenarios = NAMESPACES_SCENARIOS.filter((s) => wanted.has(s.name));
  const nsContenders = nsScenarios.length ? runnable(pick(NAMESPACES_CONTENDERS)) : [];
  const reps = values.reps !== undefined ? Number(values.reps) : undefined;

  const reports: ScenarioReport[] = [];
  for (const s of scenarios) reports.push(await runScenario(s, contenders, reps, values['keep-netns']));
  const writes: WriteReport[] = [];
  for (const s of writeScenarios) writes.push(await runWriteScenario(s, writeContenders, reps));
  let startup: StartupRow[] | undefined;
  if (wanted.has(STARTUP)) {
    process.stderr.write('\nCLI start-up...\n');
    startup = await measureStartup();
  }
  const namespaces: NamespacesReport[] = [];
  for (const s of nsScenarios) namespaces.push(await runNamespacesScenario(s, nsContenders, reps));
  process.stderr.write('\nmain-thread metrics (bench/facade.ts)...\n');
  const facade = runFacade();

  console.log(`# libnl-wasm benchmark (${new Date().toISOString()}, node ${process.version})`);
  if (reports.length) {
    console.log('median wall time per dump; "vs raw": ratio to the raw netlink read; peak RSS: VmHWM of the');
    console.log("contender's process (+ ip's own for ip -j); EL max: largest event-loop delay during any dump; " +
      "EL med: median over dumps of each dump's largest; EL p99: median over dumps of the 99th percentile.");
  }
  for (const rep of reports) printScenario(rep);
  if (writes.length) {
    console.log('\nwrites: median wall time of a turn\'s ops; "vs C": ratio to the C libnl loop; peak RSS: VmHWM of ' +
      "the contender's process (ip's own for ip -batch); EL max: largest event-loop delay of any turn; EL p99: " +
      "median of the turns' 99th percentiles; kernel: the kernel's count changed by exactly the ops in every turn.");
  }
  for (const rep of writes) printWriteScenario(rep);
  if (startup) printStartup(startup);
  for (const rep of namespaces) printNamespacesScenario(rep);
  const f = facade;
  console.log('\n## main thread (Libnl.spawn)');
  console.log(`trivial call round trip: median ${(f.trivialCallMs.median * 1000).toFixed(1)} µs, ` +
    `p90 ${(f.trivialCallMs.p90 * 1000).toFixed(1)} µs (n=${f.trivialCallMs.n})`);
  console.log(`a call in a loop of setters: median ${(f.setterCallMs.median * 1000).toFixed(1)} µs, ` +
    `p90 ${(f.setterCallMs.p90 * 1000).toFixed(1)} µs (n=${f.setterCallMs.n} routes of ten calls)`);
  console.log(`Libnl.spawn() to first call: median ${f.coldStartMs.median.toFixed(1)} ms (n=${f.coldStartMs.n})`);
  const t = [...targets(reports, facade), ...(writes.length || startup ? writesTargets(writes, startup, facade) : []),
    ...namespacesTargets(namespaces)];
  console.log('\n## targets');
  for (const x of t) console.log(`${x.met ? 'met   ' : 'MISSED'}  ${x.what}: ${x.value}`);

  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'report.json'),
    JSON.stringify({ reports, writes, startup, namespaces, facade, targets: t }, null, 2) + '\n');
  const written = [join(values.out, 'report.json')];
  if (reports.length) {
    const chart = barChart('libnl-wasm benchmark: one dump, median', reports.map((r) => r.scenario.name),
      contenders.map((c) => ({
        label: c.label,
        values: reports.map((r) => r.results.find((x) => x.id === c.id)?.median ?? null),
      })));
    writeFileSync(join(values.out, 'report.svg'), chart);
    written.push(join(values.out, 'report.svg'));
  }
  console.log(`\nwritten: ${written.join(', ')}`);
}

await main();
