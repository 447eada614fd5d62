/**
 * What a kind's request builder (kinds/*.ts) works with, in the client's
 * worker: libnl's exports called directly (pointers as numbers, no handle
 * bookkeeping: a request costs a few dozen calls, and the typed API's
 * checks would cost more than libnl's work), the libnl objects it makes
 * released when the request is built, text copied in through a scratch
 * area, and libnl's refusals as NlErrors naming the request.
 *
 * Builders only run inside WasmProcess.guard(), so a trap still ends the
 * instance as any other call would.
 */
import type { LibnlRuntime } from '../libnl/runtime.js';
import type { LibnlRaw } from '../libnl/generated/raw.js';
import { NlError } from '../libnl/nl_error.js';
import { AF_INET, AF_INET6, AF_LLC, AF_UNSPEC, NLE_INVAL, NLE_NODEV, NLE_OBJ_NOTFOUND, NLE_RANGE } from '../libnl/generated/constants.js';
import type { LinkRef } from './types.js';

const NLE_NAMES: Record<number, string> = {
  [NLE_INVAL]: 'NLE_INVAL', [NLE_RANGE]: 'NLE_RANGE', [NLE_NODEV]: 'NLE_NODEV', [NLE_OBJ_NOTFOUND]: 'NLE_OBJ_NOTFOUND',
};

/** A request the client refuses before anything reaches the kernel. */
export function invalid(what: string, why: string, code = NLE_INVAL): NlError {
  return new NlError(code, NLE_NAMES[code] ?? `NLE_${code}`, why, what);
}

/** "1:10" -> 0x0001000a, "root" -> TC_H_ROOT, as libnl's rtnl_tc_str2handle() reads numbers. */
export function tcHandle(text: string): number {
  const names: Record<string, number> = { root: 0xffffffff, ingress: 0xfffffff1, clsact: 0xfffffff1, none: 0 };
  if (text in names) return names[text];
  const m = /^([0-9a-f]{0,4}):([0-9a-f]{0,4})$/i.exec(text);
  if (!m) throw new TypeError(`"${text}" is not a traffic control handle (like "1:", "1:10", "root")`);
  return ((parseInt(m[1] || '0', 16) << 16) | parseInt(m[2] || '0', 16)) >>> 0;
}

/**
 * A 16-bit value in network byte order, as a number: what libnl's setters
 * take for fields it stores as the kernel does (vlan and flower ethertypes).
 */
export const htons = (v: number): number => ((v & 0xff) << 8) | (v >> 8);

const SCRATCH_BYTES = 4096;
const encoder = new TextEncoder();

/** Per worker: the exports, a scratch area, and how to find a link's ifindex. */
export class BuilderContext {
  readonly x: LibnlRaw;
  /** Out-parameter cells (4 bytes each) and text, reused by every request. */
  readonly scratch: number;

  constructor(readonly rt: LibnlRuntime, readonly ifindexOf: (ref: LinkRef, what: string) => number) {
    this.x = rt.process.exports as unknown as LibnlRaw;
    this.scratch = this.x.malloc(SCRATCH_BYTES) >>> 0;
    if (!this.scratch) throw new Error('out of wasm memory for the request scratch area');
  }
}

const CELLS = 4;

export class RequestBuilder {
  readonly x: LibnlRaw;
  private readonly made: Array<[number, (p: number) => void]> = [];
  private readonly allocated: number[] = [];
  private textAt: number;

  /** `what` names the request in errors ("routes.add"). */
  constructor(private readonly ctx: BuilderContext, readonly what: string) {
    this.x = ctx.x;
    this.textAt = ctx.scratch + 4 * CELLS;
  }

  /** Keeps an object libnl made, to give back with `put` when the request is built. */
  own(ptr: number, put: (p: number) => void): number {
    if (!ptr) throw invalid(this.what, 'out of memory', 5);
    this.made.push([ptr >>> 0, put]);
    return ptr >>> 0;
  }

  /** A libnl result: an NlError when it is a negative code. */
  check(result: number, field?: string): number {
    if (result < 0) {
      const e = this.ctx.rt.error(-result, this.what);
      if (field) throw new NlError(e.code, e.nleName, `${field}: ${e.text}`, this.what);
      throw e;
    }
    return result;
  }

  /** Out-parameter cell `i` (0..3), zeroed; read it with cellValue(). */
  cell(i = 0): number {
    const at = this.ctx.scratch + 4 * i;
    this.ctx.rt.view().setUint32(at, 0, true);
    return at;
  }

  cellValue(i = 0): number {
    return this.ctx.rt.view().getUint32(this.ctx.scratch + 4 * i, true);
  }

  /** `most` bytes of wasm memory valid until the request is built: in the scratch area while it lasts. */
  private place(most: number): number {
    if (this.textAt + most <= this.ctx.scratch + SCRATCH_BYTES) return this.textAt;
    const at = this.x.malloc(most) >>> 0;
    if (!at) throw invalid(this.what, 'out of memory', 5);
    this.allocated.push(at);
    return at;
  }

