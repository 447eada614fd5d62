#!/usr/bin/env node
/**
 * nl: links, addresses, routes, neighbours, rules, traffic control, bridge
 * tables, netconf, xfrm, conntrack, generic netlink and sockets from the
 * command line, in the spirit of `ip`, `tc`, `bridge` and `ss`, on the typed client
 * (libnl in WebAssembly does the netlink work).
 *
 *   nl [--netns NAME|PATH|PID] [--json] [-4|-6] OBJECT [list|add|del|set] [ARGS...]
 *   nl [--netns ...] [--json] monitor [KINDS...]
 *   nl [--netns ...] [-force] -batch FILE|-
 *   nl --all-netns [--json] OBJECT list ... | monitor [KINDS...]
 *
 * Exit status: 0 done, 1 the kernel or libnl refused (the message says why),
 * 2 the command line is wrong.
 */
import { NetlinkClient } from '../api/client.js';
import { netns as namedNamespaces } from '../api/named_namespaces.js';
import { existsSync } from 'node:fs';
import { netnsPath, type NetnsSpec } from '../host/netns.js';
import { NlError } from '../libnl/nl_error.js';
import { Args, UsageError } from './nl/args.js';
import { runBatchFile } from './nl/batch.js';
import { Context, type OutputOptions, type Verb } from './nl/context.js';
import { monitor, monitorUsage } from './nl/monitor.js';
import { commandNamed, COMMANDS } from './nl/objects.js';
import { useColour } from './nl/table.js';

const USAGE = `usage: nl [OPTIONS] OBJECT [COMMAND] [ARGS...]
       nl [OPTIONS] monitor [KINDS...]
       nl [OPTIONS] [-force] -batch FILE|-
OBJECT  := link | addr | route | neigh | rule | qdisc | class | filter | fdb | mdb | netconf
           | xfrm policy | xfrm state | conntrack | genl | socket
COMMAND := list (show, ls; the default) | add | del (delete) | set (change, replace)
OPTIONS := --netns NAME|PATH|PID   work in that network namespace (-n)
           --all-netns             a listing or monitor in every named namespace, each
                                   headed by its name, as "ip -all netns exec" (-a)
           --json                  print the objects as JSON (-j)
           -4 | -6                 only IPv4 or IPv6 addresses, routes, neighbours, rules
           -batch FILE|-           the commands of FILE (or stdin), one per line, as ip -batch:
                                   requests pipelined, the first failure ends it (-b)
           -force                  with -batch: go on after a failure (the status is still 1)
           --help                  this text; "nl OBJECT help" for an object's arguments
Colours are used when stdout is a terminal and NO_COLOR is not set.`;

const VERBS: Record<string, Verb> = {
  list: 'list', show: 'list', ls: 'list', add: 'add', del: 'del', delete: 'del', set: 'set', change: 'set', replace: 'set',
};

interface Command {
  netns?: NetnsSpec;
  allNetns: boolean;
  /** -batch: the file of commands, or "-" */
  batch?: string;
  force: boolean;
  options: OutputOptions;
  /** the object or "monitor", and what follows it */
  words: string[];
}

/** A number is a pid, anything with a slash a path, the rest a name under /var/run/netns. */
function netnsSpec(text: string): NetnsSpec {
  return /^\d+$/.test(text) ? { pid: Number(text) } : text;
}

/** The command, or 'help' when asked for, or 'usage' when there is no object. */
function parseGlobal(argv: string[]): Command | 'help' | 'usage' {
  const options: OutputOptions = { json: false, colour: useColour(process.stdout) };
  let netns: NetnsSpec | undefined;
  let batch: string | undefined;
  let allNetns = false;
  let force = false;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--netns' || flag === '-n') netns = netnsSpec(value());
    else if (flag === '--all-netns' || flag === '-all-netns' || flag === '-a' || flag === '-all') allNetns = true;
    else if (flag === '-batch' || flag === '--batch' || flag === '-b') batch = argv[++i] ?? '';
    else if (flag === '-force' || flag === '--force') force = true;
    else if (flag === '--json' || flag === '-j') options.json = true;
    else if (flag === '-4') options.family = 'inet';
    else if (flag === '-6') options.family = 'inet6';
    else if (flag === '--help' || flag === '-h') return 'help';
    else throw new UsageError(`unknown option ${flag}`);
  }
  const words = argv.slice(i);
  if (batch !== undefined) {
    if (!batch) throw new UsageError('-batch needs a file (or - for stdin)');
    if (words.length) throw new UsageError(`-batch takes its commands from ${batch}, not the command line ("${words[0]}")`);
    if (allNetns) throw new UsageError('-batch and --all-netns do not go together');
    return { netns, allNetns, batch, force, options, words };
  }
  if (force) throw new UsageError('-force goes with -batch');
  if (words.length === 0) return 'usage';
  if (words[0] === 'help') return 'help';
  if (allNetns && netns !== undefined) throw new UsageError('--all-netns and --netns do not go together');
  return { netns, allNetns, force, options, words };
}

