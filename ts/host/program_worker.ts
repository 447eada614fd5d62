/**
 * Worker that runs one wasm program (a libnl tool, test or user program) to
 * completion: the blocking netlink calls happen here, never on the thread
 * that started it. Output goes straight to the given descriptors, or back to
 * the parent as messages when it captures it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeSync, openSync, writeSync } from 'node:fs';
import { WasmProcess, loadModuleSync } from './instance.js';
import { WasmTrap, ProcessExit, ProcessSignal } from './errors.js';
import { SignalState } from './signals.js';
import type { ProgramRequest, ProgramMessage } from './run_program.js';

const SIGPIPE = 13;

const req = workerData as ProgramRequest;
const post = (m: ProgramMessage): void => parentPort?.postMessage(m);
let proc: WasmProcess | undefined;

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
        if (code === 'EPIPE') throw new ProcessSignal(SIGPIPE);
        // The parent's stdout may be a non-blocking pipe; wait for room.
        if (code !== 'EAGAIN' || !proc) throw e;
        proc.waitWritable(fd);
      }
    }
  };
}

let traceFd: number | undefined;
if (req.traceFile) traceFd = openSync(req.traceFile, 'a');

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
    signals: new SignalState(req.signals),
    onAlarm: (ms) => post({ kind: 'alarm', ms }),
    trace: traceFd === undefined ? undefined : (r) => {
      writeSync(traceFd as number, `${JSON.stringify({ dir: r.dir, protocol: r.protocol, data: Buffer.from(r.bytes).toString('hex') })}\n`);
    },
  });
  post({ kind: 'started', cancel: proc.cancelToken });
  // The status a shell sees: the low byte of what main() returns.
  const status = proc.main(req.args, req.programName) & 0xff;
  post({ kind: 'exit', status });
} catch (e) {
  if (e instanceof ProcessExit) {
    post({ kind: 'exit', status: e.status & 0xff });
  } else if (e instanceof ProcessSignal) {
    post({ kind: 'exit', status: e.status, signal: e.signal });
  } else if (e instanceof WasmTrap) {
    post({ kind: 'exit', status: e.call === 'assert' || e.call === 'abort' ? 134 : 139, crash: e.reason });
  } else {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
} finally {
  proc?.close();
  if (traceFd !== undefined) closeSync(traceFd);
}
