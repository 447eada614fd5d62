/**
 * A libnl worker: holds one libnl instance and serves the main thread's calls,
 * running each synchronously; blocking netlink calls block this thread only.
 * Calls arrive on the call channel (see protocol.ts), where the worker waits
 * in Atomics.wait between calls, and on the comlink endpoint, which needs
 * the event loop: a wake-up with no channel message hands over to it.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './node_endpoint.js';
import { openWorkerCore } from './worker_core.js';
import {
  isCallbackRef, type EndpointOp, type FromWorker, type LibnlEndpoint, type Outcome, type ToWorker,
  toWire, type WorkerHello, type WorkerStart,
} from './protocol.js';

/** Longest idle wait before the event loop gets a turn regardless (milliseconds). */
const IDLE_WAIT_MS = 1000;
/** How long the worker spins for the next message before it sleeps (milliseconds). */
const SPIN_MS = 0.1;

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

const core = openWorkerCore(start);

// --- the call channel -----------------------------------------------------------

/** One function per callback id, so that libnl sees the same pointer each time. */
const bridged = new Map<number, (...args: unknown[]) => unknown>();

/**
 * Waits until the main thread bumps the counter past `seen`, or IDLE_WAIT_MS.
 * It spins first: a thread asleep in Atomics.wait takes tens of
 * microseconds to wake on an idle core, more than a whole call, and the
 * next message usually follows within microseconds (a program's next call,
 * a callback's answer). See docs/decisions/call-channel.md.
 */
function waitForSignal(seen: number): void {
  const until = performance.now() + SPIN_MS;
  do {
    if (Atomics.load(signal, 0) !== seen) return;
  } while (performance.now() < until);
  Atomics.wait(signal, 0, seen, IDLE_WAIT_MS);
}

/**
 * The next message on the channel, waiting for one at most once: undefined
 * when the wait ended without one (IDLE_WAIT_MS passed, or the wake-up was
 * comlink's).
 */
function nextMessage(): ToWorker | undefined {
  const seen = Atomics.load(signal, 0);
  let m = receiveMessageOnPort(bridge);
  if (!m) {
    waitForSignal(seen);
    m = receiveMessageOnPort(bridge);
  }
  return m?.message as ToWorker | undefined;
}

function waitForMain(): ToWorker {
  for (;;) {
    const m = nextMessage();
    if (m) return m;
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
        answer(m);
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

function answer(m: ToWorker): void {
  if (m.kind === 'call') bridge.postMessage({ kind: 'reply', seq: m.seq, outcome: serve(m.op, m.args) } satisfies FromWorker);
}

/**
 * Waits for calls on the channel and serves them. A wake-up that brings no
 * channel message was a comlink message: return to the event loop, which
 * delivers it, and come back from its check phase (the poll phase before it
 * has by then seen the message, posted before the wake-up). The timeout
 * bounds the wait should a wake-up ever be missed.
 */
function serveChannel(): void {
  for (let m = nextMessage(); m; m = nextMessage()) answer(m);
  setImmediate(serveChannel);
}

Comlink.expose(endpoint, nodeEndpoint(parentPort as NonNullable<typeof parentPort>));
parentPort?.postMessage({
  kind: 'ready', cancel: core.runtime.process.cancelToken, instance: core.instance,
} satisfies WorkerHello);
setImmediate(serveChannel);
