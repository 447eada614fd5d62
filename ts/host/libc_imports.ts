/**
 * The imports emscripten 3.1.6's libc expects from its JavaScript runtime
 * ("env" and "wasi_snapshot_preview1"), implemented here instead of by
 * emscripten's generated glue: that glue installs process-wide handlers,
 * calls process.exit() and cannot load in every thread, none of which a
 * library may do. Files and stdio go to the FileTable, time is UTC, exit
 * and aborts become exceptions the instance owner handles.
 *
 * Signatures follow emscripten's legalized ABI: 64-bit values arrive as two
 * i32 halves, `__syscall_*` return -errno, WASI calls return errno, all in
 * Linux numbering, as the instance's libc numbers errno (errno.ts).
 */
import { Errno } from './errno.js';
import type { FileTable } from './files.js';
import { ProcessExit, WasmTrap } from './errors.js';
import { strftime, writeTm, readTm, tmToEpochUTC } from './time_format.js';
import { cString } from './c_string.js';
import { readIovecs, readPollfd, writeRevents, writeTimespec, writeTimeval, WASM32_IOVEC_SIZE } from './wasm32_structs.js';

export interface LibcExports {
  memory: WebAssembly.Memory;
  __indirect_function_table?: WebAssembly.Table;
  malloc?: (size: number) => number;
  stackSave?: () => number;
  stackRestore?: (sp: number) => void;
  setThrew?: (threw: number, value: number) => void;
  __funcs_on_exit?: () => void;
  __stdio_exit?: () => void;
}

export interface LibcImportOptions {
  files: FileTable;
  /** Environment variables, passed explicitly (never the host's). */
  env: Record<string, string>;
  /** The instance's exports, once instantiated. */
  exports: () => LibcExports;
  /** argv[0], for assertion messages. */
  programName: string;
  /** Sleeps `ms` milliseconds in the host: 0, or -EINTR when a signal ends the sleep. */
  sleep: (ms: number) => number;
  /** Largest the wasm heap may grow to, in bytes (default and ceiling: 2 GiB). */
  memoryLimit?: number;
}

const WASM_PAGE = 65536;
const HEAP_CEILING = 2 ** 31;

type ImportFn = (...args: number[]) => number | void;

const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLNVAL = 0x20;

/** Thrown by longjmp and caught by the invoke_* trampolines, as emscripten does. */
const LONGJMP = Symbol('longjmp');

const encoder = new TextEncoder();

