/**
 * One wasm instance is one libnl "process": its own memory, file table,
 * sockets, pid and network namespace. This loads a module (any thread, no
 * fetch, no emscripten glue), instantiates it with our imports, runs its
 * constructors, and runs main() or individual exported functions.
 *
 * exit() ends the process with a status; a trap or abort makes it unusable
 * (WasmTrap names the call that crashed it); neither touches the host
 * process's descriptors or exits Node.
 */
import { readFile, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { FileTable, type OutputSink } from './files.js';
import { SocketTable, type SocketPolicy, type TraceRecord } from './sockets.js';
import { libcImports, invokeTrampoline, type LibcExports } from './libc_imports.js';
import { Cancelled, ProcessExit, ProcessSignal, WasmTrap } from './errors.js';
import { SignalState, signalImports, type AlarmSink } from './signals.js';
import { CANCEL_SHUTDOWN, Waits } from './waits.js';
import { nativeHost, type NativeHost } from './native.js';
import { netnsPath, openNetns, type NetnsSpec } from './netns.js';
import { libnlEtcDir } from './paths.js';

export interface ProcessOptions {
  stdout?: OutputSink;
  stderr?: OutputSink;
  /** Present stdout/stderr as terminals. */
  tty?: boolean;
  /** Environment of the instance (NLDBG, NLCB, ...); nothing is inherited. */
  env?: Record<string, string>;
  /** Network namespace the instance's sockets open in (default: the process's). */
  netns?: NetnsSpec;
  /** pid reported by getpid(); default: one unique in this Node process. */
  pid?: number;
  policy?: SocketPolicy;
  /** Where libnl's classid/pktloc are read from (seen as /etc/libnl). */
  libnlEtcDir?: string;
  /** argv[0] */
  programName?: string;
  /** Receives every netlink datagram the instance sends or receives. */
  trace?: (record: TraceRecord) => void;
  /** Carries out the socket calls (default: the native addon); see SocketTableOptions.host. */
  host?: NativeHost;
  /**
   * Receive a multipart reply (a dump) on a thread of its own while libnl
   * parses what came before (host/dump_readahead.h): a 100k-route cache
   * fills in 48 ms instead of 80 here, but a third thread is busy meanwhile
   * (docs/decisions/dump-readahead.md). Default: off.
   */
  readAhead?: boolean;
  /** Largest the instance's memory may grow to, in bytes (default 2 GiB, the most wasm32 libc can use). */
  memoryLimit?: number;
  /**
   * The program's signals, shared with whoever sends them (run_program.ts);
   * default: a state of its own, which only raise() reaches.
   */
  signals?: SignalState;
  /** Receives each alarm() the program sets, to raise SIGALRM when it is due; default: alarms never fire. */
  onAlarm?: AlarmSink;
}

/**
 * What another thread needs to interrupt this instance's blocking calls:
 * CANCEL_CALL ends the current blocking socket call with EAGAIN (libnl
 * reports NLE_AGAIN and the instance stays usable); CANCEL_SHUTDOWN unwinds
 * the instance for good (waits.ts).
 */
export interface CancelToken {
  wakeFd: number;
  /** Int32Array[1] on this buffer: non-zero asks the instance to stop. */
  flag: SharedArrayBuffer;
}

export { CANCEL_CALL, CANCEL_SHUTDOWN } from './waits.js';

/** Asks the instance behind `token` to abandon its blocking call. */
export function cancelInstance(token: CancelToken, reason = CANCEL_SHUTDOWN): void {
  Atomics.store(new Int32Array(token.flag), 0, reason);
  nativeHost().wakeupSignal(token.wakeFd);
}

type Exports = LibcExports & Record<string, unknown>;

const compiled = new Map<string, WebAssembly.Module>();

export function loadModuleSync(path: string): WebAssembly.Module {
  let m = compiled.get(path);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(path));
    compiled.set(path, m);
  }
  return m;
}

