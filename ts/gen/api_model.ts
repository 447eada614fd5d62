/**
 * The API model of libnl (build/api/libnl-api.json): what extract_api.ts
 * writes and generate_bindings.ts reads. Sizes are wasm32 ones.
 */

export type TypeRef =
  | { kind: 'void' }
  | { kind: 'int'; c: string; size: 1 | 2 | 4 | 8; signed: boolean }
  | { kind: 'float'; c: string; size: 4 | 8 }
  | { kind: 'enum'; c: string; name: string; size: 4 }
  /** const: the pointee is const-qualified */
  | { kind: 'pointer'; c: string; pointee: TypeRef; const: boolean }
  /** opaque: no definition in the public headers, so no size either */
  | { kind: 'struct'; c: string; name: string; size?: number; opaque: boolean }
  /** callback: key into ApiModel.callbacks */
  | { kind: 'funcptr'; c: string; callback: string }
  | { kind: 'array'; c: string; element: TypeRef; length: number }
  /** va_list, FILE, long double, ...: `c` keeps the spelling */
  | { kind: 'other'; c: string };

export interface Param {
  /** "" when the prototype does not name it */
  name: string;
  type: TypeRef;
}

export interface FunctionDecl {
  name: string;
  /** the first .sym file that lists it */
  library: string;
  /** e.g. "netlink/route/link.h" */
  header: string;
  returns: TypeRef;
  params: Param[];
  variadic: boolean;
  /** returns 0 (or a non-negative value) on success or a negative NLE_* code */
  errorReturn: boolean;
  deprecated: boolean;
  /** first sentence of its doc comment */
  brief?: string;
}

export interface CallbackType {
  returns: TypeRef;
  params: Param[];
}

export interface Constant {
  name: string;
  /** a decimal string when not a safe JS integer */
  value: number | string;
  /** the prefix it was selected by, without the trailing "_" (e.g. "NLM_F") */
  group: string;
  /** where it is defined, relative to its include directory; "" if unknown */
  header: string;
}

export interface EnumDecl {
  /** the tag; for an untagged enum its typedef's name, else "anonymous:FIRST_CONSTANT" */
  name: string;
  values: { name: string; value: number }[];
  header: string;
}

export interface ApiModel {
  libnlVersion: string;
  /** library -> sorted names of the functions its .sym exports */
  libraries: Record<string, string[]>;
  functions: FunctionDecl[];
  /** .sym symbols without a public prototype, and exported variables */
  missingPrototypes: { name: string; library: string }[];
  /** by typedef name, or "fnptr:<signature>" for an unnamed function pointer type */
  callbacks: Record<string, CallbackType>;
  /** tags of structs used through pointers that the public headers do not define */
  opaqueStructs: string[];
  constants: Constant[];
  enums: EnumDecl[];
}
