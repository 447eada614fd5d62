/**
 * Runs fuzz cases (fuzz_cases.ts) through the real libnl.wasm, in this
 * thread, over the synchronous runtime with a fake kernel behind it.
 *
 * A fill case opens a socket, lets the *_alloc_cache function send its
 * request and parse the fake kernel's answer, then prints the cache in
 * every dump format (parsed garbage also reaches the dump functions). A
 * parse case gives one message to nl_msg_parse(), whose callback dumps,
 * clones and compares each object.
 *
 * Every outcome is classified: ok, a clean NlError, a trap (the instance is
 * then replaced), or "unexpected" (anything else: a bug of the harness or
 * the bindings, never expected). The instance is also replaced every
 * `recycleEvery` cases so that leaks on libnl's error paths cannot pile up.
 */
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';
import { nativeHost } from '../../dist/host/native.js';
import { WasmTrap } from '../../dist/host/errors.js';
import { NlError, type LibnlSync } from '../../dist/index.js';
import type { NlObject } from '../../dist/libnl/generated/api.js';
import { FakeKernel } from './fake_kernel.js';
import { FILLS } from './fuzz_targets.js';
import type { FuzzCase } from './fuzz_cases.js';

/**
 * Far more than any case needs; libnl's parse_multipath() loops forever on
 * a nexthop with rtnh_len 0, allocating, and must reach the end of memory
 * quickly (in 2 GiB that takes seconds).
 */
const MEMORY_LIMIT = 32 * 2 ** 20;

/** NL_DUMP_LINE, NL_DUMP_DETAILS, NL_DUMP_STATS */
const DUMP_TYPES = [0, 1, 2];

export type Outcome =
  | { class: 'ok' }
  | { class: 'nlerror'; name: string }
  | { class: 'trap'; call: string; reason: string; where: string }
  | { class: 'unexpected'; error: string };

/**
 * An outcome as one string, to count and tell apart: a trap's key names the
 * target, the call and the innermost wasm frames, so one key is one bug.
 */
export function outcomeKey(c: FuzzCase, o: Outcome): string {
  switch (o.class) {
    case 'ok': return 'ok';
    case 'nlerror': return `nlerror:${o.name}`;
    case 'trap': return `trap:${c.target}:${o.call}:${o.where}:${o.reason}`;
    case 'unexpected': return `unexpected:${c.target}:${o.error}`;
  }
}

export interface RunnerStats {
  instances: number;
  /** Sockets of the fake kernel still open after a case that did not trap. */
  socketLeaks: number;
  /** Largest wasm memory an instance reached before it was replaced (bytes). */
  maxMemory: number;
}

/**
 * The innermost wasm frames of a trap's stack (function names when the
 * module has a name section, else indexes): tells traps with the same
 * message apart. The checked build's SAFE_HEAP helpers are skipped.
 */
