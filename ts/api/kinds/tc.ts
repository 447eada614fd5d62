/**
 * Traffic control: qdiscs (route/qdisc), classes (route/class) and
 * classifiers (route/cls), exported with their kind's options, and made
 * with libnl's rtnl_tc_* and per-kind setters (qdiscs htb, tbf, fifo,
 * ingress, clsact, prio, sfq, fq_codel; classifiers u32, basic, matchall,
 * fw, flower, with actions: tc_actions.ts) and its *_build_*_request()
 * functions. A kind's options are checked against that kind's own fields.
 */
import {
  AF_INET, ETH_P_ALL, ETH_P_IP, ETH_P_IPV6, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
} from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import { tcHandle, type RequestBuilder } from '../request_builder.js';
import { problems, t, type FieldBase, type SchemaFor } from '../schema.js';
import type { Class, ClassSpec, Classifier, ClassifierSpec, LinkRef, Qdisc, QdiscSpec, TcStats } from '../types.js';
import { action, actionSpec } from './tc_actions.js';

const stats: SchemaFor<TcStats> = {
  bytes: t.counter(), packets: t.counter(), drops: t.uint(), overlimits: t.uint(), qlen: t.uint(), backlog: t.uint(),
};

/** What qdiscs, classes and classifiers share. */
const common = {
  kind: t.opt(t.str()), ifindex: t.int(), handle: t.str(), parent: t.str(), stats: t.obj(stats),
  options: t.rec(t.scalar()),
};

const qdiscObject: SchemaFor<Qdisc> = common;
const classObject: SchemaFor<Class> = common;
const classifierObject: SchemaFor<Classifier> = { ...common, prio: t.uint(), protocol: t.str() };

/** Each kind's options, as the client takes them. */
type Options = Readonly<Record<string, Readonly<Record<string, FieldBase>>>>;

const QDISC_OPTIONS: Options = {
  htb: { defaultClass: t.opt(t.scalar()), rate2quantum: t.opt(t.uint()) },
  tbf: { rate: t.uint(0xffffffff, 1), burst: t.uint(0xffffffff, 1), limit: t.opt(t.uint()), latency: t.opt(t.uint()) },
  pfifo: { limit: t.opt(t.uint()) },
  bfifo: { limit: t.opt(t.uint()) },
  ingress: {},
  clsact: {},
  prio: { bands: t.opt(t.uint(16, 2)) },
  sfq: { quantum: t.opt(t.uint()), perturb: t.opt(t.uint()), limit: t.opt(t.uint()) },
  fq_codel: {
    limit: t.opt(t.uint()), target: t.opt(t.uint()), interval: t.opt(t.uint()), flows: t.opt(t.uint()),
    quantum: t.opt(t.uint()), ecn: t.opt(t.uint(1)),
  },
};

/** The band of each of the 16 priorities, as tc sends it for a prio qdisc (and the kernel's pfifo_fast uses). */
const PRIO_DEFAULT_PRIOMAP = Uint8Array.of(1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);

/** Qdiscs that live at the link's ingress hook, where tc gives them the handle ffff:. */
const INGRESS_KINDS = new Set(['ingress', 'clsact']);

const CLASS_OPTIONS: Options = {
  htb: { rate: t.uint(0xffffffff, 1), ceil: t.opt(t.uint(0xffffffff, 1)), prio: t.opt(t.uint(7)), quantum: t.opt(t.uint(0xffffffff, 1)) },
};

/** The options of a `kind` checked against its fields; a kind with none takes none. */
function options(b: RequestBuilder, table: Options, kind: string | undefined, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const o = given ?? {};
  const [first] = problems(table[kind ?? ''] ?? {}, o, 'spec.options');
  if (first) throw b.invalid(`${first}${table[kind ?? ''] ? '' : ` (${kind ?? 'this'} qdisc has no options here)`}`);
  return o;
}

/** What names a qdisc, class or classifier: its link, parent, handle and kind. */
function tcObject(b: RequestBuilder, obj: number, s: { dev: LinkRef; parent: string; kind: string }, handle: string | undefined): void {
  const { x } = b;
  x.rtnl_tc_set_ifindex(obj, b.ifindex(s.dev, 'spec.dev'));
  x.rtnl_tc_set_parent(obj, tcHandle(s.parent));
  if (handle) x.rtnl_tc_set_handle(obj, tcHandle(handle));
  b.check(x.rtnl_tc_set_kind(obj, b.str(s.kind)), 'spec.kind');
}

