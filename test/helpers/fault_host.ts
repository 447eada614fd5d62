/**
 * A fault host: the real native host with one fault injected into the
 * instance's recvmsg or poll, described as test/programs/fault_preload.c
 * describes it for a native program (NLFAULT=CALL:N:KIND), so that the same
 * fault can be given to both and their behaviour compared.
 */
import type { NativeHost } from '../../dist/host/native.js';
import { NLMSG_HDRLEN, NLM_F_DUMP_INTR } from './netlink_bytes.js';

export type FaultKind = 'EINTR' | 'EAGAIN' | 'ENOBUFS' | 'TRUNC' | 'DUMPINTR' | 'TIMEOUT';

export interface Fault {
  call: 'recvmsg' | 'poll';
  /** Which call, counting from 1. */
  nth: number;
  kind: FaultKind;
}

/** Linux errno values, as the host returns them (negated). */
const ERRNO: Partial<Record<FaultKind, number>> = { EINTR: 4, EAGAIN: 11, ENOBUFS: 105 };
const TRUNC_LEN = 16;

export function faultSpec(f: Fault): string {
  return `${f.call}:${f.nth}:${f.kind}`;
}

/** The host, and whether the fault was injected (the program made that many calls). */
export function faultHost(base: NativeHost, fault: Fault): NativeHost & { readonly fired: boolean } {
  let recvCalls = 0;
  let pollCalls = 0;
  return {
    ...base,
    get fired() {
      return (fault.call === 'recvmsg' ? recvCalls : pollCalls) >= fault.nth;
    },
    recvmsg(fd, memory, iov, iovCount, name, control, flags, block, timeoutMs, wakeFd, out) {
      const real = (v: Uint32Array): number =>
        base.recvmsg(fd, memory, v, iovCount, name, control, flags, block, timeoutMs, wakeFd, out);
      if (fault.call !== 'recvmsg' || ++recvCalls !== fault.nth) return real(iov);
      const errno = ERRNO[fault.kind];
      if (errno) return -errno;
      if (fault.kind === 'TRUNC' && iovCount > 0) {
        const shorter = iov.slice();
        shorter[1] = Math.min(shorter[1], TRUNC_LEN);
        return real(shorter);
      }
      const n = real(iov);
      if (fault.kind === 'DUMPINTR' && n >= NLMSG_HDRLEN) {
        const flags = new DataView(memory, iov[0] + 6, 2);
        flags.setUint16(0, flags.getUint16(0, true) | NLM_F_DUMP_INTR, true);
      }
      return n;
    },
    poll(fds, timeoutMs, wakeFd) {
      // Sleeps are polls of no descriptor: they are not the program's poll().
      if (fds.length === 0 || fault.call !== 'poll' || ++pollCalls !== fault.nth) return base.poll(fds, timeoutMs, wakeFd);
      const errno = ERRNO[fault.kind];
      if (errno) return -errno;
      for (let i = 0; i + 8 <= fds.length; i += 8) fds[i + 6] = fds[i + 7] = 0;
      return 0;
    },
  };
}
