/**
 * Generates the JavaScript bindings of libnl.wasm from the API model
 * (build/api/libnl-api.json, made by extract_api.ts):
 *
 *   ts/libnl/generated/signatures.ts  how each function is marshalled
 *   ts/libnl/generated/api.ts         the typed API (handle types, one method per function)
 *   ts/libnl/generated/constants.ts   constants and enum values, from the headers
 *   ts/libnl/generated/constant_names.ts  the numeric ones as JSON text, to look names up by value
 *   ts/libnl/generated/raw.ts         the exports as wasm sees them (pointers as numbers)
 *   build/api/exports.txt             the functions libnl.wasm must export
 *   build/api/coverage.md             functions bound per library, and why others are not
 *
 * Usage: node --import tsx ts/gen/generate_bindings.ts --model build/api/libnl-api.json
 *        [--source vendor/libnl/src/libnl-3.7.0]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CallbackSig, FunctionSig, Param, Result } from '../libnl/signatures.js';
import type { ApiModel, FunctionDecl, TypeRef } from './api_model.js';
import { readDefinitions } from './c_sources.js';

// --- command line ---------------------------------------------------------------

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const modelPath = arg('model', join(root, 'build/api/libnl-api.json'));
const sourceDir = arg('source', join(root, 'vendor/libnl/src/libnl-3.7.0'));
const outDir = join(root, 'ts/libnl/generated');
const apiDir = dirname(modelPath);
const model = JSON.parse(readFileSync(modelPath, 'utf8')) as ApiModel;

// --- ownership, from libnl's documentation and code ------------------------------------------

/**
 * A pointer result is an owned reference (the caller must give it back) when
 * the function allocates or clones, when its documentation says so ("the
 * reference counter ... incremented", "use rtnl_link_put() to release"), or
 * when its body takes a reference on what it returns. By default results
 * are borrowed, which at worst leaks; it never frees twice.
 */
const definitions = readDefinitions([join(sourceDir, 'lib'), join(sourceDir, 'src', 'lib')]);
const OWNED_DOC = /(reference count(er)?[^.]*(will be|is|was|has been|gets) incremented|incremented reference|with (a|its|one)? ?reference(?! count)|must be (given back|released|freed)|release the reference|\w+_(put|free)\(\) (to|must|should))/i;
const TAKES_REFERENCE = /nl_object_get\(\s*(?:\(struct nl_object \*\)\s*|OBJ_CAST\()?\s*(\w+(?:->\w+)*)\s*\)?\s*\);\s*return\s+\1\s*;/;

function returnsOwned(f: FunctionDecl): boolean {
  if (/_(alloc|alloc_[a-z_]+|clone|dup)$/.test(f.name)) return true;
  const def = definitions.get(f.name);
  return OWNED_DOC.test(def?.doc?.text ?? '') || TAKES_REFERENCE.test(def?.body ?? '');
}

// --- C types to marshalling kinds -------------------------------------------------------

class Unbindable extends Error {}

/**
 * Plain C library and kernel structs that libnl reads or fills in, never
 * allocates: passed as raw addresses (the caller owns the memory), not as
 * handles.
 */
const RAW_STRUCTS = new Set(['in_addr', 'in6_addr', 'sockaddr', 'sockaddr_nl', 'ucred', 'tcp_info']);

const structTag = (t: TypeRef): string | undefined =>
  t.kind === 'struct' ? (RAW_STRUCTS.has(t.name.replace(/^struct\s+/, '')) ? undefined : t.name.replace(/^struct\s+/, ''))
    : t.kind === 'other' && /^(FILE|struct _IO_FILE|_IO_FILE)$/.test(t.c) ? 'FILE' : undefined;

function intKind(size: number, signed: boolean): Param & Result {
  if (size === 8) return { k: 'i64', signed };
  if (size !== 1 && size !== 2 && size !== 4) throw new Unbindable(`integer of size ${size}`);
  return { k: 'int', size, signed };
}

