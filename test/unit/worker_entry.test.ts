import { describe, expect, it } from 'vitest';
import { workerExecArgv } from '../../ts/host/worker_entry.js';

describe('workerExecArgv', () => {
  it('drops module loaders and preloads with their values, in both spellings', () => {
    expect(workerExecArgv(['--import', 'tsx', '--max-old-space-size=512', '--loader=ts-node/esm',
      '-r', 'source-map-support/register', '--experimental-loader', 'x.mjs', '--require=y', '--trace-warnings']))
      .toEqual(['--max-old-space-size=512', '--trace-warnings']);
  });

  it('keeps everything else in order', () => {
    expect(workerExecArgv(['--enable-source-maps', '--stack-size=2000'])).toEqual(['--enable-source-maps', '--stack-size=2000']);
    expect(workerExecArgv([])).toEqual([]);
  });
});
