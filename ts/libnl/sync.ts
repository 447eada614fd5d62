/**
 * libnl in the current thread, synchronously: every libnl function by its C
 * name (`lib.nl_connect(sk, NETLINK_ROUTE)`), plus a few additions. For a
 * worker or any thread that may block; the main thread uses Libnl.spawn().
 *
 * Handles returned here give back their references with `using` (or
 * Symbol.dispose), and a FinalizationRegistry does it for handles that are
 * dropped without either; neither ever gives back a reference twice.
 */
import { LibnlCore } from './core.js';
import type { LibnlRuntimeOptions } from './runtime.js';
import type { NetnsSpec } from '../host/netns.js';
import type { NlHandle } from './handles.js';
import type { LibnlApi, NlCache, NlObject } from './generated/api.js';
import { FUNCTION_NAMES } from './generated/api.js';

export interface LibnlAdditions {
  /** nl_cache_dump() with an NL_DUMP_* type, returning the text. */
  nl_cache_dump_text(cache: NlCache, type: number): string;
  /** nl_object_dump() with an NL_DUMP_* type, returning the text. */
  nl_object_dump_text(obj: NlObject, type: number): string;
  /** C's cast, checked: the object as a handle of its real type (with its own reference). */
  nl_object_cast<T extends string>(obj: NlObject, type: T): NlHandle<T>;
  /** Gives back every reference the handle holds (what `using` does); null is ignored. */
  release(h: NlHandle | null): void;
  /** Number of live handles, for leak checks. */
  liveHandles(): number;
  /**
   * What setns(2) does for a native program: sockets created from now on
   * (nl_connect() creates them) open in that network namespace (a name under
   * /var/run/netns, a path or { pid }); null goes back to the instance's
   * own. Sockets already connected stay where they are.
   */
  setns(netns: NetnsSpec | null): void;
  /** Ends the instance: closes its sockets; its handles die with it. */
  close(): void;
  /** Identifies this libnl instance (handles of another are refused). */
  readonly instance: string;
}

export type LibnlSync = LibnlApi & LibnlAdditions & Disposable;

export function openLibnl(opts: LibnlRuntimeOptions = {}): LibnlSync {
  return libnlApi(new LibnlCore(opts));
}

/**
 * The synchronous API over an existing instance (for code that also needs
 * the core). With `collect: false` a handle nobody references is not given
 * back: the handles are also held elsewhere (by a main thread, through a
 * worker), and only the holder may give them back.
 */
export function libnlApi(core: LibnlCore, opts: { collect?: boolean } = {}): LibnlSync {
  const handles = core.runtime.handles;
  let closed = false;
  if (opts.collect ?? true) {
    const registry = new FinalizationRegistry<NlHandle>((h) => {
      if (!closed) core.release(h, 'garbage collected');
    });
    // Unregister tokens by handle id: a handle freed by a libnl call (*_put,
    // *_free) leaves the registry at once, not when its object is collected,
    // which a thread that never yields to its event loop would never see.
    const tokens = new Map<number, object>();
    handles.onCreate = (h, owned) => {
      if (!owned) return;
      const token = {};
      tokens.set(h.id, token);
      // The registry keeps a plain copy: holding the handle itself would keep it alive.
      registry.register(h, { ...h }, token);
    };
    handles.onKill = (id) => {
      const token = tokens.get(id);
      if (token) registry.unregister(token);
      tokens.delete(id);
    };
  }
  handles.onDispose = (h) => core.release(h, 'disposed');

  const lib: Record<string | symbol, unknown> = {
    instance: core.instance,
    nl_cache_dump_text: (cache: NlCache, type: number) => core.dumpText('cache', cache, type),
    nl_object_dump_text: (obj: NlObject, type: number) => core.dumpText('object', obj, type),
    nl_object_cast: (obj: NlObject, type: string) => core.cast(obj, type),
    release: (h: NlHandle | null) => {
      if (h) core.release(h);
    },
    liveHandles: () => handles.size,
    setns: (netns: NetnsSpec | null) => core.runtime.process.setNetns(netns),
    close: () => {
      if (closed) return;
      closed = true;
      core.close();
    },
    [Symbol.dispose]: () => (lib.close as () => void)(),
  };
  for (const name of FUNCTION_NAMES) lib[name] = (...args: unknown[]) => core.call(name, args);
  return lib as unknown as LibnlSync;
}
