/**
 * The long fuzzing run of libnl's receive path and parsers in wasm (see
 * test/helpers/fuzz_cases.ts for what a case is). Cases are split over
 * worker threads, each with its own libnl instance behind a fake kernel.
 * A trap replaces the instance inside its worker; a worker that dies (it
 * should never happen) is replaced and the case it was running is saved.
 * The first case of every distinct trap site is written to
 * test/fuzz-regressions/, which test/unit/fuzz_regressions.test.ts replays.
 * A trapping case is run again in a fresh instance first: one that runs
 * cleanly there trapped on damage an earlier case of its instance left
 * (the summary counts it, with the instance's first case, and saves nothing).
 *
 *   node --import tsx bench/fuzz.ts --cases 1000000 [--seed S] [--workers W] [--checked] [--minutes M]
 *     [--targets xfrm,netfilter/exp]
 *
 * --targets runs only the cases whose target (route/link, xfrm/sa, ...) is
 * or starts with one of the comma-separated names; the others are generated
 * (so that a case keeps its seed/index) but skipped and not counted.
 * --minutes (or Ctrl-C) ends the run early, with the summary of the cases run.
 * --checked runs the SAFE_HEAP build (build/wasm-checked): NULL and
 * out-of-bounds accesses trap there as they would crash natively (the
 * release build reads address 0 silently), at about a third of the speed.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../dist/host/paths.js';
import { libnlModulePath } from '../dist/libnl/module_path.js';
import {
  makeCase, makePool, saveRegression, savedRegressions, toRegression, type Corpus, type RegressionFile,
} from '../test/helpers/fuzz_cases.js';
import { FuzzRunner, outcomeKey, type Outcome, type RunnerStats } from '../test/helpers/fuzz_run.js';

interface Job {
  seed: number;
  checked: boolean;
  /** Case indexes first..end (exclusive), every `stride`-th. */
  first: number;
  end: number;
  stride: number;
  /** Where the worker writes the index it is running (for a post-mortem). */
  current: SharedArrayBuffer;
  slot: number;
  /** Non-zero: stop after the case being run (time is up, or Ctrl-C). */
  stop: SharedArrayBuffer;
  /** Run only these targets (or those under them); empty: all. */
  targets: string[];
}

/** What a worker reports, every REPORT_EVERY cases and at the end. */
interface Report {
  done: number;
  /** The index the worker runs next. */
  next: number;
  counts: Record<string, number>;
  /** First case of each trap site met in this batch. */
  traps: Array<{ key: string; regression: RegressionFile }>;
  stats?: RunnerStats;
}

const REPORT_EVERY = 500;
const HANG_MS = 30_000;
const MAX_START_FAILURES = 10;
const UNRECORDED = 'unrecorded (ran in a worker that was ended)';
/** A trap that the case does not cause alone (see workerMain): counted, not saved. */
const DELAYED = 'trap-after-earlier-cases';
const corpusPath = join(packageRoot, 'test', 'fuzz-corpus', 'corpus.json');
const regressionDir = join(packageRoot, 'test', 'fuzz-regressions');
const buildName = (checked: boolean): RegressionFile['build'] => (checked ? 'checked' : 'release');

function workerMain(job: Job): void {
  const pool = makePool(JSON.parse(readFileSync(corpusPath, 'utf8')) as Corpus);
  const runner = new FuzzRunner(libnlModulePath(job.checked));
  // Replays a trapping case in an instance of its own: a trap that does
  // not come again there is the damage of an earlier case of the same
  // instance (a use after free, a heap overflow), not this case's bug.
  const alone = new FuzzRunner(libnlModulePath(job.checked), 1);
  let instanceFirst = job.first;
  let instances = runner.stats.instances;
  const current = new Int32Array(job.current);
  const seen = new Set<string>();
  let report: Report = { done: 0, next: job.first, counts: {}, traps: [] };
  const flush = (next: number, stats?: RunnerStats): void => {
    parentPort?.postMessage({ ...report, next, stats });
    report = { done: 0, next, counts: {}, traps: [] };
  };
  const stop = new Int32Array(job.stop);
  let i = job.first;
  for (; i < job.end && !Atomics.load(stop, 0); i += job.stride) {
    Atomics.store(current, job.slot, i);
    const c = makeCase(pool, job.seed, i);
    if (!wanted(job.targets, c.target)) continue;
    const o: Outcome = runner.run(c);
    let key = outcomeKey(c, o);
    if (o.class === 'trap' && alone.run(c).class !== 'trap') key = `${DELAYED}:${c.target}:${o.call}:${o.reason} (instance from case ${instanceFirst})`;
    report.counts[key] = (report.counts[key] ?? 0) + 1;
    if (o.class !== 'ok' && o.class !== 'nlerror' && !key.startsWith(DELAYED) && !seen.has(key)) {
      seen.add(key);
      report.traps.push({ key, regression: toRegression(c, key, `${job.seed}/${i}`, buildName(job.checked), runner.stderr) });
    }
    if (runner.stats.instances !== instances) {
      instances = runner.stats.instances;
      instanceFirst = i + job.stride;
    }
    if (++report.done === REPORT_EVERY) flush(i + job.stride);
  }
  Atomics.store(current, job.slot, -1);
  flush(i, runner.stats);
  runner.close();
  alone.close();
}