export async function loadModule(path: string): Promise<WebAssembly.Module> {
  let m = compiled.get(path);
  if (!m) {
    // node:fs/promises would load Node's readline and stream internals into
    // every process that opens a client (about 5 ms of its start).
    m = await WebAssembly.compile(await promisify(readFile)(path));
    compiled.set(path, m);
  }
  return m;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class WasmProcess {
  readonly exports: Exports;
  readonly files: FileTable;
  readonly sockets: SocketTable;
  readonly pid: number;
  private readonly waits: Waits;
  private readonly wakeFd: number;
  private readonly cancelFlag: Int32Array;
  private readonly netnsFd: number;
  /** Namespaces opened since (setns, views of the typed client), by path, shared by their users. */
  private readonly netnsByPath = new Map<string, { fd: number; users: number }>();
  /** The namespace setns() chose, held until the next setns(). */
  private chosenNetns = -1;
  private closed = false;
  /** Why the instance can no longer be used, if it cannot. */
  private deadReason: Error | undefined;
  private exitStatus: number | undefined;

  private constructor(module: WebAssembly.Module, opts: ProcessOptions) {
    const native = nativeHost();
    this.pid = opts.pid ?? native.allocatePid();
    this.netnsFd = opts.netns !== undefined ? openNetns(opts.netns) : -1;
    this.wakeFd = native.wakeupCreate();
    if (this.wakeFd < 0) {
      if (this.netnsFd >= 0) native.closeFd(this.netnsFd);
      throw new Error(`cannot create the wake-up eventfd (errno ${-this.wakeFd})`);
    }
    this.cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const stderr = opts.stderr ?? ((b: Uint8Array) => process.stderr.write(b));
    this.files = new FileTable({
      libnlEtcDir: opts.libnlEtcDir ?? libnlEtcDir(),
      stdout: opts.stdout ?? ((b) => process.stdout.write(b)),
      stderr,
      tty: opts.tty,
    });
    const signals = opts.signals ?? new SignalState();
    const waits = new Waits(native, this.wakeFd, this.cancelFlag, signals);
    this.waits = waits;
    this.sockets = new SocketTable({
      netnsFd: this.netnsFd,
      pid: this.pid,
      waits,
      policy: opts.policy,
      trace: opts.trace,
      host: opts.host,
      readAhead: opts.readAhead,
    });

    const getExports = (): Exports => this.exports;
    const libc = libcImports({
      files: this.files,
      env: opts.env ?? {},
      exports: getExports,
      programName: opts.programName ?? 'libnl',
      sleep: (ms) => (ms < 0 ? waits.sleep(-1, 0) : waits.sleep(Math.floor(ms / 1000), (ms % 1000) * 1_000_000)),
      memoryLimit: opts.memoryLimit,
    });
    const imports: WebAssembly.Imports = {
      env: libc.env,
      wasi_snapshot_preview1: libc.wasi,
      nlhost: {
        ...this.sockets.imports(() => this.exports.memory),
        ...signalImports({
          state: signals,
          sleep: (sec, nsec, waited) => waits.sleep(sec, nsec, waited),
          alarm: opts.onAlarm,
        }),
      },
    };
    const invoke = invokeTrampoline(getExports);
    const missing: string[] = [];
    for (const imp of WebAssembly.Module.imports(module)) {
      const ns = imports[imp.module] as Record<string, unknown> | undefined;
      if (imp.module === 'env' && imp.name.startsWith('invoke_')) {
        libc.env[imp.name] = invoke;
      } else if (!ns || !(imp.name in ns)) {
        missing.push(`${imp.module}.${imp.name}`);
      }
    }
    if (missing.length) {
      this.release();
      throw new Error(`this host does not provide imports the module needs: ${missing.join(', ')}`);
    }
    try {
      this.exports = new WebAssembly.Instance(module, imports).exports as Exports;
      this.call('__wasm_call_ctors');
    } catch (e) {
      this.release();
      throw e;
    }
  }

  static create(module: WebAssembly.Module, opts: ProcessOptions = {}): WasmProcess {
    return new WasmProcess(module, opts);
  }

  get cancelToken(): CancelToken {
    return { wakeFd: this.wakeFd, flag: this.cancelFlag.buffer as SharedArrayBuffer };
  }

  /**
   * Opens a network namespace for this instance's sockets, or shares the fd
   * already open for the same path; give it back with releaseNetns().
   */
  acquireNetns(spec: NetnsSpec): number {
    const path = netnsPath(spec);
    const held = this.netnsByPath.get(path);
    if (held) {
      held.users++;
      return held.fd;
    }
    const fd = openNetns(spec);
    this.netnsByPath.set(path, { fd, users: 1 });
    return fd;
  }

  releaseNetns(fd: number): void {
    for (const [path, held] of this.netnsByPath) {
      if (held.fd !== fd || --held.users > 0) continue;
      this.netnsByPath.delete(path);
      nativeHost().closeFd(fd);
    }
  }

  /**
   * What setns(2) does for a thread: sockets created from now on (libnl's
   * nl_connect() creates them) open in `spec`; null goes back to the
   * instance's own namespace. Sockets already open stay where they are.
   */
  setNetns(spec: NetnsSpec | null): void {
    const fd = spec === null ? -1 : this.acquireNetns(spec);
    if (this.chosenNetns >= 0) this.releaseNetns(this.chosenNetns);
    this.chosenNetns = fd;
    this.sockets.setNetns(fd >= 0 ? fd : this.netnsFd);
  }

  /** Runs `fn` with new sockets opening in namespace `fd` (from acquireNetns). */
  withNetns<T>(fd: number, fn: () => T): T {
    return this.sockets.withNetns(fd, fn);
  }

  /** Waits until the host's descriptor `fd`, which the instance writes its output to, takes more. */
  waitWritable(fd: number): void {
    this.waits.writable(fd);
  }

  /** Why the instance is unusable, or undefined while it is healthy. */
  get failure(): Error | undefined {
    return this.deadReason;
  }

  /**
   * Calls an exported function. A trap or abort marks the instance dead and
   * throws WasmTrap naming `name`; exit() throws ProcessExit.
   */
  call(name: string, ...args: number[]): number {
    const fn = this.exports[name];
    if (typeof fn !== 'function') throw new TypeError(`the module exports no function ${name}`);
    return this.invoke(name, fn as (...a: Array<number | bigint>) => number, args) as number;
  }

  /** call() for a function already looked up (`fn` is the export `name`). */
  invoke(name: string, fn: (...a: Array<number | bigint>) => number | bigint, args: Array<number | bigint>): number | bigint {
    if (this.deadReason) throw this.deadReason;
    if (this.closed) throw new Error('libnl wasm instance is closed');
    try {
      return fn(...args);
    } catch (e) {
      throw this.failed(name, e);
    }
  }

  /**
   * Runs code that calls exports directly (the typed client's request
   * builders): an exception from wasm or from our imports ends the instance
   * as in call(); any other (a builder's own NlError) passes through.
   */
  guard<T>(what: string, fn: () => T): T {
    if (this.deadReason) throw this.deadReason;
    if (this.closed) throw new Error('libnl wasm instance is closed');
    try {
      return fn();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || e instanceof WasmTrap || e instanceof ProcessExit
        || e instanceof ProcessSignal || e instanceof Cancelled) {
        throw this.failed(what, e);
      }
      throw e;
    }
  }

  /** Marks the instance dead after `e` escaped from wasm during `name`; returns what to throw. */
  private failed(name: string, e: unknown): Error {
    if (this.deadReason) return this.deadReason;
    if (e instanceof ProcessExit || e instanceof ProcessSignal) {
      this.exitStatus = e.status;
      this.deadReason = new Error(`libnl wasm instance exited with status ${e.status} during ${name}`);
      return e;
    }
    this.deadReason = e instanceof WasmTrap ? new WasmTrap(name, e.reason, { cause: e })
      : e instanceof Cancelled ? e
        : new WasmTrap(name, describe(e), { cause: e });
    return this.deadReason;
  }

  /** Runs main(argc, argv) and returns the exit status. */
  main(args: readonly string[], programName = 'libnl'): number {
    const argv = [programName, ...args].map((a) => new TextEncoder().encode(`${a}\0`));
    const malloc = this.exports.malloc;
    if (!malloc) throw new Error('the module does not export malloc');
    const table = malloc(4 * (argv.length + 1));
    const ptrs = argv.map((a) => {
      const p = malloc(a.length);
      new Uint8Array(this.exports.memory.buffer).set(a, p);
      return p;
    });
    const view = new DataView(this.exports.memory.buffer);
    ptrs.forEach((p, i) => view.setUint32(table + 4 * i, p, true));
    view.setUint32(table + 4 * ptrs.length, 0, true);
    const entry = typeof this.exports.main === 'function' ? 'main' : '__main_argc_argv';
    try {
      const status = this.call(entry, argv.length, table);
      // Returning from main is exit(status): atexit handlers, then stdio flush.
      for (const fn of ['__funcs_on_exit', '__stdio_exit']) {
        if (typeof this.exports[fn] === 'function') this.call(fn);
      }
      this.exitStatus = status;
      return status;
    } catch (e) {
      if (e instanceof ProcessExit) return e.status;
      throw e;
    }
  }

  /** The status passed to exit(), once the program has exited. */
  get exited(): number | undefined {
    return this.exitStatus;
  }

  private release(): void {
    const native = nativeHost();
    this.sockets.closeAll();
    native.closeFd(this.wakeFd);
    if (this.netnsFd >= 0) native.closeFd(this.netnsFd);
    for (const held of this.netnsByPath.values()) native.closeFd(held.fd);
    this.netnsByPath.clear();
  }

  /** Closes every socket and descriptor of the instance. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }
}
