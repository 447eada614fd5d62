/**
 * The npm package as a new user gets it: `npm pack`, install the tarball into
 * an empty folder (no emscripten, no build tree; the native addon must load
 * or build there), then run an ESM program and a type-checked TypeScript
 * program that import 'libnl-wasm' against a private namespace. Their output
 * is checked against iproute2 and native libnl, not against themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';
import { runNative } from '../../dist/compare/run.js';

const repo = resolve(import.meta.dirname, '../..');

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function ipLinkNames(ns: string): string[] {
  const links = JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[];
  return links.map((l) => l.ifname).sort();
}

const ESM_PROGRAM = `
import { NetlinkClient } from 'libnl-wasm';
const client = await NetlinkClient.open({ netns: process.argv[2] });
const links = await client.links.list();
console.log(JSON.stringify(links.map((l) => l.name).sort()));
await client.close();
`;

const TS_PROGRAM = `
import { Libnl, NETLINK_ROUTE, AF_UNSPEC, NL_DUMP_LINE, NlError, NetlinkClient, type Link } from 'libnl-wasm';

const ns: string = process.argv[2];
const client = await NetlinkClient.open({ netns: ns });
await client.links.add({ name: 'pk0', kind: 'veth', peer: { name: 'pk1' } });
const made: Link[] = await client.links.list({ where: (l) => l.name.startsWith('pk') });
await client.close();

const lib = await Libnl.spawn({ netns: ns });
const sk = await lib.nl_socket_alloc();
await lib.nl_connect(sk, NETLINK_ROUTE);
const cache = await lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
const text: string = await lib.nl_cache_dump_text(cache, NL_DUMP_LINE);
let missing = '';
try {
  await lib.rtnl_link_get_kernel(sk, 0, 'nosuchlink');
} catch (e) {
  if (e instanceof NlError) missing = e.nleName;
}
await lib.close();
console.log(JSON.stringify({ made: made.map((l) => l.kind), text, missing }));
`;

describe.skipIf(!!kernelSkipReason)('the npm package, installed from its tarball', () => {
  const work = mkdtempSync(join(tmpdir(), 'libnl-wasm-pack-'));
  const app = join(work, 'app');

  beforeAll(() => {
    // The suite's bootstrap has built everything; the lifecycle scripts would build again.
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], repo);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack wrote no tarball');
    run('mkdir', ['-p', app], work);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], app);
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('carries the built artifacts and libnl licence, not the build tree or libnl source', () => {
    const pkg = join(app, 'node_modules', 'libnl-wasm');
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'build/wasm/libnl.wasm', 'build/wasm/bin/nl-link-list.wasm',
      'build/wasm/etc/libnl/classid', 'build/wasm/share/libnl/COPYING', 'host/build/Release/nlhost.node']) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    for (const f of ['vendor', 'build/native', 'ts', 'test', 'host/build/Release/obj.target']) {
      expect(existsSync(join(pkg, f)), f).toBe(false);
    }
    expect(readFileSync(join(pkg, 'build/wasm/share/libnl/COPYING'), 'utf8')).toMatch(/GNU LESSER GENERAL PUBLIC LICENSE/);
  });

  it('runs an ESM program against a private namespace', async () => {
    await withNetns('pkg', (ns) => {
      writeFileSync(join(app, 'list.mjs'), ESM_PROGRAM);
      const out = run('node', ['list.mjs', ns], app);
      expect(JSON.parse(out)).toEqual(ipLinkNames(ns));
    });
  });

  it('installs the nl and libnl-wasm commands', async () => {
    await withNetns('pkg', (ns) => {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'pa0', 'type', 'veth', 'peer', 'name', 'pa1']);
      const bin = join(app, 'node_modules/.bin');
      const links = JSON.parse(run(join(bin, 'nl'), ['--netns', ns, '--json', 'link', 'list'], app)) as Array<{ name: string }>;
      expect(links.map((l) => l.name).sort()).toEqual(ipLinkNames(ns));
      const text = run(join(bin, 'libnl-wasm'), ['exec', '--netns', ns, 'nl-link-list'], app);
      expect(text).toBe(runNative(ns, 'nl-link-list').stdout);
    });
  });

  it('type-checks and runs a TypeScript program against a private namespace', async () => {
    await withNetns('pkg', (ns) => {
      writeFileSync(join(app, 'main.ts'), TS_PROGRAM);
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
          types: ['node'], typeRoots: [join(repo, 'node_modules/@types')], outDir: 'out',
        },
        files: ['main.ts'],
      }));
      run(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);
      const result = JSON.parse(run('node', ['out/main.js', ns], app)) as { made: string[]; text: string; missing: string };
      expect(result.made).toEqual(['veth', 'veth']);
      expect(ipLinkNames(ns)).toEqual(['lo', 'pk0', 'pk1']);
      // What libnl's own tool, built natively, prints for the same namespace.
      expect(result.text).toBe(runNative(ns, 'nl-link-list').stdout);
      expect(result.missing).toBe('NLE_NODEV');
    });
  });

  it('builds the native addon with node-gyp on install when the prebuilt one is missing', () => {
    const addon = join(app, 'node_modules/libnl-wasm/host/build/Release/nlhost.node');
    rmSync(addon);
    run('npm', ['rebuild', 'libnl-wasm'], app);
    expect(existsSync(addon)).toBe(true);
    run('node', ['-e', `require(${JSON.stringify(addon)})`], app);
  }, 180_000);

  it('rejects a type error in user code (the shipped .d.ts are real)', () => {
    writeFileSync(join(app, 'bad.ts'), `import { Libnl } from 'libnl-wasm';\nconst lib = await Libnl.spawn();\nawait lib.nl_connect(42, 'route');\n`);
    writeFileSync(join(app, 'tsconfig.bad.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
        types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] },
      files: ['bad.ts'],
    }));
    const r = spawnSync(join(repo, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.bad.json'], { cwd: app, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/bad\.ts.*error TS2345/);
  });
});
