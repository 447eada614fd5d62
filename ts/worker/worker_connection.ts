/**
 * The main thread's side of one of our workers: starting it, calls on the
 * call channel matched to their replies, the worker's death (every pending
 * call rejects with why), and an orderly close that waits for the thread
 * to end by itself.
 *
 * An idle connection does not keep the Node process alive; one with calls
 * pending does, so that `await` on a call is never cut short by the
 * process exiting under it.
 */
import type { Worker } from 'node:worker_threads';
import type { TransferListItem } from 'node:worker_threads';
import { startWorker } from '../host/worker_entry.js';
import { cancelInstance, CANCEL_SHUTDOWN, type CancelToken } from '../host/instance.js';
import { nativeHost } from '../host/native.js';
import { ChannelSender, createChannel, type ChannelEndInit } from './call_channel.js';
import { fromWire, type FromWorker, type Outcome, type ReplyMessage, type WorkerHello } from './protocol.js';

/** How long an orderly close waits for the thread before it is terminated (ms). */
const CLOSE_GRACE_MS = 5000;
/**
 * How long the main thread waits for the answer of a lone quick call
 * before it leaves it to its event loop (ms): a libnl call or a request
 * answers within tens of microseconds, and waking an idle event loop costs
 * about 30 µs on this machine (docs/decisions/main-thread-answer-wait.md).
 */
const QUICK_ANSWER_MS = 0.05;
/** How many missed quick answers stop the waiting, and how many calls later it is tried again. */
const QUICK_PROBE = 16;
/** The longest run of quick answers handed out without the event loop turning (ms). */
const QUICK_RUN_MS = 2;

export interface ConnectionOptions<Start> {
  /** The worker's entry, relative to dist/. */
  entry: string;
  /** Its start-up data, minus the channel (added as `channel`). */
  start: Start;
  /** Ports and buffers inside `start` to transfer. */
  transfer?: TransferListItem[];
  /** The channel's receiver sleeps in poll(2) (see call_channel.ts). */
  mail?: boolean;
  /** Messages from the worker that are not replies (callbacks, events). */
  onMessage?: (m: FromWorker) => void;
  /** What a call fails with when the worker dies, given the reason. */
  deathError?: (e: Error) => Error;
}

/**
 * Connections whose worker may be asleep in a native wait (poll(2) on its
 * sockets). When the process exits, Node stops every worker and waits for
 * it, and a thread in a system call notices only when that returns: so at
 * exit each worker's instance is woken for good first (a program that calls
 * process.exit() with a watcher open would otherwise hang there).
 */
const live = new Set<WorkerConnection>();
let wakeAtExit = false;

function wakeAll(): void {
  for (const c of live) c.wakeForExit();
}

export class WorkerConnection<Hello extends WorkerHello = WorkerHello> {
  readonly worker: Worker;
  readonly channel: ChannelSender;
  /** Why the worker can no longer answer, once it cannot. */
  dead: Error | undefined;
  private seq = 0;
  private readonly replies = new Map<number, { resolve: (o: Outcome) => void; reject: (e: Error) => void }>();
  private readonly hello: Promise<Hello>;
  private helloResolve!: (h: Hello) => void;
  private helloReject!: (e: Error) => void;
  private readonly exited: Promise<void>;
  private closing: Promise<void> | undefined;
  /** Quick answers taken minus missed, recently (see quickWorthIt()). */
  private quickScore = 0;
  /** The instance's cancel token, from its hello. */
  private cancel: CancelToken | undefined;
  private quickSkipped = 0;
  /** When the current run of quick answers began (0: the event loop has turned since). */
  private quickRunStart = 0;
  /** Quick answers held back until the event loop has turned (see call()). */
  private deferred: FromWorker[] = [];

