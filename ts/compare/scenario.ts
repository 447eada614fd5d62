/**
 * Scenarios: declarative descriptions (JSON) of what a network namespace
 * holds before a run. `setup` lists ip/tc command lines, run in order inside
 * the namespace; `expectFailure` marks scenarios whose program is expected to
 * fail (error cases), which compare still checks for equal behaviour.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface Scenario {
  name: string;
  description: string;
  setup: string[][];
  /** What to run and compare, for scenarios that carry their own program. */
  run?: { program: string; args: string[] }[];
}

export function loadScenario(path: string): Scenario {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Omit<Scenario, 'name'>;
  if (!Array.isArray(raw.setup) || !raw.setup.every((c) => Array.isArray(c) && c.every((a) => typeof a === 'string'))) {
    throw new Error(`${path}: "setup" must be a list of command lines (lists of strings)`);
  }
  return { name: basename(path).replace(/\.json$/, ''), ...raw };
}

export function listScenarios(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

const ALLOWED = new Set(['ip', 'tc']);

/** Builds the scenario's state in namespace `ns`. */
export function applyScenario(ns: string, scenario: Scenario): void {
  for (const cmd of scenario.setup) {
    if (!ALLOWED.has(cmd[0])) throw new Error(`scenario ${scenario.name}: only ip and tc commands, not ${cmd[0]}`);
    const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scenario ${scenario.name}: ${cmd.join(' ')}: ${r.stderr.trim()}`);
  }
}
