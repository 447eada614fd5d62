/**
 * Requests in flight on one socket, as `ip -batch` and routing daemons keep
 * them: each request built by libnl is stamped by nl_complete_msg() (the
 * socket's port and next sequence number, as libnl's nl_send_auto() does),
 * many go out in one datagram, and every refusal that comes back is
 * matched to its request by sequence number.
 *
 * The kernel handles a datagram's requests in order, inside sendmsg(), and
 * answers each one that asks for it (NLM_F_ACK) and each one it refuses,
 * whether asked or not. So the requests of a datagram go without NLM_F_ACK,
 * followed by a barrier: an NLMSG_NOOP that asks for one. Its
 * acknowledgement comes after every refusal of the requests before it;
 * those it has not refused were applied. One answer to read per datagram,
 * not per request, and the receive buffer holds only refusals (ENOBUFS, the
 * kernel dropping answers, needs hundreds of them in one datagram; should
 * it happen, the requests whose fate is unknown are reported so).
 */
import type { LibnlRuntime } from '../libnl/runtime.js';
import type { LibnlRaw } from '../libnl/generated/raw.js';
import { NlError } from '../libnl/nl_error.js';
import {
  NLE_AGAIN, NLE_NOMEM, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_NOOP, NLM_F_ACK, NLM_F_REQUEST,
} from '../libnl/generated/constants.js';
import { readExtAck } from './ext_ack.js';

/** Receive and send buffer asked of the kernel (bytes; as root it gets them). */
const SOCKET_BUFFER = 2 * 1024 * 1024;
/** Requests per datagram, at most: more saves nothing measurable, and bounds the refusals one may bring. */
const MAX_IN_FLIGHT = 256;
/** One datagram of requests, at most (bytes; the send buffer is far larger). */
const DATAGRAM_BYTES = 64 * 1024;
/** Where answers are read into: one datagram at a time. */
const RECEIVE_BYTES = 64 * 1024;

export interface Outcome<T> {
  tag: T;
  /** Undefined when the kernel applied the request. */
  error?: NlError;
}

interface InFlight<T> {
  seq: number;
  tag: T;
  what: string;
  /** Kept for a request that may be sent again (see RequestKind.retry), or 0. */
  msg: number;
  retry?: (nleCode: number, msgType: number) => number | undefined;
}

export class RequestPipeline<T> {
  private readonly x: LibnlRaw;
  private readonly sendBuffer: number;
  private readonly receiveBuffer: number;
  private sendLength = 0;
  /** Requests queued or sent, oldest first, whose fate is not known yet. */
  private readonly inFlight: Array<InFlight<T>> = [];
  private readonly done: Array<Outcome<T>> = [];

  constructor(private readonly rt: LibnlRuntime, private readonly sk: number) {
    this.x = rt.process.exports as unknown as LibnlRaw;
    this.x.nlwasm_socket_set_buffers(sk, SOCKET_BUFFER, SOCKET_BUFFER);
    this.sendBuffer = this.x.malloc(DATAGRAM_BYTES) >>> 0;
    this.receiveBuffer = this.x.malloc(RECEIVE_BYTES) >>> 0;
    if (!this.sendBuffer || !this.receiveBuffer) throw new Error('out of wasm memory for the request pipeline');
  }

  /**
   * Queues a request built by libnl (struct nl_msg *, now the pipeline's to
   * free). A request with `retry` is sent alone and answered at once.
   */
  send(msg: number, tag: T, what: string, retry?: InFlight<T>['retry']): void {
    const { x } = this;
    x.nl_complete_msg(this.sk, msg);
    const hdr = x.nlmsg_hdr(msg) >>> 0;
    const view = this.rt.view();
    const len = view.getUint32(hdr, true);
    const aligned = (len + 3) & ~3;
    if (this.sendLength + aligned + NLMSG_HDRLEN > DATAGRAM_BYTES || this.inFlight.length >= MAX_IN_FLIGHT) this.drain();
    const req: InFlight<T> = { seq: view.getUint32(hdr + 8, true), tag, what, msg: retry ? msg : 0, retry };
    if (aligned + NLMSG_HDRLEN > DATAGRAM_BYTES) {
      // Larger than a datagram of ours (a route of hundreds of next hops): on its own, answered at once.
      this.inFlight.push(req);
      this.transmit(hdr, len);
      if (!retry) x.nlmsg_free(msg);
      return;
    }
    this.append(hdr, len);
    this.inFlight.push(req);
    if (!retry) x.nlmsg_free(msg);
    else this.drain();
  }

  /** The outcomes of the requests answered since the last take(). */
  take(): Array<Outcome<T>> {
    return this.done.splice(0);
  }

  /**
   * Sends what is queued and reads back the fate of everything in flight
   * (take() has it), leaving the socket free for libnl's own
   * request-and-reply calls.
   */
  drain(): void {
    if (this.sendLength) {
      this.transmit(this.sendBuffer, this.sendLength);
      this.sendLength = 0;
    }
  }

  /** Copies a request into the datagram being built, without NLM_F_ACK. */
  private append(hdr: number, len: number): void {
    const at = this.sendBuffer + this.sendLength;
    this.rt.bytes().copyWithin(at, hdr, hdr + len);
    const view = this.rt.view();
    view.setUint16(at + 6, view.getUint16(at + 6, true) & ~NLM_F_ACK, true);
    this.sendLength += (len + 3) & ~3;
  }

