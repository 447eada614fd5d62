/**
 * The first steps of every libnl worker (the 1:1 API's, the client's, the
 * event worker's): take its end of the call channel, instantiate libnl.wasm
 * from the module the main thread compiled, and say `ready` on the channel,
 * or `failed` with the reason in the protocol's wire form, as a failed
 * call's is, so that an NlError reaches the opener with its code.
 */
import { LibnlCore } from '../libnl/core.js';
import { ChannelReceiver, type ChannelEndInit } from './call_channel.js';
import { toWire, type WorkerHello, type WorkerOptions } from './protocol.js';

export interface WorkerCoreStart {
  module: WebAssembly.Module;
  options: WorkerOptions;
  channel: ChannelEndInit;
}

export function openWorkerCore(start: WorkerCoreStart): { core: LibnlCore; channel: ChannelReceiver } {
  const channel = new ChannelReceiver(start.channel);
  let core: LibnlCore;
  try {
    core = new LibnlCore({ module: start.module, ...start.options });
  } catch (e) {
    channel.post({ kind: 'failed', error: toWire(e) } satisfies WorkerHello);
    throw e;
  }
  channel.post({
    kind: 'ready', cancel: core.runtime.process.cancelToken, instance: core.instance,
  } satisfies WorkerHello);
  return { core, channel };
}
