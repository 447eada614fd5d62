/**
 * The typed client's worker: one libnl instance serving any number of
 * network namespaces, each with its own sockets (one per netlink protocol,
 * with extended acks). Dumps are parsed by libnl and exported as plain data
 * batches (wasm/object_export.c); requests are built by the kinds'
 * descriptors with libnl's setters and pipelined (request_pipeline.ts).
 * Served on the call channel (ts/worker/serve_calls.ts).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { openWorkerCore, type WorkerCoreStart } from '../worker/worker_core.js';
import { serveCalls, type Endpoint } from '../worker/serve_calls.js';
import { outcome, toWire } from '../worker/protocol.js';
import { Cancelled } from '../host/errors.js';
import type { NetnsSpec } from '../host/netns.js';
import { libnlApi } from '../libnl/sync.js';
import { NlError } from '../libnl/nl_error.js';
import type { NlSock } from '../libnl/generated/api.js';
import { NLE_DUMP_INTR, NLE_MSGSIZE, NLE_NODEV } from '../libnl/generated/constants.js';
import { BuilderContext, invalid, RequestBuilder } from './request_builder.js';
import { RequestPipeline } from './request_pipeline.js';
import { ExtAckRecorder } from './ext_ack.js';
import { kindNamed, KINDS, type AnyKind } from './kinds/index.js';
import type { DumpOptions, RequestKind, RequestOp } from './registry.js';
import { checkSpec } from './schema.js';
import type { BatchChunkResult, ClientEndpoint, ClientStats, WireBatchOp } from './client_protocol.js';
import type { BatchMessage } from './dump_stream.js';
import { waitForPacing } from './dump_pacing.js';
import { exportObject } from './exported_object.js';
import type { LinkRef } from './types.js';

/**
 * Batches of about this many bytes cross to the main thread: 16, 32 and 64
 * KiB measured alike; the smaller, the less is held ahead of the reader.
 */
const BATCH_BYTES = 32 * 1024;
/** The receive buffer of the client's sockets (see ClientSocket). */
const RECV_BUFFER = 256 * 1024;
/** A dump the kernel interrupted (NLM_F_DUMP_INTR) is tried this many times. */
const DUMP_ATTEMPTS = 5;
/**
 * libnl builds a request in nlmsg_set_default_size() bytes, getpagesize()
 * (4 KiB) unless changed, and refuses one that needs more with NLE_MSGSIZE
 * before sending anything: a route of a few hundred next hops. Such a
 * request is built once more in 64 KiB, as much as one attribute holds
 * (nla_len is 16 bits); every other request keeps its 4 KiB.
 */
const REQUEST_BYTES = 4096;
const LARGE_REQUEST_BYTES = 64 * 1024;

const { core, channel } = openWorkerCore(workerData as WorkerCoreStart);
const lib = libnlApi(core, { collect: false });
const rt = core.runtime;
const proc = rt.process;
const extAck = new ExtAckRecorder(lib, core);

/** A socket of one namespace, with the requests in flight on it. */
interface ClientSocket {
  sk: NlSock;
  pipeline: RequestPipeline<number>;
}

class Namespace {
  private readonly sockets = new Map<number, ClientSocket>();
  /** Link names to ifindexes, during a batch (cleared by its link requests). */
  names: Map<string, number> | undefined;

  /** `fd`: the namespace (from acquireNetns), or -1 for the instance's own. */
  constructor(readonly fd: number) {}

  socket(protocol: number): ClientSocket {
    let s = this.sockets.get(protocol);
    if (!s) {
      const sk = lib.nl_socket_alloc();
      if (!sk) throw new Error('out of memory for a socket');
      try {
        if (this.fd >= 0) proc.withNetns(this.fd, () => lib.nl_connect(sk, protocol));
        else lib.nl_connect(sk, protocol);
        // libnl peeks at every datagram to size its buffer, so each one crosses
        // from the kernel twice; without peeking it reads into a buffer of
        // s_bufsize. The kernel sizes a dump's datagrams by the reader's buffer,
        // up to 32 KiB: libnl's default (16 KiB) would halve them and leave out
        // of the dump any route that needs more (docs/decisions/client-no-peek.md).
        // Datagrams of one larger message (a link with many VFs) fit up to
        // RECV_BUFFER; a longer one fails with NLE_MSG_TRUNC, not cut short.
        lib.nl_socket_disable_msg_peek(sk);
        lib.nl_socket_set_msg_buf_size(sk, RECV_BUFFER);
        extAck.install(sk);
        s = { sk, pipeline: new RequestPipeline<number>(rt, sk.ptr) };
      } catch (e) {
        lib.nl_socket_free(sk);
        throw e;
      }
      this.sockets.set(protocol, s);
    }
    return s;
  }

  /** Every socket's requests answered (libnl's own calls may then use them). */
  drain(): void {
    for (const s of this.sockets.values()) s.pipeline.drain();
  }

  close(): void {
    for (const s of this.sockets.values()) {
      s.pipeline.dispose();
      lib.nl_socket_free(s.sk);
    }
    this.sockets.clear();
    if (this.fd >= 0) proc.releaseNetns(this.fd);
  }
}

