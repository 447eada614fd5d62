/**
 * The typed client's data: plain, structured-clone friendly objects, as
 * libnl's getters and *2str functions describe them, and the inputs the
 * client accepts to create or change them. Each kind's descriptor
 * (kinds/*.ts) holds the schema of both, which the compiler keeps equal to
 * these interfaces; the tests keep wasm/object_export.c equal to the schemas.
 */
import type { NlError } from '../libnl/nl_error.js';
import type { KINDS } from './kinds/index.js';
import type { SpecsOf } from './registry.js';

export interface LinkStats {
  rxPackets: number; txPackets: number; rxBytes: number; txBytes: number;
  rxErrors: number; txErrors: number; rxDropped: number; txDropped: number;
  multicast: number; collisions: number;
}

/** Kind-specific link information (only what applies is present). */
export interface LinkInfo {
  /** vxlan */
  id?: number; group?: string; local?: string; port?: number; device?: number;
  ttl?: number; tos?: number; learning?: boolean; ageing?: number;
  /** macvlan, macvtap */
  mode?: string; flags?: number;
  /** veth: the peer's ifindex */
  peerIndex?: number;
  /** a bridge port (AF_BRIDGE) */
  portState?: string; portPriority?: number; portCost?: number;
}

export interface Link {
  name: string;
  index: number;
  family: number;
  /** "bridge", "veth", "vxlan", "macvlan", "ifb", "tun", ... (absent for plain devices) */
  kind?: string;
  flags: number;
  /** libnl's names for flags: "up", "broadcast", "running", ... */
  flagNames: string[];
  mtu: number;
  txqlen: number;
  /** link-layer address ("02:00:00:00:01:00") */
  address?: string;
  broadcast?: string;
  /** ifindex of the master device (bridge, ...) */
  master?: number;
  /** IFLA_LINK: ifindex of the lower or peer device */
  link?: number;
  operstate: string;
  carrier: boolean;
  group: number;
  qdisc?: string;
  alias?: string;
  promiscuity: number;
  numTxQueues: number;
  numRxQueues: number;
  stats: LinkStats;
  info: LinkInfo;
}

export interface Address {
  family: number;
  ifindex: number;
  label?: string;
  /** "10.0.0.1/24" (libnl prints the prefix length with the local address) */
  local?: string;
  prefixlen: number;
  peer?: string;
  broadcast?: string;
  scope: string;
  flags: number;
  flagNames: string[];
  validLifetime: number;
  preferredLifetime: number;
}

export interface NextHop {
  ifindex: number;
  gateway?: string;
  weight: number;
  flags: number;
  realms?: number;
}

export interface Route {
  family: number;
  table: number;
  protocol: string;
  scope: string;
  type: string;
  /** "10.10.0.0/16", "default", ... */
  dst?: string;
  src?: string;
  prefSrc?: string;
  priority: number;
  tos: number;
  iif?: number;
  flags: number;
  /** RTAX_* metrics by libnl's names ("mtu", "hoplimit", ...) */
  metrics: Record<string, number>;
  nexthops: NextHop[];
}

export interface Neighbour {
  family: number;
  ifindex: number;
  dst?: string;
  lladdr?: string;
  state: number;
  stateNames: string[];
  flags: number;
  flagNames: string[];
  vlan?: number;
  master?: number;
}

export interface Rule {
  family: number;
  priority: number;
  table: number;
  /** FR_ACT_* */
  action: number;
  /** the action as `ip rule` names it: "lookup", "goto", "nop", "blackhole", "unreachable", "prohibit" */
  actionName: string;
  src?: string;
  dst?: string;
  iif?: string;
  oif?: string;
  mark: number;
  mask: number;
  goto: number;
  protocol?: number;
}

export interface TcStats {
  bytes: number; packets: number; drops: number; overlimits: number; qlen: number; backlog: number;
}

interface TrafficControl {
  kind?: string;
  ifindex: number;
  /** "1:", "1:10", "root", "none", ... */
  handle: string;
  parent: string;
  stats: TcStats;
}

