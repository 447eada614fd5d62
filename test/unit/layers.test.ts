/**
 * The layers of ts/ (docs/architecture.md): every relative import of a
 * TypeScript source must point at its own layer or one below it, in the
 * order host -> libnl -> worker -> api -> compare -> cli (the public entry,
 * ts/index.ts, above them all; ts/gen, the build's generator, may read the
 * libnl layer's types and nothing imports it). The check itself is tested
 * on an import that runs upward.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const TS = resolve(import.meta.dirname, '../../ts');
const ORDER = ['host', 'libnl', 'worker', 'api', 'compare', 'cli'];

/** The layer a file of ts/ is in: its first directory (ts/index.ts: the entry). */
function layerOf(file: string): string {
  const rel = relative(TS, file);
  return rel.includes('/') ? rel.split('/')[0] : 'entry';
}

function rank(layer: string): number {
  if (layer === 'entry') return ORDER.length;
  if (layer === 'gen') return ORDER.length + 1;
  return ORDER.indexOf(layer);
}

/** Why `from` may not import `to`, or undefined when it may. */
function violation(from: string, to: string): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (b === 'gen' && a !== 'gen') return `${relative(TS, from)} imports the build's generator (${relative(TS, to)})`;
  if (a === 'gen') return b === 'libnl' || b === 'gen' ? undefined : `ts/gen may read ts/libnl only, not ${relative(TS, to)}`;
  if (rank(b) < 0) return `${relative(TS, to)} is in no layer`;
  return rank(b) > rank(a) ? `${relative(TS, from)} (${a}) imports ${relative(TS, to)} (${b}), a layer above it` : undefined;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The files a source imports relatively (import/export ... from, and import()). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm)].map((m) => m[1] ?? m[2]);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

describe('the layers of ts/', () => {
  it('the check refuses an import that runs up the layers, and allows one that runs down', () => {
    expect(violation(join(TS, 'host/sockets.ts'), join(TS, 'api/client.ts'))).toMatch(/a layer above it/);
    expect(violation(join(TS, 'compare/programs.ts'), join(TS, 'cli/cc.ts'))).toMatch(/a layer above it/);
    expect(violation(join(TS, 'api/client.ts'), join(TS, 'host/sockets.ts'))).toBeUndefined();
    expect(violation(join(TS, 'cli/nl.ts'), join(TS, 'compare/compare.ts'))).toBeUndefined();
  });

  it('no import runs up', () => {
    const files = sources(TS);
    expect(files.length).toBeGreaterThan(50);
    const bad = files.flatMap((f) => imports(f).map((to) => violation(f, to)).filter((v): v is string => v !== undefined));
    expect(bad).toEqual([]);
  });
});
