/**
 * The native fuzzer's replay: native libnl 3.7.0 under AddressSanitizer and
 * UndefinedBehaviorSanitizer (test/fuzz-native/harness.c, built on demand
 * in build/native-asan; a few minutes the first time) runs
 *  - the pristine corpus (every captured fill, every captured message as a
 *    parse): no report, since real kernel answers must parse cleanly;
 *  - every saved case of test/fuzz-regressions/ (found in wasm or natively):
 *    a result or a report, and none for a case whose bug a patch fixed (fixedBy);
 *  - a fixed sample of mutated cases: every report at a site already saved
 *    (a new one is a new bug: bench/fuzz_native.ts saves it), no hang, no crash
 *    without a report.
 * Skipped, saying why, where clang is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../dist/host/paths.js';
import {
  fromRegression, makeCase, makePool, pristineFill, pristineParses, type Corpus, type RegressionFile,
} from '../helpers/fuzz_cases.js';
import { FILLS } from '../helpers/fuzz_targets.js';
import { buildHarness, missingTools } from '../helpers/native_build.js';
import { NativeHarness, nativeOutcomeKey, type NativeOutcome } from '../helpers/native_harness.js';

const corpus = JSON.parse(readFileSync(join(packageRoot, 'test/fuzz-corpus/corpus.json'), 'utf8')) as Corpus;
const dir = join(packageRoot, 'test/fuzz-regressions');
const saved = (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [])
  .map((f) => ({ f, r: JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionFile }));
const SAMPLE_SEED = 20261203;
const SAMPLE_CASES = 2000;
const BUILD_MS = 30 * 60_000;
const missing = missingTools('asan');

/** What a report says, for a failure message. */
const describeOutcome = (o: NativeOutcome): string =>
  o.class === 'report' ? `${o.site}\n${o.report.text.slice(0, 1500)}` : o.class === 'crash' ? `${o.how}\n${o.stderr}` : o.class;

describe.skipIf(missing !== undefined)(`native libnl under ASan/UBSan${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let harness: NativeHarness;

  beforeAll(() => {
    harness = new NativeHarness(buildHarness('asan'));
  }, BUILD_MS);

  afterAll(async () => {
    await harness?.close();
  });

  it('the pristine corpus runs without a report', async () => {
    const cases = [...FILLS.map((t) => pristineFill(corpus, t.kind)), ...pristineParses(makePool(corpus))];
    const outcomes = await harness.runAll(cases);
    const bad = outcomes.flatMap((o, i) => (o.class === 'ok' || o.class === 'nlerror' ? [] : [`${cases[i].kind} ${cases[i].target}: ${describeOutcome(o)}`]));
    expect(bad).toEqual([]);
  });

  it('saved regressions end in a result or a report, and a fixed one in no report', async () => {
    const outcomes = await harness.runAll(saved.map((s) => fromRegression(s.r)));
    const bad = outcomes.flatMap((o, i) => {
      const { f, r } = saved[i];
      if (o.class === 'hang' || o.class === 'crash') return [`${f}: ${describeOutcome(o)}`];
      return r.fixedBy && o.class === 'report' ? [`${f} (fixed by ${r.fixedBy}): ${describeOutcome(o)}`] : [];
    });
    expect(bad).toEqual([]);
  }, 120_000);

  it(`${SAMPLE_CASES} mutated cases (seed ${SAMPLE_SEED}): every report at a saved site`, async () => {
    const pool = makePool(corpus);
    const cases = Array.from({ length: SAMPLE_CASES }, (_, i) => makeCase(pool, SAMPLE_SEED, i));
    const known = new Set(saved.filter((s) => s.r.build === 'native-asan').map((s) => s.r.outcome));
    const outcomes = await harness.runAll(cases);
    const bad = outcomes.flatMap((o, i) => {
      const key = nativeOutcomeKey(cases[i], o);
      return o.class === 'ok' || o.class === 'nlerror' || known.has(key) ? [] : [`case ${SAMPLE_SEED}/${i}: ${key}\n${describeOutcome(o)}`];
    });
    expect(bad, 'new sites: save them with bench/fuzz_native.ts --seed 20261203 --cases 2000').toEqual([]);
  }, 300_000);
});
