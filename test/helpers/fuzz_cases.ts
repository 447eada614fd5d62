/**
 * Fuzz cases for libnl's receive path and parsers: each case is a pure
 * function of (seed, index), so a case found by the nightly driver can be
 * regenerated anywhere. A case is either
 *  - a cache fill: the answer the fake kernel gives to the fill's dump
 *    request, built from a captured real answer by structural mutations
 *    (attribute lengths, types, truncated or oversized payloads, nested
 *    attributes with wrong sizes, bogus NLMSG_ERROR/DONE, missing DONE,
 *    wrong seq/port, NLM_F_DUMP_INTR, bad nlmsg_len, split and merged
 *    datagrams, random messages) and then, sometimes, raw byte damage;
 *  - a parse: one message of an object kind, mutated likewise, handed to
 *    nl_msg_parse() (its nlmsg_len never exceeds the bytes, as a received
 *    message's cannot).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kindOf, FILLS, KINDS, type ObjectKind } from './fuzz_targets.js';
import {
  NLA_HDRLEN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR,
  NLM_F_MULTI, align4, concat, fromHex, headers, toHex,
} from './netlink_bytes.js';
import type { FakeDatagram } from './fake_kernel.js';

export interface CorpusFill {
  /** Arguments of the fill function after the socket (ifindex, parent). */
  args: number[];
  /** Per request, the datagrams the kernel answered with (hex). */
  answers: string[][];
}

export interface Corpus {
  note: string;
  fills: Record<string, CorpusFill>;
  synthetic: Record<string, CorpusFill>;
}

export type FuzzCase =
  | { kind: 'fill'; target: string; protocol: number; args: number[]; answer: FakeDatagram[]; mutations: string[] }
  | { kind: 'parse'; target: string; protocol: number; message: Uint8Array; mutations: string[] };

// --- randomness ---------------------------------------------------------------------

/** mulberry32: small, fast, and the same everywhere. */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** 0 <= x < n */
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

/** The seed of case `index` of a campaign. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const INTERESTING32 = [0, 1, 2, 3, 4, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
  0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

// --- structure -----------------------------------------------------------------------

interface Attr {
  type: number;
  payload: Uint8Array;
  /** Parsed nested attributes (a heuristic: the payload is an exact TLV chain). */
  children?: Attr[];
  /** nla_len to write instead of the real one. */
  len?: number;
}

interface Msg {
  type: number;
  flags: number;
  /** Set: a wrong value to send; unset: the request's (patched in by the fake kernel). */
  seq?: number;
  pid?: number;
  /** nlmsg_len to write instead of the real one. */
  len?: number;
  payload: Uint8Array;
}

const MAX_DEPTH = 6;

function parseAttrs(b: Uint8Array, depth: number): Attr[] | undefined {
  const out: Attr[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off + NLA_HDRLEN <= b.length) {
    const len = v.getUint16(off, true);
    if (len < NLA_HDRLEN || off + len > b.length) return undefined;
    const payload = b.subarray(off + NLA_HDRLEN, off + len);
    const a: Attr = { type: v.getUint16(off + 2, true), payload };
    if (depth < MAX_DEPTH && payload.length >= NLA_HDRLEN) {
      const children = parseAttrs(payload, depth + 1);
      if (children && children.length) a.children = children;
    }
    out.push(a);
    off += align4(len);
  }
  return off >= b.length ? out : undefined;
}

function attrBytes(a: Attr): Uint8Array {
  const payload = a.children ? attrsBytes(a.children) : a.payload;
  const b = new Uint8Array(align4(NLA_HDRLEN + payload.length));
  const v = new DataView(b.buffer);
  v.setUint16(0, a.len ?? (NLA_HDRLEN + payload.length) & 0xffff, true);
  v.setUint16(2, a.type, true);
  b.set(payload, NLA_HDRLEN);
  return b;
}

function attrsBytes(attrs: readonly Attr[]): Uint8Array {
  return concat(attrs.map(attrBytes));
}

