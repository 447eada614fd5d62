/**
 * One libnl object as plain data (wasm/object_export.c's
 * nlwasm_object_export()), copied out of the instance's memory: what a
 * client or watch worker posts to the main thread, which decodes it with
 * plain_data.ts's decodeObject().
 */
import type { LibnlRuntime } from '../libnl/runtime.js';

export function exportObject(rt: LibnlRuntime, objectPtr: number): Uint8Array | null {
  const out = rt.process.call('nlwasm_object_export', objectPtr) >>> 0;
  if (!out) return null;
  try {
    const len = new DataView(rt.memory.buffer).getUint32(out, true);
    return new Uint8Array(rt.memory.buffer, out + 4, len).slice();
  } finally {
    rt.freePointer(out);
  }
}
