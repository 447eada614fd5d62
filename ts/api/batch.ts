/**
 * client.batch() on the main thread: takes requests from the caller's
 * iterable (sync or async) as they are needed, sends them to the worker in
 * chunks, keeps at most two chunks in flight, and puts the answers
 * together. Memory stays bounded however long `ops` is: a chunk is
 * dropped once answered, and only refusals are kept.
 *
 * One thread hop per chunk, not per request; the worker pipelines each
 * chunk's requests on its sockets (request_pipeline.ts).
 */
import { Cancelled } from '../host/errors.js';
import { fromWire } from '../worker/protocol.js';
import type { ClientWorker } from './client_pool.js';
import type { BatchChunkResult, WireBatchOp } from './client_protocol.js';
import type { BatchError, BatchOp, BatchOptions, BatchResult } from './types.js';

/** Requests per chunk: a few hundred keep a hop's cost small and its structured clone under a millisecond. */
const CHUNK = 512;
/**
 * Chunks in flight: one being answered while the next is on its way; one
 * with stopOnError, so that nothing is sent after a refusal.
 */
const WINDOW = 2;

type Ops = Iterable<BatchOp> | AsyncIterable<BatchOp>;

function iteratorOf(ops: Ops): Iterator<BatchOp> | AsyncIterator<BatchOp> {
  if (ops === null || typeof ops !== 'object') throw new TypeError('batch(): ops must be an iterable or async iterable of requests');
  if (Symbol.asyncIterator in ops) return ops[Symbol.asyncIterator]();
  if (Symbol.iterator in ops) return ops[Symbol.iterator]();
  throw new TypeError('batch(): ops must be an iterable or async iterable of requests');
}

export async function runBatch(worker: ClientWorker, ns: number, ops: Ops, opts: BatchOptions,
  closed: () => boolean): Promise<BatchResult> {
  const it = iteratorOf(ops);
  const result: BatchResult = { applied: 0, errors: [] };
  const inFlight: Array<{ base: number; chunk: WireBatchOp[]; answer: Promise<BatchChunkResult> }> = [];
  let next = 0;
  let exhausted = false;

  const settle = async (): Promise<void> => {
    const { base, chunk, answer } = inFlight.shift() as (typeof inFlight)[number];
    let r: BatchChunkResult;
    try {
      r = await answer;
    } catch (e) {
      // The worker went away (the client closed): nothing of this chunk is known to be applied.
      const error = closed() ? new Cancelled('closed before the request was answered') : e as Error;
      r = { applied: 0, errors: chunk.map((o, i) => ({ index: base + i, op: o.op, kind: o.kind, error: { name: error.name, message: error.message } })) };
      r.stopped = 'closed';
    }
    result.applied += r.applied;
    for (const e of r.errors) result.errors.push({ index: e.index, op: e.op, kind: e.kind, error: fromWire(e.error) } as BatchError);
    if (r.stopped && !result.stopped) result.stopped = r.stopped;
    opts.onProgress?.({ done: result.applied + result.errors.length, applied: result.applied, failed: result.errors.length });
  };

  try {
    while (!exhausted && !result.stopped) {
      if (opts.signal?.aborted) {
        result.stopped = 'aborted';
        break;
      }
      if (closed()) {
        result.stopped = 'closed';
        break;
      }
      const chunk: WireBatchOp[] = [];
      while (chunk.length < CHUNK) {
        const step = it.next();
        const r = 'then' in step ? await step : step;
        if (r.done) {
          exhausted = true;
          break;
        }
        chunk.push(r.value as WireBatchOp);
      }
      if (chunk.length) {
        const base = next;
        next += chunk.length;
        inFlight.push({ base, chunk, answer: worker.op<BatchChunkResult>('batch', [ns, chunk, base, opts.stopOnError ?? false]) });
      }
      const window = opts.stopOnError ? 1 : WINDOW;
      while (inFlight.length >= window || (inFlight.length && (exhausted || result.stopped))) await settle();
    }
    while (inFlight.length) await settle();
  } finally {
    if (!exhausted) await it.return?.();
  }
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}