export interface Qdisc extends TrafficControl {
  /** htb: defaultClass, rate2quantum; tbf: limit, rate, burst, peakrate; pfifo/bfifo: limit */
  options: Record<string, string | number>;
}

export interface Class extends TrafficControl {
  /** htb: rate, ceil (bytes/s), prio, quantum, rbuffer, cbuffer, level */
  options: Record<string, string | number>;
}

export interface Classifier extends TrafficControl {
  prio: number;
  /** "ip", "ipv6", "all", ... */
  protocol: string;
  /** u32: classid */
  options: Record<string, string | number>;
}

export interface GenlFamilyInfo {
  id: number;
  name: string;
  version: number;
  hdrsize: number;
  maxattr: number;
  ops: { id: number; flags: number }[];
  groups: { id: number; name: string }[];
}

export interface ConntrackTuple {
  src?: string; dst?: string; srcPort: number; dstPort: number; packets: number; bytes: number;
}

export interface Conntrack {
  family: number;
  protocol: number;
  protocolName: string;
  orig: ConntrackTuple;
  reply: ConntrackTuple;
  status: number;
  statusNames: string[];
  mark: number;
  timeout: number;
  zone: number;
  id: number;
  tcpState?: string;
}

export interface SocketInfo {
  family: number;
  state: string;
  src?: string; srcPort: number;
  dst?: string; dstPort: number;
  ifindex: number; inode: number; uid: number;
  rqueue: number; wqueue: number; timer: number; retrans: number; expires: number;
}

export interface XfrmSelector {
  family?: number; src?: string; dst?: string; srcPort?: number; dstPort?: number; protocol?: number; ifindex?: number;
}

export interface XfrmSa {
  family: number; src?: string; dst?: string; spi: number; protocol: number; mode: string;
  reqid: number; flags: number; replayWindow: number; selector: XfrmSelector;
}

export interface XfrmSp {
  dir: string; action: string; priority: number; index: number; flags: number; selector: XfrmSelector;
}

/**
 * A bridge forwarding database entry (`bridge fdb`): libnl keeps them as
 * neighbours of family AF_BRIDGE, with the MAC address in `lladdr`.
 */
export type FdbEntry = Neighbour;

export interface MdbPort {
  /** the port's ifindex */
  port: number;
  /** the multicast group ("239.1.1.1", "ff02::1:3") */
  group?: string;
  vlan: number;
  /** "permanent" or "temp" (MDB_PERMANENT, MDB_TEMPORARY) */
  state: string;
}

/** A bridge's multicast database (`bridge mdb`): its entries, one per port and group. */
export interface Mdb {
  /** the bridge's ifindex */
  ifindex: number;
  entries: MdbPort[];
}

/**
 * Per-device IP configuration as RTM_GETNETCONF reports it (`ip netconf`):
 * what the kernel says only; the values are sysctl's (0/1, rp_filter 0-2).
 */
export interface Netconf {
  family: number;
  /** the device's ifindex, or -1 (NETCONFA_IFINDEX_ALL, "all") or -2 (NETCONFA_IFINDEX_DEFAULT, "default") */
  ifindex: number;
  forwarding?: number;
  rpFilter?: number;
  mcForwarding?: number;
  proxyNeigh?: number;
  ignoreRoutesWithLinkdown?: number;
  input?: number;
}

// --- what the client accepts ---------------------------------------------------------

/** Selects objects: by equal fields, or with a predicate. */
export type Where<T> = Partial<T> | ((o: T) => boolean);

export interface ListOptions<T> {
  where?: Where<T>;
  /** Only this address family ('inet', 'inet6'). */
  family?: 'inet' | 'inet6';
}

export interface TcListOptions<T> {
  where?: Where<T>;
  /** The link whose classes or classifiers to list (default: every link). */
  dev?: LinkRef;
  /** classifiers: the qdisc or class they hang off ("1:", "root"). */
  parent?: string;
}

/** A link by name or by ifindex. */
export type LinkRef = string | number;

