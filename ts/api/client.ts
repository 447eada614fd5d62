/**
 * NetlinkClient: links, addresses, routes, neighbours, rules, traffic
 * control, generic netlink, conntrack, socket diagnostics and xfrm as plain
 * typed objects, computed by libnl's parsers and builders in a worker. The
 * main thread never waits on the kernel; dumps cross in batches, requests
 * on the call channel, batches of requests in chunks.
 *
 *   const client = await NetlinkClient.open({ netns: 'blue' });
 *   await client.links.add({ name: 'br0', kind: 'bridge', up: true });
 *   for await (const route of client.routes.stream()) ...
 *   const pod = await client.netns('pod-7');          // same API, same worker
 *   const w = await client.watch(['link', 'route']);  // subscribed on return
 *
 * The per-kind facades (client.links, client.routes, client.xfrm.sa, ...)
 * are made from the kind registry (kinds/index.ts), methods and types alike.
 */
import { MessageChannel } from 'node:worker_threads';
import { loadModule } from '../host/instance.js';
import type { NetnsSpec } from '../host/netns.js';
import { libnlModulePath } from '../libnl/module_path.js';
import { NlError } from '../libnl/nl_error.js';
import { NLE_OBJ_NOTFOUND } from '../libnl/generated/constants.js';
import { fromWire, type Outcome, type WorkerOptions } from '../worker/protocol.js';
import { runBatch } from './batch.js';
import { ClientPool, type ClientWorker } from './client_pool.js';
import type { ClientStats } from './client_protocol.js';
import { DumpPacing } from './dump_pacing.js';
import { DumpBatches, ObjectStream, RESTART } from './dump_stream.js';
import { KINDS, type AnyKind, type KindName } from './kinds/index.js';
import type { DumpOptions, FacadeContext, FacadeOf } from './registry.js';
import { tcHandle } from './request_builder.js';
import type { BatchOp, BatchOptions, BatchResult, Kind, LinkRef, Where } from './types.js';
import { netnsLabel, Watcher, type WatchTarget } from './watcher.js';

export interface ClientOptions {
  /** The network namespace to work in: a name (/var/run/netns), a path, or { pid }. */
  netns?: NetnsSpec;
  /** Load the checked (SAFE_HEAP) build of libnl. */
  checked?: boolean;
  /**
   * Receive dumps on a thread of their own while libnl parses them in the
   * worker: large dumps arrive sooner, but a third busy thread competes for
   * the cores, and with two cores the event loop's longest stalls during a
   * dump grow (docs/decisions/dump-readahead.md). Default: off.
   */
  readAhead?: boolean;
  /**
   * Client workers (threads, each a libnl instance) that namespace views
   * are spread over, for CPU parallelism across namespaces. Default: 1.
   */
  workers?: number;
}

export interface WatchOptions {
  /** SO_RCVBUF of each event socket (bytes): when it overflows, an overflow event is followed by a resync. */
  receiveBuffer?: number;
  /** The namespaces to watch (default: the client's or the view's own); events name theirs in `netns`. */
  netns?: NetnsSpec[];
}

const FAMILIES = { inet: 2, inet6: 10 } as const;

