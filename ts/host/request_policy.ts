/**
 * Read-only mode: which outgoing netlink requests would change kernel state.
 * A request is allowed when every message in the datagram is a query: an
 * RTM_GET* in NETLINK_ROUTE, a known GET in xfrm, ctnetlink and the generic
 * netlink controller, any sock_diag request but SOCK_DESTROY, or a dump
 * (NLM_F_DUMP) elsewhere. Anything unparsable counts as changing state.
 */
const NETLINK_ROUTE = 0;
const NETLINK_SOCK_DIAG = 4;
const NETLINK_XFRM = 6;
const NETLINK_NETFILTER = 12;
const NETLINK_GENERIC = 16;

const NLMSG_HDRLEN = 16;
const NLMSG_MIN_TYPE = 0x10;
const NLM_F_DUMP = 0x300;
const SOCK_DESTROY = 21;
const GENL_ID_CTRL = 0x10;
const CTRL_CMD_GETFAMILY = 3;
const CTRL_CMD_GETPOLICY = 10;
const NFNL_SUBSYS_CTNETLINK = 1;
/** IPCTNL_MSG_CT_GET, _GET_STATS_CPU, _GET_STATS, _GET_DYING, _GET_UNCONFIRMED */
const CT_QUERIES = new Set([1, 4, 5, 6, 7]);
/** XFRM_MSG_GETSA, GETPOLICY, GETAE, GETSADINFO, GETSPDINFO, GETDEFAULT */
const XFRM_QUERIES = new Set([0x12, 0x15, 0x1f, 0x23, 0x25, 0x27]);

function isQuery(protocol: number, type: number, flags: number, payload: DataView, off: number,
  len: number): boolean {
  if (type < NLMSG_MIN_TYPE) return true; // NLMSG_NOOP/DONE/ERROR carry no request
  switch (protocol) {
    case NETLINK_ROUTE:
      return (type & 3) === 2;
    case NETLINK_SOCK_DIAG:
      return type !== SOCK_DESTROY;
    case NETLINK_XFRM:
      return XFRM_QUERIES.has(type);
    case NETLINK_NETFILTER:
      if (type >> 8 === NFNL_SUBSYS_CTNETLINK) return CT_QUERIES.has(type & 0xff);
      return (flags & NLM_F_DUMP) === NLM_F_DUMP;
    case NETLINK_GENERIC:
      if (type === GENL_ID_CTRL && len > NLMSG_HDRLEN) {
        const cmd = payload.getUint8(off + NLMSG_HDRLEN);
        return cmd === CTRL_CMD_GETFAMILY || cmd === CTRL_CMD_GETPOLICY;
      }
      return (flags & NLM_F_DUMP) === NLM_F_DUMP;
    default:
      return (flags & NLM_F_DUMP) === NLM_F_DUMP;
  }
}

export function isStateChangingRequest(protocol: number, datagram: Uint8Array): boolean {
  const v = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  let off = 0;
  while (off + NLMSG_HDRLEN <= datagram.byteLength) {
    const len = v.getUint32(off, true);
    if (len < NLMSG_HDRLEN || off + len > datagram.byteLength) return true;
    if (!isQuery(protocol, v.getUint16(off + 4, true), v.getUint16(off + 6, true), v, off, len)) return true;
    off += (len + 3) & ~3;
  }
  return off < datagram.byteLength && datagram.byteLength - off >= 4;
}
