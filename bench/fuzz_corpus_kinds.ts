/**
 * Messages of the link, qdisc, classifier and action kinds the client binds
 * (docs/kinds.md) that this kernel cannot hold: no dummy, bond, vrf, vlan,
 * ipip, sit, gre, ipvlan, geneve or macsec links (and no veth peer in a
 * dump), no prio, sfq or fq_codel qdiscs, no classifier but u32 and no
 * action but mirred (and no action dumps). libnl itself
 * builds them (rtnl_*_build_add_request()), flagged as the messages of a
 * dump, so that the fuzz corpus reaches every bound kind's parser and dump
 * functions (docs/fuzzing-coverage.md). bench/fuzz_corpus.ts adds them to
 * the captured dumps.
 */
import type { LibnlCore } from '../dist/libnl/core.js';
import type { LibnlSync } from '../dist/index.js';
import type { NlMsg, RtnlAct } from '../dist/libnl/generated/api.js';
import type { LibnlRaw } from '../dist/libnl/generated/raw.js';
import { NLM_F_MULTI, setFlags } from '../test/helpers/netlink_bytes.js';

const AF_INET = 2;
const ETH_P_IP_BE = 0x0008;
/** TC_H_ROOT, and the classful root qdisc 1: the captured dumps have. */
const TC_H_ROOT = 0xffffffff;
const ROOT_1 = 0x10000;
/** The ifindex the built objects live on (the captured namespace's v0), and the first one the built links take. */
const DEV = 2;
const FIRST_BUILT_IFINDEX = 100;
/** 10.0.0.1 and 10.0.0.2 as libnl keeps IPv4 tunnel ends: network-order bytes in a u32. */
const LOCAL = 0x0100000a;
const REMOTE = 0x0200000a;
/** tc's default priomap (libnl's prio qdisc aborts without one). */
const PRIOMAP = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
const TC_ACT_SHOT = 2;
const TC_ACT_PIPE = 3;
const TCA_EGRESS_REDIR = 1;

export interface BuiltKinds {
  'route/link': Uint8Array[];
  'route/qdisc': Uint8Array[];
  'route/cls': Uint8Array[];
  'route/act': Uint8Array[];
}