function matches<T>(o: T, where: Where<T> | undefined): boolean {
  if (!where) return true;
  if (typeof where === 'function') return where(o);
  return Object.entries(where).every(([k, v]) => JSON.stringify((o as Record<string, unknown>)[k]) === JSON.stringify(v));
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Nest<P extends string, V> = P extends `${infer A}.${infer B}` ? { readonly [K in A]: Nest<B, V> } : { readonly [K in P]: V };
type Kinds = typeof KINDS;

/** The per-kind facades of a client: client.links, client.routes, client.xfrm.sa, ..., one per registered kind. */
export type ClientFacades = UnionToIntersection<{ [N in KindName]: Nest<Kinds[N]['property'], FacadeOf<Kinds[N]>> }[KindName]>;

interface ListQuery<T> {
  family?: 'inet' | 'inet6';
  dev?: LinkRef;
  parent?: string;
  where?: Where<T>;
}

// The facades are made at run time from the registry; this gives them their types.
export interface NetlinkClient extends ClientFacades {}

/**
 * Each kind's `list()` resolves to every object at once; `stream()` hands
 * them out as their batches arrive. For tables of many thousand objects
 * prefer `stream()`: objects a program keeps are copied by V8's
 * young-generation collections, which stall the event loop for about 10 ms
 * at a time while 100k of them are collected (docs/benchmark.md; node's
 * `--max-semi-space-size=1` shortens those stalls).
 */
export class NetlinkClient {
  private closed = false;
  private readonly watchers = new Set<Watcher>();
  /** The root's views (a view's own set stays empty: views are the root's). */
  private readonly views = new Set<NetlinkClient>();

  private constructor(private readonly pool: ClientPool, private readonly worker: ClientWorker,
    private readonly ns: number, private readonly target: WatchTarget, private readonly root?: NetlinkClient) {
    for (const d of Object.values(KINDS) as unknown as AnyKind[]) {
      const path = d.property.split('.');
      let at = this as unknown as Record<string, unknown>;
      for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
      at[path[path.length - 1]] = this.facade(d);
    }
  }

  static async open(opts: ClientOptions = {}): Promise<NetlinkClient> {
    const workers = opts.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new RangeError(`workers must be an integer in 1..64, not ${workers}`);
    const module = await loadModule(libnlModulePath(opts.checked));
    const options: WorkerOptions = { netns: opts.netns, checked: opts.checked, readAhead: opts.readAhead };
    const pool = await ClientPool.open(module, options, workers);
    const worker = pool.workers[0];
    worker.views++;
    return new NetlinkClient(pool, worker, 0, { label: opts.netns !== undefined ? netnsLabel(opts.netns) : undefined });
  }

  /** The namespace this client or view works in, as events name it (undefined: the process's own). */
  get namespace(): string | undefined {
    return this.target.label;
  }

  /**
   * A client with the same API bound to another network namespace (a name,
   * a path or { pid }), sharing this client's workers and libnl instances:
   * what a namespace costs is its sockets, not a thread. Closing the view
   * closes its sockets and watchers; closing the client closes every view.
   */
  async netns(ref: NetnsSpec): Promise<NetlinkClient> {
    const root = this.root ?? this;
    root.checkOpen();
    const worker = root.pool.leastBusy();
    // Counted before the worker answers, so that views opened together spread too.
    worker.views++;
    let id: number;
    try {
      id = await worker.op<number>('netnsOpen', [ref]);
    } catch (e) {
      worker.views--;
      throw e;
    }
    const view = new NetlinkClient(root.pool, worker, id, { netns: ref, label: netnsLabel(ref) }, root);
    root.views.add(view);
    return view;
  }

  private checkOpen(): void {
    if (this.closed || this.root?.closed) throw new Error('this netlink client is closed');
  }

  private async op<R>(name: string, ...args: unknown[]): Promise<R> {
    this.checkOpen();
    return this.worker.op<R>(name, [this.ns, ...args]);
  }

  /** One kind's facade: list, stream, get, its requests and its extra methods. */
  private facade(d: AnyKind): Record<string, unknown> {
    const ctx: FacadeContext<unknown> = {
      list: (q) => this.listKind(d, q),
      ifindex: (ref) => this.op<number>('ifindex', ref),
      op: (name, ...args) => this.op(name, ...args),
    };
    const api: Record<string, unknown> = {
      list: (q: ListQuery<unknown> = {}) => this.listKind(d, q),
      stream: (q: ListQuery<unknown> = {}) => this.streamKind(d, q),
    };
    const get = d.get;
    if (get) api.get = (key: unknown) => this.one(`${d.property}.get`, get(ctx, key));
    const methods = (d.methods ?? {}) as Record<string, (...a: unknown[]) => unknown>;
    for (const op of Object.keys(d.requests ?? {})) {
      const make = methods[op];
      api[op] = async (...args: unknown[]): Promise<void> => {
        await this.op('request', op, d.name, make ? make(...args) : args[0]);
      };
    }
    if (d.extra) Object.assign(api, d.extra(ctx));
    return api;
  }

  // --- dumps -------------------------------------------------------------------------

  /**
   * Starts a dump whose batches come through a port of their own. With
   * `retry`, a dump the kernel interrupts starts again (RESTART).
   */
  private async dump<T>(d: AnyKind, opts: DumpOptions, retry: boolean): Promise<DumpBatches<T>> {
    this.checkOpen();
    const { port1, port2 } = new MessageChannel();
    const pacing = new DumpPacing();
    const w = this.worker;
    const outcome = w.call('stream', [this.ns, d.name, opts, port2, retry, pacing.buffer], [port2]);
    w.paced.add(pacing);
    const settled = outcome.catch((e: Error): Outcome => ({ ok: false, error: { name: e.name, message: e.message } }))
      .finally(() => w.paced.delete(pacing));
    return new DumpBatches<T>(port1, settled, pacing);
  }

  /** The dumps a listing makes, and the filter the client applies to their objects. */
  private async plan<T>(d: AnyKind, q: ListQuery<T>): Promise<{ dumps: DumpOptions[]; keep: (o: T) => boolean }> {
    const where = q.where;
    let keep = (o: T): boolean => matches(o, where);
    let dumps: DumpOptions[] = [{}];
    if (d.list === 'tc') {
      const parent = q.parent !== undefined ? { parent: tcHandle(q.parent) } : {};
      const indexes = q.dev !== undefined ? [await this.op<number>('ifindex', q.dev)]
        : (await this.listKind<{ index: number }>(KINDS.link as unknown as AnyKind, {})).map((l) => l.index);
      dumps = indexes.map((ifindex) => ({ ifindex, ...parent }));
    } else if (q.family !== undefined) {
      const family = FAMILIES[q.family];
      if (family === undefined) throw new TypeError(`family must be "inet" or "inet6", not ${String(q.family)}`);
      if (d.familyInDump) dumps = [{ family }];
      else keep = (o: T) => (o as { family?: number }).family === family && matches(o, where);
    } else if (d.families) {
      dumps = d.families.map((family) => ({ family }));
    }
    return { dumps, keep };
  }

  /** Every object of a kind, filtered. */
  private async listKind<T>(d: AnyKind, q: ListQuery<T>): Promise<T[]> {
    const { dumps, keep } = await this.plan(d, q);
    const lists = await Promise.all(dumps.map(async (opts) => {
      const batches = await this.dump<T>(d, opts, true);
      const out: T[] = [];
      try {
        for (let b = await batches.next(); b !== undefined; b = await batches.next()) {
          if (b === RESTART) out.length = 0;
          else for (const o of b) if (keep(o)) out.push(o);
        }
      } finally {
        batches.close();
      }
      return out;
    }));
    return lists.length === 1 ? lists[0] : lists.flat();
  }

  /** The objects of a kind, as their batches arrive from the worker; each iteration is a new dump. */
  private streamKind<T>(d: AnyKind, q: ListQuery<T>): AsyncIterable<T> {
    const client = this as NetlinkClient;
    return {
      async* [Symbol.asyncIterator](): AsyncGenerator<T> {
        const { dumps, keep } = await client.plan(d, q);
        for (const opts of dumps) yield* new ObjectStream<T>(() => client.dump<T>(d, opts, false), keep);
      },
    };
  }

  /** The first object found, or NLE_OBJ_NOTFOUND as libnl's lookups report a missing object. */
  private async one<T>(what: string, found: Promise<T[]>): Promise<T> {
    const [first] = await found;
    if (first === undefined) throw new NlError(NLE_OBJ_NOTFOUND, 'NLE_OBJ_NOTFOUND', 'Object not found', what);
    return first;
  }

  // --- batches and events --------------------------------------------------------------

  /**
   * Many requests, pipelined on one socket per protocol as `ip -batch`
   * and routing daemons do: taken from `ops` (an Iterable or AsyncIterable,
   * consumed as it goes, so a generator of a million requests needs little
   * memory), each built with libnl, many in flight with their own sequence
   * numbers, each answer matched to its request. Resolves to the number
   * applied and every request not applied with its error (an NlError with
   * the kernel's extended ack); nothing is dropped without being listed,
   * whether the kernel refused it, its answer was lost, or the client
   * closed first. With `stopOnError`, requests go one at a time and the
   * batch stops at the first refusal.
   */
  batch(ops: Iterable<BatchOp> | AsyncIterable<BatchOp>, opts: BatchOptions = {}): Promise<BatchResult> {
    this.checkOpen();
    return runBatch(this.worker, this.ns, ops, opts, () => this.closed || this.root?.closed === true);
  }

  /**
   * Change events of the given kinds, as an async iterator (and an
   * EventEmitter: 'event', 'error', 'end'), from this client's namespace or
   * from every namespace of `opts.netns`, in one event worker for all the
   * client's watchers. Resolves once subscribed: every change made after it
   * is reported. When an event socket overflows, an { kind: 'overflow',
   * netns } event is followed by the changes found by resynchronising that
   * namespace.
   */
  async watch(kinds: Kind[], opts: WatchOptions = {}): Promise<Watcher> {
    this.checkOpen();
    const root = this.root ?? this;
    const events = await root.pool.eventWorker();
    const w = new Watcher(events, [...new Set(kinds)], opts.receiveBuffer, (x) => this.watchers.delete(x));
    this.watchers.add(w);
    const targets = opts.netns ? opts.netns.map((n) => ({ netns: n, label: netnsLabel(n) })) : [this.target];
    try {
      await Promise.all(targets.map((t) => w.subscribe(t)));
    } catch (e) {
      await w.close();
      throw e;
    }
    return w;
  }

  /** What each of the client's workers holds now (its views' namespaces and sockets, its memory). */
  async stats(): Promise<ClientStats[]> {
    const root = this.root ?? this;
    root.checkOpen();
    return Promise.all(root.pool.workers.map((w) => w.op<ClientStats>('stats', [])));
  }

  /** Closes this client (with every view and watcher) or this view (with its watchers and sockets). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watchers].map((w) => w.close()));
    if (this.root) {
      this.root.views.delete(this);
      this.worker.views--;
      if (!this.root.closed) await this.worker.op('netnsClose', [this.ns]).catch(() => undefined);
      return;
    }
    await Promise.all([...this.views].map((v) => v.close()));
    await this.pool.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

export { Watcher };
export type { FacadeOf };