/** With `identityOnly` (deletes), only what names the qdisc: link, parent, handle, kind. */
function qdisc(b: RequestBuilder, s: QdiscSpec, identityOnly: boolean): number {
  const { x } = b;
  const q = b.own(x.rtnl_qdisc_alloc(), x.rtnl_qdisc_put);
  tcObject(b, q, s, s.handle ?? (INGRESS_KINDS.has(s.kind) ? 'ffff:' : undefined));
  if (identityOnly) return q;
  const o = options(b, QDISC_OPTIONS, s.kind, s.options);
  switch (s.kind) {
    case 'htb':
      if (o.defaultClass !== undefined) b.check(x.rtnl_htb_set_defcls(q, tcHandle(String(o.defaultClass))), 'spec.options.defaultClass');
      if (o.rate2quantum !== undefined) b.check(x.rtnl_htb_set_rate2quantum(q, o.rate2quantum as number));
      break;
    case 'tbf':
      x.rtnl_qdisc_tbf_set_rate(q, o.rate as number, o.burst as number, 0);
      if (o.limit !== undefined) x.rtnl_qdisc_tbf_set_limit(q, o.limit as number);
      else b.check(x.rtnl_qdisc_tbf_set_limit_by_latency(q, (o.latency as number | undefined) ?? 50000), 'spec.options.latency');
      break;
    case 'pfifo':
    case 'bfifo':
      if (o.limit !== undefined) b.check(x.rtnl_qdisc_fifo_set_limit(q, o.limit as number), 'spec.options.limit');
      break;
    case 'prio':
      // libnl aborts (BUG()) when a prio qdisc has no priomap: tc's default one is sent, as tc does.
      x.rtnl_qdisc_prio_set_bands(q, (o.bands as number | undefined) ?? 3);
      b.check(x.rtnl_qdisc_prio_set_priomap(q, b.bytes(PRIO_DEFAULT_PRIOMAP), PRIO_DEFAULT_PRIOMAP.length), 'spec.options.bands');
      break;
    case 'sfq':
      if (o.quantum !== undefined) x.rtnl_sfq_set_quantum(q, o.quantum as number);
      if (o.perturb !== undefined) x.rtnl_sfq_set_perturb(q, o.perturb as number);
      if (o.limit !== undefined) x.rtnl_sfq_set_limit(q, o.limit as number);
      break;
    case 'fq_codel':
      if (o.limit !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_limit(q, o.limit as number), 'spec.options.limit');
      if (o.target !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_target(q, o.target as number), 'spec.options.target');
      if (o.interval !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_interval(q, o.interval as number), 'spec.options.interval');
      if (o.flows !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_flows(q, o.flows as number), 'spec.options.flows');
      if (o.quantum !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_quantum(q, o.quantum as number), 'spec.options.quantum');
      if (o.ecn !== undefined) b.check(x.rtnl_qdisc_fq_codel_set_ecn(q, o.ecn as number), 'spec.options.ecn');
      break;
    default:
      break;
  }
  return q;
}

function klass(b: RequestBuilder, s: ClassSpec, identityOnly: boolean): number {
  const { x } = b;
  const c = b.own(x.rtnl_class_alloc(), x.rtnl_class_put);
  tcObject(b, c, s, s.classid);
  if (identityOnly) return c;
  const o = options(b, CLASS_OPTIONS, s.kind, s.options);
  if (s.kind === 'htb') {
    b.check(x.rtnl_htb_set_rate(c, o.rate as number), 'spec.options.rate');
    if (o.ceil !== undefined) b.check(x.rtnl_htb_set_ceil(c, o.ceil as number), 'spec.options.ceil');
    if (o.prio !== undefined) b.check(x.rtnl_htb_set_prio(c, o.prio as number), 'spec.options.prio');
    if (o.quantum !== undefined) b.check(x.rtnl_htb_set_quantum(c, o.quantum as number), 'spec.options.quantum');
  }
  return c;
}

const PROTOCOLS = { ip: ETH_P_IP, ipv6: ETH_P_IPV6, all: ETH_P_ALL } as const;

/** Which classifier kinds take which of the spec's optional fields. */
const CLASSIFIER_FIELDS: Record<string, readonly ('classid' | 'match' | 'mask' | 'actions')[]> = {
  u32: ['classid', 'match', 'actions'], basic: ['classid', 'actions'], matchall: ['classid', 'actions'],
  fw: ['classid', 'mask'], flower: ['match', 'actions'],
};

