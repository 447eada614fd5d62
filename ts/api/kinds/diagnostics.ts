/**
 * What the client lists but does not change: generic netlink families
 * (genl/family) and sockets (idiag/idiag, inet_diag).
 */
import { AF_INET, NETLINK_GENERIC, NETLINK_INET_DIAG } from '../../libnl/generated/constants.js';
import { kind } from '../registry.js';
import { t } from '../schema.js';
import type { GenlFamilyInfo, SocketInfo } from '../types.js';

/** IDIAGNL_SS_ALL: every TCP state. */
const ALL_STATES = 0xfff;

export const genlKind = kind<GenlFamilyInfo>()({
  name: 'genl',
  property: 'genl',
  cacheType: 'genl/family',
  protocol: NETLINK_GENERIC,
  object: {
    id: t.uint(), name: t.str(), version: t.uint(), hdrsize: t.uint(), maxattr: t.uint(),
    ops: t.arr(t.obj<GenlFamilyInfo['ops'][number]>({ id: t.uint(), flags: t.uint() })),
    groups: t.arr(t.obj<GenlFamilyInfo['groups'][number]>({ id: t.uint(), name: t.str() })),
  },
  list: 'plain',
  dumpArgs: () => ({ arg1: 0, arg2: 0, flags: 0 }),
  extra: (ctx) => ({
    /** A family's numeric id (genl_ctrl_resolve). */
    resolve: (name: string): Promise<number> => ctx.op<number>('genlResolve', name),
    /** A family by name, with its operations and groups (undefined when the kernel has none of that name). */
    get: async (name: string): Promise<GenlFamilyInfo | undefined> => (await ctx.list({ where: (f) => f.name === name })).at(0),
  }),
});

export const socketKind = kind<SocketInfo, Record<never, never>, never, 'family'>()({
  name: 'socket',
  property: 'sockets',
  cacheType: 'idiag/idiag',
  protocol: NETLINK_INET_DIAG,
  object: {
    family: t.int(), state: t.str(), src: t.opt(t.addr()), srcPort: t.uint(), dst: t.opt(t.addr()), dstPort: t.uint(),
    ifindex: t.uint(), inode: t.uint(), uid: t.uint(), rqueue: t.uint(), wqueue: t.uint(), timer: t.uint(),
    retrans: t.uint(), expires: t.uint(),
  },
  list: 'family',
  // libnl asks with inet_diag's old request (TCPDIAG_GETSOCK), for which the kernel ignores
  // the family and answers every TCP socket: one dump, filtered by family here, not one per family.
  dumpArgs: (o) => ({ arg1: AF_INET, arg2: o.states ?? ALL_STATES, flags: 0 }),
});
