/**
 * What the writes bench changes, numbered, so that every contender (C,
 * Python, TypeScript) makes the same requests: op i of a run works on
 * route i or veth pair i. bench/c/libnl_writes.c and bench/writes/pyroute2_writes.py
 * repeat these two formulas; this is their definition.
 *
 * Routes: /32s from 10.64.0.0 (route i is 10.64.0.0 + i, up to 4M of them)
 * via GATEWAY on DEV (bench/scenarios.ts's GATEWAY_SETUP makes them). Veth pairs:
 * bwa<i> and bwb<i>.
 */

import { DEV, GATEWAY } from '../scenarios.js';

export { DEV, GATEWAY };

export type WriteOp = 'route-add' | 'route-del' | 'veth-add';

export const WRITE_OPS: readonly WriteOp[] = ['route-add', 'route-del', 'veth-add'];

/**
 * Warm-up ops are numbered from here, away from the timed ones (0 to the
 * scenario's count), so the kernel count after a run tells the timed ones.
 */
export const WARM_BASE = 1 << 21;

const ROUTE_LIMIT = 1 << 22;

/** Route i's destination: "10.64.0.0/32" + i. */
export function routeDst(i: number): string {
  if (!(i >= 0 && i < ROUTE_LIMIT)) throw new RangeError(`route ${i} is out of range`);
  return `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

/** Veth pair i's names. */
export function vethNames(i: number): { name: string; peer: string } {
  return { name: `bwa${i}`, peer: `bwb${i}` };
}

/** The line `ip -batch` takes for op i (the deletes name the same route as the adds). */
export function ipBatchLine(op: WriteOp, i: number): string {
  if (op === 'veth-add') {
    const { name, peer } = vethNames(i);
    return `link add ${name} type veth peer name ${peer}`;
  }
  return `route ${op === 'route-add' ? 'add' : 'del'} ${routeDst(i)} via ${GATEWAY} dev ${DEV}`;
}
