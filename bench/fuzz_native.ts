/**
 * The native fuzzing run: the cases of bench/fuzz.ts (same corpus, same
 * mutators, same seeds) through native libnl 3.7.0 under AddressSanitizer
 * and UndefinedBehaviorSanitizer (test/fuzz-native/harness.c, built on
 * demand in build/native-asan), so a bug is seen where libnl's own users
 * would hit it, with a stack trace. The pristine corpus runs first (every
 * captured fill and message, unmutated). One harness process runs the cases in
 * batches and is restarted after each report. The first case of every
 * distinct report (by fault and top frames) is written to
 * test/fuzz-regressions/ as build native-asan; test/unit/fuzz_native.test.ts
 * replays them.
 *
 *   node --import tsx bench/fuzz_native.ts [--cases N] [--seed S] [--minutes M]
 *
 * --minutes (or Ctrl-C) ends the run early, with the summary of the cases run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../dist/host/paths.js';
import {
  makeCase, makePool, pristineFill, pristineParses, saveRegression, savedRegressions, toRegression, type Corpus, type FuzzCase, type RegressionFile,
} from '../test/helpers/fuzz_cases.js';
import { FILLS } from '../test/helpers/fuzz_targets.js';
import { buildHarness, missingTools } from '../test/helpers/native_build.js';
import { NativeHarness, nativeOutcomeKey } from '../test/helpers/native_harness.js';

const BATCH = 500;
const corpusPath = join(packageRoot, 'test', 'fuzz-corpus', 'corpus.json');
const regressionDir = join(packageRoot, 'test', 'fuzz-regressions');

/** Sites already saved from native runs, so each is saved once. */
function savedKeys(): Set<string> {
  return new Set(savedRegressions(regressionDir, 'native-asan').map((r) => r.outcome));
}

const save = (r: RegressionFile): string => saveRegression(regressionDir, r);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '100000' },
      seed: { type: 'string', default: String(Date.now() % 0x7fffffff) },
      minutes: { type: 'string' },
    },
  });
  const total = Number(values.cases);
  const seed = Number(values.seed);
  if (!Number.isInteger(total) || total < 1 || !Number.isInteger(seed)) throw new Error('--cases and --seed take integers');
  const missing = missingTools('asan');
  if (missing) throw new Error(`the native fuzzer needs clang: ${missing}`);
  console.log('building the native ASan/UBSan harness (build/native-asan) ...');
  const harness = new NativeHarness(buildHarness('asan'));
  const corpus = JSON.parse(readFileSync(corpusPath, 'utf8')) as Corpus;
  const pool = makePool(corpus);

  let stop = false;
  process.on('SIGINT', () => {
    stop = true;
  });
  const deadline = values.minutes ? setTimeout(() => {
    stop = true;
  }, Number(values.minutes) * 60_000) : undefined;

  const known = savedKeys();
  const saved: string[] = [];
  const counts = new Map<string, number>();
  /** Cases generated and not yet run, with where they come from: the next batch is made while one runs. */
  const queue: Array<{ origin: string; c: FuzzCase }> = [...FILLS.map((t) => pristineFill(corpus, t.kind)), ...pristineParses(pool)]
    .map((c, i) => ({ origin: `pristine/${i}`, c }));
  let generated = 0;
  const refill = (): void => {
    while (queue.length < 2 * BATCH && generated < total) queue.push({ origin: `${seed}/${generated}`, c: makeCase(pool, seed, generated++) });
  };
  const t0 = performance.now();
  let lastPrint = t0;
  let done = 0;
  refill();
  while (queue.length && !stop) {
    const batch = queue.slice(0, BATCH);
    const running = harness.run(batch.map((b) => b.c));
    queue.splice(0, batch.length);
    refill();
    const outcomes = await running;
    // Cases after the one that ended the process did not run: they go first next time.
    queue.unshift(...batch.slice(outcomes.length));
    outcomes.forEach((o, i) => {
      const { origin, c } = batch[i];
      const key = nativeOutcomeKey(c, o);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (o.class === 'ok' || o.class === 'nlerror' || known.has(key)) return;
      known.add(key);
      // Paths in the report are made relative to the checkout: a saved case names no machine's directories.
      const note = (o.class === 'report' ? o.report.text : o.class === 'crash' ? o.stderr : '').replaceAll(`${packageRoot}/`, '');
      saved.push(save(toRegression(c, key, origin, 'native-asan', note)));
    });
    done += outcomes.length;
    const now = performance.now();
    if (now - lastPrint > 10_000) {
      lastPrint = now;
      console.log(`${done}/${total} cases, ${(done / ((now - t0) / 1000)).toFixed(0)}/s, ${saved.length} new regressions`);
    }
  }
  clearTimeout(deadline);
  await harness.close();
  const seconds = (performance.now() - t0) / 1000;
  const byClass = (prefix: string): number => [...counts].filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
  console.log(`\nbuild native-asan, seed ${seed}`);
  console.log(`${done} cases in ${seconds.toFixed(1)} s: ${(done / seconds).toFixed(0)} cases/s`);
  console.log(`ok ${byClass('ok')}, clean libnl errors ${byClass('nlerror')}, sanitizer reports ${byClass('report')}, ` +
    `hangs ${byClass('hang')}, crashes ${byClass('crash')}, harness processes ${harness.processes}`);
  console.log('\noutcomes:');
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(9)}  ${k}`);
  console.log(saved.length ? `\nnew regressions in test/fuzz-regressions/:\n  ${saved.join('\n  ')}` : '\nno new report sites');
  if (byClass('crash')) process.exitCode = 1;
}

await main();
