/**
 * `libnl-wasm compare` itself: equal runs exit 0; a planted difference (one
 * byte of output, one attribute of the link it creates) is found and
 * reported clearly, in the output, the kernel state and the messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { packageRoot } from '../../dist/host/paths.js';

const cli = join(packageRoot, 'dist/cli/libnl-wasm.js');

function libnlWasm(...args: string[]): { status: number; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

describe.skipIf(!!kernelSkipReason)('libnl-wasm compare', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libnl-wasm-compare-test-'));
    const src = join(packageRoot, 'test/programs/planted.c');
    for (const [out, flags] of [['same', []], ['planted', ['-DPLANT']]] as const) {
      const r = libnlWasm('cc', src, '-o', join(dir, out), ...flags);
      if (r.status !== 0) throw new Error(`cc: ${r.out}`);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 when both builds behave alike', () => {
    const r = libnlWasm('compare', '--messages', join(dir, 'same'));
    expect(r.out).toMatch(/^equal: /);
    expect(r.status).toBe(0);
  });

  it('reports a planted byte of output and attribute of created state', () => {
    const r = libnlWasm('compare', join(dir, 'planted'));
    expect(r.status).toBe(1);
    expect(r.out).toContain('DIFFERENT');
    expect(r.out).toMatch(/stdout: line 1:[\s\S]*created pl0 mtu 1400: ok[\s\S]*created pl0 mtu 1401: ok/);
    expect(r.out).toMatch(/state: \.links\[\d+\]\.mtu: native 1400, wasm 1401/);
  });

  it('shows the first netlink message that differs', () => {
    const r = libnlWasm('compare', '--messages', join(dir, 'planted'));
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/messages: sent message #\d+ differs:[\s\S]*type 16 [\s\S]*first differing byte at offset \d+/);
    // 1400 is 78 05, 1401 is 79 05 (IFLA_MTU, little endian).
    expect(r.out).toMatch(/native:[\s\S]* 78 05 [\s\S]*wasm:[\s\S]* 79 05 /);
  });
});
