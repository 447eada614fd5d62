/**
 * What `nl` lists from the other netlink families: connection tracking
 * (`conntrack -L`, and entries added and deleted), generic netlink families
 * (`genl ctrl list`) and sockets (`ss -a`: TCP, inet_diag).
 */
import type { ConntrackSpec } from '../../api/types.js';
import { UsageError, type Args } from './args.js';
import { addrCell, familyName, stateCell } from './cells.js';
import type { Command, Context } from './context.js';

const conntrackUsage = `nl conntrack list
nl conntrack add proto tcp|udp|icmp|N src ADDR dst ADDR [sport N] [dport N] [timeout S] [mark N] [zone N]
nl conntrack del proto ... src ADDR dst ADDR [sport N] [dport N]`;

function conntrackSpec(args: Args): ConntrackSpec {
  let protocol: ConntrackSpec['protocol'] | undefined;
  const orig: Partial<ConntrackSpec['orig']> = {};
  const s: Partial<ConntrackSpec> = {};
  for (let w = args.next(); w !== undefined; w = args.next()) {
    switch (w) {
      case 'proto': case 'protocol': {
        const v = args.value(w);
        protocol = v === 'tcp' || v === 'udp' || v === 'icmp' ? v : args.uintOf(v, w);
        break;
      }
      case 'src': orig.src = args.value(w); break;
      case 'dst': orig.dst = args.value(w); break;
      case 'sport': orig.srcPort = args.uint(w); break;
      case 'dport': orig.dstPort = args.uint(w); break;
      case 'timeout': s.timeout = args.uint(w); break;
      case 'mark': s.mark = args.uint(w); break;
      case 'zone': s.zone = args.uint(w); break;
      default: args.unknown(w);
    }
  }
  const src = args.need(orig.src, '"src ADDR"');
  return { ...s, family: src.includes(':') ? 'inet6' : 'inet', protocol: args.need(protocol, '"proto tcp|udp|icmp|N"'),
    orig: { ...orig, src, dst: args.need(orig.dst, '"dst ADDR"') } };
}

export const conntrack: Command = {
  names: ['conntrack', 'ct'],
  usage: conntrackUsage,
  verbs: {
    list: async (ctx, args) => {
      args.end();
      await ctx.show(await ctx.client.conntrack.list(), () => [
        { header: 'proto', cell: (c) => c.protocolName },
        { header: 'state', cell: (c) => stateCell(c.tcpState ?? '') },
        { header: 'src', cell: (c) => addrCell(c.orig.src) },
        { header: 'dst', cell: (c) => addrCell(c.orig.dst) },
        { header: 'sport', cell: (c) => String(c.orig.srcPort), right: true },
        { header: 'dport', cell: (c) => String(c.orig.dstPort), right: true },
        { header: 'timeout', cell: (c) => String(c.timeout), right: true },
        { header: 'mark', cell: (c) => String(c.mark), right: true },
        { header: 'status', cell: (c) => c.statusNames.join(',') },
      ]);
    },
    add: (ctx, args) => ctx.client.conntrack.add(conntrackSpec(args)),
    del: (ctx, args) => ctx.client.conntrack.delete(conntrackSpec(args)),
  },
};

export const genl: Command = {
  names: ['genl'],
  usage: 'nl genl list',
  verbs: {
    list: async (ctx, args) => {
      args.end();
      await ctx.show(await ctx.client.genl.list(), () => [
        { header: 'id', cell: (f) => `0x${f.id.toString(16)}`, right: true },
        { header: 'name', cell: (f) => ({ text: f.name, style: 'bold' }) },
        { header: 'version', cell: (f) => String(f.version), right: true },
        { header: 'maxattr', cell: (f) => String(f.maxattr), right: true },
        { header: 'ops', cell: (f) => String(f.ops.length), right: true },
        { header: 'groups', cell: (f) => f.groups.map((g) => g.name).join(',') },
      ]);
    },
  },
};

/** "10.0.0.1:80", "[2001:db8::1]:80", "0.0.0.0:*" as `ss -n` shows a socket's end. */
function end(addr: string | undefined, port: number): string {
  const a = addr === undefined ? '*' : addr.includes(':') ? `[${addr}]` : addr;
  return `${a}:${port === 0 ? '*' : port}`;
}

export const sockets: Command = {
  names: ['socket', 'sock', 'ss'],
  usage: 'nl socket list [state STATE]   (TCP sockets, as ss -t -a)',
  verbs: {
    list: async (ctx, args) => {
      let state: string | undefined;
      for (let w = args.next(); w !== undefined; w = args.next()) {
        if (w === 'state') state = args.value(w);
        else throw new UsageError(`${args.what}: unexpected "${w}"`);
      }
      await ctx.show(await ctx.client.sockets.list({ family: ctx.options.family, where: (s) => state === undefined || s.state === state }), () => [
        { header: 'family', cell: (s) => familyName(s.family) },
        { header: 'state', cell: (s) => s.state },
        { header: 'recv-q', cell: (s) => String(s.rqueue), right: true },
        { header: 'send-q', cell: (s) => String(s.wqueue), right: true },
        { header: 'local', cell: (s) => end(s.src, s.srcPort) },
        { header: 'peer', cell: (s) => end(s.dst, s.dstPort) },
        { header: 'inode', cell: (s) => String(s.inode), right: true },
      ]);
    },
  },
};
