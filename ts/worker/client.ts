/**
 * libnl from the main thread: `await Libnl.spawn(options)` starts a worker
 * that holds one libnl instance and returns libnl's whole API as async
 * functions, name for name. The main thread never waits on the kernel.
 *
 * Callbacks are main-thread functions (sync or async); libnl waits for their
 * result. If the instance traps, aborts or exits, the call that did it and
 * every call still pending reject with a WasmTrap saying which call it was,
 * and the next call starts a fresh instance (the old handles are then dead).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from './node_endpoint.js';
import { cancelInstance, loadModule, CANCEL_CALL, CANCEL_SHUTDOWN, type CancelToken } from '../host/instance.js';
import { WasmTrap } from '../host/errors.js';
import { startWorker } from '../host/worker_entry.js';
import { HANDLE_MARK, isHandle, type NlHandle } from '../libnl/handles.js';
import { libnlModulePath } from '../libnl/module_path.js';
import { FUNCTION_NAMES, type LibnlApi, type NlCache, type NlObject } from '../libnl/generated/api.js';
import {
  CALLBACK_MARK, type EndpointOp, type FromWorker, type LibnlEndpoint, type Outcome, type ToWorker,
  fromWire, type WorkerHello, type WorkerOptions, type WorkerStart,
} from './protocol.js';

export interface SpawnOptions extends WorkerOptions {
  /**
   * Ends any single call that blocks on the kernel longer than this
   * (milliseconds): its socket call returns EAGAIN, so libnl reports
   * NLE_AGAIN, and the instance stays usable.
   */
  callTimeoutMs?: number;
}

/** libnl's functions as the main thread sees them: each returns a promise. */
export type Promisified<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

export interface LibnlAsyncAdditions {
  nl_cache_dump_text(cache: NlCache, type: number): Promise<string>;
  nl_object_dump_text(obj: NlObject, type: number): Promise<string>;
  nl_object_cast<T extends string>(obj: NlObject, type: T): Promise<NlHandle<T>>;
  /** Gives back every reference the handle holds (what `await using` does); null is ignored. */
  release(h: NlHandle | null): Promise<void>;
  liveHandles(): Promise<number>;
  openSockets(): Promise<number>;
  /** Interrupts the call blocked on the kernel, if any: it fails with NLE_AGAIN. */
  cancel(): void;
  /** Closes every socket of the instance and ends its worker. */
  close(): Promise<void>;
  /** The current instance (a new one after a crash). */
  readonly instance: string;
}

export type LibnlAsync = Promisified<LibnlApi> & LibnlAsyncAdditions & AsyncDisposable;

/**
 * Operations that take the call channel (a MessagePort the idle worker
 * drains from Atomics.wait) rather than comlink: the ones every program
 * makes per call and per handle. See docs/decisions/call-channel.md.
 */
const CHANNEL_OPS: ReadonlySet<EndpointOp> = new Set<EndpointOp>(['call', 'release']);

let sharedModule: Promise<WebAssembly.Module> | undefined;
let sharedCheckedModule: Promise<WebAssembly.Module> | undefined;

/** One worker and its instance; replaced as a whole when the instance dies. */
class Generation {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<LibnlEndpoint>;
  readonly bridge: MessagePort;
  readonly signal: Int32Array;
  cancel!: CancelToken;
  instance = '';
  dead: Error | undefined;
  readonly pending = new Set<(e: Error) => void>();
  private seq = 0;
  private readonly replies = new Map<number, { resolve: (o: Outcome) => void; reject: (e: Error) => void }>();

