/**
 * How a wasm instance's blocking host calls wait, and what ends a wait early.
 *
 * Every wait sleeps in the kernel: poll(2) on the call's sockets together
 * with the instance's wake-up eventfd, or, for a sleep, on the eventfd
 * alone. Whoever has news for the instance writes it to shared memory first
 * (the cancel flag, the pending signals of signals.ts) and then signals the
 * eventfd. The eventfd is only a doorbell: a woken wait resets it before it
 * looks at the news, and every wait looks before it sleeps, so news that
 * arrives at any moment is seen.
 */
import { Errno } from './errno.js';
import { Cancelled } from './errors.js';
import type { NativeHost } from './native.js';
import type { SignalState } from './signals.js';
import { NATIVE_POLLFD, writePollfd } from './wasm32_structs.js';

/** Asks the instance to stop for good: its next or current wait throws Cancelled. */
export const CANCEL_SHUTDOWN = 1;
/** Ends the current (or next) blocking call with EAGAIN; the instance stays usable. */
export const CANCEL_CALL = 2;

const NSEC_PER_SEC = 1_000_000_000n;
const POLLOUT = 0x4;

export class Waits {
  constructor(
    private readonly native: NativeHost,
    readonly wakeFd: number,
    private readonly cancelFlag: Int32Array,
    private readonly signals: SignalState,
  ) {}

  /** 0 when there is no news; -EAGAIN for a cancelled call, -EINTR for a signal. Throws Cancelled on shutdown. */
  private news(waited: number): number {
    const reason = Atomics.exchange(this.cancelFlag, 0, 0);
    if (reason === CANCEL_SHUTDOWN) throw new Cancelled('shut down');
    if (reason === CANCEL_CALL) return -Errno.EAGAIN;
    return this.signals.interrupts(waited) ? -Errno.EINTR : 0;
  }

  /**
   * Runs a blocking native call, `call(timeoutMs)`, which returns
   * -ECANCELED when the eventfd wakes it, until it ends by itself or news
   * ends it (see news()). `timeoutMs` (-1: none) is kept across wake-ups.
   */
  run(call: (timeoutMs: number) => number, timeoutMs = -1): number {
    const deadline = timeoutMs < 0 ? -1 : performance.now() + timeoutMs;
    for (;;) {
      const early = this.news(0);
      if (early) return early;
      const left = deadline < 0 ? -1 : Math.max(0, Math.ceil(deadline - performance.now()));
      const r = call(left);
      if (r !== -Errno.ECANCELED) return r;
      this.native.wakeupReset(this.wakeFd);
    }
  }

  /**
   * Sleeps `sec` seconds and `nsec` nanoseconds (sec < 0: until news):
   * 0 when the time has passed, -EINTR for a signal the program takes (or
   * one of `waited`), -EAGAIN when the call is cancelled.
   */
  sleep(sec: number, nsec: number, waited = 0): number {
    const end = sec < 0 ? -1n : process.hrtime.bigint() + BigInt(sec) * NSEC_PER_SEC + BigInt(nsec);
    for (;;) {
      const early = this.news(waited);
      if (early) return early;
      let r: number;
      if (end < 0n) {
        r = this.native.wakeupWait(this.wakeFd, -1, 0);
      } else {
        const left = end - process.hrtime.bigint();
        if (left <= 0n) return 0;
        r = this.native.wakeupWait(this.wakeFd, Number(left / NSEC_PER_SEC), Number(left % NSEC_PER_SEC));
      }
      if (r !== -Errno.ECANCELED) return r;
      this.native.wakeupReset(this.wakeFd);
    }
  }

  /**
   * Waits until the host's descriptor `fd` (where the program's stdout goes)
   * takes more output. Signals stay pending for the program's next wait.
   */
  writable(fd: number): void {
    const p = new Uint8Array(NATIVE_POLLFD.size);
    writePollfd(new DataView(p.buffer), 0, 0, fd, POLLOUT, NATIVE_POLLFD);
    for (;;) {
      if (Atomics.load(this.cancelFlag, 0) === CANCEL_SHUTDOWN) throw new Cancelled('shut down');
      if (this.native.poll(p, -1, this.wakeFd) !== -Errno.ECANCELED) return;
      this.native.wakeupReset(this.wakeFd);
    }
  }
}