  /** Sends `len` bytes of requests and a barrier after them, then reads back what the kernel said. */
  private transmit(buf: number, len: number): void {
    const barrier = this.x.nl_socket_use_seq(this.sk) >>> 0;
    const inline = buf === this.sendBuffer;
    // The barrier goes in the same datagram: after the requests in ours, in a copy for a large one.
    const datagram = inline ? buf : this.x.malloc(((len + 3) & ~3) + NLMSG_HDRLEN) >>> 0;
    if (!datagram) throw new NlError(NLE_NOMEM, 'NLE_NOMEM', 'out of wasm memory', this.inFlight[0]?.what ?? 'request');
    try {
      const view = this.rt.view();
      if (!inline) {
        this.rt.bytes().copyWithin(datagram, buf, buf + len);
        view.setUint16(datagram + 6, view.getUint16(datagram + 6, true) & ~NLM_F_ACK, true);
      }
      const at = datagram + ((len + 3) & ~3);
      view.setUint32(at, NLMSG_HDRLEN, true);
      view.setUint16(at + 4, NLMSG_NOOP, true);
      view.setUint16(at + 6, NLM_F_REQUEST | NLM_F_ACK, true);
      view.setUint32(at + 8, barrier, true);
      view.setUint32(at + 12, this.x.nl_socket_get_local_port(this.sk) >>> 0, true);
      const r = this.x.nl_sendto(this.sk, datagram, at + NLMSG_HDRLEN - datagram);
      if (r < 0) {
        // Nothing of a datagram that could not be sent reached the kernel.
        for (const req of this.inFlight.splice(0)) this.finish(req, this.rt.error(-r, req.what));
        return;
      }
    } finally {
      if (!inline) this.x.free(datagram);
    }
    this.collect(barrier);
  }

  /** Reads answers until the barrier's; every request in flight then has its fate. */
  private collect(barrier: number): void {
    let overflowed = false;
    let blocking = false;
    for (;;) {
      const n = this.x.nlwasm_recv_datagram(this.sk, this.receiveBuffer, RECEIVE_BYTES, blocking ? 1 : 0);
      if (n === -NLE_AGAIN && !overflowed) {
        // Not answered yet (the kernel answers inside sendmsg, so this is rare): wait for it.
        blocking = true;
        continue;
      }
      if (n === -NLE_NOMEM) {
        overflowed = true;
        continue;
      }
      if (n === -NLE_AGAIN) break;
      if (n < 0) throw this.rt.error(-n, this.inFlight[0]?.what ?? 'request');
      blocking = false;
      if (this.parse(n, barrier)) {
        for (const req of this.inFlight.splice(0)) this.finish(req);
        for (const req of this.retried.splice(0)) {
          this.inFlight.push(req);
          const hdr = this.x.nlmsg_hdr(req.msg) >>> 0;
          this.transmit(hdr, this.rt.view().getUint32(hdr, true));
        }
        this.x.nlwasm_socket_answered(this.sk);
        return;
      }
    }
    // The kernel dropped answers (ENOBUFS), the barrier's among them.
    for (const req of this.inFlight.splice(0)) {
      this.finish(req, new NlError(NLE_NOMEM, 'NLE_NOMEM', 'the kernel dropped its answer (receive buffer full): ' +
        'the request may or may not have been applied', req.what));
    }
    this.x.nlwasm_socket_answered(this.sk);
  }

  /** The answers in one datagram; true once the barrier's acknowledgement is among them. */
  private parse(length: number, barrier: number): boolean {
    const view = this.rt.view();
    let off = 0;
    let reached = false;
    while (off + NLMSG_HDRLEN <= length) {
      const at = this.receiveBuffer + off;
      const len = view.getUint32(at, true);
      if (len < NLMSG_HDRLEN || off + len > length) break;
      if (view.getUint16(at + 4, true) === NLMSG_ERROR && len >= NLMSG_HDRLEN + 4) {
        const seq = view.getUint32(at + 8, true);
        if (seq === barrier) reached = true;
        else this.refused(seq, view.getInt32(at + NLMSG_HDRLEN, true), at + NLMSG_HDRLEN);
      }
      off += (len + 3) & ~3;
    }
    return reached;
  }

  /** The kernel's answer for request `seq`: an error, or a request to send again. */
  private refused(seq: number, kernelError: number, errPtr: number): void {
    const i = this.inFlight.findIndex((r) => r.seq === seq);
    if (i < 0 || kernelError === 0) return;
    const [req] = this.inFlight.splice(i, 1);
    const code = -this.x.nlwasm_ack_error(kernelError);
    const type = req.retry && req.msg ? req.retry(code, this.rt.view().getUint16((this.x.nlmsg_hdr(req.msg) >>> 0) + 4, true)) : undefined;
    if (type !== undefined) {
      // As libnl does: the same request as another type, with a new sequence number; it is not retried twice.
      const hdr = this.x.nlmsg_hdr(req.msg) >>> 0;
      const view = this.rt.view();
      view.setUint16(hdr + 4, type, true);
      view.setUint32(hdr + 8, 0, true);
      this.x.nl_complete_msg(this.sk, req.msg);
      this.retried.push({ ...req, seq: view.getUint32(hdr + 8, true), retry: undefined });
      return;
    }
    const e = this.rt.error(code, req.what);
    this.finish(req, new NlError(e.code, e.nleName, e.text, req.what, readExtAck(this.rt.memory.buffer, errPtr)));
  }

  /** Requests to send again once this datagram's answers are read. */
  private readonly retried: Array<InFlight<T>> = [];

  private finish(req: InFlight<T>, error?: NlError): void {
    if (req.msg) this.x.nlmsg_free(req.msg);
    this.done.push(error ? { tag: req.tag, error } : { tag: req.tag });
  }

  /** Frees the pipeline's buffers (its socket is the caller's). */
  dispose(): void {
    this.x.free(this.sendBuffer);
    this.x.free(this.receiveBuffer);
  }
}