function msgBytes(m: Msg): Uint8Array {
  const b = new Uint8Array(align4(NLMSG_HDRLEN + m.payload.length));
  const v = new DataView(b.buffer);
  v.setUint32(0, m.len ?? NLMSG_HDRLEN + m.payload.length, true);
  v.setUint16(4, m.type, true);
  v.setUint16(6, m.flags, true);
  v.setUint32(8, m.seq ?? 0, true);
  v.setUint32(12, m.pid ?? 0, true);
  b.set(m.payload, NLMSG_HDRLEN);
  return b;
}

function parseDatagram(b: Uint8Array): Msg[] {
  return headers(b).map((h) => ({ type: h.type, flags: h.flags, payload: b.slice(h.offset + NLMSG_HDRLEN, h.offset + h.len) }));
}

function serialize(dgrams: readonly Msg[][]): FakeDatagram[] {
  return dgrams.map((msgs) => {
    const parts = msgs.map(msgBytes);
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    const patch: number[] = [];
    let off = 0;
    msgs.forEach((m, i) => {
      bytes.set(parts[i], off);
      if (m.seq === undefined && m.pid === undefined) patch.push(off);
      off += parts[i].length;
    });
    return { bytes, patch };
  });
}

// --- the pool of real messages, per kind --------------------------------------------

export interface Pool {
  corpus: Corpus;
  /** Captured (or synthetic) messages per kind name. */
  messages: Map<string, Uint8Array[]>;
}

export function makePool(corpus: Corpus): Pool {
  const messages = new Map<string, Uint8Array[]>();
  for (const k of KINDS) messages.set(k.name, []);
  for (const [key, f] of [...Object.entries(corpus.fills), ...Object.entries(corpus.synthetic)]) {
    const protocol = FILLS.find((t) => t.kind === key)?.protocol ?? KINDS.find((k) => k.name === key)?.protocol ?? 0;
    for (const hex of f.answers.flat()) {
      const b = fromHex(hex);
      for (const h of headers(b)) {
        const kind = kindOf(protocol, h.type);
        if (kind) messages.get(kind.name)?.push(b.slice(h.offset, h.offset + h.len));
      }
    }
  }
  return { corpus, messages };
}

// --- mutations -------------------------------------------------------------------------

/** Every attribute of a tree, with the list it lives in. */
function allAttrs(list: Attr[], out: Array<{ list: Attr[]; i: number }> = []): Array<{ list: Attr[]; i: number }> {
  list.forEach((a, i) => {
    out.push({ list, i });
    if (a.children) allAttrs(a.children, out);
  });
  return out;
}

function randomAttrs(rng: Rng, depth = 0): Attr[] {
  const n = rng.int(6);
  const out: Attr[] = [];
  for (let i = 0; i < n; i++) {
    const type = rng.chance(0.8) ? rng.int(48) : rng.next() & 0xffff;
    if (depth < 3 && rng.chance(0.25)) out.push({ type: type | (rng.chance(0.5) ? 0x8000 : 0), payload: new Uint8Array(0), children: randomAttrs(rng, depth + 1) });
    else out.push({ type, payload: rng.pick([() => rng.bytes(rng.int(40)), () => new Uint8Array(rng.pick([0, 1, 2, 4, 8, 16])), () => u32le(rng.pick(INTERESTING32))])() });
  }
  return out;
}

function u32le(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x >>> 0, true);
  return b;
}

function setInteresting(rng: Rng, b: Uint8Array): void {
  if (b.length === 0) return;
  const width = rng.pick([1, 2, 4].filter((w) => w <= b.length));
  const off = rng.int(b.length - width + 1);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const x = rng.pick(INTERESTING32);
  if (width === 1) v.setUint8(off, x & 0xff);
  else if (width === 2) v.setUint16(off, x & 0xffff, true);
  else v.setUint32(off, x >>> 0, true);
}