function scalarOf(t: TypeRef): Param & Result | undefined {
  switch (t.kind) {
    case 'int':
      return intKind(t.size, t.signed);
    case 'enum':
      return { k: 'int', size: 4, signed: true };
    case 'float':
      return { k: 'float', size: t.size === 4 ? 4 : 8 };
    default:
      return undefined;
  }
}

const isChar = (t: TypeRef): boolean => t.kind === 'int' && t.size === 1 && /char/.test(t.c);

function paramKinds(f: FunctionDecl, callbacks: Set<string>): Param[] {
  const ps = f.params.filter((p, i) => !(i === 0 && f.params.length === 1 && p.type.kind === 'void'));
  const out: Param[] = [];
  // Trailing out-parameters (T **result): only a suffix of the list.
  let firstOut = ps.length;
  while (firstOut > 0) {
    const t = ps[firstOut - 1].type;
    if (t.kind === 'pointer' && !t.const && t.pointee.kind === 'pointer' && structTag(t.pointee.pointee)) firstOut--;
    else break;
  }
  // Out-parameters elsewhere: libnl's *_alloc_cache_flags(sk, &cache, flags),
  // nl_pickup_keep_syserr(..., &result, ...) and rtnl_link_vf_vlan_alloc(&vlans, n).
  // Other T ** (nlattr tables, rtnl_act list heads) are in/out arrays: raw pointers.
  const isOut = (i: number, tag: string): boolean => i >= firstOut || tag === 'nl_cache' ||
    (f.name === 'nl_pickup_keep_syserr' && tag === 'nl_object') || (/_alloc$/.test(f.name) && i === 0);
  for (let i = 0; i < ps.length; i++) {
    const t = ps[i].type;
    const scalar = scalarOf(t);
    if (scalar) {
      out.push(scalar as Param);
      continue;
    }
    if (t.kind === 'funcptr') {
      callbacks.add(t.callback);
      out.push({ k: 'cb', sig: t.callback });
      continue;
    }
    if (t.kind === 'pointer') {
      const pt = t.pointee;
      const outTag = pt.kind === 'pointer' && !t.const ? structTag(pt.pointee) : undefined;
      if (outTag && isOut(i, outTag)) {
        out.push({ k: 'out', type: outTag });
        continue;
      }
      if (isChar(pt)) {
        const next = ps[i + 1]?.type;
        const lenLike = next && next.kind === 'int' && !next.signed && /size|len/i.test(ps[i + 1].name + next.c);
        if (!t.const && next && lenLike) {
          out.push({ k: 'buf' }, { k: 'buflen', size: next.size === 8 ? 8 : 4 });
          i++;
          continue;
        }
        out.push({ k: 'str' });
        continue;
      }
      const tag = structTag(pt);
      if (tag) {
        out.push({ k: 'handle', type: tag });
        continue;
      }
      out.push({ k: 'ptr' });
      continue;
    }
    if (t.kind === 'struct') throw new Unbindable('struct passed by value');
    if (t.kind === 'other' && /va_list/.test(t.c)) throw new Unbindable('va_list');
    throw new Unbindable(`parameter of type ${'c' in t ? t.c : t.kind}`);
  }
  return out;
}

function resultKind(f: FunctionDecl): Result {
  const t = f.returns;
  if (t.kind === 'void') return { k: 'void' };
  const scalar = scalarOf(t);
  if (scalar) {
    if (f.errorReturn && scalar.k === 'int' && scalar.signed) return { k: 'err' };
    return scalar as Result;
  }
  if (t.kind === 'pointer') {
    if (isChar(t.pointee)) return { k: 'str' };
    const tag = structTag(t.pointee);
    if (tag) return { k: 'handle', type: tag, owned: returnsOwned(f) };
    return { k: 'ptr' };
  }
  if (t.kind === 'struct') throw new Unbindable('struct returned by value');
  throw new Unbindable(`result of type ${t.c}`);
}