function trapSite(e: unknown): string {
  let site = 'unknown';
  // The innermost error of the chain is the trap itself; outer ones are the calls it unwound.
  for (let c: unknown = e; c instanceof Error; c = c.cause) {
    const frames = [...(c.stack ?? '').matchAll(/at (?:(\S+) \()?wasm:\/\/wasm\/[^:]+:(wasm-function\[\d+\]):(0x[0-9a-f]+)/g)]
      .map((m) => ({ name: m[1] ?? m[2], at: m[3] }));
    if (frames.length === 0) continue;
    // SAFE_HEAP's checks are inlined and call the JavaScript segfault/alignfault
    // imports: the innermost wasm frame is the faulting function, unless a
    // build keeps them as functions of their own (then named).
    const skip = /SAFE_HEAP|segfault|alignfault/.test(frames[0].name) ? 1 : 0;
    site = frames.slice(skip, skip + 3).map((f) => `${f.name}@${f.at}`).join(' < ');
  }
  return site;
}

export class FuzzRunner {
  private core!: LibnlCore;
  private lib!: LibnlSync;
  private kernel!: FakeKernel;
  private casesInInstance = 0;
  readonly stats: RunnerStats = { instances: 0, socketLeaks: 0, maxMemory: 0 };
  /** The instance's last stderr output (libnl's BUG() and warnings). */
  stderr = '';

  constructor(private readonly modulePath: string, private readonly recycleEvery = 2000) {
    this.open();
  }

  private open(): void {
    this.kernel = new FakeKernel(nativeHost());
    const decoder = new TextDecoder();
    this.core = new LibnlCore({
      modulePath: this.modulePath, host: this.kernel, stdout: () => undefined, memoryLimit: MEMORY_LIMIT,
      stderr: (b) => {
        this.stderr = (this.stderr + decoder.decode(b)).slice(-2000);
      },
    });
    this.lib = libnlApi(this.core);
    this.casesInInstance = 0;
    this.stats.instances++;
  }

  private replace(): void {
    this.stats.maxMemory = Math.max(this.stats.maxMemory, this.core.runtime.memory.buffer.byteLength);
    this.lib.close();
    this.open();
  }

  close(): void {
    this.lib.close();
  }

  run(c: FuzzCase): Outcome {
    if (this.casesInInstance++ >= this.recycleEvery) this.replace();
    this.stderr = '';
    let outcome: Outcome;
    try {
      if (c.kind === 'fill') this.fill(c);
      else this.parse(c);
      outcome = { class: 'ok' };
    } catch (e) {
      outcome = this.classify(e);
    }
    if (this.core.runtime.process.failure) {
      const f = this.core.runtime.process.failure;
      if (outcome.class !== 'trap') outcome = this.classify(f);
      this.replace();
    } else if (this.kernel.openSockets !== 0) {
      this.stats.socketLeaks++;
      this.replace();
    }
    return outcome;
  }

  private classify(e: unknown): Outcome {
    if (e instanceof NlError) return { class: 'nlerror', name: e.nleName };
    if (e instanceof WasmTrap) return { class: 'trap', call: e.call, reason: e.reason, where: trapSite(e) };
    return { class: 'unexpected', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }

  private fill(c: Extract<FuzzCase, { kind: 'fill' }>): void {
    const target = FILLS.find((t) => t.kind === c.target);
    if (!target) throw new Error(`no fill target ${c.target}`);
    const lib = this.lib;
    this.kernel.reset((req) => (req.index === 0 ? c.answer : undefined));
    const sk = lib.nl_socket_alloc();
    if (!sk) throw new Error('nl_socket_alloc() failed');
    try {
      lib.nl_connect(sk, c.protocol);
      const cache = target.fill(lib, sk, c.args);
      try {
        for (const t of DUMP_TYPES) lib.nl_cache_dump_text(cache, t);
      } finally {
        lib.nl_cache_free(cache);
      }
    } finally {
      if (!this.core.runtime.process.failure) lib.nl_socket_free(sk);
    }
  }

  private exercise(obj: NlObject): void {
    const lib = this.lib;
    for (const t of DUMP_TYPES) lib.nl_object_dump_text(obj, t);
    const clone = lib.nl_object_clone(obj);
    if (clone) {
      lib.nl_object_identical(obj, clone);
      lib.nl_object_dump_text(clone, 1);
      lib.release(clone);
    }
  }

  private parse(c: Extract<FuzzCase, { kind: 'parse' }>): void {
    const lib = this.lib;
    const msg = lib.nlmsg_alloc_size(c.message.length);
    try {
      const hdr = lib.nlmsg_hdr(msg);
      if (!hdr) throw new Error('nlmsg_hdr() returned NULL');
      // The message is written in place: nl_msg_parse() reads nlmsg_len from it.
      new Uint8Array(this.core.runtime.memory.buffer, hdr.ptr, c.message.length).set(c.message);
      lib.nlmsg_set_proto(msg, c.protocol);
      lib.nl_msg_parse(msg, (obj) => this.exercise(obj), 0);
    } finally {
      if (!this.core.runtime.process.failure) lib.nlmsg_free(msg);
    }
  }
}