export interface LinkSpec {
  name: string;
  kind: 'bridge' | 'veth' | 'vxlan' | 'macvlan' | 'macvtap' | 'ifb' | 'tun' | 'tap' | 'dummy' | 'bond' | 'vlan' | 'vrf'
    | 'ipip' | 'sit' | 'gre' | 'ipvlan' | 'geneve' | 'macsec' | string;
  mtu?: number;
  address?: string;
  up?: boolean;
  master?: LinkRef;
  txqlen?: number;
  /** veth */
  peer?: { name: string; mtu?: number; address?: string };
  /** vxlan */
  vxlan?: { id: number; group?: string; local?: string; port?: number; device?: LinkRef; ttl?: number; learning?: boolean };
  /** macvlan, macvtap: the lower device and mode ("bridge", "private", "vepa", "passthru") */
  macvlan?: { link: LinkRef; mode?: string };
  /** vlan: the lower device, the VLAN id and the protocol (default 802.1Q) */
  vlan?: { link: LinkRef; id: number; protocol?: '802.1q' | '802.1ad' };
  /** vrf: the routing table */
  vrf?: { table: number };
  /** ipip, sit, gre: IPv4 tunnel ends, the lower device, TTL and TOS */
  tunnel?: { local?: string; remote?: string; link?: LinkRef; ttl?: number; tos?: number };
  /** ipvlan: the lower device and mode */
  ipvlan?: { link: LinkRef; mode?: 'l2' | 'l3' | 'l3s' };
  /** geneve: the VNI, the remote end (IPv4 or IPv6) and TTL */
  geneve?: { id: number; remote?: string; ttl?: number };
  /** macsec: the lower device, the port and whether to encrypt */
  macsec?: { link: LinkRef; port?: number; encrypt?: boolean };
}

export interface LinkChange {
  name?: string;
  mtu?: number;
  address?: string;
  up?: boolean;
  /** a master device, or null to release it from its master */
  master?: LinkRef | null;
  txqlen?: number;
  alias?: string;
}

/** links.change(ref, change) as one object: the link, and what to change (batches). */
export interface LinkChangeSpec extends LinkChange {
  dev: LinkRef;
}

/** links.delete(ref) as one object (batches). */
export interface LinkDeleteSpec {
  dev: LinkRef;
}

export interface AddressSpec {
  dev: LinkRef;
  /** "10.0.0.1/24", "2001:db8::1/64" */
  local: string;
  peer?: string;
  broadcast?: string;
  label?: string;
  scope?: string;
  /** Seconds; omitted: forever. Changing an address can only change these two. */
  validLifetime?: number;
  preferredLifetime?: number;
}

export interface NextHopSpec {
  gateway?: string;
  dev?: LinkRef;
  weight?: number;
}

export interface RouteSpec {
  /** "10.10.0.0/16", "default" (with family) */
  dst: string;
  family?: 'inet' | 'inet6';
  gateway?: string;
  dev?: LinkRef;
  nexthops?: NextHopSpec[];
  table?: number;
  protocol?: string;
  scope?: string;
  /** "unicast", "blackhole", "unreachable", "prohibit", "local", ... */
  type?: string;
  priority?: number;
  prefSrc?: string;
  metrics?: Record<string, number>;
}

export interface NeighbourSpec {
  dev: LinkRef;
  dst: string;
  lladdr?: string;
  /** "permanent" (default), "reachable", "noarp", ... */
  state?: string;
}

/** A bridge FDB entry to add or delete, in `bridge fdb add`'s terms. */
export interface FdbSpec {
  dev: LinkRef;
  /** the MAC address */
  lladdr: string;
  /** NTF_MASTER: the entry goes to the port's bridge. */
  master?: boolean;
  /** NTF_SELF: the entry goes to the device itself (the default when neither is given, as with `bridge fdb add`). */
  self?: boolean;
  /** As `bridge fdb add` takes it: "permanent" (the default), "static", "dynamic". */
  state?: 'permanent' | 'static' | 'dynamic';
  vlan?: number;
  /** vxlan: the remote end's IP address */
  dst?: string;
}

