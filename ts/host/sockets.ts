/**
 * The "nlhost" imports of a wasm instance (see wasm/nlhost.h and
 * docs/host-abi.md): netlink sockets, carried out by the native addon.
 *
 * The instance names sockets by handles that only this table gives out, so it
 * cannot reach descriptors it did not create. Only AF_NETLINK sockets exist;
 * a policy can narrow the protocols and refuse requests that change kernel
 * state. Results are -errno (errno.ts).
 */
import { nativeHost, type NativeHost } from './native.js';
import {
  MSG_CTRUNC, controlFromNative, controlToNative, nativeControlCapacity, readIovecs,
  readMsghdr, readPollfd, readRevents, timevalFromNative, timevalToNative, timevalToTimeoutMs,
  writeMsghdrResult, writePollfd, writeRevents, NATIVE_POLLFD, NATIVE_TIMEVAL_SIZE,
  WASM32_IOVEC_SIZE, WASM32_MSGHDR_SIZE, WASM32_POLLFD, WASM32_TIMEVAL_SIZE,
} from './wasm32_structs.js';
import { isStateChangingRequest } from './request_policy.js';
import { Errno } from './errno.js';
import type { Waits } from './waits.js';

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_RAW = 3;
const SOCK_TYPE_MASK = 0xf;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const O_NONBLOCK = 0o4000;
const MSG_PEEK = 0x2;
const MSG_DONTWAIT = 0x40;
const F_GETFL = 3;
const F_SETFL = 4;
const SOL_SOCKET = 1;
const SO_RCVTIMEO_OLD = 20;
const SO_SNDTIMEO_OLD = 21;
const SO_ATTACH_FILTER = 26;
const SO_ATTACH_BPF = 50;
const SO_ATTACH_REUSEPORT_CBPF = 51;
const SO_ATTACH_REUSEPORT_EBPF = 52;
const CLONE_NEWNET = 0x40000000;
/** A socket of the instance's C library (wasm/nlhost.h): not traced, as glibc's own are not natively. */
const NLHOST_SOCK_LIBC = 0x40000000;
const MAX_IOV = 1024;

export interface SocketPolicy {
  /** Netlink protocols the instance may open (default: all). */
  protocols?: readonly number[];
  /** Refuse requests that would change kernel state (RTM_NEW*, RTM_DEL*, ...). */
  readOnly?: boolean;
}

export interface SocketTableOptions {
  /** Network namespace new sockets open in (an fd the table does not own), or -1. */
  netnsFd: number;
  /** The pid the instance reports (getpid), which libnl builds port ids from. */
  pid: number;
  /** How blocking calls wait, and what ends them early (cancellation, signals). */
  waits: Waits;
  policy?: SocketPolicy;
  /** Receives a copy of every netlink datagram sent or received (not peeked). */
  trace?: (record: TraceRecord) => void;
  /** Sockets receive dumps ahead of libnl (NativeHost.readAhead). */
  readAhead?: boolean;
  /**
   * Who carries out the socket calls: the native addon by default; a test
   * can put a fake kernel here (fuzzing, fault injection).
   */
  host?: NativeHost;
}

export interface TraceRecord {
  dir: 'send' | 'recv';
  protocol: number;
  bytes: Uint8Array;
}

interface Socket {
  fd: number;
  protocol: number;
  traced: boolean;
  nonblocking: boolean;
  recvTimeoutMs: number;
}

type MemoryGetter = () => WebAssembly.Memory;

export class SocketTable {
  private readonly sockets = new Map<number, Socket>();
  private readonly native: NativeHost;
  private readonly iovScratch = new Uint32Array(2 * 16);
  private readonly recvResult = new Int32Array(3);
  /** A namespace made by unshare(), owned by this table. */
  private ownNetnsFd = -1;
  private netnsFd: number;

  constructor(private readonly opts: SocketTableOptions) {
    this.netnsFd = opts.netnsFd;
    this.native = opts.host ?? nativeHost();
  }

  get count(): number {
    return this.sockets.size;
  }

  /** The host descriptor behind the instance's socket handle `h` (-1 if none), for a poll(2) of the host's own. */
  nativeFd(h: number): number {
    return this.sockets.get(h)?.fd ?? -1;
  }

  /** Sockets created from now on open in namespace `fd` (one the table does not own; -1: the process's). */
  setNetns(fd: number): void {
    this.netnsFd = fd;
  }

  /** Runs `fn` with new sockets opening in namespace `fd`, then goes back to the one before. */
  withNetns<T>(fd: number, fn: () => T): T {
    const before = this.netnsFd;
    this.netnsFd = fd;
    try {
      return fn();
    } finally {
      this.netnsFd = before;
    }
  }

