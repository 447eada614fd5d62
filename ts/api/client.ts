/**
 * NetlinkClient: links, addresses, routes, neighbours, rules, traffic
 * control, generic netlink, conntrack, socket diagnostics and xfrm as plain
 * typed objects, computed by libnl's parsers and builders in a worker. The
 * main thread never waits on the kernel; dumps cross in batches.
 *
 *   const client = await NetlinkClient.open({ netns: 'blue' });
 *   await client.links.add({ name: 'br0', kind: 'bridge', up: true });
 *   for await (const route of client.routes.stream()) ...
 *   for await (const ev of client.watch(['link', 'route'])) ...
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { loadModule, cancelInstance, CANCEL_SHUTDOWN, type CancelToken } from '../host/instance.js';
import { startWorker } from '../host/worker_entry.js';
import type { NetnsSpec } from '../host/netns.js';
import { libnlModulePath } from '../libnl/module_path.js';
import { NlError } from '../libnl/nl_error.js';
import { NLE_OBJ_NOTFOUND, RT_TABLE_MAIN } from '../libnl/generated/constants.js';
import { nodeEndpoint } from '../worker/node_endpoint.js';
import { fromWire, type Outcome, type WorkerHello, type WorkerOptions } from '../worker/protocol.js';
import type { ClientEndpoint } from './client_worker.js';
import type { ClientWorkerStart, WatchMessage, WatchWorkerStart } from './client_protocol.js';
import type { DumpKind, DumpOptions } from './kinds.js';
import { DumpPacing } from './dump_pacing.js';
import { DumpBatches, ObjectStream, RESTART } from './dump_stream.js';
import { decodeObject } from './plain_data.js';
import type {
  Address, AddressSpec, ChangeEvent, Class, ClassSpec, Classifier, ClassifierSpec, Conntrack, ConntrackSpec,
  GenlFamilyInfo, Kind, KindTypes, Link, LinkChange, LinkRef, LinkSpec, Neighbour, NeighbourSpec, Qdisc, QdiscSpec,
  Route, RouteSpec, Rule, RuleSpec, SocketInfo, WatchEvent, XfrmSa, XfrmSp,
} from './types.js';

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
}

/** Selects objects: by equal fields, or with a predicate. */
export type Where<T> = Partial<T> | ((o: T) => boolean);

export interface ListOptions<T> {
  where?: Where<T>;
  /** Only this address family ('inet', 'inet6'), where the kernel can filter. */
  family?: 'inet' | 'inet6';
}

export interface TcListOptions<T> extends ListOptions<T> {
  /** The link whose classes or classifiers to list (default: every link). */
  dev?: LinkRef;
  /** classifiers: the qdisc or class they hang off ("1:", "root"). */
  parent?: string;
}

const FAMILIES = { inet: 2, inet6: 10 } as const;

function matches<T>(o: T, where: Where<T> | undefined): boolean {
  if (!where) return true;
  if (typeof where === 'function') return where(o);
  return Object.entries(where).every(([k, v]) => JSON.stringify((o as Record<string, unknown>)[k]) === JSON.stringify(v));
}

/** A worker of the client, and the comlink proxy to it. */
class Connection {
  readonly worker: Worker;
  readonly remote: Comlink.Remote<ClientEndpoint>;
  cancel!: CancelToken;
  dead: Error | undefined;
  readonly pending = new Set<(e: Error) => void>();
  /** Dumps in progress whose worker side is paced (see dump_pacing.ts). */
  readonly paced = new Set<DumpPacing>();

  constructor(start: ClientWorkerStart) {
    this.worker = startWorker('api/client_worker.js', { workerData: start });
    this.remote = Comlink.wrap<ClientEndpoint>(nodeEndpoint(this.worker));
    const die = (e: Error): void => {
      if (this.dead) return;
      this.dead = e;
      for (const reject of this.pending) reject(e);
      this.pending.clear();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`the netlink client's worker exited (code ${code})`)));
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', (m: WorkerHello) => {
        if (m.kind === 'ready') {
          this.cancel = m.cancel;
          resolve();
        } else reject(fromWire(m.error));
      });
      this.worker.once('error', reject);
    });
  }
}

