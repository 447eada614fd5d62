/**
 * Where the built artifacts live: the wasm modules (build/wasm), the native
 * reference programs (build/native), the native addon (host/build) and
 * libnl's configuration files. Resolved from this file's location, so it
 * works from ts/ (tests, tsx) and from dist/ alike.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('libnl-wasm: package root not found');
    dir = parent;
  }
}

export const packageRoot: string = findRoot();

/** Build outputs of one target (`wasm` or `native`), as CMakeLists.txt lays them out. */
export function buildDir(target: 'wasm' | 'native'): string {
  return process.env[`LIBNL_WASM_BUILD_${target.toUpperCase()}`] ?? join(packageRoot, 'build', target);
}

export const addonPath: string = join(packageRoot, 'host', 'build', 'Release', 'nlhost.node');

/** libnl's own configuration files (classid, pktloc), as the build copied them. */
export function libnlEtcDir(target: 'wasm' | 'native' = 'wasm'): string {
  return join(buildDir(target), 'etc', 'libnl');
}
