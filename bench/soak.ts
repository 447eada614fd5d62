/**
 * Bounded soak: a watcher (NetlinkClient.watch) keeps a view of links,
 * addresses and routes of a private namespace while another process churns
 * them (adds and deletes veths, changes MTUs, adds and deletes addresses and
 * routes) for --minutes (default 10). Then the churn stops and the view must
 * equal a fresh dump. Prints the churn and event rates, overflows, memory.
 *
 *   node --import tsx bench/soak.ts [--minutes 10]     (as root)
 *
 * The churn never lets the kernel remove anything silently, which no
 * netlink listener (native libnl's cache manager included) can see: IPv4
 * drops a link's routes without notifications when the link goes down or
 * loses its last IPv4 address. So every link keeps an anchor address
 * (10.i.250.1/24) until it is deleted, its routes are deleted before it,
 * and IPv6 is off.
 */
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { NetlinkClient, type Address, type Link, type Route, type WatchEvent } from '../dist/index.js';
import { createNetns } from '../test/helpers/netns.js';
import { rss } from '../test/helpers/process_stats.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } } });
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error('--minutes takes a positive number');

const AF_INET = 2;
const SETTLE_MS = 15_000;

const CHURN = String.raw`
ops=0
trap 'echo $ops; exit 0' TERM
while :; do
  i=$((RANDOM % 8))
  case $((RANDOM % 9)) in
    0|1) ip link add s$i type veth peer name t$i && ip link set s$i up && ip addr add 10.$i.250.1/24 dev s$i ;;
    2) ip route flush dev s$i; ip addr flush dev s$i && ip link del s$i ;;
    3) ip link set s$i mtu $((1280 + RANDOM % 200)) ;;
    4|5) ip addr add 10.$i.$((RANDOM % 4)).1/24 dev s$i ;;
    6) ip addr del 10.$i.$((RANDOM % 4)).1/24 dev s$i ;;
    7) ip route add 10.$((100 + i)).$((RANDOM % 16)).0/24 dev s$i ;;
    8) ip route del 10.$((100 + i)).$((RANDOM % 16)).0/24 ;;
  esac 2>/dev/null
  ops=$((ops + 1))
done`;

/** What a view keeps of each object: the fields the churn changes, by identity. */
const linkKey = (l: Link): string => String(l.index);
const linkValue = (l: Link): string => JSON.stringify([l.name, l.mtu, l.flags & 1, l.master ?? 0]);
const addrKey = (a: Address): string => `${a.ifindex}/${a.local}/${a.prefixlen}`;
const addrValue = (a: Address): string => JSON.stringify([a.scope, a.broadcast ?? '']);
const routeKey = (r: Route): string => `${r.table}/${r.dst}/${r.priority}/${r.tos}/${r.type}`;
const routeValue = (r: Route): string => JSON.stringify([r.scope, r.prefSrc ?? '', r.nexthops.map((n) => [n.ifindex, n.gateway ?? ''])]);

type View = { link: Map<string, string>; address: Map<string, string>; route: Map<string, string> };

async function dump(client: NetlinkClient): Promise<View> {
  return {
    link: new Map((await client.links.list()).map((l) => [linkKey(l), linkValue(l)])),
    address: new Map((await client.addresses.list()).filter((a) => a.family === AF_INET).map((a) => [addrKey(a), addrValue(a)])),
    route: new Map((await client.routes.list()).filter((r) => r.family === AF_INET).map((r) => [routeKey(r), routeValue(r)])),
  };
}

function apply(view: View, e: WatchEvent): void {
  if (e.kind === 'overflow') return;
  const set = (m: Map<string, string>, k: string, v: () => string): void => {
    if (e.action === 'del') m.delete(k);
    else m.set(k, v());
  };
  if (e.kind === 'link') set(view.link, linkKey(e.object), () => linkValue(e.object));
  else if (e.kind === 'address' && e.object.family === AF_INET) set(view.address, addrKey(e.object), () => addrValue(e.object));
  else if (e.kind === 'route' && e.object.family === AF_INET) set(view.route, routeKey(e.object), () => routeValue(e.object));
}

function differences(a: View, b: View): string[] {
  const out: string[] = [];
  for (const kind of ['link', 'address', 'route'] as const) {
    for (const [k, v] of a[kind]) if (b[kind].get(k) !== v) out.push(`${kind} ${k}: watcher ${v}, dump ${b[kind].get(k) ?? 'absent'}`);
    for (const [k, v] of b[kind]) if (!a[kind].has(k)) out.push(`${kind} ${k}: watcher absent, dump ${v}`);
  }
  return out;
}

const ns = createNetns('soak');
spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
spawnSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);

const client = await NetlinkClient.open({ netns: ns });
const watcher = await client.watch(['link', 'address', 'route']);
const view = await dump(client);
const counts = { link: 0, address: 0, route: 0, overflow: 0 };
watcher.on('event', (e: WatchEvent) => {
  counts[e.kind as keyof typeof counts]++;
  apply(view, e);
});

const churn = spawn('ip', ['netns', 'exec', ns, 'bash', '-c', CHURN], { stdio: ['ignore', 'pipe', 'inherit'] });
let ops = '';
churn.stdout.on('data', (d: Buffer) => { ops += d.toString(); });
const t0 = Date.now();
const rssStart = rss();
const end = t0 + minutes * 60_000;
while (Date.now() < end) {
  await new Promise((r) => setTimeout(r, Math.min(30_000, end - Date.now())));
  const s = (Date.now() - t0) / 1000;
  console.log(`${s.toFixed(0)} s: events link ${counts.link}, address ${counts.address}, route ${counts.route}, ` +
    `overflows ${counts.overflow}, RSS ${(rss() / 2 ** 20).toFixed(0)} MiB`);
}
const stopped = new Promise((r) => churn.once('exit', r));
churn.kill('SIGTERM');
await stopped;
const seconds = (Date.now() - t0) / 1000;

// Events still in flight arrive within moments; wait until the view agrees, or give up.
let diff: string[] = [];
const deadline = Date.now() + SETTLE_MS;
do {
  await new Promise((r) => setTimeout(r, 500));
  diff = differences(view, await dump(client));
} while (diff.length && Date.now() < deadline);

const fresh = await dump(client);
console.log(`\nsoak ${seconds.toFixed(0)} s: ${ops.trim()} churn operations (${(Number(ops) / seconds).toFixed(1)}/s), ` +
  `events link ${counts.link}, address ${counts.address}, route ${counts.route}, overflows ${counts.overflow}`);
console.log(`final state: ${fresh.link.size} links, ${fresh.address.size} IPv4 addresses, ${fresh.route.size} IPv4 routes; ` +
  `RSS ${(rssStart / 2 ** 20).toFixed(0)} -> ${(rss() / 2 ** 20).toFixed(0)} MiB`);
if (diff.length) {
  console.log(`watcher view differs from a fresh dump (${diff.length}):\n  ${diff.slice(0, 20).join('\n  ')}`);
  process.exitCode = 1;
} else console.log('watcher view == fresh dump');
await watcher.close();
await client.close();
