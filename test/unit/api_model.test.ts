/**
 * The API model (build/api/libnl-api.json, written by ts/gen/extract_api.ts)
 * against facts read by hand from libnl's headers and .sym files: types as
 * wasm32 has them, error conventions, constants, completeness.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ApiModel, FunctionDecl, TypeRef } from '../../ts/gen/api_model.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modelPath = join(root, 'build/api/libnl-api.json');
const source = join(root, 'vendor/libnl/src/libnl-3.7.0');
const present = existsSync(modelPath);
if (!present) {
  console.warn(`api_model tests skipped: ${modelPath} does not exist (run node --import tsx ts/gen/extract_api.ts)`);
}
const model: ApiModel = present ? (JSON.parse(readFileSync(modelPath, 'utf8')) as ApiModel) : ({} as ApiModel);

function fn(name: string): FunctionDecl {
  const f = model.functions.find((x) => x.name === name);
  if (!f) throw new Error(`${name} is not in the model`);
  return f;
}

function constant(name: string): number | string | undefined {
  return model.constants.find((c) => c.name === name)?.value;
}

const INT: TypeRef = { kind: 'int', c: 'int', size: 4, signed: true };
const CHAR: TypeRef = { kind: 'int', c: 'char', size: 1, signed: true };
const pointerTo = (tag: string): TypeRef => ({
  kind: 'pointer', c: `struct ${tag} *`, pointee: { kind: 'struct', c: `struct ${tag}`, name: tag, opaque: true }, const: false,
});

/** The global: symbols of a version script, read independently of the generator. */
function symbols(lib: string): string[] {
  const text = readFileSync(join(source, `${lib}.sym`), 'utf8').replace(/#.*$/gm, '');
  const names: string[] = [];
  for (const block of text.split(/\blocal:[^}]*/)) {
    for (const m of block.matchAll(/^\s*([A-Za-z_]\w*)\s*;/gm)) names.push(m[1]);
  }
  return names;
}

