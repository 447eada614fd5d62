/**
 * Errors come out of the wasm build exactly as out of the native one: the
 * kernel's EEXIST inside NLMSG_ERROR becomes NLE_EXIST ("Object exists"),
 * not "Unspecific failure" (libnl patch 0001), and an unprivileged caller
 * gets NLE_PERM. The program is test/programs/link_errors.c, built both
 * ways with `libnl-wasm cc`.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';
import { runNative, runWasm } from '../../dist/compare/run.js';
import { packageRoot } from '../../dist/host/paths.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

describe.skipIf(!!kernelSkipReason)('error codes: native and wasm agree', () => {
  let dir = '';
  let prog = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libnl-wasm-errors-'));
    prog = join(dir, 'link_errors');
    const r = spawnSync(process.execPath, [join(packageRoot, 'dist/cli/libnl-wasm.js'), 'cc',
      join(packageRoot, 'test/programs/link_errors.c'), '-o', prog], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`libnl-wasm cc failed: ${r.stderr}`);
    spawnSync('chmod', ['-R', 'a+rX', dir]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creating what exists gives NLE_EXIST, deleting what is gone NLE_NODEV', async () => {
    const native = await withNetns('en', (ns) => runNative(ns, prog, ['br-e0']));
    const wasm = await withNetns('ew', (ns) => runWasm(ns, `${prog}.wasm`, ['br-e0']));
    expect(native.status).toBe(0);
    expect(native.stdout).toContain('link_add: -6 Object exists');
    expect(native.stdout).toContain('addr_add: -6 Object exists');
    expect(wasm).toEqual(native);
  });

  it('without CAP_NET_ADMIN both get the same error', async () => {
    const native = await withNetns('pn', (ns) => runNative(ns, prog, ['br-e1'], { wrapper: NOBODY }));
    const wasm = await withNetns('pw', (ns) => runWasm(ns, `${prog}.wasm`, ['br-e1'], { wrapper: NOBODY }));
    expect(native.stdout).toContain('link_add: -28 Operation not permitted');
    expect(wasm).toEqual(native);
  });
});
