/**
 * Scenarios: declarative descriptions (test/scenarios/*.json) of what a
 * network namespace holds before a run. `setup` is a list of ip/tc command
 * lines, run in order inside the namespace.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface Scenario {
  name: string;
  description: string;
  setup: string[][];
}

export const scenarioDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'scenarios');

export function loadScenario(name: string): Scenario {
  const raw = JSON.parse(readFileSync(join(scenarioDir, `${name}.json`), 'utf8')) as Omit<Scenario, 'name'>;
  return { name, ...raw };
}

export function listScenarios(): string[] {
  return readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
}

const ALLOWED = new Set(['ip', 'tc']);

export function applyScenario(ns: string, scenario: Scenario): void {
  for (const cmd of scenario.setup) {
    if (!ALLOWED.has(cmd[0])) throw new Error(`scenario ${scenario.name}: only ip and tc commands, not ${cmd[0]}`);
    const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scenario ${scenario.name}: ${cmd.join(' ')}: ${r.stderr.trim()}`);
  }
}
