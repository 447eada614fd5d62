import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../ts/host/worker_entry.js';
import { Libnl, NetlinkClient } from '../../dist/index.js';

describe('workerExecArgv', () => {
  it('drops module loaders and preloads with their values, in both spellings', () => {
    expect(workerExecArgv(['--import', 'tsx', '--max-old-space-size=512', '--loader=ts-node/esm',
      '-r', 'source-map-support/register', '--experimental-loader', 'x.mjs', '--require=y', '--trace-warnings',
      '--input-type=module', '--input-type', 'commonjs']))
      .toEqual(['--max-old-space-size=512', '--trace-warnings']);
  });

  it('keeps everything else in order', () => {
    expect(workerExecArgv(['--enable-source-maps', '--stack-size=2000'])).toEqual(['--enable-source-maps', '--stack-size=2000']);
    expect(workerExecArgv([])).toEqual([]);
  });
});

describe('startWorker under the parent\'s Node flags', () => {
  const program = `import('${new URL('../../dist/index.js', import.meta.url).href}').then(async ({ Libnl }) => {
    const lib = await Libnl.spawn();
    console.log(typeof await lib.nl_geterror(1));
    await lib.close();
  })`;
  const run = (flags: string[]) => spawnSync(process.execPath, [...flags, '-e', program],
    { encoding: 'utf8', timeout: 30_000 });

  it.each([
    ['a loader', ['--import', 'data:text/javascript,']],
    ['--input-type=module (the program is -e text)', ['--input-type=module']],
    ['a loader and a V8 flag, which an explicit execArgv may not carry', ['--import', 'data:text/javascript,', '--max-semi-space-size=32']],
    ['a V8 flag alone', ['--max-old-space-size=512']],
  ])('spawns with %s', (_what, flags) => {
    const r = run(flags);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('string');
  });
});

describe('a worker whose libnl cannot start', () => {
  // The namespace is opened inside the worker, by the instance: a name that
  // does not exist fails there, and each opener must reject with that reason.
  const netns = `lnw-absent-${process.pid}`;
  const reason = `cannot open network namespace /var/run/netns/${netns}: no such namespace`;

  it('rejects Libnl.spawn() with the reason', async () => {
    await expect(Libnl.spawn({ netns })).rejects.toThrow(reason);
  });

  it('rejects NetlinkClient.open() with the reason', async () => {
    await expect(NetlinkClient.open({ netns })).rejects.toThrow(reason);
  });
});
