/** Where libnl.wasm is: the wasm build's, or the checked (SAFE_HEAP) one. */
import { join } from 'node:path';
import { buildDir } from '../host/paths.js';

export function libnlModulePath(checked = false): string {
  return join(checked ? `${buildDir('wasm')}-checked` : buildDir('wasm'), 'libnl.wasm');
}
