/**
 * One of the instances of the concurrency test (test/kernel/concurrency.test.ts),
 * in its own worker thread: an openLibnl instance whose netlink traffic is
 * traced, that adds and deletes its own addresses and routes in the shared
 * namespace while dumping links, addresses and routes. It reports its
 * sockets' ports and, per port, the sequence numbers it sent requests with
 * and those that came back, so the test can check that every request was
 * answered on the socket that sent it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NlError, openLibnl, type LibnlSync, type NlCache, type NlSock } from '../../dist/index.js';
import { AF_INET, AF_UNSPEC, NETLINK_ROUTE } from '../../dist/libnl/generated/constants.js';
import { NLMSG_DONE, NLMSG_ERROR, headers } from './netlink_bytes.js';

export interface ConcurrencyJob {
  ns: string;
  index: number;
  rounds: number;
  ifindex: number;
}

export interface ConcurrencyResult {
  index: number;
  ports: number[];
  /** port -> sequence numbers of requests sent from it */
  sent: Record<number, number[]>;
  /** port -> sequence numbers of the acks, errors and DONEs that came back to it */
  answered: Record<number, number[]>;
  /** Dumps the kernel marked interrupted (NLE_DUMP_INTR), retried. */
  dumpIntr: number;
  /** Addresses this instance left in place (CIDR). */
  kept: string[];
}

const NLM_F_CREATE = 0x400;
const job = workerData as ConcurrencyJob;
const sent: Record<number, number[]> = {};
const answered: Record<number, number[]> = {};
const ports = new Map<number, number>();
let dumpIntr = 0;

const lib: LibnlSync = openLibnl({
  netns: job.ns,
  trace: (r) => {
    for (const h of headers(r.bytes)) {
      if (r.dir === 'send') (sent[h.pid] ??= []).push(h.seq);
      else if (h.type === NLMSG_ERROR || h.type === NLMSG_DONE) (answered[h.pid] ??= []).push(h.seq);
    }
  },
});

function dump(fill: () => NlCache): number {
  for (;;) {
    try {
      const cache = fill();
      const n = lib.nl_cache_nitems(cache);
      lib.nl_cache_free(cache);
      return n;
    } catch (e) {
      if (!(e instanceof NlError) || e.nleName !== 'NLE_DUMP_INTR') throw e;
      dumpIntr++;
    }
  }
}

function socket(): NlSock {
  const sk = lib.nl_socket_alloc();
  if (!sk) throw new Error('nl_socket_alloc() failed');
  lib.nl_connect(sk, NETLINK_ROUTE);
  ports.set(lib.nl_socket_get_local_port(sk), 1);
  return sk;
}

const dumper = socket();
const changer = socket();
const kept: string[] = [];
for (let r = 0; r < job.rounds; r++) {
  const local = `10.${job.index}.${r}.1/32`;
  const addr = lib.rtnl_addr_alloc();
  const a = lib.nl_addr_parse(local, AF_INET);
  lib.rtnl_addr_set_local(addr, a);
  lib.rtnl_addr_set_ifindex(addr, job.ifindex);
  lib.rtnl_addr_add(changer, addr, NLM_F_CREATE);
  dump(() => lib.rtnl_addr_alloc_cache(dumper));
  if (r % 2) lib.rtnl_addr_delete(changer, addr, 0);
  else kept.push(local);
  lib.release(a);
  lib.release(addr);

  const route = lib.rtnl_route_alloc();
  const dst = lib.nl_addr_parse(`10.${100 + job.index}.${r}.0/24`, AF_INET);
  lib.rtnl_route_set_dst(route, dst);
  const nh = lib.rtnl_route_nh_alloc();
  lib.rtnl_route_nh_set_ifindex(nh, job.ifindex);
  lib.rtnl_route_add_nexthop(route, nh);
  lib.rtnl_route_add(changer, route, NLM_F_CREATE);
  dump(() => lib.rtnl_route_alloc_cache(dumper, AF_UNSPEC, 0));
  lib.rtnl_route_delete(changer, route, 0);
  lib.release(dst);
  lib.release(route);
  dump(() => lib.rtnl_link_alloc_cache(dumper, AF_UNSPEC));
}
lib.nl_socket_free(dumper);
lib.nl_socket_free(changer);
lib.close();
const result: ConcurrencyResult = { index: job.index, ports: [...ports.keys()], sent, answered, dumpIntr, kept };
parentPort?.postMessage(result);
