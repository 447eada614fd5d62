/**
 * A dump on the main thread: the client worker's batches (plain data,
 * plain_data.ts) arriving through a MessagePort, decoded one per turn of
 * the event loop (DumpBatches), and the objects handed out one by one from
 * the decoded arrays (ObjectStream, what `stream()` returns). `list()`
 * collects the batches the same way, so both overlap the main thread's
 * decoding with the worker's work.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MessagePort } from 'node:worker_threads';
import { fromWire, type Outcome, type WireError } from '../worker/protocol.js';
import type { DumpPacing } from './dump_pacing.js';
import { PlainDataDecoder } from './plain_data.js';

/** What the worker posts on a dump's port. */
export type BatchMessage =
  | { data: Uint8Array; count: number }
  /** The kernel interrupted the dump and it starts again: drop what came so far. */
  | { restart: true }
  | { done: true }
  | { error: WireError };

/** next()'s answer when the dump starts again (see BatchMessage). */
export const RESTART = Symbol('restart');

export class DumpBatches<T> {
  private readonly queue: BatchMessage[] = [];
  private wake: (() => void) | undefined;
  private portClosed = false;
  /** The dump's batches are one stream; a restarted dump is a new one. */
  private decoder = new PlainDataDecoder();

  /** `outcome`: the worker's answer to the call that runs the dump. */
  constructor(private readonly port: MessagePort, private readonly outcome: Promise<Outcome>,
    private readonly pacing: DumpPacing) {
    port.on('message', (m: BatchMessage) => {
      this.queue.push(m);
      this.wake?.();
    });
    port.on('close', () => {
      this.portClosed = true;
      this.wake?.();
    });
  }

  /** The next batch's objects, RESTART, or undefined at the end. */
  async next(): Promise<T[] | typeof RESTART | undefined> {
    while (!this.queue.length) {
      if (this.portClosed) return this.ended();
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
    this.wake = undefined;
    const m = this.queue.shift() as BatchMessage;
    if ('error' in m) throw fromWire(m.error);
    if ('done' in m) return undefined;
    if ('restart' in m) {
      this.decoder = new PlainDataDecoder();
      return RESTART;
    }
    // One batch per turn of the event loop: the port delivers every batch
    // that has arrived in one callback, and decoding them all there would
    // stall the loop for the whole dump.
    await nextTurn();
    const objects = this.decoder.decode(m.data) as T[];
    this.pacing.parsed();
    return objects;
  }

  /** The port closed before the last batch: the call's own error says why. */
  private async ended(): Promise<never> {
    const o = await this.outcome;
    if (!o.ok) throw fromWire(o.error);
    throw new Error('the dump ended without its last batch');
  }

  close(): void {
    this.pacing.release();
    this.port.close();
  }
}

/**
 * The objects of one dump, as an async iterator. Not an async generator:
 * a generator costs several promise turns per object, and a 100k-route
 * dump is 100k objects; here an object already parsed is one resolved
 * promise.
 */
export class ObjectStream<T> implements AsyncIterableIterator<T> {
  private batch: T[] = [];
  private index = 0;
  private source: Promise<DumpBatches<T>> | undefined;
  private finished = false;
  /** A refill in progress: a next() meanwhile waits for it. */
  private refilling: Promise<IteratorResult<T>> | undefined;

  constructor(private readonly open: () => Promise<DumpBatches<T>>, private readonly keep: (o: T) => boolean) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.refilling) return this.refilling.then(() => this.next());
    const value = this.take();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    this.refilling = this.refill().finally(() => { this.refilling = undefined; });
    return this.refilling;
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    return { value: undefined, done: true };
  }

  private take(): T | undefined {
    while (this.index < this.batch.length) {
      const o = this.batch[this.index++];
      if (this.keep(o)) return o;
    }
    return undefined;
  }

  private async refill(): Promise<IteratorResult<T>> {
    try {
      while (!this.finished) {
        const source = await (this.source ??= this.open());
        const b = await source.next();
        if (b === undefined) break;
        if (b === RESTART) continue;
        this.batch = b;
        this.index = 0;
        const value = this.take();
        if (value !== undefined) return { value, done: false };
      }
    } catch (e) {
      this.finish();
      throw e;
    }
    this.finish();
    return { value: undefined, done: true };
  }

  private finish(): void {
    this.finished = true;
    this.batch = [];
    void this.source?.then((s) => s.close(), () => undefined);
  }
}
