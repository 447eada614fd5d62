/**
 * The typed client's worker: one libnl instance, its sockets (one per
 * netlink protocol, with extended acks), dumps parsed by libnl and exported
 * as plain data batches (wasm/object_export.c), and requests built from plain
 * specs with libnl's setters (builders.ts). Served to the main thread with
 * comlink; dumps can also stream their batches through a MessagePort.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { nodeEndpoint } from '../worker/node_endpoint.js';
import { toWire, type Outcome, type WorkerHello } from '../worker/protocol.js';
import { openWorkerCore } from '../worker/worker_core.js';
import { libnlApi, type LibnlSync } from '../libnl/sync.js';
import { NlError } from '../libnl/nl_error.js';
import type { NlSock, RtnlLink } from '../libnl/generated/api.js';
import { Builders, Scope, invalid } from './builders.js';
import { ExtAckRecorder } from './ext_ack.js';
import { KINDS, dumpArgs, type DumpKind, type DumpOptions } from './kinds.js';
import type {
  AddressSpec, ClassSpec, ClassifierSpec, ConntrackSpec, LinkChange, LinkRef, LinkSpec, NeighbourSpec,
  QdiscSpec, RouteSpec, RuleSpec,
} from './types.js';
import type { ClientWorkerStart } from './client_protocol.js';
import type { BatchMessage } from './dump_stream.js';
import { waitForPacing } from './dump_pacing.js';
import { exportObject } from './exported_object.js';
import {
  NLE_DUMP_INTR, NLE_MSGSIZE, NLE_NODEV, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, RTN_UNSPEC, RT_SCOPE_NOWHERE,
} from '../libnl/generated/constants.js';

/**
 * Batches of about this many bytes cross to the main thread: 16, 32 and 64
 * KiB measured alike; the smaller, the less is held ahead of the reader.
 */
const BATCH_BYTES = 32 * 1024;
/** The receive buffer of the client's sockets (see socket()). */
const RECV_BUFFER = 256 * 1024;
/** A dump the kernel interrupted (NLM_F_DUMP_INTR) is tried this many times. */
const DUMP_ATTEMPTS = 5;

const start = workerData as ClientWorkerStart;
const core = openWorkerCore(start);
const lib: LibnlSync = libnlApi(core);
const extAck = new ExtAckRecorder(lib, core);
const sockets = new Map<number, NlSock>();

function socket(protocol: number): NlSock {
  let sk = sockets.get(protocol);
  if (!sk) {
    const s = lib.nl_socket_alloc();
    if (!s) throw new Error('out of memory for a socket');
    lib.nl_connect(s, protocol);
    // libnl peeks at every datagram to size its buffer, so each one crosses
    // from the kernel twice; without peeking it reads into a buffer of
    // s_bufsize. The kernel sizes a dump's datagrams by the reader's buffer,
    // up to 32 KiB: libnl's default (16 KiB) would halve them and leave out
    // of the dump any route that needs more (docs/decisions/client-no-peek.md).
    // Datagrams of one larger message (a link with many VFs) fit up to
    // RECV_BUFFER; a longer one fails with NLE_MSG_TRUNC, not cut short.
    lib.nl_socket_disable_msg_peek(s);
    lib.nl_socket_set_msg_buf_size(s, RECV_BUFFER);
    extAck.install(s);
    sockets.set(protocol, s);
    sk = s;
  }
  return sk;
}

const ROUTE = KINDS.link.protocol;

function ifindexOf(ref: LinkRef, what: string): number {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0) throw invalid(what, `${ref} is not an interface index`);
    return ref;
  }
  if (typeof ref !== 'string' || !ref) throw invalid(what, `${String(ref)} is not a link name`);
  try {
    const link = lib.rtnl_link_get_kernel(socket(ROUTE), 0, ref);
    try {
      return lib.rtnl_link_get_ifindex(link);
    } finally {
      lib.rtnl_link_put(link);
    }
  } catch (e) {
    if (e instanceof NlError) throw invalid(what, `no link named "${ref}"`, NLE_NODEV);
    throw e;
  }
}