  /** Closes every socket (and an unshared namespace); used when the instance goes away. */
  closeAll(): void {
    for (const s of this.sockets.values()) this.native.close(s.fd);
    this.sockets.clear();
    if (this.ownNetnsFd >= 0) this.native.closeFd(this.ownNetnsFd);
    this.ownNetnsFd = -1;
  }

  private newHandle(): number {
    for (let h = 0; ; h++) if (!this.sockets.has(h)) return h;
  }

  private iovPairs(count: number): Uint32Array {
    return count * 2 <= this.iovScratch.length ? this.iovScratch : new Uint32Array(count * 2);
  }

  /** The nlhost import object; `memory` is read afresh on every call. */
  imports(memory: MemoryGetter): Record<string, (...args: number[]) => number> {
    const native = this.native;
    const bytes = (ptr: number, len: number): Uint8Array | null => {
      const buf = memory().buffer;
      ptr >>>= 0;
      len >>>= 0;
      return ptr + len <= buf.byteLength ? new Uint8Array(buf, ptr, len) : null;
    };
    const view = (): DataView => new DataView(memory().buffer);
    const inBounds = (ptr: number, len: number): boolean =>
      (ptr >>> 0) + (len >>> 0) <= memory().buffer.byteLength;
    const sock = (h: number): Socket | undefined => this.sockets.get(h);
    const { waits } = this.opts;

    return {
      sock_open: (domain, typeAndFlags, protocol) => {
        const type = typeAndFlags & ~NLHOST_SOCK_LIBC;
        if (domain !== AF_NETLINK) return -Errno.EAFNOSUPPORT;
        const kind = type & SOCK_TYPE_MASK;
        if (kind !== SOCK_RAW && kind !== SOCK_DGRAM) return -Errno.ESOCKTNOSUPPORT;
        const allowed = this.opts.policy?.protocols;
        if (allowed && !allowed.includes(protocol)) return -Errno.EPROTONOSUPPORT;
        const fd = native.socket(domain, type | SOCK_CLOEXEC, protocol, this.netnsFd);
        if (fd < 0) return fd;
        if (this.opts.readAhead && native.readAhead) {
          const r = native.readAhead(fd);
          if (r < 0) {
            native.close(fd);
            return r;
          }
        }
        const h = this.newHandle();
        this.sockets.set(h, {
          fd, protocol, traced: type === typeAndFlags, nonblocking: (type & SOCK_NONBLOCK) !== 0, recvTimeoutMs: -1,
        });
        return h;
      },

      sock_close: (h) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        this.sockets.delete(h);
        return native.close(s.fd);
      },

      sock_bind: (h, addr, len) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        const a = bytes(addr, len);
        return a ? native.bind(s.fd, a) : -Errno.EFAULT;
      },