  constructor(module: WebAssembly.Module, options: WorkerOptions, private readonly onInvoke:
    (g: Generation, id: number, args: unknown[]) => void) {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    this.signal = new Int32Array(signal);
    this.bridge = channel.port1;
    const start: WorkerStart = { options, module, bridge: channel.port2, signal };
    this.worker = startWorker('worker/libnl_worker.js', { workerData: start, transferList: [channel.port2] });
    // The worker waits in Atomics.wait between calls: comlink's messages wake it too.
    this.remote = Comlink.wrap<LibnlEndpoint>(nodeEndpoint(this.worker, () => this.wake()));
    this.bridge.on('message', (m: FromWorker) => {
      if (m.kind === 'invoke') {
        this.onInvoke(this, m.callback, m.args);
        return;
      }
      const r = this.replies.get(m.seq);
      this.replies.delete(m.seq);
      r?.resolve(m.outcome);
    });
    this.bridge.unref();
    const die = (e: Error): void => this.kill(e);
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`libnl worker exited (code ${code})`)));
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: WorkerHello) => {
        if (m.kind === 'ready') {
          this.cancel = m.cancel;
          this.instance = m.instance;
          resolve();
        } else reject(fromWire(m.error));
      });
      this.worker.once('error', reject);
    });
  }

  private wake(): void {
    Atomics.add(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }

  /** Sends a message on the call channel, and wakes the worker. */
  post(m: ToWorker): void {
    this.bridge.postMessage(m);
    this.wake();
  }

  /** An endpoint operation over the call channel. */
  viaChannel(op: EndpointOp, args: unknown[]): Promise<Outcome> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.replies.set(seq, { resolve, reject });
      this.post({ kind: 'call', seq, op, args });
    });
  }

  /** An endpoint operation through comlink; it needs the worker's event loop. */
  viaComlink(op: EndpointOp, args: unknown[]): Promise<Outcome> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.add(reject);
      (this.remote[op] as (...a: unknown[]) => Promise<Outcome>)(...args).then(resolve, reject)
        .finally(() => this.pending.delete(reject));
    });
  }

  kill(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const reject of this.pending) reject(e);
    this.pending.clear();
    for (const r of this.replies.values()) r.reject(e);
    this.replies.clear();
    void this.worker.terminate();
  }
}

class LibnlClient {
  private gen: Generation | undefined;
  private starting: Promise<Generation> | undefined;
  private closed = false;
  /** > 0 while a main-thread callback runs: calls then go through the bridge. */
  private callbackDepth = 0;
  private readonly callbackIds = new WeakMap<object, number>();
  private readonly callbacks = new Map<number, (...a: unknown[]) => unknown>();
  private nextCallback = 1;
  private readonly wrapped = new Map<string, WeakRef<NlHandle>>();
  private readonly registry = new FinalizationRegistry<NlHandle>((h) => {
    this.wrapped.delete(`${h.instance}/${h.id}`);
    if (!this.closed && this.gen && !this.gen.dead && this.gen.instance === h.instance) {
      void this.op('release', [h]).catch(() => undefined);
    }
  });
  private readonly handleProto: object;

  constructor(private readonly module: WebAssembly.Module, private readonly options: SpawnOptions) {
    const client = this as LibnlClient;
    this.handleProto = {
      async [Symbol.asyncDispose](this: NlHandle): Promise<void> {
        await client.release(this);
      },
      // `using` cannot wait: the release runs in the background.
      [Symbol.dispose](this: NlHandle): void {
        void client.release(this).catch(() => undefined);
      },
    };
  }

  get instance(): string {
    return this.gen?.instance ?? '';
  }

  async generation(): Promise<Generation> {
    if (this.closed) throw new Error('this libnl instance was closed');
    if (this.gen && !this.gen.dead) return this.gen;
    this.starting ??= (async () => {
      const g = new Generation(this.module, this.options, (gen, id, args) => this.invoke(gen, id, args));
      await g.ready();
      this.gen = g;
      this.starting = undefined;
      return g;
    })();
    return this.starting;
  }