const build = new Builders(lib, ifindexOf);

// --- dumps ------------------------------------------------------------------------------

/** Runs one dump; its batches are one plain data stream (plain_data.ts). */
function dumpOnce(kind: DumpKind, opts: DumpOptions, onBatch: (data: Uint8Array, count: number) => void): number {
  const info = KINDS[kind];
  const args = dumpArgs(kind, opts);
  const rt = core.runtime;
  const sk = socket(info.protocol);
  const emit = rt.addFunction(((ptr: number, len: number, count: number) => {
    onBatch(new Uint8Array(rt.memory.buffer, ptr >>> 0, len >>> 0).slice(), count);
  }) as never, ['i32', 'i32', 'i32', 'i32'], null);
  const type = rt.allocString(info.cacheType);
  try {
    return rt.process.call('nlwasm_dump_export', rt.unwrap(sk, 'nl_sock', 'dump'), type, args.arg1, args.arg2,
      args.flags, emit, 0, BATCH_BYTES);
  } finally {
    rt.freePointer(type);
    rt.removeFunction(emit);
  }
}

function dumpError(code: number, kind: DumpKind, attempts: number): NlError {
  const e = core.runtime.error(-code, `${kind} dump`);
  if (code === -NLE_MSGSIZE) {
    return new NlError(e.code, e.nleName,
      'the kernel ended the dump early (EMSGSIZE): an object did not fit in one of its datagrams', e.call);
  }
  if (code !== -NLE_DUMP_INTR) return e;
  const times = attempts === 1 ? '' : ` ${attempts} times in a row`;
  return new NlError(e.code, e.nleName, `the kernel interrupted the dump (its tables changed meanwhile)${times}`, e.call);
}

// --- requests ------------------------------------------------------------------------------

/**
 * libnl builds a request in nlmsg_set_default_size() bytes, getpagesize()
 * (4 KiB) unless changed, and refuses one that needs more with NLE_MSGSIZE
 * before sending anything: a route of a few hundred nexthops. Such a request
 * is built once more in 64 KiB, as much as one attribute can hold (nla_len
 * is 16 bits); every other request keeps its 4 KiB calloc().
 */
const REQUEST_BYTES = 4096;
const LARGE_REQUEST_BYTES = 64 * 1024;

function send(what: string, fn: () => unknown): void {
  try {
    extAck.run(what, fn);
  } catch (e) {
    if (!(e instanceof NlError) || e.code !== NLE_MSGSIZE) throw e;
    lib.nlmsg_set_default_size(LARGE_REQUEST_BYTES);
    try {
      extAck.run(what, fn);
    } finally {
      lib.nlmsg_set_default_size(REQUEST_BYTES);
    }
  }
}

function linkByRef(s: Scope, ref: LinkRef, what: string): RtnlLink {
  const l = s.keep(lib.rtnl_link_alloc()) as RtnlLink;
  lib.rtnl_link_set_ifindex(l, ifindexOf(ref, what));
  return l;
}

