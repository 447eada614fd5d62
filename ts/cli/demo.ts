#!/usr/bin/env node
/**
 * The demo: in a private network namespace (made here, deleted at the end),
 * libnl compiled to WebAssembly creates links, addresses and routes and lists
 * them; every listing is checked against the native build of the same libnl.
 * Nothing happens in the machine's own namespace.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findProgram } from '../host/programs.js';
import { startProgram } from '../host/run_program.js';
import { buildDir } from '../host/paths.js';

const ns = `libnl-wasm-demo-${process.pid}`;

function ip(...args: string[]): void {
  execFileSync('ip', ['-n', ns, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function wasm(tool: string, ...args: string[]): Promise<string> {
  const r = await startProgram({
    path: findProgram(tool, 'wasm'), programName: tool, args, env: {}, netns: ns, capture: true,
  }).result;
  if (r.status !== 0) throw new Error(`${tool} (wasm) exited ${r.status}: ${r.stderr.toString()}${r.crash ?? ''}`);
  return r.stdout.toString();
}

function native(tool: string, ...args: string[]): string {
  const r = spawnSync('ip', ['netns', 'exec', ns, findProgram(tool, 'native'), ...args], {
    encoding: 'utf8', env: { PATH: process.env.PATH, NLSYSCONFDIR: join(buildDir('native'), 'etc', 'libnl') },
  });
  if (r.status !== 0) throw new Error(`${tool} (native) exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function step(title: string, tool: string, ...args: string[]): Promise<boolean> {
  const w = await wasm(tool, ...args);
  const same = w === native(tool, ...args);
  process.stdout.write(`\n== ${title}: ${tool} ${args.join(' ')}  [${same ? 'same as native libnl' : 'DIFFERS from native libnl'}]\n${w}`);
  return same;
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('demo: needs root (it creates a private network namespace)\n');
    return 1;
  }
  execFileSync('ip', ['netns', 'add', ns]);
  process.stdout.write(`libnl 3.7.0 in WebAssembly, in the private network namespace ${ns}\n`);
  try {
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'br0', 'type', 'bridge');
    ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip('link', 'set', 'veth0', 'master', 'br0');
    for (const l of ['br0', 'veth0', 'veth1']) ip('link', 'set', l, 'up');

    let ok = true;
    // libnl (wasm) changes kernel state...
    await wasm('nl-addr-add', '--dev', 'veth1', '--local', '10.0.0.1/24');
    await wasm('nl-addr-add', '--dev', 'br0', '--local', '2001:db8::1/64');
    await wasm('nl-route-add', '--dst', '10.10.0.0/16', '--nexthop', 'dev=veth1,via=10.0.0.2');
    // ...and reads it back, as native libnl does.
    ok = (await step('links', 'nl-link-list')) && ok;
    ok = (await step('addresses', 'nl-addr-list')) && ok;
    ok = (await step('routes', 'nl-route-list')) && ok;
    ok = (await step('generic netlink families', 'genl-ctrl-list')) && ok;
    process.stdout.write(`\n${ok ? 'every listing matched native libnl' : 'some listings differed'}\n`);
    return ok ? 0 : 1;
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
  }
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
