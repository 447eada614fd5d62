/**
 * IPsec state (xfrm/sa) and policies (xfrm/sp): exported SAs and policies,
 * and both added and deleted with libnl's xfrmnl_* setters and its
 * xfrmnl_sa_build_*_request() / xfrmnl_sp_build_*_request(), with
 * `ip xfrm`'s defaults where libnl has none (infinite byte and packet
 * limits, templates that accept any algorithm).
 */
import { NETLINK_XFRM } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import type { RequestBuilder } from '../request_builder.js';
import { t, type SchemaFor } from '../schema.js';
import type {
  XfrmAlgorithmSpec, XfrmSa, XfrmSaKey, XfrmSaSpec, XfrmSelector, XfrmSelectorSpec, XfrmSp, XfrmSpSpec, XfrmTemplateSpec,
} from '../types.js';

const selector: SchemaFor<XfrmSelector> = {
  family: t.opt(t.int()), src: t.opt(t.addr()), dst: t.opt(t.addr()), srcPort: t.opt(t.uint()), dstPort: t.opt(t.uint()),
  protocol: t.opt(t.uint()), ifindex: t.opt(t.int()),
};

const PROTOCOLS = { esp: 50, ah: 51, comp: 108 } as const;
const protocol = t.oneOf(Object.keys(PROTOCOLS) as (keyof typeof PROTOCOLS)[]);
const mode = t.oneOf(['transport', 'tunnel'] as const);
const port = t.uint(65535);

const selectorSpec: SchemaFor<XfrmSelectorSpec> = {
  src: t.addr(), dst: t.addr(), protocol: t.opt(t.uint(255)), srcPort: t.opt(port), dstPort: t.opt(port), dev: t.opt(t.link()),
};

const templateSpec: SchemaFor<XfrmTemplateSpec> = {
  src: t.opt(t.addr()), dst: t.opt(t.addr()), protocol, mode: t.opt(mode), reqid: t.opt(t.uint()), spi: t.opt(t.uint()),
};

const spSpec: SchemaFor<XfrmSpSpec> = {
  dir: t.oneOf(['in', 'out', 'fwd'] as const), selector: t.obj(selectorSpec), action: t.opt(t.oneOf(['allow', 'block'] as const)),
  priority: t.opt(t.uint()), index: t.opt(t.uint()), templates: t.opt(t.arr(t.obj(templateSpec))),
};

const algorithm: SchemaFor<XfrmAlgorithmSpec> = { name: t.str(), key: t.str(), bits: t.opt(t.uint()) };

const saSpec: SchemaFor<XfrmSaSpec> = {
  src: t.addr(), dst: t.addr(), protocol, spi: t.uint(), mode: t.opt(mode), reqid: t.opt(t.uint()),
  replayWindow: t.opt(t.uint(255)), selector: t.opt(t.obj(selectorSpec)), auth: t.opt(t.obj(algorithm)),
  crypt: t.opt(t.obj(algorithm)), aead: t.opt(t.obj(algorithm)),
};

const saKey: SchemaFor<XfrmSaKey> = { dst: t.addr(), protocol, spi: t.uint() };

/** XFRM_INF: no byte or packet limit (what `ip xfrm` sends when none is given; libnl's default, 0, expires at once). */
const INFINITE = 2n ** 64n - 1n;
/** A template's algorithm masks as `ip xfrm policy ... tmpl` sends them: any algorithm. */
const ANY_ALGORITHM = 0xffffffff;

/** An address pair of one family: [src, dst, family]. */
function ends(b: RequestBuilder, src: string, dst: string, field: string): [number, number, number] {
  const s = b.addr(src, `${field}.src`);
  const d = b.addr(dst, `${field}.dst`);
  const family = b.x.nl_addr_get_family(s);
  if (b.x.nl_addr_get_family(d) !== family) throw b.invalid(`${field}.src and ${field}.dst are of different address families`);
  return [s, d, family];
}

function xfrmSelector(b: RequestBuilder, s: XfrmSelectorSpec, field: string): number {
  const { x } = b;
  const sel = b.own(x.xfrmnl_sel_alloc(), x.xfrmnl_sel_put);
  const [src, dst, family] = ends(b, s.src, s.dst, field);
  x.xfrmnl_sel_set_saddr(sel, src);
  x.xfrmnl_sel_set_daddr(sel, dst);
  x.xfrmnl_sel_set_family(sel, family);
  x.xfrmnl_sel_set_prefixlen_s(sel, x.nl_addr_get_prefixlen(src));
  x.xfrmnl_sel_set_prefixlen_d(sel, x.nl_addr_get_prefixlen(dst));
  if (s.protocol !== undefined) x.xfrmnl_sel_set_proto(sel, s.protocol);
  if (s.srcPort !== undefined) {
    x.xfrmnl_sel_set_sport(sel, s.srcPort);
    x.xfrmnl_sel_set_sportmask(sel, 0xffff);
  }
  if (s.dstPort !== undefined) {
    x.xfrmnl_sel_set_dport(sel, s.dstPort);
    x.xfrmnl_sel_set_dportmask(sel, 0xffff);
  }
  if (s.dev !== undefined) x.xfrmnl_sel_set_ifindex(sel, b.ifindex(s.dev, `${field}.dev`));
  return sel;
}