const namespaces = new Map<number, Namespace>([[0, new Namespace(-1)]]);
let nextNamespace = 1;

function namespace(id: number): Namespace {
  const ns = namespaces.get(id);
  if (!ns) throw new Error(`namespace ${id} is closed`);
  return ns;
}

const ROUTE = KINDS.link.protocol;

function ifindexOf(ns: Namespace, ref: LinkRef, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0) throw invalid(what, `${ref} is not an interface index`);
    return ref;
  }
  if (typeof ref !== 'string' || !ref) throw invalid(what, `${String(ref)} is not a link name`);
  const cached = ns.names?.get(ref);
  if (cached !== undefined) return cached;
  ns.drain();
  let index: number;
  try {
    const link = lib.rtnl_link_get_kernel(ns.socket(ROUTE).sk, 0, ref);
    try {
      index = lib.rtnl_link_get_ifindex(link);
    } finally {
      lib.rtnl_link_put(link);
    }
  } catch (e) {
    if (e instanceof NlError) throw invalid(what, `no link named "${ref}"`, NLE_NODEV);
    throw e;
  }
  ns.names?.set(ref, index);
  return index;
}

/** The request builders' context, for the namespace a request is for. */
let current: Namespace = namespace(0);
const builders = new BuilderContext(rt, (ref, what) => ifindexOf(current, ref, what));

// --- dumps ------------------------------------------------------------------------------

/** Runs one dump; its batches are one plain data stream (plain_data.ts). */
function dumpOnce(ns: Namespace, info: AnyKind, opts: DumpOptions, onBatch: (data: Uint8Array, count: number) => void): number {
  const args = info.dumpArgs(opts);
  const sk = ns.socket(info.protocol);
  const emit = rt.addFunction(((ptr: number, len: number, count: number) => {
    onBatch(new Uint8Array(rt.memory.buffer, ptr >>> 0, len >>> 0).slice(), count);
  }) as never, ['i32', 'i32', 'i32', 'i32'], null);
  const type = rt.allocString(info.cacheType);
  try {
    return proc.call('nlwasm_dump_export', sk.sk.ptr, type, args.arg1, args.arg2, args.flags, emit, 0, BATCH_BYTES);
  } finally {
    rt.freePointer(type);
    rt.removeFunction(emit);
  }
}

function dumpError(code: number, kind: string, attempts: number): NlError {
  const e = rt.error(-code, `${kind} dump`);
  if (code === -NLE_MSGSIZE) {
    return new NlError(e.code, e.nleName,
      'the kernel ended the dump early (EMSGSIZE): an object did not fit in one of its datagrams', e.call);
  }
  if (code !== -NLE_DUMP_INTR) return e;
  const times = attempts === 1 ? '' : ` ${attempts} times in a row`;
  return new NlError(e.code, e.nleName, `the kernel interrupted the dump (its tables changed meanwhile)${times}`, e.call);
}

