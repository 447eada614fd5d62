#!/usr/bin/env node
/**
 * libnl-wasm: run libnl C programs compiled to WebAssembly, build your own,
 * and compare them with their native build.
 *
 *   libnl-wasm exec [options] <tool|prog.wasm> [args...]
 *   libnl-wasm cc <prog.c>... -o <out> [cc flags...]
 *   libnl-wasm compare [options] [<tool|prog|prog.c> [args...]]
 */
import { constants } from 'node:os';
import { findProgram, libnlEnvironment } from '../host/programs.js';
import { startProgram, type ProgramResult } from '../host/run_program.js';

const USAGE = `usage:
  libnl-wasm exec [--netns NAME|PATH] [--pid N] [--env K=V]... [--read-only] [--checked]
                  [--trace FILE] <tool|prog.wasm> [args...]
      Runs one of libnl's tools or tests (nl-link-list, genl-ctrl-list, check-all, ...)
      or your own program built with "libnl-wasm cc", in WebAssembly. Its sockets open
      in the given network namespace; libnl's variables (NLDBG, NLCB, ...) are passed on.
      SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2 and SIGALRM sent to this process are the
      program's: its handlers run, or it ends as a native program ends by them.
  libnl-wasm cc [--checked] <file.c>... -o <out> [compiler flags]
      Builds a C program against libnl twice, as gcc would: <out>.wasm (for exec) and
      <out> (native). "libnl-wasm cc --help" lists the flags.
  libnl-wasm compare [--scenario FILE.json] [--same-netns] [--messages] [--checked]
                     [--timeout SECONDS] [--signal SIGNAME] [--cflags 'FLAGS']
                     [--env K=V]... [<tool|prog|prog.c> [args...]]
      Runs the native and the wasm build in two fresh, identical namespaces and reports
      differences in exit status, output, kernel state and, with --messages, the netlink
      messages. Exit status 0 when they behave the same. Each namespace starts with only
      lo, up, as on a machine; the scenario's setup then runs in it. A C source is built
      both ways first, with --cflags (as "libnl-wasm cc" takes them); without a program,
      the scenario's "run" steps are compared. --timeout stops each run after SECONDS
      with SIGTERM (or --signal), for programs that run until stopped (monitors); how
      each ends is compared like any exit.
`;

function fail(message: string): never {
  process.stderr.write(`libnl-wasm: ${message}\n`);
  process.exit(2);
}

/** --env KEY=VALUE */
function addEnv(env: Record<string, string>, kv: string): void {
  const eq = kv.indexOf('=');
  if (eq <= 0) fail(`--env takes KEY=VALUE, not ${kv}`);
  env[kv.slice(0, eq)] = kv.slice(eq + 1);
}

async function exec(argv: string[]): Promise<number> {
  const env = libnlEnvironment();
  let netns: string | undefined;
  let pid: number | undefined;
  let readOnly = false;
  let checked = false;
  let traceFile: string | undefined;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--netns') netns = value();
    else if (a === '--pid') pid = Number(value());
    else if (a === '--env') addEnv(env, value());
    else if (a === '--read-only') readOnly = true;
    else if (a === '--trace') traceFile = value();
    else if (a === '--checked') checked = true;
    else if (a === '--') {
      i++;
      break;
    } else fail(`unknown option ${a}\n${USAGE}`);
  }
  const name = argv[i];
  if (!name) fail(USAGE);
  const path = findProgram(name, 'wasm', { checked });
  const programName = name.replace(/\.wasm$/, '');
  const run = startProgram({
    path, programName, args: argv.slice(i + 1), env,
    netns, pid: pid ?? process.pid, policy: readOnly ? { readOnly: true } : undefined,
    tty: process.stdout.isTTY === true, traceFile,
  });
  // Signals sent to this process are the program's, as if it ran natively.
  const forward = (name: NodeJS.Signals): void => run.signal(constants.signals[name]);
  for (const name of FORWARDED_SIGNALS) process.on(name, forward);
  let r: ProgramResult;
  try {
    r = await run.result;
  } finally {
    for (const name of FORWARDED_SIGNALS) process.off(name, forward);
  }
  if (r.crash) process.stderr.write(`libnl-wasm: ${programName}: ${r.crash}\n`);
  if (r.signal) dieOf(r.signal);
  return r.status;
}

/** The signals `exec` passes to its program (SIGKILL and SIGSTOP cannot be caught). */
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR2', 'SIGALRM', 'SIGTERM'];

/**
 * Ends this process by `sig`, as the program's native build would have
 * ended: its parent sees the signal, not an exit status (a shell stops a
 * script on SIGINT only then). Where this process ignores the signal
 * (Node ignores SIGPIPE), it exits with the status a shell shows.
 */
function dieOf(sig: number): void {
  const name = Object.entries(constants.signals).find(([, n]) => n === sig)?.[0];
  if (name) process.kill(process.pid, name);
  process.exit(128 + sig);
}

async function compareCommand(argv: string[]): Promise<number> {
  const { compare, formatReport } = await import('../compare/compare.js');
  const { loadScenario } = await import('../compare/scenario.js');
  const env = libnlEnvironment();
  const opts: Parameters<typeof compare>[0] = { steps: [], env };
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    const a = argv[i];
    const value = (): string => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--scenario') opts.scenario = loadScenario(value());
    else if (a === '--same-netns') opts.sameNetns = true;
    else if (a === '--messages') opts.messages = true;
    else if (a === '--checked') opts.checked = true;
    else if (a === '--cflags') opts.cflags = value().split(/\s+/).filter(Boolean);
    else if (a === '--timeout') {
      opts.timeout = Number(value());
      if (!(opts.timeout > 0)) fail('--timeout takes a number of seconds');
    } else if (a === '--signal') {
      const name = value().toUpperCase();
      const sig = (name.startsWith('SIG') ? name : `SIG${name}`) as NodeJS.Signals;
      if (!(sig in constants.signals)) fail(`--signal: unknown signal ${name}`);
      opts.signal = sig;
    } else if (a === '--env') {
      addEnv(env, value());
    } else if (a === '--') {
      i++;
      break;
    } else fail(`unknown option ${a}\n${USAGE}`);
  }
  // Without a program, the scenario's own steps.
  opts.steps = argv[i] ? [{ program: argv[i], args: argv.slice(i + 1) }] : opts.scenario?.run ?? fail(USAGE);
  const report = compare(opts);
  process.stdout.write(formatReport(opts, report));
  return report.equal ? 0 : 1;
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'exec':
      process.exitCode = await exec(rest);
      break;
    // cc and compare are loaded only for themselves: with child_process, they
    // were a tenth of exec's start (docs/decisions/cli-start-up.md).
    case 'cc':
      process.exitCode = (await import('./cc.js')).compileProgram(rest);
      break;
    case 'compare':
      process.exitCode = await compareCommand(rest);
      break;
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(USAGE);
      break;
    default:
      fail(`unknown command ${cmd}\n${USAGE}`);
  }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
