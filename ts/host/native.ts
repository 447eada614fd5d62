/**
 * The native addon (host/): the only code that talks to the kernel. This file
 * loads it and gives it a type; see host/addon.cc for the behaviour. Every
 * function returns a number: >= 0 on success, -errno (Linux numbering) on
 * failure.
 */
import { createRequire } from 'node:module';
import { addonPath } from './paths.js';

export interface NativeHost {
  socket(family: number, type: number, protocol: number, netnsFd: number): number;
  close(fd: number): number;
  bind(fd: number, addr: Uint8Array): number;
  connect(fd: number, addr: Uint8Array): number;
  /** Writes the address into `addr`; returns its length. */
  getsockname(fd: number, addr: Uint8Array): number;
  /** Writes the value into `value`; returns its length. */
  getsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  /** `iov` holds (offset, length) pairs into `memory`; control is native cmsg layout. */
  sendmsg(fd: number, memory: ArrayBuffer, iov: Uint32Array, iovCount: number,
    name: Uint8Array | null, control: Uint8Array | null, flags: number): number;
  /**
   * `out` receives [namelen, controllen, msg_flags]. With `block`, waits up to
   * `timeoutMs` (-1: forever, then -EAGAIN) or until `wakeFd` is signalled
   * (-ECANCELED).
   */
  recvmsg(fd: number, memory: ArrayBuffer, iov: Uint32Array, iovCount: number,
    name: Uint8Array | null, control: Uint8Array | null, flags: number, block: boolean,
    timeoutMs: number, wakeFd: number, out: Int32Array): number;
  /**
   * Turns on read-ahead of multipart replies for fd (host/dump_readahead.h);
   * recvmsg then takes them from its queue. A fake kernel may leave it out.
   */
  readAhead?(fd: number): number;
  /** `fds` is an array of native struct pollfd (8 bytes each); revents written in place. */
  poll(fds: Uint8Array, timeoutMs: number, wakeFd: number): number;
  getFlags(fd: number): number;
  setNonblocking(fd: number, nonblocking: boolean): number;
  /** Opens a network namespace file (checked to be one). */
  netnsOpen(path: string): number;
  /** A new empty network namespace, kept alive by the returned fd. */
  netnsCreate(): number;
  closeFd(fd: number): number;
  wakeupCreate(): number;
  wakeupSignal(fd: number): number;
  wakeupReset(fd: number): number;
  /** Sleeps until `fd` is signalled (-ECANCELED) or the time has passed (0); seconds < 0: no limit. */
  wakeupWait(fd: number, seconds: number, nanoseconds: number): number;
  /** A pid for a new wasm instance, unique in this process. */
  allocatePid(): number;
  processPid(): number;
}

/** What the addon does besides sockets, not part of a socket host: named namespaces (host/named_netns.h), CPUs. */
export interface ProcessHost {
  /** sched_getcpu(): the CPU the calling thread runs on now. */
  currentCpu(): number;
  /** sched_yield(): lets another thread on this CPU run. */
  yieldCpu(): number;
  /** `ip netns add NAME`: a new namespace bind-mounted at /var/run/netns/NAME (off the main thread; 0 or -errno). */
  namedNetnsAdd(name: string): Promise<number>;
  /** `ip netns delete NAME` (off the main thread; 0 or -errno). */
  namedNetnsDelete(name: string): Promise<number>;
}

let loaded: (NativeHost & ProcessHost) | undefined;

export function nativeHost(): NativeHost & ProcessHost {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    try {
      loaded = require(addonPath) as NativeHost & ProcessHost;
    } catch (e) {
      throw new Error(`libnl-wasm: cannot load the native host ${addonPath} ` +
        `(build it with: npx node-gyp rebuild -C host): ${(e as Error).message}`);
    }
  }
  return loaded;
}
