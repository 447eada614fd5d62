/**
 * What a kind of object is to the typed client, in one descriptor per kind
 * (kinds/*.ts), the way libnl keeps one nl_cache_ops per cache type: which
 * cache type and protocol dump it, with which arguments, what its exported
 * objects look like, how a request of each operation is built and what its
 * spec looks like, and how `get()` finds one. The client's facade (its
 * methods and their types), its worker's endpoint and batches are made
 * from these: a new kind is one descriptor in kinds/index.ts, its builder
 * and its tests.
 */
import type { SchemaFor } from './schema.js';
import type { RequestBuilder } from './request_builder.js';
import type { LinkRef, ListOptions, TcListOptions, Where } from './types.js';

export type RequestOp = 'add' | 'change' | 'delete';

/** Arguments of the dump a kind's list() makes, as the matching *_alloc_cache() would set them. */
export interface DumpArgs {
  /** family for links/routes/sockets, ifindex for classes/classifiers */
  arg1: number;
  /** classifier parent, socket states */
  arg2: number;
  /** NL_CACHE_AF_ITER: ask once per address family of the cache type */
  flags: number;
}

/** Options of a dump, as the client passes them to its worker. */
export interface DumpOptions {
  /** AF_* to restrict links, routes or sockets to (0: all) */
  family?: number;
  /** classes and classifiers are dumped per link */
  ifindex?: number;
  /** classifiers: the qdisc or class they hang off (TC handle) */
  parent?: number;
  /** sockets: TCP state bit mask (default: all) */
  states?: number;
}

export interface RequestKind<S> {
  /** What its spec may hold; anything else is refused by name. */
  readonly spec: SchemaFor<S>;
  /** Builds the request (a struct nl_msg *, which the caller sends and frees) from a checked spec. */
  readonly build: (b: RequestBuilder, spec: S) => number;
  /**
   * A refusal that libnl answers by sending the request again as another
   * message type (rtnl_link_change(): RTM_NEWLINK refused with
   * NLE_OPNOTSUPP, RTM_SETLINK sent): given the NLE_* code and the
   * request's type, the type to send it again as, or undefined. Such a
   * request goes alone, answered before the next is sent.
   */
  readonly retry?: (nleCode: number, msgType: number) => number | undefined;
}

/** What list() options a kind takes. */
export type ListShape = 'plain' | 'family' | 'tc';

export type ListOptionsFor<O, L extends ListShape> = L extends 'tc' ? TcListOptions<O>
  : L extends 'family' ? ListOptions<O> : { where?: Where<O> };

/** What get() and a kind's extra methods get of the client they belong to (main thread). */
export interface FacadeContext<O> {
  list(opts: { family?: 'inet' | 'inet6'; dev?: LinkRef; parent?: string; where?: (o: O) => boolean }): Promise<O[]>;
  ifindex(ref: LinkRef): Promise<number>;
  /** An operation of the client's worker for the client's namespace. */
  op<R>(name: string, ...args: unknown[]): Promise<R>;
}

export interface KindDescriptor<O = unknown, Specs = Partial<Record<RequestOp, unknown>>, K = never,
  L extends ListShape = ListShape, P extends string = string, M = unknown, E = unknown> {
  /** The kind's name in batches, events and errors ("route"). */
  readonly name: string;
  /**
   * The client's property for it ("routes"; "xfrm.sa" nests), also the
   * prefix of its errors ("routes.add").
   */
  readonly property: P;
  /** libnl's cache type (nl_cache_ops_lookup) and the netlink protocol it speaks. */
  readonly cacheType: string;
  readonly protocol: number;
  /** The exported object (wasm/object_export.c writes it; the tests hold the two together). */
  readonly object: SchemaFor<O>;
  readonly dumpArgs: (o: DumpOptions) => DumpArgs;
  /**
   * What list() takes: `family` (the kernel filters links and routes by
   * address family, the client filters the others by their `family`
   * field), `tc` (dumped one link at a time unless given `dev`).
   */
  readonly list: L;
  /** list({ family }) asks the kernel (the dump's family argument) rather than filtering. */
  readonly familyInDump?: boolean;
  /** Without a family, list() dumps once per family of these (AF_*; sockets: inet, inet6). */
  readonly families?: readonly number[];
  readonly requests?: { readonly [Op in keyof Specs]: RequestKind<Specs[Op]> };
  /**
   * Request methods that do not take the spec itself (links.change(ref,
   * change)): each makes the spec from its arguments.
   */
  readonly methods?: M;
  /** Finds one object by its key; get() fails with NLE_OBJ_NOTFOUND when none is found. */
  readonly get?: (ctx: FacadeContext<O>, key: K) => Promise<O[]>;
  /** Methods of the kind's facade beyond list, stream, get and its requests (genl.resolve). */
  readonly extra?: (ctx: FacadeContext<O>) => E;
}

/** A kind's descriptor, its types inferred: kind<Object, Specs, Key, List>()({...}). */
export function kind<O, Specs = Record<never, never>, K = never, L extends ListShape = 'plain'>() {
  return <P extends string, M = Record<never, never>, E = Record<never, never>>(d: KindDescriptor<O, Specs, K, L, P, M, E>): KindDescriptor<O, Specs, K, L, P, M, E> => d;
}

/** The specs of a descriptor's requests, by operation ({ add: RouteSpec, ... }). */
export type SpecsOf<D> = D extends KindDescriptor<infer _O, infer Specs, infer _K, infer _L, string, infer _M, infer _E> ? Specs : never;

type Methods<Specs, M> = {
  [Op in keyof Specs]: Op extends keyof M ? M[Op] extends (...a: infer A) => unknown ? (...args: A) => Promise<void> : never
    : (spec: Specs[Op]) => Promise<void>;
};

/** The facade a descriptor makes (client.routes, client.links, ...). */
export type FacadeOf<D> = D extends KindDescriptor<infer O, infer Specs, infer K, infer L, string, infer M, infer E>
  ? {
    /** Every object of the kind, filtered. */
    list(opts?: ListOptionsFor<O, L>): Promise<O[]>;
    /** The objects as their batches arrive; each iteration is a new dump. */
    stream(opts?: ListOptionsFor<O, L>): AsyncIterable<O>;
  } & ([K] extends [never] ? unknown : { get(key: K): Promise<O> }) & Methods<Specs, M> & E
  : never;
