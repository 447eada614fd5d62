/**
 * Finding programs to run: libnl's tools and tests as built for wasm (and
 * natively, for comparison), or a path to a user's own .wasm program.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildDir } from './paths.js';

export type Target = 'wasm' | 'native';

/** Resolves a tool name (nl-link-list, check-all, ...) or a path to the file to run. */
export function findProgram(name: string, target: Target, opts: { checked?: boolean } = {}): string {
  if (name.includes('/') || name.endsWith('.wasm')) {
    const path = resolve(name);
    if (!existsSync(path)) throw new Error(`no such program: ${path}`);
    return path;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`invalid program name: ${name}`);
  const dir = target === 'wasm' && opts.checked ? `${buildDir('wasm')}-checked` : buildDir(target);
  const suffix = target === 'wasm' ? '.wasm' : '';
  for (const sub of ['bin', 'tests']) {
    const path = join(dir, sub, name + suffix);
    if (existsSync(path)) return path;
  }
  throw new Error(`no ${target} build of ${name} in ${dir} (is the build done?)`);
}

/** libnl's environment variables, passed to programs explicitly. */
export const LIBNL_ENV_VARS = [
  'NLDBG', 'NLCB', 'HZ', 'TICKS_PER_USEC', 'PROC_NET_PSCHED', 'PROC_ROOT', 'NLSYSCONFDIR',
  'CK_RUN_SUITE', 'CK_RUN_CASE', 'CK_VERBOSITY', 'CK_FORK', 'CK_DEFAULT_TIMEOUT',
  'NLTST_SEED_RAND',
] as const;

export function libnlEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of LIBNL_ENV_VARS) {
    const v = from[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}
