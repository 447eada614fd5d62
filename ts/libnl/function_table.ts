/**
 * JavaScript functions as C function pointers: an entry in the instance's
 * indirect function table that calls back into JavaScript, for libnl's
 * callbacks (nl_cache_foreach, nl_cb_set, cache manager changes, ...).
 *
 * Node 20 has no WebAssembly.Function, so each JavaScript function is wrapped
 * by a tiny module that imports it with the C signature and exports it again;
 * the export is a real wasm function that fits in the table.
 */

/** Wasm value types of a C signature: i32, i64, f32, f64. */
export type WasmType = 'i32' | 'i64' | 'f32' | 'f64';

const TYPE_CODE: Record<WasmType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

const moduleCache = new Map<string, WebAssembly.Module>();

function wrapperModule(params: readonly WasmType[], result: WasmType | null): WebAssembly.Module {
  const key = `${params.join(',')}->${result ?? 'void'}`;
  let m = moduleCache.get(key);
  if (!m) {
    const type = [0x60, ...leb(params.length), ...params.map((p) => TYPE_CODE[p]),
      ...(result ? [1, TYPE_CODE[result]] : [0])];
    const name = (s: string): number[] => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, [1, ...type]),
      ...section(2, [1, ...name('e'), ...name('f'), 0x00, 0x00]),
      ...section(7, [1, ...name('f'), 0x00, 0x00]),
    ];
    m = new WebAssembly.Module(new Uint8Array(bytes));
    moduleCache.set(key, m);
  }
  return m;
}

export class FunctionTable {
  private readonly free: number[] = [];

  constructor(private readonly table: WebAssembly.Table) {}

  /** Puts `fn` in the table and returns its index (the C function pointer). */
  add(fn: (...args: never[]) => unknown, params: readonly WasmType[], result: WasmType | null): number {
    const instance = new WebAssembly.Instance(wrapperModule(params, result), { e: { f: fn } });
    const wasmFn = instance.exports.f as unknown as (...a: unknown[]) => unknown;
    const index = this.free.pop() ?? this.table.grow(1);
    this.table.set(index, wasmFn);
    return index;
  }

  /** Frees a slot made by add(); the pointer must no longer be used by C. */
  remove(index: number): void {
    this.table.set(index, null);
    this.free.push(index);
  }
}