function callbackSig(name: string): CallbackSig {
  const cb = model.callbacks[name];
  if (!cb) throw new Unbindable(`unknown callback type ${name}`);
  const params = cb.params.map((p) => {
    const t = p.type;
    const scalar = scalarOf(t);
    if (scalar) return scalar;
    if (t.kind === 'pointer') {
      if (isChar(t.pointee)) return { k: 'str' as const };
      const tag = structTag(t.pointee);
      return tag ? { k: 'handle' as const, type: tag } : { k: 'ptr' as const };
    }
    throw new Unbindable(`callback ${name} takes ${'c' in t ? t.c : t.kind}`);
  }) as CallbackSig['params'];
  const r = cb.returns;
  const result = r.kind === 'void' ? { k: 'void' as const } : scalarOf(r) ?? (r.kind === 'pointer' ? { k: 'int' as const, size: 4 as const, signed: false } : undefined);
  if (!result || !['void', 'int', 'i64', 'float'].includes(result.k)) throw new Unbindable(`callback ${name} returns ${r.kind}`);
  return { params, result: result as CallbackSig['result'] };
}

/**
 * Functions that move a reference between objects, read from libnl's source
 * (nothing in the headers says so): the object in the first argument adopts
 * the one at the given index, which it frees with itself
 * (rtnl_route_add_nexthop links the nexthop into the route's list), or
 * hands it back (rtnl_route_remove_nexthop unlinks without freeing).
 */
const ADOPTS: Record<string, number> = {
  rtnl_route_add_nexthop: 1, rtnl_mdb_add_entry: 1, rtnl_basic_set_ematch: 1,
  rtnl_cgroup_set_ematch: 1, rtnl_ematch_add_child: 1, xfrmnl_sp_add_usertemplate: 1,
};
const DISOWNS: Record<string, number> = {
  rtnl_route_remove_nexthop: 1, xfrmnl_sp_remove_usertemplate: 1,
};

// --- classify every function -------------------------------------------------------------

const signatures: Record<string, FunctionSig> = {};
const unbound: Array<{ name: string; library: string; reason: string }> = [];
const usedCallbacks = new Set<string>();
const callbackSigs: Record<string, CallbackSig> = {};

for (const f of model.functions) {
  try {
    if (f.variadic) throw new Unbindable('varargs');
    const cbs = new Set<string>();
    const params = paramKinds(f, cbs);
    for (const c of cbs) callbackSigs[c] ??= callbackSig(c);
    for (const c of cbs) usedCallbacks.add(c);
    const result = resultKind(f);
    const sig: FunctionSig = { params, result };
    const handleParams = params.filter((p) => p.k === 'handle');
    if (/_(put|free)$/.test(f.name) && params.length === 1 && handleParams.length === 1 && result.k === 'void') {
      sig.role = 'put';
    } else if (/_get$/.test(f.name) && params.length === 1 && handleParams.length === 1 &&
      (result.k === 'void' || (result.k === 'handle' && result.type === (params[0] as { type: string }).type))) {
      sig.role = 'get';
      sig.result = { k: 'void' };
    }
    if (cbs.size && /(_set$|_set_cb|_modify_cb|_modify_err_cb|_mngr_add|_set_func|_alloc)/.test(f.name)) {
      sig.keepsCallbacks = true;
    }
    if (f.name in ADOPTS) sig.adopts = ADOPTS[f.name];
    if (f.name in DISOWNS) sig.disowns = DISOWNS[f.name];
    signatures[f.name] = sig;
  } catch (e) {
    if (!(e instanceof Unbindable)) throw e;
    unbound.push({ name: f.name, library: f.library, reason: e.message });
  }
}

