/**
 * The typed client's requests against iproute2's (`ip`, `bridge`, `tc`),
 * byte for byte, for every new kind: both send the same request in one
 * private namespace under the LD_PRELOAD tracer, and the first message of
 * the request's type each sent is compared attribute by attribute
 * (test/helpers/request_bytes.ts). What differs is listed per case,
 * exactly: the named differences every libnl request has (NLM_F_ACK,
 * NLA_F_NESTED, a string's NUL), attributes one side adds by default, and
 * whether the attributes come in the same order. Where this kernel lacks
 * the feature (link kinds but veth/bridge/vxlan/macvlan/ifb, ESP, qdiscs
 * but htb/tbf/fifo/ingress/clsact, classifiers but u32), both requests are
 * refused the same way, and the bytes are the test; kinds the kernel has
 * are also round-tripped in new_kinds.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createNetns, ipn, kernelSkipReason, tcn } from '../helpers/netns.js';
import { differences, requestPair, type Allowed, type ClientOp } from '../helpers/request_bytes.js';

/** Message types and the fixed header each carries (linux/rtnetlink.h, linux/xfrm.h). */
const RTM_NEWLINK = [16, 16] as const;
const RTM_NEWQDISC = [36, 20] as const;
const RTM_NEWTFILTER = [44, 20] as const;
const RTM_NEWNEIGH = [28, 12] as const;
const RTM_DELNEIGH = [29, 12] as const;
const RTM_NEWMDB = [84, 8] as const;
const RTM_DELMDB = [85, 8] as const;
const XFRM_MSG_NEWSA = [16, 224] as const;
const XFRM_MSG_DELSA = [17, 24] as const;
const XFRM_MSG_NEWPOLICY = [19, 168] as const;
const XFRM_MSG_DELPOLICY = [20, 64] as const;

/** IFLA_LINKINFO and its IFLA_INFO_DATA hold attributes. */
const LINKINFO = ['18', '18.2'];
/** TCA_OPTIONS, and a classifier's actions: TCA_*_ACT, each action, its TCA_ACT_OPTIONS. */
const TC_OPTIONS = ['2'];
const actionsAt = (act: number): string[] => ['2', `2.${act}`, `2.${act}.1`, `2.${act}.1.2`];

interface Case {
  what: string;
  tool: string[];
  client: ClientOp;
  message: readonly [number, number];
  nests?: string[];
  allowed: Allowed[];
  /** The lines left once the allowed differences are set aside (default: none) and the order (default: the same). */
  onlyClient?: string[];
  onlyTool?: string[];
  sameOrder?: boolean;
  /** What the kernel answers both (a pattern of the tool's output and the client's error), when it refuses. */
  refused?: RegExp;
}

const NO_LINK_KIND = /Unknown device type/;
const NO_QDISC = /Specified qdisc kind is unknown/;
const NO_CLASSIFIER = /TC classifier not found/;
/** The kind of link libnl names in IFLA_INFO_KIND, with the NUL iproute2 leaves out. */
const LINK: Allowed[] = ['ack', 'nested', 'nul 18.1'];

const link = (name: string, spec: Record<string, unknown>): ClientOp => ({ op: 'add', kind: 'link', spec: { name, ...spec } });

