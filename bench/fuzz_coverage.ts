/**
 * Which of libnl's message parsers and dump functions the fuzz corpus
 * reaches: the native harness built with clang's source-based coverage
 * (build/native-coverage) runs the pristine corpus (every captured fill and
 * every captured message as a parse) and then a sample of mutated cases;
 * for every table of operations in libnl (bench/libnl_ops.ts) it prints
 * whether each function ran, in a markdown table (docs/fuzzing-coverage.md
 * is made from it).
 *
 *   node --import tsx bench/fuzz_coverage.ts [--cases N] [--seed S] [--all]
 *
 * Without --all, only what the project binds (docs/kinds.md) is listed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../dist/host/paths.js';
import {
  makeCase, makePool, pristineFill, pristineParses, type Corpus, type FuzzCase,
} from '../test/helpers/fuzz_cases.js';
import { FILLS, KINDS } from '../test/helpers/fuzz_targets.js';
import { buildHarness, missingTools } from '../test/helpers/native_build.js';
import { NativeHarness, type NativeOutcome } from '../test/helpers/native_harness.js';
import { readOpsTables, type OpsEntry, type Role } from './libnl_ops.js';

/** What the client binds (docs/kinds.md), by ops group; caches: every kind the fuzzer drives. */
const BOUND: Record<string, readonly string[]> = {
  'cache': KINDS.map((k) => k.name),
  'link kind': ['veth', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'dummy', 'bond', 'vrf', 'vlan', 'ipip', 'sit', 'gre',
    'ipvlan', 'geneve', 'macsec'],
  'link af': ['AF_INET', 'AF_INET6', 'AF_BRIDGE'],
  'qdisc': ['htb', 'tbf', 'pfifo', 'bfifo', 'pfifo_fast', 'prio', 'sfq', 'fq_codel', 'ingress'],
  'class': ['htb'],
  'cls': ['u32', 'basic', 'matchall', 'fw', 'flower'],
  'act': ['gact', 'mirred', 'skbedit'],
};
const ROLES: readonly Role[] = ['parse', 'line', 'details', 'stats'];
const libDir = join(packageRoot, 'vendor', 'libnl', 'src', 'libnl-3.7.0', 'lib');
const coverageDir = join(packageRoot, 'build', 'native-coverage');

function tool(name: string, args: string[]): string {
  const r = spawnSync(name, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${name} ${args.slice(0, 2).join(' ')}: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Runs cases with counters written under `name`; returns how they ended. */
async function profile(bin: string, name: string, cases: readonly FuzzCase[]): Promise<Map<string, number>> {
  const dir = join(coverageDir, 'profiles', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const harness = new NativeHarness(bin, { env: { LLVM_PROFILE_FILE: join(dir, '%p.profraw') } });
  const outcomes: NativeOutcome[] = await harness.runAll(cases);
  await harness.close();
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.class, (counts.get(o.class) ?? 0) + 1);
  return counts;
}

/** Execution counts of every function of the build, by "file:function" (file relative to lib/). */
function functionCounts(bin: string, profiles: readonly string[]): Map<string, number> {
  const raw = profiles.flatMap((p) => readdirSync(join(coverageDir, 'profiles', p)).map((f) => join(coverageDir, 'profiles', p, f)));
  const merged = join(coverageDir, 'profiles', `${profiles.join('+')}.profdata`);
  tool('llvm-profdata', ['merge', '-sparse', '-o', merged, ...raw]);
  const exported = JSON.parse(tool('llvm-cov', ['export', '-format=text', '-skip-expansions', `-instr-profile=${merged}`, bin])) as {
    data: Array<{ functions: Array<{ name: string; count: number; filenames: string[] }> }>;
  };
  const counts = new Map<string, number>();
  for (const f of exported.data[0].functions) {
    const file = f.filenames[0]?.split('/lib/').pop() ?? '';
    const name = f.name.split(':').pop() ?? f.name;
    // An extern function (no "file.c:" prefix) may be named by a table in another file (rtnl_tc_dump_line).
    for (const key of [`${file}:${name}`, ...(f.name.includes(':') ? [] : [`*:${name}`])]) {
      counts.set(key, (counts.get(key) ?? 0) + f.count);
    }
  }
  return counts;
}

/** One cell: P reached by a pristine case, m only by mutated ones, – not reached, blank: no such function. */
function cell(e: OpsEntry, role: Role, pristine: Map<string, number>, all: Map<string, number>): string {
  const f = e.functions[role];
  if (!f) return '';
  const key = all.has(`${f.file}:${f.fn}`) ? `${f.file}:${f.fn}` : `*:${f.fn}`;
  // Not in the build's coverage map: two static functions of one name in two files of one name (vlan.c).
  if (!all.has(key)) return '?';
  return (pristine.get(key) ?? 0) > 0 ? 'P' : (all.get(key) ?? 0) > 0 ? 'm' : '–';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      all: { type: 'boolean', default: false },
    },
  });
  const missing = missingTools('coverage');
  if (missing) throw new Error(`coverage needs clang's tools: ${missing}`);
  console.error('building the coverage harness (build/native-coverage) ...');
  const bin = buildHarness('coverage');
  const corpus = JSON.parse(readFileSync(join(packageRoot, 'test', 'fuzz-corpus', 'corpus.json'), 'utf8')) as Corpus;
  const pool = makePool(corpus);
  const pristine = [...FILLS.map((t) => pristineFill(corpus, t.kind)), ...pristineParses(pool)];
  const mutated = Array.from({ length: Number(values.cases) }, (_, i) => makeCase(pool, Number(values.seed), i));
  const p = await profile(bin, 'pristine', pristine);
  const m = await profile(bin, 'mutated', mutated);
  console.error(`pristine: ${pristine.length} cases ${JSON.stringify(Object.fromEntries(p))}; ` +
    `mutated: ${mutated.length} cases (seed ${values.seed}) ${JSON.stringify(Object.fromEntries(m))}`);
  const countsPristine = functionCounts(bin, ['pristine']);
  const countsAll = functionCounts(bin, ['pristine', 'mutated']);

  const entries = readOpsTables(libDir)
    .filter((e) => values.all || BOUND[e.group]?.includes(e.name))
    .sort((a, b) => Object.keys(BOUND).indexOf(a.group) - Object.keys(BOUND).indexOf(b.group) || a.name.localeCompare(b.name));
  console.log('| group | name | source | parse | line | details | stats |');
  console.log('|---|---|---|---|---|---|---|');
  for (const e of entries) {
    const cells = ROLES.map((r) => cell(e, r, countsPristine, countsAll));
    console.log(`| ${e.group} | ${e.name} | ${e.file} | ${cells.join(' | ')} |`);
  }
  const unreached = entries.flatMap((e) => ROLES.filter((r) => cell(e, r, countsPristine, countsAll) === '–')
    .map((r) => `${e.group} ${e.name}: ${e.functions[r]?.fn} (${e.functions[r]?.file})`));
  console.log(`\nP: reached by the pristine corpus; m: only by mutated cases; –: not reached; ?: not measurable; blank: libnl has none.`);
  console.log(unreached.length ? `\nnot reached:\n  ${[...new Set(unreached)].join('\n  ')}` : '\nevery function reached');
}

await main();
