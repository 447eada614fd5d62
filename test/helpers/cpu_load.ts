/**
 * Both cores busy, as on a shared machine: processes that spin, beside the
 * test, the way two shell busy-loops would. A race that loses a wake-up
 * shows only then (issue 25: a 1-s stall in half the runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';

/** Runs `work` while one spinning process per core runs beside it. */
export async function underLoad<T>(work: () => Promise<T>): Promise<T> {
  const spinners: ChildProcess[] = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  try {
    return await work();
  } finally {
    for (const s of spinners) s.kill('SIGKILL');
  }
}
