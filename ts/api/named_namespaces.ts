/**
 * Named network namespaces, as `ip netns` keeps them under /var/run/netns:
 * made, deleted and listed the way iproute2 does (each tool sees the
 * other's), and watched, so that an agent can follow pods coming and going
 * without shelling out to `ip`.
 *
 *   await netns.create('pod-7');
 *   const w = await netns.watch();
 *   for await (const e of w) if (e.action === 'add') await client.netns(e.name);
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { nativeHost } from '../host/native.js';
import { netnsPath } from '../host/netns.js';

/** Where named namespaces live (iproute2's NETNS_RUN_DIR). */
const RUN_DIR = '/var/run/netns';
/**
 * `ip netns add` creates the file, then bind-mounts the namespace onto it;
 * inotify reports the file alone. A new name is reported once it opens as a
 * namespace, looked at for this long at most.
 */
const MOUNT_WAIT_MS = 2000;

const ERRNO_NAMES = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

function failed(what: string, name: string, r: number): Error {
  const code = ERRNO_NAMES.get(-r) ?? `errno ${-r}`;
  const why = code === 'EEXIST' ? 'it exists' : code === 'ENOENT' ? 'there is none of that name'
    : code === 'EPERM' || code === 'EACCES' ? 'permission denied (needs root or CAP_SYS_ADMIN)' : code;
  return Object.assign(new Error(`cannot ${what} network namespace "${name}": ${why}`), { code, errno: -r });
}

/** A namespace name as `ip netns` takes it (checked as netnsPath() checks one). */
function checkedName(name: string): string {
  netnsPath({ name });
  return name;
}

export interface NetnsEvent {
  action: 'add' | 'delete';
  name: string;
}

/**
 * Named namespaces appearing and disappearing: an async iterator and an
 * EventEmitter ('event', 'error', 'end'). A namespace is reported once it
 * can be opened; one deleted and made again in between is reported as both.
 */
export class NetnsWatcher extends EventEmitter implements AsyncIterable<NetnsEvent> {
  private readonly fs: FSWatcher;
  private readonly known = new Set<string>();
  private readonly queue: NetnsEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private iterators = 0;

  /** @internal Made by netns.watch(). */
  constructor() {
    super();
    this.fs = watch(RUN_DIR, (_type, file) => {
      if (typeof file === 'string' && file) void this.look(file);
    });
    this.fs.on('error', (e) => {
      if (this.listenerCount('error')) this.emit('error', e);
      this.close();
    });
  }

  /**
   * @internal Starts watching: the names there now are known, not new. They
   * are read after the watch started, so that none falls between the two.
   */
  static async open(): Promise<NetnsWatcher> {
    if (!existsSync(RUN_DIR)) mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
    const w = new NetnsWatcher();
    for (const name of await netns.list()) w.known.add(name);
    return w;
  }

  /** The named namespaces known now. */
  get names(): string[] {
    return [...this.known].sort();
  }

  private async look(name: string): Promise<void> {
    const path = `${RUN_DIR}/${name}`;
    if (!existsSync(path)) {
      if (this.known.delete(name)) this.push({ action: 'delete', name });
      return;
    }
    if (this.known.has(name)) return;
    for (let waited = 0, step = 1; waited <= MOUNT_WAIT_MS; waited += step, step = Math.min(step * 2, 100)) {
      const fd = nativeHost().netnsOpen(path);
      if (fd >= 0) {
        nativeHost().closeFd(fd);
        if (!this.known.has(name) && !this.ended) {
          this.known.add(name);
          this.push({ action: 'add', name });
        }
        return;
      }
      if (!existsSync(path)) return;
      await sleep(step);
    }
  }

  private push(e: NetnsEvent): void {
    if (this.iterators > 0 || this.listenerCount('event') === 0) this.queue.push(e);
    this.emit('event', e);
    this.wake?.();
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.fs.close();
    this.emit('end');
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<NetnsEvent> {
    this.iterators++;
    try {
      for (;;) {
        while (this.queue.length) yield this.queue.shift() as NetnsEvent;
        if (this.ended) return;
        await new Promise<void>((r) => { this.wake = r; });
      }
    } finally {
      this.iterators--;
    }
  }
}

export const netns = {
  /** `ip netns add NAME`: a new, empty namespace (its loopback down, as ip leaves it). */
  async create(name: string): Promise<void> {
    const r = await nativeHost().namedNetnsAdd(checkedName(name));
    if (r < 0) throw failed('create', name, r);
  },

  /** `ip netns delete NAME`: the name goes at once, the namespace when nothing uses it any more. */
  async delete(name: string): Promise<void> {
    const r = await nativeHost().namedNetnsDelete(checkedName(name));
    if (r < 0) throw failed('delete', name, r);
  },

  /** The named namespaces, as `ip netns list` has them (sorted). */
  async list(): Promise<string[]> {
    try {
      return (await readdir(RUN_DIR)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },

  /** Reports every named namespace that appears or disappears after it resolves. */
  watch(): Promise<NetnsWatcher> {
    return NetnsWatcher.open();
  },
};
