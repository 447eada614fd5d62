/**
 * libnl's errors as JavaScript exceptions: a negative libnl return value
 * becomes an NlError carrying the NLE_* code, its name, and the text
 * nl_geterror() gives for it (from the wasm libnl itself). The typed client
 * adds the kernel's extended acknowledgement when it sent one.
 */

/** What the kernel said about a refused request (NETLINK_EXT_ACK). */
export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: the kernel's explanation */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: offset of the offending attribute in the request */
  offset?: number;
  /** the attribute found at that offset */
  attribute?: { type: number; name?: string };
}

export class NlError extends Error {
  /** Positive NLE_* code (libnl returns it negated). */
  readonly code: number;
  /** "NLE_EXIST", ... */
  readonly nleName: string;
  /** The libnl function (or client operation) that failed. */
  readonly call: string;
  /** The kernel's extended acknowledgement, when there was one. */
  extAck?: ExtAck;
  /** libnl's own text for the code (nl_geterror()). */
  readonly text: string;

  constructor(code: number, nleName: string, text: string, call: string, extAck?: ExtAck) {
    const detail = extAck?.message ? `: ${extAck.message}` : '';
    super(`${call}: ${text} (${nleName})${detail}`);
    this.name = 'NlError';
    this.code = code;
    this.nleName = nleName;
    this.call = call;
    this.text = text;
    if (extAck) this.extAck = extAck;
  }
}
