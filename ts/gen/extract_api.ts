/**
 * Build-time generator of libnl's API model (build/api/libnl-api.json, see
 * api_model.ts): every function the libnl-*.sym files export, with its wasm32
 * types read by clang from the public headers, whether it reports errors as
 * negative NLE_* codes, and the constants and enums of those headers.
 * generate_bindings.ts turns the model into the JavaScript bindings.
 *
 * Usage: node --import tsx ts/gen/extract_api.ts [--out build/api/libnl-api.json]
 *
 * The output is deterministic: everything in it is sorted.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiModel, CallbackType, EnumDecl, FunctionDecl, TypeRef } from './api_model.js';
import { forEachType, TypeConverter } from './c_types.js';
import { readFunctionTypes, readHeaderDecls } from './clang_ast.js';
import { readConstants } from './constants.js';
import { type Definition, readDefinitions } from './c_sources.js';
import { LIBRARIES, readSymFiles } from './sym_files.js';
import { CLANG, type Paths, headerName, includeDirs, mapLimit, publicHeaders, run, runOk, wasmFlags } from './toolchain.js';

/**
 * Kernel headers (libnl's copies) that define what the API takes but that
 * the public headers leave to the caller to include: IFF_* for link flags,
 * ETH_P_* and ARPHRD_* for protocols and link types, BRIDGE_MODE_* behind
 * RTNL_BRIDGE_HWMODE_*.
 */
const COMPANION_HEADERS = ['linux/if.h', 'linux/if_arp.h', 'linux/if_ether.h', 'linux/if_bridge.h'];

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Headers that do not compile when included on their own, with clang's first error. */
async function headersFailingAlone(p: Paths, headers: readonly string[]): Promise<Map<string, string>> {
  const results = await mapLimit(headers, availableParallelism(), (h) =>
    run(CLANG, [...wasmFlags(p), '-fsyntax-only', '-x', 'c', '-'], `#include <${h}>\n`));
  const failed = new Map<string, string>();
  headers.forEach((h, i) => {
    if (results[i].status !== 0) failed.set(h, /error: (.*)/.exec(results[i].stderr)?.[1] ?? results[i].stderr.trim());
  });
  return failed;
}

/**
 * Exported variables that no public header declares (object operations,
 * policies): defined or declared in libnl's sources as `T name = ...;`,
 * `T name[...] = ...;` or `extern T name;`.
 */
function variablesInSources(p: Paths, names: readonly string[]): Set<string> {
  const texts: string[] = [];
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir).sort()) {
      const full = join(dir, f);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.[ch]$/.test(f)) texts.push(readFileSync(full, 'utf8'));
    }
  };
  walk(join(p.source, 'lib'));
  walk(join(p.source, 'include/netlink-private'));
  const all = texts.join('\n');
  return new Set(names.filter((n) => new RegExp(`^[A-Za-z_][\\w \\t*]*\\b${n}\\s*(\\[[^\\]]*\\])?\\s*[=;]`, 'm').test(all)));
}

/** sizeof each struct on wasm32, read from the LLVM IR of `unsigned long s = sizeof(struct x);`. */
async function structSizes(p: Paths, headers: readonly string[], tags: readonly string[]): Promise<Map<string, number>> {
  const prefix = '__libnl_api_sizeof_';
  const tu = join(p.scratch, 'struct_sizes.c');
  writeFileSync(tu, [
    ...headers.map((h) => `#include <${h}>`),
    ...tags.map((t) => `unsigned long ${prefix}${t} = sizeof(struct ${t});`),
  ].join('\n') + '\n');
  const ir = await runOk(CLANG, [...wasmFlags(p), '-S', '-emit-llvm', '-o', '-', tu]);
  const sizes = new Map<string, number>();
  for (const m of ir.matchAll(new RegExp(`^@${prefix}(\\w+) = (?:dso_local |hidden )*global i32 (\\d+)`, 'gm'))) sizes.set(m[1], Number(m[2]));
  for (const t of tags) if (!sizes.has(t)) throw new Error(`no size for struct ${t} in ${tu}`);
  return sizes;
}

// --- errorReturn ------------------------------------------------------------------------------

/**
 * libnl documents "0 on success or a negative error code" in many wordings
 * ("negative error number", "a negative value", "-NLE_NOMEM ...",
 * "0 on OK or error code", a bare "0 on success"); all of them mean NLE_*
 * codes, negated.
 */
const NEGATIVE_ERROR = /negative\s+(?:\w+\s+)?(?:err|value)|-?\bNLE_[A-Z]|\berror (?:code|number)\b|^0 on success\.?$/i;

/**
 * A body that returns a field as it is: such getters (rtnl_gact_get_action)
 * may return negative values (TC_ACT_UNSPEC) that are not errors, whatever
 * else they return.
 */
const RETURNS_FIELD = /\breturn\s+\(?\s*[A-Za-z_]\w*\s*(->|\.)[\w.>-]*\s*\)?\s*;/;

