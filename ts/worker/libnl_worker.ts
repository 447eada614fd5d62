/**
 * The 1:1 API's worker (Libnl.spawn): holds one libnl instance and serves
 * the main thread's calls from the call channel, running each
 * synchronously; blocking netlink calls block this thread only. While libnl
 * runs a main-thread callback, the worker waits on the channel for its
 * answer and serves the callback's own calls meanwhile.
 */
import { workerData } from 'node:worker_threads';
import { isHandle, type NlHandle } from '../libnl/handles.js';
import { libnlApi } from '../libnl/sync.js';
import { openWorkerCore, type WorkerCoreStart } from './worker_core.js';
import { answer, serveCalls, type Endpoint } from './serve_calls.js';
import {
  isCallbackRef, isResultRef, outcome, RESULT_MARK, type FromWorker, type LibnlEndpoint, type Outcome,
  type RecordedCall, type ToWorker,
} from './protocol.js';

const { core, channel } = openWorkerCore(workerData as WorkerCoreStart);

/** Handles ended since the last answer: the main thread stops tracking them. */
let released: number[] = [];
core.runtime.handles.onKill = (id) => released.push(id);

/** An outcome with the handles it ended. */
function noting(o: Outcome): Outcome {
  if (released.length) {
    o.released = released;
    released = [];
  }
  return o;
}

// --- callbacks into the main thread --------------------------------------------------

/** One function per callback id, so that libnl sees the same pointer each time. */
const bridged = new Map<number, (...args: unknown[]) => unknown>();

function bridgedCallback(id: number): (...args: unknown[]) => unknown {
  let fn = bridged.get(id);
  if (!fn) {
    fn = (...args: unknown[]) => {
      channel.post({ kind: 'invoke', callback: id, args } satisfies FromWorker);
      for (;;) {
        const m = channel.next() as ToWorker;
        if (m.kind === 'return') return m.value;
        if (m.kind === 'throw') throw Object.assign(new Error(m.error.message), { name: m.error.name });
        answer(channel, endpoint as unknown as Endpoint, m);
      }
    };
    bridged.set(id, fn);
  }
  return fn;
}

function withCallbacks(args: unknown[]): unknown[] {
  return args.map((a) => (isCallbackRef(a) ? bridgedCallback(a.__nlcallback) : a));
}

// --- many calls in one hop -------------------------------------------------------------

/** A recorded call's arguments with earlier results in place of their references. */
function resolveRefs(v: unknown, results: unknown[]): unknown {
  if (isResultRef(v)) {
    const i = v[RESULT_MARK];
    if (!(i >= 0 && i < results.length)) throw new RangeError(`sequence: result ${i} is not of an earlier call`);
    return results[i];
  }
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, results));
  if (v !== null && typeof v === 'object' && !isHandle(v) && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, results)]));
  }
  return v;
}

function handlesIn(v: unknown, out: NlHandle[]): NlHandle[] {
  if (isHandle(v)) out.push(v);
  else if (Array.isArray(v)) for (const x of v) handlesIn(x, out);
  return out;
}

/**
 * Runs the calls in order. A call that fails ends the sequence: its error
 * says which call it was, and the handles the sequence made are given
 * back, since none of them reaches the caller.
 */
function runSequence(calls: RecordedCall[], want: unknown): unknown {
  const results: unknown[] = [];
  try {
    for (const [i, c] of calls.entries()) {
      try {
        results.push(core.call(c.name, withCallbacks(resolveRefs(c.args, results) as unknown[])));
      } catch (e) {
        if (e instanceof Error) e.message = `${e.message} (call ${i + 1} of ${calls.length} in the sequence)`;
        throw e;
      }
    }
  } catch (e) {
    for (const h of handlesIn(results, [])) core.release(h, 'its sequence failed');
    throw e;
  }
  return resolveRefs(want, results);
}

// --- user modules ----------------------------------------------------------------------

/** The synchronous API a user's module runs with: handles stay the main thread's to give back. */
const syncApi = libnlApi(core, { collect: false });

async function runModule(url: string, name: string, args: unknown[]): Promise<unknown> {
  const mod = await import(url) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new TypeError(`run(): ${url} exports no function ${name}`);
  return (fn as (lib: typeof syncApi, ...a: unknown[]) => unknown)(syncApi, ...args);
}

// --- the endpoint ------------------------------------------------------------------------------

const endpoint: LibnlEndpoint = {
  call: (name, args) => noting(outcome(() => core.call(name, withCallbacks(args)))),
  sequence: (calls, want) => noting(outcome(() => runSequence(calls, want))),
  run: (url, name, args) => runModule(url, name, args).then((value) => noting({ ok: true as const, value }),
    (e: unknown) => noting(outcome(() => { throw e; }))),
  release: (h) => noting(outcome(() => core.release(h))),
  dumpText: (what, h, type) => outcome(() => core.dumpText(what, h, type)),
  cast: (h, type) => outcome(() => core.cast(h, type)),
  setns: (netns) => outcome(() => core.runtime.process.setNetns(netns)),
  liveHandles: () => outcome(() => core.runtime.handles.size),
  openSockets: () => outcome(() => core.runtime.process.sockets.count),
  close: () => outcome(() => core.close()),
};

// Not a top-level await: the command lines run this worker bundled as CommonJS.
void serveCalls(channel, endpoint as unknown as Endpoint).then(() => channel.port.close());
