/**
 * Bad input from TypeScript: every mistake a caller can make with the libnl
 * API is a TypeError or RangeError that says what is wrong, raised before
 * anything reaches wasm, and the instance stays sound afterwards. No kernel
 * is needed: nothing here opens a socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libnl, openLibnl, type LibnlSync, type NlHandle } from '../../dist/index.js';

function must<T>(h: T | null): T {
  if (h === null) throw new Error('allocation failed');
  return h;
}

describe('bad input from TypeScript (openLibnl)', () => {
  let lib: LibnlSync;
  let other: LibnlSync;
  beforeAll(() => {
    lib = openLibnl();
    other = openLibnl();
  });
  afterAll(() => {
    lib.close();
    other.close();
  });

  it('a string where an integer goes', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => lib.rtnl_link_set_mtu(link, '1500' as unknown as number))
      .toThrow(new TypeError('rtnl_link_set_mtu() argument 2: expected an integer, got string'));
  });

  it('a fraction, NaN or Infinity where an integer goes', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => lib.rtnl_link_set_mtu(link, 1.5)).toThrow(/argument 2: expected an integer, got 1.5/);
    expect(() => lib.rtnl_link_set_mtu(link, NaN)).toThrow(/argument 2: expected an integer, got NaN/);
    expect(() => lib.rtnl_link_set_mtu(link, Infinity)).toThrow(/argument 2: expected an integer, got Infinity/);
  });

  it('a bigint or a missing argument where an integer goes', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => lib.rtnl_link_set_mtu(link, 5n as unknown as number)).toThrow(/expected an integer, got bigint/);
    expect(() => (lib.rtnl_link_set_mtu as (l: unknown) => void)(link)).toThrow(/expected an integer, got undefined/);
  });

  it('out-of-range numbers for 32-, 16- and 8-bit parameters', () => {
    using link = lib.rtnl_link_alloc();
    using msg = lib.idiagnl_msg_alloc();
    expect(() => lib.rtnl_link_set_mtu(link, 2 ** 32)).toThrow(new RangeError('rtnl_link_set_mtu() argument 2: 4294967296 is out of range 0..4294967295'));
    expect(() => lib.rtnl_link_set_mtu(link, -1)).toThrow(RangeError);
    expect(() => lib.rtnl_link_set_ifindex(link, 2 ** 31)).toThrow(/out of range -2147483648..2147483647/);
    expect(() => lib.idiagnl_msg_set_dport(msg, 65536)).toThrow(/out of range 0..65535/);
    expect(() => lib.idiagnl_msg_set_family(msg, 256)).toThrow(/out of range 0..255/);
    // The edges themselves are accepted and come back unchanged.
    lib.rtnl_link_set_mtu(link, 2 ** 32 - 1);
    expect(lib.rtnl_link_get_mtu(link)).toBe(2 ** 32 - 1);
    lib.idiagnl_msg_set_dport(msg, 65535);
    expect(lib.idiagnl_msg_get_dport(msg)).toBe(65535);
  });

  it('64-bit parameters: wrong type and out of range', () => {
    using req = lib.flnl_request_alloc();
    expect(() => lib.flnl_request_set_fwmark(req, 'x' as unknown as bigint)).toThrow(/argument 2: expected a bigint/);
    expect(() => lib.flnl_request_set_fwmark(req, 2n ** 64n)).toThrow(RangeError);
    expect(() => lib.flnl_request_set_fwmark(req, -1n)).toThrow(RangeError);
    // libnl keeps the mark in 32 bits, natively too.
    lib.flnl_request_set_fwmark(req, 2n ** 32n - 1n);
    expect(lib.flnl_request_get_fwmark(req)).toBe(2n ** 32n - 1n);
  });

  it('a string with a NUL character', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => lib.rtnl_link_set_name(link, 'eth0\0evil'))
      .toThrow(new TypeError('rtnl_link_set_name() argument 2: string contains a NUL character'));
    expect(lib.rtnl_link_get_name(link)).toBeNull();
  });

  it('a number where a string goes', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => lib.rtnl_link_set_name(link, 42 as unknown as string)).toThrow(/argument 2: expected a string/);
  });

  it('something that is not a handle', () => {
    expect(() => lib.rtnl_link_get_mtu({ ptr: 8 } as unknown as NlHandle<'rtnl_link'>))
      .toThrow(/argument 1: expected a libnl handle, got an object/);
    expect(() => lib.rtnl_link_get_mtu(8 as unknown as NlHandle<'rtnl_link'>)).toThrow(/expected a libnl handle, got number 8/);
  });

  it('a handle of the wrong type', () => {
    using addr = lib.rtnl_addr_alloc();
    expect(() => lib.rtnl_link_get_mtu(addr as unknown as NlHandle<'rtnl_link'>))
      .toThrow(/argument 1: expected another kind of handle, got rtnl_addr/);
  });

  it('a forged handle: a live one with another address', () => {
    using link = must(lib.rtnl_link_alloc());
    const forged = { ...link, ptr: link.ptr + 4 } as NlHandle<'rtnl_link'>;
    expect(() => lib.rtnl_link_get_mtu(forged)).toThrow(/is not a live handle of this instance/);
  });

  it('a handle of another instance', () => {
    using link = other.rtnl_link_alloc();
    expect(() => lib.rtnl_link_get_mtu(link)).toThrow(/rtnl_link#\d+ belongs to another libnl instance/);
  });

  it('use after free', () => {
    const link = lib.rtnl_link_alloc();
    lib.rtnl_link_put(link);
    expect(() => lib.rtnl_link_get_mtu(link)).toThrow(/rtnl_link#\d+ was released \(rtnl_link_put\)/);
  });

  it('a double free', () => {
    const link = lib.rtnl_link_alloc();
    lib.rtnl_link_put(link);
    expect(() => lib.rtnl_link_put(link)).toThrow(/was released/);
  });

  it('a borrowed handle after its owner was freed', () => {
    const cache = lib.nl_cache_alloc_name('route/link');
    using link = lib.rtnl_link_alloc();
    lib.nl_cache_add(cache, link);
    const first = lib.nl_cache_get_first(cache);
    if (!first) throw new Error('empty cache');
    lib.nl_cache_free(cache);
    expect(() => lib.nl_object_get_type(first)).toThrow(/its parent was released \(nl_cache_free\)/);
  });

  it('giving back a reference a borrowed handle does not hold', () => {
    using cache = lib.nl_cache_alloc_name('route/link');
    using link = lib.rtnl_link_alloc();
    lib.nl_cache_add(cache, link);
    const first = lib.nl_cache_get_first(cache) as NlHandle<'nl_object'>;
    expect(() => lib.nl_object_put(first)).toThrow(/holds no reference to give back/);
  });

  it('too many arguments', () => {
    using link = lib.rtnl_link_alloc();
    expect(() => (lib.rtnl_link_get_mtu as (...a: unknown[]) => number)(link, 1))
      .toThrow(new TypeError('rtnl_link_get_mtu: expected 1 arguments, got 2'));
  });

  it('a callback that is not a function', () => {
    using cache = lib.nl_cache_alloc_name('route/link');
    expect(() => lib.nl_cache_foreach(cache, 42 as unknown as () => void, 0))
      .toThrow(/argument 2: expected a function or null/);
  });

  it('a raw address that is negative or too large', () => {
    using sel = lib.xfrmnl_sp_alloc();
    expect(() => lib.xfrmnl_sp_get_mark(sel, -4, 0)).toThrow(/argument 2: expected an address/);
    expect(() => lib.xfrmnl_sp_get_mark(sel, 2 ** 32, 0)).toThrow(/argument 2: expected an address/);
  });

  it('a dump type that is not an integer', () => {
    using link = must(lib.rtnl_link_alloc());
    expect(() => lib.nl_object_dump_text(link, 'line' as unknown as number)).toThrow(/type must be an NL_DUMP_\* value/);
  });

  it('a call after close', () => {
    const gone = openLibnl();
    const link = gone.rtnl_link_alloc();
    gone.close();
    expect(() => gone.rtnl_link_get_mtu(link)).toThrow(/was released|not a live handle|closed/);
    expect(() => gone.rtnl_link_alloc()).toThrow(/closed/);
  });

  it('after all of the above the heap is sound', () => {
    const before = lib.liveHandles();
    for (let i = 0; i < 1000; i++) {
      using link = lib.rtnl_link_alloc();
      lib.rtnl_link_set_name(link, `l${i}`);
      lib.rtnl_link_set_mtu(link, i);
      expect(lib.rtnl_link_get_name(link)).toBe(`l${i}`);
    }
    expect(lib.liveHandles()).toBe(before);
  });
});

describe('bad input from the main thread (Libnl.spawn)', () => {
  it('errors cross the thread with their class and message', async () => {
    const lib = await Libnl.spawn();
    const sync = openLibnl();
    try {
      const link = await lib.rtnl_link_alloc();
      await expect(lib.rtnl_link_set_mtu(link, -1)).rejects.toThrow(RangeError);
      await expect(lib.rtnl_link_set_name(link, 'a\0b')).rejects.toThrow(new TypeError('rtnl_link_set_name() argument 2: string contains a NUL character'));
      using foreign = sync.rtnl_link_alloc();
      await expect(lib.rtnl_link_get_mtu(foreign)).rejects.toThrow(/belongs to another libnl instance/);
      await lib.rtnl_link_put(link);
      await expect(lib.rtnl_link_get_mtu(link)).rejects.toThrow(/was released/);
      expect(await lib.liveHandles()).toBe(0);
    } finally {
      sync.close();
      await lib.close();
    }
  });
});
