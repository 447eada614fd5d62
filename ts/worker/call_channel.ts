/**
 * The call channel: how the main thread and one of our workers talk. A
 * MessagePort pair carries the messages (any structured-clonable value,
 * ports and buffers transferable); a SharedArrayBuffer carries the wake-up.
 *
 * The rule that makes a wake-up impossible to lose: the sender posts first
 * and bumps the news counter after; the receiver reads the counter first
 * and takes messages after. A receiver that finds nothing therefore waits
 * for a counter value it has already seen to change, which the sender's
 * bump does whenever it comes. Waits have no timeout to fall back on.
 *
 * Two ways to wait, for two kinds of worker:
 *  - `next()` spins briefly, then sleeps in Atomics.wait on the counter
 *    (workers that only serve calls);
 *  - `waitInPoll()` sleeps in poll(2) on the worker's sockets and a mail
 *    eventfd (workers that also wait for the kernel, such as the event
 *    worker): the sender writes the eventfd when the receiver says it is
 *    asleep (or about to be), so a busy receiver costs the sender no
 *    system call.
 *
 * The other way, the worker's answers bump a second counter, so that the
 * main thread, awaiting one short call and nothing else, can take its
 * answer off the port itself within a few tens of microseconds instead of
 * waiting for its event loop to be woken (takeAnswer()).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { nativeHost } from '../host/native.js';

/** Words of the shared buffer. */
const NEWS = 0;
const SLEEPING = 1;
const CLOSING = 2;
/** Bumped by the worker after each message it posts. */
const ANSWERS = 3;
/**
 * The CPU each side last ran on: a thread that would spin for the other
 * while both are on one CPU sleeps instead, since its spinning is what
 * keeps the other from running (on a busy machine they often share one).
 */
const MAIN_CPU = 4;
const WORKER_CPU = 5;
const WORDS = 6;

/**
 * How long a receiver spins for the next message before it sleeps
 * (milliseconds): waking a thread asleep on an idle core costs tens of
 * microseconds here, more than a whole call, and a program's next call
 * usually follows within microseconds (docs/decisions/call-channel.md).
 */
const SPIN_MS = 0.1;

/** What the worker receives to set up its end (structured-clonable). */
export interface ChannelEndInit {
  port: MessagePort;
  signal: SharedArrayBuffer;
  /** The eventfd written when the receiver sleeps in poll (-1: it never does). */
  mailFd: number;
}

/** A new channel: the main thread keeps `main`, the worker gets `worker` (transfer its port). */
export function createChannel(opts: { mail?: boolean } = {}): { main: ChannelEndInit; worker: ChannelEndInit } {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4 * WORDS);
  new Int32Array(signal).fill(-1, MAIN_CPU);
  let mailFd = -1;
  if (opts.mail) {
    mailFd = nativeHost().wakeupCreate();
    if (mailFd < 0) throw new Error(`cannot create the call channel's eventfd (errno ${-mailFd})`);
  }
  return { main: { port: port1, signal, mailFd }, worker: { port: port2, signal, mailFd } };
}

/** The main thread's end: posting wakes the worker. */
export class ChannelSender {
  private readonly words: Int32Array;

  constructor(readonly init: ChannelEndInit) {
    this.words = new Int32Array(init.signal);
  }

  get port(): MessagePort {
    return this.init.port;
  }

  post(message: unknown, transfer?: readonly TransferListItem[]): void {
    Atomics.store(this.words, MAIN_CPU, nativeHost().currentCpu());
    this.init.port.postMessage(message, transfer);
    Atomics.add(this.words, NEWS, 1);
    Atomics.notify(this.words, NEWS);
    if (this.init.mailFd >= 0 && Atomics.load(this.words, SLEEPING)) nativeHost().wakeupSignal(this.init.mailFd);
  }

  /** The answer counter, to read before posting a call whose answer takeAnswer() may wait for. */
  answers(): number {
    return Atomics.load(this.words, ANSWERS);
  }