export interface ClientEndpoint {
  ping(): Outcome;
  /**
   * Runs a dump, its batches posted on `port` (BatchMessage): {data, count}...,
   * then {done} or {error}. With `retry`, a dump the kernel interrupts is
   * run again, after {restart}, up to DUMP_ATTEMPTS times. Batches are
   * paced by `pacing` (dump_pacing.ts).
   */
  stream(kind: DumpKind, opts: DumpOptions, port: MessagePort, retry: boolean, pacing: SharedArrayBuffer): Outcome;
  getLink(ref: LinkRef): Outcome;
  ifindex(ref: LinkRef): Outcome;
  addLink(spec: LinkSpec): Outcome;
  changeLink(ref: LinkRef, change: LinkChange): Outcome;
  deleteLink(ref: LinkRef): Outcome;
  addAddress(spec: AddressSpec, replace: boolean): Outcome;
  deleteAddress(spec: AddressSpec): Outcome;
  addRoute(spec: RouteSpec, replace: boolean): Outcome;
  deleteRoute(spec: RouteSpec): Outcome;
  addNeighbour(spec: NeighbourSpec, replace: boolean): Outcome;
  deleteNeighbour(spec: NeighbourSpec): Outcome;
  addRule(spec: RuleSpec): Outcome;
  deleteRule(spec: RuleSpec): Outcome;
  addQdisc(spec: QdiscSpec, replace: boolean): Outcome;
  deleteQdisc(spec: QdiscSpec): Outcome;
  addClass(spec: ClassSpec, replace: boolean): Outcome;
  deleteClass(spec: ClassSpec): Outcome;
  addClassifier(spec: ClassifierSpec, replace: boolean): Outcome;
  deleteClassifier(spec: ClassifierSpec): Outcome;
  addConntrack(spec: ConntrackSpec): Outcome;
  deleteConntrack(spec: ConntrackSpec): Outcome;
  resolveGenl(name: string): Outcome;
  close(): Outcome;
}

function outcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: toWire(e) };
  }
}

/** An operation that builds objects in a scope that releases them afterwards. */
function scoped(fn: (s: Scope) => unknown): Outcome {
  return outcome(() => {
    using s = new Scope();
    return fn(s);
  });
}