// Destructors: the put/free function of each handle type (put preferred).
const destructors: Record<string, string> = {};
for (const [name, sig] of Object.entries(signatures).sort()) {
  if (sig.role !== 'put') continue;
  const type = (sig.params[0] as { type: string }).type;
  if (!destructors[type] || (name.endsWith('_put') && !destructors[type].endsWith('_put'))) destructors[type] = name;
}
destructors.nl_dump_params = 'nlwasm_dump_params_free';
destructors.FILE = 'nlwasm_stream_close';

/**
 * C's struct inheritance in libnl: a function taking the base type accepts
 * the derived ones (libnl casts with TC_CAST()/OBJ_CAST()).
 */
const SUBTYPES: Record<string, string[]> = { rtnl_tc: ['rtnl_qdisc', 'rtnl_class', 'rtnl_cls'] };

// libnl objects: refcounted types outside the core nl_* ones (nl_addr, nl_cache, nl_cb are not objects).
const objectTypes = Object.entries(destructors)
  .filter(([t, d]) => d.endsWith('_put') && !t.startsWith('nl_'))
  .map(([t]) => t).sort();

// Our helpers (wasm/library_helpers.c), bound like libnl's own functions.
const HELPERS: Record<string, FunctionSig> = {
  nlwasm_stream_open: { params: [], result: { k: 'handle', type: 'FILE', owned: true } },
  nlwasm_stream_text: { params: [{ k: 'handle', type: 'FILE' }], result: { k: 'str' } },
  nlwasm_stream_close: { params: [{ k: 'handle', type: 'FILE' }], result: { k: 'void' }, role: 'put' },
  nlwasm_stdout: { params: [], result: { k: 'handle', type: 'FILE', owned: false } },
  nlwasm_stderr: { params: [], result: { k: 'handle', type: 'FILE', owned: false } },
  nlwasm_dump_params_new: { params: [{ k: 'int', size: 4, signed: true }], result: { k: 'handle', type: 'nl_dump_params', owned: true } },
  nlwasm_dump_params_text: { params: [{ k: 'handle', type: 'nl_dump_params' }], result: { k: 'str' } },
  nlwasm_dump_params_free: { params: [{ k: 'handle', type: 'nl_dump_params' }], result: { k: 'void' }, role: 'put' },
  nlwasm_socket_set_ext_ack: { params: [{ k: 'handle', type: 'nl_sock' }, { k: 'int', size: 4, signed: true }], result: { k: 'int', size: 4, signed: true } },
};
const HELPER_TYPES: Record<string, string> = {
  nlwasm_stream_open: '(): CFile | null',
  nlwasm_stream_text: '(stream: CFile | null): string | null',
  nlwasm_stream_close: '(stream: CFile | null): void',
  nlwasm_stdout: '(): CFile | null',
  nlwasm_stderr: '(): CFile | null',
  nlwasm_dump_params_new: '(type: number): NlDumpParams | null',
  nlwasm_dump_params_text: '(params: NlDumpParams | null): string | null',
  nlwasm_dump_params_free: '(params: NlDumpParams | null): void',
  nlwasm_socket_set_ext_ack: '(sk: NlSock | null, on: number): number',
};
/** Exported by libnl.wasm but called by the runtime and the typed client themselves, not bound; as raw.ts types them. */
const RUNTIME_EXPORTS: Record<string, string> = {
  malloc: '(size: number): number',
  free: '(ptr: number): void',
  nlwasm_cache_dump_text: '(cache: number, type: number): number',
  nlwasm_object_dump_text: '(obj: number, type: number): number',
  nlwasm_object_export: '(obj: number): number',
  nlwasm_dump_export: '(sk: number, cacheType: number, arg1: number, arg2: number, flags: number, emit: number, arg: number, batchBytes: number): number',
  nlwasm_socket_set_buffers: '(sk: number, rcvbuf: number, sndbuf: number): number',
  nlwasm_recv_datagram: '(sk: number, buf: number, len: number, wait: number): number',
  nlwasm_ack_error: '(kernelError: number): number',
  nlwasm_socket_host_handle: '(fd: number): number',
  nlwasm_socket_answered: '(sk: number): void',
};

