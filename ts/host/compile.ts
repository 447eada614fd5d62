/**
 * Building a user's C program against libnl twice, with the compilers and
 * flags our own build used (build/<target>/libnl-cc.json, written by
 * CMake): <out>.wasm for `libnl-wasm exec`, and <out> natively, so both can
 * be run and compared. `libnl-wasm cc` and `libnl-wasm compare` both build
 * through here.
 *
 * The flags are a C compiler's, and mean what gcc 12 makes of them by
 * default: no optimisation, no feature macros, and the same diagnostics as
 * errors (clang, under emcc, makes two of gcc's warnings errors; here they
 * stay warnings). libnl's own -l flags and include directories (what
 * `pkg-config --cflags --libs libnl-3.0 ...` prints) name this build's
 * libnl, which every program is linked with whole.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir } from './paths.js';

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

/** libnl's libraries, as -l names them: linked from this build, always. */
export const LIBNL_LIBRARIES = ['nl-3', 'nl-route-3', 'nl-genl-3', 'nl-nf-3', 'nl-idiag-3', 'nl-xfrm-3', 'nl-cli-3'];

/** Libraries of glibc's that musl (and so the wasm libc) has inside libc itself. */
const IN_LIBC = new Set(['c', 'm', 'pthread', 'dl', 'rt', 'resolv', 'util', 'crypt', 'xnet']);

/**
 * What clang makes errors of where gcc 12 warns: emcc's
 * -Werror=implicit-function-declaration, and a `return;` in a function
 * that returns a value.
 */
const AS_GCC_WARNS = ['-Wno-error=implicit-function-declaration', '-Wno-error=return-type'];

/** Flags whose value is the next argument when it is not attached (-I dir, -include file). */
export const TAKES_VALUE = new Set(['-I', '-D', '-U', '-L', '-l', '-include', '-isystem', '-idirafter', '-iquote', '-x']);

export interface CompilerFlags {
  /** For every compile: -I, -D, -O, -W, -std, -f, ... */
  compile: string[];
  /** For the link, after the program and libnl: -l, -L, -Wl,... */
  link: string[];
}

/** Splits a C compiler's flags (not sources, not -o) into compile and link flags. */
export function classifyFlags(flags: readonly string[]): CompilerFlags {
  const out: CompilerFlags = { compile: [], link: [] };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    const value = TAKES_VALUE.has(flag) ? flags[++i] : undefined;
    const given = value === undefined ? [flag] : [flag, value];
    const lib = flag === '-l' ? value : flag.startsWith('-l') ? flag.slice(2) : undefined;
    const dir = flag === '-I' ? value : flag.startsWith('-I') ? flag.slice(2) : undefined;
    if (lib !== undefined) {
      if (!LIBNL_LIBRARIES.includes(lib)) out.link.push(`-l${lib}`);
    } else if (flag.startsWith('-L') || flag.startsWith('-Wl,')) {
      out.link.push(...given);
    } else if (dir === undefined || !existsSync(join(dir, 'netlink', 'netlink.h'))) {
      // (An include directory with libnl's headers, /usr/include/libnl3, is
      // another libnl's: this build's headers are the ones used.)
      out.compile.push(...given);
    }
  }
  return out;
}

function build(cfg: CcConfig, sources: readonly string[], flags: CompilerFlags, out: string): number {
  const link = cfg.target === 'wasm'
    ? flags.link.filter((f) => !(f.startsWith('-l') && IN_LIBC.has(f.slice(2))))
    : flags.link;
  const args = [...cfg.cflags, ...(cfg.target === 'wasm' ? AS_GCC_WARNS : []), ...flags.compile, ...sources,
    '-o', out, '-Wl,--whole-archive', ...cfg.archives, '-Wl,--no-whole-archive', ...link, ...cfg.linkFlags];
  const env = { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs', ...cfg.env };
  const r = spawnSync(cfg.compiler, args, { stdio: 'inherit', env });
  return r.status ?? 1;
}

/** Builds <out>.wasm (checked: against the SAFE_HEAP libnl) and <out>; the first failing compiler's status, or 0. */
export function compile(sources: readonly string[], flags: CompilerFlags, out: string, checked = false): number {
  // emcc writes <out>.js next to <out>.wasm; only the .wasm is used.
  const wasm = build(ccConfig('wasm', checked), sources, flags, `${out}.js`);
  rmSync(`${out}.js`, { force: true });
  if (wasm !== 0) return wasm;
  return build(ccConfig('native'), sources, flags, out);
}
