/**
 * What crosses between the typed client (main thread) and its workers, on
 * the call channel (ts/worker/call_channel.ts, ts/worker/protocol.ts): the
 * client worker's operations and the event worker's, their start-up data,
 * and the event worker's messages.
 *
 * A client worker holds sockets in any number of network namespaces; every
 * operation names one by the id netnsOpen() gave it (0: the client's own).
 */
import type { MessagePort } from 'node:worker_threads';
import type { NetnsSpec } from '../host/netns.js';
import type { Outcome, WireError, WorkerOptions } from '../worker/protocol.js';
import type { DumpOptions, RequestOp } from './registry.js';
import type { Kind, LinkRef } from './types.js';

export interface ClientWorkerStart {
  options: WorkerOptions;
  module: WebAssembly.Module;
}

/** A request of a batch as it crosses to the worker. */
export interface WireBatchOp {
  op: RequestOp;
  kind: string;
  spec: unknown;
}

/** The worker's answer for one chunk of a batch; indexes count from the whole batch's start. */
export interface BatchChunkResult {
  applied: number;
  errors: Array<{ index: number; op: RequestOp; kind: string; error: WireError }>;
  /** The chunk ended early: at a refusal (stopOnError), or because the client is closing. */
  stopped?: 'error' | 'closed';
}

export interface ClientEndpoint {
  ping(): Outcome;
  /** Opens a namespace for the client's sockets (shared by its views); answers its id. */
  netnsOpen(netns: NetnsSpec): Outcome;
  /** Closes the namespace's sockets (not the other views'). */
  netnsClose(ns: number): Outcome;
  /**
   * Runs a dump, its batches posted on `port` (BatchMessage): {data, count}...,
   * then {done} or {error}. With `retry`, a dump the kernel interrupts is
   * run again, after {restart}. Batches are paced by `pacing` (dump_pacing.ts).
   */
  stream(ns: number, kind: string, opts: DumpOptions, port: MessagePort, retry: boolean, pacing: SharedArrayBuffer): Outcome;
  getLink(ns: number, ref: LinkRef): Outcome;
  ifindex(ns: number, ref: LinkRef): Outcome;
  /** One request, answered when the kernel has answered it. */
  request(ns: number, op: RequestOp, kind: string, spec: unknown): Outcome;
  /** Requests pipelined on the namespace's sockets; `base` is the first one's index in the batch. */
  batch(ns: number, ops: WireBatchOp[], base: number, stopOnError: boolean): Outcome;
  genlResolve(ns: number, name: string): Outcome;
  /** What the worker holds (ClientStats). */
  stats(): Outcome;
  close(): Outcome;
}

/** What one client worker holds now: for leak checks and for watching a long-lived agent. */
export interface ClientStats {
  /** Network namespaces with sockets open (the client's own included). */
  namespaces: number;
  /** Netlink sockets open. */
  sockets: number;
  /** The libnl instance's memory (bytes; wasm memory only grows). */
  wasmMemory: number;
}

// --- the event worker -----------------------------------------------------------

export interface WatchWorkerStart extends ClientWorkerStart {}

/** One watcher's interest in one namespace. */
export interface WatchSubscription {
  id: number;
  /** The namespace (default: the client's own). */
  netns?: NetnsSpec;
  kinds: Kind[];
  /** SO_RCVBUF of the event socket (bytes); default: libnl's. */
  receiveBuffer?: number;
}

export interface WatchEndpoint {
  /** Answers once the subscription's caches are filled and its socket is in the groups: later changes are seen. */
  subscribe(sub: WatchSubscription): Outcome;
  unsubscribe(id: number): Outcome;
  close(): Outcome;
}

/** The event worker's messages about one subscription: change events (objects as plain data), overflow, or its end. */
export type WatchMessage =
  | { kind: 'events'; sub: number; events: Array<{ kind: Kind; action: 'new' | 'change' | 'del'; data: Uint8Array }> }
  | { kind: 'overflow'; sub: number }
  | { kind: 'error'; sub: number; error: WireError };