/** One attribute mutation; returns its name. */
function mutateAttr(rng: Rng, attrs: Attr[], pool: Pool): string {
  if (attrs.length === 0 || rng.chance(0.05)) {
    attrs.push(...randomAttrs(rng));
    return 'attr:add-random';
  }
  const { list, i } = rng.pick(allAttrs(attrs));
  const a = list[i];
  const real = NLA_HDRLEN + (a.children ? attrsBytes(a.children).length : a.payload.length);
  const flat = (): Uint8Array => (a.children ? attrsBytes(a.children) : a.payload);
  switch (rng.int(15)) {
    case 0:
      a.len = rng.pick([0, 1, 2, 3, 4, real - 1, real + 1, real + 4, 0xffff, rng.int(0x10000)]) & 0xffff;
      return 'attr:nla_len';
    case 1: {
      const p = flat();
      a.children = undefined;
      a.payload = p.slice(0, rng.int(p.length + 1));
      return 'attr:shrink';
    }
    case 2: {
      const p = flat();
      a.children = undefined;
      const grown = new Uint8Array(p.length + 1 + rng.int(64));
      grown.set(p);
      grown.set(rng.bytes(grown.length - p.length), p.length);
      a.payload = grown;
      return 'attr:grow';
    }
    case 3:
      a.children = undefined;
      a.payload = rng.bytes(rng.int(2 * real + 8));
      return 'attr:random-payload';
    case 4:
      a.type = rng.pick([rng.int(64), (a.type + 1) & 0xffff, (a.type - 1) & 0xffff, a.type | 0x8000, a.type | 0x4000, 0, 0xffff, a.type & 0x3fff]);
      return 'attr:type';
    case 5:
      list.splice(i, 0, structuredClone(a));
      return 'attr:duplicate';
    case 6:
      list.splice(i, 1);
      return 'attr:drop';
    case 7: {
      const p = flat().slice();
      for (let k = 0; k < p.length; k++) if (p[k] === 0) p[k] = 0x41;
      a.children = undefined;
      a.payload = p;
      return 'attr:unterminated';
    }
    case 8:
      a.children = undefined;
      a.payload = new Uint8Array(rng.chance(0.5) ? real - NLA_HDRLEN : 0).fill(rng.chance(0.5) ? 0 : 0xff);
      return 'attr:fill';
    case 9: {
      const p = flat().slice();
      a.children = undefined;
      a.payload = p;
      for (let k = 1 + rng.int(3); k > 0; k--) setInteresting(rng, p);
      return 'attr:interesting-int';
    }
    case 10:
      a.children = randomAttrs(rng);
      a.type |= rng.chance(0.5) ? 0x8000 : 0;
      return 'attr:random-nested';
    case 11: {
      let inner: Attr = structuredClone(a);
      for (let d = 1 + rng.int(8); d > 0; d--) inner = { type: rng.int(32) | 0x8000, payload: new Uint8Array(0), children: [inner] };
      list[i] = inner;
      return 'attr:deep';
    }
    case 12: {
      const j = rng.int(list.length);
      [list[i], list[j]] = [list[j], list[i]];
      return 'attr:swap';
    }
    case 13: {
      // An attribute of another kind's message, where it means something else.
      const donors = [...pool.messages.values()].flat();
      const donor = donors.length ? rng.pick(donors) : undefined;
      const attrs2 = donor ? parseAttrs(donor.subarray(NLMSG_HDRLEN + rng.pick([4, 8, 12, 16, 20])), 0) : undefined;
      if (attrs2?.length) list.splice(i, 0, rng.pick(attrs2));
      return 'attr:splice';
    }
    default: {
      const p = flat().slice();
      a.children = undefined;
      a.payload = p;
      for (let k = 1 + rng.int(4); k > 0 && p.length; k--) p[rng.int(p.length)] ^= 1 << rng.int(8);
      return 'attr:bitflip';
    }
  }
}

/** Mutates the fixed header or the attributes of one message payload. */
function mutatePayload(rng: Rng, m: Msg, kind: ObjectKind | undefined, pool: Pool): string {
  const hdrSize = kind?.hdrSize ?? 4;
  const p = m.payload;
  if (p.length < hdrSize || rng.chance(0.15)) {
    const b = p.slice();
    if (rng.chance(0.3)) {
      m.payload = b.slice(0, rng.int(Math.min(b.length, hdrSize) + 1));
      return 'msg:short-header';
    }
    for (let k = 1 + rng.int(3); k > 0; k--) setInteresting(rng, b.subarray(0, Math.min(hdrSize, b.length)));
    m.payload = b;
    return 'msg:family-header';
  }
  const attrs = parseAttrs(p.subarray(hdrSize), 0);
  if (!attrs) {
    const b = p.slice();
    for (let k = 1 + rng.int(8); k > 0 && b.length; k--) b[rng.int(b.length)] = rng.next() & 0xff;
    m.payload = b;
    return 'msg:bytes';
  }
  const names: string[] = [];
  for (let k = 1 + rng.int(3); k > 0; k--) names.push(mutateAttr(rng, attrs, pool));
  const tail = attrsBytes(attrs);
  const b = new Uint8Array(hdrSize + tail.length);
  b.set(p.subarray(0, hdrSize));
  b.set(tail, hdrSize);
  m.payload = b;
  return names.join('+');
}

