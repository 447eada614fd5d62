/**
 * The worker protocol: everything that crosses between the main thread and
 * a libnl worker.
 *
 * 1. The endpoint (comlink): the main thread calls `LibnlEndpoint` methods;
 *    each runs synchronously in the worker and answers with an `Outcome`
 *    (errors travel as data, so NlError keeps its code through the hop).
 *
 * 2. The callback bridge (a MessagePort plus a SharedArrayBuffer counter):
 *    a JavaScript function passed as a libnl callback is replaced by a
 *    `CallbackRef`. When libnl calls it, the worker posts `invoke`, then
 *    blocks until the main thread answers `return`/`throw` — C needs the
 *    result synchronously. While it waits it serves `call` messages, so the
 *    main thread's callback can itself use the API (the worker is busy
 *    inside libnl and could not answer through comlink). Every message to
 *    the worker is followed by a bump of the counter (Atomics.notify),
 *    which wakes it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { NlHandle } from '../libnl/handles.js';
import type { CancelToken } from '../host/instance.js';
import type { NetnsSpec } from '../host/netns.js';
import type { SocketPolicy } from '../host/sockets.js';

export const CALLBACK_MARK = '__nlcallback' as const;

export interface CallbackRef {
  readonly [CALLBACK_MARK]: number;
}

export function isCallbackRef(v: unknown): v is CallbackRef {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[CALLBACK_MARK] === 'number';
}

/** What an error looks like on the wire. */
export interface WireError {
  name: string;
  message: string;
  /** NlError */
  code?: number;
  nleName?: string;
  call?: string;
  /** The instance is gone (trap, abort, exit, shutdown): the worker must be replaced. */
  fatal?: boolean;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: WireError };

/** Operations of the endpoint, also usable through the bridge during a callback. */
export interface LibnlEndpoint {
  call(name: string, args: unknown[]): Outcome;
  release(h: NlHandle): Outcome;
  dumpText(what: 'cache' | 'object', h: NlHandle, type: number): Outcome;
  cast(h: NlHandle, type: string): Outcome;
  liveHandles(): Outcome;
  openSockets(): Outcome;
  /** Closes the instance's sockets; the worker can then be terminated. */
  close(): Outcome;
}

export type EndpointOp = keyof LibnlEndpoint;

export type ToWorker =
  | { kind: 'return'; value: unknown }
  | { kind: 'throw'; error: WireError }
  | { kind: 'call'; seq: number; op: EndpointOp; args: unknown[] };

export type FromWorker =
  | { kind: 'invoke'; callback: number; args: unknown[] }
  | { kind: 'reply'; seq: number; outcome: Outcome };

export interface WorkerOptions {
  netns?: NetnsSpec;
  env?: Record<string, string>;
  pid?: number;
  policy?: SocketPolicy;
  /** Load the checked (SAFE_HEAP) build of libnl.wasm. */
  checked?: boolean;
}

export interface WorkerStart {
  options: WorkerOptions;
  /** libnl.wasm, compiled once by the main thread. */
  module: WebAssembly.Module;
  /** The callback bridge's port (worker side) and wake-up counter. */
  bridge: MessagePort;
  signal: SharedArrayBuffer;
}

/** Sent once by the worker when its instance is ready (or could not start). */
export type WorkerHello = { kind: 'ready'; cancel: CancelToken; instance: string } | { kind: 'failed'; error: WireError };