function unlimited(b: RequestBuilder): number {
  const { x } = b;
  const lft = b.own(x.xfrmnl_ltime_cfg_alloc(), x.xfrmnl_ltime_cfg_put);
  x.xfrmnl_ltime_cfg_set_soft_bytelimit(lft, INFINITE);
  x.xfrmnl_ltime_cfg_set_hard_bytelimit(lft, INFINITE);
  x.xfrmnl_ltime_cfg_set_soft_packetlimit(lft, INFINITE);
  x.xfrmnl_ltime_cfg_set_hard_packetlimit(lft, INFINITE);
  return lft;
}

function modeNumber(b: RequestBuilder, m: string | undefined, field: string): number {
  return b.named(b.x.xfrmnl_sa_str2mode, m ?? 'transport', field, 'xfrm mode');
}

function template(b: RequestBuilder, sp: number, s: XfrmTemplateSpec, family: number, field: string): void {
  const { x } = b;
  const tmpl = x.xfrmnl_user_tmpl_alloc();
  if (!tmpl) throw b.invalid('out of memory', 5);
  // The policy owns the template once added; until then it is freed here if building fails.
  try {
    x.xfrmnl_user_tmpl_set_family(tmpl, family);
    if ((s.src === undefined) !== (s.dst === undefined)) throw b.invalid(`${field}: give both src and dst (the tunnel's ends), or neither`);
    if (s.src !== undefined && s.dst !== undefined) {
      const [src, dst, tfamily] = ends(b, s.src, s.dst, field);
      x.xfrmnl_user_tmpl_set_saddr(tmpl, src);
      x.xfrmnl_user_tmpl_set_daddr(tmpl, dst);
      x.xfrmnl_user_tmpl_set_family(tmpl, tfamily);
    }
    x.xfrmnl_user_tmpl_set_proto(tmpl, PROTOCOLS[s.protocol]);
    x.xfrmnl_user_tmpl_set_mode(tmpl, modeNumber(b, s.mode, `${field}.mode`));
    if (s.reqid !== undefined) x.xfrmnl_user_tmpl_set_reqid(tmpl, s.reqid);
    if (s.spi !== undefined) x.xfrmnl_user_tmpl_set_spi(tmpl, s.spi);
    x.xfrmnl_user_tmpl_set_aalgos(tmpl, ANY_ALGORITHM);
    x.xfrmnl_user_tmpl_set_ealgos(tmpl, ANY_ALGORITHM);
    x.xfrmnl_user_tmpl_set_calgos(tmpl, ANY_ALGORITHM);
  } catch (e) {
    x.xfrmnl_user_tmpl_free(tmpl);
    throw e;
  }
  x.xfrmnl_sp_add_usertemplate(sp, tmpl);
}

/** With `identityOnly` (deletes), only what names the policy: direction, selector, index. */
function policy(b: RequestBuilder, s: XfrmSpSpec, identityOnly: boolean): number {
  const { x } = b;
  const sp = b.own(x.xfrmnl_sp_alloc(), x.xfrmnl_sp_put);
  x.xfrmnl_sp_set_dir(sp, b.named(x.xfrmnl_sp_str2dir, s.dir, 'spec.dir', 'policy direction'));
  const sel = xfrmSelector(b, s.selector, 'spec.selector');
  x.xfrmnl_sp_set_sel(sp, sel);
  if (s.index !== undefined) x.xfrmnl_sp_set_index(sp, s.index);
  if (identityOnly) return sp;
  x.xfrmnl_sp_set_action(sp, b.named(x.xfrmnl_sp_str2action, s.action ?? 'allow', 'spec.action', 'policy action'));
  if (s.priority !== undefined) x.xfrmnl_sp_set_priority(sp, s.priority);
  x.xfrmnl_sp_set_lifetime_cfg(sp, unlimited(b));
  const family = x.xfrmnl_sel_get_family(sel);
  (s.templates ?? []).forEach((tm, i) => template(b, sp, tm, family, `spec.templates[${i}]`));
  return sp;
}

