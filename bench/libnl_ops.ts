/**
 * libnl's tables of operations, read from its source: for every cache type
 * (nl_cache_ops with its nl_object_ops, or a generic netlink command), link
 * kind (rtnl_link_info_ops), link address family (rtnl_link_af_ops) and tc
 * kind (rtnl_tc_ops), the functions that parse a message and those that
 * dump an object in each format. bench/fuzz_coverage.ts looks up how often
 * the fuzz corpus reached each.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export type Role = 'parse' | 'line' | 'details' | 'stats';

/** A function of a table, where it is defined (an object's dumps may live apart from its cache's parser). */
export interface OpsFunction {
  fn: string;
  /** Relative to libnl's lib/. */
  file: string;
}

type Functions = Partial<Record<Role, OpsFunction>>;

export interface OpsEntry {
  /** "cache", "link kind", "link af", "qdisc", "class", "cls", "act" */
  group: string;
  /** The cache type's name, the kind, or the address family. */
  name: string;
  /** The source file of the table, relative to libnl's lib/. */
  file: string;
  functions: Functions;
}

/** A struct initializer's body: from its `{` to the matching `}`. */
function body(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1);
}

const field = (b: string, name: string): string | undefined =>
  new RegExp(`\\.${name}\\s*=\\s*&?\\s*"?([\\w/]+)"?`).exec(b)?.[1];

/** Dump functions, in both of libnl's spellings: `.oo_dump = { [NL_DUMP_LINE] = f }` and `.ao_dump[NL_DUMP_LINE] = &f`. */
function dumps(b: string, prefix: string, file: string): Functions {
  const out: Functions = {};
  const nested = new RegExp(`\\.${prefix}_dump\\s*=\\s*\\{`).exec(b);
  const scope = nested ? body(b, nested.index + nested[0].length - 1) : b;
  for (const m of scope.matchAll(/\[NL_DUMP_(LINE|DETAILS|STATS)\]\s*=\s*&?\s*(\w+)/g)) {
    out[m[1].toLowerCase() as Role] = { fn: m[2], file };
  }
  return out;
}

const TC_TYPES: Record<string, string> = {
  RTNL_TC_TYPE_QDISC: 'qdisc', RTNL_TC_TYPE_CLASS: 'class', RTNL_TC_TYPE_CLS: 'cls', RTNL_TC_TYPE_ACT: 'act',
};

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? cFiles(p) : f.endsWith('.c') ? [p] : [];
  });
}

/** A name given as a macro (`.io_name = XFRMI_LINK_TYPE_NAME`): the string it stands for. */
function unmacro(text: string, name: string): string {
  return /^[A-Z][A-Z0-9_]+$/.test(name) ? new RegExp(`#define ${name}\\s+"([^"]+)"`).exec(text)?.[1] ?? name : name;
}

/** Every table of libnl's lib/ that has a parser or a dump function. */
export function readOpsTables(libDir: string): OpsEntry[] {
  const entries: OpsEntry[] = [];
  /** Object operations by their variable's name, for the cache operations that point at them. */
  const objectDumps = new Map<string, Functions>();
  const objectOf = new Map<OpsEntry, string>();
  for (const path of cFiles(libDir)) {
    const text = readFileSync(path, 'utf8');
    const file = relative(libDir, path);
    let genlParser: OpsFunction | undefined;
    const tables = /^(?:static )?struct (nl_cache_ops|nl_object_ops|rtnl_link_info_ops|rtnl_link_af_ops|rtnl_tc_ops|genl_cmd) (\w+)(?:\[\])? = \{/gm;
    for (const m of text.matchAll(tables)) {
      const b = body(text, (m.index ?? 0) + m[0].length - 1);
      const name = (f: string): string | undefined => {
        const v = field(b, f);
        return v && unmacro(text, v);
      };
      const parser = (...fields: string[]): Functions => {
        const fn = fields.map((f) => field(b, f)).find(Boolean);
        return fn ? { parse: { fn, file } } : {};
      };
      switch (m[1]) {
        case 'nl_object_ops':
          objectDumps.set(m[2], dumps(b, 'oo', file));
          break;
        case 'nl_cache_ops': {
          const n = name('co_name');
          const obj = field(b, 'co_obj_ops');
          if (!n) break;
          const e = { group: 'cache', name: n, file, functions: parser('co_msg_parser') };
          entries.push(e);
          if (obj) objectOf.set(e, obj);
          break;
        }
        case 'genl_cmd':
          // The controller's commands: genl/family's parser (its cache operations have none).
          genlParser ??= parser('c_msg_parser').parse;
          break;
        case 'rtnl_link_info_ops': {
          const n = name('io_name');
          if (n) entries.push({ group: 'link kind', name: n, file, functions: { ...parser('io_parse'), ...dumps(b, 'io', file) } });
          break;
        }
        case 'rtnl_link_af_ops': {
          const n = name('ao_family');
          const parse = parser('ao_parse_af_full', 'ao_parse_af', 'ao_parse_protinfo');
          if (n) entries.push({ group: 'link af', name: n, file, functions: { ...parse, ...dumps(b, 'ao', file) } });
          break;
        }
        case 'rtnl_tc_ops': {
          const n = name('to_kind');
          const group = TC_TYPES[field(b, 'to_type') ?? ''];
          if (n && group) entries.push({ group, name: n, file, functions: { ...parser('to_msg_parser'), ...dumps(b, 'to', file) } });
          break;
        }
      }
    }
    const cache = entries.find((e) => e.file === file && e.group === 'cache');
    if (genlParser && cache) cache.functions.parse ??= genlParser;
  }
  for (const [e, obj] of objectOf) Object.assign(e.functions, objectDumps.get(obj) ?? {});
  return entries;
}
