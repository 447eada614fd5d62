/**
 * The synchronous libnl: one wasm instance of libnl.wasm (one libnl
 * "process") and the marshalling that lets JavaScript call any of its
 * exported functions by name, with libnl's own semantics. Runs in any thread
 * that may block (a worker); the main thread uses it through ts/worker.
 *
 * Arguments are checked before anything reaches wasm (types, integer
 * ranges, NUL-free strings, live handles of this instance), so bad input is a
 * TypeError or RangeError, never a corrupted heap. A negative libnl error
 * code becomes an NlError. Callbacks are JavaScript functions; an exception
 * thrown in one stops libnl's loop and is rethrown when the call returns.
 */
import { threadId } from 'node:worker_threads';
import { WasmProcess, loadModuleSync, type ProcessOptions } from '../host/instance.js';
import { cString } from '../host/c_string.js';
import { FunctionTable, type WasmType } from './function_table.js';
import { HandleRegistry, isHandle, type NlHandle } from './handles.js';
import { NlError } from './nl_error.js';
import type { CallbackSig, FunctionSig, Param, Result } from './signatures.js';

export interface LibnlRuntimeOptions extends ProcessOptions {
  /** Path of libnl.wasm (default: the build's). */
  modulePath?: string;
  /** An already compiled libnl.wasm (saves compiling it again in a new worker). */
  module?: WebAssembly.Module;
}

export interface Bindings {
  signatures: Record<string, FunctionSig>;
  callbacks: Record<string, CallbackSig>;
  /** NLE_* code -> name */
  errorNames: Record<number, string>;
  /** struct tags that are libnl objects (struct nl_object is their base). */
  objectTypes: ReadonlySet<string>;
  /** other base types and their derived types (rtnl_tc: rtnl_qdisc, ...) */
  subtypes: Record<string, readonly string[]>;
}

/** Buffer size for libnl functions that print into a caller's buffer. */
const TEXT_BUFFER = 4096;
const NL_STOP = 2;

let instanceCounter = 0;

/** What calling one function takes, worked out on its first call. */
interface CallPlan {
  sig: FunctionSig;
  fn: (...a: Array<number | bigint>) => number | bigint;
  /** [min, max] of each int parameter (null for the others). */
  ranges: Array<[number, number] | null>;
  /** Arguments a caller passes (out-parameters and text buffers are not passed). */
  inputs: number;
  /** Some parameter needs temporary memory, a callback slot or reading back. */
  scratch: boolean;
  /** "name() argument N", for messages. */
  what: string[];
}
const encoder = new TextEncoder();

