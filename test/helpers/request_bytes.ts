/**
 * What a request looks like on the wire, from iproute2 (ip, bridge, tc) and
 * from the typed client, for the kinds this kernel lacks: both run in a
 * private namespace under the compare tool's LD_PRELOAD tracer
 * (build/native/libnltrace.so, which records every netlink datagram a
 * process sends, the client's native host included), the kernel refuses or
 * takes the request, and the messages sent are compared attribute by
 * attribute: sequence numbers and port ids are not compared, attribute
 * order is reported apart (libnl and iproute2 put attributes in different
 * orders, which the kernel does not care about).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readTrace, splitMessages, type NetlinkMessage } from '../../dist/compare/messages.js';
import { buildDir } from '../../dist/host/paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TRACER = join(buildDir('native'), 'libnltrace.so');
const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;

/** Runs `argv` inside `ns` with the tracer; the messages it sent, whatever its exit status. */
function traced(ns: string, argv: (dir: string) => string[], env: Record<string, string> = {}): { sent: NetlinkMessage[]; status: number | null; out: string; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lnw-bytes-'));
  const file = join(dir, 'trace.jsonl');
  try {
    const vars = Object.entries({ LD_PRELOAD: TRACER, NLTRACE_FILE: file, ...env }).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync('ip', ['netns', 'exec', ns, 'env', ...vars, ...argv(dir)], { encoding: 'utf8', timeout: 60_000 });
    return { sent: splitMessages(readTrace(file)).filter((m) => m.dir === 'send'), status: r.status, out: r.stdout + r.stderr, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What an iproute2 tool sent (ip, bridge, tc: the first word of argv), and what it printed. */
export function toolSent(ns: string, argv: string[]): { sent: NetlinkMessage[]; status: number | null; out: string } {
  return traced(ns, () => argv);
}

/** One request of a batch, as the client takes it. */
export interface ClientOp {
  op: string;
  kind: string;
  spec: unknown;
}

/** What the typed client sent for `ops` (one batch), and each op's error message ('' when applied). */
export function clientSent(ns: string, ops: ClientOp[]): { sent: NetlinkMessage[]; errors: string[] } {
  // A module of its own: the client's workers do not start from an -e script.
  const script = `
    import { NetlinkClient } from ${JSON.stringify(join(ROOT, 'dist/index.js'))};
    const ops = JSON.parse(process.env.LNW_OPS);
    const client = await NetlinkClient.open();
    const r = await client.batch(ops);
    process.stdout.write(JSON.stringify(ops.map((_, i) => r.errors.find((e) => e.index === i)?.error.message ?? '')));
    await client.close();`;
  const r = traced(ns, (dir) => {
    writeFileSync(join(dir, 'batch.mjs'), script);
    return [process.execPath, join(dir, 'batch.mjs')];
  }, { LNW_OPS: JSON.stringify(ops) });
  if (r.status !== 0) throw new Error(`the client's run failed (${r.status}): ${r.out}`);
  return { sent: r.sent, errors: JSON.parse(r.stdout) as string[] };
}

/** The sent messages of one netlink message type (the request, not the lookups around it). */
export function ofType(sent: NetlinkMessage[], type: number): NetlinkMessage[] {
  return sent.filter((m) => m.type === type);
}

/**
 * A message as comparable lines: "flags 0x605", "header <hex>" (the fixed
 * header of `headerBytes`), then one line per attribute, "2.18.1 <hex>" for a
 * leaf (its path of attribute types from the top) or "2.18 nested" for a
 * nest. `nests` names the paths whose payload is itself attributes.
 */
export function describeMessage(m: NetlinkMessage, headerBytes: number, nests: readonly string[]): string[] {
  const b = m.bytes;
  const lines = [`flags 0x${m.flags.toString(16)}`, `header ${b.subarray(16, 16 + headerBytes).toString('hex')}`];
  const walk = (from: number, to: number, prefix: string): void => {
    let off = from;
    while (off + 4 <= to) {
      const len = b.readUInt16LE(off);
      const rawType = b.readUInt16LE(off + 2);
      if (len < 4 || off + len > to) {
        lines.push(`${prefix}malformed at ${off}`);
        return;
      }
      const path = `${prefix}${rawType & NLA_TYPE_MASK}`;
      if (nests.includes(path)) {
        lines.push(`${path} nested${rawType & NLA_F_NESTED ? ' (NLA_F_NESTED)' : ''}`);
        walk(off + 4, off + len, `${path}.`);
      } else {
        lines.push(`${path} ${b.subarray(off + 4, off + len).toString('hex')}`);
      }
      off += (len + 3) & ~3;
    }
  };
  walk(16 + ((headerBytes + 3) & ~3), b.length, '');
  return lines;
}

/**
 * A difference between the client's request and the tool's that the kernel
 * does not care about, each named so that a test says which ones it allows:
 *  - "ack": the client's requests go without NLM_F_ACK, a NLMSG_NOOP
 *    barrier after them asking for the acknowledgement
 *    (ts/api/request_pipeline.ts); iproute2 sets NLM_F_ACK on each;
 *  - "nested": libnl marks nests with NLA_F_NESTED, iproute2 6.1 does not;
 *  - "nul PATH": libnl's string attribute at PATH ends in a NUL, iproute2's
 *    does not (the kernel's NLA_STRING takes both).
 */
export type Allowed = 'ack' | 'nested' | `nul ${string}`;

function apply(lines: string[], allowed: readonly Allowed[], client: boolean): string[] {
  return lines.map((line) => {
    let l = line;
    if (allowed.includes('ack') && l.startsWith('flags ')) l = `flags 0x${(parseInt(l.slice(8), 16) & ~0x4).toString(16)}`;
    if (allowed.includes('nested')) l = l.replace(' (NLA_F_NESTED)', '');
    const [path, value] = l.split(' ');
    if (client && allowed.includes(`nul ${path}`) && value?.endsWith('00')) l = `${path} ${value.slice(0, -2)}`;
    return l;
  });
}

/**
 * How the client's message differs from the tool's once the allowed
 * differences are set aside: lines only one side has, and whether the lines
 * both have come in the same order.
 */
export function differences(client: string[], tool: string[], allowed: readonly Allowed[] = []): { onlyClient: string[]; onlyTool: string[]; sameOrder: boolean } {
  const c = apply(client, allowed, true);
  const t = apply(tool, allowed, false);
  const left = [...t];
  const onlyClient: string[] = [];
  for (const line of c) {
    const i = left.indexOf(line);
    if (i < 0) onlyClient.push(line);
    else left.splice(i, 1);
  }
  const shared = c.filter((l) => !onlyClient.includes(l));
  const toolShared = t.filter((l) => !left.includes(l));
  return { onlyClient, onlyTool: left, sameOrder: shared.join('\n') === toolShared.join('\n') };
}

/** A request of the client and the same request of an iproute2 tool, as sent in `ns`. */
export interface RequestPair {
  client: string[];
  tool: string[];
  /** The tool's output (its refusal, when the kernel lacks the feature) and the client's error ('' when applied). */
  toolOutput: string;
  clientError: string;
}

/**
 * Runs the tool and the client for the same request in `ns` and describes
 * the first message of `type` each sent (see describeMessage).
 */
export function requestPair(ns: string, argv: string[], op: ClientOp, type: number, headerBytes: number, nests: readonly string[] = []): RequestPair {
  const tool = toolSent(ns, argv);
  const client = clientSent(ns, [op]);
  const [t] = ofType(tool.sent, type);
  const [c] = ofType(client.sent, type);
  if (!t) throw new Error(`${argv.join(' ')} sent no message of type ${type}: ${tool.out}`);
  if (!c) throw new Error(`the client sent no message of type ${type}: ${client.errors[0]}`);
  return {
    client: describeMessage(c, headerBytes, nests), tool: describeMessage(t, headerBytes, nests),
    toolOutput: tool.out.trim(), clientError: client.errors[0],
  };
}
