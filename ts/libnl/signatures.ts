/**
 * How each libnl function is called from JavaScript: the marshalling kind of
 * every parameter and of the result. ts/gen/generate_bindings.ts derives these
 * from libnl's headers (build/api/libnl-api.json); runtime.ts carries them out.
 */

export type Param =
  /** integer of ≤ 32 bits (also enums, bool): number */
  | { k: 'int'; size: 1 | 2 | 4; signed: boolean }
  /** 64-bit integer: bigint */
  | { k: 'i64'; signed: boolean }
  | { k: 'float'; size: 4 | 8 }
  /** const char * input: string (or null) */
  | { k: 'str' }
  /** struct T * input: a handle (or null) */
  | { k: 'handle'; type: string }
  /** trailing struct T ** output: not passed; returned as an owned handle */
  | { k: 'out'; type: string }
  /** char *buf followed by its size: not passed; the text is returned */
  | { k: 'buf' }
  | { k: 'buflen'; size: 4 | 8 }
  /** function pointer: a JavaScript function (or null) */
  | { k: 'cb'; sig: string }
  /** any other pointer: its address as a number */
  | { k: 'ptr' };

export type Result =
  | { k: 'void' }
  | { k: 'int'; size: 1 | 2 | 4; signed: boolean }
  | { k: 'i64'; signed: boolean }
  | { k: 'float'; size: 4 | 8 }
  /** int that is 0 or a negative NLE_* code: throws NlError on failure */
  | { k: 'err' }
  | { k: 'str' }
  /** struct T *: a handle, owning a reference or borrowed from the first handle argument */
  | { k: 'handle'; type: string; owned: boolean }
  | { k: 'ptr' };

export interface FunctionSig {
  params: Param[];
  result: Result;
  /**
   * 'put': gives back the reference of its first argument (*_put, *_free);
   * 'get': takes one more (nl_object_get, ...).
   */
  role?: 'put' | 'get';
  /** Callbacks passed to it are kept by libnl after the call returns. */
  keepsCallbacks?: boolean;
  /**
   * Index of the handle argument whose reference moves into the object of
   * the first argument (rtnl_route_add_nexthop: the route frees the nexthop).
   */
  adopts?: number;
  /** Index of the handle argument whose reference comes back to the caller. */
  disowns?: number;
}

/** A callback type: the kinds of its arguments and of its result. */
export interface CallbackSig {
  params: Array<Param & { k: 'int' | 'i64' | 'float' | 'str' | 'handle' | 'ptr' }>;
  result: Result & { k: 'void' | 'int' | 'i64' | 'float' };
}
