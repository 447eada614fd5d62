/**
 * Captures the fuzzer's seed corpus (test/fuzz-corpus/corpus.json): real
 * kernel answers to every cache fill the fuzzer drives, taken in a private
 * namespace filled with varied state (link types, addresses, routes,
 * neighbours, rules, qdiscs, classes, filters, bridge mdb, sockets for
 * sock_diag, conntrack entries, xfrm policies). What this kernel cannot hold
 * (ESP states: no crypto modules here) is built by libnl itself
 * (xfrmnl_sa_build_add_request) and marked synthetic, as are the link, tc
 * and action kinds the client binds but this kernel lacks
 * (bench/fuzz_corpus_kinds.ts).
 *
 *   node --import tsx bench/fuzz_corpus.ts                (as root)
 *   node --import tsx bench/fuzz_corpus.ts --kinds-only   (rebuilds only those kinds, no kernel needed)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LibnlCore } from '../dist/libnl/core.js';
import { libnlApi } from '../dist/libnl/sync.js';
import { packageRoot } from '../dist/host/paths.js';
import type { TraceRecord } from '../dist/host/sockets.js';
import { createNetns, ipn, tcn } from '../test/helpers/netns.js';
import { FILLS, NETLINK_NETFILTER } from '../test/helpers/fuzz_targets.js';
import {
  NLM_F_MULTI, concat, doneMessage, headers, message, setFlags, toHex,
} from '../test/helpers/netlink_bytes.js';
import type { Corpus } from '../test/helpers/fuzz_cases.js';
import { buildKindMessages } from './fuzz_corpus_kinds.js';

process.on('SIGINT', () => process.exit(130));

const corpusDir = join(packageRoot, 'test', 'fuzz-corpus');
const corpusFile = join(corpusDir, 'corpus.json');

/**
 * The built kinds, as synthetic entries of their own ("<cache type>: kinds
 * built by libnl"): parse cases and the pristine corpus take their messages,
 * while fill cases keep the captured dumps alone.
 */
function addBuiltKinds(corpus: Corpus, core: LibnlCore): void {
  const lib = libnlApi(core);
  for (const [kind, msgs] of Object.entries(buildKindMessages(lib, core))) {
    corpus.synthetic[`${kind}: kinds built by libnl`] = { args: [], answers: [[toHex(concat(msgs))]] };
  }
}

if (process.argv.includes('--kinds-only')) {
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8')) as Corpus;
  const core = new LibnlCore({});
  addBuiltKinds(corpus, core);
  core.close();
  writeFileSync(corpusFile, `${JSON.stringify(corpus, null, 1)}\n`);
  console.log(`rebuilt the built kinds of ${corpusFile}`);
  process.exit(0);
}

