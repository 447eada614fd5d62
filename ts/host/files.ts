/**
 * Files as a wasm instance sees them: stdin/stdout/stderr routed where the
 * caller says, and a read-only allow-list of the few files libnl reads
 * (its classid/pktloc, iproute2's tables, /etc/protocols, /proc/net/psched,
 * tc distribution tables). Everything else does not exist for the instance;
 * nothing can be written, created or removed.
 *
 * Implements the file imports of emscripten 3.1.6's libc (its JS-side
 * syscalls, in its calling conventions: __syscall_* return -errno, the
 * wasi_snapshot_preview1 ones return errno), all in WASI errno numbering.
 */
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { WasiErrno } from './wasi_errno.js';

export type OutputSink = (bytes: Uint8Array) => void;

export interface FileOptions {
  /** Where libnl's own etc files are (classid, pktloc); seen as /etc/libnl. */
  libnlEtcDir: string;
  stdout: OutputSink;
  stderr: OutputSink;
  /** Report stdout/stderr as terminals (line-buffered, like an interactive run). */
  tty?: boolean;
}

/** The files an instance may read, by the path it asks for. */
export function allowedSource(path: string, libnlEtcDir: string): string | 'null' | 'urandom' | undefined {
  if (path.includes('\0') || !path.startsWith('/')) return undefined;
  const p = posix.normalize(path);
  if (p === '/dev/null') return 'null';
  if (p === '/dev/urandom' || p === '/dev/random') return 'urandom';
  if (p === '/etc/protocols' || p === '/proc/net/psched') return p;
  if (p.startsWith('/etc/libnl/')) return posix.join(libnlEtcDir, p.slice('/etc/libnl/'.length));
  for (const dir of ['/etc/iproute2/', '/usr/lib/tc/']) {
    if (p.startsWith(dir) && p.length > dir.length) return p;
  }
  return undefined;
}

interface OpenFile {
  kind: 'data' | 'null' | 'urandom' | 'stdin' | 'stdout' | 'stderr';
  data?: Uint8Array;
  position: number;
  flags: number;
  hostPath?: string;
}

const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_APPEND = 0o2000;
const O_DIRECTORY = 0o200000;

const F_DUPFD = 0;
const F_GETFD = 1;
const F_SETFD = 2;
const F_GETFL = 3;
const F_SETFL = 4;
const F_DUPFD_CLOEXEC = 1030;

const TCGETS = 0x5401;
const TIOCGWINSZ = 0x5413;

const S_IFCHR = 0o020000;
const S_IFREG = 0o100000;

const FILETYPE_CHARACTER_DEVICE = 2;
const FILETYPE_REGULAR_FILE = 4;

/** Most descriptors an instance may hold (sockets reserve one each too). */
const MAX_FDS = 1024;

export class FileTable {
  private readonly files = new Map<number, OpenFile>();

  constructor(private readonly opts: FileOptions) {
    this.files.set(0, { kind: 'stdin', position: 0, flags: 0 });
    this.files.set(1, { kind: 'stdout', position: 0, flags: O_WRONLY });
    this.files.set(2, { kind: 'stderr', position: 0, flags: O_WRONLY });
  }

  private lowestFree(from = 0): number {
    for (let fd = from; fd < MAX_FDS; fd++) if (!this.files.has(fd)) return fd;
    return -1;
  }

  /** Descriptors currently open, for leak checks. */
  openCount(): number {
    return this.files.size;
  }

  open(path: string, flags: number): number {
    if ((flags & O_ACCMODE) === O_WRONLY || (flags & O_ACCMODE) === O_RDWR ||
      flags & (O_CREAT | O_TRUNC | O_APPEND)) {
      return allowedSource(path, this.opts.libnlEtcDir) ? -WasiErrno.ROFS : -WasiErrno.ACCES;
    }
    const source = allowedSource(path, this.opts.libnlEtcDir);
    if (!source) return -WasiErrno.NOENT;
    if (flags & O_DIRECTORY) return -WasiErrno.NOTDIR;
    let file: OpenFile;
    if (source === 'null' || source === 'urandom') {
      file = { kind: source, position: 0, flags };
    } else {
      try {
        file = { kind: 'data', data: readFileSync(source), position: 0, flags, hostPath: source };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'EISDIR' ? -WasiErrno.ISDIR : code === 'EACCES' ? -WasiErrno.ACCES : -WasiErrno.NOENT;
      }
    }
    const fd = this.lowestFree(3);
    if (fd < 0) return -WasiErrno.MFILE;
    this.files.set(fd, file);
    return fd;
  }