function randomMessage(rng: Rng, kind: ObjectKind): Msg {
  const hdr = rng.chance(0.5) ? new Uint8Array(kind.hdrSize) : rng.bytes(kind.hdrSize);
  const tail = attrsBytes(randomAttrs(rng));
  const payload = new Uint8Array(hdr.length + tail.length);
  payload.set(hdr);
  payload.set(tail, hdr.length);
  return { type: rng.pick(kind.types), flags: NLM_F_MULTI, payload };
}

function errorPayload(rng: Rng): Uint8Array {
  const code = rng.pick([0, -1, -4, -11, -12, -22, -95, -105, 1, 0x7fffffff, -0x80000000, -rng.int(200)]);
  const full = new Uint8Array(4 + NLMSG_HDRLEN + (rng.chance(0.3) ? 4 + rng.int(40) : 0));
  const v = new DataView(full.buffer);
  v.setInt32(0, code, true);
  v.setUint32(4, NLMSG_HDRLEN, true);
  if (full.length > 20) full.set(attrsBytes(randomAttrs(rng)).subarray(0, full.length - 20), 20);
  return rng.chance(0.25) ? full.slice(0, rng.int(full.length)) : full;
}

/** One structural mutation of a dump; returns its name. */
function mutateDump(rng: Rng, dump: Msg[][], kind: ObjectKind, pool: Pool): string {
  // An earlier reorder of an empty dump leaves no datagram to put messages in.
  if (dump.length === 0) dump.push([]);
  const all = dump.flatMap((d, di) => d.map((m, mi) => ({ d: di, i: mi, m })));
  const data = all.filter((x) => x.m.type >= 0x10);
  const any = <T>(xs: T[]): T | undefined => (xs.length ? rng.pick(xs) : undefined);
  const where = (): { d: number; i: number } => {
    const d = rng.int(dump.length);
    return { d, i: rng.int(dump[d].length + 1) };
  };
  const r = rng.int(100);
  if (r < 45) {
    const x = any(data);
    if (x) return mutatePayload(rng, x.m, kindOf(kind.protocol, x.m.type) ?? kind, pool);
  }
  if (r < 50) {
    for (const d of dump) for (let i = d.length - 1; i >= 0; i--) if (d[i].type === NLMSG_DONE) d.splice(i, 1);
    return 'dump:no-done';
  }
  if (r < 57) {
    const at = where();
    dump[at.d].splice(at.i, 0, { type: NLMSG_ERROR, flags: rng.pick([0, 0x100, 0x200, 0x300, NLM_F_MULTI]), payload: errorPayload(rng) });
    return 'dump:nlmsg-error';
  }
  if (r < 61) {
    const done = all.find((x) => x.m.type === NLMSG_DONE);
    const payload = rng.pick([new Uint8Array(0), u32le(rng.pick([-4, -105, -22, 0x7fffffff])), errorPayload(rng)]);
    if (done) done.m.payload = payload;
    else dump[dump.length - 1].push({ type: NLMSG_DONE, flags: NLM_F_MULTI, payload });
    return 'dump:done-payload';
  }
  if (r < 64) {
    const at = where();
    dump[at.d].splice(at.i, 0, { type: rng.pick([NLMSG_NOOP, NLMSG_OVERRUN, 0, 5, 15]), flags: NLM_F_MULTI, payload: rng.bytes(rng.int(24)) });
    return 'dump:control-message';
  }
  if (r < 69) {
    const x = any(data);
    if (x) dump[x.d].splice(x.i, 0, structuredClone(x.m));
    return 'dump:duplicate';
  }
  if (r < 72) {
    const msgs = dump.flat();
    for (let i = msgs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [msgs[i], msgs[j]] = [msgs[j], msgs[i]];
    }
    dump.splice(0, dump.length, ...(rng.chance(0.5) ? [msgs] : msgs.map((m) => [m])));
    return 'dump:reorder';
  }
  if (r < 77) {
    const x = any(all);
    if (x) x.m.type = rng.pick([...kind.types, ...rng.pick(KINDS).types, rng.int(0x20), rng.next() & 0xffff]);
    return 'dump:nlmsg_type';
  }
  if (r < 80) {
    const x = any(all);
    if (x) {
      if (rng.chance(0.5)) x.m.seq = rng.next();
      else x.m.pid = rng.next();
    }
    return 'dump:seq-or-port';
  }
  if (r < 85) {
    const x = any(all);
    if (x) x.m.flags = rng.pick([x.m.flags | NLM_F_DUMP_INTR, x.m.flags & ~NLM_F_MULTI, rng.next() & 0xffff]);
    return 'dump:nlmsg_flags';
  }
  if (r < 90) {
    const x = any(all);
    if (x) {
      const real = NLMSG_HDRLEN + x.m.payload.length;
      x.m.len = rng.pick([0, 1, 15, 16, real - 1, real + 1, real + 4, real + 100, 0x7fffffff, 0xffffffff]) >>> 0;
    }
    return 'dump:nlmsg_len';
  }
  if (r < 96) {
    const at = where();
    dump[at.d].splice(at.i, 0, randomMessage(rng, rng.chance(0.7) ? kind : rng.pick(KINDS)));
    return 'dump:random-message';
  }
  const x = any(data);
  if (x) x.m.payload = x.m.payload.slice(0, rng.int(x.m.payload.length));
  return 'dump:short-payload';
}

