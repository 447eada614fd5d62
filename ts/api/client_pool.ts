/**
 * The workers behind a NetlinkClient and all its namespace views: a few
 * client workers (`workers: N`, one by default), each a libnl instance
 * holding sockets in any number of namespaces, and one event worker for
 * every watcher of every view, started with the first watch. A view goes to
 * the client worker with the fewest views, so namespaces spread over the
 * workers' threads.
 */
import { WorkerConnection } from '../worker/worker_connection.js';
import { fromWire, type Outcome, type WorkerHello, type WorkerOptions } from '../worker/protocol.js';
import { cancelInstance, CANCEL_SHUTDOWN, type CancelToken } from '../host/instance.js';
import type { DumpPacing } from './dump_pacing.js';
import type { WatchMessage } from './client_protocol.js';

type Hello = Extract<WorkerHello, { kind: 'ready' }>;

/** Operations that answer within microseconds: their answer is waited for briefly (WorkerConnection.call). */
const QUICK: ReadonlySet<string> = new Set(['request', 'ifindex', 'getLink', 'genlResolve']);

/** One client worker, and what the main thread keeps about it. */
export class ClientWorker {
  readonly conn: WorkerConnection<Hello>;
  cancel: CancelToken | undefined;
  /** Views (namespaces) served here. */
  views = 0;
  /** Dumps in progress whose worker side is paced (see dump_pacing.ts). */
  readonly paced = new Set<DumpPacing>();
  /** Calls pending that may wait on the kernel (all but batches, which stop by themselves on close). */
  private waiting = 0;

  constructor(module: WebAssembly.Module, options: WorkerOptions) {
    this.conn = new WorkerConnection<Hello>({
      entry: 'api/client_worker.js',
      start: { options, module },
      deathError: (e) => new Error(`the netlink client's worker failed: ${e.message}`),
    });
  }

  async ready(): Promise<void> {
    this.cancel = (await this.conn.ready()).cancel;
  }

  /**
   * An operation of the worker. It releases the pacing of dumps in
   * progress: the worker serves this call only after them, and the code
   * waiting for it may be the code that would read them.
   */
  call(op: string, args: unknown[], transfer?: Parameters<WorkerConnection['call']>[2]): Promise<Outcome> {
    for (const p of this.paced) p.release();
    this.paced.clear();
    if (op === 'batch') return this.conn.call(op, args, transfer);
    this.waiting++;
    return this.conn.call(op, args, transfer, QUICK.has(op)).finally(() => this.waiting--);
  }

  /** The operation's value, or its error thrown. */
  async op<R>(op: string, args: unknown[]): Promise<R> {
    const o = await this.call(op, args);
    if (!o.ok) throw fromWire(o.error);
    return o.value as R;
  }

  async close(): Promise<void> {
    for (const p of this.paced) p.release();
    // A dump or request waiting on the kernel ends at once; a batch stops at its next
    // request by itself, and reports what was applied.
    if (this.waiting > 0 && this.cancel) cancelInstance(this.cancel, CANCEL_SHUTDOWN);
    await this.conn.close(new Error('this netlink client is closed'));
  }
}

/** The event worker: subscriptions in, change events out (routed by subscription id). */
export class EventWorker {
  readonly conn: WorkerConnection<Hello>;
  private readonly routes = new Map<number, (m: WatchMessage) => void>();
  private nextSubscription = 1;

  constructor(module: WebAssembly.Module, options: WorkerOptions) {
    this.conn = new WorkerConnection<Hello>({
      entry: 'api/watch_worker.js',
      start: { options, module },
      mail: true,
      onMessage: (m) => this.routes.get((m as WatchMessage).sub)?.(m as WatchMessage),
      deathError: (e) => new Error(`the netlink client's event worker failed: ${e.message}`),
    });
  }

  /** A subscription id whose messages go to `to`. */
  route(to: (m: WatchMessage) => void): number {
    const id = this.nextSubscription++;
    this.routes.set(id, to);
    return id;
  }

  unroute(id: number): void {
    this.routes.delete(id);
  }

  async op<R>(op: string, args: unknown[]): Promise<R> {
    const o = await this.conn.call(op, args);
    if (!o.ok) throw fromWire(o.error);
    return o.value as R;
  }
}

export class ClientPool {
  readonly workers: ClientWorker[] = [];
  private events: Promise<EventWorker> | undefined;
  closed = false;

  private constructor(private readonly module: WebAssembly.Module, private readonly options: WorkerOptions) {}

  static async open(module: WebAssembly.Module, options: WorkerOptions, workers: number): Promise<ClientPool> {
    const pool = new ClientPool(module, options);
    for (let i = 0; i < workers; i++) pool.workers.push(new ClientWorker(module, options));
    try {
      await Promise.all(pool.workers.map((w) => w.ready()));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  /** The worker a new view goes to: the one with the fewest. */
  leastBusy(): ClientWorker {
    return this.workers.reduce((a, b) => (b.views < a.views ? b : a));
  }

  eventWorker(): Promise<EventWorker> {
    if (this.closed) return Promise.reject(new Error('this netlink client is closed'));
    this.events ??= (async () => {
      const w = new EventWorker(this.module, this.options);
      await w.conn.ready();
      return w;
    })();
    return this.events;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const events = await this.events?.catch(() => undefined);
    await Promise.all([
      ...this.workers.map((w) => w.close()),
      events?.conn.close(new Error('this netlink client is closed')),
    ]);
  }
}
