/**
 * The typed client's data: plain, structured-clone friendly objects, as
 * libnl's getters and *2str functions describe them, and the inputs the
 * client accepts to create or change them. Each kind's descriptor
 * (kinds/*.ts) holds the schema of both, which the compiler keeps equal to
 * these interfaces; the tests keep wasm/object_export.c equal to the schemas.
 */
import type { NlError } from '../libnl/nl_error.js';

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
  kind: 'bridge' | 'veth' | 'vxlan' | 'macvlan' | 'macvtap' | 'ifb' | 'tun' | 'tap' | string;
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
  kind: 'htb' | 'tbf' | 'pfifo' | 'bfifo' | string;
  /** htb: defaultClass; tbf: rate (bytes/s), burst (bytes), limit (bytes) or latency (µs); fifo: limit */
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

export interface ClassifierSpec {
  dev: LinkRef;
  parent: string;
  kind: 'u32' | string;
  prio?: number;
  /** "ip" (default), "ipv6", "all" */
  protocol?: string;
  handle?: string;
  /** u32: classid and a match on the IPv4 destination/source prefix */
  classid?: string;
  match?: { dst?: string; src?: string };
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

/** The specs each kind's requests take: the same as the client's per-kind methods. */
export interface RequestSpecs {
  link: { add: LinkSpec; change: LinkChangeSpec; delete: LinkDeleteSpec };
  address: { add: AddressSpec; change: AddressSpec; delete: AddressSpec };
  route: { add: RouteSpec; change: RouteSpec; delete: RouteSpec };
  neighbour: { add: NeighbourSpec; change: NeighbourSpec; delete: NeighbourSpec };
  rule: { add: RuleSpec; delete: RuleSpec };
  qdisc: { add: QdiscSpec; change: QdiscSpec; delete: QdiscSpec };
  class: { add: ClassSpec; change: ClassSpec; delete: ClassSpec };
  classifier: { add: ClassifierSpec; change: ClassifierSpec; delete: ClassifierSpec };
  conntrack: { add: ConntrackSpec; delete: ConntrackSpec };
}

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
