/**
 * C programs handed to compare (a path ending in .c, from the command line
 * or a scenario step): built both ways as `libnl-wasm cc` builds them
 * (ts/host/compile.ts), into a cache in the system's temp folder, keyed by
 * what the result depends on (the source, the compiler flags, the checked
 * mode, the compiler configuration and the libnl archives), so that
 * scenarios sharing a program, and later runs, build it once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ccConfig, classifyFlags, compile } from '../host/compile.js';

/** The native program's path (the wasm one is the same with .wasm), built when not cached. */
export function buildProgram(source: string, opts: { checked?: boolean; cflags?: readonly string[] } = {}): string {
  const checked = opts.checked ?? false;
  const cflags = opts.cflags ?? [];
  const hash = createHash('sha256').update(readFileSync(source)).update(checked ? 'checked\n' : 'plain\n')
    .update(`${JSON.stringify(cflags)}\n`);
  for (const cfg of [ccConfig('wasm', checked), ccConfig('native')]) {
    hash.update(JSON.stringify(cfg));
    for (const a of cfg.archives) {
      const st = statSync(a);
      hash.update(`${a} ${st.size} ${st.mtimeMs}\n`);
    }
  }
  const cache = join(tmpdir(), 'libnl-wasm-programs');
  const dir = join(cache, hash.digest('hex').slice(0, 20));
  const name = basename(source, '.c');
  if (existsSync(join(dir, name)) && existsSync(join(dir, `${name}.wasm`))) return join(dir, name);
  mkdirSync(cache, { recursive: true });
  // Built aside, then renamed into place: a concurrent build of the same
  // program never sees a half-written one.
  const work = mkdtempSync(`${dir}.tmp-`);
  try {
    const status = compile([source], classifyFlags(cflags), join(work, name), checked);
    if (status !== 0) throw new Error(`${source}: libnl-wasm cc failed (exit ${status})`);
    if (!existsSync(dir)) renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return join(dir, name);
}