/** Damage to the bytes of a datagram, past what the structure can say. */
function damage(rng: Rng, dgrams: FakeDatagram[]): string {
  const d = rng.pick(dgrams);
  switch (rng.int(4)) {
    case 0:
      d.bytes = d.bytes.slice(0, rng.int(d.bytes.length + 1));
      return 'bytes:truncate';
    case 1:
      for (let k = 1 + rng.int(8); k > 0 && d.bytes.length; k--) d.bytes[rng.int(d.bytes.length)] ^= 1 << rng.int(8);
      return 'bytes:bitflip';
    case 2: {
      const b = new Uint8Array(d.bytes.length + 1 + rng.int(32));
      b.set(d.bytes);
      b.set(rng.bytes(b.length - d.bytes.length), d.bytes.length);
      d.bytes = b;
      return 'bytes:trailing-garbage';
    }
    default:
      dgrams.splice(dgrams.indexOf(d), 0, { bytes: rng.bytes(rng.int(48)), patch: [] });
      return 'bytes:garbage-datagram';
  }
}

// --- cases -------------------------------------------------------------------------------

export function makeCase(pool: Pool, seed: number, index: number): FuzzCase {
  const rng = new Rng(caseSeed(seed, index));
  const mutations: string[] = [];
  if (rng.chance(0.5)) {
    const t = rng.pick(FILLS);
    const kind = KINDS.find((k) => k.name === t.kind) as ObjectKind;
    const source = pool.corpus.synthetic[t.kind] ?? pool.corpus.fills[t.kind];
    const dump = (source?.answers[0] ?? []).map((h) => parseDatagram(fromHex(h)));
    if (dump.length === 0) dump.push([]);
    for (let k = 1 + rng.int(4); k > 0; k--) mutations.push(mutateDump(rng, dump, kind, pool));
    const answer = serialize(dump.filter((d) => d.length || rng.chance(0.1)));
    if (answer.length && rng.chance(0.2)) mutations.push(damage(rng, answer));
    return { kind: 'fill', target: t.kind, protocol: t.protocol, args: pool.corpus.fills[t.kind]?.args ?? [], answer, mutations };
  }
  const kind = rng.pick(KINDS);
  const seeds = pool.messages.get(kind.name) ?? [];
  let m: Msg;
  if (seeds.length && rng.chance(0.9)) {
    const b = rng.pick(seeds);
    m = { type: new DataView(b.buffer, b.byteOffset).getUint16(4, true), flags: 0, payload: b.slice(NLMSG_HDRLEN) };
  } else {
    m = randomMessage(rng, kind);
    mutations.push('random-message');
  }
  for (let k = 1 + rng.int(3); k > 0; k--) mutations.push(mutatePayload(rng, m, kind, pool));
  if (rng.chance(0.05)) {
    m.len = NLMSG_HDRLEN + rng.int(m.payload.length);
    mutations.push('msg:short-nlmsg_len');
  }
  return { kind: 'parse', target: kind.name, protocol: kind.protocol, message: msgBytes(m), mutations };
}