  /** `text` as a C string valid until the request is built. */
  str(text: string): number {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const most = 3 * text.length + 1;
    const at = this.place(most);
    const mem = this.ctx.rt.bytes();
    // Specs are mostly addresses and names: ASCII, copied by hand, faster than
    // a call into the encoder for a dozen characters.
    let n = 0;
    for (; n < text.length; n++) {
      const c = text.charCodeAt(n);
      if (c === 0) throw invalid(this.what, `${JSON.stringify(text)} contains a NUL character`);
      if (c >= 0x80) break;
      mem[at + n] = c;
    }
    if (n < text.length) {
      if (text.includes('\0')) throw invalid(this.what, `${JSON.stringify(text)} contains a NUL character`);
      n = encoder.encodeInto(text, mem.subarray(at, at + most - 1)).written;
    }
    mem[at + n] = 0;
    if (at === this.textAt) this.textAt += n + 1;
    return at;
  }

  /** A copy of `data` in wasm memory (a struct a libnl call takes by pointer), valid until the request is built. */
  bytes(data: Uint8Array): number {
    // Structs are read as such: 4-byte aligned.
    const at = this.place(data.length + 3);
    const aligned = (at + 3) & ~3;
    this.ctx.rt.bytes().set(data, aligned);
    if (at === this.textAt) this.textAt = aligned + data.length;
    return aligned;
  }

  /** The address bytes (network order) of an nl_addr. */
  addrBytes(addr: number): Uint8Array {
    const at = this.x.nl_addr_get_binary_addr(addr) >>> 0;
    return this.ctx.rt.bytes().slice(at, at + this.x.nl_addr_get_len(addr));
  }

  /**
   * An IPv4 address as the uint32_t libnl's tunnel setters take (the
   * address's bytes in memory order, as in_addr_t holds them).
   */
  ipv4(text: string, field: string): number {
    const b = this.addrBytes(this.addr(text, field, AF_INET));
    return new DataView(b.buffer).getUint32(0, true);
  }

  /**
   * An IPv4 or IPv6 address parsed by libnl (nl_addr_parse), checked: of the
   * family asked for, with a prefix length in range.
   */
  addr(text: string, field: string, family = AF_UNSPEC): number {
    const r = this.x.nl_addr_parse(this.str(text), family, this.cell());
    if (r < 0) {
      const e = this.ctx.rt.error(-r, this.what);
      throw invalid(this.what, `${field}: "${text}" is not a valid ${familyName(family)} address (${e.text})`);
    }
    const a = this.own(this.cellValue(), this.x.nl_addr_put);
    const fam = this.x.nl_addr_get_family(a);
    // libnl also parses DECnet and link-layer notations; here only IP is meant.
    if (fam !== AF_INET && fam !== AF_INET6) throw invalid(this.what, `${field}: "${text}" is not a valid IPv4 or IPv6 address`);
    const max = fam === AF_INET ? 32 : 128;
    const len = this.x.nl_addr_get_prefixlen(a);
    if (len > max) {
      throw invalid(this.what, `${field}: prefix length ${len} is out of range for an ${fam === AF_INET ? 'IPv4' : 'IPv6'} address (0..${max})`);
    }
    return a;
  }

  /** A link-layer address (the schema has checked its form). */
  mac(text: string): number {
    this.check(this.x.nl_addr_parse(this.str(text), AF_LLC, this.cell()));
    return this.own(this.cellValue(), this.x.nl_addr_put);
  }

  ifindex(ref: LinkRef, field: string): number {
    try {
      return this.ctx.ifindexOf(ref, this.what);
    } catch (e) {
      if (e instanceof NlError) throw new NlError(e.code, e.nleName, `${field}: ${e.text}`, this.what, e.extAck);
      throw e;
    }
  }

  /** A libnl name-to-number function's answer for `name` (negative: unknown). */
  named(fn: (s: number) => number, name: string, field: string, what = 'value'): number {
    const v = fn(this.str(name));
    if (v < 0) throw invalid(this.what, `${field}: unknown ${what} "${name}"`);
    return v;
  }

  /** A request message made by a libnl build function that fills an out-parameter. */
  message(build: (out: number) => number): number {
    const out = this.cell(CELLS - 1);
    this.check(build(out));
    return this.cellValue(CELLS - 1);
  }

  invalid(why: string, code = NLE_INVAL): NlError {
    return invalid(this.what, why, code);
  }

  /** Gives back everything the request made (its message is the caller's). */
  [Symbol.dispose](): void {
    for (let i = this.made.length - 1; i >= 0; i--) this.made[i][1](this.made[i][0]);
    for (const p of this.allocated) this.x.free(p);
  }
}

function familyName(family: number): string {
  return family === AF_INET ? 'IPv4' : family === AF_INET6 ? 'IPv6' : 'IPv4 or IPv6';
}
