/**
 * The events of a watch, on the main thread: `for await (const e of
 * watcher)`, or `watcher.on('event', ...)`. One watcher may follow many
 * namespaces (each a subscription in the client's event worker); every
 * event says which one it came from. Ends when closed (or when its client
 * closes).
 *
 * A watcher exists only once subscribed: every change made after
 * `await client.watch()` returns is reported. Events are kept for an
 * iterator while one runs, and while nobody listens at all (so an iterator
 * started later misses nothing); with only 'event' listeners nothing is kept.
 */
import { EventEmitter } from 'node:events';
import type { NetnsSpec } from '../host/netns.js';
import { fromWire } from '../worker/protocol.js';
import type { EventWorker } from './client_pool.js';
import type { WatchMessage } from './client_protocol.js';
import { decodeObject } from './plain_data.js';
import type { ChangeEvent, Kind, WatchEvent } from './types.js';

/** How a namespace is named in events: as the watch was given it. */
export function netnsLabel(spec: NetnsSpec): string {
  if (typeof spec === 'string') return spec;
  if ('name' in spec) return spec.name;
  if ('path' in spec) return spec.path;
  return `pid:${spec.pid}`;
}

export interface WatchTarget {
  /** The namespace (undefined: the event worker's own, the client's). */
  netns?: NetnsSpec;
  /** What events say it is; undefined when the client has no namespace option. */
  label?: string;
}

export class Watcher extends EventEmitter implements AsyncIterable<WatchEvent> {
  private readonly queue: WatchEvent[] = [];
  private wake: (() => void) | undefined;
  private iterators = 0;
  private ended = false;
  private failure: Error | undefined;
  private unsubscribed: Promise<void> = Promise.resolve();
  /** Subscription ids by label ('' for the unlabelled one). */
  private readonly subs = new Map<string, number>();
  /** Resolved: a watcher is subscribed before it is returned (kept for code written for earlier versions). */
  readonly ready: Promise<void> = Promise.resolve();

  /** @internal Made by NetlinkClient.watch(). */
  constructor(private readonly events: EventWorker, private readonly kinds: Kind[],
    private readonly receiveBuffer: number | undefined, private readonly onClose: (w: Watcher) => void) {
    super();
  }

  /** The namespaces watched, as events name them. */
  get namespaces(): string[] {
    return [...this.subs.keys()].filter((k) => k !== '');
  }

  /** Events received and not yet taken by an iterator. */
  get buffered(): number {
    return this.queue.length;
  }

  /**
   * Follows one more namespace (a pod that came up): resolves once its
   * changes are seen; its events name it as netnsLabel() does. A namespace
   * already followed is left as it is.
   */
  add(netns: NetnsSpec): Promise<void> {
    return this.subscribe({ netns, label: netnsLabel(netns) });
  }

  /** @internal Follows a namespace under the name its events give it. */
  async subscribe(target: WatchTarget): Promise<void> {
    if (this.ended) throw new Error('this watcher is closed');
    const key = target.label ?? '';
    if (this.subs.has(key)) return;
    const id = this.events.route((m) => this.receive(m, target.label));
    this.subs.set(key, id);
    try {
      await this.events.op('subscribe', [{ id, netns: target.netns, kinds: this.kinds, receiveBuffer: this.receiveBuffer }]);
    } catch (e) {
      this.subs.delete(key);
      this.events.unroute(id);
      throw e;
    }
  }

  /** Stops following a namespace (as it was added, or by the name its events give it). */
  async remove(netns: NetnsSpec): Promise<void> {
    const label = netnsLabel(netns);
    const id = this.subs.get(label);
    if (id === undefined) return;
    this.subs.delete(label);
    this.events.unroute(id);
    await this.events.op('unsubscribe', [id]).catch(() => undefined);
  }

  private receive(m: WatchMessage, netns: string | undefined): void {
    const where = netns === undefined ? {} : { netns };
    if (m.kind === 'events') {
      for (const e of m.events) this.push({ kind: e.kind, action: e.action, object: decodeObject(e.data), ...where } as ChangeEvent);
    } else if (m.kind === 'overflow') {
      this.push({ kind: 'overflow', ...where });
    } else {
      void this.end(fromWire(m.error));
    }
  }

  private push(e: WatchEvent): void {
    // Kept only for an iterator: a long-lived 'event' listener alone would
    // otherwise grow this queue by every event ever seen.
    if (this.iterators > 0 || this.listenerCount('event') === 0) this.queue.push(e);
    this.emit('event', e);
    this.wake?.();
  }

  /** @internal The watcher ends (closed, its client closed, or a subscription failed). */
  end(e?: Error): Promise<void> {
    if (this.ended) return this.unsubscribed;
    this.ended = true;
    this.failure = e;
    this.unsubscribed = Promise.all([...this.subs.values()].map((id) => {
      this.events.unroute(id);
      return this.events.op('unsubscribe', [id]).catch(() => undefined);
    })).then(() => undefined);
    this.subs.clear();
    if (e && this.listenerCount('error')) this.emit('error', e);
    this.emit('end');
    this.wake?.();
    this.onClose(this);
    return this.unsubscribed;
  }

  /** Ends the iterators and gives back the watch's sockets. */
  close(): Promise<void> {
    return this.end();
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
