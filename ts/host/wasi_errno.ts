/**
 * errno numbers of the wasm side's libc (emscripten uses WASI's numbering),
 * for the imports that emscripten's libc calls directly (files, stdio, time).
 * The socket imports (nlhost) return Linux numbers instead; wasm/linux_errno.c
 * translates those. Values from the WASI preview1 specification.
 */
export const WasiErrno = {
  SUCCESS: 0,
  ACCES: 2,
  AGAIN: 6,
  BADF: 8,
  EXIST: 20,
  FAULT: 21,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  MFILE: 33,
  NAMETOOLONG: 37,
  NOENT: 44,
  NOSYS: 52,
  NOTDIR: 54,
  NOTTY: 59,
  PERM: 63,
  ROFS: 69,
  SPIPE: 70,
} as const;
