/**
 * A libnl worker: holds one libnl instance and serves the main thread's calls
 * (comlink), running each synchronously; blocking netlink calls block this
 * thread only. Libnl callbacks that are main-thread functions go through the
 * callback bridge (see protocol.ts).
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './node_endpoint.js';
import { LibnlCore } from '../libnl/core.js';
import {
  isCallbackRef, type EndpointOp, type FromWorker, type LibnlEndpoint, type Outcome, type ToWorker,
  toWire, type WorkerHello, type WorkerStart,
} from './protocol.js';

const start = workerData as WorkerStart;
const signal = new Int32Array(start.signal);
const bridge = start.bridge;

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}

let core: LibnlCore;
try {
  core = new LibnlCore({ module: start.module, ...start.options });
} catch (e) {
  parentPort?.postMessage({ kind: 'failed', error: toWire(e) } satisfies WorkerHello);
  throw e;
}

// --- the callback bridge ---------------------------------------------------------

/** One function per callback id, so that libnl sees the same pointer each time. */
const bridged = new Map<number, (...args: unknown[]) => unknown>();

function waitForMain(): ToWorker {
  for (;;) {
    const seen = Atomics.load(signal, 0);
    const m = receiveMessageOnPort(bridge);
    if (m) return m.message as ToWorker;
    Atomics.wait(signal, 0, seen, 1000);
  }
}

function bridgedCallback(id: number): (...args: unknown[]) => unknown {
  let fn = bridged.get(id);
  if (!fn) {
    fn = (...args: unknown[]) => {
      bridge.postMessage({ kind: 'invoke', callback: id, args } satisfies FromWorker);
      for (;;) {
        const m = waitForMain();
        if (m.kind === 'return') return m.value;
        if (m.kind === 'throw') throw Object.assign(new Error(m.error.message), { name: m.error.name });
        bridge.postMessage({ kind: 'reply', seq: m.seq, outcome: serve(m.op, m.args) } satisfies FromWorker);
      }
    };
    bridged.set(id, fn);
  }
  return fn;
}

function withCallbacks(args: unknown[]): unknown[] {
  return args.map((a) => (isCallbackRef(a) ? bridgedCallback(a.__nlcallback) : a));
}

// --- the endpoint -------------------------------------------------------------------

const endpoint: LibnlEndpoint = {
  call: (name, args) => outcome(() => core.call(name, withCallbacks(args))),
  release: (h) => outcome(() => core.release(h)),
  dumpText: (what, h, type) => outcome(() => core.dumpText(what, h, type)),
  cast: (h, type) => outcome(() => core.cast(h, type)),
  liveHandles: () => outcome(() => core.runtime.handles.size),
  openSockets: () => outcome(() => core.runtime.process.sockets.count),
  close: () => outcome(() => core.close()),
};

function serve(op: EndpointOp, args: unknown[]): Outcome {
  const fn = endpoint[op] as (...a: unknown[]) => Outcome;
  return fn(...args);
}

Comlink.expose(endpoint, nodeEndpoint(parentPort as NonNullable<typeof parentPort>));
parentPort?.postMessage({
  kind: 'ready', cancel: core.runtime.process.cancelToken, instance: core.instance,
} satisfies WorkerHello);