  close(fd: number): number {
    return this.files.delete(fd) ? WasiErrno.SUCCESS : WasiErrno.BADF;
  }

  read(fd: number, into: Uint8Array): number {
    const f = this.files.get(fd);
    if (!f) return -WasiErrno.BADF;
    switch (f.kind) {
      case 'null':
      case 'stdin':
        return 0;
      case 'urandom':
        randomFillSync(into);
        return into.length;
      case 'data': {
        const data = f.data as Uint8Array;
        const n = Math.max(0, Math.min(into.length, data.length - f.position));
        into.set(data.subarray(f.position, f.position + n));
        f.position += n;
        return n;
      }
      default:
        return -WasiErrno.BADF;
    }
  }

  write(fd: number, bytes: Uint8Array): number {
    const f = this.files.get(fd);
    if (!f) return -WasiErrno.BADF;
    if (f.kind === 'stdout') this.opts.stdout(bytes.slice());
    else if (f.kind === 'stderr') this.opts.stderr(bytes.slice());
    else if (f.kind !== 'null') return -WasiErrno.BADF;
    return bytes.length;
  }

  seek(fd: number, offset: number, whence: number): number {
    const f = this.files.get(fd);
    if (!f) return -WasiErrno.BADF;
    if (f.kind !== 'data') return f.kind === 'null' ? 0 : -WasiErrno.SPIPE;
    const size = (f.data as Uint8Array).length;
    const base = whence === 0 ? 0 : whence === 1 ? f.position : whence === 2 ? size : NaN;
    const pos = base + offset;
    if (!Number.isFinite(pos) || pos < 0) return -WasiErrno.INVAL;
    f.position = pos;
    return pos;
  }

  fcntl(fd: number, cmd: number, arg: number): number {
    const f = this.files.get(fd);
    if (!f) return -WasiErrno.BADF;
    switch (cmd) {
      case F_GETFD:
      case F_SETFD:
        return 0;
      case F_GETFL:
        return f.flags;
      case F_SETFL:
        f.flags = (f.flags & O_ACCMODE) | (arg & ~O_ACCMODE);
        return 0;
      case F_DUPFD:
      case F_DUPFD_CLOEXEC: {
        const nfd = this.lowestFree(arg);
        if (nfd < 0) return -WasiErrno.MFILE;
        this.files.set(nfd, { ...f });
        return nfd;
      }
      default:
        return -WasiErrno.INVAL;
    }
  }

  isTerminal(fd: number): boolean {
    const f = this.files.get(fd);
    return !!this.opts.tty && !!f && (f.kind === 'stdout' || f.kind === 'stderr' || f.kind === 'stdin');
  }

  ioctl(fd: number, request: number): number {
    if (!this.files.has(fd)) return -WasiErrno.BADF;
    if (request === TCGETS || request === TIOCGWINSZ) return this.isTerminal(fd) ? 0 : -WasiErrno.NOTTY;
    return -WasiErrno.INVAL;
  }

  /** WASI filetype of an open descriptor, or -errno. */
  fileType(fd: number): number {
    if (!this.files.has(fd)) return -WasiErrno.BADF;
    return this.isTerminal(fd) ? FILETYPE_CHARACTER_DEVICE : FILETYPE_REGULAR_FILE;
  }

  /** stat(2) of an allowed path, in emscripten's struct stat layout (88 bytes). */
  stat(path: string, view: DataView, buf: number): number {
    const source = allowedSource(path, this.opts.libnlEtcDir);
    if (!source) return -WasiErrno.NOENT;
    let size = 0;
    let mode = S_IFCHR | 0o444;
    let mtime = 0;
    let ino = 0;
    if (source !== 'null' && source !== 'urandom') {
      try {
        const st = statSync(source);
        if (!st.isFile()) return -WasiErrno.NOENT;
        size = st.size;
        mode = S_IFREG | 0o444;
        mtime = Math.floor(st.mtimeMs / 1000);
        ino = st.ino;
      } catch {
        return -WasiErrno.NOENT;
      }
    }
    for (let i = 0; i < 88; i += 4) view.setInt32(buf + i, 0, true);
    view.setInt32(buf + 8, ino | 0, true);
    view.setInt32(buf + 12, mode, true);
    view.setInt32(buf + 16, 1, true);
    view.setInt32(buf + 40, size | 0, true);
    view.setInt32(buf + 48, 4096, true);
    view.setInt32(buf + 52, Math.ceil(size / 512), true);
    view.setInt32(buf + 56, mtime, true);
    view.setInt32(buf + 64, mtime, true);
    view.setInt32(buf + 72, mtime, true);
    view.setInt32(buf + 80, ino | 0, true);
    return 0;
  }
}
