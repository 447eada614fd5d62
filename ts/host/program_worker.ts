/**
 * Worker that runs one wasm program (a libnl tool, test or user program) to
 * completion: the blocking netlink calls happen here, never on the thread
 * that started it. Output goes straight to the given descriptors, or back to
 * the parent as messages when it captures it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeSync, openSync, writeSync } from 'node:fs';
import { WasmProcess, loadModuleSync } from './instance.js';
import { WasmTrap, Cancelled, ProcessExit } from './errors.js';
import type { ProgramRequest, ProgramMessage } from './run_program.js';

const req = workerData as ProgramRequest;
const post = (m: ProgramMessage): void => parentPort?.postMessage(m);
const pause = new Int32Array(new SharedArrayBuffer(4));

function sink(fd: number, stream: 'stdout' | 'stderr'): (b: Uint8Array) => void {
  if (req.capture) return (bytes) => post({ kind: 'output', stream, bytes });
  return (bytes) => {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        // A closed pipe ends the program as SIGPIPE ends a native one.
        if (code === 'EPIPE') throw new ProcessExit(141);
        // The parent's stdout may be a non-blocking pipe; wait for room.
        if (code !== 'EAGAIN') throw e;
        Atomics.wait(pause, 0, 0, 1);
      }
    }
  };
}

let traceFd: number | undefined;
if (req.traceFile) traceFd = openSync(req.traceFile, 'a');

let proc: WasmProcess | undefined;
try {
  proc = WasmProcess.create(loadModuleSync(req.path), {
    programName: req.programName,
    env: req.env,
    netns: req.netns,
    pid: req.pid,
    policy: req.policy,
    tty: req.tty,
    stdout: sink(1, 'stdout'),
    stderr: sink(2, 'stderr'),
    libnlEtcDir: req.libnlEtcDir,
    trace: traceFd === undefined ? undefined : (r) => {
      writeSync(traceFd as number, `${JSON.stringify({ dir: r.dir, protocol: r.protocol, data: Buffer.from(r.bytes).toString('hex') })}\n`);
    },
  });
  post({ kind: 'started', cancel: proc.cancelToken });
  const status = proc.main(req.args, req.programName);
  post({ kind: 'exit', status });
} catch (e) {
  if (e instanceof ProcessExit) {
    post({ kind: 'exit', status: e.status });
  } else if (e instanceof WasmTrap) {
    post({ kind: 'exit', status: e.call === 'assert' || e.call === 'abort' ? 134 : 139, crash: e.reason });
  } else if (e instanceof Cancelled) {
    post({ kind: 'exit', status: 130, crash: e.message });
  } else {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
} finally {
  proc?.close();
  if (traceFd !== undefined) closeSync(traceFd);
}