/** An IPv4 prefix as flower takes it: the address and its mask, each an in_addr_t. */
function ipv4Prefix(b: RequestBuilder, text: string, field: string): [number, number] {
  const a = b.addr(text, field, AF_INET);
  const len = b.x.nl_addr_get_prefixlen(a);
  const bits = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  // in_addr_t holds the bytes in network order: on this little-endian machine, byte-swapped.
  const mask = ((bits & 0xff) << 24 | (bits >>> 8 & 0xff) << 16 | (bits >>> 16 & 0xff) << 8 | bits >>> 24) >>> 0;
  return [new DataView(b.addrBytes(a).buffer).getUint32(0, true), mask];
}

function classifier(b: RequestBuilder, s: ClassifierSpec): number {
  const { x } = b;
  const c = b.own(x.rtnl_cls_alloc(), x.rtnl_cls_put);
  tcObject(b, c, s, s.handle);
  if (s.prio !== undefined) x.rtnl_cls_set_prio(c, s.prio);
  x.rtnl_cls_set_protocol(c, PROTOCOLS[(s.protocol ?? 'ip') as keyof typeof PROTOCOLS]);
  const takes = CLASSIFIER_FIELDS[s.kind] ?? [];
  for (const f of ['classid', 'match', 'mask', 'actions'] as const) {
    if (s[f] !== undefined && !takes.includes(f)) throw b.invalid(`spec.${f} is not for ${s.kind} classifiers`);
  }
  const classid = s.classid === undefined ? undefined : tcHandle(s.classid);
  const actions = (s.actions ?? []).map((a, i) => action(b, a, `spec.actions[${i}]`));
  switch (s.kind) {
    case 'u32':
      if (classid !== undefined) b.check(x.rtnl_u32_set_classid(c, classid), 'spec.classid');
      for (const [field, offset] of [['dst', 16], ['src', 12]] as const) {
        const prefix = s.match?.[field];
        if (!prefix) continue;
        const a = b.addr(prefix, `spec.match.${field}`, AF_INET);
        b.check(x.rtnl_u32_add_key_in_addr(c, x.nl_addr_get_binary_addr(a), x.nl_addr_get_prefixlen(a), offset, 0), `spec.match.${field}`);
      }
      for (const a of actions) b.check(x.rtnl_u32_add_action(c, a), 'spec.actions');
      break;
    case 'basic':
      if (classid !== undefined) x.rtnl_basic_set_target(c, classid);
      for (const a of actions) b.check(x.rtnl_basic_add_action(c, a), 'spec.actions');
      break;
    case 'matchall':
      if (classid !== undefined) b.check(x.rtnl_mall_set_classid(c, classid), 'spec.classid');
      for (const a of actions) b.check(x.rtnl_mall_append_action(c, a), 'spec.actions');
      break;
    case 'fw':
      if (classid !== undefined) b.check(x.rtnl_fw_set_classid(c, classid), 'spec.classid');
      if (s.mask !== undefined) b.check(x.rtnl_fw_set_mask(c, s.mask), 'spec.mask');
      break;
    case 'flower':
      // As tc: the key's ethertype is the filter's protocol; without it the kernel ignores IPv4 keys.
      if (s.protocol !== 'all') b.check(x.rtnl_flower_set_proto(c, PROTOCOLS[(s.protocol ?? 'ip') as 'ip' | 'ipv6']), 'spec.protocol');
      if (s.match?.dst) b.check(x.rtnl_flower_set_ipv4_dst(c, ...ipv4Prefix(b, s.match.dst, 'spec.match.dst')), 'spec.match.dst');
      if (s.match?.src) b.check(x.rtnl_flower_set_ipv4_src(c, ...ipv4Prefix(b, s.match.src, 'spec.match.src')), 'spec.match.src');
      for (const a of actions) b.check(x.rtnl_flower_append_action(c, a), 'spec.actions');
      break;
    default:
      break;
  }
  return c;
}

const handle = t.tcHandle();

