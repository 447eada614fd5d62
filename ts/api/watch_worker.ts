/**
 * A watcher's worker: libnl's cache manager subscribed to the multicast
 * groups of the watched kinds, blocking in nl_cache_mngr_poll() here (never
 * on the main thread). Each change libnl reports (new, change, del) is
 * exported as plain data and sent to the main thread in batches. When the socket
 * overflows (ENOBUFS: events were lost), an 'overflow' message goes out and
 * every cache is resynchronised with the kernel, which reports what changed
 * meanwhile as ordinary events. Stopped by the instance's shutdown token.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openWorkerCore } from '../worker/worker_core.js';
import { libnlApi } from '../libnl/sync.js';
import { NlError } from '../libnl/nl_error.js';
import { Cancelled } from '../host/errors.js';
import { toWire, type WorkerHello } from '../worker/protocol.js';
import type { NlCache, NlObject } from '../libnl/generated/api.js';
import { KINDS } from './kinds.js';
import { exportObject } from './exported_object.js';
import type { WatchMessage, WatchWorkerStart } from './client_protocol.js';
import type { Kind } from './types.js';

const NETLINK_ROUTE = 0;
const NL_AUTO_PROVIDE = 1;
const NLE_NOMEM = 5;
const NLE_DUMP_INTR = 33;
const ACTIONS: Record<number, 'new' | 'del' | 'change'> = { 1: 'new', 2: 'del', 5: 'change' };
const POLL_MS = 1000;

const start = workerData as WatchWorkerStart;
const post = (m: WatchMessage): void => parentPort?.postMessage(m);

const core = openWorkerCore(start);
const lib = libnlApi(core);
const rt = core.runtime;

let pending: Extract<WatchMessage, { kind: 'events' }>['events'] = [];
const kindOf = new Map<number, Kind>();

function onChange(cache: NlCache, obj: NlObject, action: number): void {
  const kind = kindOf.get(cache.ptr);
  const act = ACTIONS[action];
  if (!kind || !act) return;
  const data = exportObject(rt, obj.ptr);
  if (data) pending.push({ kind, action: act, data });
}

function flush(): void {
  if (pending.length) post({ kind: 'events', events: pending });
  pending = [];
}

// Our own socket for the manager, so that its receive buffer can be sized.
const eventSocket = lib.nl_socket_alloc();
const mngr = lib.nl_cache_mngr_alloc(eventSocket, NETLINK_ROUTE, NL_AUTO_PROVIDE);
if (start.receiveBuffer) lib.nl_socket_set_buffer_size(eventSocket, start.receiveBuffer, 0);
const caches: NlCache[] = [];
for (const kind of start.kinds) {
  const cache = lib.nl_cache_mngr_add(mngr, KINDS[kind].cacheType, onChange as never, 0);
  kindOf.set(cache.ptr, kind);
  caches.push(cache);
}
const resyncSocket = lib.nl_socket_alloc();
lib.nl_connect(resyncSocket, NETLINK_ROUTE);
/**
 * Reads what the event socket still holds. The kernel reports an overflow
 * once and then drops further events silently until the socket's queue has
 * been read empty, so a resync made before draining could miss changes.
 */
function drain(): void {
  for (;;) {
    try {
      lib.nl_cache_mngr_data_ready(mngr);
      return;
    } catch (e) {
      if (!(e instanceof NlError) || e.code !== NLE_NOMEM) throw e;
    }
  }
}

/**
 * Brings a cache up to date with the kernel, reporting the differences as
 * events. The kernel interrupts a dump (NLE_DUMP_INTR) when the table changes
 * under it, which is likely right after an overflow: dump again until one
 * completes.
 */
function resync(cache: NlCache): void {
  for (;;) {
    try {
      lib.nl_cache_resync(resyncSocket, cache, onChange as never, 0);
      return;
    } catch (e) {
      if (!(e instanceof NlError) || e.code !== NLE_DUMP_INTR) throw e;
    }
  }
}

parentPort?.postMessage({
  kind: 'ready', cancel: rt.process.cancelToken, instance: core.instance,
} satisfies WorkerHello);

try {
  for (;;) {
    try {
      lib.nl_cache_mngr_poll(mngr, POLL_MS);
    } catch (e) {
      if (!(e instanceof NlError) || e.code !== NLE_NOMEM) throw e;
      flush();
      post({ kind: 'overflow' });
      drain();
      for (const cache of caches) resync(cache);
    }
    flush();
  }
} catch (e) {
  if (!(e instanceof Cancelled)) post({ kind: 'error', error: toWire(e) });
} finally {
  core.close();
}
