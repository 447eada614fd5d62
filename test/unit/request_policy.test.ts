/** Read-only mode's classification of netlink requests (ts/host/request_policy.ts). */
import { describe, expect, it } from 'vitest';
import { isStateChangingRequest } from '../../dist/host/request_policy.js';

function msg(type: number, flags: number, payload: number[] = []): Uint8Array {
  const len = 16 + payload.length;
  const b = new DataView(new ArrayBuffer((len + 3) & ~3));
  b.setUint32(0, len, true);
  b.setUint16(4, type, true);
  b.setUint16(6, flags, true);
  payload.forEach((x, i) => b.setUint8(16 + i, x));
  return new Uint8Array(b.buffer);
}

const NLM_F_REQUEST = 1;
const NLM_F_DUMP = 0x300;

describe('read-only policy', () => {
  it('lets NETLINK_ROUTE queries through and stops RTM_NEW/DEL/SET', () => {
    expect(isStateChangingRequest(0, msg(18 /* RTM_GETLINK */, NLM_F_REQUEST | NLM_F_DUMP))).toBe(false);
    expect(isStateChangingRequest(0, msg(26 /* RTM_GETROUTE */, NLM_F_REQUEST))).toBe(false);
    expect(isStateChangingRequest(0, msg(16 /* RTM_NEWLINK */, NLM_F_REQUEST))).toBe(true);
    expect(isStateChangingRequest(0, msg(21 /* RTM_DELADDR */, NLM_F_REQUEST))).toBe(true);
    expect(isStateChangingRequest(0, msg(19 /* RTM_SETLINK */, NLM_F_REQUEST))).toBe(true);
  });

  it('judges every message of a batch', () => {
    const batch = new Uint8Array([...msg(18, NLM_F_REQUEST), ...msg(24 /* RTM_NEWROUTE */, NLM_F_REQUEST)]);
    expect(isStateChangingRequest(0, batch)).toBe(true);
  });

  it('knows generic netlink controller queries, ctnetlink and xfrm gets', () => {
    expect(isStateChangingRequest(16, msg(0x10, NLM_F_REQUEST, [3, 1, 0, 0]))).toBe(false);
    expect(isStateChangingRequest(16, msg(0x20, NLM_F_REQUEST, [1, 1, 0, 0]))).toBe(true);
    expect(isStateChangingRequest(12, msg(0x101 /* CT_GET */, NLM_F_REQUEST | NLM_F_DUMP))).toBe(false);
    expect(isStateChangingRequest(12, msg(0x102 /* CT_DELETE */, NLM_F_REQUEST))).toBe(true);
    expect(isStateChangingRequest(6, msg(0x12 /* GETSA */, NLM_F_REQUEST | NLM_F_DUMP))).toBe(false);
    expect(isStateChangingRequest(6, msg(0x10 /* NEWSA */, NLM_F_REQUEST))).toBe(true);
  });

  it('treats malformed datagrams as changing state', () => {
    const m = msg(18, NLM_F_REQUEST);
    new DataView(m.buffer).setUint32(0, 999, true);
    expect(isStateChangingRequest(0, m)).toBe(true);
  });
});
