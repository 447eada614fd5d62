/**
 * The worker protocol: everything that crosses between the main thread and
 * one of our workers, on the call channel (call_channel.ts).
 *
 *   main -> worker   { call, seq, op, args }   an operation of the worker's endpoint
 *                    { return | throw }        a main-thread callback's answer
 *   worker -> main   { ready | failed }        once, when the instance is up (or not)
 *                    { reply, seq, outcome }   the answer to a call
 *                    { invoke, callback, args } libnl calls a main-thread callback
 *                    anything else             a worker's own messages (events)
 *
 * Errors travel as data (WireError), so an NlError keeps its code and
 * extended ack through the hop. A JavaScript function passed as a libnl
 * callback is replaced by a CallbackRef; when libnl calls it, the worker
 * posts `invoke` and waits on the channel for the answer, serving calls
 * meanwhile, so that the callback may itself use the API.
 */
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

/**
 * An operation's result. `released`: ids of handles the call ended (by a
 * *_put, or with their parent), which whoever holds them must not give
 * back again.
 */
export type Outcome = ({ ok: true; value: unknown } | { ok: false; error: WireError }) & { released?: number[] };

export interface CallMessage {
  kind: 'call';
  seq: number;
  op: string;
  args: unknown[];
}

export type ToWorker =
  | CallMessage
  | { kind: 'return'; value: unknown }
  | { kind: 'throw'; error: WireError };

export interface ReplyMessage {
  kind: 'reply';
  seq: number;
  outcome: Outcome;
}

export type FromWorker =
  | ReplyMessage
  | { kind: 'invoke'; callback: number; args: unknown[] }
  | { kind: string; [field: string]: unknown };

/** Operations of the 1:1 API's worker (Libnl.spawn), also served while a callback runs. */
export interface LibnlEndpoint {
  call(name: string, args: unknown[]): Outcome;
  /** Many calls in one hop (LibnlAsyncAdditions.sequence); `want` is what to answer, with result references in it. */
  sequence(calls: RecordedCall[], want: unknown): Outcome;
  /** Runs an export of a module of the user's with the synchronous API (LibnlAsyncAdditions.run). */
  run(url: string, name: string, args: unknown[]): Outcome | Promise<Outcome>;
  release(h: NlHandle): Outcome;
  dumpText(what: 'cache' | 'object', h: NlHandle, type: number): Outcome;
  cast(h: NlHandle, type: string): Outcome;
  setns(netns: NetnsSpec | null): Outcome;
  liveHandles(): Outcome;
  openSockets(): Outcome;
  /** Closes the instance's sockets; the worker then ends by itself. */
  close(): Outcome;
}

export type EndpointOp = keyof LibnlEndpoint;

/** The result of call number `index` of the same sequence, as an argument of a later one. */
export const RESULT_MARK = '__nlresult' as const;

export interface ResultRef {
  readonly [RESULT_MARK]: number;
}

export function isResultRef(v: unknown): v is ResultRef {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[RESULT_MARK] === 'number';
}

/** One libnl call of a recorded sequence. */
export interface RecordedCall {
  name: string;
  args: unknown[];
}

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
  if (e.name === 'Cancelled') return Object.assign(new Cancelled(), { message: e.message });
  const err = e.name === 'TypeError' ? new TypeError(e.message) : e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  if (err.name !== e.name) err.name = e.name;
  return err;
}

/** Runs an operation, turning what it throws into an outcome. */
export function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}