// --- TypeScript types ------------------------------------------------------------------------

const pascal = (s: string): string => (s === 'FILE' ? 'CFile' : s.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join(''));
const handleTypes = new Set<string>(['FILE', 'nl_dump_params', 'nl_object']);
for (const sig of Object.values(signatures)) {
  for (const p of sig.params) if (p.k === 'handle' || p.k === 'out') handleTypes.add(p.type);
  if (sig.result.k === 'handle') handleTypes.add(sig.result.type);
}
for (const cb of Object.values(callbackSigs)) for (const p of cb.params) if (p.k === 'handle') handleTypes.add(p.type);

function tsHandle(type: string): string {
  return type === 'nl_object' ? 'NlObject' : pascal(type);
}

function tsScalar(k: Param | Result): string {
  switch (k.k) {
    case 'int': case 'float': case 'err': case 'ptr': case 'buflen': return 'number';
    case 'i64': return 'bigint';
    case 'str': case 'buf': return 'string | null';
    case 'void': return 'void';
    case 'handle': return `${tsHandle(k.type)} | null`;
    case 'out': return `${tsHandle(k.type)} | null`;
    case 'cb': return tsCallback(k.sig);
  }
}

function tsCallback(sig: string): string {
  const cb = callbackSigs[sig];
  // libnl calls back with objects, never NULL.
  const args = cb.params.map((p, i) => `a${i}: ${p.k === 'handle' ? tsHandle(p.type) : tsScalar(p)}`).join(', ');
  return `((${args}) => ${cb.result.k === 'void' ? 'void' : tsScalar(cb.result)}) | null`;
}

function tsMethod(name: string, f: FunctionDecl | undefined, sig: FunctionSig): string {
  const names = (f?.params ?? []).map((p, i) => (p.name && /^[A-Za-z_]\w*$/.test(p.name) ? p.name : `arg${i}`));
  const args: string[] = [];
  let ni = 0;
  for (const p of sig.params) {
    const n = names[ni++] ?? `arg${ni}`;
    if (p.k === 'buf') ni++;
    if (p.k === 'out' || p.k === 'buf' || p.k === 'buflen') continue;
    const safe = ['function', 'new', 'delete', 'default', 'class', 'in', 'var', 'this', 'switch', 'case', 'private', 'public'].includes(n) ? `${n}_` : n;
    args.push(`${safe}: ${tsScalar(p)}`);
  }
  const outs = sig.params.filter((p) => p.k === 'out');
  const hasBuf = sig.params.some((p) => p.k === 'buf');
  let ret: string;
  // libnl fills its out-parameters when it succeeds; a failure throws.
  const outType = (o: Param): string =>
    sig.result.k === 'err' && o.k === 'out' ? tsHandle(o.type) : tsScalar(o);
  if (hasBuf) ret = 'string | null';
  else if (sig.role === 'get') ret = 'void';
  else if (outs.length === 1 && (sig.result.k === 'err' || sig.result.k === 'void')) ret = outType(outs[0]);
  else if (outs.length > 0) {
    const items = outs.map(outType);
    ret = sig.result.k === 'err' || sig.result.k === 'void' ? `[${items.join(', ')}]` : `[${tsScalar(sig.result)}, ${items.join(', ')}]`;
  } else ret = tsScalar(sig.result);
  const doc = f?.brief ? `  /** ${f.brief.replace(/\*\//g, '* /')}${f.deprecated ? ' @deprecated' : ''} */\n` : '';
  return `${doc}  ${name}(${args.join(', ')}): ${ret};`;
}