/**
 * Each kind's `list()` resolves to every object at once; `stream()` hands
 * them out as their batches arrive. For tables of many thousand objects
 * prefer `stream()`: objects a program keeps are copied by V8's
 * young-generation collections, which stall the event loop for about 10 ms
 * at a time while 100k of them are collected (docs/benchmark.md; node's
 * `--max-semi-space-size=1` shortens those stalls).
 */
export class NetlinkClient {
  private conn: Connection | undefined;
  private closed = false;
  private readonly watchers = new Set<Watcher>();

  private constructor(private readonly module: WebAssembly.Module, private readonly options: WorkerOptions) {}

  static async open(opts: ClientOptions = {}): Promise<NetlinkClient> {
    const module = await loadModule(libnlModulePath(opts.checked));
    const client = new NetlinkClient(module, { netns: opts.netns, checked: opts.checked, readAhead: opts.readAhead });
    await client.connection();
    return client;
  }

  private async connection(): Promise<Connection> {
    if (this.closed) throw new Error('this netlink client is closed');
    if (!this.conn || this.conn.dead) {
      const c = new Connection({ options: this.options, module: this.module });
      this.conn = c;
      await c.ready();
    }
    return this.conn;
  }

  private async op<R>(fn: (r: Comlink.Remote<ClientEndpoint>) => Promise<Outcome>): Promise<R> {
    const o = await this.call(await this.connection(), fn);
    if (!o.ok) throw fromWire(o.error);
    return o.value as R;
  }

  /**
   * A call to the worker that rejects if the worker dies meanwhile. It
   * releases the pacing of dumps in progress: the worker serves this call
   * only after them.
   */
  private call(c: Connection, fn: (r: Comlink.Remote<ClientEndpoint>) => Promise<Outcome>): Promise<Outcome> {
    for (const p of c.paced) p.release();
    c.paced.clear();
    return new Promise<Outcome>((resolve, reject) => {
      c.pending.add(reject);
      fn(c.remote).then(resolve, reject).finally(() => c.pending.delete(reject));
    });
  }

  /**
   * Starts a dump whose batches come through a port of their own. With
   * `retry`, a dump the kernel interrupts starts again (RESTART).
   */
  private async dump<T>(kind: DumpKind, opts: DumpOptions, retry: boolean): Promise<DumpBatches<T>> {
    const c = await this.connection();
    const { port1, port2 } = new MessageChannel();
    const pacing = new DumpPacing();
    const outcome = this.call(c, (r) => r.stream(kind, opts, Comlink.transfer(port2, [port2]) as never, retry,
      pacing.buffer));
    c.paced.add(pacing);
    const settled = outcome.catch((e: Error): Outcome => ({ ok: false, error: { name: e.name, message: e.message } }))
      .finally(() => c.paced.delete(pacing));
    return new DumpBatches<T>(port1, settled, pacing);
  }

  private async dumpOptions(kind: DumpKind, family?: 'inet' | 'inet6', dev?: LinkRef, parent?: string): Promise<DumpOptions> {
    const o: DumpOptions = {};
    if (family) o.family = FAMILIES[family];
    if (dev !== undefined) o.ifindex = await this.op<number>((r) => r.ifindex(dev));
    if (parent !== undefined) o.parent = parseHandle(parent);
    void kind;
    return o;
  }

  /** Every object of a kind, filtered. */
  private async list<T>(kind: DumpKind, opts: DumpOptions, where?: Where<T>): Promise<T[]> {
    const batches = await this.dump<T>(kind, opts, true);
    const out: T[] = [];
    try {
      for (let b = await batches.next(); b !== undefined; b = await batches.next()) {
        if (b === RESTART) out.length = 0;
        else for (const o of b) if (matches(o, where)) out.push(o);
      }
    } finally {
      batches.close();
    }
    return out;
  }

