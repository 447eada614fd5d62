/**
 * libnl's xfrm parsers on malformed and awkwardly aligned messages, in the
 * checked build (SAFE_HEAP) where a misaligned or NULL access traps: the
 * cases of patches 0013-0021 that the fuzzer cannot reach through
 * nl_msg_parse() (xfrm/ae has no cache) or that read past an attribute
 * without leaving the heap (only a check refusing them shows the fix).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { LibnlCore } from '../../dist/libnl/core.js';
import { libnlApi } from '../../dist/libnl/sync.js';
import { nativeHost } from '../../dist/host/native.js';
import { libnlModulePath } from '../../dist/libnl/module_path.js';
import { NlError, type LibnlSync } from '../../dist/index.js';
import type { Nlmsghdr, NlObject } from '../../dist/libnl/generated/api.js';
import { FakeKernel } from '../helpers/fake_kernel.js';
import { attr, concat, message, u32 } from '../helpers/netlink_bytes.js';

const XFRM_MSG_NEWSA = 0x10;
const XFRM_MSG_DELSA = 0x11;
const XFRM_MSG_DELPOLICY = 0x14;
const XFRM_MSG_NEWPOLICY = 0x13;
const XFRM_MSG_NEWAE = 0x1e;
const XFRMA_ALG_CRYPT = 2;
const XFRMA_SEC_CTX = 8;
const XFRMA_LTIME_VAL = 9;
const XFRMA_REPLAY_VAL = 10;
const XFRMA_REPLAY_THRESH = 11;
const XFRMA_ETIMER_THRESH = 12;
const XFRMA_SA = 6;
const XFRMA_POLICY = 7;
const XFRMA_MARK = 21;
const XFRMA_REPLAY_ESN_VAL = 23;
/** struct xfrm_usersa_info, xfrm_userpolicy_info, xfrm_aevent_id */
const SA_INFO = 224;
const SP_INFO = 168;
const AEVENT_ID = 48;
/** struct xfrm_usersa_id, xfrm_userpolicy_id */
const SA_ID = 24;
const SP_ID = 64;

const modulePath = libnlModulePath(true);

function u64(values: readonly bigint[]): Uint8Array {
  const b = new Uint8Array(8 * values.length);
  values.forEach((v, i) => new DataView(b.buffer).setBigUint64(8 * i, v, true));
  return b;
}

/** struct xfrm_algo: a 64-byte name, then alg_key_len (bits) and the key. */
function algo(name: string, keyBits: number, key = new Uint8Array(0)): Uint8Array {
  const b = new Uint8Array(68 + key.length);
  b.set(new TextEncoder().encode(name).subarray(0, 64));
  new DataView(b.buffer).setUint32(64, keyBits >>> 0, true);
  b.set(key, 68);
  return b;
}

/** struct xfrm_user_sec_ctx and its context string. */
function secCtx(ctx: string, ctxLen = ctx.length): Uint8Array {
  const s = new TextEncoder().encode(ctx);
  const b = new Uint8Array(8 + s.length);
  const v = new DataView(b.buffer);
  v.setUint16(0, 8 + s.length, true);
  v.setUint16(2, XFRMA_SEC_CTX, true);
  b[4] = 1;
  b[5] = 1;
  v.setUint16(6, ctxLen, true);
  b.set(s, 8);
  return b;
}

