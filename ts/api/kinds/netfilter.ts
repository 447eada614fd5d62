/**
 * Connection tracking (netfilter/ct): exported entries, and entries added
 * and deleted with nfnl_ct_build_add_request() and
 * nfnl_ct_build_delete_request().
 */
import { AF_INET, AF_INET6, NETLINK_NETFILTER, NLM_F_CREATE, NLM_F_EXCL } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type { Conntrack, ConntrackSpec, ConntrackTuple } from '../types.js';

const tuple: SchemaFor<ConntrackTuple> = {
  src: t.opt(t.addr()), dst: t.opt(t.addr()), srcPort: t.uint(), dstPort: t.uint(), packets: t.counter(), bytes: t.counter(),
};

const object: SchemaFor<Conntrack> = {
  family: t.int(), protocol: t.uint(), protocolName: t.str(), orig: t.obj(tuple), reply: t.obj(tuple), status: t.uint(),
  statusNames: t.names(), mark: t.uint(), timeout: t.uint(), zone: t.uint(), id: t.uint(), tcpState: t.opt(t.str()),
};

type Endpoints = ConntrackSpec['orig'];
const endpoints: SchemaFor<Endpoints> = {
  src: t.addr(), dst: t.addr(), srcPort: t.opt(t.uint(65535)), dstPort: t.opt(t.uint(65535)),
};

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

const spec: SchemaFor<ConntrackSpec> = {
  family: t.opt(t.oneOf(['inet', 'inet6'])),
  protocol: t.either(t.oneOf(['tcp', 'udp', 'icmp'] as const), t.uint(255)),
  orig: t.obj(endpoints), reply: t.opt(t.obj(endpoints)), timeout: t.opt(t.uint()), mark: t.opt(t.uint()),
  zone: t.opt(t.uint(65535)),
};

function conntrack(b: RequestBuilder, s: ConntrackSpec): number {
  const { x } = b;
  const ct = b.own(x.nfnl_ct_alloc(), x.nfnl_ct_put);
  x.nfnl_ct_set_family(ct, s.family === 'inet6' ? AF_INET6 : AF_INET);
  x.nfnl_ct_set_proto(ct, typeof s.protocol === 'number' ? s.protocol : PROTOCOLS[s.protocol]);
  const reply = s.reply ?? { src: s.orig.dst, dst: s.orig.src, srcPort: s.orig.dstPort, dstPort: s.orig.srcPort };
  for (const [repl, e, field] of [[0, s.orig, 'spec.orig'], [1, reply, 'spec.reply']] as const) {
    b.check(x.nfnl_ct_set_src(ct, repl, b.addr(e.src, `${field}.src`)), `${field}.src`);
    b.check(x.nfnl_ct_set_dst(ct, repl, b.addr(e.dst, `${field}.dst`)), `${field}.dst`);
    if (e.srcPort !== undefined) x.nfnl_ct_set_src_port(ct, repl, e.srcPort);
    if (e.dstPort !== undefined) x.nfnl_ct_set_dst_port(ct, repl, e.dstPort);
  }
  if (s.timeout !== undefined) x.nfnl_ct_set_timeout(ct, s.timeout);
  if (s.mark !== undefined) x.nfnl_ct_set_mark(ct, s.mark);
  if (s.zone !== undefined) x.nfnl_ct_set_zone(ct, s.zone);
  return ct;
}

export const conntrackKind = kind<Conntrack, { add: ConntrackSpec; delete: ConntrackSpec }>()({
  name: 'conntrack',
  property: 'conntrack',
  cacheType: 'netfilter/ct',
  protocol: NETLINK_NETFILTER,
  object,
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec, build: (b, s) => b.message((out) => b.x.nfnl_ct_build_add_request(conntrack(b, s), NLM_F_CREATE | NLM_F_EXCL, out)) },
    delete: { spec, build: (b, s) => b.message((out) => b.x.nfnl_ct_build_delete_request(conntrack(b, s), 0, out)) },
  },
});
