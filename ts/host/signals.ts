/**
 * A wasm program's signals, in shared memory between the thread that runs
 * it and the thread that sends them (see wasm/signals.c for the program's
 * side and run_program.ts for the sender's):
 *
 *   pending   signals sent and not yet taken (bit sig - 1, signals 1 to 32)
 *   blocked   what the program blocks (sigprocmask)
 *   actions   what it does with each: default action, ignore, or a handler
 *
 * The program writes its blocked set and its actions here as it changes
 * them, so that a sender can do what the kernel would: drop an ignored
 * signal, end a program whose default action is to terminate, or make the
 * signal pending and wake the program's wait. Only the sender and raise()
 * add pending signals; only the program takes them.
 */
import { ProcessSignal } from './errors.js';

export const SIG_DEFAULT = 0;
export const SIG_IGNORE = 1;
export const SIG_CATCH = 2;

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGALRM = 14;
export const SIGTERM = 15;

const MAX_SIGNAL = 32;
const PENDING = 0;
const BLOCKED = 1;
const ACTIONS = 2;

const bit = (sig: number): number => (sig >= 1 && sig <= MAX_SIGNAL ? 1 << (sig - 1) : 0);

export class SignalState {
  private readonly words: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4 * (ACTIONS + MAX_SIGNAL))) {
    this.words = new Int32Array(buffer);
  }

  action(sig: number): number {
    return bit(sig) ? Atomics.load(this.words, ACTIONS + sig - 1) : SIG_IGNORE;
  }

  isBlocked(sig: number): boolean {
    return (Atomics.load(this.words, BLOCKED) & bit(sig)) !== 0;
  }

  /** Makes sig pending; the sender then wakes the program. */
  post(sig: number): void {
    Atomics.or(this.words, PENDING, bit(sig));
  }

  pending(): number {
    return Atomics.load(this.words, PENDING) >>> 0;
  }

  /**
   * Whether a pending signal should end the program's wait: one it neither
   * blocks nor ignores, or one of `waited` (sigwait()).
   */
  interrupts(waited = 0): boolean {
    const pending = Atomics.load(this.words, PENDING);
    if (pending & waited) return true;
    const live = pending & ~Atomics.load(this.words, BLOCKED);
    for (let sig = 1; sig <= MAX_SIGNAL; sig++) {
      if (live & bit(sig) && this.action(sig) !== SIG_IGNORE) return true;
    }
    return false;
  }

  /** Takes the lowest pending signal in `wanted`; 0 when there is none. */
  take(wanted: number): number {
    for (;;) {
      const pending = Atomics.load(this.words, PENDING);
      const ready = pending & wanted;
      if (!ready) return 0;
      const sig = 32 - Math.clz32(ready & -ready);
      if (Atomics.compareExchange(this.words, PENDING, pending, pending & ~bit(sig)) === pending) return sig;
    }
  }

  setAction(sig: number, action: number): void {
    if (bit(sig)) Atomics.store(this.words, ACTIONS + sig - 1, action);
  }

  setBlocked(mask: number): void {
    Atomics.store(this.words, BLOCKED, mask);
  }
}

/** Where an alarm() goes: its delay in milliseconds (0 cancels it), for the sender to raise SIGALRM. */
export type AlarmSink = (ms: number) => void;

export interface SignalImportOptions {
  state: SignalState;
  /** Sleeps sec, nsec (sec < 0: no limit): 0, or -EINTR when a signal ends the sleep. */
  sleep: (sec: number, nsec: number, waited: number) => number;
  alarm?: AlarmSink;
}

/** The signal and sleep imports of "nlhost" (wasm/nlhost.h). */
export function signalImports(opts: SignalImportOptions): Record<string, (...args: number[]) => number> {
  const { state } = opts;
  let alarmAt = 0;
  return {
    proc_sleep: (sec, nsec, waited) => opts.sleep(sec, nsec, waited >>> 0),
    signal_action: (sig, action) => {
      state.setAction(sig, action);
      return 0;
    },
    signal_mask: (blocked) => {
      state.setBlocked(blocked);
      return 0;
    },
    signal_raise: (sig) => {
      state.post(sig);
      return 0;
    },
    signal_pending: () => state.pending(),
    signal_take: (wanted) => state.take(wanted),
    signal_exit: (sig) => {
      throw new ProcessSignal(sig);
    },
    alarm_set: (seconds) => {
      const now = performance.now();
      const left = Math.max(0, alarmAt - now);
      alarmAt = seconds > 0 ? now + (seconds >>> 0) * 1000 : 0;
      opts.alarm?.(seconds > 0 ? (seconds >>> 0) * 1000 : 0);
      // Linux rounds to the nearest second, and never reports a pending alarm as 0.
      const whole = Math.floor(left / 1000);
      return left > 0 && (whole === 0 || left - whole * 1000 >= 500) ? whole + 1 : whole;
    },
  };
}
