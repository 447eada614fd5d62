/**
 * Typed handles for libnl's opaque structs, and the bookkeeping that makes a
 * stale or foreign handle an error instead of a dangling pointer.
 *
 * A handle is plain data (type, pointer, id, instance) so that it survives
 * structured cloning between threads; the instance that made it keeps the
 * authoritative record: how many libnl references the handle holds (one for
 * what *_alloc, *_clone and out-parameters return, one more per *_get, one
 * less per *_put/*_free), and which handle it was borrowed from. A handle
 * dies when its last reference is given back, and a borrowed one with its
 * parent; using it afterwards throws, and giving back a reference it does not
 * hold is refused, so libnl never frees anything twice through a handle.
 */

export const HANDLE_MARK = '__nlhandle' as const;

/** A libnl object pointer of C type `struct T *`, valid in one instance only. */
export interface NlHandle<T extends string = string> {
  readonly [HANDLE_MARK]: true;
  /** The C struct tag ("nl_sock", "rtnl_link", ...). */
  readonly type: T;
  /** Address in the instance's memory (read-only information). */
  readonly ptr: number;
  /** Identity of this handle within its instance. */
  readonly id: number;
  /** The instance it belongs to. */
  readonly instance: string;
  /** Gives back the references the handle holds (`using`). */
  [Symbol.dispose](): void;
  /** The same, awaitable (`await using`); from the main thread it waits for the worker. */
  [Symbol.asyncDispose](): Promise<void>;
}

export function isHandle(v: unknown): v is NlHandle {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[HANDLE_MARK] === true;
}

interface Entry {
  type: string;
  ptr: number;
  /** libnl references this handle holds and must give back. */
  refs: number;
  children?: Set<number>;
  parent?: number;
}

/** How many dead handles are remembered, to say why a stale one fails. */
const TOMBSTONES = 4096;

export class HandleRegistry {
  private readonly entries = new Map<number, Entry>();
  private readonly tombstones = new Map<number, string>();
  /**
   * The ids in `tombstones`, oldest first, as a ring: evicting the oldest by
   * id, not through the map's iterator, which walks every deleted entry
   * before the first live one (V8 compacts only when it grows), a cost per
   * released handle that grew with the number released.
   */
  private readonly tombstoneRing = new Int32Array(TOMBSTONES);
  private tombstoneNext = 0;
  private nextId = 1;
  /** Prototype of the handles made here: `using h = ...` gives back its references. */
  private readonly proto: object;
  /** Set by whoever hands handles to users in this thread (see sync.ts). */
  onDispose?: (h: NlHandle) => void;
  onCreate?: (h: NlHandle, owned: boolean) => void;
  /** A handle ended (its last reference given back, its parent released, or disposed). */
  onKill?: (id: number) => void;

  constructor(readonly instance: string) {
    const dispose = (h: NlHandle): void => this.onDispose?.(h);
    this.proto = {
      [Symbol.dispose](this: NlHandle): void {
        dispose(this);
      },
      async [Symbol.asyncDispose](this: NlHandle): Promise<void> {
        dispose(this);
      },
    };
  }

  get size(): number {
    return this.entries.size;
  }

  /** A handle for `ptr`: owning one reference, or borrowed from `parent`. */
  create<T extends string>(type: T, ptr: number, owned: boolean, parent?: NlHandle): NlHandle<T> {
    const id = this.nextId++;
    const entry: Entry = { type, ptr, refs: owned ? 1 : 0 };
    const p = !owned && parent ? this.entries.get(parent.id) : undefined;
    if (p) {
      entry.parent = parent?.id;
      (p.children ??= new Set()).add(id);
    }
    this.entries.set(id, entry);
    // Not frozen: a handle whose fields were changed no longer matches its
    // entry, and resolve() refuses it.
    const h = Object.create(this.proto) as { -readonly [K in keyof NlHandle<T>]: NlHandle<T>[K] };
    h[HANDLE_MARK] = true;
    h.type = type;
    h.ptr = ptr;
    h.id = id;
    h.instance = this.instance;
    this.onCreate?.(h, owned);
    return h;
  }

