/**
 * A fake kernel behind the host ABI: a NativeHost (ts/host/native.ts) whose
 * netlink sockets exist only here and answer requests with bytes a script
 * gives them. It lets libnl's receive path and parsers meet any byte string
 * (captured kernel dumps, mutated ones, garbage) without a kernel.
 *
 * It behaves like the kernel where libnl looks: ports are assigned on bind,
 * getsockname reports them, recvmsg honours MSG_PEEK and MSG_TRUNC, poll
 * reports queued datagrams. A receive with nothing queued fails with EAGAIN
 * at once (a blocking one as if SO_RCVTIMEO had expired): nothing will ever
 * arrive later, and the fuzzer must not wait.
 *
 * Everything that is not a socket (eventfds, pids, namespaces) is passed on
 * to the real host.
 */
import type { NativeHost } from '../../dist/host/native.js';
import {
  NLM_F_ACK, NLM_F_DUMP, NLMSG_HDRLEN, doneMessage, errorMessage, headers, setSeqPid,
} from './netlink_bytes.js';

const AF_NETLINK = 16;
const EBADF = 9;
const EAGAIN = 11;
const EFAULT = 14;
const EINVAL = 22;
const EADDRINUSE = 98;
const EAFNOSUPPORT = 97;
const MSG_PEEK = 0x2;
const MSG_TRUNC = 0x20;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
/** Fake descriptors live far above real ones, so the two never meet. */
const FIRST_FD = 1 << 24;

/** One datagram of an answer, and where to write the request's seq and port. */
export interface FakeDatagram {
  bytes: Uint8Array;
  /** Offsets of nlmsghdrs whose nlmsg_seq/nlmsg_pid are set to the request's. */
  patch: readonly number[];
}

export interface FakeRequest {
  protocol: number;
  /** Requests seen by this kernel since the last reset, counting from 0. */
  index: number;
  type: number;
  flags: number;
  seq: number;
  /** The sending socket's port. */
  port: number;
  bytes: Uint8Array;
}

/** The datagrams that answer a request; undefined: what the kernel would say to an unknown query. */
export type Responder = (request: FakeRequest) => readonly FakeDatagram[] | undefined;

interface FakeSocket {
  protocol: number;
  port: number;
  nonblocking: boolean;
  queue: Uint8Array[];
  options: Map<string, Uint8Array>;
}

export class FakeKernel implements NativeHost {
  private readonly sockets = new Map<number, FakeSocket>();
  private nextFd = FIRST_FD;
  private nextPort = 0x7f000000;
  private requests = 0;
  respond: Responder = () => undefined;

  constructor(private readonly base: NativeHost) {}

  /** Forgets the request count (a new fuzz case starts at request 0). */
  reset(respond: Responder): void {
    this.respond = respond;
    this.requests = 0;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  private answerDefault(r: FakeRequest): Uint8Array[] {
    if ((r.flags & NLM_F_DUMP) === NLM_F_DUMP) return [doneMessage(r.seq, r.port)];
    if (r.flags & NLM_F_ACK) return [errorMessage(0, r.bytes, r.seq, r.port)];
    return [];
  }

  socket(family: number, _type: number, protocol: number): number {
    if (family !== AF_NETLINK) return -EAFNOSUPPORT;
    const fd = this.nextFd++;
    this.sockets.set(fd, { protocol, port: 0, nonblocking: false, queue: [], options: new Map() });
    return fd;
  }

  close(fd: number): number {
    return this.sockets.delete(fd) ? 0 : -EBADF;
  }

  bind(fd: number, addr: Uint8Array): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    if (addr.length < 12) return -EINVAL;
    const port = new DataView(addr.buffer, addr.byteOffset, addr.length).getUint32(4, true);
    if (port !== 0) {
      for (const o of this.sockets.values()) if (o !== s && o.protocol === s.protocol && o.port === port) return -EADDRINUSE;
    }
    s.port = port || this.nextPort++;
    return 0;
  }

  connect(fd: number): number {
    return this.sockets.has(fd) ? 0 : -EBADF;
  }