function dump(ns: Namespace, kind: string, opts: DumpOptions, port: MessagePort, retry: boolean, pacing: SharedArrayBuffer): void {
  const info = kindNamed(kind);
  const post = (m: BatchMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let sent = 0;
  try {
    if (!info) throw new TypeError(`unknown kind ${String(kind)}`);
    for (let attempt = 1; ; attempt++) {
      const r = dumpOnce(ns, info, opts, (data, count) => {
        waitForPacing(pacing, sent++);
        post({ data, count }, [data.buffer as ArrayBuffer]);
      });
      if (r === -NLE_DUMP_INTR && retry && attempt < DUMP_ATTEMPTS) {
        post({ restart: true });
        continue;
      }
      post(r < 0 ? { error: toWire(dumpError(r, kind, attempt)) } : { done: true });
      return;
    }
  } catch (e) {
    post({ error: toWire(e) });
    throw e;
  } finally {
    port.close();
  }
}

// --- requests ------------------------------------------------------------------------------

/** The kind's request for `op`, or an NlError saying there is none. */
function requestOf(kind: string, op: RequestOp, what: string): { info: AnyKind; request: RequestKind<unknown> } {
  const info = kindNamed(kind);
  if (!info) throw invalid(what, `unknown kind ${JSON.stringify(kind)}`);
  const request = info.requests?.[op];
  if (!request) throw invalid(what, `${info.property} has no ${JSON.stringify(op)} request`);
  return { info, request };
}

/**
 * Checks the spec, builds the request and queues it on the namespace's
 * socket for the protocol; `tag` comes back with its outcome.
 */
function queue(ns: Namespace, op: RequestOp, kind: string, spec: unknown, tag: number): ClientSocket {
  const what = `${kindNamed(kind)?.property ?? 'batch'}.${op}`;
  const { info, request } = requestOf(kind, op, what);
  const checked = checkSpec(what, request.spec, spec);
  const socket = ns.socket(info.protocol);
  current = ns;
  const msg = proc.guard(what, () => build(request, checked, what));
  socket.pipeline.send(msg, tag, what, request.retry);
  if (info.name === KINDS.link.name) ns.names?.clear();
  return socket;
}

function build(request: RequestKind<unknown>, spec: unknown, what: string): number {
  try {
    using b = new RequestBuilder(builders, what);
    return request.build(b, spec);
  } catch (e) {
    if (!(e instanceof NlError) || e.code !== NLE_MSGSIZE) throw e;
    lib.nlmsg_set_default_size(LARGE_REQUEST_BYTES);
    try {
      using b = new RequestBuilder(builders, what);
      return request.build(b, spec);
    } finally {
      lib.nlmsg_set_default_size(REQUEST_BYTES);
    }
  }
}

function requestOne(ns: Namespace, op: RequestOp, kind: string, spec: unknown): void {
  const socket = queue(ns, op, kind, spec, 0);
  proc.guard('request', () => socket.pipeline.drain());
  const [answer] = socket.pipeline.take();
  if (answer?.error) throw answer.error;
}

function runBatch(ns: Namespace, ops: WireBatchOp[], base: number, stopOnError: boolean): BatchChunkResult {
  const result: BatchChunkResult = { applied: 0, errors: [] };
  const used = new Set<ClientSocket>();
  const settle = (): void => {
    for (const s of used) {
      for (const o of s.pipeline.take()) {
        if (!o.error) result.applied++;
        else result.errors.push({ index: o.tag, op: ops[o.tag - base].op, kind: ops[o.tag - base].kind, error: toWire(o.error) });
      }
    }
  };
  ns.names = new Map();
  try {
    for (let i = 0; i < ops.length; i++) {
      const { op, kind, spec } = ops[i] ?? {};
      if (channel.closing) {
        for (let j = i; j < ops.length; j++) {
          result.errors.push({ index: base + j, op: ops[j]?.op, kind: ops[j]?.kind,
            error: toWire(new Cancelled('closed before the request was sent')) });
        }
        result.stopped = 'closed';
        break;
      }
      try {
        const socket = queue(ns, op, kind, spec, base + i);
        used.add(socket);
        // stopOnError stops at the first refusal, so each request is answered before the next goes.
        if (stopOnError) proc.guard('batch', () => socket.pipeline.drain());
      } catch (e) {
        if (!(e instanceof NlError)) throw e;
        result.errors.push({ index: base + i, op, kind, error: toWire(e) });
      }
      settle();
      if (stopOnError && result.errors.length) {
        const at = result.errors[0].index;
        for (let j = i + 1; j < ops.length; j++) {
          result.errors.push({ index: base + j, op: ops[j]?.op, kind: ops[j]?.kind,
            error: toWire(new Cancelled(`not sent: the batch stopped at request ${at} (stopOnError)`)) });
        }
        result.stopped = 'error';
        break;
      }
    }
    proc.guard('batch', () => ns.drain());
    settle();
  } finally {
    ns.names = undefined;
  }
  result.errors.sort((a, b) => a.index - b.index);
  return result;
}

// --- the endpoint -------------------------------------------------------------------------------

const endpoint: ClientEndpoint = {
  ping: () => outcome(() => core.instance),
  netnsOpen: (netns: NetnsSpec) => outcome(() => {
    const id = nextNamespace++;
    namespaces.set(id, new Namespace(proc.acquireNetns(netns)));
    return id;
  }),
  netnsClose: (id) => outcome(() => {
    if (id === 0) return;
    namespaces.get(id)?.close();
    namespaces.delete(id);
  }),
  stream: (id, kind, opts, port, retry, pacing) => outcome(() => dump(namespace(id), kind, opts, port, retry, pacing)),
  getLink: (id, ref) => outcome(() => {
    const ns = namespace(id);
    const what = 'links.get';
    const link = lib.rtnl_link_get_kernel(ns.socket(ROUTE).sk, typeof ref === 'number' ? ifindexOf(ns, ref, what) : 0,
      typeof ref === 'string' ? ref : null);
    try {
      return link ? exportObject(rt, link.ptr) : null;
    } finally {
      lib.rtnl_link_put(link);
    }
  }),
  ifindex: (id, ref) => outcome(() => ifindexOf(namespace(id), ref, 'ifindex')),
  request: (id, op, kind, spec) => outcome(() => requestOne(namespace(id), op, kind, spec)),
  batch: (id, ops, base, stopOnError) => outcome(() => runBatch(namespace(id), ops, base, stopOnError)),
  genlResolve: (id, name) => outcome(() => {
    if (typeof name !== 'string' || !name) throw invalid('genl.resolve', 'a family name is needed');
    const sk = namespace(id).socket(KINDS.genl.protocol).sk;
    return extAck.run('genl.resolve', () => lib.genl_ctrl_resolve(sk, name));
  }),
  stats: () => outcome((): ClientStats => ({
    namespaces: namespaces.size, sockets: proc.sockets.count, wasmMemory: rt.memory.buffer.byteLength,
  })),
  close: () => outcome(() => {
    for (const ns of namespaces.values()) ns.close();
    namespaces.clear();
    core.close();
  }),
};

// Not a top-level await: the command lines run this worker bundled as CommonJS.
void serveCalls(channel, endpoint as unknown as Endpoint).then(() => channel.port.close());
