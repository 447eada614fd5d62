/**
 * libnl-wasm: libnl 3.7.0 in WebAssembly.
 *
 *   import { Libnl } from 'libnl-wasm';            // main thread: a worker per instance, async
 *   import { openLibnl } from 'libnl-wasm';        // a worker of yours: the same API, synchronous
 *   import { NetlinkClient } from 'libnl-wasm';    // typed objects: links, routes, ..., events
 */
export { Libnl, type LibnlAsync, type LibnlAsyncAdditions, type Promisified, type SpawnOptions } from './worker/client.js';
export { openLibnl, type LibnlSync, type LibnlAdditions } from './libnl/sync.js';
export type { LibnlRuntimeOptions } from './libnl/runtime.js';
export type { NetnsSpec } from './host/netns.js';
export type { SocketPolicy, TraceRecord } from './host/sockets.js';
export type { NativeHost } from './host/native.js';
export type { OutputSink } from './host/files.js';
export { NlError, type ExtAck } from './libnl/nl_error.js';
export { WasmTrap, Cancelled } from './host/errors.js';
export type { NlHandle } from './libnl/handles.js';
export type * from './libnl/generated/api.js';
export * from './libnl/generated/constants.js';
export { NetlinkClient, Watcher, type ClientOptions, type ClientFacades, type WatchOptions } from './api/client.js';
export type { ClientStats } from './api/client_protocol.js';
export type * from './api/types.js';
export { netns, NetnsWatcher, type NetnsEvent } from './api/named_namespaces.js';
