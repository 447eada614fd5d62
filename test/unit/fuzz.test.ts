/**
 * The CI-sized fuzz run (bench/fuzz.ts is the long one): a few thousand
 * mutated and random netlink answers and messages through cache fills and
 * nl_msg_parse() of every object kind, in this thread, behind a fake kernel.
 * Every case ends in a result, a clean NlError or a contained trap (the
 * instance is replaced and the next case runs); nothing else, and no socket
 * is left open. The seed changes daily so CI walks new cases; FUZZ_SEED
 * repeats a run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../dist/host/paths.js';
import { libnlModulePath } from '../../dist/libnl/module_path.js';
import { makeCase, makePool, pristineFill, type Corpus } from '../helpers/fuzz_cases.js';
import { FuzzRunner, outcomeKey } from '../helpers/fuzz_run.js';
import { FILLS } from '../helpers/fuzz_targets.js';

const corpus = JSON.parse(readFileSync(join(packageRoot, 'test/fuzz-corpus/corpus.json'), 'utf8')) as Corpus;
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Date.now() / 86_400_000));

/**
 * Runs `cases` cases, then the unmutated answers of `pristine` fills: the
 * instance left by the campaign (or its replacement) still parses them.
 */
function campaign(checked: boolean, cases: number, pristine: readonly string[]): { counts: Map<string, number>; runner: FuzzRunner } {
  const pool = makePool(corpus);
  const runner = new FuzzRunner(libnlModulePath(checked));
  const counts = new Map<string, number>();
  try {
    for (let i = 0; i < cases; i++) {
      const c = makeCase(pool, seed, i);
      const o = runner.run(c);
      const key = o.class === 'unexpected' ? `${outcomeKey(c, o)} (case ${seed}/${i})` : o.class;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const t of pristine) expect(runner.run(pristineFill(corpus, t))).toEqual({ class: 'ok' });
  } finally {
    runner.close();
  }
  return { counts, runner };
}

describe(`fuzzing libnl's parsers (seed ${seed})`, () => {
  it('release build: 3000 cases, each a result, an NlError or a contained trap', () => {
    const { counts, runner } = campaign(false, 3000, FILLS.map((t) => t.kind));
    expect([...counts.keys()].filter((k) => !['ok', 'nlerror', 'trap'].includes(k))).toEqual([]);
    expect(counts.get('ok')).toBeGreaterThan(300);
    expect(counts.get('nlerror')).toBeGreaterThan(300);
    expect(runner.stats.socketLeaks).toBe(0);
    // Every trap replaced its instance.
    expect(runner.stats.instances).toBeGreaterThanOrEqual(1 + (counts.get('trap') ?? 0));
  });

  it.skipIf(!existsSync(libnlModulePath(true)))('checked build: 600 cases, traps contained', () => {
    // Real qdisc, class and xfrm dumps make misaligned accesses, which this build traps on.
    const { counts, runner } = campaign(true, 600, ['route/link', 'route/route']);
    expect([...counts.keys()].filter((k) => !['ok', 'nlerror', 'trap'].includes(k))).toEqual([]);
    expect(runner.stats.socketLeaks).toBe(0);
  });
});
