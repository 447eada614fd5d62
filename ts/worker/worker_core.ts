/**
 * The first step of every libnl worker (the 1:1 API's, the client's, the
 * watcher's): instantiate libnl.wasm from the module the main thread
 * compiled, or tell the main thread why it could not. The reason goes in
 * the protocol's wire form (toWire), as a failed call's does, so an NlError
 * reaches the opener with its code; the thread's own error event, which
 * follows, would bring a structured clone of the exception instead.
 */
import { parentPort } from 'node:worker_threads';
import { LibnlCore } from '../libnl/core.js';
import { toWire, type WorkerHello, type WorkerOptions } from './protocol.js';

export function openWorkerCore(start: { module: WebAssembly.Module; options: WorkerOptions }): LibnlCore {
  try {
    return new LibnlCore({ module: start.module, ...start.options });
  } catch (e) {
    parentPort?.postMessage({ kind: 'failed', error: toWire(e) } satisfies WorkerHello);
    throw e;
  }
}