  /** The objects of a kind, as their batches arrive from the worker; each iteration is a new dump. */
  private stream<T>(kind: DumpKind, opts: () => Promise<DumpOptions>, where?: Where<T>): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: () => new ObjectStream<T>(async () => this.dump<T>(kind, await opts(), false),
        (o) => matches(o, where)),
    };
  }

  private async perLink<T>(kind: 'class' | 'classifier', opts: TcListOptions<T>): Promise<DumpOptions[]> {
    if (opts.dev !== undefined) return [await this.dumpOptions(kind, undefined, opts.dev, opts.parent)];
    const links = await this.list<Link>('link', {});
    return links.map((l) => ({ ifindex: l.index, ...(opts.parent ? { parent: parseHandle(opts.parent) } : {}) }));
  }

  readonly links = {
    list: async (o: ListOptions<Link> = {}): Promise<Link[]> =>
      this.list('link', await this.dumpOptions('link', o.family), o.where),
    stream: (o: ListOptions<Link> = {}): AsyncIterable<Link> =>
      this.stream<Link>('link', () => this.dumpOptions('link', o.family), o.where),
    get: async (ref: LinkRef): Promise<Link> =>
      decodeObject<Link>(await this.op<Uint8Array>((r) => r.getLink(ref))),
    add: (spec: LinkSpec): Promise<void> => this.op((r) => r.addLink(spec)),
    change: (ref: LinkRef, change: LinkChange): Promise<void> => this.op((r) => r.changeLink(ref, change)),
    delete: (ref: LinkRef): Promise<void> => this.op((r) => r.deleteLink(ref)),
  };

  readonly addresses = {
    list: async (o: ListOptions<Address> = {}): Promise<Address[]> =>
      this.list('address', {}, familyFilter(o)),
    stream: (o: ListOptions<Address> = {}): AsyncIterable<Address> =>
      this.stream<Address>('address', async () => ({}), familyFilter(o)),
    /** The address `local` ("10.0.0.1/24" or "10.0.0.1") on `dev`. */
    get: async (key: Pick<AddressSpec, 'dev' | 'local'>): Promise<Address> => {
      const ifindex = (await this.links.get(key.dev)).index;
      return this.one('addresses.get', this.list<Address>('address', {},
        (a) => a.ifindex === ifindex && sameAddress(a.local, key.local)));
    },
    add: (spec: AddressSpec): Promise<void> => this.op((r) => r.addAddress(spec, false)),
    /** Replaces the address; the kernel then updates its lifetimes only. */
    change: (spec: AddressSpec): Promise<void> => this.op((r) => r.addAddress(spec, true)),
    delete: (spec: AddressSpec): Promise<void> => this.op((r) => r.deleteAddress(spec)),
  };

  readonly routes = {
    list: async (o: ListOptions<Route> = {}): Promise<Route[]> =>
      this.list('route', await this.dumpOptions('route', o.family), o.where),
    stream: (o: ListOptions<Route> = {}): AsyncIterable<Route> =>
      this.stream<Route>('route', () => this.dumpOptions('route', o.family), o.where),
    /** The route to `dst` in `table` (default: main) with the lowest priority. */
    get: async (key: Pick<RouteSpec, 'dst' | 'table' | 'family'>): Promise<Route> => {
      const table = key.table ?? RT_TABLE_MAIN;
      const found = await this.routes.list({ family: key.family,
        where: (r) => r.table === table && sameAddress(r.dst ?? 'default', key.dst) });
      return this.one('routes.get', Promise.resolve(found.sort((a, b) => a.priority - b.priority).slice(0, 1)));
    },
    add: (spec: RouteSpec): Promise<void> => this.op((r) => r.addRoute(spec, false)),
    /** Replaces the route with the same destination, table and priority. */
    change: (spec: RouteSpec): Promise<void> => this.op((r) => r.addRoute(spec, true)),
    delete: (spec: RouteSpec): Promise<void> => this.op((r) => r.deleteRoute(spec)),
  };

  readonly neighbours = {
    list: async (o: ListOptions<Neighbour> = {}): Promise<Neighbour[]> =>
      this.list('neighbour', {}, familyFilter(o)),
    stream: (o: ListOptions<Neighbour> = {}): AsyncIterable<Neighbour> =>
      this.stream<Neighbour>('neighbour', async () => ({}), familyFilter(o)),
    get: async (key: Pick<NeighbourSpec, 'dev' | 'dst'>): Promise<Neighbour> => {
      const ifindex = (await this.links.get(key.dev)).index;
      return this.one('neighbours.get', this.list<Neighbour>('neighbour', {},
        (n) => n.ifindex === ifindex && sameAddress(n.dst, key.dst)));
    },
    add: (spec: NeighbourSpec): Promise<void> => this.op((r) => r.addNeighbour(spec, false)),
    change: (spec: NeighbourSpec): Promise<void> => this.op((r) => r.addNeighbour(spec, true)),
    delete: (spec: NeighbourSpec): Promise<void> => this.op((r) => r.deleteNeighbour(spec)),
  };

  readonly rules = {
    list: async (o: ListOptions<Rule> = {}): Promise<Rule[]> => this.list('rule', {}, familyFilter(o)),
    stream: (o: ListOptions<Rule> = {}): AsyncIterable<Rule> =>
      this.stream<Rule>('rule', async () => ({}), familyFilter(o)),
    /** The rule at `priority` (of `family`, when several families have one there). */
    get: (key: Pick<RuleSpec, 'priority' | 'family'>): Promise<Rule> =>
      this.one('rules.get', this.rules.list({ family: key.family, where: (r) => r.priority === key.priority })),
    add: (spec: RuleSpec): Promise<void> => this.op((r) => r.addRule(spec)),
    delete: (spec: RuleSpec): Promise<void> => this.op((r) => r.deleteRule(spec)),
  };

  readonly qdiscs = {
    list: async (o: ListOptions<Qdisc> = {}): Promise<Qdisc[]> => this.list('qdisc', {}, o.where),
    stream: (o: ListOptions<Qdisc> = {}): AsyncIterable<Qdisc> =>
      this.stream<Qdisc>('qdisc', async () => ({}), o.where),
    /** The qdisc of `dev` with `handle`, or else the one attached at `parent`. */
    get: async (key: Pick<QdiscSpec, 'dev' | 'parent' | 'handle'>): Promise<Qdisc> => {
      const ifindex = (await this.links.get(key.dev)).index;
      return this.one('qdiscs.get', this.list<Qdisc>('qdisc', {}, (q) => q.ifindex === ifindex
        && (key.handle !== undefined ? q.handle === key.handle : q.parent === key.parent)));
    },
    add: (spec: QdiscSpec): Promise<void> => this.op((r) => r.addQdisc(spec, false)),
    change: (spec: QdiscSpec): Promise<void> => this.op((r) => r.addQdisc(spec, true)),
    delete: (spec: QdiscSpec): Promise<void> => this.op((r) => r.deleteQdisc(spec)),
  };

  readonly classes = {
    list: async (o: TcListOptions<Class> = {}): Promise<Class[]> =>
      (await Promise.all((await this.perLink('class', o)).map((d) => this.list<Class>('class', d, o.where)))).flat(),
    stream: (o: TcListOptions<Class> = {}): AsyncIterable<Class> => this.lazy(async () =>
      this.concat((await this.perLink('class', o)).map((d) => this.stream<Class>('class', async () => d, o.where)))),
    get: (key: Pick<ClassSpec, 'dev' | 'classid'>): Promise<Class> =>
      this.one('classes.get', this.classes.list({ dev: key.dev, where: (c) => c.handle === key.classid })),
    add: (spec: ClassSpec): Promise<void> => this.op((r) => r.addClass(spec, false)),
    change: (spec: ClassSpec): Promise<void> => this.op((r) => r.addClass(spec, true)),
    delete: (spec: ClassSpec): Promise<void> => this.op((r) => r.deleteClass(spec)),
  };

  readonly classifiers = {
    list: async (o: TcListOptions<Classifier> = {}): Promise<Classifier[]> =>
      (await Promise.all((await this.perLink('classifier', o))
        .map((d) => this.list<Classifier>('classifier', d, o.where)))).flat(),
    stream: (o: TcListOptions<Classifier> = {}): AsyncIterable<Classifier> => this.lazy(async () =>
      this.concat((await this.perLink('classifier', o)).map((d) =>
        this.stream<Classifier>('classifier', async () => d, o.where)))),
    /** The classifier at `parent` with `prio` (and `handle`, when given). */
    get: (key: Pick<ClassifierSpec, 'dev' | 'parent' | 'prio' | 'handle'>): Promise<Classifier> =>
      this.one('classifiers.get', this.classifiers.list({ dev: key.dev, parent: key.parent,
        where: (c) => c.prio === key.prio && (key.handle === undefined || c.handle === key.handle) })),
    add: (spec: ClassifierSpec): Promise<void> => this.op((r) => r.addClassifier(spec, false)),
    /** Replaces the classifier with the same parent, priority and handle. */
    change: (spec: ClassifierSpec): Promise<void> => this.op((r) => r.addClassifier(spec, true)),
    delete: (spec: ClassifierSpec): Promise<void> => this.op((r) => r.deleteClassifier(spec)),
  };

  readonly conntrack = {
    list: (o: { where?: Where<Conntrack> } = {}): Promise<Conntrack[]> => this.list('conntrack', {}, o.where),
    stream: (o: { where?: Where<Conntrack> } = {}): AsyncIterable<Conntrack> =>
      this.stream<Conntrack>('conntrack', async () => ({}), o.where),
    add: (spec: ConntrackSpec): Promise<void> => this.op((r) => r.addConntrack(spec)),
    delete: (spec: ConntrackSpec): Promise<void> => this.op((r) => r.deleteConntrack(spec)),
  };

  readonly genl = {
    /** Every generic netlink family, with its operations and multicast groups. */
    list: (o: { where?: Where<GenlFamilyInfo> } = {}): Promise<GenlFamilyInfo[]> => this.list('genl', {}, o.where),
    /** A family's numeric id (genl_ctrl_resolve). */
    resolve: (name: string): Promise<number> => this.op((r) => r.resolveGenl(name)),
    /** A family by name, with its operations and groups. */
    get: async (name: string): Promise<GenlFamilyInfo | undefined> =>
      (await this.list<GenlFamilyInfo>('genl', {}, { name })).at(0),
  };

  readonly sockets = {
    /** TCP/UDP sockets (inet_diag) of a family, optionally in some states ("established", "listen", ...). */
    list: async (o: { family?: 'inet' | 'inet6'; where?: Where<SocketInfo> } = {}): Promise<SocketInfo[]> => {
      const families = o.family ? [FAMILIES[o.family]] : [FAMILIES.inet, FAMILIES.inet6];
      return (await Promise.all(families.map((f) => this.list<SocketInfo>('socket', { family: f }, o.where)))).flat();
    },
  };

  readonly xfrm = {
    sa: { list: (o: { where?: Where<XfrmSa> } = {}): Promise<XfrmSa[]> => this.list('xfrm-sa', {}, o.where) },
    sp: { list: (o: { where?: Where<XfrmSp> } = {}): Promise<XfrmSp[]> => this.list('xfrm-sp', {}, o.where) },
  };

  /**
   * Change events of the given kinds, as an async iterator (and an
   * EventEmitter: 'event', 'error', 'end'). `receiveBuffer` sizes the event
   * socket; when it overflows, an { kind: 'overflow' } event is followed by
   * the changes found by resynchronising with the kernel.
   */
  watch(kinds: Kind[], opts: { receiveBuffer?: number } = {}): Watcher {
    if (this.closed) throw new Error('this netlink client is closed');
    const w = new Watcher({ options: this.options, module: this.module, kinds: [...new Set(kinds)],
      receiveBuffer: opts.receiveBuffer }, () => this.watchers.delete(w));
    this.watchers.add(w);
    return w;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watchers].map((w) => w.close()));
    const c = this.conn;
    if (c && !c.dead) {
      for (const p of c.paced) p.release();
      cancelInstance(c.cancel, CANCEL_SHUTDOWN);
      await c.remote.close().catch(() => undefined);
      c.remote[Comlink.releaseProxy]();
      await c.worker.terminate();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The first object found, or NLE_OBJ_NOTFOUND as libnl's lookups report
   * a missing object.
   */
  private async one<T>(what: string, found: Promise<T[]>): Promise<T> {
    const [first] = await found;
    if (first === undefined) throw new NlError(NLE_OBJ_NOTFOUND, 'NLE_OBJ_NOTFOUND', 'Object not found', what);
    return first;
  }

  /** An async iterable whose source is made on first iteration. */
  private lazy<T>(make: () => Promise<AsyncIterable<T>>): AsyncIterable<T> {
    return { [Symbol.asyncIterator]: async function* () { yield* await make(); } };
  }

  private async *concat<T>(sources: AsyncIterable<T>[]): AsyncGenerator<T> {
    for (const s of sources) yield* s;
  }
}

