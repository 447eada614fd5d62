/**
 * The differential suite: libnl's C programs, built natively and to wasm
 * from the same source, run on the same kernel state and compared with
 * `libnl-wasm compare` (exit status, masked stdout and stderr, the kernel
 * state left behind, the netlink messages sent). The wasm side is the
 * checked build (SAFE_HEAP), where a NULL or misaligned access traps as a
 * native run would crash instead of reading on silently.
 *
 *  - every listing tool, in one namespace holding the "rich" scenario plus
 *    conntrack entries and a listening socket;
 *  - every scenario of test/scenarios/ that carries steps to run: libnl's
 *    add/delete/set tools and small C programs (test/programs/) changing
 *    links, addresses, routes, neighbours, rules, qdiscs, classes and
 *    filters, error cases included, each in two fresh namespaces.
 *
 * A difference passes only when known_differences.json explains it; a
 * cause that no longer shows fails too, unless a libnl patch of ours fixes
 * it (the builds may predate the patch), so the list stays true. When every
 * case has run, docs/conformance.md is written from the results: each
 * case, equal or not, and the reason of each difference. libnl's own test
 * programs are compared in test/kernel/libnl_programs.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createNetns, kernelSkipReason } from '../helpers/netns.js';
import { compare, formatReport, stepTitle, type CompareOptions, type CompareReport } from '../../dist/compare/compare.js';
import { applyScenario, listScenarios, loadScenario, type Scenario, type Step } from '../../dist/compare/scenario.js';
import { runNative } from '../../dist/compare/run.js';
import { packageRoot } from '../../dist/host/paths.js';
import { findProgram } from '../../dist/host/programs.js';

const scenarioDir = join(packageRoot, 'test', 'scenarios');
const docPath = join(packageRoot, 'docs', 'conformance.md');

/** Every listing tool of libnl (issue 2's list), with the options that change what it prints. */
const LISTING: Step[] = ([
  ['nl-link-list', []],
  ['nl-link-list', ['--details']],
  ['nl-link-list', ['--stats']],
  ['nl-addr-list', []],
  ['nl-addr-list', ['--details']],
  ['nl-route-list', []],
  ['nl-route-list', ['--format', 'details']],
  ['nl-route-list', ['--format', 'stats']],
  ['nl-route-list', ['--table', '100']],
  ['nl-neigh-list', []],
  ['nl-neigh-list', ['--format', 'details']],
  ['nl-neightbl-list', []],
  ['nl-neightbl-list', ['--format', 'details']],
  ['nl-rule-list', []],
  ['nl-rule-list', ['--format', 'details']],
  ['nl-qdisc-list', []],
  ['nl-qdisc-list', ['--details']],
  ['nl-qdisc-list', ['--stats']],
  ['nl-class-list', ['--dev', 'veth0']],
  ['nl-class-list', ['--dev', 'veth0', '--details']],
  ['nl-class-list', ['--dev', 'veth0', '--stats']],
  ['nl-cls-list', ['--dev', 'veth0']],
  ['nl-cls-list', ['--dev', 'veth0', '--details']],
  ['nl-tctree-list', []],
  ['nl-tctree-list', ['--format', 'details']],
  ['genl-ctrl-list', []],
  ['genl-ctrl-list', ['--details']],
  ['nf-ct-list', []],
  ['nf-ct-list', ['--format', 'details']],
  ['idiag-socket-details', []],
] as const).map(([program, args]) => ({ program, args: [...args] }));

const SCENARIOS: Scenario[] = listScenarios(scenarioDir).map(loadScenario).filter((s) => s.run?.length);

type Aspect = CompareReport['differences'][number]['aspect'];

interface Cause {
  id: string;
  title: string;
  reason: string;
  patch?: string;
  cases: Record<string, Aspect[]>;
}

const causes = (JSON.parse(readFileSync(join(import.meta.dirname, 'known_differences.json'), 'utf8')) as { causes: Cause[] }).causes;

/**
 * What may differ for a case, and why: a difference whose cause has a
 * libnl patch disappears once the builds include the patch, so it may show
 * or not (`allowed`); the others must show (`required`), or the list is
 * out of date.
 */
function known(id: string): { required: Set<Aspect>; allowed: Set<Aspect>; causes: Cause[] } {
  const of = causes.filter((c) => c.cases[id]);
  return {
    required: new Set(of.filter((c) => !c.patch).flatMap((c) => c.cases[id])),
    allowed: new Set(of.flatMap((c) => c.cases[id])),
    causes: of,
  };
}

