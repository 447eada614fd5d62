/**
 * What crosses between the typed client (main thread) and its workers, in
 * addition to the facade's protocol (ts/worker/protocol.ts): their start-up
 * data and the watcher's messages.
 */
import type { WorkerOptions, WireError } from '../worker/protocol.js';
import type { Kind } from './types.js';

export interface ClientWorkerStart {
  options: WorkerOptions;
  module: WebAssembly.Module;
}

export interface WatchWorkerStart extends ClientWorkerStart {
  kinds: Kind[];
  /** SO_RCVBUF of the event socket (bytes); default: libnl's. */
  receiveBuffer?: number;
}

/** A watcher's batch: change events (object as plain data, exported_object.ts), or what stopped it. */
export type WatchMessage =
  | { kind: 'events'; events: Array<{ kind: Kind; action: 'new' | 'change' | 'del'; data: Uint8Array }> }
  | { kind: 'overflow' }
  | { kind: 'error'; error: WireError };