/** The C function as wasm exports it: every pointer a number, 64-bit integers bigints. */
function rawMethod(name: string, f: FunctionDecl | undefined, sig: FunctionSig): string {
  const names = (f?.params ?? []).map((p, i) => (p.name && /^[A-Za-z_]\w*$/.test(p.name) ? p.name : `arg${i}`));
  const reserved = new Set(['function', 'new', 'delete', 'default', 'class', 'in', 'var', 'this', 'switch', 'case', 'private', 'public']);
  const args = sig.params.map((p, i) => {
    const n = names[i] ?? `arg${i}`;
    return `${reserved.has(n) ? `${n}_` : n}: ${p.k === 'i64' || (p.k === 'buflen' && p.size === 8) ? 'bigint' : 'number'}`;
  });
  const ret = sig.role === 'get' ? 'number' : sig.result.k === 'void' ? 'void' : sig.result.k === 'i64' ? 'bigint' : 'number';
  return `  ${name}(${args.join(', ')}): ${ret};`;
}

// --- write ---------------------------------------------------------------------------------------

mkdirSync(outDir, { recursive: true });
const header = '// Generated by ts/gen/generate_bindings.ts from libnl\'s headers; do not edit.\n';
const byName = new Map(model.functions.map((f) => [f.name, f]));
const bound = Object.keys(signatures).sort();

const constants = new Map<string, number | string>();
for (const c of model.constants) constants.set(c.name, c.value);
for (const e of model.enums) for (const v of e.values) if (!constants.has(v.name)) constants.set(v.name, v.value);
const errorNames: Record<number, string> = {};
for (const c of model.constants) if (c.group === 'NLE' && typeof c.value === 'number' && c.value > 0) errorNames[c.value] ??= c.name;

const tables = {
  signatures: { ...Object.fromEntries(bound.map((n) => [n, signatures[n]])), ...HELPERS },
  callbacks: callbackSigs,
  destructors,
  objectTypes,
  subtypes: SUBTYPES,
  errorNames,
};
// The tables are JSON text in a string literal: V8 scans a string and runs
// JSON.parse several times faster than it compiles the same object literal,
// and every new worker loads this module (docs/decisions/worker-cold-start.md).
writeFileSync(join(outDir, 'signatures.ts'), `${header}import type { CallbackSig, FunctionSig } from '../signatures.js';

interface Tables {
  signatures: Record<string, FunctionSig>;
  callbacks: Record<string, CallbackSig>;
  destructors: Record<string, string>;
  objectTypes: readonly string[];
  subtypes: Record<string, readonly string[]>;
  errorNames: Record<number, string>;
}

const TABLES = JSON.parse(${JSON.stringify(JSON.stringify(tables))}) as Tables;

export const SIGNATURES = TABLES.signatures;
export const CALLBACKS = TABLES.callbacks;
/** The function that gives back a handle's reference, per handle type. */
export const DESTRUCTORS = TABLES.destructors;
/** Handle types that are libnl objects (accepted where struct nl_object * is). */
export const OBJECT_TYPES = TABLES.objectTypes;
/** Other base types and the handle types accepted for them. */
export const SUBTYPES = TABLES.subtypes;
/** NLE_* code -> name */
export const NLE_NAMES = TABLES.errorNames;
`);

const typeLines = [...handleTypes].sort().map((t) =>
  t === 'nl_object'
    ? `/** struct nl_object *: any libnl object handle (${objectTypes.slice(0, 3).join(', ')}, ...). */\nexport type NlObject = NlHandle<'nl_object'> | ${objectTypes.map((o) => pascal(o)).join(' | ') || 'never'};`
    : SUBTYPES[t]
      ? `/** struct ${t} *: also ${SUBTYPES[t].join(', ')} */\nexport type ${pascal(t)} = NlHandle<'${t}'> | ${SUBTYPES[t].map(pascal).join(' | ')};`
      : `/** struct ${t} * */\nexport type ${pascal(t)} = NlHandle<'${t}'>;`);