const ns = createNetns('corpus');
const run = (...args: string[]): void => ipn(ns, ...args);
const bridge = (...args: string[]): void => {
  const r = spawnSync('bridge', ['-n', ns, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bridge ${args.join(' ')}: ${r.stderr}`);
};

// --- kernel state ------------------------------------------------------------------
run('link', 'set', 'lo', 'up');
run('link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
run('link', 'add', 'br0', 'type', 'bridge');
run('link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'local', '10.1.0.1');
run('link', 'add', 'mv0', 'link', 'v0', 'type', 'macvlan', 'mode', 'bridge');
run('link', 'add', 'mvt0', 'link', 'v0', 'type', 'macvtap');
run('link', 'add', 'ifb0', 'type', 'ifb');
run('link', 'set', 'v1', 'master', 'br0');
run('link', 'set', 'v0', 'alias', 'fuzz corpus', 'mtu', '1400', 'txqueuelen', '500', 'address', '02:00:00:00:00:01');
for (const l of ['v0', 'v1', 'br0', 'mv0', 'ifb0']) run('link', 'set', l, 'up');
run('addr', 'add', '10.1.0.1/24', 'brd', '+', 'dev', 'v0', 'label', 'v0:main');
run('addr', 'add', '10.11.0.1', 'peer', '10.11.0.2/32', 'dev', 'v0');
run('addr', 'add', 'fd00:1::1/64', 'dev', 'v0', 'nodad');
run('addr', 'add', 'fd00:3::1/64', 'dev', 'v0', 'valid_lft', '100', 'preferred_lft', '50', 'nodad');
run('route', 'add', '10.2.0.0/16', 'via', '10.1.0.2');
run('route', 'add', '10.3.0.0/16', 'nexthop', 'via', '10.1.0.2', 'weight', '1', 'nexthop', 'via', '10.1.0.3', 'weight', '2');
run('route', 'add', '10.4.0.0/16', 'via', '10.1.0.2', 'mtu', '1300', 'advmss', '1200', 'metric', '5', 'table', '100');
run('route', 'add', '10.6.0.0/16', 'via', '10.1.0.2', 'src', '10.1.0.1', 'proto', 'static', 'realms', '5');
run('route', 'add', 'blackhole', '10.9.0.0/16');
run('route', 'add', 'unreachable', '10.8.0.0/16');
run('route', 'add', 'prohibit', '10.7.0.0/16', 'table', '100');
run('-6', 'route', 'add', 'fd00:2::/64', 'via', 'fd00:1::2', 'metric', '10', 'pref', 'high');
run('nexthop', 'add', 'id', '1', 'via', '10.1.0.2', 'dev', 'v0');
run('rule', 'add', 'from', '10.1.0.0/24', 'table', '100', 'prio', '100');
run('rule', 'add', 'fwmark', '5/0xff', 'table', '101');
run('rule', 'add', 'uidrange', '100-200', 'table', '102');
run('rule', 'add', 'sport', '1000-2000', 'dport', '80', 'ipproto', 'tcp', 'table', '103');
run('rule', 'add', 'iif', 'v0', 'oif', 'v1', 'table', '104', 'suppress_prefixlength', '8');
run('rule', 'add', 'from', '10.5.0.0/16', 'goto', '32000', 'prio', '200');
run('-6', 'rule', 'add', 'from', 'fd00::/16', 'table', '105');
run('neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0', 'nud', 'permanent');
run('neigh', 'add', '10.1.0.10', 'lladdr', '02:00:00:00:00:10', 'dev', 'v0', 'nud', 'stale');
run('neigh', 'add', 'proxy', '10.1.0.20', 'dev', 'v0');
run('-6', 'neigh', 'add', 'fd00:1::9', 'lladdr', '02:00:00:00:00:09', 'dev', 'v0');
bridge('fdb', 'add', '02:00:00:00:00:aa', 'dev', 'v1', 'master', 'static');
bridge('mdb', 'add', 'dev', 'br0', 'port', 'v1', 'grp', '239.1.1.1', 'permanent');
tcn(ns, 'qdisc', 'add', 'dev', 'v1', 'root', 'handle', '1:', 'htb', 'default', '10');
tcn(ns, 'class', 'add', 'dev', 'v1', 'parent', '1:', 'classid', '1:1', 'htb', 'rate', '10mbit', 'ceil', '20mbit');
tcn(ns, 'class', 'add', 'dev', 'v1', 'parent', '1:1', 'classid', '1:10', 'htb', 'rate', '1mbit', 'burst', '15k', 'prio', '2');
tcn(ns, 'filter', 'add', 'dev', 'v1', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32',
  'match', 'ip', 'dst', '10.0.0.0/8', 'match', 'ip', 'dport', '80', '0xffff', 'flowid', '1:10');
tcn(ns, 'filter', 'add', 'dev', 'v1', 'parent', '1:', 'protocol', 'ip', 'prio', '2', 'u32',
  'match', 'ip', 'src', '10.0.0.0/8', 'action', 'mirred', 'egress', 'redirect', 'dev', 'v0');
tcn(ns, 'qdisc', 'add', 'dev', 'ifb0', 'root', 'tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '400ms');
tcn(ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'handle', '2:', 'pfifo', 'limit', '100');
tcn(ns, 'qdisc', 'add', 'dev', 'v0', 'ingress');
tcn(ns, 'qdisc', 'add', 'dev', 'br0', 'clsact');
run('xfrm', 'policy', 'add', 'src', '10.1.0.0/24', 'dst', '10.2.0.0/24', 'dir', 'out', 'priority', '5',
  'mark', '7', 'tmpl', 'src', '10.1.0.1', 'dst', '10.1.0.2', 'proto', 'esp', 'mode', 'tunnel', 'reqid', '3');
run('xfrm', 'policy', 'add', 'src', 'fd00::/64', 'dst', 'fd01::/64', 'dir', 'in', 'action', 'block');

// Sockets for sock_diag: a listener, a connection to it, in the namespace.
const sockets = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', `
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 5000)); l.listen()
c = socket.create_connection(("127.0.0.1", 5000)); a, _ = l.accept()
c.send(b"x" * 1000)
print("ready", flush=True); time.sleep(60)
`], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve, reject) => {
  sockets.stdout.once('data', () => resolve());
  sockets.once('exit', (code) => reject(new Error(`socket helper exited (${code})`)));
});

// --- capture ------------------------------------------------------------------------
const records: TraceRecord[] = [];
const core = new LibnlCore({ netns: ns, trace: (r) => records.push({ ...r, bytes: r.bytes.slice() }) });
const lib = libnlApi(core);

function ifindex(name: string): number {
  const out = spawnSync('ip', ['-n', ns, '-j', 'link', 'show', name], { encoding: 'utf8' }).stdout;
  return (JSON.parse(out) as Array<{ ifindex: number }>)[0].ifindex;
}

// Conntrack entries, created through ctnetlink by libnl itself.
{
  const sk = lib.nl_socket_alloc();
  lib.nl_connect(sk, NETLINK_NETFILTER);
  for (const [src, dst, sport, dport, proto] of [['10.1.0.1', '10.1.0.2', 40000, 80, 6], ['10.1.0.1', '10.1.0.3', 5353, 53, 17]] as const) {
    const ct = lib.nfnl_ct_alloc();
    lib.nfnl_ct_set_family(ct, 2);
    lib.nfnl_ct_set_proto(ct, proto);
    for (const repl of [0, 1]) {
      const s = lib.nl_addr_parse(repl ? dst : src, 2);
      const d = lib.nl_addr_parse(repl ? src : dst, 2);
      lib.nfnl_ct_set_src(ct, repl, s);
      lib.nfnl_ct_set_dst(ct, repl, d);
      lib.nfnl_ct_set_src_port(ct, repl, repl ? dport : sport);
      lib.nfnl_ct_set_dst_port(ct, repl, repl ? sport : dport);
      lib.release(s);
      lib.release(d);
    }
    lib.nfnl_ct_set_timeout(ct, 300);
    lib.nfnl_ct_set_mark(ct, 9);
    if (proto === 6) lib.nfnl_ct_set_tcp_state(ct, 3);
    try {
      lib.nfnl_ct_add(sk, ct, 0x400 /* NLM_F_CREATE */);
    } catch (e) {
      console.warn(`conntrack entry not created: ${(e as Error).message}`);
    }
    lib.release(ct);
  }
  lib.nl_socket_free(sk);
}

const args: Record<string, number[]> = {
  'route/class': [ifindex('v1')],
  'route/cls': [ifindex('v1'), 0x10000],
};

const corpus: Corpus = { note: '', fills: {}, synthetic: {} };
for (const t of FILLS) {
  const sk = lib.nl_socket_alloc();
  if (!sk) throw new Error('nl_socket_alloc() failed');
  lib.nl_connect(sk, t.protocol);
  records.length = 0;
  const cache = t.fill(lib, sk, args[t.kind] ?? []);
  const items = lib.nl_cache_nitems(cache);
  lib.nl_cache_free(cache);
  lib.nl_socket_free(sk);
  const answers: string[][] = [];
  for (const r of records) {
    if (r.dir === 'send') answers.push([]);
    else answers[answers.length - 1]?.push(toHex(r.bytes));
  }
  corpus.fills[t.kind] = { args: args[t.kind] ?? [], answers };
  console.log(`${t.kind.padEnd(20)} ${t.fn.padEnd(26)} ${String(items).padStart(4)} objects, ` +
    `${answers.flat().length} datagrams, ${answers.flat().reduce((n, h) => n + h.length / 2, 0)} bytes`);
}

// ESP states need crypto this kernel lacks: libnl builds NEWSA messages as a dump would carry them.
{
  const msgs: Uint8Array[] = [];
  const mem = (): ArrayBuffer => core.runtime.memory.buffer;
  for (const variant of [0, 1, 2]) {
    const sa = lib.xfrmnl_sa_alloc();
    const d = lib.nl_addr_parse(variant === 2 ? 'fd00::2' : '10.1.0.2', variant === 2 ? 10 : 2);
    const s = lib.nl_addr_parse(variant === 2 ? 'fd00::1' : '10.1.0.1', variant === 2 ? 10 : 2);
    lib.xfrmnl_sa_set_daddr(sa, d);
    lib.xfrmnl_sa_set_saddr(sa, s);
    lib.xfrmnl_sa_set_proto(sa, 50);
    lib.xfrmnl_sa_set_spi(sa, 0x100 + variant);
    lib.xfrmnl_sa_set_mode(sa, variant === 1 ? 0 : 1);
    lib.xfrmnl_sa_set_reqid(sa, 7);
    lib.xfrmnl_sa_set_family(sa, variant === 2 ? 10 : 2);
    lib.xfrmnl_sa_set_replay_window(sa, 32);
    lib.xfrmnl_sa_set_flags(sa, 1);
    const key = '0123456789abcdef0123456789abcdef';
    if (variant === 0) {
      lib.xfrmnl_sa_set_crypto_params(sa, 'cbc(aes)', 128, key);
      lib.xfrmnl_sa_set_auth_params(sa, 'hmac(sha256)', 256, 128, key);
    } else if (variant === 1) {
      lib.xfrmnl_sa_set_aead_params(sa, 'rfc4106(gcm(aes))', 160, 128, key);
      lib.xfrmnl_sa_set_encap_tmpl(sa, 2, 4500, 4500, d);
    } else {
      lib.xfrmnl_sa_set_comp_params(sa, 'deflate', 0, key);
      lib.xfrmnl_sa_set_mark(sa, 5, 0xff);
    }
    const msg = lib.xfrmnl_sa_build_add_request(sa, 0);
    const hdr = lib.nlmsg_hdr(msg);
    if (!hdr) throw new Error('no message');
    const len = new DataView(mem()).getUint32(hdr.ptr, true);
    const bytes = new Uint8Array(mem(), hdr.ptr, len).slice();
    setFlags(bytes, 0, NLM_F_MULTI);
    msgs.push(bytes);
    lib.nlmsg_free(msg);
    for (const h of [sa, d, s]) lib.release(h);
  }
  corpus.synthetic['xfrm/sa'] = { args: [], answers: [[toHex(concat(msgs)), toHex(doneMessage())]] };
}

// Messages no dump here carries (queue and log packets, expectations), from their attributes.
{
  const nfgen = new Uint8Array([2, 0, 0, 0]);
  const a = (type: number, payload: number[]): Uint8Array => {
    const b = new Uint8Array(((4 + payload.length) + 3) & ~3);
    new DataView(b.buffer).setUint16(0, 4 + payload.length, true);
    new DataView(b.buffer).setUint16(2, type, true);
    b.set(payload, 4);
    return b;
  };
  // NFQA_PACKET_HDR (id, hw_protocol, hook), NFQA_MARK, NFQA_IFINDEX_INDEV, NFQA_PAYLOAD
  const queue = message(0x300, 0, concat([nfgen, a(1, [0, 0, 0, 1, 8, 0, 1]), a(3, [0, 0, 0, 5]),
    a(5, [0, 0, 0, 2]), a(10, [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 10, 1, 0, 1, 10, 1, 0, 2])]));
  // NFULA_PACKET_HDR, NFULA_MARK, NFULA_PREFIX, NFULA_UID, NFULA_PAYLOAD
  const log = message(0x400, 0, concat([nfgen, a(1, [8, 0, 1, 0]), a(2, [0, 0, 0, 5]),
    a(10, [...Buffer.from('fuzz: '), 0]), a(11, [0, 0, 0, 0]), a(9, [0x45, 0, 0, 20])]));
  corpus.synthetic['netfilter/queue_msg'] = { args: [], answers: [[toHex(queue)]] };
  corpus.synthetic['netfilter/log_msg'] = { args: [], answers: [[toHex(log)]] };
}

addBuiltKinds(corpus, core);
lib.close();
sockets.kill();
const total = Object.values(corpus.fills).reduce((n, f) => n + f.answers.flat().length, 0);
corpus.note = `Captured by bench/fuzz_corpus.ts from Linux ${spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim()} ` +
  `(${total} datagrams); "synthetic" entries are built by libnl or by hand, not captured.`;
// Sanity: every captured datagram is well framed.
for (const f of Object.values(corpus.fills)) {
  for (const d of f.answers.flat()) if (headers(Buffer.from(d, 'hex')).length === 0) throw new Error('bad capture');
}
mkdirSync(corpusDir, { recursive: true });
writeFileSync(corpusFile, `${JSON.stringify(corpus, null, 1)}\n`);
console.log(`wrote ${corpusFile}`);
