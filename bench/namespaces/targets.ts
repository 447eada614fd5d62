/** Issue 25's targets, checked against one run's namespaces figures. */
import { fmtTime } from '../format.js';
import type { Target } from '../target.js';
import type { NamespacesReport } from './run.js';

export function namespacesTargets(reports: readonly NamespacesReport[]): Target[] {
  const out: Target[] = [];
  const r = reports.find((x) => x.scenario.name === 'netns-500')?.results.find((x) => x.id === 'shared-client');
  if (!r || !r.rounds.length) return out;
  const gib = r.rssAddedKb / 1024 / 1024;
  out.push(
    { what: 'netns-500: watched and ready in ≤ 5 s', value: fmtTime(r.openMs / 1e3), met: r.openMs <= 5000 },
    { what: 'netns-500: RSS added ≤ 1 GiB (≤ 2 MiB a namespace)',
      value: `${(gib * 1024).toFixed(0)} MiB, ${((r.rssAddedKb / 1024) / r.opened).toFixed(2)} MiB each`, met: gib <= 1 },
    { what: 'netns-500: ≤ 8 threads beyond what the process had', value: String(r.threadsAdded), met: r.threadsAdded <= 8 },
    { what: 'netns-500: a change delivered within 100 ms (largest of the probes, none lost)',
      value: `${r.latencyMaxMs.toFixed(1)} ms, ${r.lost} lost`, met: r.latencyMaxMs <= 100 && r.lost === 0 },
  );
  return out;
}
