/**
 * A worker's main loop: takes calls off the call channel, runs each on the
 * worker's endpoint, posts the outcome, until `close` has been answered.
 * An operation may return a promise (it needs the worker's event loop, as
 * a dynamic import does): the loop then awaits it, and calls that arrive
 * meanwhile wait on the channel, in order.
 */
import type { ChannelReceiver } from './call_channel.js';
import { toWire, type CallMessage, type Outcome, type ReplyMessage } from './protocol.js';

export type Endpoint = Record<string, (...args: never[]) => Outcome | Promise<Outcome>>;

/** Runs one call of `endpoint` (which must be synchronous here) and posts its reply. */
export function answer(channel: ChannelReceiver, endpoint: Endpoint, m: CallMessage): void {
  const r = run(endpoint, m);
  channel.post({ kind: 'reply', seq: m.seq, outcome: r instanceof Promise ? notSync(m.op) : r } satisfies ReplyMessage);
}

function notSync(op: string): Outcome {
  return { ok: false, error: { name: 'Error', message: `${op} cannot run while a callback waits` } };
}

function run(endpoint: Endpoint, m: CallMessage): Outcome | Promise<Outcome> {
  const fn = Object.hasOwn(endpoint, m.op) ? endpoint[m.op] as (...a: unknown[]) => Outcome | Promise<Outcome> : undefined;
  if (!fn) return { ok: false, error: { name: 'TypeError', message: `unknown operation ${m.op}` } };
  try {
    return fn(...m.args);
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}

/**
 * Serves calls until `close` is answered. `other` gets every message that
 * is not a call (the protocol's answers to callbacks are taken where they
 * are waited for, not here).
 */
export async function serveCalls(channel: ChannelReceiver, endpoint: Endpoint,
  other?: (m: unknown) => void): Promise<void> {
  for (;;) {
    const m = channel.next() as CallMessage | { kind: string };
    if (m.kind !== 'call') {
      other?.(m);
      continue;
    }
    const call = m as CallMessage;
    let r = run(endpoint, call);
    if (r instanceof Promise) r = await r.catch((e: unknown): Outcome => ({ ok: false, error: toWire(e) }));
    channel.post({ kind: 'reply', seq: call.seq, outcome: r } satisfies ReplyMessage);
    if (call.op === 'close') return;
  }
}