describe.skipIf(!existsSync(modulePath))('xfrm parsers (checked build)', () => {
  const core = new LibnlCore({ modulePath, host: new FakeKernel(nativeHost()), stdout: () => undefined, stderr: () => undefined });
  const lib: LibnlSync = libnlApi(core);
  afterAll(() => lib.close());

  /** Calls parse on a copy of the message in a fresh nl_msg (8-byte aligned header). */
  function withMessage<T>(bytes: Uint8Array, parse: (hdr: Nlmsghdr) => T): T {
    const msg = lib.nlmsg_alloc_size(bytes.length);
    if (!msg) throw new Error('nlmsg_alloc_size failed');
    try {
      const hdr = lib.nlmsg_hdr(msg);
      if (!hdr) throw new Error('nlmsg_hdr failed');
      new Uint8Array(core.runtime.memory.buffer, hdr.ptr, bytes.length).set(bytes);
      return parse(hdr);
    } finally {
      lib.nlmsg_free(msg);
    }
  }

  function dump(bytes: Uint8Array, parse: (hdr: Nlmsghdr) => NlObject): string {
    return withMessage(bytes, (hdr) => {
      const obj = parse(hdr);
      try {
        return lib.nl_object_dump_text(obj, 1);
      } finally {
        lib.release(obj);
      }
    });
  }

  const errorOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof NlError) return e.nleName;
      throw e;
    }
    return 'ok';
  };

  const aeMessage = (...attrs: Uint8Array[]): Uint8Array =>
    message(XFRM_MSG_NEWAE, 0, concat([new Uint8Array(AEVENT_ID), ...attrs]));
  const saMessage = (...attrs: Uint8Array[]): Uint8Array =>
    message(XFRM_MSG_NEWSA, 0, concat([new Uint8Array(SA_INFO), ...attrs]));
  const spMessage = (...attrs: Uint8Array[]): Uint8Array =>
    message(XFRM_MSG_NEWPOLICY, 0, concat([new Uint8Array(SP_INFO), ...attrs]));

  it('0015: an AE without XFRMA_REPLAY_VAL or XFRMA_REPLAY_ESN_VAL parses', () => {
    withMessage(aeMessage(), (hdr) => {
      const ae = lib.xfrmnl_ae_parse(hdr);
      lib.release(ae);
    });
    expect(core.runtime.process.failure).toBeFalsy();
  });

  it('0016: an AE lifetime at a 4-modulo-8 offset is read (copied, not loaded in place)', () => {
    // The attribute follows the 16-byte header and the 48-byte xfrm_aevent_id: payload at 68.
    const text = dump(aeMessage(attr(XFRMA_LTIME_VAL, u64([1234n, 56n, 7n, 8n])), attr(XFRMA_REPLAY_VAL, new Uint8Array(12))),
      (hdr) => lib.xfrmnl_ae_parse(hdr));
    expect(text).toMatch(/bytes 1234 packets 56 /);
    expect(core.runtime.process.failure).toBeFalsy();
  });

  it('0017: the AE thresholds come from XFRMA_REPLAY_THRESH and XFRMA_ETIMER_THRESH', () => {
    withMessage(aeMessage(attr(XFRMA_REPLAY_VAL, new Uint8Array(12)), attr(XFRMA_REPLAY_THRESH, u32(17)), attr(XFRMA_ETIMER_THRESH, u32(42))),
      (hdr) => {
        const ae = lib.xfrmnl_ae_parse(hdr);
        try {
          expect(lib.xfrmnl_ae_get_replay_maxdiff(ae)).toBe(17);
          expect(lib.xfrmnl_ae_get_replay_maxage(ae)).toBe(42);
        } finally {
          lib.release(ae);
        }
      });
  });

  it('0018: a replay ESN bitmap longer than its attribute is refused (SA and AE)', () => {
    const esn = new Uint8Array(24);
    new DataView(esn.buffer).setUint32(0, 0x01000000, true);
    expect(errorOf(() => withMessage(saMessage(attr(XFRMA_REPLAY_ESN_VAL, esn)), (h) => lib.release(lib.xfrmnl_sa_parse(h)))))
      .toBe('NLE_INVAL');
    expect(errorOf(() => withMessage(aeMessage(attr(XFRMA_REPLAY_ESN_VAL, esn)), (h) => lib.release(lib.xfrmnl_ae_parse(h)))))
      .toBe('NLE_INVAL');
    // One word of bitmap, there: accepted.
    const one = concat([esn, new Uint8Array(4)]);
    new DataView(one.buffer).setUint32(0, 1, true);
    expect(errorOf(() => withMessage(saMessage(attr(XFRMA_REPLAY_ESN_VAL, one)), (h) => lib.release(lib.xfrmnl_sa_parse(h)))))
      .toBe('ok');
  });

  it('0019: an algorithm key longer than its attribute is refused, a name is kept terminated', () => {
    expect(errorOf(() => withMessage(saMessage(attr(XFRMA_ALG_CRYPT, algo('cbc(aes)', 0x7ffffff8))),
      (h) => lib.release(lib.xfrmnl_sa_parse(h))))).toBe('NLE_INVAL');
    expect(errorOf(() => withMessage(saMessage(attr(XFRMA_ALG_CRYPT, algo('cbc(aes)', 0xfffffff9))),
      (h) => lib.release(lib.xfrmnl_sa_parse(h))))).toBe('NLE_INVAL');
    const key = new Uint8Array(16).fill(0x61);
    const text = dump(saMessage(attr(XFRMA_ALG_CRYPT, algo('A'.repeat(64), 128, key))), (h) => lib.xfrmnl_sa_parse(h));
    expect(text).toContain(`Name: ${'A'.repeat(63)} Key len(bits): 128`);
    expect(text).not.toContain('A'.repeat(64));
  });

  it('0020: a security context longer than its attribute is refused, one without a NUL is dumped as itself', () => {
    expect(errorOf(() => withMessage(saMessage(attr(XFRMA_SEC_CTX, secCtx('', 0xffff))),
      (h) => lib.release(lib.xfrmnl_sa_parse(h))))).toBe('NLE_INVAL');
    expect(errorOf(() => withMessage(spMessage(attr(XFRMA_SEC_CTX, secCtx('', 0xffff))),
      (h) => lib.release(lib.xfrmnl_sp_parse(h))))).toBe('NLE_INVAL');
    // "system_u", 8 bytes and no NUL, followed by 0xff bytes in the same message.
    const ctx = attr(XFRMA_SEC_CTX, secCtx('system_u'));
    const tail = attr(0x7fff, new Uint8Array(32).fill(0xff));
    expect(dump(saMessage(ctx, tail), (h) => lib.xfrmnl_sa_parse(h))).toMatch(/ctx: system_u\n/);
    expect(dump(spMessage(ctx, tail), (h) => lib.xfrmnl_sp_parse(h))).toMatch(/ctx: system_u \n/);
  });

  it('0021: the attributes of a DELSA and a DELPOLICY are those after the embedded SA or policy', () => {
    const crypt = attr(XFRMA_ALG_CRYPT, algo('cbc(aes)', 128, new Uint8Array(16)));
    const delsa = message(XFRM_MSG_DELSA, 0, concat([new Uint8Array(SA_ID), attr(XFRMA_SA, new Uint8Array(SA_INFO)), crypt]));
    expect(dump(delsa, (h) => lib.xfrmnl_sa_parse(h))).toContain('Name: cbc(aes) Key len(bits): 128');
    const mark = attr(XFRMA_MARK, concat([u32(0x1234), u32(0xffff)]));
    const delsp = message(XFRM_MSG_DELPOLICY, 0, concat([new Uint8Array(SP_ID), attr(XFRMA_POLICY, new Uint8Array(SP_INFO)), mark]));
    expect(dump(delsp, (h) => lib.xfrmnl_sp_parse(h))).toContain('Mark mask: 0xffff Mark value: 0x1234');
    // A DELSA cut inside its embedded SA is refused rather than read past its end (0013).
    const short = message(XFRM_MSG_DELSA, 0, concat([new Uint8Array(SA_ID), attr(XFRMA_SA, new Uint8Array(SA_INFO))]).subarray(0, SA_ID + 4 + 200));
    expect(errorOf(() => withMessage(short, (h) => lib.release(lib.xfrmnl_sa_parse(h)))))
      .toBe('NLE_MSG_TOOSHORT');
  });
});