function wanted(targets: readonly string[], target: string): boolean {
  return targets.length === 0 || targets.some((t) => target === t || target.startsWith(`${t}/`));
}

/**
 * What makes two traps the same bug for saving: target, call and reason.
 * The wasm frames are left out, since their indexes and offsets move with
 * every rebuild of libnl.wasm.
 */
function bugKey(outcome: string): string {
  const [cls, target, call, , ...reason] = outcome.split(':');
  return cls === 'trap' ? [cls, target, call, ...reason].join(':') : outcome;
}

/** Bugs already saved with this build, so each is saved once. */
function savedKeys(build: RegressionFile['build']): Set<string> {
  return new Set(savedRegressions(regressionDir, build).map((r) => bugKey(r.outcome)));
}

const save = (r: RegressionFile): string => saveRegression(regressionDir, r);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: String(Date.now() % 0x7fffffff) },
      workers: { type: 'string', default: '2' },
      checked: { type: 'boolean', default: false },
      minutes: { type: 'string' },
      targets: { type: 'string', default: '' },
    },
  });
  const total = Number(values.cases);
  const seed = Number(values.seed);
  const workers = Math.max(1, Number(values.workers));
  const checked = values.checked;
  const targets = values.targets.split(',').map((t) => t.trim()).filter(Boolean);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(seed)) throw new Error('--cases and --seed take integers');

  const counts: Record<string, number> = {};
  const known = savedKeys(buildName(checked));
  const saved: string[] = [];
  let done = 0;
  let workerDeaths = 0;
  let startFailures = 0;
  const current = new SharedArrayBuffer(4 * workers);
  new Int32Array(current).fill(-2);
  const stop = new SharedArrayBuffer(4);
  const stopNow = (): void => {
    Atomics.store(new Int32Array(stop), 0, 1);
  };
  process.on('SIGINT', stopNow);
  const deadline = values.minutes ? setTimeout(stopNow, Number(values.minutes) * 60_000) : undefined;
  const t0 = performance.now();
  let lastPrint = t0;

  const take = (r: Report): void => {
    done += r.done;
    for (const [k, n] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + n;
    for (const t of r.traps) {
      if (known.has(bugKey(t.key))) continue;
      known.add(bugKey(t.key));
      saved.push(save(t.regression));
    }
    const now = performance.now();
    if (now - lastPrint > 10_000) {
      lastPrint = now;
      const rate = done / ((now - t0) / 1000);
      console.log(`${done}/${total} cases, ${rate.toFixed(0)}/s, ${saved.length} new regressions`);
    }
  };

  // A case that runs past HANG_MS (libnl looping on a malformed message) ends its worker.
  const hung = new Set<number>();
  const live = new Map<number, Worker>();
  const lastSeen = new Map<number, { at: number; since: number }>();
  const watchdog = setInterval(() => {
    const slots = new Int32Array(current);
    for (const [slot, w] of live) {
      const at = Atomics.load(slots, slot);
      const seen = lastSeen.get(slot);
      if (!seen || seen.at !== at) lastSeen.set(slot, { at, since: performance.now() });
      else if (at >= 0 && performance.now() - seen.since > HANG_MS && !hung.has(slot)) {
        hung.add(slot);
        void w.terminate();
      }
    }
  }, 1000);

  const runWorker = (slot: number, first: number): Promise<RunnerStats | undefined> => new Promise((resolve) => {
    const job: Job = { seed, checked, first, end: total, stride: workers, current, slot, stop, targets };
    // A worker does not inherit tsx's loader: it registers it, then loads this file.
    const w = new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}); });`,
      { eval: true, workerData: job });
    live.set(slot, w);
    let stats: RunnerStats | undefined;
    let reported = first;
    w.on('message', (r: Report) => {
      take(r);
      reported = r.next;
      stats = r.stats ?? stats;
    });
    w.on('error', (e) => console.error(`worker ${slot}: ${e.message}`));
    w.on('exit', (code) => {
      live.delete(slot);
      lastSeen.delete(slot);
      const at = Atomics.load(new Int32Array(current), slot);
      if (code === 0 && at === -1) {
        resolve(stats);
        return;
      }
      if (at < first) {
        // The build was being replaced under it (a rebuild in progress): try again a little later.
        if (++startFailures > MAX_START_FAILURES) throw new Error(`worker ${slot} died before its first case (exit ${code})`);
        setTimeout(() => resolve(runWorker(slot, first)), 5000);
        return;
      }
      // The case it was running hung or took the whole worker down: keep it and go on after it.
      const how = hung.delete(slot) ? 'hang' : 'worker-died';
      if (how === 'worker-died') workerDeaths++;
      counts[how] = (counts[how] ?? 0) + 1;
      // Cases it ran since its last report ended cleanly, but their outcomes went with it.
      const unrecorded = (at - reported) / workers;
      if (unrecorded > 0) counts[UNRECORDED] = (counts[UNRECORDED] ?? 0) + unrecorded;
      done += unrecorded + 1;
      try {
        const c = makeCase(makePool(JSON.parse(readFileSync(corpusPath, 'utf8')) as Corpus), seed, at);
        const key = how === 'hang' ? `hang:${c.target}` : `worker-died:${c.target}:exit ${code}`;
        if (!known.has(key)) {
          known.add(key);
          saved.push(save(toRegression(c, key, `${seed}/${at}`, buildName(checked), '')));
        }
      } catch (e) {
        console.error(`case ${seed}/${at} cannot be generated: ${(e as Error).message}`);
      }
      resolve(Atomics.load(new Int32Array(stop), 0) ? stats : runWorker(slot, at + workers));
    });
  });

  const stats = await Promise.all(Array.from({ length: workers }, (_, i) => runWorker(i, i)));
  clearInterval(watchdog);
  clearTimeout(deadline);
  process.off('SIGINT', stopNow);
  const seconds = (performance.now() - t0) / 1000;
  const byClass = (prefix: string): number => Object.entries(counts)
    .filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
  console.log(`\nbuild ${buildName(checked)}, seed ${seed}, ${workers} workers${targets.length ? `, targets ${targets.join(',')}` : ''}`);
  console.log(`${done} cases in ${seconds.toFixed(1)} s: ${(done / seconds).toFixed(0)} cases/s`);
  console.log(`ok ${byClass('ok')}, clean libnl errors ${byClass('nlerror')}, traps ${byClass('trap')} ` +
    `(of which ${byClass(DELAYED)} only after earlier cases of their instance), ` +
    `hangs ${byClass('hang')}, unexpected ${byClass('unexpected')}, worker deaths ${workerDeaths}`);
  console.log(`instances ${stats.reduce((n, s) => n + (s?.instances ?? 0), 0)}, ` +
    `socket leaks ${stats.reduce((n, s) => n + (s?.socketLeaks ?? 0), 0)}, ` +
    `largest instance memory ${(Math.max(...stats.map((s) => s?.maxMemory ?? 0)) / 2 ** 20).toFixed(0)} MiB`);
  console.log('\noutcomes:');
  for (const [k, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(9)}  ${k}`);
  console.log(saved.length ? `\nnew regressions in test/fuzz-regressions/:\n  ${saved.join('\n  ')}` : '\nno new trap sites');
  if (byClass('unexpected') || workerDeaths) process.exitCode = 1;
}

if (isMainThread) await main();
else workerMain(workerData as Job);
