/** Issue 23's targets, checked against one run's writes, start-up and facade figures. */
import type { FacadeResult } from '../facade.js';
import { fmtMb, fmtTime } from '../format.js';
import type { Target } from '../target.js';
import type { WriteReport, WriteResult } from './run.js';
import type { StartupRow } from './startup.js';

const CLI_LIMIT_MS = 120;

export function writesTargets(reports: readonly WriteReport[], startup: readonly StartupRow[] | undefined,
  facade: FacadeResult | undefined): Target[] {
  const out: Target[] = [];
  const find = (scenario: string, id: string): WriteResult | undefined =>
    reports.find((r) => r.scenario.name === scenario)?.results.find((r) => r.id === id && r.samples.length > 0);

  const awaited = find('route-add-10k', 'client-awaited');
  if (awaited?.vsC !== undefined) {
    out.push({ what: 'route-add-10k: awaited client.routes.add() ≤ 3× the C loop', value: `${awaited.vsC.toFixed(2)}×`,
      met: awaited.vsC <= 3 });
    const npm = find('route-add-10k', 'netlink-npm');
    if (npm) {
      out.push({ what: "route-add-10k: awaited client.routes.add() faster than npm netlink's loop",
        value: `${fmtTime(awaited.median)} vs ${fmtTime(npm.median)}`, met: awaited.median < npm.median });
    }
  }
  const batch = find('route-add-100k', 'client-batch');
  if (batch) {
    if (batch.vsC !== undefined) {
      out.push({ what: 'route-add-100k: client.batch() ≤ 1.0× the C loop', value: `${batch.vsC.toFixed(2)}×`,
        met: batch.vsC <= 1 });
    }
    const ip = find('route-add-100k', 'ip-batch');
    if (ip) {
      out.push({ what: 'route-add-100k: client.batch() faster than ip -batch',
        value: `${fmtTime(batch.median)} vs ${fmtTime(ip.median)}`, met: batch.median < ip.median });
    }
    out.push({ what: 'route-add-100k: all of client.batch()\'s routes in the kernel afterwards',
      value: batch.mismatches.length ? `${batch.mismatches.length} turns wrong` : 'every turn', met: !batch.mismatches.length });
    if (batch.eldMaxMs !== undefined) {
      out.push({ what: 'route-add-100k: event-loop delay during client.batch() ≤ 5 ms',
        value: `${batch.eldMaxMs.toFixed(1)} ms (p99 ${batch.eldP99Ms?.toFixed(1) ?? '—'} ms)`, met: batch.eldMaxMs <= 5 });
    }
  }
  const gen = find('route-add-1m-gen', 'client-batch-gen');
  if (gen) {
    out.push({ what: 'route-add-1m-gen: a 1M-op async generator batch, peak RSS ≤ 300 MB', value: fmtMb(gen.rssKb),
      met: gen.rssKb <= 300 * 1024 && !gen.mismatches.length });
  }
  if (facade) {
    const ratio = facade.setterCallMs.median / facade.trivialCallMs.median;
    out.push({ what: 'a 1:1 call in a loop of setters ≤ 2× the trivial round trip',
      value: `${(facade.setterCallMs.median * 1000).toFixed(1)} µs vs ${(facade.trivialCallMs.median * 1000).toFixed(1)} µs, ` +
        `${ratio.toFixed(2)}×`, met: ratio <= 2 });
  }
  for (const r of startup ?? []) {
    if (!r.vs) continue;
    out.push({ what: `${r.id} ≤ ${CLI_LIMIT_MS} ms wall (median)`, value: `${r.medianMs.toFixed(1)} ms`,
      met: r.medianMs <= CLI_LIMIT_MS });
  }
  return out;
}