      sock_connect: (h, addr, len) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        const a = bytes(addr, len);
        return a ? native.connect(s.fd, a) : -Errno.EFAULT;
      },

      sock_getsockname: (h, addr, lenPtr) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(lenPtr, 4)) return -Errno.EFAULT;
        const a = bytes(addr, view().getUint32(lenPtr, true));
        if (!a) return -Errno.EFAULT;
        const r = native.getsockname(s.fd, a);
        if (r < 0) return r;
        view().setUint32(lenPtr, r, true);
        return 0;
      },

      sock_getsockopt: (h, level, name, valPtr, lenPtr) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(lenPtr, 4)) return -Errno.EFAULT;
        const len = view().getUint32(lenPtr, true);
        if (level === SOL_SOCKET && (name === SO_RCVTIMEO_OLD || name === SO_SNDTIMEO_OLD)) {
          if (len < WASM32_TIMEVAL_SIZE || !inBounds(valPtr, WASM32_TIMEVAL_SIZE)) return -Errno.EINVAL;
          const tv = new Uint8Array(NATIVE_TIMEVAL_SIZE);
          const r = native.getsockopt(s.fd, level, name, tv);
          if (r < 0) return r;
          timevalFromNative(tv, view(), valPtr);
          view().setUint32(lenPtr, WASM32_TIMEVAL_SIZE, true);
          return 0;
        }
        const v = bytes(valPtr, len);
        if (!v) return -Errno.EFAULT;
        const r = native.getsockopt(s.fd, level, name, v);
        if (r < 0) return r;
        view().setUint32(lenPtr, r, true);
        return 0;
      },

      sock_setsockopt: (h, level, name, valPtr, len) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (level === SOL_SOCKET) {
          if (name === SO_ATTACH_FILTER || name === SO_ATTACH_BPF ||
            name === SO_ATTACH_REUSEPORT_CBPF || name === SO_ATTACH_REUSEPORT_EBPF) {
            // These carry pointers or descriptors of the wasm side's world.
            return -Errno.ENOPROTOOPT;
          }
          if (name === SO_RCVTIMEO_OLD || name === SO_SNDTIMEO_OLD) {
            if (len < WASM32_TIMEVAL_SIZE || !inBounds(valPtr, WASM32_TIMEVAL_SIZE)) return -Errno.EINVAL;
            const r = native.setsockopt(s.fd, level, name, timevalToNative(view(), valPtr));
            if (r === 0 && name === SO_RCVTIMEO_OLD) s.recvTimeoutMs = timevalToTimeoutMs(view(), valPtr);
            return r;
          }
        }
        const v = bytes(valPtr, len);
        return v ? native.setsockopt(s.fd, level, name, v) : -Errno.EFAULT;
      },

      sock_sendto: (h, buf, len, flags, addr, addrlen) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(buf, len)) return -Errno.EFAULT;
        const name = addr ? bytes(addr, addrlen) : null;
        if (addr && !name) return -Errno.EFAULT;
        const iov = this.iovScratch;
        iov[0] = buf >>> 0;
        iov[1] = len >>> 0;
        if (this.refused(s, memory(), iov, 1)) return -Errno.EPERM;
        const r = native.sendmsg(s.fd, memory().buffer, iov, 1, name, null, flags);
        this.traced('send', s, memory(), iov, 1, r);
        return r;
      },

      sock_recvfrom: (h, buf, len, flags, addr, addrlenPtr) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(buf, len)) return -Errno.EFAULT;
        let name: Uint8Array | null = null;
        if (addr) {
          if (!inBounds(addrlenPtr, 4)) return -Errno.EFAULT;
          name = bytes(addr, view().getUint32(addrlenPtr, true));
          if (!name) return -Errno.EFAULT;
        }
        const iov = this.iovScratch;
        const out = this.recvResult;
        const block = !s.nonblocking && !(flags & MSG_DONTWAIT);
        const recv = (timeoutMs: number): number => {
          iov[0] = buf >>> 0;
          iov[1] = len >>> 0;
          const n = name && bytes(addr, name.length);
          return native.recvmsg(s.fd, memory().buffer, iov, 1, n, null, flags, block,
            timeoutMs, waits.wakeFd, out);
        };
        const r = block ? waits.run(recv, s.recvTimeoutMs) : recv(-1);
        if (r >= 0 && addr) view().setUint32(addrlenPtr, out[0], true);
        this.traced('recv', s, memory(), iov, 1, r, flags);
        return r;
      },

      sock_sendmsg: (h, msgPtr, flags) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(msgPtr, WASM32_MSGHDR_SIZE)) return -Errno.EFAULT;
        const m = readMsghdr(view(), msgPtr);
        if (m.iovlen > MAX_IOV) return -Errno.EINVAL;
        if (!inBounds(m.iov, m.iovlen * WASM32_IOVEC_SIZE)) return -Errno.EFAULT;
        const iov = this.iovPairs(m.iovlen);
        readIovecs(view(), m.iov, m.iovlen, iov);
        const name = m.name ? bytes(m.name, m.namelen) : null;
        if (m.name && !name) return -Errno.EFAULT;
        let control: Uint8Array | null = null;
        if (m.control && m.controllen) {
          const mem = bytes(0, memory().buffer.byteLength) as Uint8Array;
          if (!inBounds(m.control, m.controllen)) return -Errno.EFAULT;
          control = controlToNative(mem, m.control, m.controllen);
          if (!control) return -Errno.EINVAL;
        }
        if (this.refused(s, memory(), iov, m.iovlen)) return -Errno.EPERM;
        const r = native.sendmsg(s.fd, memory().buffer, iov, m.iovlen, name, control, flags);
        this.traced('send', s, memory(), iov, m.iovlen, r);
        return r;
      },

      sock_recvmsg: (h, msgPtr, flags) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (!inBounds(msgPtr, WASM32_MSGHDR_SIZE)) return -Errno.EFAULT;
        const m = readMsghdr(view(), msgPtr);
        if (m.iovlen > MAX_IOV) return -Errno.EINVAL;
        if (!inBounds(m.iov, m.iovlen * WASM32_IOVEC_SIZE)) return -Errno.EFAULT;
        if (m.name && !inBounds(m.name, m.namelen)) return -Errno.EFAULT;
        if (m.control && !inBounds(m.control, m.controllen)) return -Errno.EFAULT;
        const iov = this.iovPairs(m.iovlen);
        readIovecs(view(), m.iov, m.iovlen, iov);
        const control = m.control && m.controllen ? new Uint8Array(nativeControlCapacity(m.controllen)) : null;
        const out = this.recvResult;
        const block = !s.nonblocking && !(flags & MSG_DONTWAIT);
        const recv = (timeoutMs: number): number => native.recvmsg(s.fd, memory().buffer, iov, m.iovlen,
          m.name ? bytes(m.name, m.namelen) : null, control, flags, block, timeoutMs, waits.wakeFd, out);
        const r = block ? waits.run(recv, s.recvTimeoutMs) : recv(-1);
        if (r < 0) return r;
        this.traced('recv', s, memory(), iov, m.iovlen, r, flags);
        let controllen = 0;
        let msgFlags = out[2];
        if (control) {
          const mem = bytes(0, memory().buffer.byteLength) as Uint8Array;
          const c = controlFromNative(control, out[1], mem, m.control, m.controllen);
          controllen = c.length;
          if (c.truncated) msgFlags |= MSG_CTRUNC;
        }
        writeMsghdrResult(view(), msgPtr, m.name ? out[0] : 0, controllen, msgFlags);
        return r;
      },

      sock_poll: (fdsPtr, nfds, timeout) => {
        if (nfds > MAX_IOV || !inBounds(fdsPtr, nfds * WASM32_POLLFD.size)) return -Errno.EFAULT;
        const pollfds = new Uint8Array(nfds * NATIVE_POLLFD.size);
        const p = new DataView(pollfds.buffer);
        const v = view();
        for (let i = 0; i < nfds; i++) {
          const { fd: h, events } = readPollfd(v, fdsPtr, i);
          const s = h >= 0 ? sock(h) : undefined;
          if (h >= 0 && !s) return -Errno.EBADF;
          writePollfd(p, 0, i, s ? s.fd : -1, events, NATIVE_POLLFD);
        }
        const r = timeout === 0 ? native.poll(pollfds, 0, -1)
          : waits.run((ms) => native.poll(pollfds, ms, waits.wakeFd), timeout);
        if (r < 0) return r;
        const after = view();
        for (let i = 0; i < nfds; i++) writeRevents(after, fdsPtr, i, readRevents(p, 0, i, NATIVE_POLLFD));
        return r;
      },

      sock_fcntl: (h, cmd, arg) => {
        const s = sock(h);
        if (!s) return -Errno.EBADF;
        if (cmd === F_GETFL) return native.getFlags(s.fd);
        if (cmd === F_SETFL) {
          const r = native.setNonblocking(s.fd, (arg & O_NONBLOCK) !== 0);
          if (r === 0) s.nonblocking = (arg & O_NONBLOCK) !== 0;
          return r;
        }
        return -Errno.EINVAL;
      },

      proc_getpid: () => this.opts.pid,

      netns_unshare: (flags) => {
        if (flags !== CLONE_NEWNET) return -Errno.EINVAL;
        const fd = native.netnsCreate();
        if (fd < 0) return fd;
        if (this.ownNetnsFd >= 0) native.closeFd(this.ownNetnsFd);
        this.ownNetnsFd = fd;
        this.netnsFd = fd;
        return 0;
      },
    };
  }

  /** Copies `n` bytes out of the iovecs into a trace record. */
  private traced(dir: TraceRecord['dir'], s: Socket, memory: WebAssembly.Memory, iov: Uint32Array,
    count: number, n: number, flags = 0): void {
    if (!this.opts.trace || !s.traced || n < 0 || (dir === 'recv' && flags & MSG_PEEK)) return;
    const bytes = new Uint8Array(n);
    let off = 0;
    for (let i = 0; i < count && off < n; i++) {
      const len = Math.min(iov[2 * i + 1], n - off);
      bytes.set(new Uint8Array(memory.buffer, iov[2 * i], len), off);
      off += len;
    }
    this.opts.trace({ dir, protocol: s.protocol, bytes: bytes.subarray(0, off) });
  }

  /** Whether the policy refuses this outgoing message (read-only mode). */
  private refused(s: Socket, memory: WebAssembly.Memory, iov: Uint32Array, count: number): boolean {
    if (!this.opts.policy?.readOnly) return false;
    for (let i = 0; i < count; i++) {
      const chunk = new Uint8Array(memory.buffer, iov[2 * i], iov[2 * i + 1]);
      if (isStateChangingRequest(s.protocol, chunk)) return true;
    }
    return false;
  }
}
