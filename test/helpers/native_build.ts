/**
 * Builds the native fuzz harness (test/fuzz-native/harness.c) on demand,
 * with clang, in a build directory of its own per instrumentation:
 * build/native-asan (AddressSanitizer + UndefinedBehaviorSanitizer) or
 * build/native-coverage (source-based coverage). The first build compiles
 * libnl's six libraries (about 25 s on two idle cores), later ones only
 * what changed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../dist/host/paths.js';

export type Instrumentation = 'asan' | 'coverage';

/** Where the harness of an instrumented build is. */
export function harnessPath(kind: Instrumentation): string {
  return join(packageRoot, 'build', `native-${kind}`, 'bin', 'fuzz-harness');
}

/** Why the native harness cannot be built here, or undefined if it can. */
export function missingTools(kind: Instrumentation): string | undefined {
  const tools = kind === 'coverage' ? ['clang', 'llvm-profdata', 'llvm-cov'] : ['clang'];
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  return missing.length ? `${missing.join(', ')} not installed (apt-get install -y clang)` : undefined;
}

/** Configures (once) and builds the harness; returns its path. Throws with the build's output on failure. */
export function buildHarness(kind: Instrumentation): string {
  const dir = join(packageRoot, 'build', `native-${kind}`);
  const run = (args: string[]): void => {
    const r = spawnSync('cmake', args, { cwd: packageRoot, encoding: 'utf8', env: { ...process.env, CC: 'clang' } });
    if (r.status !== 0) throw new Error(`cmake ${args.join(' ')} failed:\n${r.stdout.slice(-4000)}${r.stderr.slice(-4000)}`);
  };
  if (!existsSync(join(dir, 'CMakeCache.txt'))) {
    run(['-S', '.', '-B', dir, '-DCMAKE_BUILD_TYPE=Release', `-DLIBNL_NATIVE_INSTRUMENT=${kind}`]);
  }
  run(['--build', dir, '--target', 'fuzz-harness', '-j', String(availableParallelism())]);
  return harnessPath(kind);
}
