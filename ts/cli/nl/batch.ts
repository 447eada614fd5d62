/**
 * nl -batch FILE (or - for stdin), as `ip -batch`: one nl command per line
 * (`route add 10.0.0.0/24 via 10.1.0.1`), `#` comments, words quoted with
 * "..." or '...'. Consecutive requests go to the kernel as one
 * client.batch(), pipelined, while the file is still being read, so a file
 * of a million routes needs little memory; a line that reads (a listing,
 * or a delete that looks its object up first) runs on its own once the
 * requests before it are answered. As ip does, the first failure ends it
 * ("command failed FILE:LINE") unless -force is given; the exit status is 1
 * if any command failed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Cancelled } from '../../host/errors.js';
import type { NetlinkClient } from '../../api/client.js';
import { KINDS } from '../../api/kinds/index.js';
import type { AnyKind } from '../../api/kinds/index.js';
import type { BatchOp } from '../../api/types.js';
import { Context, type OutputOptions } from './context.js';

/** Thrown by the recording client when a command needs an answer from the kernel. */
class NeedsKernel extends Error {}

/**
 * A stand-in for the client whose request methods record the request and
 * whose other methods (listings, lookups, watches) say the command needs
 * the real client.
 */
function recordingClient(record: (op: BatchOp) => void): NetlinkClient {
  const client: Record<string, unknown> = {};
  const needsKernel = (): never => { throw new NeedsKernel(); };
  for (const d of Object.values(KINDS) as unknown as AnyKind[]) {
    const methods = (d.methods ?? {}) as Record<string, (...a: unknown[]) => unknown>;
    const api: Record<string, unknown> = { list: needsKernel, stream: needsKernel, get: needsKernel };
    for (const op of Object.keys(d.requests ?? {})) {
      api[op] = async (...args: unknown[]): Promise<void> => {
        record({ op, kind: d.name, spec: methods[op] ? methods[op](...args) : args[0] } as BatchOp);
      };
    }
    const path = d.property.split('.');
    let at = client;
    for (const part of path.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = api;
  }
  client.watch = needsKernel;
  return client as unknown as NetlinkClient;
}

/** A line's words: whitespace apart, quotes kept together, a word starting with # ends the line. */
export function batchWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m[3]?.startsWith('#')) break;
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2] ?? m[3]);
  }
  return words;
}

export interface BatchRun {
  client: NetlinkClient;
  options: OutputOptions;
  /** A path, or "-" for standard input. */
  file: string;
  force: boolean;
  /** The action of one command line (as nl's own command line runs it). */
  command: (words: string[]) => (ctx: Context) => Promise<void>;
  describe: (e: unknown) => string;
  warn: (text: string) => void;
}

export async function runBatchFile(run: BatchRun): Promise<number> {
  const input = run.file === '-' ? process.stdin : createReadStream(run.file);
  const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  const source = run.file === '-' ? '-' : run.file;
  let lineNo = 0;
  let failures = 0;
  let ended = false;
  const fail = (e: unknown, line: number): void => {
    failures++;
    run.warn(`nl: ${run.describe(e)}\nnl: command failed ${source}:${line}\n`);
  };
  /** The next command line (its words and number), or undefined at the end. */
  const nextLine = async (): Promise<{ words: string[]; line: number } | undefined> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) {
        ended = true;
        return undefined;
      }
      lineNo++;
      const words = batchWords(r.value);
      if (words.length) return { words, line: lineNo };
    }
  };

  while (!ended) {
    const opLines: number[] = [];
    let pending: { words: string[]; line: number } | undefined;
    let stop = false;
    async function* requests(): AsyncGenerator<BatchOp> {
      for (;;) {
        const next = await nextLine();
        if (!next) return;
        const recorded: BatchOp[] = [];
        try {
          await run.command(next.words)(new Context(recordingClient((op) => recorded.push(op)), run.options));
        } catch (e) {
          if (e instanceof NeedsKernel) {
            pending = next;
            return;
          }
          fail(e, next.line);
          if (!run.force) {
            stop = true;
            return;
          }
        }
        for (const op of recorded) {
          opLines.push(next.line);
          yield op;
        }
      }
    }
    const r = await run.client.batch(requests(), { stopOnError: !run.force });
    for (const e of r.errors) if (!(e.error instanceof Cancelled)) fail(e.error, opLines[e.index]);
    if (stop || (failures && !run.force)) return 1;
    if (pending) {
      try {
        await run.command(pending.words)(new Context(run.client, run.options));
      } catch (e) {
        fail(e, pending.line);
        if (!run.force) return 1;
      }
    }
  }
  return failures ? 1 : 0;
}