const explained = (id: string, aspects: Aspect[]): boolean => {
  const k = known(id);
  return [...k.required].every((a) => aspects.includes(a)) && aspects.every((a) => k.allowed.has(a));
};

interface CaseResult {
  id: string;
  group: 'listing' | 'scenario';
  description?: string;
  steps: Step[];
  report: CompareReport;
  aspects: Aspect[];
}

const results = new Map<string, CaseResult>();

/** Records the case and checks that it is equal, or differs as known_differences.json explains. */
function check(c: Omit<CaseResult, 'aspects'>, opts: CompareOptions): void {
  const aspects = [...new Set(c.report.differences.map((d) => d.aspect))].sort();
  results.set(c.id, { ...c, aspects });
  if (explained(c.id, aspects)) return;
  const k = known(c.id);
  expect.fail(`${c.id}: differs in [${aspects.join(', ')}]; known_differences.json says it must differ in ` +
    `[${[...k.required].join(', ')}] and may in [${[...k.allowed].join(', ')}]\n${formatReport(opts, c.report)}`);
}

const label = (s: Step): string => stepTitle(s.program.endsWith('.c') ? { ...s, program: relative(packageRoot, s.program) } : s);

describe.skipIf(!!kernelSkipReason)('differential: native libnl and wasm libnl (checked build) behave alike', () => {
  // compare() blocks while the programs run; between cases the event loop
  // must turn, or vitest's messages to its worker time out.
  beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

  // One clear failure rather than one per case when the checked build is partial.
  beforeAll(() => {
    const tools = [...LISTING, ...SCENARIOS.flatMap((s) => s.run ?? [])].map((s) => s.program).filter((p) => !p.endsWith('.c'));
    const missing = [...new Set(tools)].filter((t) => {
      try {
        findProgram(t, 'wasm', { checked: true });
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length) throw new Error(`the checked wasm build lacks ${missing.join(', ')}: build it (vendor/bootstrap.sh)`);
  });

  describe('listing tools on the rich scenario', () => {
    let ns = '';
    let listener: ChildProcess | undefined;
    beforeAll(async () => {
      ns = createNetns('diff-list');
      applyScenario(ns, loadScenario(join(scenarioDir, 'rich.json')));
      // Something for nf-ct-list (conntrack entries, added with the native
      // tool) and idiag-socket-details (a listening TCP socket).
      for (const [src, dst] of [['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.3']]) {
        const r = runNative(ns, 'nf-ct-add', ['-F', 'inet', '-p', 'udp', '--orig-src', src, '--orig-sport', '5353',
          '--orig-dst', dst, '--orig-dport', '53', '--reply-src', dst, '--reply-sport', '53', '--reply-dst', src,
          '--reply-dport', '5353', '--timeout', '3600']);
        if (r.status !== 0) throw new Error(`nf-ct-add: ${r.stderr}`);
      }
      listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e',
        'require("net").createServer().listen(7777, "127.0.0.1", () => console.log("up"))'], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => listener?.stdout?.once('data', resolve));
    });
    afterAll(() => {
      listener?.kill();
      spawnSync('ip', ['netns', 'delete', ns]);
    });

    it.each(LISTING.map((s) => [label(s), s] as const))('%s', (id, step) => {
      const opts: CompareOptions = { steps: [step], netns: ns, checked: true, messages: true };
      // The namespace can still change by itself between the two runs (a
      // neighbour learned, a conntrack entry timing out): an unexplained
      // difference is looked at again, up to three times.
      let report = compare(opts);
      for (let attempt = 1; attempt < 3 && !explained(id, report.differences.map((d) => d.aspect)); attempt++) {
        report = compare(opts);
      }
      expect(report.runs[0].native.stdout.length).toBeGreaterThan(0);
      check({ id, group: 'listing', steps: [step], report }, opts);
    });
  });

  describe('scenarios that change state', () => {
    it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, scenario) => {
      const steps = scenario.run ?? [];
      const opts: CompareOptions = { steps, scenario, checked: true, messages: true };
      const report = compare(opts);
      // The native run must do what the scenario says (an error case that
      // no longer fails tests nothing).
      expect(report.runs.map((r, i) => `${label(steps[i])}: ${r.native.status}`))
        .toEqual(steps.map((s) => `${label(s)}: ${s.status ?? 0}`));
      check({ id: `scenario ${name}`, group: 'scenario', description: scenario.description, steps, report }, opts);
    });
  });

  afterAll(() => {
    // Only a complete run describes the builds; a filtered one (-t) leaves the document alone.
    if (results.size === LISTING.length + SCENARIOS.length) writeFileSync(docPath, conformance());
  });
});

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function outcome(r: CaseResult): string {
  if (!r.aspects.length) return 'equal';
  const why = known(r.id).causes.filter((c) => c.cases[r.id].some((a) => r.aspects.includes(a)))
    .map((c) => `[${c.id}](#${c.id})`).join(', ');
  return `differs (${r.aspects.join(', ')}): ${why}`;
}

