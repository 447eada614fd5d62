/**
 * Contender of the namespaces scenarios (issue 25): opens the typed client
 * on every namespace NAME0 .. NAME<count-1>, lists each one's links and
 * watches each one's links, addresses and routes, then measures how fast a
 * change there reaches it.
 *
 *   per-ns: today's model, NetlinkClient.open({ netns }) and client.watch()
 *           per namespace (a worker each, and a watch worker each), one
 *           namespace after the other;
 *   shared: issue 25's, one client: client.netns(name) views listed
 *           together, one watcher for all the namespaces.
 *
 *   node --import tsx bench/namespaces/contender.ts per-ns|shared PREFIX COUNT PROBES ROUND
 *
 * ROUND (0-255) numbers the probes' addresses, new in every round run on
 * the same namespaces.
 *
 * Writes one JSON line when everything is open and probed (ProbeReport),
 * then, after a "close" line on stdin, closes it all and writes {"closeMs"}.
 * A probe: "address add 10.77.ROUND.K/32 dev lo" written to an `ip -n NS
 * -batch -` started before anything was opened, timed from the write to
 * the event on the main thread. (Spawning ip per probe would time the
 * spawn: forking a process of 1.5 GiB and 100 threads took 100 ms here.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { NetlinkClient, type Watcher, type WatchEvent } from '../../dist/index.js';
import { rss, threads } from '../../test/helpers/process_stats.js';

export interface ProbeReport {
  opened: number;
  openMs: number;
  rssAddedKb: number;
  threadsAdded: number;
  /** Per probe, from writing the change to ip to the event (ms); null when it never came. */
  latenciesMs: Array<number | null>;
  overflows: number;
}

const KINDS = ['link', 'address', 'route'] as const;
const PROBE_TIMEOUT_MS = 5_000;

const [mode, prefix, countArg, probesArg, roundArg] = process.argv.slice(2);
if ((mode !== 'per-ns' && mode !== 'shared') || !prefix) {
  throw new Error('usage: namespaces/contender.ts per-ns|shared PREFIX COUNT PROBES ROUND');
}
const names = Array.from({ length: Number(countArg) }, (_, i) => `${prefix}${i}`);
const probes = Math.min(Number(probesArg), names.length);
const round = Number(roundArg);

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Probes waiting for their event: namespace -> the address and who to tell. */
const waiting = new Map<string, { address: string; arrived: (ms: number) => void }>();
let overflows = 0;

function deliver(netns: string | undefined, e: WatchEvent): void {
  if (e.kind === 'overflow') {
    overflows++;
    return;
  }
  const w = netns !== undefined ? waiting.get(netns) : undefined;
  if (!w || e.kind !== 'address' || e.action !== 'new' || e.object.local?.split('/')[0] !== w.address) return;
  waiting.delete(netns as string);
  w.arrived(now());
}

/** Reads a watcher's events for as long as it lives; `netns` for today's, which are not labelled. */
function drain(w: Watcher, netns?: string): void {
  void (async () => {
    for await (const e of w) deliver(e.netns ?? netns, e);
  })().catch((e: Error) => process.stderr.write(`namespaces/contender: watcher: ${e.message}\n`));
}

interface Opened {
  close(): Promise<void>;
}

async function openPerNs(): Promise<Opened> {
  const clients: NetlinkClient[] = [];
  const watchers: Watcher[] = [];
  for (const n of names) {
    const c = await NetlinkClient.open({ netns: n });
    clients.push(c);
    await c.links.list();
    const w = await c.watch([...KINDS]);
    watchers.push(w);
    drain(w, n);
  }
  return {
    close: async () => {
      await Promise.all(watchers.map((w) => w.close()));
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

async function openShared(): Promise<Opened> {
  const client = await NetlinkClient.open();
  const views = await Promise.all(names.map((n) => client.netns(n)));
  await Promise.all(views.map((v) => v.links.list()));
  const w = await client.watch([...KINDS], { netns: names });
  drain(w);
  return {
    close: async () => {
      await w.close();
      await Promise.all(views.map((v) => v.close()));
      await client.close();
    },
  };
}

const probed = Array.from({ length: probes }, (_, k) => names[Math.floor((k * names.length) / probes)]);

/** An `ip -batch` in each probed namespace, reading changes from its stdin; failures end it (on stderr). */
function startHelpers(): ChildProcess[] {
  return probed.map((n) => spawn('ip', ['-n', n, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] }));
}

async function probe(k: number, helper: ChildProcess): Promise<number | null> {
  const netns = probed[k];
  const address = `10.77.${round}.${k + 1}`;
  const arrived = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(netns);
      resolve(null);
    }, PROBE_TIMEOUT_MS);
    waiting.set(netns, { address, arrived: (ms) => {
      clearTimeout(timer);
      resolve(ms);
    } });
  });
  const t0 = now();
  helper.stdin?.write(`address add ${address}/32 dev lo\n`);
  const t = await arrived;
  return t === null ? null : t - t0;
}

const helpers = startHelpers();
const rss0 = rss();
const threads0 = threads();
const t0 = now();
const opened = mode === 'per-ns' ? await openPerNs() : await openShared();
const openMs = now() - t0;
const report: ProbeReport = {
  opened: names.length, openMs, rssAddedKb: (rss() - rss0) / 1024, threadsAdded: threads() - threads0,
  latenciesMs: [], overflows: 0,
};
for (let k = 0; k < probes; k++) report.latenciesMs.push(await probe(k, helpers[k]));
for (const h of helpers) h.stdin?.end();
report.overflows = overflows;
process.stdout.write(`${JSON.stringify(report)}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'close') continue;
  const c0 = now();
  await opened.close();
  process.stdout.write(`${JSON.stringify({ closeMs: now() - c0 })}\n`);
}
