/**
 * Files as a wasm instance sees them: stdin/stdout/stderr routed where the
 * caller says, a read-only allow-list of the few files libnl reads (its
 * classid/pktloc, iproute2's tables, /etc/protocols, /proc/net/psched, tc
 * distribution tables), and a private, in-memory /tmp (libcheck keeps its
 * messages in temporary files). Everything else does not exist for the
 * instance; nothing on the host can be written, created or removed.
 *
 * Implements the file imports of emscripten 3.1.6's libc (its JS-side
 * syscalls, in its calling conventions: __syscall_* return -errno, the
 * wasi_snapshot_preview1 ones return errno), all in Linux errno numbering
 * (errno.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { Errno } from './errno.js';

export type OutputSink = (bytes: Uint8Array) => void;

/** The most crypto.getRandomValues() fills at once. */
const RANDOM_CHUNK = 65536;

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

/** A file of the private /tmp: lives as long as the instance. */
interface MemoryFile {
  bytes: Uint8Array;
  size: number;
}

interface OpenFile {
  kind: 'data' | 'tmp' | 'null' | 'urandom' | 'stdin' | 'stdout' | 'stderr';
  /** Content of an allow-listed file, read when opened. */
  data?: Uint8Array;
  tmp?: MemoryFile;
  position: number;
  flags: number;
}

const TMP_DIR = '/tmp/';
/** Private /tmp size limit per instance. */
const TMP_LIMIT = 16 * 1024 * 1024;

function tmpPath(path: string): string | undefined {
  if (path.includes('\0') || !path.startsWith('/')) return undefined;
  const p = posix.normalize(path);
  return p.startsWith(TMP_DIR) && p.length > TMP_DIR.length && !p.slice(TMP_DIR.length).includes('/')
    ? p : undefined;
}

const O_ACCMODE = 3;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_EXCL = 0o200;
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

/**
 * Most descriptors an instance may hold (sockets reserve one each too): a
 * typed client watching hundreds of namespaces holds three sockets in each.
 */
const MAX_FDS = 16384;

export class FileTable {
  private readonly files = new Map<number, OpenFile>();
  private readonly tmp = new Map<string, MemoryFile>();

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

  private install(file: OpenFile): number {
    const fd = this.lowestFree(3);
    if (fd < 0) return -Errno.EMFILE;
    this.files.set(fd, file);
    return fd;
  }

  private openTmp(path: string, flags: number): number {
    let node = this.tmp.get(path);
    if (node && flags & O_CREAT && flags & O_EXCL) return -Errno.EEXIST;
    if (!node) {
      if (!(flags & O_CREAT)) return -Errno.ENOENT;
      if (this.tmp.size >= 64) return -Errno.EMFILE;
      node = { bytes: new Uint8Array(256), size: 0 };
      this.tmp.set(path, node);
    }
    if (flags & O_TRUNC) node.size = 0;
    return this.install({ kind: 'tmp', tmp: node, position: 0, flags });
  }

  unlink(path: string): number {
    const p = tmpPath(path);
    if (p) return this.tmp.delete(p) ? 0 : -Errno.ENOENT;
    return allowedSource(path, this.opts.libnlEtcDir) ? -Errno.EROFS : -Errno.ENOENT;
  }

  open(path: string, flags: number): number {
    const tmp = tmpPath(path);
    if (tmp) return this.openTmp(tmp, flags);
    if ((flags & O_ACCMODE) === O_WRONLY || (flags & O_ACCMODE) === O_RDWR ||
      flags & (O_CREAT | O_TRUNC | O_APPEND)) {
      return allowedSource(path, this.opts.libnlEtcDir) ? -Errno.EROFS : -Errno.EACCES;
    }
    const source = allowedSource(path, this.opts.libnlEtcDir);
    if (!source) return -Errno.ENOENT;
    if (flags & O_DIRECTORY) return -Errno.ENOTDIR;
    let file: OpenFile;
    if (source === 'null' || source === 'urandom') {
      file = { kind: source, position: 0, flags };
    } else {
      try {
        file = { kind: 'data', data: readFileSync(source), position: 0, flags };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'EISDIR' ? -Errno.EISDIR : code === 'EACCES' ? -Errno.EACCES : -Errno.ENOENT;
      }
    }
    return this.install(file);
  }

  close(fd: number): number {
    return this.files.delete(fd) ? 0 : Errno.EBADF;
  }

  read(fd: number, into: Uint8Array): number {
    const f = this.files.get(fd);
    if (!f) return -Errno.EBADF;
    switch (f.kind) {
      case 'null':
      case 'stdin':
        return 0;
      case 'urandom':
        // The Web Crypto global, loaded when first used: node:crypto would be
        // loaded by every thread that starts an instance (4 ms each).
        for (let off = 0; off < into.length; off += RANDOM_CHUNK) {
          crypto.getRandomValues(into.subarray(off, off + RANDOM_CHUNK));
        }
        return into.length;
      case 'data':
      case 'tmp': {
        const data = f.kind === 'tmp' ? (f.tmp as MemoryFile).bytes.subarray(0, (f.tmp as MemoryFile).size)
          : f.data as Uint8Array;
        const n = Math.max(0, Math.min(into.length, data.length - f.position));
        into.set(data.subarray(f.position, f.position + n));
        f.position += n;
        return n;
      }
      default:
        return -Errno.EBADF;
    }
  }

