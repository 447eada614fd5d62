/**
 * Decoder of the plain data form written by wasm/plain_data.c (the form is
 * described in wasm/plain_data.h): objects, arrays, strings, numbers and
 * booleans, as JSON would give them.
 *
 * An object's keys come once per stream, as a shape; each shape gets a
 * function that builds its objects with one object literal, so objects of a
 * shape share a hidden class and cost what a literal costs. One decoder
 * reads one stream: a dump's batches in order, or one exported object.
 */
/** The form's tags (wasm/plain_data.h, enum pd_tag). */
export const TAG = {
  OBJECT: 1, END_OBJECT: 2, ARRAY: 3, END_ARRAY: 4, STR: 5, SYM: 6, SYM_DEF: 7,
  U8: 8, U32: 9, I32: 10, F64: 11, TRUE: 12, FALSE: 13, NULL: 14, NEW_SHAPE: 15,
} as const;
const {
  OBJECT, END_OBJECT, ARRAY, END_ARRAY, STR, SYM, SYM_DEF, U8, U32, I32, F64, TRUE, FALSE, NULL, NEW_SHAPE,
} = TAG;

type Build = (values: unknown[], base: number) => unknown;

const utf8 = new TextDecoder();

/**
 * Builders by shape (the keys joined), for the whole process: ids are per
 * stream, but a dump, an event or an object of the same shape reuses the
 * builder V8 has already optimised.
 */
const builders = new Map<string, Build>();

/** A function returning `{ [keys[i]]: values[base + i] }` as one literal. */
function shapeBuilder(keys: readonly string[]): Build {
  const id = keys.join('\0');
  let build = builders.get(id);
  if (!build) {
    const fields = keys.map((k, i) => {
      // A literal's "__proto__": sets the prototype; a computed key makes a field.
      const name = k === '__proto__' ? '["__proto__"]' : JSON.stringify(k);
      return `${name}: v[b + ${i}]`;
    });
    build = new Function('v', 'b', `return { ${fields.join(', ')} };`) as Build;
    builders.set(id, build);
  }
  return build;
}

export class PlainDataDecoder {
  private readonly builders: Build[] = [];
  private readonly sizes: number[] = [];
  private readonly symbols: string[] = [];
  /** Values read and not yet placed in an object or array (only during decode()). */
  private readonly values: unknown[] = [];
  private readonly arrayStarts: number[] = [];

  /** The top-level values of the next piece of the stream. */
  decode(bytes: Uint8Array): unknown[] {
    try {
      return this.read(bytes);
    } finally {
      // Nothing is kept from one piece to the next but shapes and symbols.
      this.values.length = 0;
      this.arrayStarts.length = 0;
    }
  }

  private read(bytes: Uint8Array): unknown[] {
    // The loop's state is in locals no closure captures, so that V8 keeps
    // them in registers: a captured `pos` lived in a context object, and
    // this loop, a load and a store of it per byte read, was most of the
    // main thread's work in a dump.
    const b = bytes;
    const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const v = this.values;
    const { builders: shapes, sizes, symbols, arrayStarts } = this;
    const end = b.length;
    let top = 0;
    let pos = 0;
    while (pos < end) {
      switch (b[pos++]) {
        case OBJECT:
          break;
        case NEW_SHAPE: {
          const id = b[pos] | (b[pos + 1] << 8);
          const count = b[pos + 2];
          pos += 3;
          const keys: string[] = [];
          for (let i = 0; i < count; i++) {
            const len = b[pos++];
            keys.push(stringAt(b, text, pos, len));
            pos += len;
          }
          shapes[id] = shapeBuilder(keys);
          sizes[id] = count;
          top -= count;
          v[top] = shapes[id](v, top);
          top++;
          break;
        }
        case END_OBJECT: {
          const id = b[pos] | (b[pos + 1] << 8);
          pos += 2;
          const build = shapes[id];
          if (build === undefined) throw new Error(`plain data: shape ${id} was never defined`);
          top -= sizes[id];
          v[top] = build(v, top);
          top++;
          break;
        }
        case ARRAY:
          arrayStarts.push(top);
          break;
        case END_ARRAY: {
          const start = arrayStarts.pop() as number;
          // Most arrays hold none or one (a route's nexthops, flag names):
          // a literal costs a tenth of a call to slice().
          const n = top - start;
          const a = n === 0 ? [] : n === 1 ? [v[start]] : v.slice(start, top);
          top = start;
          v[top++] = a;
          break;
        }
        case STR: {
          let len = b[pos];
          if (len < 0x80) {
            pos++;
          } else {
            len = varint(b, pos);
            pos = varintEnd;
          }
          v[top++] = stringAt(b, text, pos, len);
          pos += len;
          break;
        }
        case SYM: {
          const s = symbols[b[pos] | (b[pos + 1] << 8)];
          if (s === undefined) throw new Error(`plain data: symbol ${b[pos] | (b[pos + 1] << 8)} was never defined`);
          v[top++] = s;
          pos += 2;
          break;
        }
        case SYM_DEF: {
          const id = b[pos] | (b[pos + 1] << 8);
          const len = varint(b, pos + 2);
          pos = varintEnd;
          const s = stringAt(b, text, pos, len);
          pos += len;
          symbols[id] = s;
          v[top++] = s;
          break;
        }
        case U8:
          v[top++] = b[pos++];
          break;
        case U32:
          v[top++] = (b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24)) >>> 0;
          pos += 4;
          break;
        case I32:
          v[top++] = b[pos] | (b[pos + 1] << 8) | (b[pos + 2] << 16) | (b[pos + 3] << 24);
          pos += 4;
          break;
        case F64:
          v[top++] = new DataView(b.buffer, b.byteOffset + pos, 8).getFloat64(0, true);
          pos += 8;
          break;
        case TRUE:
          v[top++] = true;
          break;
        case FALSE:
          v[top++] = false;
          break;
        case NULL:
          v[top++] = null;
          break;
        default:
          throw new Error(`plain data: unknown tag ${b[pos - 1]} at byte ${pos - 1}`);
      }
    }
    if (arrayStarts.length) throw new Error('plain data: an array does not end in its piece');
    return v.slice(0, top);
  }
}

/** Where the last varint() ended. */
let varintEnd = 0;

/** The varint at b[pos]; varintEnd is set to the byte after it. */
function varint(b: Uint8Array, pos: number): number {
  let n = 0;
  let shift = 0;
  for (;;) {
    if (pos >= b.length) throw new Error('plain data: a length runs past its piece');
    const x = b[pos++];
    n += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) {
      varintEnd = pos;
      return n;
    }
    shift += 7;
  }
}

/** The UTF-8 string of b[pos, pos + len); `text` is b as a Buffer. */
function stringAt(b: Uint8Array, text: Buffer, pos: number, len: number): string {
  const stop = pos + len;
  if (!(stop <= b.length)) throw new Error('plain data: a string runs past its piece');
  for (let i = pos; i < stop; i++) {
    if (b[i] > 0x7f) return utf8.decode(b.subarray(pos, stop));
  }
  return text.toString('latin1', pos, stop);
}

/** The one object of a stream of its own (nlwasm_object_export()). */
export function decodeObject<T>(bytes: Uint8Array): T {
  const [o] = new PlainDataDecoder().decode(bytes);
  if (o === null || typeof o !== 'object') throw new Error('plain data: not an object');
  return o as T;
}