/** A bridge MDB entry to add or delete, in `bridge mdb add`'s terms. */
export interface MdbSpec {
  /** the bridge */
  dev: LinkRef;
  /** the bridge port */
  port: LinkRef;
  /** the IPv4 or IPv6 multicast group */
  group: string;
  /** MDB_PERMANENT; otherwise the entry ages out (MDB_TEMPORARY) */
  permanent?: boolean;
  vlan?: number;
}

export interface RuleSpec {
  family?: 'inet' | 'inet6';
  priority: number;
  table?: number;
  /** "lookup" (default), "blackhole", "unreachable", "prohibit" */
  action?: string;
  src?: string;
  dst?: string;
  iif?: string;
  oif?: string;
  mark?: number;
  mask?: number;
}

export interface QdiscSpec {
  dev: LinkRef;
  /** "root", "ingress" or a class id ("1:10") */
  parent: string;
  handle?: string;
  kind: 'htb' | 'tbf' | 'pfifo' | 'bfifo' | 'ingress' | 'clsact' | 'prio' | 'sfq' | 'fq_codel' | string;
  /**
   * htb: defaultClass; tbf: rate (bytes/s), burst (bytes), limit (bytes) or latency (µs); fifo: limit;
   * prio: bands; sfq: quantum (bytes), perturb (s), limit (packets); fq_codel: limit (packets),
   * target, interval (µs), flows, quantum (bytes), ecn (0/1)
   */
  options?: Record<string, number | string>;
}

export interface ClassSpec {
  dev: LinkRef;
  parent: string;
  classid: string;
  kind: 'htb' | string;
  /** htb: rate, ceil (bytes/s), prio, quantum */
  options?: Record<string, number>;
}

/** A traffic control action, run on what a classifier matched. */
export interface TcActionSpec {
  kind: 'gact' | 'mirred' | 'skbedit';
  /** What happens next (TC_ACT_*): "pass" (gact's default), "drop", "pipe", "stolen", "reclassify", "continue" */
  verdict?: string;
  /** mirred: "redirect" (default) or "mirror" the packet to `dev`'s egress */
  mirred?: 'redirect' | 'mirror';
  dev?: LinkRef;
  /** skbedit: the priority and mark to set */
  priority?: number;
  mark?: number;
}

export interface ClassifierSpec {
  dev: LinkRef;
  parent: string;
  kind: 'u32' | 'basic' | 'matchall' | 'fw' | 'flower' | string;
  prio?: number;
  /** "ip" (default), "ipv6", "all" */
  protocol?: string;
  /** fw: the firewall mark it matches */
  handle?: string;
  /** u32, basic, matchall, fw: the class of what matched */
  classid?: string;
  /** u32, flower: a match on the IPv4 destination/source prefix */
  match?: { dst?: string; src?: string };
  /** fw: the mask applied to the mark */
  mask?: number;
  /** u32, basic, matchall, flower: the actions run on what matched, in order */
  actions?: TcActionSpec[];
}

export interface ConntrackSpec {
  family?: 'inet' | 'inet6';
  protocol: 'tcp' | 'udp' | 'icmp' | number;
  orig: { src: string; dst: string; srcPort?: number; dstPort?: number };
  reply?: { src: string; dst: string; srcPort?: number; dstPort?: number };
  timeout?: number;
  mark?: number;
  zone?: number;
}

/** An xfrm selector: the traffic a policy or SA applies to. */
export interface XfrmSelectorSpec {
  /** "10.0.0.0/24"; both ends of one family */
  src: string;
  dst: string;
  /** IP protocol number (6: TCP, 17: UDP); none: any */
  protocol?: number;
  srcPort?: number;
  dstPort?: number;
  dev?: LinkRef;
}

/** A template of a policy: which SA the matched traffic must go through. */
export interface XfrmTemplateSpec {
  /** the SA's tunnel ends (tunnel mode) */
  src?: string;
  dst?: string;
  protocol: 'esp' | 'ah' | 'comp';
  mode?: 'transport' | 'tunnel';
  reqid?: number;
  spi?: number;
}

