/**
 * The typed client's APIs of issues 23 and 25 (client.batch(),
 * client.netns(), one watcher for many namespaces) as this bench calls them,
 * found at run time: the bench runs against builds that have them and
 * builds that do not, and skips a contender with a reason instead of
 * failing. Once they are on main, NetlinkClient's own types replace these.
 */
import { NetlinkClient, type WatchEvent } from '../dist/index.js';

export interface BatchOp {
  op: 'add' | 'change' | 'delete';
  kind: 'link' | 'address' | 'route' | 'neighbour' | 'rule' | 'qdisc' | 'class' | 'classifier';
  spec: unknown;
}

export interface BatchProgress {
  done: number;
  applied: number;
  failed: number;
}

export interface BatchResult {
  applied: number;
  errors: Array<{ index: number; op: string; error: Error }>;
  cancelled?: boolean;
}

export type Batch = (ops: Iterable<BatchOp> | AsyncIterable<BatchOp>,
  opts?: { stopOnError?: boolean; onProgress?: (p: BatchProgress) => void }) => Promise<BatchResult>;

/** An event of a watch over several namespaces: it says which one. */
export type NetnsEvent = WatchEvent & { netns?: string };

/** A watcher, today's (ready to be awaited) or issue 25's (awaited at creation). */
export interface AnyWatcher extends AsyncIterable<NetnsEvent> {
  ready?: Promise<void>;
  close(): Promise<void>;
}

type Kinds = Parameters<NetlinkClient['watch']>[0];

interface NewClientApi {
  batch: Batch;
  netns(ref: string): Promise<NetlinkClient>;
  watch(kinds: Kinds, opts: { netns?: string[] }): AnyWatcher | Promise<AnyWatcher>;
}

const proto = NetlinkClient.prototype as unknown as Partial<NewClientApi>;

/** Why this build's client has no batch(), or null. */
export function batchMissing(): string | null {
  return typeof proto.batch === 'function' ? null : 'NetlinkClient.batch() is not in this build (issue 23)';
}

/** Why this build's client has no netns() views, or null. */
export function netnsViewsMissing(): string | null {
  return typeof proto.netns === 'function' ? null : 'NetlinkClient.netns() is not in this build (issue 25)';
}

export function batchOf(client: NetlinkClient): Batch {
  const why = batchMissing();
  if (why) throw new Error(why);
  return (client as unknown as NewClientApi).batch.bind(client);
}

export function netnsView(client: NetlinkClient, ref: string): Promise<NetlinkClient> {
  const why = netnsViewsMissing();
  if (why) throw new Error(why);
  return (client as unknown as NewClientApi).netns(ref);
}

/**
 * A subscribed watcher of `kinds` (in the given namespaces, with issue 25's
 * API): `await client.watch(...)` works for either API, and today's is
 * subscribed once its `ready` resolves.
 */
export async function watching(client: NetlinkClient, kinds: Kinds, netns?: string[]): Promise<AnyWatcher> {
  const w = await (client as unknown as NewClientApi).watch(kinds, netns ? { netns } : {});
  if (w.ready) await w.ready;
  return w;
}
