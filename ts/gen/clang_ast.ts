/**
 * Reads libnl's public headers through clang's JSON AST dump (wasm32 target):
 * the declarations extract_api.ts needs, and the full type tree of each
 * exported function.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLANG, type Paths, runOk, wasmFlags } from './toolchain.js';

/** The part of clang's JSON node format this generator reads. */
export interface AstNode {
  id?: string;
  kind?: string;
  name?: string;
  inner?: AstNode[];
  /** where it is: {offset, file?, ...}, or {spellingLoc, expansionLoc} for a macro expansion */
  loc?: unknown;
  type?: { qualType: string };
  decl?: { id?: string; kind: string; name?: string };
  qualifiers?: string;
  size?: number;
  variadic?: boolean;
  value?: string;
  completeDefinition?: boolean;
}

export interface FunctionProto {
  file: string;
  paramNames: string[];
  deprecated: boolean;
}

export interface EnumFound {
  /** undefined for an untagged enum */
  tag: string | undefined;
  /** the typedef that names an untagged enum (`typedef enum { ... } rtnl_link_stat_id_t;`) */
  typedef?: string;
  file: string;
  values: { name: string; value: number }[];
}

export interface HeaderDecls {
  /** first declaration of each function, in translation-unit order */
  functions: Map<string, FunctionProto>;
  variables: Set<string>;
  /** tags of structs and unions that have a definition */
  completeRecords: Set<string>;
  enums: EnumFound[];
}

/**
 * clang writes a location's "file" only when it differs from the previous
 * location it wrote, in document order, so every location of the dump has to
 * be visited in order to know which file a declaration is in.
 */
class LocationTracker {
  private current = '';

  /** Visits a subtree in document order; returns the file of its last location. */
  visit(v: unknown): string {
    if (Array.isArray(v)) {
      for (const x of v) this.visit(x);
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      // includedFrom objects carry a "file" too, but not an "offset", and do not count.
      if (typeof o.offset === 'number' && typeof o.file === 'string') this.current = o.file;
      for (const k in o) this.visit(o[k]);
    }
    return this.current;
  }
}

function isDeprecated(d: AstNode): boolean {
  return (d.inner ?? []).some((i) => i.kind === 'DeprecatedAttr' || i.kind === 'UnavailableAttr');
}

function enumValues(d: AstNode): { name: string; value: number }[] {
  const values: { name: string; value: number }[] = [];
  let next = 0n;
  for (const c of d.inner ?? []) {
    if (c.kind !== 'EnumConstantDecl' || c.name === undefined) continue;
    // An explicit initializer is folded by clang (ConstantExpr.value); others count on.
    const init = (c.inner ?? []).find((i) => i.kind === 'ConstantExpr' && i.value !== undefined);
    const v = init?.value !== undefined ? BigInt(init.value) : next;
    values.push({ name: c.name, value: Number(v) });
    next = v + 1n;
  }
  return values;
}

async function dumpAst(p: Paths, file: string, filter?: string): Promise<string> {
  const args = [...wasmFlags(p), '-fsyntax-only', '-Xclang', '-ast-dump=json'];
  if (filter) args.push('-Xclang', `-ast-dump-filter=${filter}`);
  return runOk(CLANG, [...args, file]);
}

/** The declarations of a translation unit that #includes the given headers. */
export async function readHeaderDecls(p: Paths, headers: readonly string[]): Promise<HeaderDecls> {
  const tu = join(p.scratch, 'headers.c');
  writeFileSync(tu, headers.map((h) => `#include <${h}>\n`).join(''));
  const root = JSON.parse(await dumpAst(p, tu)) as AstNode;
  const out: HeaderDecls = { functions: new Map(), variables: new Set(), completeRecords: new Set(), enums: [] };
  const locs = new LocationTracker();
  const untagged = new Map<string, EnumFound>();
  for (const d of root.inner ?? []) {
    const file = locs.visit(d.loc);
    locs.visit(d);
    if (d.name === undefined && d.kind !== 'EnumDecl') continue;
    switch (d.kind) {
      case 'FunctionDecl': {
        const name = d.name as string;
        const names = (d.inner ?? []).filter((i) => i.kind === 'ParmVarDecl').map((i) => i.name ?? '');
        const seen = out.functions.get(name);
        if (!seen) {
          out.functions.set(name, { file, paramNames: names, deprecated: isDeprecated(d) });
          break;
        }
        // A redeclaration may name parameters the first one left unnamed.
        seen.deprecated ||= isDeprecated(d);
        if (names.length === seen.paramNames.length) seen.paramNames = seen.paramNames.map((n, i) => n || names[i]);
        break;
      }
      case 'VarDecl':
        out.variables.add(d.name as string);
        break;
      case 'RecordDecl':
        if (d.completeDefinition) out.completeRecords.add(d.name as string);
        break;
      case 'EnumDecl': {
        const values = enumValues(d);
        if (!values.length) break;
        const e: EnumFound = { tag: d.name, file, values };
        out.enums.push(e);
        if (d.name === undefined && d.id) untagged.set(d.id, e);
        break;
      }
      case 'TypedefDecl': {
        // typedef -> ElaboratedType -> EnumType, whose decl is the enum's id
        const id = d.inner?.[0]?.inner?.[0]?.decl?.id;
        const e = id === undefined ? undefined : untagged.get(id);
        if (e && e.typedef === undefined) e.typedef = d.name;
        break;
      }
    }
  }
  return out;
}

/**
 * The type of each function as a clang type tree: clang dumps the type
 * behind a `typedef __typeof__(f) ...`, with every typedef and qualifier
 * along the way, which a function declaration's dump (a string) does not.
 */
export async function readFunctionTypes(p: Paths, headers: readonly string[], names: readonly string[]): Promise<Map<string, AstNode>> {
  const prefix = '__libnl_api_type_';
  const tu = join(p.scratch, 'function_types.c');
  writeFileSync(tu, [
    ...headers.map((h) => `#include <${h}>`),
    ...names.map((n) => `typedef __typeof__(${n}) ${prefix}${n};`),
  ].join('\n') + '\n');
  // With a filter clang prints one JSON document per matching declaration.
  const text = await dumpAst(p, tu, prefix);
  const types = new Map<string, AstNode>();
  for (const doc of text.split(/\n(?=\{)/)) {
    if (!doc.trim()) continue;
    const d = JSON.parse(doc) as AstNode;
    if (d.kind !== 'TypedefDecl' || !d.name?.startsWith(prefix)) continue;
    // TypeOfExprType: [the expression, the type it stands for]
    const typeOf = d.inner?.[0]?.inner;
    const fn = typeOf?.[typeOf.length - 1];
    if (fn) types.set(d.name.slice(prefix.length), fn);
  }
  return types;
}
