/**
 * What each link kind adds to a new link (IFLA_INFO_DATA, IFLA_LINK), one
 * entry per kind as libnl keeps one rtnl_link_info_ops per kind: the spec
 * field holding the kind's options, their schema, and how libnl's per-kind
 * setters apply them. A kind's options are refused on a link of another
 * kind.
 */
import { ETH_P_8021AD, ETH_P_8021Q } from '../../libnl/generated/constants.js';
import { htons, type RequestBuilder } from '../request_builder.js';
import { t, type Field, type SchemaFor } from '../schema.js';
import type { LinkSpec } from '../types.js';

type OptionField = 'vxlan' | 'macvlan' | 'vlan' | 'vrf' | 'tunnel' | 'ipvlan' | 'geneve' | 'macsec';
type Options<F extends OptionField> = NonNullable<LinkSpec[F]>;

interface KindInfo<F extends OptionField> {
  field: F;
  /** The options must be given (they hold what the kernel requires: a VNI, a lower device). */
  required: boolean;
  apply: (b: RequestBuilder, link: number, o: Options<F>, kind: string) => void;
}

/** ipip, sit and gre: the same setters under each kind's name. */
const tunnel: KindInfo<'tunnel'>['apply'] = (b, link, o, kind) => {
  const x = b.x;
  const [local, remote, lower, ttl, tos] = kind === 'ipip'
    ? [x.rtnl_link_ipip_set_local, x.rtnl_link_ipip_set_remote, x.rtnl_link_ipip_set_link, x.rtnl_link_ipip_set_ttl, x.rtnl_link_ipip_set_tos]
    : kind === 'sit'
      ? [x.rtnl_link_sit_set_local, x.rtnl_link_sit_set_remote, x.rtnl_link_sit_set_link, x.rtnl_link_sit_set_ttl, x.rtnl_link_sit_set_tos]
      : [x.rtnl_link_ipgre_set_local, x.rtnl_link_ipgre_set_remote, x.rtnl_link_ipgre_set_link, x.rtnl_link_ipgre_set_ttl, x.rtnl_link_ipgre_set_tos];
  if (o.local) b.check(local(link, b.ipv4(o.local, 'spec.tunnel.local')), 'spec.tunnel.local');
  if (o.remote) b.check(remote(link, b.ipv4(o.remote, 'spec.tunnel.remote')), 'spec.tunnel.remote');
  if (o.link !== undefined) b.check(lower(link, b.ifindex(o.link, 'spec.tunnel.link')), 'spec.tunnel.link');
  if (o.ttl !== undefined) b.check(ttl(link, o.ttl), 'spec.tunnel.ttl');
  if (o.tos !== undefined) b.check(tos(link, o.tos), 'spec.tunnel.tos');
};

const VLAN_PROTOCOLS = { '802.1q': ETH_P_8021Q, '802.1ad': ETH_P_8021AD } as const;