  /** Main-side form of a value from the worker: handles get dispose and GC. */
  private hydrate(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.hydrate(x));
    if (!isHandle(v)) return v;
    const key = `${v.instance}/${v.id}`;
    const existing = this.wrapped.get(key)?.deref();
    if (existing) return existing;
    const h = Object.freeze(Object.assign(Object.create(this.handleProto) as object,
      { [HANDLE_MARK]: true, type: v.type, ptr: v.ptr, id: v.id, instance: v.instance })) as NlHandle;
    this.wrapped.set(key, new WeakRef(h));
    this.registry.register(h, { ...h }, h);
    return h;
  }

  /** Worker-side form of an argument: handles as plain data, functions as bridge references. */
  private dehydrate(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.dehydrate(x));
    if (typeof v === 'function') {
      let id = this.callbackIds.get(v);
      if (id === undefined) {
        id = this.nextCallback++;
        this.callbackIds.set(v, id);
        this.callbacks.set(id, v as (...a: unknown[]) => unknown);
      }
      return { [CALLBACK_MARK]: id };
    }
    if (isHandle(v)) return { [HANDLE_MARK]: true, type: v.type, ptr: v.ptr, id: v.id, instance: v.instance };
    return v;
  }

  /** libnl calls a main-thread callback: run it, answer the waiting worker. */
  private invoke(gen: Generation, id: number, args: unknown[]): void {
    const fn = this.callbacks.get(id);
    this.callbackDepth++;
    void (async () => {
      try {
        if (!fn) throw new Error(`unknown callback ${id}`);
        const value = await fn(...args.map((a) => this.hydrate(a)));
        gen.post({ kind: 'return', value: value ?? 0 });
      } catch (e) {
        gen.post({ kind: 'throw', error: { name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) } });
      } finally {
        this.callbackDepth--;
      }
    })();
  }

  op(op: EndpointOp, args: unknown[], what = op as string): Promise<unknown> {
    const gen = this.gen;
    if (gen && !gen.dead && !this.closed) return this.send(gen, op, args, what);
    return this.generation().then((g) => this.send(g, op, args, what));
  }

  private async send(gen: Generation, op: EndpointOp, args: unknown[], what: string): Promise<unknown> {
    const wire = args.map((a) => this.dehydrate(a));
    const timer = this.options.callTimeoutMs !== undefined && op === 'call'
      ? setTimeout(() => cancelInstance(gen.cancel, CANCEL_CALL), this.options.callTimeoutMs) : undefined;
    let o: Outcome;
    try {
      // Inside a main-thread callback the worker waits in libnl for the
      // channel; otherwise the channel carries the ops on the per-call path.
      o = await (CHANNEL_OPS.has(op) || this.callbackDepth > 0 ? gen.viaChannel(op, wire) : gen.viaComlink(op, wire));
    } finally {
      clearTimeout(timer);
    }
    if (o.ok) return this.hydrate(o.value);
    const err = fromWire(o.error);
    if (o.error.fatal) {
      gen.kill(err instanceof WasmTrap ? err : new WasmTrap(what, err.message));
    }
    throw err;
  }

  release(h: NlHandle): Promise<void> {
    this.registry.unregister(h);
    return this.op('release', [h]) as Promise<void>;
  }

  cancel(): void {
    if (this.gen && !this.gen.dead) cancelInstance(this.gen.cancel, CANCEL_CALL);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const gen = this.gen;
    if (!gen || gen.dead) return;
    cancelInstance(gen.cancel, CANCEL_SHUTDOWN);
    try {
      // A call the shutdown cancelled kills the generation (its worker is
      // terminated), and a terminated worker never answers: stop waiting then.
      await new Promise<void>((resolve) => {
        gen.pending.add(() => resolve());
        (gen.remote.close as () => Promise<Outcome>)().then(() => resolve(), () => resolve());
      });
    } finally {
      gen.remote[Comlink.releaseProxy]();
      gen.kill(new Error('this libnl instance was closed'));
      await gen.worker.terminate();
    }
  }
}

export const Libnl = {
  /** Starts a worker holding one libnl instance; see SpawnOptions. */
  async spawn(options: SpawnOptions = {}): Promise<LibnlAsync> {
    const modules = options.checked ? (sharedCheckedModule ??= loadModule(libnlModulePath(true)))
      : (sharedModule ??= loadModule(libnlModulePath()));
    const client = new LibnlClient(await modules, options);
    await client.generation();
    const api: Record<string | symbol, unknown> = {
      nl_cache_dump_text: (c: NlCache, t: number) => client.op('dumpText', ['cache', c, t]),
      nl_object_dump_text: (o: NlObject, t: number) => client.op('dumpText', ['object', o, t]),
      nl_object_cast: (o: NlObject, t: string) => client.op('cast', [o, t]),
      release: (h: NlHandle | null) => (h ? client.release(h) : Promise.resolve()),
      liveHandles: () => client.op('liveHandles', []),
      openSockets: () => client.op('openSockets', []),
      cancel: () => client.cancel(),
      close: () => client.close(),
      [Symbol.asyncDispose]: () => client.close(),
    };
    Object.defineProperty(api, 'instance', { get: () => client.instance, enumerable: true });
    for (const name of FUNCTION_NAMES) api[name] = (...args: unknown[]) => client.op('call', [name, args], name);
    return api as unknown as LibnlAsync;
  },
};