describe.skipIf(!present)('libnl API model', () => {
  it('is libnl 3.7.0', () => {
    expect(model.libnlVersion).toBe('3.7.0');
  });

  it('nl_connect(struct nl_sock *, int) returns an error code', () => {
    const f = fn('nl_connect');
    expect(f.library).toBe('libnl-3');
    expect(f.header).toBe('netlink/netlink.h');
    expect(f.returns).toEqual(INT);
    expect(f.params.map((p) => p.type)).toEqual([pointerTo('nl_sock'), INT]);
    expect(f.variadic).toBe(false);
    expect(f.errorReturn).toBe(true);
  });

  it('rtnl_link_alloc_cache ends with a struct nl_cache ** out-parameter', () => {
    const f = fn('rtnl_link_alloc_cache');
    expect(f.library).toBe('libnl-route-3');
    expect(f.params).toHaveLength(3);
    expect(f.params[2].type).toEqual({ kind: 'pointer', c: 'struct nl_cache **', pointee: pointerTo('nl_cache'), const: false });
    expect(f.errorReturn).toBe(true);
  });

  it('rtnl_link_get_name returns char *; getters of values are not error returns', () => {
    expect(fn('rtnl_link_get_name').returns).toEqual({ kind: 'pointer', c: 'char *', pointee: CHAR, const: false });
    expect(fn('rtnl_link_get_ifindex').errorReturn).toBe(false);
    expect(fn('nla_get_u32').returns).toEqual({ kind: 'int', c: 'uint32_t', size: 4, signed: false });
    expect(fn('nla_get_u32').errorReturn).toBe(false);
  });

  it('function pointers are callbacks, by typedef name or by signature', () => {
    const foreach = fn('nl_cache_foreach').params[1].type;
    expect(foreach.kind).toBe('funcptr');
    const key = foreach.kind === 'funcptr' ? foreach.callback : '';
    expect(key).toBe('fnptr:void(struct nl_object *, void *)');
    expect(model.callbacks[key].returns).toEqual({ kind: 'void' });
    expect(model.callbacks[key].params.map((p) => p.type)).toEqual([
      pointerTo('nl_object'), { kind: 'pointer', c: 'void *', pointee: { kind: 'void' }, const: false }]);

    expect(fn('nl_cb_set').params[3].type).toEqual({ kind: 'funcptr', c: 'nl_recvmsg_msg_cb_t', callback: 'nl_recvmsg_msg_cb_t' });
    expect(model.callbacks.nl_recvmsg_msg_cb_t.returns).toEqual(INT);
    expect(model.callbacks.nl_recvmsg_msg_cb_t.params[0].type).toEqual(pointerTo('nl_msg'));
  });

  it('sizes are wasm32 ones', () => {
    // extern char *nl_addr2str(const struct nl_addr *, char *, size_t);
    const f = fn('nl_addr2str');
    expect(f.params[0].type).toMatchObject({ kind: 'pointer', const: true, pointee: { kind: 'struct', name: 'nl_addr', opaque: true } });
    expect(f.params[2].type).toEqual({ kind: 'int', c: 'size_t', size: 4, signed: false });
    expect(fn('rtnl_tc_get_stat').returns).toEqual({ kind: 'int', c: 'uint64_t', size: 8, signed: false });
    // 13 four-byte members: an enum, ints, two function pointers, pointers, a size_t, an unsigned int.
    const dp = fn('nl_cache_dump').params[1].type;
    expect(dp).toMatchObject({ kind: 'pointer', pointee: { kind: 'struct', name: 'nl_dump_params', opaque: false, size: 52 } });
  });

  it('keeps FILE and enums recognisable', () => {
    expect(fn('nl_msg_dump').params[1].type).toEqual({ kind: 'pointer', c: 'FILE *', pointee: { kind: 'other', c: 'FILE' }, const: false });
    expect(fn('nl_cb_set').params[1].type).toEqual({ kind: 'enum', c: 'enum nl_cb_type', name: 'nl_cb_type', size: 4 });
    expect(fn('rtnl_link_get_stat').params[1].type).toEqual({ kind: 'enum', c: 'rtnl_link_stat_id_t', name: 'rtnl_link_stat_id_t', size: 4 });
  });

  it('marks variadic and deprecated functions', () => {
    expect(fn('nl_dump_line').variadic).toBe(true);
    expect(fn('nl_socket_add_memberships').variadic).toBe(true);
    expect(fn('rtnl_link_set_info_type').deprecated).toBe(true);
    expect(fn('nl_connect').deprecated).toBe(false);
  });

  it('only signed integer results are error returns', () => {
    for (const f of model.functions) {
      if (f.errorReturn) expect(f.returns, f.name).toMatchObject({ kind: 'int', signed: true });
    }
  });

  it('accounts for every symbol of every .sym file', () => {
    const missing = new Set(model.missingPrototypes.map((m) => m.name));
    for (const [lib, names] of Object.entries(model.libraries)) {
      const sym = symbols(lib);
      expect(names, lib).toEqual([...names].sort());
      // Exported variables are in missingPrototypes but not among the library's functions.
      for (const s of sym) expect(names.includes(s) || missing.has(s), `${lib}: ${s}`).toBe(true);
      const fns = model.functions.filter((f) => f.library === lib);
      expect(fns.length, lib).toBe(names.length - names.filter((n) => missing.has(n)).length);
    }
    expect(Object.keys(model.libraries).sort()).toEqual(
      ['libnl-3', 'libnl-cli-3', 'libnl-genl-3', 'libnl-idiag-3', 'libnl-nf-3', 'libnl-route-3', 'libnl-xfrm-3']);
    expect(symbols('libnl-route-3')).toContain('rtnl_link_alloc_cache');
    expect(missing.has('nl_debug')).toBe(true);
    expect(model.libraries['libnl-3']).not.toContain('nl_debug');
  });

  it('takes constants from the headers', () => {
    const errno = readFileSync(join(source, 'include/netlink/errno.h'), 'utf8');
    const nle = (name: string): number => Number(new RegExp(`#define\\s+${name}\\s+(\\d+)`).exec(errno)?.[1]);
    expect(constant('NLE_EXIST')).toBe(nle('NLE_EXIST'));
    expect(constant('NLE_INVAL')).toBe(nle('NLE_INVAL'));
    expect(constant('NETLINK_ROUTE')).toBe(0);
    expect(constant('NETLINK_GENERIC')).toBe(16);
    expect(constant('AF_UNSPEC')).toBe(0);
    expect(constant('AF_INET')).toBe(2);
    expect(constant('AF_INET6')).toBe(10);
    expect([constant('NL_DUMP_LINE'), constant('NL_DUMP_DETAILS'), constant('NL_DUMP_STATS')]).toEqual([0, 1, 2]);
    expect(constant('RTM_NEWLINK')).toBe(16);
    expect(constant('IFF_UP')).toBe(1);
    expect(constant('RTN_UNICAST')).toBe(1);
    expect(constant('RT_TABLE_MAIN')).toBe(254);
    expect(constant('TC_H_ROOT')).toBe(0xffffffff);
    expect(constant('NL_AUTO_PORT')).toBe(0);
    expect(constant('NL_AUTO_SEQ')).toBe(0);
    expect(constant('NLM_F_CREATE')).toBe(0x400);
    expect(constant('NLM_F_EXCL')).toBe(0x200);
    expect(constant('NLM_F_DUMP')).toBe(0x300);
    expect(constant('XFRM_INF')).toBe('18446744073709551615');
    expect(model.constants.find((c) => c.name === 'NLM_F_DUMP')).toMatchObject({ group: 'NLM_F', header: 'linux/netlink.h' });
    // Function-like macros are not constants.
    expect(constant('TC_H_MAJ')).toBeUndefined();
  });

  it('lists enums with their values', () => {
    const actions = model.enums.find((e) => e.name === 'nl_cb_action');
    expect(actions).toEqual({ name: 'nl_cb_action', header: 'netlink/handlers.h',
      values: [{ name: 'NL_OK', value: 0 }, { name: 'NL_SKIP', value: 1 }, { name: 'NL_STOP', value: 2 }] });
  });

  it('is sorted', () => {
    const sorted = (xs: string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1] < x);
    expect(sorted(model.functions.map((f) => f.name))).toBe(true);
    expect(sorted(model.constants.map((c) => c.name))).toBe(true);
    expect(sorted(model.enums.map((e) => e.name))).toBe(true);
    expect(sorted(model.opaqueStructs)).toBe(true);
    expect(sorted(Object.keys(model.callbacks))).toBe(true);
    expect(model.opaqueStructs).toContain('nl_sock');
    expect(model.opaqueStructs).not.toContain('nl_dump_params');
  });
});