function range(size: number, signed: boolean): [number, number] {
  const bits = size * 8;
  return signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

function wasmTypeOf(p: Param | Result): WasmType {
  if (p.k === 'i64') return 'i64';
  if (p.k === 'float') return p.size === 4 ? 'f32' : 'f64';
  return 'i32';
}

export class LibnlRuntime {
  readonly instance: string;
  readonly handles: HandleRegistry;
  readonly process: WasmProcess;
  private readonly table: FunctionTable;
  /** Callbacks libnl keeps (nl_cb_set, cache manager, ...): one table slot per function. */
  private readonly keptCallbacks = new Map<unknown, number>();
  private callbackError: unknown;
  private callDepth = 0;
  private readonly plans = new Map<string, CallPlan>();
  private u8 = new Uint8Array(0);
  private dv = new DataView(new ArrayBuffer(0));

  constructor(private readonly bindings: Bindings, opts: LibnlRuntimeOptions) {
    const module = opts.module ?? loadModuleSync(opts.modulePath as string);
    this.process = WasmProcess.create(module, opts);
    this.instance = `${process.pid}.${threadId}.${++instanceCounter}`;
    this.handles = new HandleRegistry(this.instance);
    const table = this.process.exports.__indirect_function_table;
    if (!table) throw new Error('libnl.wasm exports no function table');
    this.table = new FunctionTable(table);
  }

  close(): void {
    this.handles.clear();
    this.process.close();
  }

  get memory(): WebAssembly.Memory {
    return this.process.exports.memory;
  }

  /**
   * Views of the instance's memory for code that reads and writes it per
   * request. Memory growth detaches the buffer the views were made on (its
   * length becomes 0), and they are made afresh then: never a view of a
   * buffer that is no longer the memory's.
   */
  bytes(): Uint8Array {
    if (this.u8.length === 0) this.views();
    return this.u8;
  }

  view(): DataView {
    if (this.u8.length === 0) this.views();
    return this.dv;
  }

  private views(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.dv = new DataView(buffer);
  }

  private malloc(size: number): number {
    const p = this.process.call('malloc', size);
    if (!p) throw new RangeError(`out of wasm memory (malloc ${size})`);
    return p >>> 0;
  }

  private free(ptr: number): void {
    if (ptr) this.process.call('free', ptr);
  }

  private writeString(s: string): number {
    const bytes = encoder.encode(s);
    const p = this.malloc(bytes.length + 1);
    const mem = new Uint8Array(this.memory.buffer);
    mem.set(bytes, p);
    mem[p + bytes.length] = 0;
    return p;
  }

  readString(ptr: number): string | null {
    return ptr ? cString(this.memory.buffer, ptr >>> 0) : null;
  }

  private accepts(type: string): (actual: string) => boolean {
    if (type === 'nl_object') return (t) => t === 'nl_object' || this.bindings.objectTypes.has(t);
    const derived = this.bindings.subtypes[type];
    return (t) => t === type || (derived?.includes(t) ?? false);
  }

  /**
   * A raw C function pointer for a JavaScript function of the given wasm
   * signature, for C code of ours that takes callbacks (object_export.c);
   * give it back with removeFunction().
   */
  addFunction(fn: (...args: never[]) => unknown, params: readonly WasmType[], result: WasmType | null): number {
    return this.table.add(fn, params, result);
  }

  removeFunction(index: number): void {
    this.table.remove(index);
  }

  /** Copies a NUL-terminated string into the instance (malloc()ed; free() it). */
  allocString(s: string): number {
    return this.writeString(s);
  }

  freePointer(ptr: number): void {
    this.free(ptr);
  }

  /** A handle for a pointer libnl returned. */
  wrap<T extends string>(type: T, ptr: number, owned: boolean, parent?: NlHandle): NlHandle<T> | null {
    return ptr ? this.handles.create(type, ptr >>> 0, owned, parent) : null;
  }

  /** Resolves a handle argument to its pointer (null allowed). */
  unwrap(h: unknown, type: string, what: string): number {
    if (h === null || h === undefined) return 0;
    return this.handles.resolve(h, this.accepts(type), what);
  }

  /** The C function pointer for a JavaScript callback of type `sigName`. */
  private callbackPointer(fn: unknown, sigName: string, keep: boolean, what: string,
    transient: number[]): number {
    if (fn === null || fn === undefined) return 0;
    if (typeof fn !== 'function') throw new TypeError(`${what}: expected a function or null`);
    const kept = this.keptCallbacks.get(fn);
    if (kept !== undefined) return kept;
    const sig = this.bindings.callbacks[sigName];
    if (!sig) throw new TypeError(`${what}: callback type ${sigName} is not supported`);
    const js = fn as (...a: unknown[]) => unknown;
    const index = this.table.add((...raw: never[]) => this.runCallback(js, sig, raw), sig.params.map(wasmTypeOf),
      sig.result.k === 'void' ? null : wasmTypeOf(sig.result));
    if (keep) this.keptCallbacks.set(fn, index);
    else transient.push(index);
    return index;
  }

  private runCallback(fn: (...a: unknown[]) => unknown, sig: CallbackSig, raw: unknown[]): unknown {
    const fallback = sig.result.k === 'void' ? undefined : sig.result.k === 'i64' ? BigInt(NL_STOP) : NL_STOP;
    if (this.callbackError !== undefined) return fallback;
    // Handles passed to a callback are borrowed for its duration; one that
    // took a reference (nl_object_get) lives on.
    const borrowed: NlHandle[] = [];
    try {
      const args = sig.params.map((p, i) => {
        const v = raw[i];
        switch (p.k) {
          case 'handle': {
            const h = this.wrap(p.type, v as number, false);
            if (h) borrowed.push(h);
            return h;
          }
          case 'str':
            return this.readString(v as number);
          case 'ptr':
            return (v as number) >>> 0;
          case 'int':
            return p.signed ? v : (v as number) >>> 0;
          default:
            return v;
        }
      });
      const r = fn(...args);
      if (sig.result.k === 'void') return undefined;
      if (sig.result.k === 'i64') return BigInt((r as bigint | number | undefined) ?? 0);
      return typeof r === 'number' ? r : 0;
    } catch (e) {
      this.callbackError = e;
      return fallback;
    } finally {
      for (const h of borrowed) if (this.handles.refs(h.id) === 0) this.handles.kill(h.id, 'the callback returned');
    }
  }

  /** How to call `name`: worked out once per function (see CallPlan). */
  private plan(name: string): CallPlan {
    let plan = this.plans.get(name);
    if (!plan) {
      const sig = this.bindings.signatures[name];
      if (!sig) throw new TypeError(`${name} is not a libnl function this build binds`);
      const fn = this.process.exports[name];
      if (typeof fn !== 'function') throw new TypeError(`the module exports no function ${name}`);
      const ranges = sig.params.map((p) => (p.k === 'int' ? range(p.size, p.signed) : null));
      plan = {
        sig, fn: fn as (...a: Array<number | bigint>) => number | bigint, ranges,
        inputs: sig.params.filter((p) => p.k !== 'out' && p.k !== 'buf' && p.k !== 'buflen').length,
        // Parameters that need memory of their own or leave something to read back.
        scratch: sig.params.some((p) => p.k === 'out' || p.k === 'buf' || p.k === 'str' || p.k === 'cb'),
        what: sig.params.map((_, i) => `${name}() argument ${i + 1}`),
      };
      this.plans.set(name, plan);
    }
    return plan;
  }

  /** Calls the libnl function `name` with JavaScript arguments. */
  call(name: string, args: readonly unknown[]): unknown {
    const plan = this.plan(name);
    const { sig } = plan;
    if (args.length > plan.inputs) throw new TypeError(`${name}: expected ${plan.inputs} arguments, got ${args.length}`);

    const temps: number[] = [];
    const transient: number[] = [];
    let outs: Array<{ cell: number; type: string }> | undefined;
    let buffer = 0;
    let firstHandle: NlHandle | undefined;
    let handleArgs: Array<NlHandle | undefined> | undefined;
    const params = sig.params;
    const wasmArgs: Array<number | bigint> = new Array<number | bigint>(params.length);
    let ai = 0;
    try {
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi];
        if (p.k === 'out') {
          const cell = this.malloc(4);
          temps.push(cell);
          new DataView(this.memory.buffer).setUint32(cell, 0, true);
          (outs ??= []).push({ cell, type: p.type });
          wasmArgs[pi] = cell;
          continue;
        }
        if (p.k === 'buf') {
          buffer = this.malloc(TEXT_BUFFER);
          temps.push(buffer);
          new Uint8Array(this.memory.buffer)[buffer] = 0;
          wasmArgs[pi] = buffer;
          continue;
        }
        if (p.k === 'buflen') {
          wasmArgs[pi] = p.size === 8 ? BigInt(TEXT_BUFFER) : TEXT_BUFFER;
          continue;
        }
        const v = args[ai++];
        switch (p.k) {
          case 'int': {
            if (typeof v !== 'number' || !Number.isInteger(v)) {
              throw new TypeError(`${plan.what[pi]}: expected an integer, got ${typeof v === 'number' ? v : typeof v}`);
            }
            const [lo, hi] = plan.ranges[pi] as [number, number];
            if (v < lo || v > hi) throw new RangeError(`${plan.what[pi]}: ${v} is out of range ${lo}..${hi}`);
            wasmArgs[pi] = v | 0;
            break;
          }
          case 'i64': {
            const b = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
            if (typeof b !== 'bigint') throw new TypeError(`${plan.what[pi]}: expected a bigint`);
            const [lo, hi] = p.signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
            if (b < lo || b > hi) throw new RangeError(`${plan.what[pi]}: ${b} is out of range`);
            wasmArgs[pi] = BigInt.asIntN(64, b);
            break;
          }
          case 'float':
            if (typeof v !== 'number') throw new TypeError(`${plan.what[pi]}: expected a number`);
            wasmArgs[pi] = v;
            break;
          case 'str':
            if (v === null || v === undefined) {
              wasmArgs[pi] = 0;
            } else {
              if (typeof v !== 'string') throw new TypeError(`${plan.what[pi]}: expected a string`);
              if (v.includes('\0')) throw new TypeError(`${plan.what[pi]}: string contains a NUL character`);
              const str = this.writeString(v);
              temps.push(str);
              wasmArgs[pi] = str;
            }
            break;
          case 'handle':
            wasmArgs[pi] = this.unwrap(v, p.type, plan.what[pi]);
            if (isHandle(v)) {
              firstHandle ??= v;
              (handleArgs ??= [])[pi] = v;
            }
            break;
          case 'cb':
            wasmArgs[pi] = this.callbackPointer(v, p.sig, !!sig.keepsCallbacks, plan.what[pi], transient);
            break;
          case 'ptr':
            if (v === null || v === undefined) wasmArgs[pi] = 0;
            else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) wasmArgs[pi] = v | 0;
            else throw new TypeError(`${plan.what[pi]}: expected an address (a non-negative integer) or null`);
            break;
        }
      }
      if (sig.role === 'put' && firstHandle) this.handles.checkPut(firstHandle.id, name);

      this.callDepth++;
      let raw: number | bigint;
      try {
        raw = this.process.invoke(name, plan.fn, wasmArgs);
      } finally {
        this.callDepth--;
      }
      if (this.callbackError !== undefined && this.callDepth === 0) {
        const e = this.callbackError;
        this.callbackError = undefined;
        throw e;
      }

      if (sig.role === 'put' && firstHandle) this.handles.put(firstHandle.id, name);
      if (sig.role === 'get' && firstHandle) this.handles.acquire(firstHandle.id);
      const moved = sig.adopts ?? sig.disowns;
      const movedHandle = moved !== undefined ? handleArgs?.[moved] : undefined;
      if (movedHandle && (sig.result.k !== 'err' || (raw as number) >= 0)) {
        if (sig.adopts !== undefined && firstHandle) this.handles.adopt(movedHandle.id, firstHandle.id);
        else this.handles.reclaim(movedHandle.id);
      }

      const value = this.convertResult(name, sig.result, raw, firstHandle);
      if (!plan.scratch) return value;
      const text = buffer ? this.readString(buffer) : undefined;
      if (text !== undefined) {
        return sig.result.k === 'str' || sig.result.k === 'ptr' ? (raw ? text : null) : text;
      }
      if (outs) {
        const view = new DataView(this.memory.buffer);
        const outHandles = outs.map((o) => this.wrap(o.type, view.getUint32(o.cell, true), true));
        const tail = outHandles.length === 1 ? outHandles[0] : outHandles;
        return sig.result.k === 'err' || sig.result.k === 'void' ? tail : [value, ...outHandles];
      }
      return value;
    } finally {
      for (let i = 0; i < temps.length; i++) this.free(temps[i]);
      for (let i = 0; i < transient.length; i++) this.table.remove(transient[i]);
    }
  }

  private convertResult(name: string, r: Result, raw: number | bigint, parent?: NlHandle): unknown {
    switch (r.k) {
      case 'void':
        return undefined;
      case 'err': {
        const code = raw as number;
        if (code < 0) throw this.error(-code, name);
        return code;
      }
      case 'int': {
        const n = raw as number;
        if (r.signed) return r.size === 4 ? n : (n << (32 - 8 * r.size)) >> (32 - 8 * r.size);
        return r.size === 4 ? n >>> 0 : n & ((1 << (8 * r.size)) - 1);
      }
      case 'i64':
        return r.signed ? BigInt.asIntN(64, raw as bigint) : BigInt.asUintN(64, raw as bigint);
      case 'float':
        return raw;
      case 'str':
        return this.readString(raw as number);
      case 'handle':
        return this.wrap(r.type, raw as number, r.owned, r.owned ? undefined : parent);
      case 'ptr':
        return (raw as number) >>> 0;
    }
  }

  /** The NlError for a (positive) NLE_* code, with libnl's own message. */
  error(code: number, call: string): NlError {
    const text = this.readString(this.process.call('nl_geterror', -code)) ?? `error ${code}`;
    return new NlError(code, this.bindings.errorNames[code] ?? `NLE_${code}`, text, call);
  }
}
