/**
 * Turns clang type trees (wasm32) into the model's TypeRef: typedefs are
 * resolved for the kind but keep their spelling, function pointers become
 * entries of the callback table.
 */
import type { CallbackType, TypeRef } from './api_model.js';
import type { AstNode } from './clang_ast.js';

/** Builtin types on wasm32 (ILP32; char is signed). */
const BUILTINS: Record<string, TypeRef> = {
  'char': { kind: 'int', c: 'char', size: 1, signed: true },
  'signed char': { kind: 'int', c: 'signed char', size: 1, signed: true },
  'unsigned char': { kind: 'int', c: 'unsigned char', size: 1, signed: false },
  '_Bool': { kind: 'int', c: '_Bool', size: 1, signed: false },
  'short': { kind: 'int', c: 'short', size: 2, signed: true },
  'unsigned short': { kind: 'int', c: 'unsigned short', size: 2, signed: false },
  'int': { kind: 'int', c: 'int', size: 4, signed: true },
  'unsigned int': { kind: 'int', c: 'unsigned int', size: 4, signed: false },
  'long': { kind: 'int', c: 'long', size: 4, signed: true },
  'unsigned long': { kind: 'int', c: 'unsigned long', size: 4, signed: false },
  'long long': { kind: 'int', c: 'long long', size: 8, signed: true },
  'unsigned long long': { kind: 'int', c: 'unsigned long long', size: 8, signed: false },
  'float': { kind: 'float', c: 'float', size: 4 },
  'double': { kind: 'float', c: 'double', size: 8 },
};

/**
 * Typedefs kept as they are. va_list is a char * on wasm32, which would pass
 * for a string; FILE is a libc struct that bindings treat as a handle of its own.
 */
const KEPT_TYPEDEFS = new Set(['FILE', 'va_list', '__builtin_va_list', '__gnuc_va_list', '__isoc_va_list']);

/** Sugar: nodes whose last child is the type they stand for. */
const SUGAR = new Set(['ElaboratedType', 'ParenType', 'TypeOfExprType', 'TypeOfType', 'DecayedType', 'AttributedType', 'MacroQualifiedType']);

const spelling = (n: AstNode): string => n.type?.qualType ?? '';
const last = (n: AstNode): AstNode | undefined => n.inner?.[n.inner.length - 1];

/** The function type a pointer points to, looking through sugar and typedefs. */
function functionType(n: AstNode | undefined): AstNode | undefined {
  for (let t = n; t; t = last(t)) {
    if (t.kind === 'FunctionProtoType' || t.kind === 'FunctionNoProtoType') return t;
    if (t.kind !== 'TypedefType' && t.kind !== 'QualType' && !SUGAR.has(t.kind ?? '')) return undefined;
  }
  return undefined;
}

function isConst(n: AstNode | undefined): boolean {
  for (let t = n; t; t = last(t)) {
    if (t.kind === 'QualType' && /\bconst\b/.test(t.qualifiers ?? '')) return true;
    if (t.kind !== 'TypedefType' && t.kind !== 'QualType' && !SUGAR.has(t.kind ?? '')) return false;
  }
  return false;
}

/** Calls fn on a type and on every type inside it. */
export function forEachType(t: TypeRef, fn: (t: TypeRef) => void): void {
  fn(t);
  if (t.kind === 'pointer') forEachType(t.pointee, fn);
  else if (t.kind === 'array') forEachType(t.element, fn);
}

export class TypeConverter {
  readonly callbacks = new Map<string, CallbackType>();
  /** spellings that ended up as kind 'other', with how often */
  readonly others = new Map<string, number>();

  constructor(private readonly completeRecords: ReadonlySet<string>) {}

  /** A function type: its result, parameters and whether it is variadic. */
  signature(fn: AstNode): { returns: TypeRef; params: TypeRef[]; variadic: boolean } {
    const [ret, ...params] = fn.inner ?? [];
    return {
      returns: ret ? this.convert(ret) : { kind: 'void' },
      params: params.map((t) => this.convert(t)),
      variadic: fn.variadic === true,
    };
  }

  convert(n: AstNode): TypeRef {
    const c = spelling(n);
    switch (n.kind) {
      case 'BuiltinType':
        if (c === 'void') return { kind: 'void' };
        return BUILTINS[c] ? { ...BUILTINS[c] } : this.other(c);
      case 'QualType':
        return this.convert(last(n) as AstNode);
      case 'TypedefType': {
        const name = n.decl?.name ?? c;
        if (KEPT_TYPEDEFS.has(name)) return this.other(name);
        const target = last(n);
        if (!target) return this.other(c);
        const fn = target.kind === 'PointerType' ? functionType(last(target)) : undefined;
        if (fn) return { kind: 'funcptr', c: name, callback: this.callback(name, fn) };
        const t = this.convert(target);
        if (t.kind === 'void') return t;
        // An untagged enum is known by its typedef's name.
        return t.kind === 'enum' && !t.name ? { ...t, c: name, name } : { ...t, c: name };
      }
      case 'PointerType': {
        const pointee = last(n) as AstNode;
        const fn = functionType(pointee);
        if (fn) return { kind: 'funcptr', c, callback: this.callback(`fnptr:${spelling(fn).replace(' (', '(')}`, fn) };
        return { kind: 'pointer', c, pointee: this.convert(pointee), const: isConst(pointee) };
      }
      case 'RecordType': {
        const name = n.decl?.name ?? '';
        if (!name || n.decl?.kind !== 'RecordDecl' || c.startsWith('union ')) return this.other(c);
        return { kind: 'struct', c, name, opaque: !this.completeRecords.has(name) };
      }
      case 'EnumType':
        return { kind: 'enum', c, name: n.decl?.name ?? '', size: 4 };
      case 'ConstantArrayType':
        return { kind: 'array', c, element: this.convert(n.inner?.[0] as AstNode), length: n.size ?? 0 };
      default: {
        const target = last(n);
        if (SUGAR.has(n.kind ?? '') && target) {
          const t = this.convert(target);
          return n.kind === 'ElaboratedType' || t.kind === 'void' ? t : { ...t, c };
        }
        return this.other(c);
      }
    }
  }

  private other(c: string): TypeRef {
    this.others.set(c, (this.others.get(c) ?? 0) + 1);
    return { kind: 'other', c };
  }

  private callback(key: string, fn: AstNode): string {
    if (!this.callbacks.has(key)) {
      const sig = this.signature(fn);
      this.callbacks.set(key, { returns: sig.returns, params: sig.params.map((type) => ({ name: '', type })) });
    }
    return key;
  }
}