writeFileSync(join(outDir, 'api.ts'), `${header}import type { NlHandle } from '../handles.js';

${typeLines.join('\n')}

/**
 * Every function of libnl ${model.libnlVersion} this build binds, name for name and with
 * C's argument order. A trailing \`T **result\` is returned instead of passed; a
 * \`char *buf, size_t len\` pair is not passed and the text is returned;
 * a negative libnl error code throws NlError.
 */
export interface LibnlApi {
${bound.map((n) => tsMethod(n, byName.get(n), signatures[n])).join('\n')}
${Object.entries(HELPER_TYPES).map(([n, t]) => `  ${n}${t};`).join('\n')}
}

export const FUNCTION_NAMES: readonly string[] = ${JSON.stringify([...bound, ...Object.keys(HELPERS)])};
`);

writeFileSync(join(outDir, 'raw.ts'), `${header}
/**
 * libnl.wasm's exports as wasm has them, for code of ours that calls them
 * without the handle checks of the typed API (ts/api's request builders,
 * inside WasmProcess.guard()): pointers are numbers, 64-bit integers
 * bigints, and nothing is checked.
 */
export interface LibnlRaw {
${bound.map((n) => rawMethod(n, byName.get(n), signatures[n])).join('\n')}
${Object.keys(HELPERS).map((n) => rawMethod(n, undefined, HELPERS[n])).join('\n')}
${Object.entries(RUNTIME_EXPORTS).map(([n, t]) => `  ${n}${t};`).join('\n')}
}
`);

const sortedConstants = [...constants.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
writeFileSync(join(outDir, 'constants.ts'), `${header}${sortedConstants
  .map(([n, v]) => `export const ${n} = ${typeof v === 'number' ? v : `${v}n`};`).join('\n')}
`);
// The same numbers as text, for code that looks a name up by its value
// (ts/api/ext_ack.ts): a bundle of code that imports constants.ts as a
// namespace carries and builds all of them, which was a fifth of the client
// worker's start (docs/decisions/cli-start-up.md).
writeFileSync(join(outDir, 'constant_names.ts'), `${header}/** [name, value] of every numeric constant in constants.ts, in its order, as JSON. */
export const CONSTANTS_JSON = ${JSON.stringify(JSON.stringify(sortedConstants.filter(([, v]) => typeof v === 'number')))};
`);

// emscripten names C symbols with a leading underscore.
const exports = [...Object.keys(RUNTIME_EXPORTS), ...bound, ...Object.keys(HELPERS)].map((n) => `_${n}`);
writeFileSync(join(apiDir, 'exports.txt'), `${JSON.stringify([...new Set(exports)].sort())}\n`);

// --- coverage report ------------------------------------------------------------------------------

const lines = [`# libnl ${model.libnlVersion} binding coverage`, '', '| library | exported functions | bound | not bound |', '|---|---|---|---|'];
let totalAll = 0;
let totalBound = 0;
for (const [lib, fns] of Object.entries(model.libraries).sort()) {
  const n = fns.length;
  const b = fns.filter((f) => signatures[f]).length;
  totalAll += n;
  totalBound += b;
  lines.push(`| ${lib} | ${n} | ${b} | ${n - b} |`);
}
lines.push(`| **all** | ${totalAll} | ${totalBound} | ${totalAll - totalBound} |`, '', '## Not bound', '', '| function | library | reason |', '|---|---|---|');
// Exported variables are not functions; only functions are counted.
const exportedFunctions = new Set(Object.values(model.libraries).flat());
const reasons = [...unbound, ...model.missingPrototypes.filter((m) => exportedFunctions.has(m.name))
  .map((m) => ({ ...m, reason: 'no prototype in a public header (libnl-internal)' }))];
for (const u of reasons.sort((a, b) => (a.name < b.name ? -1 : 1))) lines.push(`| ${u.name} | ${u.library} | ${u.reason} |`);
writeFileSync(join(apiDir, 'coverage.md'), `${lines.join('\n')}\n`);
process.stderr.write(`generate_bindings: ${totalBound} of ${totalAll} exported functions bound ` +
  `(${reasons.length} not: ${[...new Set(reasons.map((r) => r.reason))].join('; ')})\n`);