export function buildKindMessages(lib: LibnlSync, core: LibnlCore): BuiltKinds {
  const mem = (): ArrayBuffer => core.runtime.memory.buffer;
  const raw = core.runtime.process.exports as unknown as LibnlRaw;
  /** The request's bytes as a dump's message; the request is freed. */
  const asDumped = (msg: NlMsg): Uint8Array => {
    const hdr = lib.nlmsg_hdr(msg);
    if (!hdr) throw new Error('no message');
    const len = new DataView(mem()).getUint32(hdr.ptr, true);
    const bytes = new Uint8Array(mem(), hdr.ptr, len).slice();
    setFlags(bytes, 0, NLM_F_MULTI);
    lib.nlmsg_free(msg);
    return bytes;
  };
  const check = (what: string, err: number): void => {
    if (err < 0) throw new Error(`${what}: libnl error ${err}`);
  };

  const links: Array<[string, (l: ReturnType<LibnlSync['rtnl_link_alloc']>) => void]> = [
    // A dump does not carry a veth's peer; libnl's request does (VETH_INFO_PEER).
    ['veth', (l) => {
      const peer = lib.rtnl_link_veth_get_peer(l);
      lib.rtnl_link_set_name(peer, 'fz-veth-peer');
      lib.rtnl_link_put(peer);
    }],
    ['dummy', () => undefined],
    ['bond', () => undefined],
    ['vrf', (l) => check('vrf table', lib.rtnl_link_vrf_set_tableid(l, 10))],
    ['vlan', (l) => {
      lib.rtnl_link_set_link(l, DEV);
      check('vlan id', lib.rtnl_link_vlan_set_id(l, 5));
    }],
    ['ipip', (l) => {
      check('ipip local', lib.rtnl_link_ipip_set_local(l, LOCAL));
      check('ipip remote', lib.rtnl_link_ipip_set_remote(l, REMOTE));
    }],
    ['sit', (l) => {
      check('sit local', lib.rtnl_link_sit_set_local(l, LOCAL));
      check('sit remote', lib.rtnl_link_sit_set_remote(l, REMOTE));
    }],
    ['gre', (l) => {
      check('gre local', lib.rtnl_link_ipgre_set_local(l, LOCAL));
      check('gre remote', lib.rtnl_link_ipgre_set_remote(l, REMOTE));
      check('gre ikey', lib.rtnl_link_ipgre_set_ikey(l, 7));
    }],
    ['ipvlan', (l) => {
      lib.rtnl_link_set_link(l, DEV);
      check('ipvlan mode', lib.rtnl_link_ipvlan_set_mode(l, 1));
    }],
    ['geneve', (l) => {
      check('geneve id', lib.rtnl_link_geneve_set_id(l, 5));
      const remote = lib.nl_addr_parse('10.0.0.2', AF_INET);
      check('geneve remote', lib.rtnl_link_geneve_set_remote(l, remote));
      lib.release(remote);
      check('geneve ttl', lib.rtnl_link_geneve_set_ttl(l, 64));
    }],
    ['macsec', (l) => {
      lib.rtnl_link_set_link(l, DEV);
      check('macsec sci', lib.rtnl_link_macsec_set_sci(l, 0x0200000000010001n));
      check('macsec port', lib.rtnl_link_macsec_set_port(l, 1));
    }],
  ];
  const linkMessages = links.map(([kind, configure], i) => {
    const l = lib.rtnl_link_alloc();
    check(`link type ${kind}`, lib.rtnl_link_set_type(l, kind));
    lib.rtnl_link_set_ifindex(l, FIRST_BUILT_IFINDEX + i);
    lib.rtnl_link_set_name(l, `fz-${kind}`);
    lib.rtnl_link_set_mtu(l, 1400);
    configure(l);
    const m = asDumped(lib.rtnl_link_build_add_request(l, 0));
    lib.rtnl_link_put(l);
    return m;
  });

  const priomap = raw.malloc(PRIOMAP.length);
  new Uint8Array(mem(), priomap, PRIOMAP.length).set(PRIOMAP);
  const qdiscs: Array<[string, (q: ReturnType<LibnlSync['rtnl_qdisc_alloc']>) => void]> = [
    ['prio', (q) => {
      lib.rtnl_qdisc_prio_set_bands(q, 3);
      check('prio priomap', lib.rtnl_qdisc_prio_set_priomap(q, priomap, PRIOMAP.length));
    }],
    ['sfq', (q) => {
      lib.rtnl_sfq_set_quantum(q, 1514);
      lib.rtnl_sfq_set_limit(q, 127);
    }],
    ['fq_codel', (q) => {
      check('fq_codel limit', lib.rtnl_qdisc_fq_codel_set_limit(q, 1000));
      check('fq_codel target', lib.rtnl_qdisc_fq_codel_set_target(q, 5000));
    }],
    ['bfifo', (q) => check('bfifo limit', lib.rtnl_qdisc_fifo_set_limit(q, 10000))],
  ];
  const qdiscMessages = qdiscs.map(([kind, configure], i) => {
    const q = lib.rtnl_qdisc_alloc();
    lib.rtnl_tc_set_ifindex(q, FIRST_BUILT_IFINDEX + i);
    lib.rtnl_tc_set_parent(q, TC_H_ROOT);
    lib.rtnl_tc_set_handle(q, (0x10 + i) << 16);
    check(`qdisc kind ${kind}`, lib.rtnl_tc_set_kind(q, kind));
    configure(q);
    const m = asDumped(lib.rtnl_qdisc_build_add_request(q, 0));
    lib.rtnl_qdisc_put(q);
    return m;
  });
  raw.free(priomap);

  // Actions are tc objects too (libnl's TC_CAST), but the typed API takes only qdiscs,
  // classes and classifiers as such: the kind is set through the raw exports.
  const action = (kind: string, configure: (a: RtnlAct) => void): RtnlAct => {
    const a = lib.rtnl_act_alloc();
    if (!a) throw new Error('rtnl_act_alloc() failed');
    const name = raw.malloc(kind.length + 1);
    new Uint8Array(mem(), name, kind.length + 1).set([...Buffer.from(kind), 0]);
    check(`action kind ${kind}`, raw.rtnl_tc_set_kind(a.ptr, name));
    raw.free(name);
    configure(a);
    return a;
  };
  const gact = (): RtnlAct => action('gact', (a) => check('gact action', lib.rtnl_gact_set_action(a, TC_ACT_SHOT)));
  const skbedit = (): RtnlAct => action('skbedit', (a) => {
    check('skbedit mark', lib.rtnl_skbedit_set_mark(a, 5));
    check('skbedit priority', lib.rtnl_skbedit_set_priority(a, 0x10001));
    check('skbedit action', lib.rtnl_skbedit_set_action(a, TC_ACT_PIPE));
  });
  const classifiers: Array<[string, (c: ReturnType<LibnlSync['rtnl_cls_alloc']>) => RtnlAct | undefined]> = [
    ['basic', (c) => {
      lib.rtnl_basic_set_target(c, 0x10010);
      const a = gact();
      check('basic action', lib.rtnl_basic_add_action(c, a));
      return a;
    }],
    ['matchall', (c) => {
      check('matchall classid', lib.rtnl_mall_set_classid(c, 0x10010));
      const a = skbedit();
      check('matchall action', lib.rtnl_mall_append_action(c, a));
      return a;
    }],
    ['fw', (c) => {
      check('fw classid', lib.rtnl_fw_set_classid(c, 0x10010));
      return undefined;
    }],
    ['flower', (c) => {
      check('flower proto', lib.rtnl_flower_set_proto(c, ETH_P_IP_BE));
      const a = gact();
      check('flower action', lib.rtnl_flower_append_action(c, a));
      return a;
    }],
    ['u32', (c) => {
      check('u32 classid', lib.rtnl_u32_set_classid(c, 0x10010));
      check('u32 key', lib.rtnl_u32_add_key_uint32(c, 0x0a000000, 0xff000000, 16, 0));
      const a = skbedit();
      check('u32 action', lib.rtnl_u32_add_action(c, a));
      return a;
    }],
  ];
  const clsMessages = classifiers.map(([kind, configure], i) => {
    const c = lib.rtnl_cls_alloc();
    lib.rtnl_tc_set_ifindex(c, DEV);
    lib.rtnl_tc_set_parent(c, ROOT_1);
    lib.rtnl_tc_set_handle(c, 0x100 + i);
    lib.rtnl_cls_set_prio(c, 10 + i);
    lib.rtnl_cls_set_protocol(c, 0x0800);
    check(`classifier kind ${kind}`, lib.rtnl_tc_set_kind(c, kind));
    const a = configure(c);
    const m = asDumped(lib.rtnl_cls_build_add_request(c, 0));
    if (a) lib.rtnl_act_put(a);
    lib.rtnl_cls_put(c);
    return m;
  });
  const mirred = (): RtnlAct => action('mirred', (a) => {
    check('mirred action', lib.rtnl_mirred_set_action(a, TCA_EGRESS_REDIR));
    check('mirred ifindex', lib.rtnl_mirred_set_ifindex(a, DEV));
  });
  const actMessages = [gact, mirred, skbedit].map((make) => {
    const a = make();
    const m = asDumped(lib.rtnl_act_build_add_request(a, 0));
    lib.rtnl_act_put(a);
    return m;
  });
  return { 'route/link': linkMessages, 'route/qdisc': qdiscMessages, 'route/cls': clsMessages, 'route/act': actMessages };
}