/**
 * Whether address `a` (as libnl prints it) is the one the user wrote as `b`:
 * a full-length prefix may be left out ("10.0.0.1" = "10.0.0.1/32"), and a
 * `b` without a prefix matches `a` with any ("10.0.0.1" = "10.0.0.1/24").
 */
function sameAddress(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const plain = (x: string): string => x.replace(x.includes(':') ? /\/128$/ : /\/32$/, '');
  return plain(a) === plain(b) || (!b.includes('/') && a.split('/')[0] === b);
}

function familyFilter<T extends { family: number }>(o: ListOptions<T>): Where<T> | undefined {
  if (!o.family) return o.where;
  const family = FAMILIES[o.family];
  return (x: T) => x.family === family && matches(x, o.where);
}

/** "1:10" -> 0x0001000a, "root" -> TC_H_ROOT, as libnl's rtnl_tc_str2handle() does for numbers. */
function parseHandle(text: string): number {
  const names: Record<string, number> = { root: 0xffffffff, ingress: 0xfffffff1, none: 0 };
  if (text in names) return names[text];
  const m = /^([0-9a-f]{0,4}):([0-9a-f]{0,4})$/i.exec(text);
  if (!m) throw new TypeError(`"${text}" is not a traffic control handle (like "1:", "1:10", "root")`);
  return ((parseInt(m[1] || '0', 16) << 16) | parseInt(m[2] || '0', 16)) >>> 0;
}