  constructor(private readonly opts: ConnectionOptions<object>) {
    const { main, worker } = createChannel({ mail: opts.mail });
    this.channel = new ChannelSender(main);
    const workerData = { ...opts.start, channel: worker satisfies ChannelEndInit };
    this.worker = startWorker(opts.entry, { workerData, transferList: [worker.port, ...(opts.transfer ?? [])] });
    // Kept alive until the worker says hello: an awaited open must not see the process exit under it.
    main.port.unref();
    this.hello = new Promise<Hello>((resolve, reject) => {
      this.helloResolve = resolve;
      this.helloReject = reject;
    });
    // Nothing waits for the hello once the connection is open; a rejection then is the death below.
    this.hello.catch(() => undefined);
    main.port.on('message', (m: FromWorker) => {
      this.receiveDeferred();
      this.receive(m);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.die(new Error(`the libnl worker exited (code ${code})`));
        this.helloReject(this.dead as Error);
        resolve();
      });
    });
    this.worker.on('error', (e) => {
      this.die(e);
      this.helloReject(e);
    });
  }

  private receive(m: FromWorker): void {
    if (m.kind === 'ready' || m.kind === 'failed') this.idleCheck();
    if (m.kind === 'ready') {
      this.cancel = (m as unknown as { cancel: CancelToken }).cancel;
      live.add(this as unknown as WorkerConnection);
      if (!wakeAtExit) {
        wakeAtExit = true;
        process.once('exit', wakeAll);
      }
    }
    if (m.kind === 'reply') {
      const { seq, outcome } = m as ReplyMessage;
      const r = this.replies.get(seq);
      this.replies.delete(seq);
      this.idleCheck();
      r?.resolve(outcome);
    } else if (m.kind === 'ready') this.helloResolve(m as unknown as Hello);
    else if (m.kind === 'failed') this.helloReject(fromWire((m as Extract<WorkerHello, { kind: 'failed' }>).error));
    else this.opts.onMessage?.(m);
  }

  /** The worker's hello, once its instance is up. */
  ready(): Promise<Hello> {
    return this.hello;
  }

  /** @internal Ends any native wait of the worker for good (the process is exiting). */
  wakeForExit(): void {
    if (this.cancel) cancelInstance(this.cancel, CANCEL_SHUTDOWN);
    if (this.channel.init.mailFd >= 0) nativeHost().wakeupSignal(this.channel.init.mailFd);
  }

  /** Posts a message on the channel (and wakes the worker). */
  post(message: unknown, transfer?: readonly TransferListItem[]): void {
    this.channel.post(message, transfer);
  }

  /**
   * An operation of the worker's endpoint; resolves with its outcome. A
   * `quick` one (a libnl call, a single request), awaited while no other
   * is, has its answer taken off the port if it comes within QUICK_ANSWER_MS
   * (see ChannelSender.takeAnswer); otherwise it arrives as any message does.
   */
  call(op: string, args: unknown[], transfer?: readonly TransferListItem[], quick = false): Promise<Outcome> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    const alone = this.replies.size === 0;
    const seen = this.channel.answers();
    const answer = new Promise<Outcome>((resolve, reject) => {
      this.replies.set(seq, { resolve, reject });
      if (alone) this.worker.ref();
      this.channel.post({ kind: 'call', seq, op, args }, transfer);
    });
    if (quick && alone && this.quickWorthIt()) {
      const got = this.channel.takeAnswer(seen, QUICK_ANSWER_MS);
      this.quickScore += got.length ? 1 : -1;
      if (got.length && this.quickRunOver()) {
        this.deferred.push(...(got as FromWorker[]));
        setImmediate(() => this.receiveDeferred());
      } else for (const m of got) this.receive(m as FromWorker);
    }
    return answer;
  }

  /**
   * Whether the current run of quick answers is long enough that the next
   * one must wait for the event loop: answers taken at once resolve promises
   * without the loop turning, and an awaited loop of quick calls would
   * starve timers and I/O. One setImmediate hop every QUICK_RUN_MS costs far
   * less than leaving the quick path.
   */
  private quickRunOver(): boolean {
    const now = performance.now();
    if (this.quickRunStart === 0) {
      this.quickRunStart = now;
      setImmediate(() => { this.quickRunStart = 0; });
      return false;
    }
    return now - this.quickRunStart > QUICK_RUN_MS;
  }

  private receiveDeferred(): void {
    const held = this.deferred;
    if (held.length === 0) return;
    this.deferred = [];
    for (const m of held) this.receive(m);
  }

  /**
   * Whether waiting for a quick answer pays now: on a busy machine the
   * worker is often not running when the main thread waits, and the wait is
   * then time lost. After more misses than hits the main thread stops
   * waiting, and tries once in QUICK_PROBE calls whether it pays again.
   */
  private quickWorthIt(): boolean {
    this.quickScore = Math.max(-QUICK_PROBE, Math.min(QUICK_PROBE, this.quickScore));
    if (this.quickScore > -QUICK_PROBE) return true;
    if (++this.quickSkipped < QUICK_PROBE) return false;
    this.quickSkipped = 0;
    this.quickScore = 0;
    return true;
  }

  /** Calls waiting for their reply. */
  get pending(): number {
    return this.replies.size;
  }

  private idleCheck(): void {
    if (this.replies.size === 0) this.worker.unref();
  }

  /** The worker is gone (or must be): every pending call rejects. */
  die(e: Error): void {
    live.delete(this as unknown as WorkerConnection);
    if (this.dead) return;
    this.dead = this.opts.deathError?.(e) ?? e;
    for (const r of this.replies.values()) r.reject(this.dead);
    this.replies.clear();
    this.worker.unref();
  }

  /** Ends the worker at once (its sockets close with its instance's descriptors only if it ran close first). */
  async terminate(e: Error): Promise<void> {
    this.die(e);
    await this.worker.terminate();
    this.channel.dispose();
  }

  /**
   * Closes in order: asks a worker busy with a long operation to stop, sends
   * the close operation, and resolves once it is answered (the instance is
   * closed: its sockets and descriptors given back) or the thread is gone;
   * a worker that does neither within CLOSE_GRACE_MS is terminated.
   *
   * The thread then ends by itself, unref'd, and the channel is disposed
   * when it has: V8's teardown of the thread's isolate is work of its own
   * that, on a busy machine, waited for a CPU for up to 900 ms (bench/
   * lifecycles.ts), and nothing of the caller's depends on it.
   */
  close(closedError: Error): Promise<void> {
    this.closing ??= (async () => {
      this.channel.requestClose();
      void this.exited.then(() => this.channel.dispose());
      if (!this.dead) {
        this.worker.ref();
        const grace = setTimeout(() => void this.worker.terminate(), CLOSE_GRACE_MS);
        try {
          await Promise.race([this.call('close', []).catch(() => undefined), this.exited]);
        } finally {
          clearTimeout(grace);
        }
      }
      this.die(closedError);
    })();
    return this.closing;
  }
}