/** An algorithm's name, key and key length in bits, checked ("0x" and an even number of hex digits). */
function algorithmArgs(b: RequestBuilder, a: XfrmAlgorithmSpec, field: string): [number, number, number] {
  const m = /^(?:0x)?((?:[0-9a-f]{2})+)$/i.exec(a.key);
  if (!m) throw b.invalid(`${field}.key: "${a.key}" is not a key in hex ("0x0123...")`);
  const key = Uint8Array.from(m[1].match(/../g) ?? [], (h) => parseInt(h, 16));
  return [b.str(a.name), key.length * 8, b.bytes(key)];
}

function sa(b: RequestBuilder, s: XfrmSaSpec): number {
  const { x } = b;
  const state = b.own(x.xfrmnl_sa_alloc(), x.xfrmnl_sa_put);
  const [src, dst, family] = ends(b, s.src, s.dst, 'spec');
  x.xfrmnl_sa_set_saddr(state, src);
  x.xfrmnl_sa_set_daddr(state, dst);
  x.xfrmnl_sa_set_family(state, family);
  x.xfrmnl_sa_set_proto(state, PROTOCOLS[s.protocol]);
  x.xfrmnl_sa_set_spi(state, s.spi);
  x.xfrmnl_sa_set_mode(state, modeNumber(b, s.mode, 'spec.mode'));
  if (s.reqid !== undefined) x.xfrmnl_sa_set_reqid(state, s.reqid);
  if (s.replayWindow !== undefined) x.xfrmnl_sa_set_replay_window(state, s.replayWindow);
  if (s.selector) x.xfrmnl_sa_set_sel(state, xfrmSelector(b, s.selector, 'spec.selector'));
  x.xfrmnl_sa_set_lifetime_cfg(state, unlimited(b));
  if (s.aead) {
    const [name, bits, key] = algorithmArgs(b, s.aead, 'spec.aead');
    b.check(x.xfrmnl_sa_set_aead_params(state, name, bits, s.aead.bits ?? 128, key), 'spec.aead');
  }
  if (s.auth) {
    const [name, bits, key] = algorithmArgs(b, s.auth, 'spec.auth');
    b.check(x.xfrmnl_sa_set_auth_params(state, name, bits, s.auth.bits ?? 96, key), 'spec.auth');
  }
  if (s.crypt) {
    const [name, bits, key] = algorithmArgs(b, s.crypt, 'spec.crypt');
    b.check(x.xfrmnl_sa_set_crypto_params(state, name, bits, key), 'spec.crypt');
  }
  return state;
}

function saRef(b: RequestBuilder, s: XfrmSaKey): number {
  const { x } = b;
  const state = b.own(x.xfrmnl_sa_alloc(), x.xfrmnl_sa_put);
  const dst = b.addr(s.dst, 'spec.dst');
  x.xfrmnl_sa_set_daddr(state, dst);
  x.xfrmnl_sa_set_family(state, x.nl_addr_get_family(dst));
  x.xfrmnl_sa_set_proto(state, PROTOCOLS[s.protocol]);
  x.xfrmnl_sa_set_spi(state, s.spi);
  return state;
}

/** xfrm tells adding from updating by message type (NEWSA, UPDSA), not by flags: `ip xfrm` sends none. */
const ADD = 0;

export const xfrmSaKind = kind<XfrmSa, { add: XfrmSaSpec; delete: XfrmSaKey }>()({
  name: 'xfrm-sa',
  property: 'xfrm.sa',
  cacheType: 'xfrm/sa',
  protocol: NETLINK_XFRM,
  object: {
    family: t.int(), src: t.opt(t.addr()), dst: t.opt(t.addr()), spi: t.uint(), protocol: t.uint(), mode: t.str(),
    reqid: t.uint(), flags: t.uint(), replayWindow: t.uint(), selector: t.obj(selector),
  },
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: saSpec, build: (b, s) => b.message((out) => b.x.xfrmnl_sa_build_add_request(sa(b, s), ADD, out)) },
    delete: { spec: saKey, build: (b, s) => b.message((out) => b.x.xfrmnl_sa_build_delete_request(saRef(b, s), 0, out)) },
  },
});

export const xfrmSpKind = kind<XfrmSp, { add: XfrmSpSpec; delete: XfrmSpSpec }>()({
  name: 'xfrm-sp',
  property: 'xfrm.sp',
  cacheType: 'xfrm/sp',
  protocol: NETLINK_XFRM,
  object: {
    dir: t.str(), action: t.str(), priority: t.uint(), index: t.uint(), flags: t.uint(), selector: t.obj(selector),
  },
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  requests: {
    add: { spec: spSpec, build: (b, s) => b.message((out) => b.x.xfrmnl_sp_build_add_request(policy(b, s, false), ADD, out)) },
    delete: { spec: spSpec, build: (b, s) => b.message((out) => b.x.xfrmnl_sp_build_delete_request(policy(b, s, true), 0, out)) },
  },
});
