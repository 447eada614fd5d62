/**
 * The worker protocol: everything that crosses between the main thread and
 * a libnl worker.
 *
 * 1. The endpoint (comlink): the main thread calls `LibnlEndpoint` methods;
 *    each runs synchronously in the worker and answers with an `Outcome`
 *    (errors travel as data, so NlError keeps its code through the hop).
 *
 * 2. The call channel (a MessagePort plus a SharedArrayBuffer counter):
 *    the same operations as `call` messages answered by `reply`, for the
 *    per-call ones (`call`, `release`) always, and for every operation while
 *    the worker is inside a callback. The idle worker waits for it in
 *    Atomics.wait (docs/decisions/call-channel.md). A JavaScript function
 *    passed as a libnl callback is replaced by a `CallbackRef`; when libnl
 *    calls it, the worker posts `invoke`, then blocks until the main thread
 *    answers `return`/`throw` — C needs the result synchronously — serving
 *    `call` messages meanwhile, so that the callback can itself use the
 *    API. Every message to the worker, comlink's included, is followed by
 *    a bump of the counter (Atomics.notify), which wakes it.
 */
import type { MessagePort } from 'node:worker_threads';
import type { NlHandle } from '../libnl/handles.js';
import { NlError, type ExtAck } from '../libnl/nl_error.js';
import { Cancelled, ProcessExit, WasmTrap } from '../host/errors.js';
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
  text?: string;
  extAck?: ExtAck;
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
  /** Largest the instance's memory may grow to, in bytes (see openLibnl). */
  memoryLimit?: number;
  /** Receive dumps on a thread of their own while libnl parses (see openLibnl). */
  readAhead?: boolean;
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

/** An exception as it crosses the thread boundary. */
export function toWire(e: unknown): WireError {
  if (e instanceof NlError) {
    return { name: e.name, message: e.message, code: e.code, nleName: e.nleName, call: e.call, text: e.text, extAck: e.extAck };
  }
  const fatal = e instanceof WasmTrap || e instanceof ProcessExit || e instanceof Cancelled;
  if (e instanceof Error) return { name: e.name, message: e.message, fatal };
  return { name: 'Error', message: String(e) };
}


/** The exception again, on the other side. */
export function fromWire(e: WireError): Error {
  if (e.name === 'NlError' && e.code !== undefined) {
    return new NlError(e.code, e.nleName ?? '', e.text ?? '', e.call ?? '', e.extAck);
  }
  if (e.name === 'WasmTrap') return Object.assign(new WasmTrap('', ''), { message: e.message });
  const err = e.name === 'TypeError' ? new TypeError(e.message) : e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