  write(fd: number, bytes: Uint8Array): number {
    const f = this.files.get(fd);
    if (!f) return -Errno.EBADF;
    if (f.kind === 'stdout') this.opts.stdout(bytes.slice());
    else if (f.kind === 'stderr') this.opts.stderr(bytes.slice());
    else if (f.kind === 'tmp' && (f.flags & O_ACCMODE) !== 0) return this.writeTmp(f, bytes);
    else if (f.kind !== 'null') return -Errno.EBADF;
    return bytes.length;
  }

  private writeTmp(f: OpenFile, bytes: Uint8Array): number {
    const node = f.tmp as MemoryFile;
    if (f.flags & O_APPEND) f.position = node.size;
    const end = f.position + bytes.length;
    let used = 0;
    for (const n of this.tmp.values()) used += n.size;
    if (end > node.size && used + end - node.size > TMP_LIMIT) return -Errno.EIO;
    if (end > node.bytes.length) {
      const grown = new Uint8Array(Math.max(end, node.bytes.length * 2));
      grown.set(node.bytes.subarray(0, node.size));
      node.bytes = grown;
    }
    node.bytes.set(bytes, f.position);
    f.position = end;
    node.size = Math.max(node.size, end);
    return bytes.length;
  }

  seek(fd: number, offset: number, whence: number): number {
    const f = this.files.get(fd);
    if (!f) return -Errno.EBADF;
    if (f.kind !== 'data' && f.kind !== 'tmp') return f.kind === 'null' ? 0 : -Errno.ESPIPE;
    const size = f.kind === 'tmp' ? (f.tmp as MemoryFile).size : (f.data as Uint8Array).length;
    const base = whence === 0 ? 0 : whence === 1 ? f.position : whence === 2 ? size : NaN;
    const pos = base + offset;
    if (!Number.isFinite(pos) || pos < 0) return -Errno.EINVAL;
    f.position = pos;
    return pos;
  }

  fcntl(fd: number, cmd: number, arg: number): number {
    const f = this.files.get(fd);
    if (!f) return -Errno.EBADF;
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
        if (nfd < 0) return -Errno.EMFILE;
        this.files.set(nfd, { ...f });
        return nfd;
      }
      default:
        return -Errno.EINVAL;
    }
  }

  isTerminal(fd: number): boolean {
    const f = this.files.get(fd);
    return !!this.opts.tty && !!f && (f.kind === 'stdout' || f.kind === 'stderr' || f.kind === 'stdin');
  }

  ioctl(fd: number, request: number): number {
    if (!this.files.has(fd)) return -Errno.EBADF;
    if (request === TCGETS || request === TIOCGWINSZ) return this.isTerminal(fd) ? 0 : -Errno.ENOTTY;
    return -Errno.EINVAL;
  }

  /** WASI filetype of an open descriptor, or -errno. */
  fileType(fd: number): number {
    if (!this.files.has(fd)) return -Errno.EBADF;
    return this.isTerminal(fd) ? FILETYPE_CHARACTER_DEVICE : FILETYPE_REGULAR_FILE;
  }

  /** stat(2) of an allowed path, in emscripten's struct stat layout (88 bytes). */
  stat(path: string, view: DataView, buf: number): number {
    const tmp = tmpPath(path);
    const node = tmp ? this.tmp.get(tmp) : undefined;
    const source = tmp ? undefined : allowedSource(path, this.opts.libnlEtcDir);
    if (!source && !node) return -Errno.ENOENT;
    if (node) return writeStat(view, buf, { size: node.size, mode: S_IFREG | 0o600 });
    if (source === 'null' || source === 'urandom' || source === undefined) {
      return writeStat(view, buf, { size: 0, mode: S_IFCHR | 0o444 });
    }
    try {
      const st = statSync(source);
      if (!st.isFile()) return -Errno.ENOENT;
      return writeStat(view, buf, { size: st.size, mode: S_IFREG | 0o444, mtime: Math.floor(st.mtimeMs / 1000), ino: st.ino });
    } catch {
      return -Errno.ENOENT;
    }
  }

  /** fstat(2) of an open descriptor, in the same layout as stat(). */
  fstat(fd: number, view: DataView, buf: number): number {
    const f = this.files.get(fd);
    if (!f) return -Errno.EBADF;
    switch (f.kind) {
      case 'data': return writeStat(view, buf, { size: (f.data as Uint8Array).length, mode: S_IFREG | 0o444 });
      case 'tmp': return writeStat(view, buf, { size: (f.tmp as MemoryFile).size, mode: S_IFREG | 0o600 });
      default: return writeStat(view, buf, { size: 0, mode: S_IFCHR | 0o666 });
    }
  }
}

interface StatFields {
  size: number;
  mode: number;
  mtime?: number;
  ino?: number;
}

function writeStat(view: DataView, buf: number, st: StatFields): number {
  const mtime = st.mtime ?? 0;
  const ino = st.ino ?? 0;
  for (let i = 0; i < 88; i += 4) view.setInt32(buf + i, 0, true);
  view.setInt32(buf + 8, ino | 0, true);
  view.setInt32(buf + 12, st.mode, true);
  view.setInt32(buf + 16, 1, true);
  view.setInt32(buf + 40, st.size | 0, true);
  view.setInt32(buf + 48, 4096, true);
  view.setInt32(buf + 52, Math.ceil(st.size / 512), true);
  view.setInt32(buf + 56, mtime, true);
  view.setInt32(buf + 64, mtime, true);
  view.setInt32(buf + 72, mtime, true);
  view.setInt32(buf + 80, ino | 0, true);
  return 0;
}
