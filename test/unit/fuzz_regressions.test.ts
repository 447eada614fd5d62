/**
 * Replays every case in test/fuzz-regressions/ (saved by bench/fuzz.ts, one
 * per distinct trap site) with the build it was found with. A case may now
 * end cleanly (the bug was fixed) or trap again, but only ever contained: the
 * runner gives a result, an NlError or a trap, and the next instance parses a
 * real dump. A case whose bug a libnl patch fixed (fixedBy) must no longer trap.
 * A case found natively under ASan/UBSan (build native-asan) replays in the
 * checked build, where memory faults trap as the sanitizers report them;
 * test/unit/fuzz_native.test.ts replays every case natively.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../dist/host/paths.js';
import { libnlModulePath } from '../../dist/libnl/module_path.js';
import { fromRegression, pristineFill, type Corpus, type RegressionFile } from '../helpers/fuzz_cases.js';
import { FuzzRunner } from '../helpers/fuzz_run.js';

const dir = join(packageRoot, 'test/fuzz-regressions');
const corpus = JSON.parse(readFileSync(join(packageRoot, 'test/fuzz-corpus/corpus.json'), 'utf8')) as Corpus;
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
const runners = new Map<boolean, FuzzRunner>();

const checked = (build: RegressionFile['build']): boolean => build !== 'release';

function runner(build: RegressionFile['build']): FuzzRunner {
  let r = runners.get(checked(build));
  if (!r) runners.set(checked(build), (r = new FuzzRunner(libnlModulePath(checked(build)))));
  return r;
}

describe('fuzz regressions', () => {
  afterAll(() => {
    for (const r of runners.values()) r.close();
  });

  it('there are saved cases to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('every fixedBy names a patch of vendor/libnl/patches/', () => {
    const patches = new Set(readdirSync(join(packageRoot, 'vendor/libnl/patches')));
    const named = files.map((f) => [f, (JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionFile).fixedBy] as const);
    expect(named.filter(([, p]) => p !== undefined && !patches.has(p))).toEqual([]);
  });

  for (const f of files) {
    const saved = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionFile;
    it.skipIf(!existsSync(libnlModulePath(checked(saved.build))))(`${f}: contained`, () => {
      const r = runner(saved.build);
      const o = r.run(fromRegression(saved));
      expect(['ok', 'nlerror', 'trap']).toContain(o.class);
      if (saved.fixedBy) expect(o.class, `fixed by ${saved.fixedBy}`).not.toBe('trap');
      expect(r.stats.socketLeaks).toBe(0);
      expect(r.run(pristineFill(corpus, 'route/link'))).toEqual({ class: 'ok' });
    });
  }
});
