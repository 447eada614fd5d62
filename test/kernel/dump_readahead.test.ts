/**
 * Read-ahead of dumps (host/dump_readahead.cc), in a namespace of 3,000
 * routes: the datagrams a socket with read-ahead delivers are the kernel's,
 * with recvmsg(2)'s peek and truncation rules; libnl builds the same cache
 * from them, and the typed client lists the same objects; the reader thread
 * exists only while a dump is being read and is gone when its socket closes
 * in the middle of one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createNetns, ipn, kernelSkipReason } from '../helpers/netns.js';
import { headers, NLM_F_MULTI, NLMSG_DONE } from '../helpers/netlink_bytes.js';
import { settleThreads, threads } from '../helpers/process_stats.js';
import { native, rawSocket, receive, requestRouteDump } from '../helpers/raw_netlink.js';
import { NetlinkClient, openLibnl } from '../../dist/index.js';
import { AF_INET, NETLINK_ROUTE, NL_DUMP_DETAILS, RTM_NEWROUTE } from '../../dist/libnl/generated/constants.js';

const MSG_PEEK = 2;
const MSG_TRUNC = 0x20;
const ROUTES = 3000;

/** Every RTM_NEWROUTE message of one dump (headers' seq and pid zeroed), read to NLMSG_DONE. */
function routeMessages(fd: number): string[] {
  const found: string[] = [];
  for (;;) {
    const d = receive(fd, 64 * 1024);
    expect(d.n).toBeGreaterThan(0);
    for (const h of headers(d.bytes)) {
      if (h.type === NLMSG_DONE) return found.sort();
      expect(h.flags & NLM_F_MULTI).toBe(NLM_F_MULTI);
      expect(h.type).toBe(RTM_NEWROUTE);
      const m = d.bytes.slice(h.offset, h.offset + h.len);
      m.fill(0, 8, 16);
      found.push(Buffer.from(m).toString('hex'));
    }
  }
}

