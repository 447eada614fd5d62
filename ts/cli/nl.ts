#!/usr/bin/env node
/**
 * nl: links, addresses, routes, neighbours, rules, traffic control, bridge
 * tables, netconf, xfrm, conntrack, generic netlink and sockets from the
 * command line, in the spirit of `ip`, `tc`, `bridge` and `ss`, on the typed client
 * (libnl in WebAssembly does the netlink work).
 *
 *   nl [--netns NAME|PATH|PID] [--json] [-4|-6] OBJECT [list|add|del|set] [ARGS...]
 *   nl [--netns ...] [--json] monitor [KINDS...]
 *
 * Exit status: 0 done, 1 the kernel or libnl refused (the message says why),
 * 2 the command line is wrong.
 */
import { NetlinkClient } from '../api/client.js';
import type { NetnsSpec } from '../host/netns.js';
import { NlError } from '../libnl/nl_error.js';
import { Args, UsageError } from './nl/args.js';
import { Context, type OutputOptions, type Verb } from './nl/context.js';
import { monitor, monitorUsage } from './nl/monitor.js';
import { commandNamed, COMMANDS } from './nl/objects.js';
import { useColour } from './nl/table.js';

const USAGE = `usage: nl [OPTIONS] OBJECT [COMMAND] [ARGS...]
       nl [OPTIONS] monitor [KINDS...]
OBJECT  := link | addr | route | neigh | rule | qdisc | class | filter | fdb | mdb | netconf
           | xfrm policy | xfrm state | conntrack | genl | socket
COMMAND := list (show, ls; the default) | add | del (delete) | set (change, replace)
OPTIONS := --netns NAME|PATH|PID   work in that network namespace (-n)
           --json                  print the objects as JSON (-j)
           -4 | -6                 only IPv4 or IPv6 addresses, routes, neighbours, rules
           --help                  this text; "nl OBJECT help" for an object's arguments
Colours are used when stdout is a terminal and NO_COLOR is not set.`;

const VERBS: Record<string, Verb> = {
  list: 'list', show: 'list', ls: 'list', add: 'add', del: 'del', delete: 'del', set: 'set', change: 'set', replace: 'set',
};

interface Command {
  netns?: NetnsSpec;
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
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--netns' || flag === '-n') netns = netnsSpec(value());
    else if (flag === '--json' || flag === '-j') options.json = true;
    else if (flag === '-4') options.family = 'inet';
    else if (flag === '-6') options.family = 'inet6';
    else if (flag === '--help' || flag === '-h') return 'help';
    else throw new UsageError(`unknown option ${flag}`);
  }
  const words = argv.slice(i);
  if (words.length === 0) return 'usage';
  if (words[0] === 'help') return 'help';
  return { netns, options, words };
}

/** Runs the command; the client is opened only once the command line is known to be right. */
async function run(cmd: Command): Promise<void> {
  const [object] = cmd.words;
  let action: (ctx: Context) => Promise<void>;
  if (object === 'monitor' || object === 'm') {
    action = (ctx) => monitor(ctx, new Args(cmd.words.slice(1), 'monitor'));
  } else {
    const found = commandNamed(cmd.words);
    if (!found) throw new UsageError(`unknown object "${object}" (${COMMANDS.map((c) => c.names[0]).join(', ')}, monitor)`);
    const { command, used } = found;
    const [verbWord, ...rest] = cmd.words.slice(used);
    const name = command.names[0];
    if (verbWord === 'help') {
      process.stdout.write(`${command.usage}\n`);
      return;
    }
    const verb = VERBS[verbWord ?? 'list'];
    const fn = verb && command.verbs[verb];
    if (!fn) {
      const known = Object.keys(command.verbs).join(', ');
      throw new UsageError(`${name}: unknown command "${verbWord}" (${known}; "nl ${name} help" shows their arguments)`);
    }
    action = (ctx) => fn(ctx, new Args(rest, `${name} ${verb}`));
  }
  const client = await NetlinkClient.open({ netns: cmd.netns });
  try {
    await action(new Context(client, cmd.options));
  } finally {
    await client.close();
  }
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
    await run(cmd);
    return 0;
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
process.exitCode = await main(process.argv.slice(2));
