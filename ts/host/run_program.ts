/**
 * Runs a wasm program in a worker thread and reports how it ended, with the
 * exit status a shell would show for the native program: its exit code, or
 * 128+signal for the crashes that a native run dies of (134 abort, 139
 * segfault-like traps, 130 interrupted).
 */
import type { NetnsSpec } from './netns.js';
import type { SocketPolicy } from './sockets.js';
import { cancelInstance, type CancelToken } from './instance.js';
import { startWorker } from './worker_entry.js';

export interface ProgramRequest {
  path: string;
  programName: string;
  args: string[];
  env: Record<string, string>;
  netns?: NetnsSpec;
  pid?: number;
  policy?: SocketPolicy;
  tty?: boolean;
  libnlEtcDir?: string;
  /** Send output back as messages instead of writing to fds 1 and 2. */
  capture: boolean;
  /** Append every netlink datagram to this file, one JSON line each (see docs/compare.md). */
  traceFile?: string;
}

export type ProgramMessage =
  | { kind: 'started'; cancel: CancelToken }
  | { kind: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { kind: 'exit'; status: number; crash?: string }
  | { kind: 'error'; message: string };

export interface ProgramResult {
  status: number;
  /** Why the program crashed (trap, abort, cancellation), when it did. */
  crash?: string;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RunningProgram {
  result: Promise<ProgramResult>;
  /** Interrupts the program (like SIGINT): blocking calls return, it exits 130. */
  interrupt(): void;
}

export function startProgram(req: Omit<ProgramRequest, 'capture'> & { capture?: boolean }): RunningProgram {
  const worker = startWorker('host/program_worker.js', {
    workerData: { ...req, capture: req.capture ?? false },
  });
  let cancel: CancelToken | undefined;
  let interrupted = false;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const result = new Promise<ProgramResult>((resolve, reject) => {
    let done = false;
    worker.on('message', (m: ProgramMessage) => {
      if (m.kind === 'started') {
        cancel = m.cancel;
        if (interrupted) cancelInstance(cancel);
      } else if (m.kind === 'output') {
        (m.stream === 'stdout' ? out : err).push(Buffer.from(m.bytes));
      } else if (m.kind === 'exit') {
        done = true;
        resolve({ status: m.status, crash: m.crash, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
      } else {
        done = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      done = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!done) reject(new Error(`program worker ended unexpectedly (code ${code})`));
    });
  });
  return {
    result,
    interrupt: () => {
      interrupted = true;
      if (cancel) cancelInstance(cancel);
    },
  };
}
