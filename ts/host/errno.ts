/**
 * The errno values the host reports to a wasm instance, in Linux numbering:
 * the numbering of the kernel, of the native addon, and of the instance's
 * own libc (emscripten's, rebuilt with Linux's bits/errno.h by
 * vendor/emscripten/linux_errno_sysroot.py). Every import returns these:
 * `-errno` from nlhost and `__syscall_*`, `errno` from the WASI-named ones.
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  EACCES: 13,
  EFAULT: 14,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOTTY: 25,
  ESPIPE: 29,
  EROFS: 30,
  EPIPE: 32,
  ENOSYS: 38,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  ESOCKTNOSUPPORT: 94,
  EAFNOSUPPORT: 97,
  ECANCELED: 125,
} as const;
