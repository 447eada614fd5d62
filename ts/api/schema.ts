/**
 * Schemas of the typed client's data: one per exported object (what
 * wasm/object_export.c writes) and one per request spec (what the client
 * accepts). A schema is a value, so that specs can be checked at run time
 * (an unknown field, a wrong type or a missing spec is an NlError naming
 * it, never ignored) and exported objects can be checked by the tests
 * against what the C side writes; and its type is tied to the public
 * interface it describes (types.ts): `SchemaFor<Route>` accepts exactly the
 * fields of Route, optional where Route's are, each of a field kind whose
 * value type is the field's, so the two cannot drift apart unnoticed.
 */
import { NlError } from '../libnl/nl_error.js';
import { NLE_INVAL, NLE_RANGE } from '../libnl/generated/constants.js';

/** What every field has, whatever its value's type. */
export interface FieldBase {
  readonly kind: string;
  readonly optional: boolean;
  /** Whether `v` is a valid value, nested fields apart (the cheap test every request takes). */
  readonly ok: (v: unknown) => boolean;
  /** Why `v` is not (at `path`): only asked once `ok` said no. */
  readonly why: (v: unknown, path: string) => string;
  /** Fields of an object field, for walking nested objects. */
  readonly fields?: Readonly<Record<string, FieldBase>>;
  /** The element field of an array or record. */
  readonly of?: FieldBase;
}

/** A field's description; `V` is its value's type (invariant, so that drift is a type error). */
export interface Field<V, Optional extends boolean = boolean> extends FieldBase {
  readonly optional: Optional;
  readonly __value?: (v: V) => V;
}

/** A schema for objects of type T: every key of T, each with a field of its value type. */
export type SchemaFor<T> = {
  readonly [K in keyof T]-?: undefined extends T[K] ? Field<Exclude<T[K], undefined>, true> : Field<T[K], false>;
};

type Required<V> = Field<V, false> & { optional: false };

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null'
  : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : String(v));

function field<V>(kind: string, ok: (v: unknown) => boolean, expected: string,
  extra: Partial<Pick<Field<V>, 'fields' | 'of'>> = {}): Required<V> {
  return { kind, optional: false, ok, why: (v, path) => `${path} must be ${expected}, not ${show(v)}`, ...extra } as Required<V>;
}

function integer(kind: string, min: number, max: number): Required<number> {
  return field(kind, (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max, `an integer in ${min}..${max}`);
}

const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const TC_HANDLE = /^([0-9a-f]{0,4}:[0-9a-f]{0,4}|root|ingress|clsact|none)$/i;

/** The field kinds. */
export const t = {
  /** An unsigned integer, at most `max` (default 2^32-1). */
  uint: (max = 0xffffffff, min = 0): Required<number> => integer('uint', min, max),
  /** A signed 32-bit integer. */
  int: (): Required<number> => integer('int', -(2 ** 31), 2 ** 31 - 1),
  /** A 64-bit counter, as a number (exact up to 2^53). */
  counter: (): Required<number> => integer('counter', 0, Number.MAX_SAFE_INTEGER),
  bool: (): Required<boolean> => field('bool', (v) => typeof v === 'boolean', 'true or false'),
  /** Any text. */
  str: (): Required<string> => field('str', (v) => typeof v === 'string', 'a string'),
  /** Text from a set of names (what libnl's *2str functions give). */
  oneOf: <S extends string>(names: readonly S[]): Required<S> => field('oneOf',
    (v) => typeof v === 'string' && (names as readonly string[]).includes(v), `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`),
  /** An IPv4 or IPv6 address as text, maybe with a prefix length ("10.0.0.1/24"); libnl parses it. */
  addr: (): Required<string> => field('addr', (v) => typeof v === 'string' && v !== '', 'an address ("10.0.0.1", "2001:db8::/64")'),
  /** A link-layer address ("02:00:00:00:00:01"). */
  mac: (): Required<string> => field('mac', (v) => typeof v === 'string' && MAC.test(v), 'a MAC address ("02:00:00:00:00:01")'),
  /** A traffic control handle ("1:", "1:10", "root", "ingress", "none"). */
  tcHandle: (): Required<string> => field('tcHandle', (v) => typeof v === 'string' && TC_HANDLE.test(v),
    'a traffic control handle ("1:", "1:10", "root")'),
  /** A link by name or ifindex. */
  link: (): Required<string | number> => field('link',
    (v) => (typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isInteger(v) && v > 0), 'a link name or ifindex'),
  /** Names of set flags (libnl's *flags2str, split). */
  names: (): Required<string[]> => field('names', (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), 'an array of strings'),
  /** A string or a number (free-form options). */
  scalar: (): Required<string | number> => field('scalar',
    (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)), 'a string or a number'),
  /** A nested object. */
  obj: <T>(fields: SchemaFor<T>): Required<T> => field('obj', isObject, 'an object',
    { fields: fields as unknown as Record<string, FieldBase> }),
  arr: <V>(of: Field<V>): Required<V[]> => field('arr', Array.isArray, 'an array', { of }),
  /** An object used as a map: any keys, values of one kind. */
  rec: <V>(of: Field<V>): Required<Record<string, V>> => field('rec', isObject, 'an object', { of }),
  /** A value either field takes. */
  either: <A, B>(a: Field<A>, b: Field<B>): Required<A | B> => ({
    kind: `${a.kind}|${b.kind}`, optional: false, ok: (v: unknown) => a.ok(v) || b.ok(v),
    why: (v: unknown, path: string) => (typeof v === 'number' ? b : a).why(v, path),
  }) as Required<A | B>,
  /** The field's values, or null. */
  orNull: <V>(f: Field<V>): Required<V | null> => ({ ...f, optional: false, ok: (v: unknown) => v === null || f.ok(v) }) as Required<V | null>,
  /** The same field, optional. */
  opt: <V>(f: Field<V>): Field<V, true> => ({ ...f, optional: true }) as Field<V, true>,
};

