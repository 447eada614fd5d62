/**
 * The event worker: every watcher of a client and of its namespace views,
 * in one thread and one libnl instance. Each subscription (one watcher's
 * interest in one namespace) is a libnl cache manager whose sockets live in
 * that namespace; the worker sleeps in one poll(2) over all their sockets
 * and the call channel's mail eventfd, and on a change runs
 * nl_cache_mngr_data_ready() for the managers whose socket is readable.
 * Each change libnl reports (new, change, del) is exported as plain data
 * and posted for its subscription.
 *
 * When a subscription's socket overflows (ENOBUFS: events were lost), an
 * 'overflow' message goes out for it and its caches are resynchronised
 * with the kernel, which reports what changed meanwhile as ordinary
 * events; the other subscriptions go on undisturbed.
 */
import { workerData } from 'node:worker_threads';
import { openWorkerCore, type WorkerCoreStart } from '../worker/worker_core.js';
import { answer, type Endpoint } from '../worker/serve_calls.js';
import { outcome, toWire, type CallMessage } from '../worker/protocol.js';
import { nativeHost } from '../host/native.js';
import { libnlApi } from '../libnl/sync.js';
import { NlError } from '../libnl/nl_error.js';
import type { LibnlRaw } from '../libnl/generated/raw.js';
import type { NlCache, NlCacheMngr, NlObject, NlSock } from '../libnl/generated/api.js';
import { NETLINK_ROUTE, NLE_DUMP_INTR, NLE_NOMEM } from '../libnl/generated/constants.js';
import { KINDS } from './kinds/index.js';
import { exportObject } from './exported_object.js';
import type { WatchEndpoint, WatchMessage, WatchSubscription } from './client_protocol.js';
import type { Kind } from './types.js';

const NL_AUTO_PROVIDE = 1;
const ACTIONS: Record<number, 'new' | 'del' | 'change'> = { 1: 'new', 2: 'del', 5: 'change' };
const POLLIN = 1;
const ECANCELED = 125;

const { core, channel } = openWorkerCore(workerData as WorkerCoreStart);
const lib = libnlApi(core, { collect: false });
const rt = core.runtime;
const proc = rt.process;
const x = proc.exports as unknown as LibnlRaw;
const post = (m: WatchMessage): void => channel.post(m);

class Subscription {
  readonly mngr: NlCacheMngr;
  private readonly socket: NlSock;
  readonly caches: NlCache[] = [];
  pending: Extract<WatchMessage, { kind: 'events' }>['events'] = [];
  private readonly fd: number;

