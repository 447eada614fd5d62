/**
 * Starting our workers. They always run the JavaScript in dist/ (they
 * cannot load TypeScript sources), built by `npm run build`, whether the
 * caller runs from dist/ or from ts/; code bundled into dist/bundle/ starts
 * the bundled workers there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { packageRoot } from './paths.js';

/**
 * Flags that load code into every module graph, or say how to read the
 * parent's entry (--input-type: only for a string given with -e, and a
 * worker started from a file refuses it); each takes a value.
 */
const LOADER_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r', '--input-type']);

/**
 * The parent's Node flags minus module loaders, preloads and the entry's
 * input type. A worker inherits execArgv, so under `node --import tsx`
 * every libnl worker would run tsx's resolve/load hooks for each of its
 * modules, which more than doubled Libnl.spawn()'s cold start; our workers
 * load plain JavaScript.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag.split('=', 1)[0];
    if (!LOADER_FLAGS.has(name)) out.push(flag);
    else if (!flag.includes('=')) i++;
  }
  return out;
}

/**
 * Defined (true) only in dist/bundle/, by the bundler (vendor/bootstrap.sh).
 * A bundle starts the workers bundled with it, one CommonJS file each: a new
 * worker loads that in a fraction of the time dist/'s ES modules take
 * (docs/decisions/cli-start-up.md), and never runs code of another build.
 */
declare const LIBNL_WASM_BUNDLE: boolean | undefined;
const bundled = typeof LIBNL_WASM_BUNDLE === 'boolean';

export function workerEntry(relative: string): string {
  const path = bundled ? join(packageRoot, 'dist', 'bundle', relative.replace(/\.js$/, '.cjs'))
    : join(packageRoot, 'dist', relative);
  if (!existsSync(path)) {
    throw new Error(`libnl-wasm: ${path} is missing; build the TypeScript first (npm run build)`);
  }
  return path;
}

/** A worker running dist/`relative`. */
export function startWorker(relative: string, options: WorkerOptions): Worker {
  const entry = workerEntry(relative);
  const execArgv = workerExecArgv();
  if (execArgv.length === process.execArgv.length) return new Worker(entry, options);
  try {
    return new Worker(entry, { execArgv, ...options });
  } catch (e) {
    // Flags given explicitly are checked, and V8's own (--max-old-space-size,
    // ...) are refused although an inherited execArgv may carry them: then
    // the worker inherits, loaders included.
    if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    return new Worker(entry, options);
  }
}
