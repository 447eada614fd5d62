/**
 * The errno values the host hands a wasm instance are the kernel's: each one
 * checked against the Linux uapi headers the kernel's numbers come from.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Errno } from '../../dist/host/errno.js';

function linuxErrnos(): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h']) {
    for (const m of readFileSync(h, 'utf8').matchAll(/^#define\s+(E[A-Z0-9]+)\s+(\d+)/gm)) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('host errno numbers', () => {
  it('are Linux numbers, name for name', () => {
    const linux = linuxErrnos();
    for (const [name, value] of Object.entries(Errno)) expect([name, value]).toEqual([name, linux.get(name)]);
  });
});
