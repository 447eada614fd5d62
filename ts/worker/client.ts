/**
 * libnl from the main thread: `await Libnl.spawn(options)` starts a worker
 * that holds one libnl instance and returns libnl's whole API as async
 * functions, name for name. The main thread never waits on the kernel.
 *
 * Every operation is one message on the call channel and one back. Many
 * calls can share one hop: `sequence()` sends a recorded list of calls,
 * `run()` runs a function of the user's own module in the worker with the
 * synchronous API (docs/worker-model.md).
 *
 * Callbacks are main-thread functions (sync or async); libnl waits for their
 * result. If the instance traps, aborts or exits, the call that did it and
 * every call still pending reject with a WasmTrap saying which call it was,
 * and the next call starts a fresh instance (the old handles are then dead).
 */
import { pathToFileURL } from 'node:url';
import { cancelInstance, loadModule, CANCEL_CALL, CANCEL_SHUTDOWN, type CancelToken } from '../host/instance.js';
import { WasmTrap } from '../host/errors.js';
import type { NetnsSpec } from '../host/netns.js';
import { HANDLE_MARK, isHandle, type NlHandle } from '../libnl/handles.js';
import { libnlModulePath } from '../libnl/module_path.js';
import type { LibnlSync } from '../libnl/sync.js';
import { FUNCTION_NAMES, type LibnlApi, type NlCache, type NlObject } from '../libnl/generated/api.js';
import { WorkerConnection } from './worker_connection.js';
import {
  CALLBACK_MARK, RESULT_MARK, fromWire, type EndpointOp, type FromWorker, type Outcome, type RecordedCall,
  type WorkerHello, type WorkerOptions,
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
  /**
   * Many libnl calls in one thread hop. `record` is called at once with a
   * recorder of the API: each call it makes is recorded and returns a
   * placeholder for its result, which later calls may take as an argument
   * and `record` may return (in an array or object). The calls then run in
   * the worker, in order, and the promise resolves to what `record`
   * returned, with the results in place of the placeholders. A call that
   * fails ends the sequence; its error names it, and the handles the
   * sequence made are given back.
   *
   *   const [route] = await lib.sequence((p) => {
   *     const r = p.rtnl_route_alloc();
   *     p.rtnl_route_set_table(r, 100);
   *     p.rtnl_route_set_dst(r, p.nl_addr_parse('10.9.0.0/16', AF_INET));
   *     return [r];
   *   });
   */
  sequence<R>(record: (lib: LibnlApi) => R): Promise<R>;
  /**
   * Runs `name`, an exported function of the ES module at `module` (a path
   * or a URL), in the worker, as `fn(lib, ...args)` with the synchronous
   * API over this same instance: every libnl call it makes costs no thread
   * hop. Handles passed in and returned are this instance's; the result
   * must be structured-clonable. The function must not keep handles past
   * its return.
   */
  run<R = unknown>(module: string | URL, name: string, ...args: unknown[]): Promise<R>;
  /**
   * Sockets created from now on (libnl's nl_connect() creates them) open in
   * that network namespace; null goes back to the instance's own. As
   * setns(2) does for a native program: connected sockets stay where they are.
   */
  setns(netns: NetnsSpec | null): Promise<void>;
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

/** The synchronous API a module given to `run()` receives. */
export type { LibnlSync };

let sharedModule: Promise<WebAssembly.Module> | undefined;
let sharedCheckedModule: Promise<WebAssembly.Module> | undefined;

type Hello = Extract<WorkerHello, { kind: 'ready' }>;

/** One worker and its instance; replaced as a whole when the instance dies. */
class Generation {
  readonly conn: WorkerConnection<Hello>;
  cancel!: CancelToken;
  instance = '';

  constructor(module: WebAssembly.Module, options: WorkerOptions, onInvoke: (g: Generation, id: number, args: unknown[]) => void) {
    this.conn = new WorkerConnection<Hello>({
      entry: 'worker/libnl_worker.js',
      start: { options, module },
      onMessage: (m: FromWorker) => {
        if (m.kind === 'invoke') onInvoke(this, m.callback as number, m.args as unknown[]);
      },
      deathError: (e) => (e instanceof WasmTrap ? e : new Error(`the libnl worker died: ${e.message}`)),
    });
  }

  async ready(): Promise<void> {
    const hello = await this.conn.ready();
    this.cancel = hello.cancel;
    this.instance = hello.instance;
  }

  get dead(): boolean {
    return this.conn.dead !== undefined;
  }
}

class LibnlClient {
  private gen: Generation | undefined;
  private starting: Promise<Generation> | undefined;
  private closed = false;
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
      try {
        const g = new Generation(this.module, this.options, (gen, id, args) => this.invoke(gen, id, args));
        await g.ready();
        this.gen = g;
        return g;
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  /** Main-side form of a value from the worker: handles get dispose and GC. */
  private hydrate(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.hydrate(x));
    if (!isHandle(v)) {
      if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.hydrate(x)]));
      }
      return v;
    }
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
  dehydrate(v: unknown): unknown {
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
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.dehydrate(x)]));
    }
    return v;
  }

  /** libnl calls a main-thread callback: run it, answer the waiting worker. */
  private invoke(gen: Generation, id: number, args: unknown[]): void {
    const fn = this.callbacks.get(id);
    void (async () => {
      try {
        if (!fn) throw new Error(`unknown callback ${id}`);
        const value = await fn(...args.map((a) => this.hydrate(a)));
        gen.conn.post({ kind: 'return', value: value ?? 0 });
      } catch (e) {
        gen.conn.post({ kind: 'throw', error: { name: (e as Error).name ?? 'Error', message: (e as Error).message ?? String(e) } });
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
      o = await gen.conn.call(op, wire, undefined, op === 'call' || op === 'release');
    } finally {
      clearTimeout(timer);
    }
    for (const id of o.released ?? []) this.forget(gen.instance, id);
    if (o.ok) return this.hydrate(o.value);
    const err = fromWire(o.error);
    if (o.error.fatal) void gen.conn.terminate(err instanceof WasmTrap ? err : new WasmTrap(what, err.message));
    throw err;
  }

  /** A handle the worker ended: nothing to give back when its object is collected. */
  private forget(instance: string, id: number): void {
    const key = `${instance}/${id}`;
    const h = this.wrapped.get(key)?.deref();
    this.wrapped.delete(key);
    if (h) this.registry.unregister(h);
  }

  /** Records the calls `record` makes, and runs them in one hop. */
  async sequence<R>(record: (lib: LibnlApi) => R): Promise<R> {
    const calls: RecordedCall[] = [];
    const recorder: Record<string, (...a: unknown[]) => unknown> = {};
    for (const name of FUNCTION_NAMES) {
      recorder[name] = (...args: unknown[]) => {
        calls.push({ name, args: args.map((a) => this.dehydrate(a)) });
        return { [RESULT_MARK]: calls.length - 1 };
      };
    }
    const want = this.dehydrate(record(recorder as unknown as LibnlApi));
    return await this.op('sequence', [calls, want], 'sequence') as R;
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
    const gen = this.gen ?? await this.starting?.catch(() => undefined);
    if (!gen || gen.dead) return;
    // A call blocked on the kernel ends at once; the close then runs in order.
    if (gen.conn.pending > 0) cancelInstance(gen.cancel, CANCEL_SHUTDOWN);
    await gen.conn.close(new Error('this libnl instance was closed'));
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
      sequence: <R>(record: (lib: LibnlApi) => R) => client.sequence(record),
      run: (module: string | URL, name: string, ...args: unknown[]) =>
        client.op('run', [moduleUrl(module), name, args], `run(${name})`),
      setns: (netns: NetnsSpec | null) => client.op('setns', [netns]),
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

function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return /^[a-z][a-z0-9+.-]*:/i.test(module) ? module : pathToFileURL(module).href;
}
