/**
 * Every program in examples/ runs as its header says, importing
 * 'libnl-wasm' by the package's name (Node's self-reference through the
 * `exports` map), each in a private namespace; what they print or make is
 * checked with iproute2 and tc, and the C program's two builds compare equal.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';
import { NetlinkClient } from '../../dist/index.js';

type Json = Record<string, unknown>;

const repo = resolve(import.meta.dirname, '../..');

/** Runs an example from the repository's root, as its header says; throws on failure. */
function example(file: string, ...args: string[]): string {
  const cmd = file.endsWith('.ts') ? [process.execPath, '--import', 'tsx', file] : [process.execPath, file];
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function ipj(ns: string, ...args: string[]): Json[] {
  const out = execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) as Json[] : [];
}

function netnsNames(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]);
}

describe.skipIf(!!kernelSkipReason)('examples/', () => {
  it('list-links.mjs and ts/list-links.ts list what ip lists', () => withNetns('ex', (ns) => {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'x0', 'type', 'veth', 'peer', 'name', 'x1']);
    const seen = ipj(ns, 'link', 'show').map((l) => `${l.ifindex}: ${l.ifname}`).sort();
    const firstWords = (out: string): string[] => out.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' ')).sort();
    expect(firstWords(example('examples/list-links.mjs', ns))).toEqual(seen);
    expect(firstWords(example('examples/ts/list-links.ts', ns))).toEqual(seen);
  }));

  it('ts/list-links.ts type-checks against the package types', () => {
    const r = spawnSync('npx', ['tsc', '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
      '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck', 'examples/ts/list-links.ts'], { cwd: repo, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('veth-with-addresses.mjs makes its namespace, shows its addresses and route, and removes it', () => {
    const out = example('examples/veth-with-addresses.mjs');
    const name = /^namespace (\S+):/m.exec(out)?.[1];
    expect(name).toBeDefined();
    expect(out).toMatch(/address 10\.0\.0\.1\/24 scope global/);
    expect(out).toMatch(/address 2001:db8::1\/64 scope global/);
    expect(out).toMatch(/route 10\.1\.0\.0\/16 10\.0\.0\.2/);
    expect(out).toContain(`namespace ${name} removed`);
    expect(netnsNames()).not.toContain(name);
  });

  it('watch-routes.mjs prints the route `ip route add` makes, and stops on SIGINT', () => withNetns('ex', async (ns) => {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'w0', 'type', 'veth', 'peer', 'name', 'w1']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'w0', 'up']);
    execFileSync('ip', ['-n', ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'w0']);
    const child = spawn(process.execPath, ['examples/watch-routes.mjs', ns], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      const until = async (pattern: RegExp): Promise<void> => {
        for (const t0 = Date.now(); !pattern.test(out);) {
          if (Date.now() - t0 > 10_000) throw new Error(`${pattern} not printed; got: ${out}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(/^watching routes/m);
      execFileSync('ip', ['-n', ns, 'route', 'add', '10.70.0.0/16', 'via', '10.7.0.2']);
      await until(/^new 10\.70\.0\.0\/16 table 254 via 10\.7\.0\.2$/m);
      const exited = new Promise<number | null>((r) => child.once('exit', r));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }));

  it('htb-shaping.mjs sets up what tc then shows', () => withNetns('ex', (ns) => {
    const out = example('examples/htb-shaping.mjs', ns);
    expect(out).toContain('class 1:10 rate 1mbit');
    expect(out).toContain('class 1:20 rate 5mbit');
    expect(out).toMatch(/filter u32 prio 1 -> 1:10/);
    const tc = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { encoding: 'utf8' });
    // The client sends the whole class id "1:20"; the kernel uses only its minor, tc sends the minor alone.
    expect(tc('qdisc', 'show', 'dev', 'shp0')).toMatch(/qdisc htb 1: root .*default 0x(1002|2)0 /);
    expect(tc('class', 'show', 'dev', 'shp0')).toMatch(/class htb 1:10 root .*rate 1Mbit/);
    expect(tc('class', 'show', 'dev', 'shp0')).toMatch(/class htb 1:20 root .*rate 5Mbit/);
    expect(tc('filter', 'show', 'dev', 'shp0')).toMatch(/flowid 1:10/);
  }));

  it('genl-resolve.mjs resolves what `genl ctrl list` lists', () => {
    const out = example('examples/genl-resolve.mjs', 'nlctrl', 'no-such-family');
    expect(out).toMatch(/^nlctrl = 16$/m);
    expect(out).toMatch(/^no-such-family: .*\(NLE_OBJ_NOTFOUND\)$/m);
    const listed = execFileSync('genl', ['ctrl', 'list'], { encoding: 'utf8' });
    const families = [...listed.matchAll(/^Name: (\S+)\s*\n\s*ID: (0x[0-9a-f]+)/gm)].map((m) => `family ${Number(m[2])} ${m[1]}`).sort();
    const printed = out.split('\n').filter((l) => l.startsWith('family ')).map((l) => l.split(' ').slice(0, 3).join(' ')).sort();
    expect(printed).toEqual(families);
  });

  it('conntrack-list.mjs lists an entry of the namespace', () => withNetns('ex', async (ns) => {
    const client = await NetlinkClient.open({ netns: ns });
    try {
      await client.conntrack.add({ protocol: 'udp', orig: { src: '10.0.0.1', dst: '10.0.0.2', srcPort: 5353, dstPort: 53 }, timeout: 120 });
    } finally {
      await client.close();
    }
    const out = example('examples/conntrack-list.mjs', ns);
    expect(out).toMatch(/^udp +src=10\.0\.0\.1 dst=10\.0\.0\.2 sport=5353 dport=53 \| src=10\.0\.0\.2 dst=10\.0\.0\.1 /m);
    expect(out).toMatch(/^1 entries$/m);
  }));

  it('compare-c-program: the wasm and native builds of link-count.c behave the same', () => {
    const r = spawnSync(process.execPath, ['dist/cli/libnl-wasm.js', 'compare', 'examples/compare-c-program/link-count.c'],
      { cwd: repo, encoding: 'utf8' });
    expect(r.stdout).toMatch(/^equal: /);
    expect(r.status).toBe(0);
  }, 120_000);
});