  /**
   * Spins up to `ms` for the worker to post something after `seen` (from
   * answers()) and takes it off the port: the messages posted by then, or
   * none. Only the main thread's own code waits here, and only this long:
   * it is how an awaited short call gets its answer without the wake-up of
   * an idle event loop (docs/decisions/main-thread-answer-wait.md).
   */
  takeAnswer(seen: number, ms: number): unknown[] {
    const host = nativeHost();
    const shared = Atomics.load(this.words, WORKER_CPU) === Atomics.load(this.words, MAIN_CPU);
    const until = performance.now() + ms;
    while (Atomics.load(this.words, ANSWERS) === seen) {
      if (performance.now() >= until) return [];
      if (shared) host.yieldCpu();
    }
    const out: unknown[] = [];
    for (let m = receiveMessageOnPort(this.init.port); m; m = receiveMessageOnPort(this.init.port)) out.push(m.message);
    return out;
  }

  /** Tells a worker busy with a long operation (a batch) to stop at its next step. */
  requestClose(): void {
    Atomics.store(this.words, CLOSING, 1);
  }

  /** Frees what the channel holds on this side, once the worker has gone. */
  dispose(): void {
    this.init.port.close();
    if (this.init.mailFd >= 0) nativeHost().closeFd(this.init.mailFd);
  }
}

/** The worker's end: taking messages, and waiting for them. */
export class ChannelReceiver {
  private readonly words: Int32Array;

  constructor(private readonly init: ChannelEndInit) {
    this.words = new Int32Array(init.signal);
  }

  get port(): MessagePort {
    return this.init.port;
  }

  /** The eventfd a poll-waiting receiver includes in its poll (-1 if none). */
  get mailFd(): number {
    return this.init.mailFd;
  }

  /** Whether the main thread asked to close (see ChannelSender.requestClose). */
  get closing(): boolean {
    return Atomics.load(this.words, CLOSING) !== 0;
  }

  /** Posts to the main thread, and counts it (see ChannelSender.takeAnswer). */
  post(message: unknown, transfer?: readonly TransferListItem[]): void {
    this.init.port.postMessage(message, transfer);
    Atomics.add(this.words, ANSWERS, 1);
  }

  /** A message if one is there, without waiting. */
  take(): unknown {
    return receiveMessageOnPort(this.init.port)?.message;
  }

  /** The next message, waiting for it as long as it takes. */
  next(): unknown {
    for (;;) {
      const seen = Atomics.load(this.words, NEWS);
      const m = receiveMessageOnPort(this.init.port);
      if (m) return m.message;
      const host = nativeHost();
      const cpu = host.currentCpu();
      Atomics.store(this.words, WORKER_CPU, cpu);
      const shared = cpu === Atomics.load(this.words, MAIN_CPU);
      const until = performance.now() + SPIN_MS;
      let changed = false;
      do {
        changed = Atomics.load(this.words, NEWS) !== seen;
        if (!changed && shared) host.yieldCpu();
      } while (!changed && performance.now() < until);
      if (!changed) Atomics.wait(this.words, NEWS, seen);
    }
  }

  /**
   * Sleeps in `poll` (which must include mailFd and return when any of its
   * descriptors is ready) unless a message is already there; returns the
   * messages that have arrived, possibly none (poll returned for a socket).
   */
  waitInPoll(poll: () => void): unknown[] {
    const seen = Atomics.load(this.words, NEWS);
    const out = this.drain();
    if (out.length) return out;
    Atomics.store(this.words, SLEEPING, 1);
    try {
      // A message posted after `seen` was read either shows in NEWS now, or
      // its sender saw SLEEPING and wrote the eventfd poll waits on.
      if (Atomics.load(this.words, NEWS) === seen) poll();
    } finally {
      Atomics.store(this.words, SLEEPING, 0);
    }
    if (this.init.mailFd >= 0) nativeHost().wakeupReset(this.init.mailFd);
    return this.drain();
  }

  private drain(): unknown[] {
    const out: unknown[] = [];
    for (let m = receiveMessageOnPort(this.init.port); m; m = receiveMessageOnPort(this.init.port)) out.push(m.message);
    return out;
  }
}