/** What a command line (without its options) does, checked before any client is opened. */
function commandAction(words: string[], allNetns = false): (ctx: Context) => Promise<void> {
  const [object] = words;
  if (object === 'monitor' || object === 'm') return (ctx) => monitor(ctx, new Args(words.slice(1), 'monitor'), allNetns);
  const found = commandNamed(words);
  if (!found) throw new UsageError(`unknown object "${object}" (${COMMANDS.map((c) => c.names[0]).join(', ')}, monitor)`);
  const { command, used } = found;
  const [verbWord, ...rest] = words.slice(used);
  const name = command.names[0];
  if (verbWord === 'help') return async () => { process.stdout.write(`${command.usage}\n`); };
  const verb = VERBS[verbWord ?? 'list'];
  const fn = verb && command.verbs[verb];
  if (!fn) {
    const known = Object.keys(command.verbs).join(', ');
    throw new UsageError(`${name}: unknown command "${verbWord}" (${known}; "nl ${name} help" shows their arguments)`);
  }
  if (allNetns && verb !== 'list') throw new UsageError(`--all-netns lists and monitors; it does not ${verb}`);
  return (ctx) => fn(ctx, new Args(rest, `${name} ${verb}`));
}

/** Runs the command; the client is opened only once the command line is known to be right. */
async function run(cmd: Command): Promise<number> {
  const action = cmd.batch === undefined ? commandAction(cmd.words, cmd.allNetns) : undefined;
  // Not closed: the process exits once the command is done (below), which
  // ends the worker, and the kernel closes its sockets. close() would add a
  // round trip to the worker and its termination to every command.
  const client = await NetlinkClient.open({ netns: cmd.netns });
  if (cmd.batch !== undefined) {
    return runBatchFile({
      client, options: cmd.options, file: cmd.batch, force: cmd.force, command: (words) => commandAction(words),
      describe, warn: (text) => process.stderr.write(text),
    });
  }
  const act = action as (ctx: Context) => Promise<void>;
  if (!cmd.allNetns || cmd.words[0] === 'monitor' || cmd.words[0] === 'm') {
    await act(new Context(client, cmd.options));
    return 0;
  }
  // As `ip -all netns exec`: each named namespace in turn, headed by its name.
  let status = 0;
  for (const name of await namedNamespaces.list()) {
    let view: NetlinkClient;
    try {
      view = await client.netns(name);
    } catch (e) {
      // One deleted since the listing is no longer there to list; another failure is reported.
      if (!existsSync(netnsPath(name))) continue;
      process.stderr.write(`nl: netns ${name}: ${describe(e)}\n`);
      status = 1;
      continue;
    }
    const out = (text: string): void => { process.stdout.write(text); };
    if (cmd.options.json) {
      let objects = '';
      await act(new Context(view, cmd.options, (text) => { objects += text; }));
      out(`{"netns":${JSON.stringify(name)},"objects":${objects.trim() || '[]'}}\n`);
    } else {
      out(`\nnetns: ${name}\n`);
      await act(new Context(view, cmd.options, out));
    }
    await view.close();
  }
  return status;
}

/** The kernel's explanation and the attribute it points at, when it gave them. */
function describe(e: unknown): string {
  if (e instanceof NlError) {
    const attr = e.extAck?.attribute?.name;
    return attr ? `${e.message} (attribute ${attr})` : e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

async function main(argv: string[]): Promise<number> {
  try {
    const cmd = parseGlobal(argv);
    if (cmd === 'help' || cmd === 'usage') {
      const text = `${USAGE}\n\n${COMMANDS.map((o) => o.usage).join('\n\n')}\n\n${monitorUsage}\n`;
      // Asked for: stdout; no object is a mistake.
      (cmd === 'help' ? process.stdout : process.stderr).write(text);
      return cmd === 'help' ? 0 : 2;
    }
    return await run(cmd);
  } catch (e) {
    process.stderr.write(`nl: ${describe(e)}\n`);
    if (e instanceof UsageError) return 2;
    return 1;
  }
}

// `nl route list | head`: a reader that stops early ends the output, without a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});
// Exits as soon as the command is done: what it printed is written by then
// (stdout and stderr are synchronous for files, pipes and terminals on Linux).
void main(process.argv.slice(2)).then((status) => process.exit(status));
