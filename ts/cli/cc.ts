/**
 * `libnl-wasm cc`: builds a user's C program against libnl twice, with the
 * flags our own build used (build/<target>/libnl-cc.json, written by CMake):
 * <out>.wasm for `libnl-wasm exec`, and <out> natively, so both can be run
 * and compared. With --checked the wasm side is built against the checked
 * (SAFE_HEAP) libnl, and NULL or out-of-bounds accesses trap.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { buildDir } from '../host/paths.js';

export interface CcConfig {
  target: 'wasm' | 'native';
  compiler: string;
  /** Environment the compiler needs (wasm: the config of build/emscripten). */
  env: Record<string, string>;
  cflags: string[];
  archives: string[];
  linkFlags: string[];
}

export function ccConfig(target: 'wasm' | 'native', checked = false): CcConfig {
  const path = `${buildDir(target)}${checked ? '-checked' : ''}/libnl-cc.json`;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CcConfig;
  } catch {
    throw new Error(`${path} is missing: build libnl for ${target} first`);
  }
}

function build(cfg: CcConfig, sources: string[], extra: string[], out: string): number {
  const args = [...cfg.cflags, ...extra, ...sources, '-o', out,
    '-Wl,--whole-archive', ...cfg.archives, '-Wl,--no-whole-archive', ...cfg.linkFlags];
  const env = { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs', ...cfg.env };
  const r = spawnSync(cfg.compiler, args, { stdio: 'inherit', env });
  return r.status ?? 1;
}

/** Builds <out>.wasm (checked: against the SAFE_HEAP libnl) and <out>; the first failing compiler's status, or 0. */
export function compile(sources: string[], extra: string[], out: string, checked = false): number {
  // emcc writes <out>.js next to <out>.wasm; only the .wasm is used.
  const wasm = build(ccConfig('wasm', checked), sources, extra, `${out}.js`);
  rmSync(`${out}.js`, { force: true });
  if (wasm !== 0) return wasm;
  return build(ccConfig('native'), sources, extra, out);
}

export async function compileProgram(argv: string[]): Promise<number> {
  const sources: string[] = [];
  const extra: string[] = [];
  let out: string | undefined;
  let checked = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') out = argv[++i];
    else if (a === '--checked') checked = true;
    else if (a.endsWith('.c')) sources.push(a);
    else extra.push(a);
  }
  if (!out || sources.length === 0) {
    process.stderr.write('usage: libnl-wasm cc [--checked] <file.c>... -o <out> [cc flags]\n');
    return 2;
  }
  return compile(sources, extra, out, checked);
}
