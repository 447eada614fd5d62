/**
 * The `nl` command line (dist/bundle/cli/nl.cjs), each test in a private namespace:
 * what it creates is checked with iproute2 (`ip -j`, `tc -j`), never with
 * its own listings; its listings (tables and --json) are checked against
 * iproute2 too; refusals exit 1 with the kernel's explanation; `nl monitor`
 * prints the link `ip link add` makes.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { kernelSkipReason, withNetns } from '../helpers/netns.js';

type Json = Record<string, unknown>;

// The bundle the `nl` bin runs (package.json), as users get it.
const NL = resolve(import.meta.dirname, '../../dist/bundle/cli/nl.cjs');

function nl(ns: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [NL, '--netns', ns, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
}

/** Runs nl and expects success. */
function ok(ns: string, ...args: string[]): string {
  const r = nl(ns, ...args);
  if (r.status !== 0) throw new Error(`nl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function ipj(ns: string, ...args: string[]): Json[] {
  const out = execFileSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) as Json[] : [];
}

function tc(ns: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { encoding: 'utf8' });
}

/** nl monitor running: its output so far, and a wait for what it prints. */
function monitorOf(args: string[]): { proc: ReturnType<typeof spawn>; out: () => string; until: (pred: (out: string, err: string) => boolean, what: string) => Promise<void> } {
  const proc = spawn(process.execPath, [NL, ...args, 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '' } });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d; });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const until = async (pred: (o: string, e: string) => boolean, what: string): Promise<void> => {
    const t0 = Date.now();
    while (!pred(out, err)) {
      if (Date.now() - t0 > 15_000) throw new Error(`${what} not seen; stdout: ${out}; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { proc, out: () => out, until };
}

/** The rows of a table, as maps from header to cell (cells hold no blanks in the tables used here). */
function table(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trimEnd().split('\n');
  const names = header.trim().split(/\s+/);
  return rows.map((row) => Object.fromEntries(row.trim().split(/\s+/).map((cell, i) => [names[i], cell])));
}

describe.skipIf(!!kernelSkipReason)('nl, the command line', () => {
  it('adds a veth pair, addresses, a route, a neighbour, a rule, HTB qdisc and class; lists and deletes them', () => withNetns('nl', (ns) => {
    ok(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'v1');
    ok(ns, 'link', 'set', 'v0', 'up', 'mtu', '1400');
    ok(ns, 'link', 'set', 'dev', 'v1', 'up');
    ok(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'v0');
    ok(ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'v0');
    ok(ns, 'route', 'add', '10.1.0.0/16', 'via', '10.0.0.2');
    ok(ns, 'route', 'add', 'default', 'via', '10.0.0.3', 'table', '100');
    ok(ns, 'neigh', 'add', '10.0.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0');
    ok(ns, 'rule', 'add', 'from', '10.0.0.0/8', 'table', '100', 'prio', '100');
    ok(ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'htb', 'default', '10');
    ok(ns, 'class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '1mbit', 'ceil', '2mbit');

    // What the kernel has, as iproute2 sees it.
    const links = ipj(ns, '-d', 'link', 'show');
    const v0 = links.find((l) => l.ifname === 'v0') as Json;
    expect(v0).toMatchObject({ mtu: 1400, link: 'v1', linkinfo: { info_kind: 'veth' } });
    expect((v0.flags as string[])).toContain('UP');
    const addrs = ipj(ns, 'addr', 'show', 'dev', 'v0')[0].addr_info as Json[];
    expect(addrs).toEqual(expect.arrayContaining([
      expect.objectContaining({ local: '10.0.0.1', prefixlen: 24 }), expect.objectContaining({ local: '2001:db8::1', prefixlen: 64 })]));
    expect(ipj(ns, 'route', 'show', '10.1.0.0/16')[0]).toMatchObject({ gateway: '10.0.0.2', dev: 'v0' });
    expect(ipj(ns, 'route', 'show', 'table', '100')[0]).toMatchObject({ dst: 'default', gateway: '10.0.0.3' });
    expect(ipj(ns, 'neigh', 'show', 'dev', 'v0').find((n) => n.dst === '10.0.0.9'))
      .toMatchObject({ lladdr: '02:00:00:00:00:09', state: ['PERMANENT'] });
    expect(ipj(ns, 'rule', 'show').find((r) => r.priority === 100)).toMatchObject({ src: '10.0.0.0', srclen: 8, table: '100' });
    const htb = JSON.parse(tc(ns, '-j', 'qdisc', 'show', 'dev', 'v0')) as Json[];
    expect(htb[0]).toMatchObject({ kind: 'htb', handle: '1:', root: true, options: { default: '0x10' } });
    // iproute2 6.1 prints htb classes as text even with -j.
    expect(tc(ns, 'class', 'show', 'dev', 'v0')).toMatch(/class htb 1:10 root .*rate 1Mbit ceil 2Mbit/);

    // The table: aligned columns (each header starts where its cells start), iproute2's values.
    const linkTable = ok(ns, 'link', 'list');
    const [header, ...rows] = linkTable.trimEnd().split('\n');
    // Not a terminal: no colours.
    expect(linkTable).not.toContain('\x1b[');
    const nameAt = header.indexOf('NAME');
    for (const row of rows) expect(row.slice(nameAt)).toMatch(/^(lo|v0|v1) /);
    for (const seen of links) {
      const row = table(linkTable).find((r) => r.NAME === seen.ifname);
      expect(row, String(seen.ifname)).toMatchObject({ INDEX: String(seen.ifindex), MTU: String(seen.mtu), ADDRESS: seen.address });
    }
    expect(table(ok(ns, 'route', 'list', 'table', '100'))).toEqual([expect.objectContaining({ DST: 'default', VIA: '10.0.0.3', DEV: 'v0' })]);
    expect(table(ok(ns, 'neigh', 'list', 'dev', 'v0'))).toEqual([expect.objectContaining({ DST: '10.0.0.9', LLADDR: '02:00:00:00:00:09' })]);
    expect(table(ok(ns, 'class', 'show', 'dev', 'v0'))[0]).toMatchObject({ DEV: 'v0', KIND: 'htb', CLASSID: '1:10', PARENT: 'root' });
    expect(ok(ns, 'class', 'show', 'dev', 'v0')).toMatch(/rate 1Mbit ceil 2Mbit/);

    // --json: the client's objects, compared with iproute2's.
    const jsonLinks = JSON.parse(ok(ns, '--json', 'link', 'list')) as Json[];
    expect(jsonLinks.map((l) => [l.name, l.index, l.mtu, l.address]).sort())
      .toEqual(links.map((l) => [l.ifname, l.ifindex, l.mtu, l.address]).sort());
    const jsonAddrs = JSON.parse(ok(ns, '-j', 'addr', 'list', 'dev', 'v0')) as Json[];
    expect(jsonAddrs.map((a) => a.local).sort()).toEqual(addrs.map((a) => `${a.local}/${a.prefixlen}`).sort());
    const jsonRoutes = JSON.parse(ok(ns, '-j', '-4', 'route', 'list')) as Json[];
    expect(jsonRoutes.map((r) => r.dst).sort()).toEqual(ipj(ns, 'route', 'show').map((r) => r.dst).sort());
    const jsonRules = JSON.parse(ok(ns, '-j', '-4', 'rule', 'list')) as Json[];
    expect(jsonRules.map((r) => r.priority)).toEqual(ipj(ns, 'rule', 'show').map((r) => r.priority));
    const jsonQdiscs = JSON.parse(ok(ns, '-j', 'qdisc', 'list', 'dev', 'v0')) as Json[];
    expect(jsonQdiscs).toEqual([expect.objectContaining({ kind: 'htb', handle: '1:', options: expect.objectContaining({ defaultClass: ':10' }) })]);
    const jsonClasses = JSON.parse(ok(ns, '-j', 'class', 'list', 'dev', 'v0')) as Json[];
    expect(jsonClasses).toEqual([expect.objectContaining({ handle: '1:10', options: expect.objectContaining({ rate: 125000, ceil: 250000 }) })]);

    // Deleting, in the order the kernel allows.
    ok(ns, 'class', 'del', 'dev', 'v0', 'classid', '1:10');
    expect(tc(ns, 'class', 'show', 'dev', 'v0')).toBe('');
    ok(ns, 'qdisc', 'del', 'dev', 'v0', 'root');
    expect((JSON.parse(tc(ns, '-j', 'qdisc', 'show', 'dev', 'v0')) as Json[]).some((q) => q.kind === 'htb')).toBe(false);
    ok(ns, 'rule', 'del', 'from', '10.0.0.0/8', 'table', '100', 'prio', '100');
    expect(ipj(ns, 'rule', 'show').find((r) => r.priority === 100)).toBeUndefined();
    ok(ns, 'neigh', 'del', '10.0.0.9', 'dev', 'v0');
    expect(ipj(ns, 'neigh', 'show', 'dev', 'v0').find((n) => n.dst === '10.0.0.9')).toBeUndefined();
    ok(ns, 'route', 'del', '10.1.0.0/16');
    ok(ns, 'route', 'del', 'default', 'table', '100');
    expect(ipj(ns, 'route', 'show', 'table', 'all').filter((r) => r.dst === '10.1.0.0/16' || r.table === '100')).toEqual([]);
    ok(ns, 'addr', 'del', '10.0.0.1/24', 'dev', 'v0');
    expect((ipj(ns, 'addr', 'show', 'dev', 'v0')[0].addr_info as Json[]).some((a) => a.local === '10.0.0.1')).toBe(false);
    ok(ns, 'link', 'del', 'v0');
    expect(ipj(ns, 'link', 'show').map((l) => l.ifname)).toEqual(['lo']);
  }));

  it('exits 1 naming the problem when the kernel or libnl refuses, 2 on a wrong command line', () => withNetns('nl', (ns) => {
    ok(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'v1');
    const nodev = nl(ns, 'link', 'set', 'nosuch0', 'up');
    expect(nodev.status).toBe(1);
    expect(nodev.stderr).toMatch(/^nl: .*no link named "nosuch0"/);
    const addrNodev = nl(ns, 'addr', 'add', '10.0.0.1/24', 'dev', 'nosuch0');
    expect(addrNodev.status).toBe(1);
    expect(addrNodev.stderr).toMatch(/nosuch0/);
    const listNodev = nl(ns, 'route', 'list', 'dev', 'nosuch0');
    expect(listNodev.status).toBe(1);
    expect(listNodev.stderr).toMatch(/^nl: link "nosuch0": .*\(NLE_NODEV\)/);
    // The kernel's extended ack text is in the message.
    const mtu = nl(ns, 'link', 'set', 'v0', 'mtu', '0');
    expect(mtu.status).toBe(1);
    expect(mtu.stderr).toMatch(/mtu less than device minimum/i);
    const exists = nl(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'v2');
    expect(exists.status).toBe(1);
    expect(exists.stderr).toMatch(/NLE_EXIST/);
    const badAddr = nl(ns, 'addr', 'add', '10.0.0.300/24', 'dev', 'v0');
    expect(badAddr.status).toBe(1);
    expect(badAddr.stderr).toMatch(/not a valid IPv4 or IPv6 address/);

    const usage = nl(ns, 'link', 'frob');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/unknown command "frob"/);
    expect(nl(ns, 'route', 'add', '10.1.0.0/16', 'via').stderr).toMatch(/"via" needs a value/);
    expect(nl(ns, 'class', 'add', 'dev', 'v0', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '1furlong').stderr).toMatch(/unknown rate unit/);
    const noNs = spawnSync(process.execPath, [NL, '--netns', 'lnw-no-such-namespace', 'link'], { encoding: 'utf8' });
    expect(noNs.status).toBe(1);
    expect(noNs.stderr).toMatch(/no such namespace/);
    // Nothing was changed by the refusals.
    expect(ipj(ns, 'link', 'show').map((l) => l.ifname).sort()).toEqual(['lo', 'v0', 'v1']);
  }));

  it('fdb, mdb, netconf, xfrm, filter, conntrack, genl and socket: changes seen by iproute2, listings equal to its', () => withNetns('nl', (ns) => {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']);
    execFileSync('ip', ['-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'v0', 'master', 'br0']);
    for (const dev of ['lo', 'br0', 'v0']) execFileSync('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    const bridgej = (...args: string[]): Json[] => JSON.parse(execFileSync('bridge', ['-n', ns, '-j', ...args], { encoding: 'utf8' }) || '[]') as Json[];

    ok(ns, 'fdb', 'add', '02:00:00:00:00:aa', 'dev', 'v0', 'master', 'static');
    expect(bridgej('fdb', 'show', 'dev', 'v0').find((e) => e.mac === '02:00:00:00:00:aa')).toMatchObject({ master: 'br0', state: 'static' });
    const fdbRows = table(ok(ns, 'fdb', 'list', 'dev', 'v0'));
    expect(fdbRows.map((r) => `${r.MAC} ${r.STATE}`).sort()).toEqual(bridgej('fdb', 'show', 'dev', 'v0').map((e) => `${String(e.mac)} ${String(e.state)}`).sort());
    ok(ns, 'fdb', 'del', '02:00:00:00:00:aa', 'dev', 'v0', 'master');
    expect(bridgej('fdb', 'show', 'dev', 'v0').some((e) => e.mac === '02:00:00:00:00:aa')).toBe(false);

    ok(ns, 'mdb', 'add', 'dev', 'br0', 'port', 'v0', 'grp', '239.1.1.1', 'permanent');
    expect(bridgej('mdb', 'show')[0].mdb).toEqual(expect.arrayContaining([expect.objectContaining({ port: 'v0', grp: '239.1.1.1', state: 'permanent' })]));
    expect(table(ok(ns, 'mdb', 'list')).filter((r) => r.PORT === 'v0' && r.STATE === 'permanent').map((r) => r.GRP)).toEqual(['239.1.1.1']);
    ok(ns, 'mdb', 'del', 'dev', 'br0', 'port', 'v0', 'grp', '239.1.1.1');
    expect(JSON.stringify(bridgej('mdb', 'show'))).not.toContain('239.1.1.1');

    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.v0.rp_filter=1']);
    const netconf = table(ok(ns, '-4', 'netconf', 'list', 'dev', 'v0'));
    const seen = ipj(ns, 'netconf', 'show', 'dev', 'v0').find((n) => n.family === 'inet') as Json;
    expect(netconf).toEqual([expect.objectContaining({ DEV: 'v0', RP_FILTER: String(seen.rp_filter), FORWARDING: seen.forwarding ? 'on' : 'off' })]);

    ok(ns, 'xfrm', 'policy', 'add', 'src', '10.0.0.1/32', 'dst', '10.0.0.2/32', 'dir', 'out', 'priority', '5',
      'tmpl', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'mode', 'tunnel', 'reqid', '7');
    const policies = execFileSync('ip', ['-n', ns, 'xfrm', 'policy', 'show'], { encoding: 'utf8' });
    expect(policies).toMatch(/src 10\.0\.0\.1\/32 dst 10\.0\.0\.2\/32\s+dir out priority 5[^]*tmpl src 10\.0\.0\.1 dst 10\.0\.0\.2\s+proto esp reqid 7 mode tunnel/);
    expect(table(ok(ns, 'xfrm', 'policy', 'list'))).toEqual([expect.objectContaining({ SRC: '10.0.0.1', DST: '10.0.0.2', DIR: 'out', PRIORITY: '5' })]);
    ok(ns, 'xfrm', 'policy', 'del', 'src', '10.0.0.1/32', 'dst', '10.0.0.2/32', 'dir', 'out');
    expect(execFileSync('ip', ['-n', ns, 'xfrm', 'policy', 'show'], { encoding: 'utf8' })).toBe('');
    // No ESP in this kernel: refused as `ip xfrm state add` is.
    const sa = nl(ns, 'xfrm', 'state', 'add', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'spi', '0x100', 'enc', 'cbc(aes)', `0x${'22'.repeat(16)}`);
    expect(sa.status).toBe(1);
    expect(sa.stderr).toMatch(/Requested type not found/);

    ok(ns, 'qdisc', 'add', 'dev', 'v0', 'clsact');
    ok(ns, 'filter', 'add', 'dev', 'v0', 'ingress', 'prio', '1', 'u32', 'match', 'ip', 'dst', '10.9.0.0/16');
    const filters = JSON.parse(tc(ns, '-j', 'filter', 'show', 'dev', 'v0', 'ingress')) as Json[];
    // u32's hash table, its bucket and the key node, as tc shows them (tc prints handles its own way: "800:" for 8000:).
    expect(table(ok(ns, 'filter', 'list', 'dev', 'v0', 'ingress')).map((r) => `${r.KIND} ${r.PRIO} ${r.PROTOCOL}`))
      .toEqual(filters.map((f) => `${String(f.kind)} ${String(f.pref)} ${String(f.protocol)}`));
    ok(ns, 'filter', 'del', 'dev', 'v0', 'ingress', 'prio', '1');
    expect(JSON.parse(tc(ns, '-j', 'filter', 'show', 'dev', 'v0', 'ingress'))).toEqual([]);
    ok(ns, 'qdisc', 'del', 'dev', 'v0', 'clsact');
    expect((JSON.parse(tc(ns, '-j', 'qdisc', 'show', 'dev', 'v0')) as Json[]).some((q) => q.kind === 'clsact')).toBe(false);

    ok(ns, 'conntrack', 'add', 'proto', 'tcp', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'sport', '1000', 'dport', '80', 'timeout', '60');
    // The kernel's own account of it, /proc/net/nf_conntrack in the namespace.
    const proc = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/nf_conntrack'], { encoding: 'utf8' });
    expect(proc).toMatch(/tcp .*src=10\.0\.0\.1 dst=10\.0\.0\.2 sport=1000 dport=80/);
    expect(table(ok(ns, 'conntrack', 'list'))).toEqual([expect.objectContaining({ PROTO: 'tcp', SRC: '10.0.0.1', DST: '10.0.0.2', SPORT: '1000', DPORT: '80' })]);
    ok(ns, 'conntrack', 'del', 'proto', 'tcp', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'sport', '1000', 'dport', '80');
    expect(execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/nf_conntrack'], { encoding: 'utf8' })).toBe('');

    // genl ctrl list's families, by name and id.
    const genlOut = execFileSync('ip', ['netns', 'exec', ns, 'genl', 'ctrl', 'list'], { encoding: 'utf8' });
    const families = [...genlOut.matchAll(/^Name: (\S+)\s+ID: (0x[0-9a-f]+)/gm)].map((m) => `${m[2]} ${m[1]}`).sort();
    expect(table(ok(ns, 'genl', 'list')).map((r) => `${r.ID} ${r.NAME}`).sort()).toEqual(families);

    // ss's TCP sockets: a listener of the namespace's.
    const listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', 'require("net").createServer().listen(7777, "127.0.0.1", () => console.log("up"))'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise<void>((resolve) => listener.stdout.once('data', () => resolve())).then(() => {
      const ss = execFileSync('ip', ['netns', 'exec', ns, 'ss', '-tanH'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(/\s+/));
      expect(table(ok(ns, 'socket', 'list')).map((r) => `${r.LOCAL} ${r.PEER}`).sort()).toEqual(ss.map((f) => `${f[3]} ${f[4]}`).sort());
    }).finally(() => listener.kill());
  }));

  it('monitor prints the link that `ip link add` makes, and stops on SIGINT', () => withNetns('nl', async (ns) => {
    const mon = monitorOf(['--netns', ns]);
    try {
      await mon.until((_o, e) => e.includes('watching'), 'the subscription notice');
      execFileSync('ip', ['-n', ns, 'link', 'add', 'mon0', 'type', 'veth', 'peer', 'name', 'mon1']);
      const ifindex = ipj(ns, 'link', 'show', 'dev', 'mon0')[0].ifindex;
      await mon.until((o) => /^new +link +index \d+ name mon0 /m.test(o), 'the new link');
      expect(mon.out()).toMatch(new RegExp(`^new +link +index ${ifindex} name mon0 kind veth`, 'm'));
      const exited = new Promise<number | null>((r) => mon.proc.once('exit', r));
      mon.proc.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      mon.proc.kill('SIGKILL');
    }
  }));

  it('-batch applies a file as ip -batch does: the same kernel state, the same failure line, -force goes on', () =>
    withNetns('nlb', (mine) => withNetns('ipb', (theirs) => {
      const lines = [
        '# links, addresses and routes, as ip -batch takes them',
        'link add v0 type veth peer v1', 'link set v0 up', 'link set v1 up',
        'addr add 10.0.0.1/24 dev v0',
        ...Array.from({ length: 300 }, (_, i) => `route add 10.${1 + (i >> 8)}.${i & 255}.0/24 via 10.0.0.2`),
        'route add 10.9.0.0/16 via 192.0.2.9',
        'route add 10.10.0.0/16 via 10.0.0.2',
      ];
      const file = `${lines.join('\n')}\n`;
      const ours = spawnSync(process.execPath, [NL, '--netns', mine, '-batch', '-'], { input: file, encoding: 'utf8' });
      const ip = spawnSync('ip', ['-n', theirs, '-batch', '-'], { input: file, encoding: 'utf8' });
      expect([ours.status, ip.status]).toEqual([1, 1]);
      // Both stop at the same line: the failing route, after all before it.
      const failedAt = (text: string): string | undefined => /ommand failed -:(\d+)/.exec(text)?.[1];
      expect(failedAt(ours.stderr)).toBe(failedAt(ip.stderr));
      const routes = (ns: string): string[] => ipj(ns, 'route', 'show').map((r) => `${r.dst} ${r.gateway ?? ''}`).sort();
      expect(routes(mine)).toEqual(routes(theirs));
      expect(routes(mine)).toHaveLength(301);

      const forced = spawnSync(process.execPath, [NL, '--netns', mine, '-force', '-batch', '-'],
        { input: 'route add 10.11.0.0/16 via 192.0.2.9\nroute add 10.12.0.0/16 via 10.0.0.2\nroute list table all\n', encoding: 'utf8' });
      expect(forced.status).toBe(1);
      expect(forced.stderr).toMatch(/command failed -:1/);
      expect(forced.stdout).toMatch(/^10\.12\.0\.0\/16 +10\.0\.0\.2/m);
      expect(ipj(mine, 'route', 'show', '10.12.0.0/16')).toHaveLength(1);
    })));

  it('--all-netns lists in every named namespace, each headed by its name', () => withNetns('nla', (a) => withNetns('nlb', (b) => {
    execFileSync('ip', ['-n', a, 'link', 'add', 'only-a', 'type', 'bridge']);
    execFileSync('ip', ['-n', b, 'link', 'add', 'only-b', 'type', 'bridge']);
    const r = spawnSync(process.execPath, [NL, '--all-netns', '--json', 'link', 'list'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status).toBe(0);
    const byNetns = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { netns: string; objects: Json[] })
      .map((x) => [x.netns, x.objects.map((o) => o.name).sort()]));
    expect(byNetns.get(a)).toEqual(['lo', 'only-a']);
    expect(byNetns.get(b)).toEqual(['lo', 'only-b']);
    const text = spawnSync(process.execPath, [NL, '--all-netns', 'link', 'list'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, maxBuffer: 64 << 20 });
    expect(text.stdout).toContain(`\nnetns: ${a}\n`);
  })));

  it('monitor --all-netns reports each namespace\'s changes under its name, and follows one made after it started', () =>
    withNetns('nlm', async (a) => {
      const mon = monitorOf(['--all-netns']);
      const later = `lnw-nlm2-${process.pid}`;
      try {
        await mon.until((_o, e) => e.includes('watching link in every named namespace'), 'the subscription notice');
        execFileSync('ip', ['-n', a, 'link', 'add', 'ma0', 'type', 'bridge']);
        await mon.until((o) => new RegExp(`^\\[${a}\\] new +link +index \\d+ name ma0`, 'm').test(o), 'the link in the first namespace');
        execFileSync('ip', ['netns', 'add', later]);
        await mon.until((_o, e) => e.includes(`watching namespace ${later}`), 'the new namespace followed');
        execFileSync('ip', ['-n', later, 'link', 'add', 'mb0', 'type', 'bridge']);
        await mon.until((o) => new RegExp(`^\\[${later}\\] new +link +index \\d+ name mb0`, 'm').test(o), 'the link in the later namespace');
        const exited = new Promise<number | null>((r) => mon.proc.once('exit', r));
        mon.proc.kill('SIGINT');
        expect(await exited).toBe(0);
      } finally {
        mon.proc.kill('SIGKILL');
        spawnSync('ip', ['netns', 'delete', later]);
      }
    }));
});