const qdiscSpec: SchemaFor<QdiscSpec> = {
  dev: t.link(), parent: handle, handle: t.opt(handle), kind: t.str(), options: t.opt(t.rec(t.scalar())),
};
const classSpec: SchemaFor<ClassSpec> = {
  dev: t.link(), parent: handle, classid: handle, kind: t.str(), options: t.opt(t.rec(t.uint())),
};
const classifierSpec: SchemaFor<ClassifierSpec> = {
  dev: t.link(), parent: handle, kind: t.str(), prio: t.opt(t.uint(65535)), protocol: t.opt(t.oneOf(['ip', 'ipv6', 'all'])),
  handle: t.opt(handle), classid: t.opt(handle), match: t.opt(t.obj<NonNullable<ClassifierSpec['match']>>({ dst: t.opt(t.addr()), src: t.opt(t.addr()) })),
  mask: t.opt(t.uint()), actions: t.opt(t.arr(t.obj(actionSpec))),
};

const ADD = NLM_F_CREATE | NLM_F_EXCL;
const REPLACE = NLM_F_CREATE | NLM_F_REPLACE;

export const qdiscKind = kind<Qdisc, { add: QdiscSpec; change: QdiscSpec; delete: QdiscSpec }, Pick<QdiscSpec, 'dev' | 'parent' | 'handle'>>()({
  name: 'qdisc',
  property: 'qdiscs',
  cacheType: 'route/qdisc',
  protocol: NETLINK_ROUTE,
  object: qdiscObject,
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: qdiscSpec, build: (b, s) => b.message((out) => b.x.rtnl_qdisc_build_add_request(qdisc(b, s, false), ADD, out)) },
    change: { spec: qdiscSpec, build: (b, s) => b.message((out) => b.x.rtnl_qdisc_build_add_request(qdisc(b, s, false), REPLACE, out)) },
    delete: { spec: qdiscSpec, build: (b, s) => b.message((out) => b.x.rtnl_qdisc_build_delete_request(qdisc(b, s, true), out)) },
  },
  /** The qdisc of `dev` with `handle`, or else the one attached at `parent`. */
  get: async (ctx, key) => {
    const ifindex = await ctx.ifindex(key.dev);
    return ctx.list({ where: (q) => q.ifindex === ifindex && (key.handle !== undefined ? q.handle === key.handle : q.parent === key.parent) });
  },
});

export const classKind = kind<Class, { add: ClassSpec; change: ClassSpec; delete: ClassSpec }, Pick<ClassSpec, 'dev' | 'classid'>, 'tc'>()({
  name: 'class',
  property: 'classes',
  cacheType: 'route/class',
  protocol: NETLINK_ROUTE,
  object: classObject,
  list: 'tc',
  dumpArgs: (o) => ({ arg1: o.ifindex ?? 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: classSpec, build: (b, s) => b.message((out) => b.x.rtnl_class_build_add_request(klass(b, s, false), ADD, out)) },
    change: { spec: classSpec, build: (b, s) => b.message((out) => b.x.rtnl_class_build_add_request(klass(b, s, false), REPLACE, out)) },
    delete: { spec: classSpec, build: (b, s) => b.message((out) => b.x.rtnl_class_build_delete_request(klass(b, s, true), out)) },
  },
  get: (ctx, key) => ctx.list({ dev: key.dev, where: (c) => c.handle === key.classid }),
});

export const classifierKind = kind<Classifier, { add: ClassifierSpec; change: ClassifierSpec; delete: ClassifierSpec },
  Pick<ClassifierSpec, 'dev' | 'parent' | 'prio' | 'handle'>, 'tc'>()({
  name: 'classifier',
  property: 'classifiers',
  cacheType: 'route/cls',
  protocol: NETLINK_ROUTE,
  object: classifierObject,
  list: 'tc',
  dumpArgs: (o) => ({ arg1: o.ifindex ?? 0, arg2: o.parent ?? 0, flags: 0 }),
  requests: {
    add: { spec: classifierSpec, build: (b, s) => b.message((out) => b.x.rtnl_cls_build_add_request(classifier(b, s), ADD, out)) },
    /** Replaces the classifier with the same parent, priority and handle. */
    change: { spec: classifierSpec, build: (b, s) => b.message((out) => b.x.rtnl_cls_build_add_request(classifier(b, s), REPLACE, out)) },
    delete: { spec: classifierSpec, build: (b, s) => b.message((out) => b.x.rtnl_cls_build_delete_request(classifier(b, s), 0, out)) },
  },
  /** The classifier at `parent` with `prio` (and `handle`, when given). */
  get: (ctx, key) => ctx.list({
    dev: key.dev, parent: key.parent, where: (c) => c.prio === key.prio && (key.handle === undefined || c.handle === key.handle),
  }),
});
