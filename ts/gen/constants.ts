/**
 * Constants of libnl's API (NLM_F_*, RTM_*, NLE_*, ...): the names come from
 * the headers as libnl.wasm sees them; the values of macros from a native
 * program that prints them, the values of enum constants from clang.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Constant } from './api_model.js';
import type { EnumFound } from './clang_ast.js';
import { CLANG, NATIVE_CC, type Paths, headerName, isLibnlHeader, nativeFlags, run, runOk, wasmFlags } from './toolchain.js';

/** The selected prefixes; a name belongs to the longest one that matches. */
const PREFIXES = [
  'NETLINK_', 'AF_', 'NLE_', 'NL_DUMP_', 'RTM_', 'RTMGRP_', 'RTNLGRP_', 'IFF_', 'IFLA_', 'IFA_', 'IFA_F_', 'RTA_',
  'RTN_', 'RTPROT_', 'RT_SCOPE_', 'RT_TABLE_', 'RTNH_F_', 'TC_H_', 'TCA_', 'NL_AUTO_', 'NLM_F_', 'NLMSG_', 'NLA_',
  'NL_CB_', 'NL_ACT_', 'NUD_', 'NTF_', 'FRA_', 'FR_ACT_', 'ETH_P_', 'ARPHRD_', 'CTRL_CMD_', 'CTRL_ATTR_', 'GENL_',
  'IPPROTO_', 'NFNL', 'NFNLGRP_', 'IPCTNL_', 'IP_CT_', 'IPS_', 'IDIAGNL_', 'INET_DIAG_', 'TCP_', 'XFRM_',
  'RTNL_LINK_', 'LINK_', 'BRIDGE_', 'MACVLAN_', 'VETH_', 'VXLAN_', 'IFLA_VXLAN_', 'RTNL_', 'NL_',
].sort((a, b) => b.length - a.length);

/** Groups taken from libnl's own headers only: elsewhere these prefixes mean other things. */
const LIBNL_ONLY = new Set(['NL_', 'LINK_']);

/** Of the TCP_* names, the socket states (what idiag reports), not the socket options. */
const TCP_STATES = /^TCP_(ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING)$/;

export interface ConstantsResult {
  constants: Constant[];
  /** macros with a selected prefix that are not integer constant expressions natively */
  dropped: string[];
  /** enum constants whose native macro value differs from clang's wasm32 value */
  mismatches: string[];
  libnlVersion: string;
}

interface Macro {
  body: string;
  file: string;
  functionLike: boolean;
}

function groupOf(p: Paths, name: string, file: string): string | undefined {
  const prefix = PREFIXES.find((x) => name.startsWith(x) && name.length > x.length);
  if (!prefix) return undefined;
  if (LIBNL_ONLY.has(prefix) && !isLibnlHeader(p, file)) return undefined;
  if (prefix === 'TCP_' && !TCP_STATES.test(name)) return undefined;
  return prefix.replace(/_$/, '');
}

/** Every macro defined at the end of the headers, with the file that defined it. */
async function readMacros(p: Paths, headers: readonly string[]): Promise<Map<string, Macro>> {
  const tu = join(p.scratch, 'macros.c');
  writeFileSync(tu, headers.map((h) => `#include <${h}>\n`).join(''));
  const text = await runOk(CLANG, [...wasmFlags(p), '-E', '-dD', tu]);
  const macros = new Map<string, Macro>();
  let file = '';
  for (const line of text.split('\n')) {
    const marker = /^# \d+ "(.*)"/.exec(line);
    if (marker) {
      file = marker[1];
      continue;
    }
    const def = /^#define ([A-Za-z_]\w*)(\(?)\s*(.*)$/.exec(line);
    if (def) macros.set(def[1], { body: def[3].trim(), file, functionLike: def[2] === '(' });
    const undef = /^#undef ([A-Za-z_]\w*)/.exec(line);
    if (undef) macros.delete(undef[1]);
  }
  return macros;
}

const toValue = (v: bigint): number | string => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

/**
 * Values of the given macros, by a native program that prints them. Those
 * that are not integer constant expressions fail to compile; their lines are
 * removed and the program compiled again.
 */
