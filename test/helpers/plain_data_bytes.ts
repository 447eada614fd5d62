/**
 * A second writer of the plain data form (wasm/plain_data.h), written from
 * the format's description for tests: it lets a test feed the decoder any
 * value, and feed DumpBatches batches without a worker. One instance is one
 * stream (shapes and symbols are defined once in it). Only the tag numbers
 * are shared with the decoder.
 */
import { TAG } from '../../ts/api/plain_data.js';

const {
  OBJECT, END_OBJECT, ARRAY, END_ARRAY, STR, SYM, SYM_DEF, U8, U32, I32, F64, TRUE, FALSE, NULL, NEW_SHAPE,
} = TAG;

export class PlainDataWriter {
  private readonly shapes = new Map<string, number>();
  private readonly symbols = new Map<string, number>();
  private out: number[] = [];

  /** Strings in `symbolic` are written as symbols. */
  constructor(private readonly symbolic: ReadonlySet<string> = new Set()) {}

  /** The bytes of `values`, continuing the stream. */
  write(values: readonly unknown[]): Uint8Array {
    this.out = [];
    for (const v of values) this.value(v);
    return Uint8Array.from(this.out);
  }

  private u16(n: number): void {
    this.out.push(n & 0xff, n >> 8);
  }

  private varint(n: number): void {
    do {
      const low = n % 128;
      n = Math.floor(n / 128);
      this.out.push(n ? low | 0x80 : low);
    } while (n);
  }

  private bytes(s: string): void {
    const b = new TextEncoder().encode(s);
    this.varint(b.length);
    this.out.push(...b);
  }

  private value(v: unknown): void {
    if (v === null) this.out.push(NULL);
    else if (v === true) this.out.push(TRUE);
    else if (v === false) this.out.push(FALSE);
    else if (typeof v === 'number') this.number(v);
    else if (typeof v === 'string') this.string(v);
    else if (Array.isArray(v)) {
      this.out.push(ARRAY);
      for (const x of v) this.value(x);
      this.out.push(END_ARRAY);
    } else if (typeof v === 'object') {
      const keys = Object.keys(v);
      this.out.push(OBJECT);
      for (const k of keys) this.value((v as Record<string, unknown>)[k]);
      const shape = keys.join('\0');
      let id = this.shapes.get(shape);
      if (id === undefined) {
        id = this.shapes.size;
        this.shapes.set(shape, id);
        this.out.push(NEW_SHAPE);
        this.u16(id);
        this.out.push(keys.length);
        for (const k of keys) {
          const b = new TextEncoder().encode(k);
          this.out.push(b.length, ...b);
        }
      } else {
        this.out.push(END_OBJECT);
        this.u16(id);
      }
    } else {
      throw new TypeError(`plain data has no ${typeof v}`);
    }
  }

  private number(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n <= 0xff) this.out.push(U8, n);
    else if (Number.isInteger(n) && n >= 0 && n <= 0xffffffff) {
      this.out.push(U32, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
    } else if (Number.isInteger(n) && n < 0 && n >= -0x80000000) {
      this.out.push(I32, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
    } else {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, n, true);
      this.out.push(F64, ...b);
    }
  }

  private string(s: string): void {
    if (!this.symbolic.has(s)) {
      this.out.push(STR);
      this.bytes(s);
      return;
    }
    const id = this.symbols.get(s);
    if (id !== undefined) {
      this.out.push(SYM);
      this.u16(id);
      return;
    }
    this.symbols.set(s, this.symbols.size);
    this.out.push(SYM_DEF);
    this.u16(this.symbols.size - 1);
    this.bytes(s);
  }
}