/**
 * The events of a watch: `for await (const e of watcher)`, or
 * `watcher.on('event', ...)`. Ends when closed (or when its client closes).
 * Events are kept for an iterator while one runs, and while nobody listens
 * at all (so an iterator started later misses nothing); with only 'event'
 * listeners nothing is kept.
 */
export class Watcher extends EventEmitter implements AsyncIterable<WatchEvent> {
  private readonly worker: Worker;
  private cancel: CancelToken | undefined;
  private readonly queue: WatchEvent[] = [];
  private wake: (() => void) | undefined;
  private iterators = 0;
  private ended = false;
  private failure: Error | undefined;
  /** Resolves when the watcher is subscribed (events from then on are seen). */
  readonly ready: Promise<void>;

  /** @internal Made by NetlinkClient.watch(). */
  constructor(start: WatchWorkerStart, private readonly onClose: () => void) {
    super();
    this.worker = startWorker('api/watch_worker.js', { workerData: start });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (m: WorkerHello) => {
        if (m.kind === 'ready') {
          this.cancel = m.cancel;
          resolve();
        } else reject(fromWire(m.error));
      });
    });
    this.ready.catch((e: Error) => this.end(e));
    this.worker.on('message', (m: WatchMessage | WorkerHello) => {
      if (m.kind === 'events') {
        for (const e of m.events) this.push({ kind: e.kind, action: e.action, object: decodeObject(e.data) } as ChangeEvent);
      } else if (m.kind === 'overflow') {
        this.push({ kind: 'overflow' });
      } else if (m.kind === 'error') {
        this.end(fromWire(m.error));
      }
    });
    this.worker.on('error', (e) => this.end(e));
    this.worker.on('exit', () => this.end());
  }

  /** Events received and not yet taken by an iterator. */
  get buffered(): number {
    return this.queue.length;
  }

  private push(e: WatchEvent): void {
    // Kept only for an iterator: a long-lived 'event' listener alone would
    // otherwise grow this queue by every event ever seen.
    if (this.iterators > 0 || this.listenerCount('event') === 0) this.queue.push(e);
    this.emit('event', e);
    this.wake?.();
  }

  private end(e?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = e;
    if (e && this.listenerCount('error')) this.emit('error', e);
    this.emit('end');
    this.wake?.();
    this.onClose();
  }

  async close(): Promise<void> {
    if (this.cancel) cancelInstance(this.cancel, CANCEL_SHUTDOWN);
    this.end();
    await this.worker.terminate();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent> {
    this.iterators++;
    try {
      for (;;) {
        while (this.queue.length) yield this.queue.shift() as WatchEvent;
        if (this.ended) {
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((r) => { this.wake = r; });
      }
    } finally {
      this.iterators--;
    }
  }
}

export type { KindTypes };