// --- regression files ----------------------------------------------------------------

/** A case as test/fuzz-regressions/*.json keeps it. */
export interface RegressionFile {
  /** What libnl printed on stderr while it ran (its BUG() lines), for the reader. */
  note: string;
  /** The outcome key (fuzz_run.ts outcomeKey) when it was found. */
  outcome: string;
  /** Where it came from: `seed/index` of a campaign. */
  origin: string;
  /**
   * The build it was found with: libnl.wasm release or checked (SAFE_HEAP traps where
   * release does not), or native libnl under ASan and UBSan (bench/fuzz_native.ts).
   */
  build: 'release' | 'checked' | 'native-asan';
  kind: 'fill' | 'parse';
  target: string;
  protocol: number;
  args?: number[];
  /** fill: the answer's datagrams (hex) and the header offsets that get the request's seq/port. */
  answer?: Array<{ hex: string; patch: number[] }>;
  /** parse: the message (hex). */
  message?: string;
  mutations: string[];
  /** The libnl patch that fixed the bug: the case must now end in a result or an NlError. */
  fixedBy?: string;
}

/** The saved cases of one build, from `dir` (test/fuzz-regressions/). */
export function savedRegressions(dir: string, build: RegressionFile['build']): RegressionFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RegressionFile)
    .filter((r) => r.build === build);
}

/** Writes a found case into `dir`, named by build, target and origin; returns the file's name. */
export function saveRegression(dir: string, r: RegressionFile): string {
  mkdirSync(dir, { recursive: true });
  const name = `${r.build}-${r.target.replace(/\W+/g, '_')}-${r.origin.replace('/', '-')}.json`;
  writeFileSync(join(dir, name), `${JSON.stringify(r, null, 1)}\n`);
  return name;
}

export function toRegression(c: FuzzCase, outcome: string, origin: string, build: RegressionFile['build'],
  note: string): RegressionFile {
  const base = { note, outcome, origin, build, kind: c.kind, target: c.target, protocol: c.protocol, mutations: c.mutations };
  return c.kind === 'fill'
    ? { ...base, args: c.args, answer: c.answer.map((d) => ({ hex: toHex(d.bytes), patch: [...d.patch] })) }
    : { ...base, message: toHex(c.message) };
}

export function fromRegression(r: RegressionFile): FuzzCase {
  return r.kind === 'fill'
    ? { kind: 'fill', target: r.target, protocol: r.protocol, args: r.args ?? [], mutations: r.mutations,
      answer: (r.answer ?? []).map((d) => ({ bytes: fromHex(d.hex), patch: d.patch })) }
    : { kind: 'parse', target: r.target, protocol: r.protocol, message: fromHex(r.message ?? ''), mutations: r.mutations };
}

/** The captured answer of a fill, unmutated: a case every instance must get through cleanly. */
export function pristineFill(corpus: Corpus, target: string): FuzzCase {
  const fill = FILLS.find((t) => t.kind === target);
  const source = corpus.synthetic[target] ?? corpus.fills[target];
  if (!fill || !source) throw new Error(`no corpus entry for ${target}`);
  const answer = (source.answers[0] ?? []).map((hex) => {
    const bytes = fromHex(hex);
    return { bytes, patch: headers(bytes).map((h) => h.offset) };
  });
  return { kind: 'fill', target, protocol: fill.protocol, args: corpus.fills[target]?.args ?? [], answer, mutations: [] };
}

/** Every message of the pool, unmutated, as a parse case: each must parse cleanly. */
export function pristineParses(pool: Pool): FuzzCase[] {
  return KINDS.flatMap((k) => (pool.messages.get(k.name) ?? [])
    .map((message): FuzzCase => ({ kind: 'parse', target: k.name, protocol: k.protocol, message, mutations: [] })));
}
