/**
 * Locating the compiled entry script of a worker. Workers always run the
 * JavaScript in dist/ (they cannot load TypeScript sources), built by
 * `npm run build`, whether the caller runs from dist/ or from ts/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

export function workerEntry(relative: string): string {
  const path = join(packageRoot, 'dist', relative);
  if (!existsSync(path)) {
    throw new Error(`libnl-wasm: ${path} is missing; build the TypeScript first (npm run build)`);
  }
  return path;
}