/** A body that returns -NLE_* itself or passes on a negative result (`if ((err = ...) < 0) return err;`). */
const RETURNS_ERROR_CODES = /\breturn\s+-NLE_[A-Z]|<\s*0\s*\)\s*return\s+\w+\s*;/;

/**
 * Functions (public or static) whose bodies return error codes: directly,
 * or as `return g(...)` of a function that does (nl_socket_add_membership
 * returns nl_socket_add_memberships(), setters return a static
 * __assign_addr()). `decided` holds what the docs and name rules said.
 */
function errorCodeBodies(defs: ReadonlyMap<string, Definition>, decided: ReadonlyMap<string, boolean>): Set<string> {
  const yes = new Set([...decided].filter(([, v]) => v).map(([n]) => n));
  const open = [...defs].filter(([n, d]) => !decided.has(n) && !RETURNS_FIELD.test(d.body));
  for (const [n, d] of open) if (RETURNS_ERROR_CODES.test(d.body)) yes.add(n);
  for (let changed = true; changed;) {
    changed = false;
    for (const [n, d] of open) {
      if (yes.has(n)) continue;
      if ([...d.body.matchAll(/\breturn\s+([A-Za-z_]\w*)\s*\(/g)].some((m) => yes.has(m[1]))) {
        yes.add(n);
        changed = true;
      }
    }
  }
  return yes;
}

/** For functions whose documentation says nothing about their result. */
function errorReturnByName(f: FunctionDecl): boolean {
  const n = f.name;
  if (/_(add|delete|change|alloc_cache|alloc_cache_flags|get_kernel|refill|pickup)$/.test(n)) return true;
  if (/_build_\w+_request$/.test(n)) return true;
  if (n === 'nl_connect' || n === 'nl_wait_for_ack' || /^(nl_send|nl_recvmsgs|genl_ctrl_resolve)/.test(n)) return true;
  if (/^nl_cache_mngr_/.test(n) && !/_get_/.test(n) && n !== 'nl_cache_mngr_get_fd') return true;
  // A trailing `struct T **result`: the result is the out-parameter, the return value an error code.
  const lastParam = f.params[f.params.length - 1]?.type;
  return lastParam?.kind === 'pointer' && lastParam.pointee.kind === 'pointer' && lastParam.pointee.pointee.kind === 'struct';
}

type ErrorReturnSource = 'docs' | 'names' | 'body' | 'none';

/** Signed integer results: from the documented result, else the name rules, else (undefined) the body. */
function errorReturnDecided(f: FunctionDecl, def: Definition | undefined): { value: boolean; source: ErrorReturnSource } | undefined {
  if (f.returns.kind !== 'int' || !f.returns.signed) return { value: false, source: 'none' };
  if (def?.doc?.returns) return { value: NEGATIVE_ERROR.test(def.doc.returns), source: 'docs' };
  if (errorReturnByName(f)) return { value: true, source: 'names' };
  return undefined;
}

// --- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
  const out = resolve(arg('out', join(root, 'build/api/libnl-api.json')));
  const p: Paths = { root, source: join(root, 'vendor/libnl/src/libnl-3.7.0'), scratch: join(root, 'build/api/scratch') };
  mkdirSync(p.scratch, { recursive: true });
  mkdirSync(dirname(out), { recursive: true });

  const allHeaders = publicHeaders(p);
  const failing = await headersFailingAlone(p, allHeaders);
  const headers = [...allHeaders.filter((h) => !failing.has(h)), ...COMPANION_HEADERS];
  const decls = await readHeaderDecls(p, headers);

  // Each symbol belongs to the first library (in dependency order) that exports it.
  const syms = readSymFiles(p.source);
  const libraryOf = new Map<string, string>();
  for (const [lib, names] of syms) for (const n of names) if (!libraryOf.has(n)) libraryOf.set(n, lib);
  const unprototyped = [...libraryOf.keys()].filter((n) => !decls.functions.has(n));
  const variables = new Set([...unprototyped.filter((n) => decls.variables.has(n)), ...variablesInSources(p, unprototyped)]);

  const prototyped = [...libraryOf.keys()].filter((n) => decls.functions.has(n)).sort();
  const types = await readFunctionTypes(p, headers, prototyped);
  const definitions = readDefinitions([join(p.source, 'lib'), join(p.source, 'src/lib')]);
  const conv = new TypeConverter(decls.completeRecords);

  const functions: FunctionDecl[] = [];
  const decidedBy: Record<ErrorReturnSource, number> = { docs: 0, names: 0, body: 0, none: 0 };
  const trueBy: Record<ErrorReturnSource, number> = { docs: 0, names: 0, body: 0, none: 0 };
  for (const name of prototyped) {
    const proto = decls.functions.get(name);
    const type = types.get(name);
    if (!proto || !type) throw new Error(`no type for ${name}`);
    const sig = conv.signature(type);
    const def = definitions.get(name);
    const doc = def?.doc;
    const f: FunctionDecl = {
      name,
      library: libraryOf.get(name) as string,
      header: headerName(p, proto.file),
      returns: sig.returns,
      params: sig.params.map((t, i) => ({ name: proto.paramNames[i] ?? '', type: t })),
      variadic: sig.variadic,
      errorReturn: false,
      deprecated: proto.deprecated || doc?.deprecated === true,
    };
    if (doc?.brief) f.brief = doc.brief;
    functions.push(f);
  }
  const decided = new Map<string, boolean>();
  const sourceOf = new Map<string, ErrorReturnSource>();
  for (const f of functions) {
    const er = errorReturnDecided(f, definitions.get(f.name));
    sourceOf.set(f.name, er?.source ?? 'body');
    if (er) decided.set(f.name, er.value);
  }
  const fromBodies = errorCodeBodies(definitions, decided);
  for (const f of functions) {
    const source = sourceOf.get(f.name) as ErrorReturnSource;
    f.errorReturn = decided.get(f.name) ?? fromBodies.has(f.name);
    decidedBy[source]++;
    if (f.errorReturn) trueBy[source]++;
  }

  // Struct sizes, known once every type has been seen.
  const callbacks = [...conv.callbacks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const everyType = (fn: (t: TypeRef) => void): void => {
    const sigs: CallbackType[] = [...functions, ...callbacks.map(([, c]) => c)];
    for (const s of sigs) for (const t of [s.returns, ...s.params.map((x) => x.type)]) forEachType(t, fn);
  };
  const complete = new Set<string>();
  const opaque = new Set<string>();
  everyType((t) => {
    if (t.kind === 'struct') (t.opaque ? opaque : complete).add(t.name);
  });
  const sizes = await structSizes(p, headers, [...complete].sort());
  everyType((t) => {
    if (t.kind === 'struct' && !t.opaque) t.size = sizes.get(t.name);
  });

  const { constants, dropped, mismatches, libnlVersion } = await readConstants(p, headers, decls.enums);

  // The enums of libnl's headers (its own and its copies of the kernel's); the first definition of a name wins.
  const libnlInclude = `${includeDirs(p).libnl}/`;
  const enums = new Map<string, EnumDecl>();
  for (const e of decls.enums) {
    if (!e.file.startsWith(libnlInclude)) continue;
    const name = e.tag ?? e.typedef ?? `anonymous:${e.values[0].name}`;
    if (!enums.has(name)) enums.set(name, { name, values: e.values, header: headerName(p, e.file) });
  }

  const model: ApiModel = {
    libnlVersion,
    libraries: Object.fromEntries([...syms.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([lib, names]) => [lib, names.filter((n) => !variables.has(n)).sort()])),
    functions,
    missingPrototypes: unprototyped.map((name) => ({ name, library: libraryOf.get(name) as string })).sort(byName),
    callbacks: Object.fromEntries(callbacks),
    opaqueStructs: [...opaque].sort(),
    constants,
    enums: [...enums.values()].sort(byName),
  };
  writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);

  const log = (s: string): boolean => process.stderr.write(`${s}\n`);
  if (failing.size) log(`headers that do not compile alone (left out): ${[...failing].map(([h, e]) => `${h} (${e})`).join('; ')}`);
  log(`errorReturn: ${trueBy.docs} true from docs (of ${decidedBy.docs} signed-int functions with a documented result), ` +
    `${trueBy.names} true from name rules, ${trueBy.body} true from the body returning -NLE_* codes ` +
    `(of ${decidedBy.body} left), ${functions.length - trueBy.docs - trueBy.names - trueBy.body} false ` +
    `(${decidedBy.none} of them not returning a signed int)`);
  log(`missing prototypes: ${model.missingPrototypes.map((m) => (variables.has(m.name) ? `${m.name} (variable)` : m.name)).join(' ')}`);
  log(`callbacks: ${callbacks.length}; opaque structs: ${opaque.size}; structs with a size: ${complete.size}`);
  log(`constants: ${constants.length}` +
    (dropped.length ? ` (macros left out, not integer constants natively: ${dropped.join(' ')})` : ''));
  if (mismatches.length) log(`constants whose native value differs from wasm32: ${mismatches.join('; ')}`);
  log(`enums: ${model.enums.length}`);
  if (conv.others.size) log(`types of kind 'other': ${[...conv.others].sort().map(([c, n]) => `${c} (${n})`).join(', ')}`);
  for (const lib of LIBRARIES) {
    const names = model.libraries[lib];
    const fs = functions.filter((f) => f.library === lib);
    process.stdout.write(`${lib}: ${names.length} functions in .sym, ${fs.length} with prototypes, ${fs.filter((f) => f.variadic).length} variadic\n`);
  }
  log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  process.stderr.write(`extract_api: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