/** The required keys of each field set, worked out once. */
const requiredKeys = new WeakMap<Readonly<Record<string, FieldBase>>, string[]>();

/**
 * Whether `value` is a valid instance of `fields`, without saying why not
 * (the path every request takes): each key present is looked up, and then
 * only the required ones are looked for, not every field of the schema.
 */
function valid(fields: Readonly<Record<string, FieldBase>>, value: unknown): boolean {
  if (!isObject(value)) return false;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (v === undefined) continue;
    if (!Object.hasOwn(fields, key) || !validValue(fields[key], v)) return false;
  }
  let required = requiredKeys.get(fields);
  if (!required) {
    required = Object.keys(fields).filter((k) => !fields[k].optional);
    requiredKeys.set(fields, required);
  }
  for (const key of required) if (obj[key] === undefined) return false;
  return true;
}

function validValue(f: FieldBase, v: unknown): boolean {
  if (!f.ok(v)) return false;
  if (v === null) return true;
  if (f.fields) return valid(f.fields, v);
  if (f.of) {
    const of = f.of;
    if (f.kind === 'arr') return (v as unknown[]).every((x) => validValue(of, x));
    for (const k in v as Record<string, unknown>) if (!validValue(of, (v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Everything wrong with `value` as an instance of `fields` (at `path`):
 * unknown fields, missing required ones, values of the wrong kind.
 * Optional fields may be undefined.
 */
export function problems(fields: Readonly<Record<string, FieldBase>>, value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path} must be an object, not ${show(value)}`];
  const out: string[] = [];
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(fields, key)) {
      const near = nearest(key, Object.keys(fields));
      out.push(`${path} has no field "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
  for (const [key, f] of Object.entries(fields)) {
    const v = obj[key];
    if (v === undefined) {
      if (!f.optional) out.push(`${path}.${key} is required`);
      continue;
    }
    out.push(...valueProblems(f, v, `${path}.${key}`));
  }
  return out;
}

function valueProblems(f: FieldBase, v: unknown, path: string): string[] {
  if (!f.ok(v)) return [f.why(v, path)];
  if (v === null) return [];
  if (f.fields) return problems(f.fields, v, path);
  if (f.of && f.kind === 'arr') return (v as unknown[]).flatMap((x, i) => valueProblems(f.of as FieldBase, x, `${path}[${i}]`));
  if (f.of && f.kind === 'rec') {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => valueProblems(f.of as FieldBase, x, `${path}.${k}`));
  }
  return [];
}

/** The known name closest to a misspelt one (at most two edits away). */
function nearest(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const n of names) {
    const d = editDistance(word.toLowerCase(), n.toLowerCase());
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * Checks a request's spec against its schema: the first problem found is an
 * NlError (NLE_INVAL; NLE_RANGE for a number out of range) naming the field.
 */
export function checkSpec<S>(what: string, fields: SchemaFor<S>, spec: unknown): S {
  if (spec === null || spec === undefined || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new NlError(NLE_INVAL, 'NLE_INVAL', `a spec (an object) is needed, not ${show(spec)}`, what);
  }
  if (valid(fields as unknown as Record<string, FieldBase>, spec)) return spec as S;
  const [first] = problems(fields as unknown as Record<string, FieldBase>, spec, 'spec');
  if (first) {
    const range = / must be an integer in /.test(first) && typeof findValue(spec, first) === 'number';
    throw new NlError(range ? NLE_RANGE : NLE_INVAL, range ? 'NLE_RANGE' : 'NLE_INVAL', first, what);
  }
  return spec as S;
}

/** The value at the path a problem names ("spec.a.b[2] must ..."). */
function findValue(spec: unknown, problem: string): unknown {
  const path = problem.slice('spec'.length).split(' ', 1)[0];
  let v: unknown = spec;
  for (const part of path.match(/\.[^.[]+|\[\d+\]/g) ?? []) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.startsWith('[') ? part.slice(1, -1) : part.slice(1)];
  }
  return v;
}
