/**
 * The plain data form (wasm/plain_data.h): the decoder gives back every value
 * a second, independent writer (test/helpers/plain_data_bytes.ts) encodes,
 * across the pieces of one stream; libnl.wasm's own writer gives objects
 * whose fields equal what libnl's getters and *2str functions say, for
 * numbers of every width, UTF-8 text and flag names. No kernel needed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PlainDataDecoder, decodeObject } from '../../ts/api/plain_data.js';
import { PlainDataWriter } from '../helpers/plain_data_bytes.js';
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';
import { exportObject } from '../../dist/api/exported_object.js';
import { AF_INET, RTAX_MTU, RTNL_LINK_RX_BYTES, RTNL_LINK_TX_PACKETS } from '../../dist/libnl/generated/constants.js';

describe('plain data decoder', () => {
  it('gives back what the writer wrote: nesting, shapes, numbers of every width, text', () => {
    const values = [
      { a: 1, b: 'x', c: { d: [1, 2, { e: null }], f: {} }, g: [] },
      { b: 'x', a: 1 },
      [0, 255, 256, 65535, 0xffffffff, 2 ** 32, 2 ** 53 + 2, -1, -(2 ** 31), -(2 ** 31) - 1, 1.5, -0.25],
      ['', 'ascii', 'café ☕ 𝄞', 'x'.repeat(300)],
      [true, false, null, 'sym', 'sym'],
      { nested: { nested: { nested: { deep: true } } } },
    ];
    const w = new PlainDataWriter(new Set(['sym']));
    expect(new PlainDataDecoder().decode(w.write(values))).toEqual(values);
  });

  it('keeps shapes and symbols known from one piece of a stream to the next', () => {
    const w = new PlainDataWriter(new Set(['up', 'down']));
    const d = new PlainDataDecoder();
    const first = [{ name: 'a', state: 'up' }, { name: 'b', state: 'down' }];
    const second = [{ name: 'c', state: 'down' }, { name: 'd', state: 'up' }];
    const b1 = w.write(first);
    const b2 = w.write(second);
    expect(d.decode(b1)).toEqual(first);
    expect(d.decode(b2)).toEqual(second);
    // The second piece only refers to what the first defined: shorter, and
    // meaningless to a decoder that has not read the first.
    expect(b2.length).toBeLessThan(b1.length);
    expect(() => new PlainDataDecoder().decode(b2)).toThrow(/never defined/);
  });

  it('makes "__proto__" a field, not the prototype', () => {
    const o = decodeObject<Record<string, unknown>>(new PlainDataWriter().write([JSON.parse('{"__proto__": {"x": 1}}')]));
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect((o as { x?: number }).x).toBeUndefined();
  });

  it('refuses an unknown tag and a length that runs past the piece', () => {
    expect(() => new PlainDataDecoder().decode(Uint8Array.of(99))).toThrow(/unknown tag 99/);
    expect(() => new PlainDataDecoder().decode(Uint8Array.of(5, 0x80))).toThrow(/runs past/);
    expect(() => new PlainDataDecoder().decode(Uint8Array.of(5, 4, 0x61))).toThrow(/string runs past/);
  });

  it('reads the next piece normally after refusing one', () => {
    const w = new PlainDataWriter();
    const d = new PlainDataDecoder();
    expect(() => d.decode(Uint8Array.of(3, 8, 1))).toThrow(/does not end/);
    expect(d.decode(w.write([{ a: [1] }]))).toEqual([{ a: [1] }]);
  });
});

describe('libnl.wasm objects as plain data (nlwasm_object_export)', () => {
  const core = new LibnlCore({});
  const lib = libnlApi(core);
  afterAll(() => lib.close());

  it('a link: text, flag names and 64-bit counters as libnl gives them', () => {
    using link = lib.rtnl_link_alloc();
    if (!link) throw new Error('rtnl_link_alloc failed');
    lib.rtnl_link_set_name(link, 'lnk0');
    lib.rtnl_link_set_ifalias(link, 'café ☕ "quoted" \\ tab\t');
    lib.rtnl_link_set_mtu(link, 9000);
    lib.rtnl_link_set_flags(link, 0x1 | 0x2 | 0x1000);
    lib.rtnl_link_set_stat(link, RTNL_LINK_RX_BYTES, 2n ** 40n + 1n);
    lib.rtnl_link_set_stat(link, RTNL_LINK_TX_PACKETS, 2n ** 64n - 1n);
    lib.rtnl_link_set_ifindex(link, 70000);
    const data = exportObject(core.runtime, link.ptr);
    if (!data) throw new Error('no export');
    const o = decodeObject<Record<string, unknown>>(data);
    expect(o.name).toBe(lib.rtnl_link_get_name(link));
    expect(o.alias).toBe(lib.rtnl_link_get_ifalias(link));
    expect(o.mtu).toBe(9000);
    expect(o.index).toBe(70000);
    expect(o.flags).toBe(lib.rtnl_link_get_flags(link));
    expect(o.flagNames).toEqual(lib.rtnl_link_flags2str(lib.rtnl_link_get_flags(link))?.split(','));
    const stats = o.stats as Record<string, number>;
    expect(stats.rxBytes).toBe(Number(lib.rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES)));
    expect(stats.txPackets).toBe(Number(lib.rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS)));
    expect(stats.txPackets).toBe(2 ** 64);
  });

  it('a route: enumeration names, addresses, metrics and nexthops', () => {
    using route = lib.rtnl_route_alloc();
    if (!route) throw new Error('rtnl_route_alloc failed');
    using dst = lib.nl_addr_parse('198.51.100.0/24', AF_INET);
    using gw = lib.nl_addr_parse('192.0.2.1', AF_INET);
    lib.rtnl_route_set_dst(route, dst);
    lib.rtnl_route_set_table(route, 254);
    lib.rtnl_route_set_protocol(route, 4);
    lib.rtnl_route_set_scope(route, 0);
    lib.rtnl_route_set_type(route, 1);
    lib.rtnl_route_set_metric(route, RTAX_MTU, 1400);
    const nh = lib.rtnl_route_nh_alloc();
    lib.rtnl_route_nh_set_ifindex(nh, 3);
    lib.rtnl_route_nh_set_gateway(nh, gw);
    lib.rtnl_route_add_nexthop(route, nh);
    const data = exportObject(core.runtime, route.ptr);
    if (!data) throw new Error('no export');
    const o = decodeObject<Record<string, unknown>>(data);
    expect(o.dst).toBe(lib.nl_addr2str(dst));
    expect(o.protocol).toBe(lib.rtnl_route_proto2str(4));
    expect(o.scope).toBe(lib.rtnl_scope2str(0));
    expect(o.type).toBe(lib.nl_rtntype2str(1));
    expect(o.table).toBe(254);
    expect(o.metrics).toEqual({ [lib.rtnl_route_metric2str(RTAX_MTU) ?? '']: 1400 });
    expect(o.nexthops).toEqual([{ ifindex: 3, gateway: lib.nl_addr2str(gw), weight: 1, flags: 0 }]);
  });
});