export interface XfrmSpSpec {
  dir: 'in' | 'out' | 'fwd';
  selector: XfrmSelectorSpec;
  /** "allow" (default) or "block" */
  action?: 'allow' | 'block';
  priority?: number;
  index?: number;
  templates?: XfrmTemplateSpec[];
}

/** An algorithm of an SA, with its key in hex ("0x0123..."), as `ip xfrm state` takes them. */
export interface XfrmAlgorithmSpec {
  name: string;
  key: string;
  /** auth: the truncated ICV length in bits; aead: the ICV length in bits */
  bits?: number;
}

export interface XfrmSaSpec {
  src: string;
  dst: string;
  protocol: 'esp' | 'ah' | 'comp';
  spi: number;
  mode?: 'transport' | 'tunnel';
  reqid?: number;
  replayWindow?: number;
  selector?: XfrmSelectorSpec;
  auth?: XfrmAlgorithmSpec;
  crypt?: XfrmAlgorithmSpec;
  aead?: XfrmAlgorithmSpec;
}

/**
 * What names an SA: its destination, protocol and SPI (libnl's delete
 * request has no source address: the kernel finds the SA by these three).
 */
export interface XfrmSaKey {
  dst: string;
  protocol: 'esp' | 'ah' | 'comp';
  spi: number;
}

/** Object kinds a client lists and watches. */
export type Kind = 'link' | 'address' | 'route' | 'neighbour' | 'rule' | 'qdisc' | 'class' | 'classifier';

export interface KindTypes {
  link: Link; address: Address; route: Route; neighbour: Neighbour; rule: Rule;
  qdisc: Qdisc; class: Class; classifier: Classifier;
}

/**
 * A change libnl's cache manager reported; `kind` tells the type of
 * `object`, `netns` the namespace it happened in (as the watch named it;
 * absent for the client's own namespace when it has none).
 */
export type ChangeEvent = {
  [K in Kind]: { kind: K; action: 'new' | 'change' | 'del'; object: KindTypes[K]; netns?: string };
}[Kind];

/**
 * The watcher lost events of `netns` (socket overflow) and resynchronised
 * that namespace; the events after it bring its view up to date.
 */
export interface OverflowEvent {
  kind: 'overflow';
  netns?: string;
}

export type WatchEvent = ChangeEvent | OverflowEvent;

// --- batches -------------------------------------------------------------------------

/**
 * The specs each kind's requests take, as the registry's descriptors declare
 * them (the same as the client's per-kind methods): a kind added to the
 * registry with requests can be batched without being named here.
 */
export type RequestSpecs = { [K in keyof typeof KINDS]: SpecsOf<(typeof KINDS)[K]> };

/** One request of a batch. */
export type BatchOp = {
  [K in keyof RequestSpecs]: {
    [O in keyof RequestSpecs[K]]: { op: O; kind: K; spec: RequestSpecs[K][O] };
  }[keyof RequestSpecs[K]];
}[keyof RequestSpecs];

/** A request of a batch that was not applied: its place in the batch (from 0), what it was, and why. */
export interface BatchError {
  index: number;
  op: BatchOp['op'];
  kind: BatchOp['kind'];
  /** An NlError (with the kernel's extended ack) for a refusal; Cancelled when the client closed first. */
  error: NlError | Error;
}

export interface BatchResult {
  /** Requests the kernel acknowledged. */
  applied: number;
  /** Every request taken from `ops` and not applied, in order. */
  errors: BatchError[];
  /** The batch ended early: by stopOnError, the signal, or close(); requests not taken from `ops` are not counted. */
  stopped?: 'error' | 'aborted' | 'closed';
}

export interface BatchProgress {
  /** Requests answered so far (applied + failed). */
  done: number;
  applied: number;
  failed: number;
}

export interface BatchOptions {
  /** Stop at the first request the kernel (or the client) refuses; the rest of `ops` is not taken. */
  stopOnError?: boolean;
  /** Called as requests are answered, at most every few hundred requests and at the end. */
  onProgress?: (p: BatchProgress) => void;
  /** Stops taking requests from `ops`; what was sent is still answered and counted. */
  signal?: AbortSignal;
}
