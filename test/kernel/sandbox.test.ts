/**
 * The sandbox: a wasm instance reaches netlink sockets and a read-only
 * allow-list of files, nothing else (docs/sandbox.md). The probe
 * (test/programs/sandbox_probe.c, built with `libnl-wasm cc`) tries other
 * socket families, other files, writes and creates; the per-instance limits
 * (allowed netlink protocols, read-only mode) are tested through openLibnl.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipn, kernelSkipReason, withNetns } from '../helpers/netns.js';
import { runWasm } from '../../dist/compare/run.js';
import { packageRoot } from '../../dist/host/paths.js';
import { NlError, openLibnl } from '../../dist/index.js';
import { AF_UNSPEC, NETLINK_GENERIC, NETLINK_ROUTE } from '../../dist/libnl/generated/constants.js';

const EXPECTED = `socket AF_NETLINK NETLINK_ROUTE: ok
socket AF_NETLINK NETLINK_GENERIC: ok
socket AF_INET SOCK_STREAM: errno EAFNOSUPPORT
socket AF_INET SOCK_DGRAM: errno EAFNOSUPPORT
socket AF_INET6 SOCK_DGRAM: errno EAFNOSUPPORT
socket AF_UNIX SOCK_STREAM: errno EAFNOSUPPORT
socket AF_PACKET SOCK_RAW: errno EAFNOSUPPORT
open /etc/protocols read: ok
open /etc/libnl/classid read: ok
open /etc/passwd read: errno ENOENT
open /etc/shadow read: errno ENOENT
open /proc/self/environ read: errno ENOENT
open /etc/../etc/passwd read: errno ENOENT
open /etc/libnl/../../etc/passwd read: errno ENOENT
open /etc/protocols write: errno EROFS
open /etc/protocols append: errno EROFS
create /etc/lnw-sandbox-probe: errno EACCES
create /var/tmp/lnw-sandbox-probe: errno EACCES
unlink /etc/lnw-sandbox-probe: errno ENOENT
create /tmp/sandbox-probe: ok
write /tmp/sandbox-probe: ok
read back /tmp/sandbox-probe: ok
`;

describe.skipIf(!!kernelSkipReason)('sandbox', () => {
  let dir = '';
  let probe = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libnl-wasm-sandbox-'));
    probe = join(dir, 'sandbox_probe');
    const r = spawnSync(process.execPath, [join(packageRoot, 'dist/cli/libnl-wasm.js'), 'cc',
      join(packageRoot, 'test/programs/sandbox_probe.c'), '-o', probe], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`libnl-wasm cc failed: ${r.stderr}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('netlink sockets and allow-listed reads only; other sockets, files and writes refused', async () => {
    const r = await withNetns('sbx', (ns) => runWasm(ns, `${probe}.wasm`));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(EXPECTED);
    expect(r.status).toBe(0);
  });

  it('allowed protocols: a socket of another netlink protocol is refused', async () => {
    await withNetns('sbp', (ns) => {
      using lib = openLibnl({ netns: ns, policy: { protocols: [NETLINK_ROUTE] } });
      using sk = lib.nl_socket_alloc();
      lib.nl_connect(sk, NETLINK_ROUTE);
      using cache = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
      expect(lib.nl_cache_nitems(cache)).toBe(1);
      using genl = lib.nl_socket_alloc();
      const e = (() => {
        try {
          lib.nl_connect(genl, NETLINK_GENERIC);
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(e).toBeInstanceOf(NlError);
      // The host answers EPROTONOSUPPORT, as the kernel does for a protocol it lacks; libnl calls it this.
      expect((e as NlError).nleName).toBe('NLE_PROTO_MISMATCH');
    });
  });

  it('read-only mode: dumps work, RTM_NEW* is refused before it reaches the kernel', async () => {
    await withNetns('sbr', (ns) => {
      using lib = openLibnl({ netns: ns, policy: { readOnly: true } });
      using sk = lib.nl_socket_alloc();
      lib.nl_connect(sk, NETLINK_ROUTE);
      using cache = lib.rtnl_link_alloc_cache(sk, AF_UNSPEC);
      expect(lib.nl_cache_nitems(cache)).toBe(1);
      using link = lib.rtnl_link_alloc();
      lib.rtnl_link_set_name(link, 'ro0');
      expect(lib.rtnl_link_set_type(link, 'dummy')).toBe(0);
      expect(() => lib.rtnl_link_add(sk, link, 0x400 /* NLM_F_CREATE */)).toThrow(expect.objectContaining({ nleName: 'NLE_PERM' }));
      const links = spawnSync('ip', ['-n', ns, '-o', 'link'], { encoding: 'utf8' }).stdout;
      expect(links).not.toContain('ro0');
    });
  });

  it('read-only mode of libnl-wasm exec: a program that adds a link is refused', async () => {
    await withNetns('sbe', (ns) => {
      ipn(ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
      const cli = join(packageRoot, 'dist/cli/libnl-wasm.js');
      const r = spawnSync(process.execPath, [cli, 'exec', '--netns', ns, '--read-only', 'nl-link-list'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('d0');
      const add = spawnSync(process.execPath, [cli, 'exec', '--netns', ns, '--read-only', 'nl-addr-add', '--dev', 'd0', '--local', '10.9.9.9/24'],
        { encoding: 'utf8' });
      expect(add.status).not.toBe(0);
      expect(add.stderr).toMatch(/Operation not permitted/);
      expect(spawnSync('ip', ['-n', ns, 'addr', 'show', 'd0'], { encoding: 'utf8' }).stdout).not.toContain('10.9.9.9');
    });
  });
});