describe.skipIf(!!kernelSkipReason)('dump read-ahead', () => {
  let ns = '';
  beforeAll(() => {
    ns = createNetns('readahead');
    ipn(ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
    ipn(ns, 'link', 'set', 'd0', 'up');
    ipn(ns, 'address', 'add', '192.0.2.1/24', 'dev', 'd0');
    const lines = Array.from({ length: ROUTES }, (_, i) => `route add 198.18.${i >> 8}.${i & 255}/32 via 192.0.2.2`);
    const r = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'delete', ns]);
  });

  it('delivers the same route messages as a socket without it', () => {
    const plain = rawSocket(ns, false);
    const ahead = rawSocket(ns, true);
    try {
      requestRouteDump(plain, 1);
      requestRouteDump(ahead, 1);
      const expected = routeMessages(plain);
      expect(expected.length).toBeGreaterThanOrEqual(ROUTES);
      expect(routeMessages(ahead)).toEqual(expected);
      // The reader ended with the dump; the next one starts another.
      requestRouteDump(ahead, 2);
      expect(routeMessages(ahead)).toEqual(expected);
    } finally {
      native.close(plain);
      native.close(ahead);
    }
  });

  it('peeks and truncates as recvmsg does, and its reader goes when the socket closes mid-dump', () => {
    const before = threads();
    const fd = rawSocket(ns, true);
    try {
      requestRouteDump(fd, 7);
      // A small first read keeps the kernel's datagrams small: more of them
      // than the reader may hold, so it is still there, waiting for room.
      const first = receive(fd, 4096);
      expect(first.n).toBeGreaterThan(0);
      expect(threads()).toBe(before + 1);

      const peeked = receive(fd, 0, MSG_PEEK | MSG_TRUNC);
      expect(peeked.flags & MSG_TRUNC).toBe(MSG_TRUNC);
      const again = receive(fd, 64 * 1024, MSG_PEEK);
      expect(again.n).toBe(peeked.n);
      const cut = receive(fd, 16);
      expect(cut.n).toBe(16);
      expect(cut.flags & MSG_TRUNC).toBe(MSG_TRUNC);
      expect(Buffer.from(cut.bytes).equals(Buffer.from(again.bytes.subarray(0, 16)))).toBe(true);
      // The truncated datagram is gone: the next one starts with another route.
      const next = receive(fd, 64 * 1024, MSG_PEEK);
      expect(next.n).toBeGreaterThan(0);
      expect(Buffer.from(next.bytes).equals(Buffer.from(again.bytes))).toBe(false);
      expect(headers(next.bytes)[0].seq).toBe(7);
    } finally {
      native.close(fd);
    }
    expect(threads()).toBe(before);
  });

  it('a thread that ends in the middle of a dump, its socket never closed, leaves no reader behind', async () => {
    const before = threads();
    const url = new URL('../helpers/readahead_worker.ts', import.meta.url).href;
    const w = new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); });`,
      { eval: true, workerData: { ns } });
    const said = await new Promise<unknown>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(said).toBe('reading');
    // The worker's own thread(s) and the reader, waiting for room in its queue.
    expect(threads()).toBeGreaterThan(before + 1);
    await w.terminate();
    expect(await settleThreads(before)).toBe(before);
  });

  it('poll() sees the datagrams already read ahead, and nothing once the dump is read', () => {
    const fd = rawSocket(ns, true);
    const pollIn = (timeoutMs: number): { n: number; revents: number } => {
      const fds = new Uint8Array(8);
      const v = new DataView(fds.buffer);
      v.setInt32(0, fd, true);
      v.setInt16(4, 1, true);
      const n = native.poll(fds, timeoutMs, -1);
      return { n, revents: v.getInt16(6, true) };
    };
    try {
      requestRouteDump(fd, 9);
      expect(receive(fd, 4096).n).toBeGreaterThan(0);
      // The reader holds the rest; the kernel's queue may already be empty.
      let datagrams = 1;
      for (;;) {
        expect(pollIn(5000)).toEqual({ n: 1, revents: 1 });
        const d = receive(fd, 64 * 1024);
        datagrams++;
        if (headers(d.bytes).some((h) => h.type === NLMSG_DONE)) break;
      }
      expect(datagrams).toBeGreaterThan(32);
      expect(pollIn(100)).toEqual({ n: 0, revents: 0 });
    } finally {
      native.close(fd);
    }
  });

  it('libnl fills the same route cache with it, with and without peeking', () => {
    const text = (readAhead: boolean, peek: boolean): string => {
      const lib = openLibnl({ netns: ns, readAhead });
      try {
        using sk = lib.nl_socket_alloc();
        if (!sk) throw new Error('no socket');
        if (!peek) {
          lib.nl_socket_disable_msg_peek(sk);
          lib.nl_socket_set_msg_buf_size(sk, 4096);
        }
        lib.nl_connect(sk, NETLINK_ROUTE);
        using cache = lib.rtnl_route_alloc_cache(sk, AF_INET, 0);
        expect(lib.nl_cache_nitems(cache)).toBeGreaterThanOrEqual(ROUTES);
        return lib.nl_cache_dump_text(cache, NL_DUMP_DETAILS);
      } finally {
        lib.close();
      }
    };
    const expected = text(false, true);
    expect(text(true, true)).toBe(expected);
    expect(text(true, false)).toBe(expected);
    expect(text(false, false)).toBe(expected);
  });

  it('the typed client with readAhead lists and streams what it does without', async () => {
    const plain = await NetlinkClient.open({ netns: ns });
    const ahead = await NetlinkClient.open({ netns: ns, readAhead: true });
    try {
      const expected = await plain.routes.list({ family: 'inet' });
      expect(expected.length).toBeGreaterThanOrEqual(ROUTES);
      expect(await ahead.routes.list({ family: 'inet' })).toEqual(expected);
      const streamed = [];
      for await (const r of ahead.routes.stream({ family: 'inet' })) streamed.push(r);
      expect(streamed).toEqual(expected);
      expect(await ahead.links.list()).toEqual(await plain.links.list());
    } finally {
      await plain.close();
      await ahead.close();
    }
  });
});
