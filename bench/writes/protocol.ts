/**
 * The writes bench's line protocol between bench/writes/run.ts and a
 * contender's process (inside the turn's namespace):
 *
 *   in:  "<op> <first> <count> <ifindex>"   e.g. "route-add 0 10000 2"
 *   out: {"done":N,"ns":T[,"eldMaxNs":..,"eldP99Ns":..][,"helperRssKb":..]}
 *
 * The contender applies ops first .. first+count-1 (bench/writes/ops.ts),
 * timing them itself; `done` is how many it believes applied (the runner
 * checks the kernel). ifindex is DEV's, for contenders that name it by index.
 */
import { serveLines, type DumpResult } from '../child.js';
import { WRITE_OPS, type WriteOp } from './ops.js';

export interface Command {
  op: WriteOp;
  first: number;
  count: number;
  ifindex: number;
}

export interface Answer {
  done: number;
  ns: number;
  /** Largest event-loop delay during the ops, and its 99th percentile (Node contenders). */
  eldMaxNs?: number;
  eldP99Ns?: number;
  /** Peak RSS of a helper process the contender ran (ip for ip -batch), KiB. */
  helperRssKb?: number;
}

export function formatCommand(c: Command): string {
  return `${c.op} ${c.first} ${c.count} ${c.ifindex}\n`;
}

export function parseCommand(line: string): Command {
  const [op, ...numbers] = line.trim().split(/\s+/);
  const [first, count, ifindex] = numbers.map(Number);
  if (!WRITE_OPS.includes(op as WriteOp) || numbers.length !== 3 || ![first, count, ifindex].every(Number.isInteger)) {
    throw new Error(`bad command ${JSON.stringify(line)}`);
  }
  return { op: op as WriteOp, first, count, ifindex };
}

export function parseAnswer(line: string): Answer {
  const a = JSON.parse(line) as Answer;
  if (!Number.isInteger(a.done) || !Number.isFinite(a.ns)) throw new Error(`bad answer ${line}`);
  return a;
}

/** The answer of a run timed by bench/child.ts's timed() or timedWithLoopDelay() (items: ops done). */
export function answerOf(r: DumpResult): Answer {
  return { done: r.items, ns: Number(r.ns),
    ...(r.eventLoopDelayNs !== undefined ? { eldMaxNs: r.eventLoopDelayNs, eldP99Ns: r.eventLoopDelayP99Ns } : {}) };
}

/** Serves commands until stdin ends, then runs `close`. */
export function serveWrites(run: (c: Command) => Promise<Answer>, close?: () => Promise<void> | void): Promise<void> {
  return serveLines(async (line) => JSON.stringify(await run(parseCommand(line))), close);
}
