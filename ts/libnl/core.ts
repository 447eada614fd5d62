/**
 * The operations both ways into libnl share (in-thread, and from the main
 * thread through a worker): calling a function by name, giving back every
 * reference a handle holds, dump text, checked casts. Wraps one
 * LibnlRuntime with the generated bindings.
 */
import { LibnlRuntime, type LibnlRuntimeOptions } from './runtime.js';
import { CALLBACKS, DESTRUCTORS, NLE_NAMES, OBJECT_TYPES, SIGNATURES, SUBTYPES } from './generated/signatures.js';
import type { NlHandle } from './handles.js';
import { libnlModulePath } from './module_path.js';

/** libnl's object type names (nl_object_get_type()) and the handle types they are. */
const OBJECT_TYPE_NAMES: Record<string, string> = {
  'route/link': 'rtnl_link', 'route/addr': 'rtnl_addr', 'route/route': 'rtnl_route',
  'route/neigh': 'rtnl_neigh', 'route/neightbl': 'rtnl_neightbl', 'route/rule': 'rtnl_rule',
  'route/qdisc': 'rtnl_qdisc', 'route/class': 'rtnl_class', 'route/cls': 'rtnl_cls',
  'route/act': 'rtnl_act', 'route/mdb': 'rtnl_mdb', 'route/nh': 'rtnl_nh', 'route/netconf': 'rtnl_netconf',
  'genl/family': 'genl_family', 'netfilter/ct': 'nfnl_ct', 'netfilter/exp': 'nfnl_exp',
  'netfilter/log': 'nfnl_log', 'netfilter/log_msg': 'nfnl_log_msg', 'netfilter/queue': 'nfnl_queue',
  'netfilter/queuemsg': 'nfnl_queue_msg', 'idiag/idiag_msg': 'idiagnl_msg',
  'idiag/idiag_req': 'idiagnl_req', 'idiag/idiag_meminfo': 'idiagnl_meminfo',
  'idiag/idiag_vegasinfo': 'idiagnl_vegasinfo', 'xfrm/sa': 'xfrmnl_sa', 'xfrm/sp': 'xfrmnl_sp',
  'xfrm/ae': 'xfrmnl_ae',
};

export class LibnlCore {
  readonly runtime: LibnlRuntime;

  constructor(opts: LibnlRuntimeOptions) {
    this.runtime = new LibnlRuntime({
      signatures: SIGNATURES,
      callbacks: CALLBACKS,
      errorNames: NLE_NAMES,
      objectTypes: new Set(OBJECT_TYPES),
      subtypes: SUBTYPES,
    }, { modulePath: libnlModulePath(), ...opts });
  }

  get instance(): string {
    return this.runtime.instance;
  }

  call(name: string, args: readonly unknown[]): unknown {
    return this.runtime.call(name, args);
  }

  /**
   * Gives back every reference `h` holds (its destructor once per
   * reference) and ends it. Nothing happens for a handle already dead.
   */
  release(h: NlHandle, how = 'released'): void {
    const handles = this.runtime.handles;
    const destructor = DESTRUCTORS[h.type];
    if (!handles.has(h.id)) return;
    this.runtime.unwrap(h, h.type, how);
    let refs = handles.refs(h.id);
    if (!destructor || refs === 0) {
      handles.kill(h.id, how);
      return;
    }
    while (refs-- > 0) this.runtime.call(destructor, [h]);
  }

  /** nl_cache_dump() or nl_object_dump() with an NL_DUMP_* type, as text. */
  dumpText(what: 'cache' | 'object', h: NlHandle, type: number): string {
    const ptr = this.runtime.unwrap(h, what === 'cache' ? 'nl_cache' : 'nl_object', `nl_${what}_dump_text()`);
    if (!Number.isInteger(type)) throw new TypeError(`nl_${what}_dump_text(): type must be an NL_DUMP_* value`);
    const proc = this.runtime.process;
    const text = proc.call(`nlwasm_${what}_dump_text`, ptr, type);
    try {
      return this.runtime.readString(text) ?? '';
    } finally {
      proc.call('free', text);
    }
  }

  /** A checked C cast: the same object as a handle of its real type. */
  cast<T extends string>(h: NlHandle, type: T): NlHandle<T> {
    const ptr = this.runtime.unwrap(h, 'nl_object', 'nl_object_cast()');
    const actual = this.runtime.readString(this.runtime.process.call('nl_object_get_type', ptr)) ?? '';
    const real = OBJECT_TYPE_NAMES[actual];
    if (type !== 'nl_object' && real !== type) {
      throw new TypeError(`nl_object_cast(): the object is a ${actual} (${real ?? 'unknown'}), not ${type}`);
    }
    // A new handle holding a reference of its own, so that it lives on its own.
    this.runtime.process.call('nl_object_get', ptr);
    const cast = this.runtime.wrap(type, ptr, true);
    if (!cast) throw new TypeError('nl_object_cast(): null object');
    return cast;
  }

  close(): void {
    this.runtime.close();
  }
}