const CASES: Case[] = [
  { what: 'dummy', tool: ['ip', 'link', 'add', 'd0', 'mtu', '1400', 'type', 'dummy'], client: link('d0', { kind: 'dummy', mtu: 1400 }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND },
  { what: 'bond', tool: ['ip', 'link', 'add', 'b0', 'type', 'bond'], client: link('b0', { kind: 'bond' }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND },
  { what: 'vrf', tool: ['ip', 'link', 'add', 'vr0', 'type', 'vrf', 'table', '10'], client: link('vr0', { kind: 'vrf', vrf: { table: 10 } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND },
  { what: 'vlan (802.1ad)', tool: ['ip', 'link', 'add', 'link', 'v0', 'name', 'vl0', 'type', 'vlan', 'protocol', '802.1ad', 'id', '10'],
    client: link('vl0', { kind: 'vlan', vlan: { link: 'v0', id: 10, protocol: '802.1ad' } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, sameOrder: false, refused: NO_LINK_KIND },
  { what: 'ipip', tool: ['ip', 'link', 'add', 't0', 'type', 'ipip', 'remote', '192.0.2.2', 'local', '192.0.2.1', 'ttl', '64', 'dev', 'v0'],
    client: link('t0', { kind: 'ipip', tunnel: { remote: '192.0.2.2', local: '192.0.2.1', ttl: 64, link: 'v0' } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, sameOrder: false, refused: NO_LINK_KIND,
    // iproute2 sends its defaults: pmtudisc on, tos, proto, fwmark and the encapsulation fields 0.
    onlyTool: ['18.2.9 00', '18.2.10 01', '18.2.5 00', '18.2.20 00000000', '18.2.15 0000', '18.2.16 0000', '18.2.17 0000', '18.2.18 0000'] },
  { what: 'sit', tool: ['ip', 'link', 'add', 't1', 'type', 'sit', 'remote', '192.0.2.2', 'local', '192.0.2.1', 'ttl', '64'],
    client: link('t1', { kind: 'sit', tunnel: { remote: '192.0.2.2', local: '192.0.2.1', ttl: 64 } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND,
    onlyTool: ['18.2.9 00', '18.2.10 01', '18.2.5 00', '18.2.1 00000000', '18.2.20 00000000', '18.2.15 0000', '18.2.16 0000', '18.2.17 0000', '18.2.18 0000', '18.2.8 0000'] },
  { what: 'gre', tool: ['ip', 'link', 'add', 't2', 'type', 'gre', 'remote', '192.0.2.2', 'local', '192.0.2.1', 'ttl', '64'],
    client: link('t2', { kind: 'gre', tunnel: { remote: '192.0.2.2', local: '192.0.2.1', ttl: 64 } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND,
    // iproute2's defaults: keys and flags 0, pmtudisc on, tos, fwmark and the encapsulation fields 0.
    onlyTool: ['18.2.4 00000000', '18.2.5 00000000', '18.2.2 0000', '18.2.3 0000', '18.2.10 01', '18.2.9 00', '18.2.20 00000000', '18.2.14 0000', '18.2.15 0000', '18.2.16 0000', '18.2.17 0000'] },
  { what: 'ipvlan', tool: ['ip', 'link', 'add', 'link', 'v0', 'name', 'iv0', 'type', 'ipvlan', 'mode', 'l3'],
    client: link('iv0', { kind: 'ipvlan', ipvlan: { link: 'v0', mode: 'l3' } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, sameOrder: false, refused: NO_LINK_KIND,
    // iproute2 sends IFLA_IPVLAN_FLAGS 0 (bridge mode) by default.
    onlyTool: ['18.2.2 0000'] },
  { what: 'geneve', tool: ['ip', 'link', 'add', 'gn0', 'type', 'geneve', 'id', '5', 'remote', '192.0.2.2', 'ttl', '9'],
    client: link('gn0', { kind: 'geneve', geneve: { id: 5, remote: '192.0.2.2', ttl: 9 } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, refused: NO_LINK_KIND,
    // iproute2 sends IFLA_GENEVE_LABEL and IFLA_GENEVE_TOS 0 by default.
    onlyTool: ['18.2.11 00000000', '18.2.4 00'] },
  { what: 'macsec', tool: ['ip', 'link', 'add', 'link', 'v0', 'ms0', 'type', 'macsec', 'port', '11', 'encrypt', 'on'],
    client: link('ms0', { kind: 'macsec', macsec: { link: 'v0', port: 11, encrypt: true } }),
    message: RTM_NEWLINK, nests: LINKINFO, allowed: LINK, sameOrder: false, refused: NO_LINK_KIND },

  { what: 'prio qdisc', tool: ['tc', 'qdisc', 'add', 'dev', 'v1', 'root', 'handle', '1:', 'prio', 'bands', '4'],
    client: { op: 'add', kind: 'qdisc', spec: { dev: 'v1', parent: 'root', handle: '1:', kind: 'prio', options: { bands: 4 } } },
    message: RTM_NEWQDISC, allowed: ['ack'], refused: NO_QDISC,
    // tc appends an empty nest (TCA_PRIO_MQ's container) to struct tc_prio_qopt; libnl sends the struct alone.
    onlyClient: ['2 0400000001020202010200000101010101010101'], onlyTool: ['2 040000000102020201020000010101010101010104000200'] },
  { what: 'sfq qdisc', tool: ['tc', 'qdisc', 'add', 'dev', 'v1', 'root', 'handle', '2:', 'sfq', 'quantum', '1514', 'perturb', '10', 'limit', '100'],
    client: { op: 'add', kind: 'qdisc', spec: { dev: 'v1', parent: 'root', handle: '2:', kind: 'sfq', options: { quantum: 1514, perturb: 10, limit: 100 } } },
    message: RTM_NEWQDISC, allowed: ['ack'], refused: NO_QDISC,
    // tc sends struct tc_sfq_qopt_v1 (its v0 part equal), libnl struct tc_sfq_qopt; the kernel takes either.
    onlyClient: ['2 ea0500000a000000640000000000000000000000'], onlyTool: [`2 ea0500000a000000640000000000000000000000${'0'.repeat(104)}`] },
  { what: 'fq_codel qdisc', tool: ['tc', 'qdisc', 'add', 'dev', 'v1', 'root', 'handle', '3:', 'fq_codel', 'limit', '500', 'flows', '128', 'quantum', '1514', 'target', '5ms', 'interval', '100ms', 'ecn'],
    client: { op: 'add', kind: 'qdisc', spec: { dev: 'v1', parent: 'root', handle: '3:', kind: 'fq_codel', options: { limit: 500, flows: 128, quantum: 1514, target: 5000, interval: 100000, ecn: 1 } } },
    message: RTM_NEWQDISC, nests: TC_OPTIONS, allowed: ['ack', 'nested'], sameOrder: false, refused: NO_QDISC },
  { what: 'basic classifier', tool: ['tc', 'filter', 'add', 'dev', 'v0', 'parent', 'ffff:fff2', 'protocol', 'ip', 'prio', '2', 'basic', 'classid', '1:10'],
    client: { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: 'ffff:fff2', prio: 2, kind: 'basic', classid: '1:10' } },
    message: RTM_NEWTFILTER, nests: TC_OPTIONS, allowed: ['ack', 'nested'], refused: NO_CLASSIFIER },
  { what: 'fw classifier', tool: ['tc', 'filter', 'add', 'dev', 'v0', 'parent', 'ffff:fff2', 'protocol', 'ip', 'prio', '4', 'handle', '7', 'fw', 'classid', '1:7'],
    client: { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: 'ffff:fff2', prio: 4, handle: ':7', kind: 'fw', classid: '1:7' } },
    message: RTM_NEWTFILTER, nests: TC_OPTIONS, allowed: ['ack', 'nested'], refused: NO_CLASSIFIER },
  { what: 'matchall classifier with a gact drop action', tool: ['tc', 'filter', 'add', 'dev', 'v0', 'parent', 'ffff:fff2', 'protocol', 'ip', 'prio', '3', 'matchall', 'action', 'drop'],
    client: { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: 'ffff:fff2', prio: 3, kind: 'matchall', actions: [{ kind: 'gact', verdict: 'drop' }] } },
    message: RTM_NEWTFILTER, nests: actionsAt(2), allowed: ['ack', 'nested'], refused: NO_CLASSIFIER,
    // libnl's matchall always sends TCA_MATCHALL_CLASSID and TCA_MATCHALL_FLAGS, 0 when not set.
    onlyClient: ['2.1 00000000', '2.3 00000000'] },
  { what: 'matchall classifier with a skbedit action', tool: ['tc', 'filter', 'add', 'dev', 'v0', 'parent', 'ffff:fff2', 'protocol', 'ip', 'prio', '6', 'matchall', 'action', 'skbedit', 'priority', '5'],
    client: { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: 'ffff:fff2', prio: 6, kind: 'matchall', actions: [{ kind: 'skbedit', priority: 5 }] } },
    message: RTM_NEWTFILTER, nests: actionsAt(2), allowed: ['ack', 'nested'], refused: NO_CLASSIFIER,
    onlyClient: ['2.1 00000000', '2.3 00000000'] },
  { what: 'flower classifier with a mirred redirect', tool: ['tc', 'filter', 'add', 'dev', 'v0', 'parent', 'ffff:fff2', 'protocol', 'ip', 'prio', '5', 'flower', 'dst_ip', '10.1.0.0/16', 'action', 'mirred', 'egress', 'redirect', 'dev', 'v1'],
    client: { op: 'add', kind: 'classifier', spec: { dev: 'v0', parent: 'ffff:fff2', prio: 5, kind: 'flower', match: { dst: '10.1.0.0/16' }, actions: [{ kind: 'mirred', mirred: 'redirect', dev: 'v1' }] } },
    message: RTM_NEWTFILTER, nests: actionsAt(3), allowed: ['ack', 'nested'], sameOrder: false, refused: NO_CLASSIFIER,
    // tc sends TCA_FLOWER_FLAGS 0 by default.
    onlyTool: ['2.22 00000000'] },

  { what: 'an ESP SA (add)', tool: ['ip', 'xfrm', 'state', 'add', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'spi', '0x1000', 'mode', 'tunnel', 'reqid', '7',
    'auth-trunc', 'hmac(sha256)', `0x${'11'.repeat(32)}`, '128', 'enc', 'cbc(aes)', `0x${'22'.repeat(16)}`],
  client: { op: 'add', kind: 'xfrm-sa', spec: { src: '10.0.0.1', dst: '10.0.0.2', protocol: 'esp', spi: 0x1000, mode: 'tunnel', reqid: 7,
    auth: { name: 'hmac(sha256)', key: `0x${'11'.repeat(32)}`, bits: 128 }, crypt: { name: 'cbc(aes)', key: `0x${'22'.repeat(16)}` } } },
  message: XFRM_MSG_NEWSA, allowed: ['ack'], refused: /Requested type not found/ },
  { what: 'an ESP SA (delete)', tool: ['ip', 'xfrm', 'state', 'delete', 'dst', '10.0.0.2', 'proto', 'esp', 'spi', '0x1000'],
    client: { op: 'delete', kind: 'xfrm-sa', spec: { dst: '10.0.0.2', protocol: 'esp', spi: 0x1000 } },
    message: XFRM_MSG_DELSA, allowed: ['ack'], refused: /No such process|Object not found/,
    // iproute2 always sends XFRMA_SRCADDR (zero when not given); libnl's delete request never does.
    onlyTool: ['13 00000000000000000000000000000000'] },
  { what: 'an xfrm policy with a template (add)', tool: ['ip', 'xfrm', 'policy', 'add', 'src', '10.0.0.1/32', 'dst', '10.0.0.2/32', 'dir', 'out', 'priority', '5',
    'tmpl', 'src', '10.0.0.1', 'dst', '10.0.0.2', 'proto', 'esp', 'mode', 'tunnel', 'reqid', '7'],
  client: { op: 'add', kind: 'xfrm-sp', spec: { dir: 'out', selector: { src: '10.0.0.1/32', dst: '10.0.0.2/32' }, priority: 5,
    templates: [{ src: '10.0.0.1', dst: '10.0.0.2', protocol: 'esp', mode: 'tunnel', reqid: 7 }] } },
  message: XFRM_MSG_NEWPOLICY, allowed: ['ack'] },
  { what: 'an xfrm policy (delete)', tool: ['ip', 'xfrm', 'policy', 'delete', 'src', '10.0.0.1/32', 'dst', '10.0.0.2/32', 'dir', 'out'],
    client: { op: 'delete', kind: 'xfrm-sp', spec: { dir: 'out', selector: { src: '10.0.0.1/32', dst: '10.0.0.2/32' } } },
    message: XFRM_MSG_DELPOLICY, allowed: ['ack'] },

  { what: 'a bridge FDB entry (add)', tool: ['bridge', 'fdb', 'add', '02:00:00:00:00:aa', 'dev', 'v0', 'master', 'static'],
    client: { op: 'add', kind: 'fdb', spec: { dev: 'v0', lladdr: '02:00:00:00:00:aa', master: true, state: 'static' } },
    message: RTM_NEWNEIGH, allowed: ['ack'] },
  { what: 'a bridge FDB entry (delete)', tool: ['bridge', 'fdb', 'del', '02:00:00:00:00:aa', 'dev', 'v0', 'master'],
    client: { op: 'delete', kind: 'fdb', spec: { dev: 'v0', lladdr: '02:00:00:00:00:aa', master: true } },
    message: RTM_DELNEIGH, allowed: ['ack'] },
  { what: 'a bridge MDB entry (add)', tool: ['bridge', 'mdb', 'add', 'dev', 'br0', 'port', 'v0', 'grp', '239.1.1.1', 'permanent'],
    client: { op: 'add', kind: 'mdb', spec: { dev: 'br0', port: 'v0', group: '239.1.1.1', permanent: true } },
    message: RTM_NEWMDB, allowed: ['ack'] },
  { what: 'a bridge MDB entry (delete)', tool: ['bridge', 'mdb', 'del', 'dev', 'br0', 'port', 'v0', 'grp', '239.1.1.1'],
    client: { op: 'delete', kind: 'mdb', spec: { dev: 'br0', port: 'v0', group: '239.1.1.1' } },
    message: RTM_DELMDB, allowed: ['ack'] },
  { what: 'an ingress qdisc', tool: ['tc', 'qdisc', 'add', 'dev', 'v1', 'ingress'],
    client: { op: 'add', kind: 'qdisc', spec: { dev: 'v1', parent: 'ingress', kind: 'ingress' } }, message: RTM_NEWQDISC, allowed: ['ack'] },
  { what: 'a clsact qdisc', tool: ['tc', 'qdisc', 'add', 'dev', 'br0', 'clsact'],
    client: { op: 'add', kind: 'qdisc', spec: { dev: 'br0', parent: 'clsact', kind: 'clsact' } }, message: RTM_NEWQDISC, allowed: ['ack'] },
];

describe.skipIf(!!kernelSkipReason)('requests of the new kinds, against iproute2\'s', () => {
  let ns = '';
  beforeAll(() => {
    ns = createNetns('bytes');
    ipn(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    ipn(ns, 'link', 'add', 'br0', 'type', 'bridge');
    ipn(ns, 'link', 'set', 'v0', 'master', 'br0');
    for (const dev of ['br0', 'v0', 'v1']) ipn(ns, 'link', 'set', dev, 'up');
    // The classifiers' parent (its ingress hook, ffff:fff2).
    tcn(ns, 'qdisc', 'add', 'dev', 'v0', 'clsact');
  });

  it('the comparison sees a changed byte, a missing attribute and another order', () => {
    const base = ['flags 0x601', 'header 00', '3 643000', '18 nested', '18.1 64756d6d79'];
    expect(differences(base, base)).toEqual({ onlyClient: [], onlyTool: [], sameOrder: true });
    expect(differences(base, [...base.slice(0, 4), '18.1 64756d6d78'])).toMatchObject({ onlyClient: ['18.1 64756d6d79'], onlyTool: ['18.1 64756d6d78'] });
    expect(differences(base.slice(0, 4), base).onlyTool).toEqual(['18.1 64756d6d79']);
    expect(differences([base[0], base[1], base[3], base[4], base[2]], base).sameOrder).toBe(false);
    // An allowed difference sets aside only what it names.
    expect(differences(['flags 0x601', '18.1 766c616e00'], ['flags 0x605', '18.1 766c616e'], ['ack', 'nul 18.1']).onlyClient).toEqual([]);
    expect(differences(['flags 0x601', '3 766c3000'], ['flags 0x605', '3 766c30'], ['ack', 'nul 18.1']).onlyClient).toEqual(['3 766c3000']);
  });

  it.each(CASES.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    const pair = requestPair(ns, c.tool, c.client, c.message[0], c.message[1], c.nests);
    const d = differences(pair.client, pair.tool, c.allowed);
    expect({ onlyClient: d.onlyClient, onlyTool: d.onlyTool }, `client: ${pair.client.join(' ; ')}\ntool:   ${pair.tool.join(' ; ')}`)
      .toEqual({ onlyClient: c.onlyClient ?? [], onlyTool: c.onlyTool ?? [] });
    expect(d.sameOrder, 'attribute order').toBe(c.sameOrder ?? true);
    if (c.refused) {
      expect(pair.toolOutput).toMatch(c.refused);
      expect(pair.clientError).toMatch(c.refused);
    }
  });
});
