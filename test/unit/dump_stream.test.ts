import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DumpPacing } from '../../ts/api/dump_pacing.js';
import { DumpBatches, ObjectStream, RESTART, type BatchMessage } from '../../ts/api/dump_stream.js';
import type { Outcome } from '../../ts/worker/protocol.js';
import { PlainDataWriter } from '../helpers/plain_data_bytes.js';

/** A dump fed by hand: `post` plays the worker, `batch` makes its batches (one stream until a restart). */
function fakeDump(outcome: Promise<Outcome> = Promise.resolve({ ok: true, value: undefined })) {
  const { port1, port2 } = new MessageChannel();
  let writer = new PlainDataWriter();
  return {
    batches: new DumpBatches<{ n: number }>(port1, outcome, new DumpPacing()),
    post: (m: BatchMessage) => {
      if ('restart' in m) writer = new PlainDataWriter();
      port2.postMessage(m);
    },
    batch: (objects: unknown[]): BatchMessage => ({ data: writer.write(objects), count: objects.length }),
    worker: port2,
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const o of it) out.push(o);
  return out;
}

describe('dump batches on the main thread', () => {
  it('hands out every object in order, across batches, and skips what the filter drops', async () => {
    const d = fakeDump();
    d.post(d.batch([{ n: 1 }, { n: 2 }]));
    d.post(d.batch([]));
    d.post(d.batch([{ n: 3 }, { n: 4 }, { n: 5 }]));
    d.post({ done: true });
    const objects = await collect(new ObjectStream(async () => d.batches, (o) => o.n !== 4));
    expect(objects.map((o) => o.n)).toEqual([1, 2, 3, 5]);
  });

  it('answers next() calls made without waiting in order', async () => {
    const d = fakeDump();
    const s = new ObjectStream(async () => d.batches, () => true);
    const pending = [s.next(), s.next(), s.next(), s.next()];
    d.post(d.batch([{ n: 1 }, { n: 2 }]));
    d.post(d.batch([{ n: 3 }]));
    d.post({ done: true });
    const results = await Promise.all(pending);
    expect(results.map((r) => (r.done ? 'done' : r.value.n))).toEqual([1, 2, 3, 'done']);
  });

  it('reports a restart to the collector, decodes the new attempt as a stream of its own, and the error the worker posts', async () => {
    const d = fakeDump();
    d.post(d.batch([{ n: 1 }]));
    d.post({ restart: true });
    // Shape 0 again, with other keys: only a fresh decoder reads it right.
    d.post(d.batch([{ m: 2 }]));
    d.post({ error: { name: 'NlError', message: 'x', code: 33, nleName: 'NLE_DUMP_INTR', text: 'interrupted', call: 'route dump' } });
    expect(await d.batches.next()).toEqual([{ n: 1 }]);
    expect(await d.batches.next()).toBe(RESTART);
    expect(await d.batches.next()).toEqual([{ m: 2 }]);
    await expect(d.batches.next()).rejects.toMatchObject({ name: 'NlError', nleName: 'NLE_DUMP_INTR' });
  });

  it('a port closed before the last batch ends the stream with the call\'s own error', async () => {
    const d = fakeDump(Promise.resolve({ ok: false, error: { name: 'Error', message: 'the worker failed' } }));
    d.post(d.batch([{ n: 1 }]));
    d.worker.close();
    const s = new ObjectStream(async () => d.batches, () => true);
    expect((await s.next()).value).toEqual({ n: 1 });
    await expect(s.next()).rejects.toThrow('the worker failed');
    expect(await s.next()).toEqual({ value: undefined, done: true });
  });

  it('a port closed without an error still ends the stream, not hangs it', async () => {
    const d = fakeDump();
    d.worker.close();
    await expect(d.batches.next()).rejects.toThrow('without its last batch');
  });

  it('breaking out of the loop closes the port', async () => {
    const d = fakeDump();
    const closed = new Promise<void>((resolve) => d.worker.once('close', () => resolve()));
    d.post(d.batch([{ n: 1 }, { n: 2 }]));
    for await (const o of new ObjectStream(async () => d.batches, () => true)) if (o.n === 1) break;
    await closed;
  });
});
