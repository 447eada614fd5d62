/**
 * libnl's errors as JavaScript exceptions: a negative libnl return value
 * becomes an NlError carrying the NLE_* code, its name, and the text
 * nl_geterror() gives for it (from the wasm libnl itself).
 */
export class NlError extends Error {
  /** Positive NLE_* code (libnl returns it negated). */
  readonly code: number;
  /** "NLE_EXIST", ... */
  readonly nleName: string;
  /** The libnl function that failed. */
  readonly call: string;

  constructor(code: number, nleName: string, text: string, call: string) {
    super(`${call}: ${text} (${nleName})`);
    this.name = 'NlError';
    this.code = code;
    this.nleName = nleName;
    this.call = call;
  }
}
