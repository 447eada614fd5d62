/**
 * The floor for `list()`'s event-loop delay: a main thread that builds
 * 100k route-shaped objects itself, 500 per turn of the event loop as the
 * client hands them out, with no worker, no netlink and no decoder, and
 * measured as the contenders are (bench/loop_delay.ts: the largest delay
 * per dump).
 *
 * "collected" keeps every object until the dump ends, as `list()` does;
 * "per turn" drops each turn's objects, as a `stream()` consumer that only
 * counts them does. Each runs with 0 and 1 other threads spinning (the
 * client's worker is one busy thread). The objects are literals in this
 * file, of the client's Route shape (docs/benchmark.md, "The event-loop
 * delay"): if collecting them costs the same delays here, those delays are
 * V8's young-generation collections copying objects that survive, not the
 * client's work.
 *
 * "collected, JSON" builds the same objects with `JSON.parse` of one text
 * per turn, decoded from bytes as a worker's batch would arrive. V8 puts
 * what it parses from a text of 100 KB or more straight into the old
 * generation, so this is what a decoder that made JSON could reach.
 *
 *   node --import tsx bench/kept_objects_floor.ts
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { withLoopDelay } from './loop_delay.js';
import { whileSpinning } from './spinning_threads.js';
import { median } from './stats.js';

const OBJECTS = 100_000;
const PER_TURN = 500;
const DUMPS = 12;

/** Address text as the decoder makes it: a fresh string from bytes. */
const text = Buffer.from('198.18.1.243192.0.2.2');

function route(): object {
  return {
    family: 2, table: 254, protocol: 'boot', scope: 'global', type: 'unicast',
    dst: text.toString('latin1', 0, 12), priority: 0, tos: 0, flags: 0,
    metrics: {},
    nexthops: [{ ifindex: 3, gateway: text.toString('latin1', 12, 21), weight: 1, flags: 0 }],
  };
}

/** One turn's objects as JSON bytes (about 106 KB: over V8's 100 KB pretenuring threshold). */
const turnJson = Buffer.from(JSON.stringify(Array.from({ length: PER_TURN }, route)));
const utf8 = new TextDecoder();

const SOURCES = ['collected', 'collected, JSON', 'per turn'] as const;
type Source = typeof SOURCES[number];

interface Dump { ms: number; largestDelayMs: number }

async function dump(source: Source): Promise<Dump> {
  const { value: ms, delay } = await withLoopDelay(async () => {
    const start = performance.now();
    const all: object[] = [];
    for (let i = 0; i < OBJECTS; i += PER_TURN) {
      if (source === 'collected, JSON') {
        for (const o of JSON.parse(utf8.decode(turnJson)) as object[]) all.push(o);
      } else {
        const turn = source === 'collected' ? all : [];
        for (let j = 0; j < PER_TURN; j++) turn.push(route());
      }
      await nextTurn();
    }
    return performance.now() - start;
  });
  return { ms, largestDelayMs: delay.maxNs / 1e6 };
}

async function measure(source: Source, spinning: number): Promise<Dump[]> {
  return whileSpinning(spinning, async () => {
    const dumps: Dump[] = [];
    for (let d = 0; d < DUMPS; d++) dumps.push(await dump(source));
    return dumps;
  });
}

const ms = (x: number): string => `${x.toFixed(1).padStart(6)} ms`;

console.log(`${OBJECTS} route-shaped objects built on the main thread, ${PER_TURN} per turn, ${DUMPS} dumps each`);
console.log('objects           spinning   time/dump   largest delay: median       max');
for (const source of SOURCES) {
  for (const spinning of [0, 1]) {
    const d = await measure(source, spinning);
    const delays = d.map((x) => x.largestDelayMs);
    console.log(`${source.padEnd(17)} ${String(spinning).padStart(8)} ${ms(median(d.map((x) => x.ms)))}`
      + `                ${ms(median(delays))} ${ms(Math.max(...delays))}`);
  }
}
