/**
 * Runs a wasm program in a worker thread and reports how it ended, with the
 * exit status a shell would show for the native program: its exit code, or
 * 128 + the signal that ended it (134 abort, 139 segfault-like traps, 143
 * SIGTERM, ...).
 *
 * This side plays the kernel's part in the program's signals (signals.ts):
 * signal() sends one as kill(2) would, and an alarm() the program sets
 * raises SIGALRM here when it is due. A signal the program catches becomes
 * pending and wakes its wait; one whose default action terminates ends the
 * program, even one that computes and never waits.
 */
import type { NetnsSpec } from './netns.js';
import type { SocketPolicy } from './sockets.js';
import type { CancelToken } from './instance.js';
import { nativeHost } from './native.js';
import { SIGALRM, SIG_DEFAULT, SIG_IGNORE, SignalState } from './signals.js';
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
  /** The program's SignalState, shared with this side. */
  signals: SharedArrayBuffer;
}

export type ProgramMessage =
  | { kind: 'started'; cancel: CancelToken }
  | { kind: 'output'; stream: 'stdout' | 'stderr'; bytes: Uint8Array }
  | { kind: 'alarm'; ms: number }
  | { kind: 'exit'; status: number; signal?: number; crash?: string }
  | { kind: 'error'; message: string };

export interface ProgramResult {
  status: number;
  /** The signal that ended the program, when one did. */
  signal?: number;
  /** Why the program crashed (trap, abort), when it did. */
  crash?: string;
  stdout: Buffer;
  stderr: Buffer;
}

export interface RunningProgram {
  result: Promise<ProgramResult>;
  /** Sends the program signal `sig`, as kill(2) would. */
  signal(sig: number): void;
}

/**
 * How long a program whose signal's default action ends it may take to end
 * by itself (it does so at once when it waits) before its worker is stopped.
 */
const TERMINATE_GRACE_MS = 20;

export function startProgram(req: Omit<ProgramRequest, 'capture' | 'signals'> & { capture?: boolean }): RunningProgram {
  const signals = new SignalState();
  const worker = startWorker('host/program_worker.js', {
    workerData: { ...req, capture: req.capture ?? false, signals: signals.buffer },
  });
  let wakeFd: number | undefined;
  let alarm: NodeJS.Timeout | undefined;
  let finish: ((r: Omit<ProgramResult, 'stdout' | 'stderr'>) => void) | undefined;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const wake = (): void => {
    if (wakeFd !== undefined) nativeHost().wakeupSignal(wakeFd);
  };

  const send = (sig: number): void => {
    if (!finish) return;
    const action = signals.action(sig);
    if (action === SIG_IGNORE) return;
    signals.post(sig);
    wake();
    if (action !== SIG_DEFAULT || signals.isBlocked(sig)) return;
    setTimeout(() => {
      if (!finish) return;
      finish({ status: 128 + sig, signal: sig });
      void worker.terminate();
      // A worker blocked in the kernel stops when its wait returns.
      wake();
    }, TERMINATE_GRACE_MS);
  };

  const result = new Promise<ProgramResult>((resolve, reject) => {
    const settle = (): void => {
      finish = undefined;
      clearTimeout(alarm);
    };
    finish = (r) => {
      settle();
      resolve({ ...r, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    };
    const fail = (e: Error): void => {
      if (!finish) return;
      settle();
      reject(e);
    };
    worker.on('message', (m: ProgramMessage) => {
      if (m.kind === 'started') {
        wakeFd = m.cancel.wakeFd;
      } else if (m.kind === 'output') {
        (m.stream === 'stdout' ? out : err).push(Buffer.from(m.bytes));
      } else if (m.kind === 'alarm') {
        clearTimeout(alarm);
        alarm = m.ms > 0 ? setTimeout(() => send(SIGALRM), m.ms) : undefined;
      } else if (m.kind === 'exit') {
        finish?.({ status: m.status, signal: m.signal, crash: m.crash });
      } else {
        fail(new Error(m.message));
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`program worker ended unexpectedly (code ${code})`)));
  });
  return { result, signal: send };
}
