/**
 * libnl's export lists (libnl-*.sym, GNU ld version scripts): which symbols
 * each shared library exports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** In libnl's own dependency order, which decides a symbol's library when several list it. */
export const LIBRARIES = [
  'libnl-3', 'libnl-route-3', 'libnl-genl-3', 'libnl-nf-3', 'libnl-idiag-3', 'libnl-xfrm-3', 'libnl-cli-3',
] as const;

/** The symbols in the `global:` parts of a version script, in file order. */
export function parseVersionScript(text: string): string[] {
  const names: string[] = [];
  let global = false;
  // "} libnl_3;" closes a node and names its parent version: not a symbol.
  const body = text.replace(/#.*$/gm, '').replace(/\}\s*[A-Za-z_][\w.]*\s*;/g, '}');
  for (const m of body.matchAll(/(global:|local:|\{|\}|[A-Za-z_][\w.]*\s*;)/g)) {
    const tok = m[1];
    // Symbols of a version node are global unless listed after "local:".
    if (tok === 'global:' || tok === '{') global = true;
    else if (tok === 'local:' || tok === '}') global = false;
    else if (global) names.push(tok.replace(/\s*;$/, ''));
  }
  return names;
}

/** library -> its exported symbols. */
export function readSymFiles(sourceDir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const lib of LIBRARIES) out.set(lib, parseVersionScript(readFileSync(join(sourceDir, `${lib}.sym`), 'utf8')));
  return out;
}
