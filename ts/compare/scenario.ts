/**
 * Scenarios: declarative descriptions (JSON) of what a network namespace
 * holds before a run, and optionally what to run. `setup` lists ip/tc
 * command lines, run in order inside the namespace; `extends` names another
 * scenario of the same folder whose setup comes first (so that many
 * scenarios can start from one base state); `run` lists the steps to run
 * and compare, each a libnl tool or a C program (a path ending in .c,
 * relative to the scenario file, built both ways by compare), with the exit
 * status the step is meant to end with: error cases say so, and a scenario
 * that no longer exercises the error it names is noticed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface Step {
  program: string;
  args: string[];
  /** The exit status the step is meant to end with (0 when absent). */
  status?: number;
}

export interface Scenario {
  name: string;
  description: string;
  setup: string[][];
  /** What to run and compare, for scenarios that carry their own program. */
  run?: Step[];
}

interface ScenarioFile {
  description: string;
  extends?: string;
  setup?: string[][];
  run?: Step[];
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((a) => typeof a === 'string');

function readScenarioFile(path: string, seen: string[]): Omit<Scenario, 'name'> {
  if (seen.includes(path)) throw new Error(`${path}: "extends" loops (${seen.join(' -> ')})`);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as ScenarioFile;
  const setup = raw.setup ?? [];
  if (!Array.isArray(setup) || !setup.every(isStrings)) {
    throw new Error(`${path}: "setup" must be a list of command lines (lists of strings)`);
  }
  if (raw.run !== undefined && !(Array.isArray(raw.run) && raw.run.every((s) => typeof s.program === 'string' && isStrings(s.args)))) {
    throw new Error(`${path}: "run" must be a list of {"program": string, "args": [strings]}`);
  }
  const base = raw.extends === undefined ? [] : readScenarioFile(join(dirname(path), `${raw.extends}.json`), [...seen, path]).setup;
  const run = raw.run?.map((s) => (s.program.endsWith('.c') ? { ...s, program: resolve(dirname(path), s.program) } : s));
  return { description: raw.description, setup: [...base, ...setup], ...(run ? { run } : {}) };
}

export function loadScenario(path: string): Scenario {
  return { name: basename(path).replace(/\.json$/, ''), ...readScenarioFile(resolve(path), []) };
}

export function listScenarios(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

const ALLOWED = new Set(['ip', 'tc', 'bridge']);

/**
 * IPv6 changes links by itself for a while after they come up: addresses
 * stay "tentative" during duplicate address detection, router solicitations
 * set "rs_sent". Two namespaces set up a moment apart, or one listed before
 * and after, would differ by when they are looked at. Without DAD (both
 * settings must say so) and solicitations (for the links the setup
 * creates), they hold still.
 */
const QUIET = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0',
  'net.ipv6.conf.default.router_solicitations=0'];

/**
 * What every namespace compare makes starts with, as a machine's own
 * namespace has it: the loopback interface up (`ip netns add` leaves it
 * down). A scenario can take it down again.
 */
export function startLikeAMachine(ns: string): void {
  const r = spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -n ${ns} link set lo up: ${r.stderr.trim()}`);
}

/** Builds the scenario's state in namespace `ns` (made quiet first, see QUIET). */
export function applyScenario(ns: string, scenario: Scenario): void {
  const q = spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...QUIET], { encoding: 'utf8' });
  if (q.status !== 0) throw new Error(`scenario ${scenario.name}: sysctl in ${ns}: ${q.stderr.trim()}`);
  for (const cmd of scenario.setup) {
    if (!ALLOWED.has(cmd[0])) throw new Error(`scenario ${scenario.name}: only ip, tc and bridge commands, not ${cmd[0]}`);
    const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scenario ${scenario.name}: ${cmd.join(' ')}: ${r.stderr.trim()}`);
  }
}