  getsockname(fd: number, addr: Uint8Array): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    const a = new Uint8Array(12);
    const v = new DataView(a.buffer);
    v.setUint16(0, AF_NETLINK, true);
    v.setUint32(4, s.port, true);
    addr.set(a.subarray(0, Math.min(12, addr.length)));
    return 12;
  }

  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    const stored = s.options.get(`${level}/${name}`) ?? new Uint8Array([0, 0x80, 0, 0]);
    const n = Math.min(stored.length, value.length);
    value.set(stored.subarray(0, n));
    return n;
  }

  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    s.options.set(`${level}/${name}`, value.slice());
    return 0;
  }

  sendmsg(fd: number, memory: ArrayBuffer, iov: Uint32Array, iovCount: number): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    let total = 0;
    for (let i = 0; i < iovCount; i++) total += iov[2 * i + 1];
    if (iovCount > 0 && iov[0] + total > memory.byteLength) return -EFAULT;
    const bytes = new Uint8Array(total);
    for (let i = 0, off = 0; i < iovCount; off += iov[2 * i + 1], i++) {
      bytes.set(new Uint8Array(memory, iov[2 * i], iov[2 * i + 1]), off);
    }
    for (const h of headers(bytes)) {
      const request: FakeRequest = {
        protocol: s.protocol, index: this.requests++, type: h.type, flags: h.flags, seq: h.seq,
        port: s.port, bytes: bytes.slice(h.offset, h.offset + Math.max(h.len, NLMSG_HDRLEN)),
      };
      const answer = this.respond(request);
      if (!answer) {
        s.queue.push(...this.answerDefault(request));
        continue;
      }
      for (const d of answer) {
        const b = d.bytes.slice();
        for (const off of d.patch) if (off + NLMSG_HDRLEN <= b.length) setSeqPid(b, off, h.seq, s.port);
        s.queue.push(b);
      }
    }
    return total;
  }

  recvmsg(fd: number, memory: ArrayBuffer, iov: Uint32Array, iovCount: number, name: Uint8Array | null,
    _control: Uint8Array | null, flags: number, _block: boolean, _timeoutMs: number, _wakeFd: number,
    out: Int32Array): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    const d = s.queue[0];
    if (!d) return -EAGAIN;
    if (!(flags & MSG_PEEK)) s.queue.shift();
    let copied = 0;
    for (let i = 0; i < iovCount && copied < d.length; i++) {
      const n = Math.min(iov[2 * i + 1], d.length - copied);
      if (iov[2 * i] + n > memory.byteLength) return -EFAULT;
      new Uint8Array(memory, iov[2 * i], n).set(d.subarray(copied, copied + n));
      copied += n;
    }
    if (name && name.length >= 12) {
      name.fill(0, 0, 12);
      new DataView(name.buffer, name.byteOffset, 12).setUint16(0, AF_NETLINK, true);
    }
    out[0] = 12;
    out[1] = 0;
    out[2] = copied < d.length ? MSG_TRUNC : 0;
    return flags & MSG_TRUNC ? d.length : copied;
  }

  poll(fds: Uint8Array, timeoutMs: number, wakeFd: number): number {
    if (fds.length === 0) return this.base.poll(fds, timeoutMs, wakeFd);
    const v = new DataView(fds.buffer, fds.byteOffset, fds.byteLength);
    let ready = 0;
    for (let i = 0; i + 8 <= fds.length; i += 8) {
      const s = this.sockets.get(v.getInt32(i, true));
      const events = v.getInt16(i + 4, true);
      const revents = s ? (s.queue.length ? events & POLLIN : 0) | (events & POLLOUT) : 0;
      v.setInt16(i + 6, revents, true);
      if (revents) ready++;
    }
    // Nothing will arrive later: a wait would only end by its timeout.
    return ready;
  }

  getFlags(fd: number): number {
    const s = this.sockets.get(fd);
    return s ? O_RDWR | (s.nonblocking ? O_NONBLOCK : 0) : -EBADF;
  }

  setNonblocking(fd: number, nonblocking: boolean): number {
    const s = this.sockets.get(fd);
    if (!s) return -EBADF;
    s.nonblocking = nonblocking;
    return 0;
  }

  netnsOpen(path: string): number {
    return this.base.netnsOpen(path);
  }

  netnsCreate(): number {
    return this.base.netnsCreate();
  }

  closeFd(fd: number): number {
    return this.base.closeFd(fd);
  }

  wakeupCreate(): number {
    return this.base.wakeupCreate();
  }

  wakeupSignal(fd: number): number {
    return this.base.wakeupSignal(fd);
  }

  wakeupReset(fd: number): number {
    return this.base.wakeupReset(fd);
  }

  wakeupWait(fd: number, seconds: number, nanoseconds: number): number {
    return this.base.wakeupWait(fd, seconds, nanoseconds);
  }

  allocatePid(): number {
    return this.base.allocatePid();
  }

  processPid(): number {
    return this.base.processPid();
  }
}