  /** The pointer behind a handle, after checking it may still be used. */
  resolve(h: unknown, accepts: (type: string) => boolean, what: string): number {
    if (!isHandle(h)) throw new TypeError(`${what}: expected a libnl handle, got ${describe(h)}`);
    if (h.instance !== this.instance) {
      throw new TypeError(`${what}: ${h.type}#${h.id} belongs to another libnl instance`);
    }
    const gone = this.tombstones.get(h.id);
    if (gone !== undefined) throw new TypeError(`${what}: ${h.type}#${h.id} was released (${gone})`);
    const e = this.entries.get(h.id);
    if (!e || e.ptr !== h.ptr || e.type !== h.type) {
      throw new TypeError(`${what}: ${h.type}#${h.id} is not a live handle of this instance`);
    }
    if (!accepts(e.type)) throw new TypeError(`${what}: expected another kind of handle, got ${e.type}`);
    return e.ptr;
  }

  has(id: number): boolean {
    return this.entries.has(id);
  }

  refs(id: number): number {
    return this.entries.get(id)?.refs ?? 0;
  }

  /** The handle took a reference (*_get): it now lives on its own. */
  acquire(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.refs++;
    if (e.parent !== undefined) {
      this.entries.get(e.parent)?.children?.delete(id);
      e.parent = undefined;
    }
  }

  /** `child` gave its reference to `parent`: it is now borrowed from it. */
  adopt(child: number, parent: number): void {
    const e = this.entries.get(child);
    const p = this.entries.get(parent);
    if (!e || !p || child === parent) return;
    e.refs = 0;
    if (e.parent !== undefined) this.entries.get(e.parent)?.children?.delete(child);
    e.parent = parent;
    (p.children ??= new Set()).add(child);
  }

  /** The caller owns `id` again (taken back out of its parent). */
  reclaim(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (e.parent !== undefined) this.entries.get(e.parent)?.children?.delete(id);
    e.parent = undefined;
    e.refs = Math.max(e.refs, 1);
  }

  /**
   * Checks that the handle holds a reference it may give back with `how`
   * (a *_put or *_free about to be called); throws otherwise.
   */
  checkPut(id: number, how: string): void {
    const e = this.entries.get(id);
    if (e && e.refs === 0) {
      throw new TypeError(`${how}: ${e.type}#${id} holds no reference to give back ` +
        '(it was borrowed; take one with the *_get function first)');
    }
  }

  /** One reference was given back; the handle dies with its last one. */
  put(id: number, how: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.refs = Math.max(0, e.refs - 1);
    if (e.refs === 0) this.kill(id, how);
  }

  /**
   * Ends a handle and the handles borrowed from it (and from those: a walk
   * of a cache borrows each object from the one before) without touching
   * libnl.
   */
  kill(id: number, how: string): void {
    const first = this.entries.get(id);
    if (!first) return;
    if (first.parent !== undefined) this.entries.get(first.parent)?.children?.delete(id);
    const borrowed = `its parent was released (${how})`;
    const stack = [id];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      const e = this.entries.get(next);
      if (!e) continue;
      this.entries.delete(next);
      if (e.children) stack.push(...e.children);
      const evicted = this.tombstoneRing[this.tombstoneNext];
      if (evicted) this.tombstones.delete(evicted);
      this.tombstoneRing[this.tombstoneNext] = next;
      this.tombstoneNext = (this.tombstoneNext + 1) % TOMBSTONES;
      this.tombstones.set(next, next === id ? how : borrowed);
      this.onKill?.(next);
    }
  }

  /** Ids of every live handle. */
  live(): number[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
    this.tombstones.clear();
    this.tombstoneRing.fill(0);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
