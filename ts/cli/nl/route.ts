/**
 * nl route: list, add, set (replace), del, with `ip route`'s words,
 * multipath included ("nexthop via A weight 1 nexthop via B weight 2").
 */
import type { NextHopSpec, Route, RouteSpec } from '../../api/types.js';
import { Args, parseTable, tableName, UsageError } from './args.js';
import { addrCell, devCell } from './cells.js';
import type { Context, ObjectCommand } from './context.js';

const usage = `nl route list [table ID|NAME|all] [dev DEV]      (default: the main table)
nl route add [TYPE] PREFIX|default [via ADDR] [dev DEV] [table ID] [metric N] [proto PROTO]
             [scope SCOPE] [src ADDR] [mtu N] [hoplimit N] [advmss N]
             [nexthop [via ADDR] [dev DEV] [weight N]]...
nl route set ...   (as add; replaces the route with the same prefix, table and metric)
nl route del [TYPE] PREFIX|default [table ID] [metric N] [via ADDR] [dev DEV]
TYPE := unicast | local | broadcast | multicast | anycast | throw | unreachable | prohibit | blackhole | nat`;

const TYPES = new Set(['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'throw', 'unreachable', 'prohibit', 'blackhole', 'nat']);
const METRICS = new Set(['mtu', 'hoplimit', 'advmss', 'window', 'rtt', 'rttvar', 'ssthresh', 'cwnd', 'initcwnd', 'initrwnd']);

function nexthop(args: Args): NextHopSpec {
  const hop: NextHopSpec = {};
  for (;;) {
    if (args.take('via')) hop.gateway = args.value('via');
    else if (args.take('dev')) hop.dev = args.value('dev');
    else if (args.take('weight')) hop.weight = args.uint('weight');
    else return hop;
  }
}

function spec(ctx: Context, args: Args): RouteSpec {
  const s: Partial<RouteSpec> = {};
  const nexthops: NextHopSpec[] = [];
  const metrics: Record<string, number> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (METRICS.has(w)) {
      metrics[w] = args.uint(w);
      continue;
    }
    switch (w) {
      case 'via': case 'gateway': s.gateway = args.value(w); break;
      case 'dev': case 'oif': s.dev = args.value(w); break;
      case 'table': s.table = parseTable(args.value(w), `${args.what}: table`); break;
      case 'metric': case 'priority': case 'preference': s.priority = args.uint(w); break;
      case 'proto': case 'protocol': s.protocol = args.value(w); break;
      case 'scope': s.scope = args.value(w); break;
      case 'src': s.prefSrc = args.value(w); break;
      case 'nexthop': nexthops.push(nexthop(args)); break;
      case 'to': s.dst = args.value(w); break;
      default:
        if (TYPES.has(w) && s.type === undefined && s.dst === undefined) s.type = w;
        else if (s.dst === undefined) s.dst = w;
        else args.unknown(w);
    }
  }
  const dst = args.need(s.dst, 'a destination (PREFIX or "default")');
  if (nexthops.length && (s.gateway || s.dev !== undefined)) {
    throw new UsageError(`${args.what}: give either "via"/"dev" or "nexthop ...", not both`);
  }
  // "default" has no family of its own: the gateway's, or -6, or IPv4.
  const family = ctx.options.family ?? ([s.gateway, ...nexthops.map((h) => h.gateway)].some((g) => g?.includes(':')) ? 'inet6' : undefined);
  return {
    ...s, dst, family: dst === 'default' ? family ?? 'inet' : family,
    ...(nexthops.length ? { nexthops } : {}),
    ...(Object.keys(metrics).length ? { metrics } : {}),
  };
}

async function list(ctx: Context, args: Args): Promise<void> {
  let table: number | 'all' = 254;
  let dev: string | undefined;
  for (let w = args.next(); w !== undefined; w = args.next()) {
    if (w === 'table') {
      const t = args.value(w);
      table = t === 'all' ? 'all' : parseTable(t, `${args.what}: table`);
    } else if (w === 'dev') dev = args.value(w);
    else args.unknown(w);
  }
  const ifindex = dev === undefined ? undefined : await ctx.ifindex(dev);
  await ctx.show(await ctx.client.routes.list({
    family: ctx.options.family,
    where: (r) => (table === 'all' || r.table === table) && (ifindex === undefined || r.nexthops.some((h) => h.ifindex === ifindex)),
  }), route.columns);
}

export const route: ObjectCommand<Route> = {
  names: ['route', 'r'],
  kind: 'route',
  usage,
  columns: (names) => [
    // libnl prints the empty destination of a default route as "none".
    { header: 'dst', cell: (r) => addrCell(r.dst === undefined || r.dst === 'none' ? 'default' : r.dst) },
    { header: 'via', cell: (r) => addrCell(r.nexthops.flatMap((h) => h.gateway ?? []).join(',')) },
    { header: 'dev', cell: (r) => ({ text: r.nexthops.map((h) => devCell(names, h.ifindex).text).filter(Boolean).join(','), style: 'cyan' }) },
    { header: 'table', cell: (r) => tableName(r.table) },
    { header: 'proto', cell: (r) => r.protocol },
    { header: 'scope', cell: (r) => r.scope },
    { header: 'type', cell: (r) => r.type },
    { header: 'metric', cell: (r) => String(r.priority), right: true },
    { header: 'src', cell: (r) => addrCell(r.prefSrc) },
  ],
  verbs: {
    list,
    add: (ctx, args) => ctx.client.routes.add(spec(ctx, args)),
    set: (ctx, args) => ctx.client.routes.change(spec(ctx, args)),
    del: (ctx, args) => ctx.client.routes.delete(spec(ctx, args)),
  },
};