function conformance(): string {
  const all = [...results.values()];
  const listing = LISTING.map((s) => results.get(label(s))).filter((r): r is CaseResult => !!r);
  const scenarios = SCENARIOS.map((s) => results.get(`scenario ${s.name}`)).filter((r): r is CaseResult => !!r);
  const equal = all.filter((r) => !r.aspects.length).length;
  const shows = (c: Cause): boolean => all.some((r) => c.cases[r.id]?.some((a) => r.aspects.includes(a)));
  const shown = causes.filter(shows);
  const fixed = causes.filter((c) => c.patch && !shows(c));
  const lines = [
    '# Conformance: native libnl and libnl.wasm',
    '',
    '<!-- Generated by test/differential/differential.test.ts from its results and',
    '     test/differential/known_differences.json; do not edit by hand. -->',
    '',
    'Each case runs the native build and the checked wasm build (SAFE_HEAP: NULL and',
    'misaligned accesses trap) of the same libnl 3.7.0 source on the same kernel state,',
    'with `libnl-wasm compare`, and compares exit status, stdout and stderr (masked:',
    'durations, ages, counters in `--stats` output, kernel-chosen handles and MAC',
    'addresses), the kernel state left behind (`ip -d -j`, `tc -j`) and the netlink',
    'messages sent (byte for byte; sequence numbers and port ids masked).',
    '',
    `**${all.length} cases: ${equal} equal, ${all.length - equal} different** (each difference explained below).`,
    '',
    '## Listing tools',
    '',
    'One namespace holding [test/scenarios/rich.json](../test/scenarios/rich.json), two',
    'conntrack entries and a listening TCP socket; both builds run in it in turn.',
    '',
    '| command | result |',
    '|---|---|',
    ...listing.map((r) => `| \`${cell(label(r.steps[0]))}\` | ${outcome(r)} |`),
    '',
    '## Scenarios that change state',
    '',
    'Two fresh namespaces set up alike from the scenario file (each extends rich.json); the',
    'steps run in order in each, the kernel state is compared after the last one. The',
    'expected exit status of each step is in the scenario file.',
    '',
    '| scenario | what it does | steps | result |',
    '|---|---|---|---|',
    ...scenarios.map((r) => {
      const name = r.id.replace(/^scenario /, '');
      const steps = r.steps.map((s, i) => `\`${cell(label(s))}\` → ${r.report.runs[i].native.status}`).join('<br>');
      return `| [${name}](../test/scenarios/${name}.json) | ${cell(r.description ?? '')} | ${steps} | ${outcome(r)} |`;
    }),
    '',
    '## Differences and their reasons',
    '',
    ...(shown.length ? shown.flatMap((c) => [
      `### ${c.id}`,
      '',
      `**${c.title}.** ${c.reason}${c.patch ? ' The builds compared here predate the patch.' : ''}`,
      '',
      `Cases: ${Object.entries(c.cases).map(([id, aspects]) => `${id} (${aspects.join(', ')})`).join('; ')}.`,
      '',
    ]) : ['None.', '']),
    ...(fixed.length ? [
      '## Differences fixed by patches to libnl',
      '',
      'Found by this suite, fixed in vendor/libnl/patches/, no longer showing in these builds:',
      '',
      ...fixed.flatMap((c) => [`### ${c.id}`, '', `**${c.title}.** ${c.reason}`, '']),
    ] : []),
    "## libnl's own test programs",
    '',
    "`tests/check-all` and every `tests/test-*` program are compared in",
    '[test/kernel/libnl_programs.test.ts](../test/kernel/libnl_programs.test.ts): check-all',
    'passes and fails the same cases under wasm as natively, and each program ends with the',
    'same exit status, each in a fresh namespace.',
    '',
  ];
  return lines.join('\n');
}