async function evaluateNatively(p: Paths, headers: readonly string[], names: readonly string[]): Promise<{ values: Map<string, bigint>; dropped: string[] }> {
  const src = join(p.scratch, 'constants.c');
  const exe = join(p.scratch, 'constants');
  const prologue = [
    ...headers.map((h) => `#include <${h}>`),
    '#include <stdio.h>',
    '#define IS_INT(x) _Generic((x), char: 1, signed char: 1, unsigned char: 1, short: 1, unsigned short: 1, int: 1, ' +
      'unsigned int: 1, long: 1, unsigned long: 1, long long: 1, unsigned long long: 1, _Bool: 1)',
  ];
  let live = [...names];
  const dropped: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const first = prologue.length + 1;
    // One line per name, so that an error's line number says which name to drop. The array
    // size rejects what is not an integer, the static initializer what is not constant.
    const lines = [
      ...prologue,
      ...live.map((n, i) => `static const char t_${i}[IS_INT(${n})]; static const unsigned long long v_${i} = (unsigned long long)(${n}); static const int n_${i} = (${n}) < 0;`),
      'int main(void) {',
      ...live.map((n, i) => `  printf("%s %d %llu\\n", "${n}", n_${i}, v_${i}); (void)t_${i};`),
      '  return 0;',
      '}',
    ];
    writeFileSync(src, lines.join('\n') + '\n');
    const r = await run(NATIVE_CC, [...nativeFlags(p), '-w', '-ftrack-macro-expansion=0', '-fmax-errors=0', '-o', exe, src]);
    if (r.status === 0) break;
    const bad = new Set<number>();
    for (const m of r.stderr.matchAll(new RegExp(`^${src.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+: error`, 'gm'))) {
      const i = Number(m[1]) - first;
      if (i >= 0 && i < live.length) bad.add(i);
    }
    if (!bad.size || attempt > 8) throw new Error(`cannot compile the constants program:\n${r.stderr.slice(0, 4000)}`);
    dropped.push(...live.filter((_, i) => bad.has(i)));
    live = live.filter((_, i) => !bad.has(i));
  }
  const values = new Map<string, bigint>();
  for (const line of (await runOk(exe, [])).split('\n')) {
    const m = /^(\S+) ([01]) (\d+)$/.exec(line);
    if (m) values.set(m[1], m[2] === '1' ? BigInt.asIntN(64, BigInt(m[3])) : BigInt(m[3]));
  }
  return { values, dropped: dropped.sort() };
}

export async function readConstants(p: Paths, headers: readonly string[], enums: readonly EnumFound[]): Promise<ConstantsResult> {
  const macros = await readMacros(p, headers);
  const byName = new Map<string, Constant>();

  const enumValues = new Map<string, number>();
  for (const e of enums) {
    for (const v of e.values) {
      const group = groupOf(p, v.name, e.file);
      if (!group || byName.has(v.name)) continue;
      enumValues.set(v.name, v.value);
      byName.set(v.name, { name: v.name, value: v.value, group, header: headerName(p, e.file) });
    }
  }

  const candidates: string[] = [];
  for (const [name, m] of macros) {
    if (m.functionLike || !m.body || !groupOf(p, name, m.file)) continue;
    candidates.push(name);
  }
  candidates.sort();
  const { values, dropped } = await evaluateNatively(p, headers, candidates);
  const mismatches: string[] = [];
  for (const [name, v] of values) {
    const m = macros.get(name) as Macro;
    const known = enumValues.get(name);
    // An enum constant that is also a macro (#define RTM_NEWLINK RTM_NEWLINK) keeps clang's value and header.
    if (known !== undefined) {
      if (BigInt(known) !== v) mismatches.push(`${name}: wasm32 ${known}, native ${v}`);
      continue;
    }
    byName.set(name, { name, value: toValue(v), group: groupOf(p, name, m.file) as string, header: headerName(p, m.file) });
  }

  const version = macros.get('LIBNL_VERSION')?.body.replace(/^"|"$/g, '');
  if (!version) throw new Error('LIBNL_VERSION is not defined by netlink/version.h');
  return {
    constants: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    dropped,
    mismatches,
    libnlVersion: version,
  };
}
