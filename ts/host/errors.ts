/**
 * How a wasm instance's run can end other than by returning: exit(), a
 * signal, a trap (or abort) inside wasm, or cancellation by the host. After
 * a trap or a cancellation the instance is unusable; after exit() or a
 * signal it is finished.
 */

/** The program called exit(status) (or returned from main). */
export class ProcessExit extends Error {
  constructor(readonly status: number) {
    super(`exit(${status})`);
    this.name = 'ProcessExit';
  }
}

/**
 * The program ended as a signal's default action ends a process; a shell
 * shows 128 + signal as its status.
 */
export class ProcessSignal extends Error {
  constructor(readonly signal: number) {
    super(`killed by signal ${signal}`);
    this.name = 'ProcessSignal';
  }

  get status(): number {
    return 128 + this.signal;
  }
}

/** The instance trapped or aborted; `call` names what was running. */
export class WasmTrap extends Error {
  constructor(readonly call: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`libnl wasm instance crashed in ${call}: ${reason}`, options);
    this.name = 'WasmTrap';
  }
}

/** A blocking host call was interrupted because the instance is being shut down or cancelled. */
export class Cancelled extends Error {
  constructor(reason = 'cancelled') {
    super(`libnl wasm instance ${reason}`);
    this.name = 'Cancelled';
  }
}