  constructor(readonly id: number, sub: WatchSubscription) {
    this.fd = sub.netns !== undefined ? proc.acquireNetns(sub.netns) : -1;
    const inNetns = <T>(fn: () => T): T => (this.fd >= 0 ? proc.withNetns(this.fd, fn) : fn());
    // Our own socket for the manager, so that its receive buffer can be sized.
    const socket = lib.nl_socket_alloc();
    if (!socket) throw new Error('out of memory for a socket');
    this.socket = socket;
    try {
      this.mngr = inNetns(() => lib.nl_cache_mngr_alloc(this.socket, NETLINK_ROUTE, NL_AUTO_PROVIDE));
    } catch (e) {
      lib.nl_socket_free(this.socket);
      if (this.fd >= 0) proc.releaseNetns(this.fd);
      throw e;
    }
    try {
      if (sub.receiveBuffer) lib.nl_socket_set_buffer_size(this.socket, sub.receiveBuffer, 0);
      for (const kind of sub.kinds) {
        const cache = inNetns(() => lib.nl_cache_mngr_add(this.mngr, KINDS[kind].cacheType, onChange as never, 0));
        byCache.set(cache.ptr, { sub: this, kind });
        this.caches.push(cache);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** The host descriptor of the manager's event socket. */
  get nativeFd(): number {
    return proc.sockets.nativeFd(x.nlwasm_socket_host_handle(lib.nl_cache_mngr_get_fd(this.mngr)));
  }

  /** Reads what the socket holds; on an overflow, resynchronises every cache of this subscription. */
  dataReady(): void {
    try {
      lib.nl_cache_mngr_data_ready(this.mngr);
    } catch (e) {
      if (!(e instanceof NlError) || e.code !== NLE_NOMEM) throw e;
      this.flush();
      post({ kind: 'overflow', sub: this.id });
      this.drain();
      this.resync();
    }
    this.flush();
  }

  /**
   * Reads what the event socket still holds. The kernel reports an overflow
   * once and then drops further events silently until the socket's queue
   * has been read empty, so a resync made before draining could miss changes.
   */
  private drain(): void {
    for (;;) {
      try {
        lib.nl_cache_mngr_data_ready(this.mngr);
        return;
      } catch (e) {
        if (!(e instanceof NlError) || e.code !== NLE_NOMEM) throw e;
      }
    }
  }

  /**
   * Brings the caches up to date with the kernel, reporting the differences
   * as events, on a socket of the subscription's namespace made for it.
   * The kernel interrupts a dump (NLE_DUMP_INTR) when the table changes
   * under it, which is likely right after an overflow: dump again until one
   * completes.
   */
  private resync(): void {
    const sk = lib.nl_socket_alloc();
    if (!sk) throw new Error('out of memory for a socket');
    try {
      if (this.fd >= 0) proc.withNetns(this.fd, () => lib.nl_connect(sk, NETLINK_ROUTE));
      else lib.nl_connect(sk, NETLINK_ROUTE);
      for (const cache of this.caches) {
        for (;;) {
          try {
            lib.nl_cache_resync(sk, cache, onChange as never, 0);
            break;
          } catch (e) {
            if (!(e instanceof NlError) || e.code !== NLE_DUMP_INTR) throw e;
          }
        }
      }
    } finally {
      lib.nl_socket_free(sk);
    }
  }

  flush(): void {
    if (this.pending.length) post({ kind: 'events', sub: this.id, events: this.pending });
    this.pending = [];
  }

  close(): void {
    for (const c of this.caches) byCache.delete(c.ptr);
    lib.nl_cache_mngr_free(this.mngr);
    lib.nl_socket_free(this.socket);
    if (this.fd >= 0) proc.releaseNetns(this.fd);
  }
}

const subscriptions = new Map<number, Subscription>();
const byCache = new Map<number, { sub: Subscription; kind: Kind }>();

function onChange(cache: NlCache, obj: NlObject, action: number): void {
  const to = byCache.get(cache.ptr);
  const act = ACTIONS[action];
  if (!to || !act) return;
  const data = exportObject(rt, obj.ptr);
  if (data) to.sub.pending.push({ kind: to.kind, action: act, data });
}

let closed = false;

const endpoint: WatchEndpoint = {
  subscribe: (sub) => outcome(() => {
    if (subscriptions.has(sub.id)) throw new Error(`subscription ${sub.id} exists`);
    subscriptions.set(sub.id, new Subscription(sub.id, sub));
  }),
  unsubscribe: (id) => outcome(() => {
    subscriptions.get(id)?.close();
    subscriptions.delete(id);
  }),
  close: () => outcome(() => {
    for (const s of subscriptions.values()) s.close();
    subscriptions.clear();
    core.close();
    closed = true;
  }),
};

/** Sleeps in one poll over every subscription's socket and the mail eventfd; returns the readable subscriptions. */
function waitForEvents(): Subscription[] {
  const subs = [...subscriptions.values()];
  const fds = new Uint8Array(8 * (subs.length + 1));
  const v = new DataView(fds.buffer);
  subs.forEach((s, i) => {
    v.setInt32(8 * i, s.nativeFd, true);
    v.setInt16(8 * i + 4, POLLIN, true);
  });
  v.setInt32(8 * subs.length, channel.mailFd, true);
  v.setInt16(8 * subs.length + 4, POLLIN, true);
  const ready: Subscription[] = [];
  const messages = channel.waitInPoll(() => {
    const r = nativeHost().poll(fds, -1, proc.cancelToken.wakeFd);
    if (r === -ECANCELED) throw new Error('the event worker was cancelled');
    subs.forEach((s, i) => {
      if (v.getInt16(8 * i + 6, true)) ready.push(s);
    });
  });
  for (const m of messages) {
    if ((m as CallMessage).kind === 'call') answer(channel, endpoint as unknown as Endpoint, m as CallMessage);
  }
  return ready;
}

while (!closed) {
  for (const s of waitForEvents()) {
    // A subscription ended by the messages just served is not read.
    if (!subscriptions.has(s.id)) continue;
    try {
      s.dataReady();
    } catch (e) {
      subscriptions.delete(s.id);
      s.close();
      post({ kind: 'error', sub: s.id, error: toWire(e) });
    }
  }
}
channel.port.close();
