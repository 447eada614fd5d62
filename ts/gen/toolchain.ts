/**
 * Where libnl's headers are and how to compile them: clang for wasm32 (the
 * types and sizes libnl.wasm has) and the native C compiler (to run small
 * programs that print constants).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const CLANG = '/usr/bin/clang-14';
export const NATIVE_CC = 'cc';
/** The sysroot wasm modules are compiled against (vendor/emscripten/linux_errno_sysroot.py). */
export const wasmSysroot = (root: string): string => join(root, 'build/emscripten/cache/sysroot');

export interface Paths {
  /** the repository */
  root: string;
  /** vendor/libnl/src/libnl-3.7.0 */
  source: string;
  /** scratch directory for generated C files */
  scratch: string;
}

export function includeDirs(p: Paths): { linuxPrivate: string; libnl: string; generated: string; uapi: string } {
  return {
    linuxPrivate: join(p.source, 'include/linux-private'),
    libnl: join(p.source, 'include'),
    generated: join(p.root, 'build/wasm/libnl-gen/include'),
    uapi: join(p.root, 'build/wasm/uapi'),
  };
}

/** clang flags for compiling C for wasm32 as emcc does, against the project's sysroot. */
export function wasmTargetFlags(root: string): string[] {
  return ['-target', 'wasm32-unknown-emscripten', `--sysroot=${wasmSysroot(root)}`, '-D__EMSCRIPTEN__'];
}

/** clang flags for parsing libnl's headers as libnl.wasm is compiled. */
export function wasmFlags(p: Paths): string[] {
  const d = includeDirs(p);
  return [
    ...wasmTargetFlags(p.root), '-D_GNU_SOURCE',
    '-I', d.linuxPrivate, '-I', d.libnl, '-I', d.generated, '-idirafter', d.uapi,
    // cache-api.h and friends #warning that they are deprecated; they are still public.
    '-Wno-#warnings',
  ];
}

/** The same headers natively: the Linux uapi headers come from /usr/include. */
export function nativeFlags(p: Paths): string[] {
  const d = includeDirs(p);
  return ['-D_GNU_SOURCE', '-I', d.linuxPrivate, '-I', d.libnl, '-I', d.generated];
}

/**
 * A file's name as it is #included ("netlink/route/link.h", "linux/rtnetlink.h"),
 * from whichever include directory it was found in.
 */
export function headerName(p: Paths, file: string): string {
  const d = includeDirs(p);
  const roots = [d.linuxPrivate, d.libnl, d.generated, d.uapi, join(wasmSysroot(p.root), 'include')];
  for (const r of roots) if (file.startsWith(`${r}/`)) return relative(r, file);
  const i = file.lastIndexOf('/include/');
  return i >= 0 ? file.slice(i + '/include/'.length) : '';
}

/** True for files of libnl itself (its public headers), not the system's or the kernel's. */
export function isLibnlHeader(p: Paths, file: string): boolean {
  return file.startsWith(`${includeDirs(p).libnl}/netlink/`);
}

/** Every public header, as it is #included, sorted. */
export function publicHeaders(p: Paths): string[] {
  const base = includeDirs(p).libnl;
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const full = join(dir, f);
      if (statSync(full).isDirectory()) walk(full);
      else if (f.endsWith('.h')) out.push(relative(base, full));
    }
  };
  walk(join(base, 'netlink'));
  return out.sort();
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion; never rejects on a non-zero exit. */
export function run(cmd: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({
      status: code ?? -1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    }));
    if (child.stdin) {
      // A child that exits without reading all of its input closes the pipe early; its status tells.
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

/** Runs a program and returns its stdout; throws with its stderr if it fails. */
export async function runOk(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(0, 4000)}`);
  return r.stdout;
}

/** Maps over items with at most `limit` in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
