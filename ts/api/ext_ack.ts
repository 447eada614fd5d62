/**
 * The kernel's extended acknowledgements (NETLINK_EXT_ACK) for the typed
 * client. libnl 3.7.0 turns an NLMSG_ERROR into an error code and drops the
 * kernel's explanation; here every client socket asks for it, an error
 * callback reads it out of the error message, and the NlError that follows
 * carries it: the message, and the offending attribute with its name.
 */
import type { LibnlCore } from '../libnl/core.js';
import type { LibnlSync } from '../libnl/sync.js';
import { NlError, type ExtAck } from '../libnl/nl_error.js';
import type { NlSock } from '../libnl/generated/api.js';
import { CONSTANTS_JSON } from '../libnl/generated/constant_names.js';

const NL_CB_CUSTOM = 3;
const NL_STOP = 2;
const NLMSG_HDRLEN = 16;
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;
const NLMSGERR_ATTR_OFFS = 2;

/** Attribute name prefixes by request message type (RTM_*). */
function attributePrefix(msgType: number): string | undefined {
  if (msgType >= 16 && msgType <= 19) return 'IFLA_';
  if (msgType >= 20 && msgType <= 23) return 'IFA_';
  if (msgType >= 24 && msgType <= 27) return 'RTA_';
  if (msgType >= 28 && msgType <= 31) return 'NDA_';
  if (msgType >= 32 && msgType <= 35) return 'FRA_';
  if (msgType >= 36 && msgType <= 51) return 'TCA_';
  return undefined;
}

let namesByPrefix: Map<string, Map<number, string>> | undefined;
/** libnl's numeric constants, parsed when an error first names an attribute. */
let constants: Array<[string, number]> | undefined;

/** The top-level attribute name for a type (the shortest constant with that value). */
function attributeName(prefix: string, type: number): string | undefined {
  namesByPrefix ??= new Map();
  let names = namesByPrefix.get(prefix);
  if (!names) {
    names = new Map();
    constants ??= JSON.parse(CONSTANTS_JSON) as Array<[string, number]>;
    for (const [name, value] of constants) {
      if (!name.startsWith(prefix) || /_(MAX|UNSPEC)$/.test(name)) continue;
      const prev = names.get(value);
      if (!prev || name.length < prev.length) names.set(value, name);
    }
    namesByPrefix.set(prefix, names);
  }
  return names.get(type);
}

/** Reads the extended ack out of an NLMSG_ERROR payload (struct nlmsgerr at `errPtr`). */
export function readExtAck(mem: ArrayBuffer, errPtr: number): ExtAck | undefined {
  const v = new DataView(mem);
  const hdr = errPtr - NLMSG_HDRLEN;
  const total = v.getUint32(hdr, true);
  const flags = v.getUint16(hdr + 6, true);
  if (!(flags & NLM_F_ACK_TLVS)) return undefined;
  const origLen = v.getUint32(errPtr + 4, true);
  const origType = v.getUint16(errPtr + 8, true);
  // The request follows the error code, whole unless capped to its header.
  let off = errPtr + 4 + (flags & NLM_F_CAPPED ? NLMSG_HDRLEN : (origLen + 3) & ~3);
  const end = hdr + total;
  const ack: ExtAck = {};
  while (off + 4 <= end) {
    const len = v.getUint16(off, true);
    const type = v.getUint16(off + 2, true) & 0x3fff;
    if (len < 4 || off + len > end) break;
    if (type === NLMSGERR_ATTR_MSG) {
      const bytes = new Uint8Array(mem, off + 4, len - 4);
      const nul = bytes.indexOf(0);
      ack.message = new TextDecoder().decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
    } else if (type === NLMSGERR_ATTR_OFFS && len >= 8) {
      ack.offset = v.getUint32(off + 4, true);
    }
    off += (len + 3) & ~3;
  }
  if (ack.offset !== undefined && !(flags & NLM_F_CAPPED) && ack.offset + 4 <= origLen) {
    const at = errPtr + 4 + ack.offset;
    const type = v.getUint16(at + 2, true) & 0x3fff;
    const prefix = attributePrefix(origType);
    ack.attribute = { type, name: prefix ? attributeName(prefix, type) : undefined };
  }
  return ack.message || ack.offset !== undefined ? ack : undefined;
}

/** Extended acks for the sockets of one client worker. */
export class ExtAckRecorder {
  private last: ExtAck | undefined;
  private readonly onError: (nla: unknown, err: { ptr: number } | null, arg: number) => number;

  constructor(private readonly lib: LibnlSync, private readonly core: LibnlCore) {
    this.onError = (_nla, err) => {
      this.last = err ? readExtAck(this.core.runtime.memory.buffer, err.ptr) : undefined;
      return NL_STOP;
    };
  }

  /** Asks the kernel for extended acks on `sk` and records them. */
  install(sk: NlSock): void {
    this.lib.nlwasm_socket_set_ext_ack(sk, 1);
    this.lib.nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, this.onError as never, 0);
  }

  /** Runs a request; an NlError it throws gets the kernel's explanation. */
  run<T>(what: string, fn: () => T): T {
    this.last = undefined;
    try {
      return fn();
    } catch (e) {
      if (e instanceof NlError) {
        throw new NlError(e.code, e.nleName, e.text, what, this.last);
      }
      throw e;
    }
  }
}