const KINDS: { [kind: string]: KindInfo<OptionField> } = {
  vxlan: {
    field: 'vxlan', required: true,
    apply: (b, link, o) => {
      const x = b.x;
      const v = o as Options<'vxlan'>;
      b.check(x.rtnl_link_vxlan_set_id(link, v.id), 'spec.vxlan.id');
      if (v.group) b.check(x.rtnl_link_vxlan_set_group(link, b.addr(v.group, 'spec.vxlan.group')), 'spec.vxlan.group');
      if (v.local) b.check(x.rtnl_link_vxlan_set_local(link, b.addr(v.local, 'spec.vxlan.local')), 'spec.vxlan.local');
      if (v.port !== undefined) b.check(x.rtnl_link_vxlan_set_port(link, v.port), 'spec.vxlan.port');
      if (v.device !== undefined) b.check(x.rtnl_link_vxlan_set_link(link, b.ifindex(v.device, 'spec.vxlan.device')));
      if (v.ttl !== undefined) b.check(x.rtnl_link_vxlan_set_ttl(link, v.ttl), 'spec.vxlan.ttl');
      if (v.learning !== undefined) b.check(x.rtnl_link_vxlan_set_learning(link, v.learning ? 1 : 0));
    },
  } as KindInfo<'vxlan'> as KindInfo<OptionField>,
  ...Object.fromEntries(['macvlan', 'macvtap'].map((k) => [k, {
    field: 'macvlan', required: true,
    apply: (b: RequestBuilder, link: number, o: Options<'macvlan'>) => {
      b.x.rtnl_link_set_link(link, b.ifindex(o.link, 'spec.macvlan.link'));
      if (o.mode) b.check(b.x.rtnl_link_macvlan_set_mode(link, b.named(b.x.rtnl_link_macvlan_str2mode, o.mode, 'spec.macvlan.mode', 'macvlan mode')));
    },
  } as KindInfo<'macvlan'> as KindInfo<OptionField>])),
  vlan: {
    field: 'vlan', required: true,
    apply: (b, link, o) => {
      const v = o as Options<'vlan'>;
      b.x.rtnl_link_set_link(link, b.ifindex(v.link, 'spec.vlan.link'));
      b.check(b.x.rtnl_link_vlan_set_id(link, v.id), 'spec.vlan.id');
      if (v.protocol) b.check(b.x.rtnl_link_vlan_set_protocol(link, htons(VLAN_PROTOCOLS[v.protocol])), 'spec.vlan.protocol');
    },
  } as KindInfo<'vlan'> as KindInfo<OptionField>,
  vrf: {
    field: 'vrf', required: true,
    apply: (b, link, o) => b.check(b.x.rtnl_link_vrf_set_tableid(link, (o as Options<'vrf'>).table), 'spec.vrf.table'),
  } as KindInfo<'vrf'> as KindInfo<OptionField>,
  ...Object.fromEntries(['ipip', 'sit', 'gre'].map((k) => [k, { field: 'tunnel', required: false, apply: tunnel } as KindInfo<'tunnel'> as KindInfo<OptionField>])),
  ipvlan: {
    field: 'ipvlan', required: true,
    apply: (b, link, o) => {
      const v = o as Options<'ipvlan'>;
      b.x.rtnl_link_set_link(link, b.ifindex(v.link, 'spec.ipvlan.link'));
      if (v.mode) b.check(b.x.rtnl_link_ipvlan_set_mode(link, b.named(b.x.rtnl_link_ipvlan_str2mode, v.mode, 'spec.ipvlan.mode', 'ipvlan mode')));
    },
  } as KindInfo<'ipvlan'> as KindInfo<OptionField>,
  geneve: {
    field: 'geneve', required: true,
    apply: (b, link, o) => {
      const g = o as Options<'geneve'>;
      b.check(b.x.rtnl_link_geneve_set_id(link, g.id), 'spec.geneve.id');
      if (g.remote) b.check(b.x.rtnl_link_geneve_set_remote(link, b.addr(g.remote, 'spec.geneve.remote')), 'spec.geneve.remote');
      if (g.ttl !== undefined) b.check(b.x.rtnl_link_geneve_set_ttl(link, g.ttl), 'spec.geneve.ttl');
    },
  } as KindInfo<'geneve'> as KindInfo<OptionField>,
  macsec: {
    field: 'macsec', required: true,
    apply: (b, link, o) => {
      const m = o as Options<'macsec'>;
      b.x.rtnl_link_set_link(link, b.ifindex(m.link, 'spec.macsec.link'));
      if (m.port !== undefined) b.check(b.x.rtnl_link_macsec_set_port(link, m.port), 'spec.macsec.port');
      if (m.encrypt !== undefined) b.check(b.x.rtnl_link_macsec_set_encrypt(link, m.encrypt ? 1 : 0), 'spec.macsec.encrypt');
    },
  } as KindInfo<'macsec'> as KindInfo<OptionField>,
};

/** The option fields of LinkSpec, each with its schema. */
export const linkOptions: { [F in OptionField]: Field<Options<F>, true> } = {
  vxlan: t.opt(t.obj<Options<'vxlan'>>({
    id: t.uint(0xffffff), group: t.opt(t.addr()), local: t.opt(t.addr()), port: t.opt(t.uint(65535)),
    device: t.opt(t.link()), ttl: t.opt(t.uint(255)), learning: t.opt(t.bool()),
  })),
  macvlan: t.opt(t.obj<Options<'macvlan'>>({ link: t.link(), mode: t.opt(t.str()) })),
  vlan: t.opt(t.obj<Options<'vlan'>>({ link: t.link(), id: t.uint(4094, 1), protocol: t.opt(t.oneOf(['802.1q', '802.1ad'] as const)) })),
  vrf: t.opt(t.obj<Options<'vrf'>>({ table: t.uint() })),
  tunnel: t.opt(t.obj<Options<'tunnel'>>({
    local: t.opt(t.addr()), remote: t.opt(t.addr()), link: t.opt(t.link()), ttl: t.opt(t.uint(255)), tos: t.opt(t.uint(255)),
  })),
  ipvlan: t.opt(t.obj<Options<'ipvlan'>>({ link: t.link(), mode: t.opt(t.oneOf(['l2', 'l3', 'l3s'] as const)) })),
  geneve: t.opt(t.obj<Options<'geneve'>>({ id: t.uint(0xffffff), remote: t.opt(t.addr()), ttl: t.opt(t.uint(255)) })),
  macsec: t.opt(t.obj<Options<'macsec'>>({ link: t.link(), port: t.opt(t.uint(65535, 1)), encrypt: t.opt(t.bool()) })),
} satisfies Partial<SchemaFor<LinkSpec>>;

/** Applies the options of the link's kind; options of another kind are refused by name. */
export function applyKindOptions(b: RequestBuilder, link: number, spec: LinkSpec): void {
  const info = Object.hasOwn(KINDS, spec.kind) ? KINDS[spec.kind] : undefined;
  for (const field of Object.keys(linkOptions) as OptionField[]) {
    if (spec[field] !== undefined && info?.field !== field) {
      const kinds = Object.keys(KINDS).filter((k) => KINDS[k].field === field);
      throw b.invalid(`spec.${field} is for ${kinds.join(', ')} links, not ${spec.kind}`);
    }
  }
  if (!info) return;
  const options = spec[info.field];
  if (options === undefined) {
    if (info.required) throw b.invalid(`spec.${info.field} is required for a ${spec.kind} link`);
    return;
  }
  info.apply(b, link, options, spec.kind);
}