export function libcImports(opts: LibcImportOptions): { env: Record<string, ImportFn>; wasi: Record<string, ImportFn> } {
  const { files } = opts;
  const ex = opts.exports;
  const mem = (): ArrayBuffer => ex().memory.buffer;
  const view = (): DataView => new DataView(mem());
  const u8 = (): Uint8Array => new Uint8Array(mem());
  const inBounds = (ptr: number, len: number): boolean => (ptr >>> 0) + (len >>> 0) <= mem().byteLength;
  let tempRet0 = 0;
  // malloc() fails past the limit: a runaway allocation (a parser looping on
  // a malformed message) ends in NLE_NOMEM instead of eating the process's memory.
  const heapMax = Math.floor(Math.min(opts.memoryLimit ?? HEAP_CEILING, HEAP_CEILING) / WASM_PAGE) * WASM_PAGE;

  const runExitHandlers = (): void => {
    ex().__funcs_on_exit?.();
    ex().__stdio_exit?.();
  };

  // Reads/writes through an iovec array.
  const iovLoop = (iov: number, iovcnt: number, pnum: number, op: (chunk: Uint8Array) => number): number => {
    const pairs = new Uint32Array(iovcnt * 2);
    if (!inBounds(iov, iovcnt * WASM32_IOVEC_SIZE)) return Errno.EFAULT;
    readIovecs(view(), iov, iovcnt, pairs);
    let total = 0;
    for (let i = 0; i < iovcnt; i++) {
      const [base, len] = [pairs[2 * i], pairs[2 * i + 1]];
      if (base + len > mem().byteLength) return Errno.EFAULT;
      const n = op(new Uint8Array(mem(), base, len));
      if (n < 0) return -n;
      total += n;
      if (n < len) break;
    }
    view().setUint32(pnum, total, true);
    return 0;
  };

  const clockGettime = (clockId: number, tp: number): number => {
    const ns = clockId === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
    writeTimespec(view(), tp, Number(ns / 1000000000n), Number(ns % 1000000000n));
    return 0;
  };

  const envStrings = (): Uint8Array[] =>
    Object.entries(opts.env).map(([k, v]) => encoder.encode(`${k}=${v}\0`));

  const env: Record<string, ImportFn> = {
    exit: (status) => {
      runExitHandlers();
      throw new ProcessExit(status);
    },
    abort: () => {
      throw new WasmTrap('abort', 'abort() called');
    },
    __assert_fail: (cond, file, line, func) => {
      const m = mem();
      const text = `${opts.programName}: ${cString(m, file)}:${line}: ${func ? cString(m, func) : '?'}: ` +
        `Assertion \`${cString(m, cond)}' failed.\n`;
      files.write(2, encoder.encode(text));
      throw new WasmTrap('assert', text.trim());
    },
    segfault: () => {
      throw new WasmTrap('memory access', 'segmentation fault (NULL or out-of-bounds access)');
    },
    alignfault: () => {
      throw new WasmTrap('memory access', 'misaligned memory access');
    },

    emscripten_memcpy_big: (dest, src, num) => {
      // Pointers and size_t arrive as signed i32. copyWithin() would clamp a
      // copy that runs past memory (a negative length made huge by size_t)
      // into a silent no-op or a partial copy; natively it faults, so here too.
      const [d, s, n] = [dest >>> 0, src >>> 0, num >>> 0];
      const m = u8();
      if (d + n > m.length || s + n > m.length) {
        throw new WasmTrap('memory access', `memcpy of ${n} bytes past the end of memory`);
      }
      m.copyWithin(d, s, s + n);
    },
    emscripten_get_heap_max: () => heapMax,
    emscripten_resize_heap: (requested) => {
      const memory = ex().memory;
      const needed = (requested >>> 0) - memory.buffer.byteLength;
      if (needed <= 0) return 1;
      if ((requested >>> 0) > heapMax) return 0;
      try {
        // Grow by at least a fifth, as emscripten does, to keep growth rare.
        const pages = Math.max(Math.ceil(needed / WASM_PAGE), Math.ceil(memory.buffer.byteLength / 5 / WASM_PAGE));
        memory.grow(Math.min(pages, (heapMax - memory.buffer.byteLength) / WASM_PAGE));
        return 1;
      } catch {
        return 0;
      }
    },
    setTempRet0: (v) => {
      tempRet0 = v;
    },
    getTempRet0: () => tempRet0,
    emscripten_get_now: () => performance.now(),
    _emscripten_throw_longjmp: () => {
      throw LONGJMP;
    },
    _dlopen_js: () => 0,

    clock_gettime: (clockId, tp) => clockGettime(clockId, tp),
    __clock_gettime: (clockId, tp) => clockGettime(clockId, tp),
    gettimeofday: (tv) => {
      const now = Date.now();
      writeTimeval(view(), tv, Math.floor(now / 1000), (now % 1000) * 1000);
      return 0;
    },
    __call_sighandler: (fp, sig) => {
      const fn = ex().__indirect_function_table?.get(fp) as ((s: number) => void) | null;
      fn?.(sig);
    },
    time: (ptr) => {
      const t = Math.floor(Date.now() / 1000);
      if (ptr) view().setInt32(ptr, t, true);
      return t;
    },
    _tzset_js: (timezone, daylight, tzname) => {
      const v = view();
      v.setInt32(timezone, 0, true);
      v.setInt32(daylight, 0, true);
      const malloc = ex().malloc;
      if (!malloc) return;
      const name = malloc(4);
      u8().set(encoder.encode('UTC\0'), name);
      view().setUint32(tzname, name, true);
      view().setUint32(tzname + 4, name, true);
    },
    _gmtime_js: (timePtr, tmPtr) => {
      writeTm(view(), tmPtr, new Date(view().getInt32(timePtr, true) * 1000));
    },
    _localtime_js: (timePtr, tmPtr) => {
      writeTm(view(), tmPtr, new Date(view().getInt32(timePtr, true) * 1000));
    },
    _mktime_js: (tmPtr) => {
      const t = tmToEpochUTC(readTm(view(), tmPtr));
      writeTm(view(), tmPtr, new Date(t * 1000));
      return t;
    },
    _timegm_js: (tmPtr) => {
      const t = tmToEpochUTC(readTm(view(), tmPtr));
      writeTm(view(), tmPtr, new Date(t * 1000));
      return t;
    },
    strftime: (s, maxsize, format, tm) => {
      const text = encoder.encode(strftime(cString(mem(), format), readTm(view(), tm, mem())));
      if (text.length + 1 > maxsize) return 0;
      u8().set(text, s);
      u8()[s + text.length] = 0;
      return text.length;
    },

    __syscall_open: (path, flags) => files.open(cString(mem(), path), flags),
    __syscall_fcntl64: (fd, cmd, varargs) => {
      const arg = varargs ? view().getInt32(varargs, true) : 0;
      return files.fcntl(fd, cmd, arg);
    },
    __syscall_ioctl: (fd, request) => files.ioctl(fd, request),
    __syscall_unlink: (path) => files.unlink(cString(mem(), path)),
    // poll() on descriptors that are not sockets (wasm/socket_calls.c polls
    // sockets through nlhost): files never block, so only a call with
    // nothing to watch waits, as a sleep (-1: until a signal).
    __syscall_poll: (fds, nfds, timeout) => {
      let ready = 0;
      for (let i = 0; i < nfds; i++) {
        const v = view();
        const { fd, events } = readPollfd(v, fds, i);
        let revents = 0;
        if (fd >= 0) revents = files.fileType(fd) < 0 ? POLLNVAL : events & (POLLIN | POLLOUT);
        writeRevents(v, fds, i, revents);
        if (revents) ready++;
      }
      if (ready === 0 && timeout !== 0) return opts.sleep(timeout);
      return ready;
    },
    __syscall_stat64: (path, buf) => files.stat(cString(mem(), path), view(), buf),
    __syscall_lstat64: (path, buf) => files.stat(cString(mem(), path), view(), buf),
    __syscall_fstat64: (fd, buf) => files.fstat(fd, view(), buf),
    // Paths are absolute or relative to / (the instance has no working directory).
    __syscall_fstatat64: (_dirfd, path, buf) => files.stat(cString(mem(), path), view(), buf),
  };

  const wasi: Record<string, ImportFn> = {
    fd_write: (fd, iov, iovcnt, pnum) => iovLoop(iov, iovcnt, pnum, (c) => files.write(fd, c)),
    fd_read: (fd, iov, iovcnt, pnum) => iovLoop(iov, iovcnt, pnum, (c) => files.read(fd, c)),
    fd_close: (fd) => files.close(fd),
    // The offset is one BigInt in modules built with WASM_BIGINT (libnl.wasm),
    // two i32 halves in the others.
    fd_seek: ((...a: Array<number | bigint>) => {
      const [fd, offset, whence, newOffset] = typeof a[1] === 'bigint'
        ? [a[0] as number, Number(a[1]), a[2] as number, a[3] as number]
        : [a[0] as number, (a[2] as number) * 4294967296 + ((a[1] as number) >>> 0), a[3] as number, a[4] as number];
      const pos = files.seek(fd, offset, whence);
      if (pos < 0) return -pos;
      view().setUint32(newOffset, pos >>> 0, true);
      view().setUint32(newOffset + 4, Math.floor(pos / 4294967296), true);
      return 0;
    }) as unknown as ImportFn,
    fd_fdstat_get: (fd, buf) => {
      const type = files.fileType(fd);
      if (type < 0) return -type;
      const v = view();
      for (let i = 0; i < 24; i += 4) v.setUint32(buf + i, 0, true);
      v.setUint8(buf, type);
      return 0;
    },
    environ_sizes_get: (pcount, psize) => {
      const strs = envStrings();
      view().setUint32(pcount, strs.length, true);
      view().setUint32(psize, strs.reduce((n, s) => n + s.length, 0), true);
      return 0;
    },
    environ_get: (environ, buf) => {
      let p = buf;
      envStrings().forEach((s, i) => {
        view().setUint32(environ + i * 4, p, true);
        u8().set(s, p);
        p += s.length;
      });
      return 0;
    },
    // (clock, precision as i64 or two i32 halves, out): see fd_seek.
    clock_time_get: ((...a: Array<number | bigint>) => {
      const clockId = a[0] as number;
      const out = (typeof a[1] === 'bigint' ? a[2] : a[3]) as number;
      const ns = clockId === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
      view().setBigUint64(out, ns, true);
      return 0;
    }) as unknown as ImportFn,
    proc_exit: (status) => {
      throw new ProcessExit(status);
    },
  };
  return { env, wasi };
}

/**
 * emscripten's setjmp/longjmp: calls through invoke_<sig>(index, ...args)
 * catch a longjmp, restore the stack and report it with setThrew().
 */
export function invokeTrampoline(exports: () => LibcExports): ImportFn {
  return (index, ...args) => {
    const ex = exports();
    const sp = ex.stackSave?.() ?? 0;
    try {
      const fn = ex.__indirect_function_table?.get(index) as ((...a: number[]) => number) | null;
      if (!fn) throw new WasmTrap('invoke', `call through a null function pointer (${index})`);
      return fn(...args);
    } catch (e) {
      ex.stackRestore?.(sp);
      if (e !== LONGJMP) throw e;
      ex.setThrew?.(1, 0);
      return 0;
    }
  };
}
