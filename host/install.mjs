/**
 * npm's install step for the package: the native host addon ships prebuilt
 * (host/build/Release/nlhost.node, Node-API 8, so any Node >= 20 on
 * x86_64 Linux loads it). Only when it does not load here (another
 * architecture, an older glibc) is it rebuilt from host/*.cc with node-gyp,
 * which npm puts on PATH for install scripts.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addon = join(here, 'build', 'Release', 'nlhost.node');

function loads() {
  try {
    createRequire(import.meta.url)(addon);
    return true;
  } catch {
    return false;
  }
}

if (!loads()) {
  console.error('libnl-wasm: building the native host addon (node-gyp)');
  const r = spawnSync('node-gyp', ['rebuild'], { cwd: here, stdio: 'inherit' });
  if (r.status !== 0 || !loads()) {
    console.error('libnl-wasm: the native host addon could not be built; install g++, make and python3, then run `npm rebuild libnl-wasm`');
    process.exit(1);
  }
}