const endpoint: ClientEndpoint = {
  ping: () => outcome(() => core.instance),
  stream: (kind, opts, port, retry, pacing) => outcome(() => {
    const post = (m: BatchMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
    let sent = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        const r = dumpOnce(kind, opts, (data, count) => {
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
    } finally {
      port.close();
    }
  }),
  getLink: (ref) => outcome(() => {
    const what = 'links.get';
    const link = lib.rtnl_link_get_kernel(socket(ROUTE), typeof ref === 'number' ? ifindexOf(ref, what) : 0,
      typeof ref === 'string' ? ref : null);
    try {
      return link ? exportObject(core.runtime, link.ptr) : null;
    } finally {
      lib.rtnl_link_put(link);
    }
  }),
  ifindex: (ref) => outcome(() => ifindexOf(ref, 'ifindex')),
  addLink: (spec) => scoped((s) => {
    const link = build.link(s, spec);
    send('links.add', () => lib.rtnl_link_add(socket(ROUTE), link, NLM_F_CREATE | NLM_F_EXCL));
  }),
  changeLink: (ref, change) => scoped((s) => {
    const what = 'links.change';
    const orig = linkByRef(s, ref, what);
    const c = build.linkChange(s, change, what);
    send(what, () => lib.rtnl_link_change(socket(ROUTE), orig, c, 0));
  }),
  deleteLink: (ref) => scoped((s) => {
    const what = 'links.delete';
    send(what, () => lib.rtnl_link_delete(socket(ROUTE), linkByRef(s, ref, what)));
  }),
  addAddress: (spec, replace) => scoped((s) => {
    const what = replace ? 'addresses.change' : 'addresses.add';
    const a = build.address(s, spec, what);
    send(what, () => lib.rtnl_addr_add(socket(ROUTE), a, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteAddress: (spec) => scoped((s) => {
    const a = build.address(s, spec, 'addresses.delete');
    send('addresses.delete', () => lib.rtnl_addr_delete(socket(ROUTE), a, 0));
  }),
  addRoute: (spec, replace) => scoped((s) => {
    const what = replace ? 'routes.change' : 'routes.add';
    const r = build.route(s, spec, what);
    send(what, () => lib.rtnl_route_add(socket(ROUTE), r, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteRoute: (spec) => scoped((s) => {
    const r = build.route(s, spec, 'routes.delete');
    // As `ip route del`: any type and scope unless given.
    if (spec.type === undefined) lib.rtnl_route_set_type(r, RTN_UNSPEC);
    if (spec.scope === undefined) lib.rtnl_route_set_scope(r, RT_SCOPE_NOWHERE);
    send('routes.delete', () => lib.rtnl_route_delete(socket(ROUTE), r, 0));
  }),
  addNeighbour: (spec, replace) => scoped((s) => {
    const what = replace ? 'neighbours.change' : 'neighbours.add';
    const n = build.neighbour(s, spec, what);
    send(what, () => lib.rtnl_neigh_add(socket(ROUTE), n, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteNeighbour: (spec) => scoped((s) => {
    const n = build.neighbour(s, spec, 'neighbours.delete');
    send('neighbours.delete', () => lib.rtnl_neigh_delete(socket(ROUTE), n, 0));
  }),
  addRule: (spec) => scoped((s) => {
    const r = build.rule(s, spec, 'rules.add');
    send('rules.add', () => lib.rtnl_rule_add(socket(ROUTE), r, NLM_F_CREATE | NLM_F_EXCL));
  }),
  deleteRule: (spec) => scoped((s) => {
    const r = build.rule(s, spec, 'rules.delete');
    send('rules.delete', () => lib.rtnl_rule_delete(socket(ROUTE), r, 0));
  }),
  addQdisc: (spec, replace) => scoped((s) => {
    const what = replace ? 'qdiscs.change' : 'qdiscs.add';
    const q = build.qdisc(s, spec, what);
    send(what, () => lib.rtnl_qdisc_add(socket(ROUTE), q, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteQdisc: (spec) => scoped((s) => {
    const q = build.qdisc(s, spec, 'qdiscs.delete', true);
    send('qdiscs.delete', () => lib.rtnl_qdisc_delete(socket(ROUTE), q));
  }),
  addClass: (spec, replace) => scoped((s) => {
    const what = replace ? 'classes.change' : 'classes.add';
    const c = build.klass(s, spec, what);
    send(what, () => lib.rtnl_class_add(socket(ROUTE), c, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteClass: (spec) => scoped((s) => {
    const c = build.klass(s, spec, 'classes.delete', true);
    send('classes.delete', () => lib.rtnl_class_delete(socket(ROUTE), c));
  }),
  addClassifier: (spec, replace) => scoped((s) => {
    const what = replace ? 'classifiers.change' : 'classifiers.add';
    const c = build.classifier(s, spec, what);
    send(what, () => lib.rtnl_cls_add(socket(ROUTE), c, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL)));
  }),
  deleteClassifier: (spec) => scoped((s) => {
    const c = build.classifier(s, spec, 'classifiers.delete');
    send('classifiers.delete', () => lib.rtnl_cls_delete(socket(ROUTE), c, 0));
  }),
  addConntrack: (spec) => scoped((s) => {
    const ct = build.conntrack(s, spec, 'conntrack.add');
    send('conntrack.add', () => lib.nfnl_ct_add(socket(KINDS.conntrack.protocol), ct, NLM_F_CREATE | NLM_F_EXCL));
  }),
  deleteConntrack: (spec) => scoped((s) => {
    const ct = build.conntrack(s, spec, 'conntrack.delete');
    send('conntrack.delete', () => lib.nfnl_ct_del(socket(KINDS.conntrack.protocol), ct, 0));
  }),
  resolveGenl: (name) => outcome(() => {
    if (typeof name !== 'string' || !name) throw invalid('genl.resolve', 'a family name is needed');
    const sk = socket(KINDS.genl.protocol);
    const id = extAck.run('genl.resolve', () => lib.genl_ctrl_resolve(sk, name));
    return id;
  }),
  close: () => outcome(() => {
    for (const sk of sockets.values()) lib.nl_socket_free(sk);
    sockets.clear();
    core.close();
  }),
};

Comlink.expose(endpoint, nodeEndpoint(parentPort as NonNullable<typeof parentPort>));
parentPort?.postMessage({
  kind: 'ready', cancel: core.runtime.process.cancelToken, instance: core.instance,
} satisfies WorkerHello);
