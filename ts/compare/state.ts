/**
 * The kernel state a run leaves behind in its namespace, as iproute2 reports
 * it (`ip -d -j`, `tc -j`): links, addresses, routes, rules, neighbours,
 * qdiscs, classes and filters. Two snapshots are compared after a documented,
 * minimal masking of what differs between two namespaces by itself:
 *
 *  - counters and timers (stats, *_timer, address lifetimes, neighbour ages);
 *  - MAC addresses the kernel chose at random (a link created during the
 *    run, or one the run did not change), and the IPv6 link-local addresses
 *    (and their host routes) derived from them;
 *  - qdisc handles the kernel numbered itself (8xxx:, a counter shared by
 *    all namespaces);
 *  - neighbour entries the kernel learns by itself (not PERMANENT or NOARP);
 *  - the order of entries in each list (hash order, not behaviour).
 */
import { spawnSync } from 'node:child_process';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface NetnsState {
  links: Json;
  addresses: Json;
  routes: Json;
  rules: Json;
  neighbours: Json;
  qdiscs: Json;
  classes: Json;
  filters: Json;
}

function json(ns: string, cmd: 'ip' | 'tc', args: string[]): Json {
  const r = spawnSync(cmd, ['-n', ns, '-j', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} -n ${ns} -j ${args.join(' ')}: ${r.stderr.trim()}`);
  if (!r.stdout.trim()) return [];
  try {
    return JSON.parse(r.stdout) as Json;
  } catch {
    // Some tc kinds (tbf classes in iproute2 6.1) print text despite -j.
    return r.stdout.trim().split('\n');
  }
}

const list = (v: Json): Json[] => (Array.isArray(v) ? v : []);
const obj = (v: Json): Record<string, Json> => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

export function snapshot(ns: string): NetnsState {
  const links = json(ns, 'ip', ['-d', 'link', 'show']);
  const names = list(links).map((l) => String(obj(l).ifname));
  const perLink = (kind: 'class' | 'filter'): Json =>
    names.flatMap((dev) => [
      ...list(json(ns, 'tc', [kind, 'show', 'dev', dev])),
      ...(kind === 'filter' ? list(json(ns, 'tc', [kind, 'show', 'dev', dev, 'ingress'])) : []),
    ].map((x) => ({ dev, ...obj(x) })));
  return {
    links,
    addresses: json(ns, 'ip', ['-d', 'addr', 'show']),
    routes: [...list(json(ns, 'ip', ['-4', '-d', 'route', 'show', 'table', 'all'])),
      ...list(json(ns, 'ip', ['-6', '-d', 'route', 'show', 'table', 'all']))],
    rules: [...list(json(ns, 'ip', ['-4', 'rule', 'show'])), ...list(json(ns, 'ip', ['-6', 'rule', 'show']))],
    neighbours: json(ns, 'ip', ['neigh', 'show']),
    qdiscs: json(ns, 'tc', ['-d', 'qdisc', 'show']),
    classes: perLink('class'),
    filters: perLink('filter'),
  };
}

const VOLATILE_KEYS = new Set(['stats', 'stats64', 'xstats', 'valid_life_time', 'preferred_life_time',
  'used', 'confirmed', 'updated', 'probes', 'expires', 'age', 'direct_packets_stat']);

const AUTO_HANDLE = /^8[0-9a-f]{3}:/;

function dropVolatile(v: Json): Json {
  if (Array.isArray(v)) return v.map(dropVolatile);
  if (v && typeof v === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      if (VOLATILE_KEYS.has(k) || k.endsWith('_timer')) continue;
      out[k] = (k === 'handle' || k === 'parent') && typeof x === 'string' && AUTO_HANDLE.test(x)
        ? '<kernel handle>' : dropVolatile(x);
    }
    return out;
  }
  return v;
}

const sorted = (xs: Json[]): Json[] =>
  xs.map((x) => [JSON.stringify(x), x] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);

/**
 * `after` with the masking above applied; `before` is the same namespace's
 * state before the run (to tell random MAC addresses from ones the run set).
 */
export function normalize(after: NetnsState, before: NetnsState): NetnsState {
  const macBefore = new Map(list(before.links).map((l) => [obj(l).ifname, obj(l).address]));
  const maskMac = (l: Json): Record<string, Json> => {
    const o = { ...obj(l) };
    if (!macBefore.has(o.ifname) || macBefore.get(o.ifname) === o.address) {
      if ('address' in o) o.address = '<random mac>';
      if ('permaddr' in o) o.permaddr = '<random mac>';
    }
    return o;
  };
  const linkLocal = (a: Json): boolean => /^fe80:/i.test(String(a));
  const addresses = list(after.addresses).map((l) => {
    const o = maskMac(l);
    o.addr_info = list(o.addr_info ?? []).filter((a) => !linkLocal(obj(a).local));
    return o;
  });
  const routes = list(after.routes).filter((r) => !(linkLocal(obj(r).dst) && !String(obj(r).dst).includes('/')));
  const neighbours = list(after.neighbours).filter((n) => {
    const state = list(obj(n).state ?? []).map(String);
    return state.includes('PERMANENT') || state.includes('NOARP');
  });
  const masked = dropVolatile({ ...after, links: list(after.links).map(maskMac), addresses, routes, neighbours } as
    unknown as Json) as unknown as Record<string, Json>;
  for (const k of Object.keys(masked)) masked[k] = sorted(list(masked[k]));
  return masked as unknown as NetnsState;
}

/** Paths where two (normalized) states differ, with both values; at most `limit`. */
export function diffState(a: Json, b: Json, limit = 20, path = ''): string[] {
  const out: string[] = [];
  const walk = (x: Json, y: Json, p: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(x) && Array.isArray(y)) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i] ?? null, y[i] ?? null, `${p}[${i}]`);
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x) && !Array.isArray(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k] ?? null, y[k] ?? null, `${p}.${k}`);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.push(`${p || '.'}: native ${JSON.stringify(x)}, wasm ${JSON.stringify(y)}`);
    }
  };
  walk(a, b, path);
  return out;
}
