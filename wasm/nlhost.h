/*
 * nlhost.h - the host ABI: what a libnl WebAssembly instance imports
 *
 * Every function here is a WebAssembly import from the module "nlhost";
 * the import name is the part after "nlhost_".
 * docs/host-abi.md is the reference; this header and that page must agree.
 *
 * Conventions shared by all imports:
 *  - integers are i32; pointers are offsets into the instance's memory and
 *    point at wasm32 layouts (struct msghdr is 28 bytes, iovec 8, ...). The
 *    host translates to its own layouts; nothing here is x86_64-shaped.
 *  - a socket is named by the host's handle (a small non-negative integer the
 *    host chose in nlhost.sock_open), not by the instance's libc fd.
 *  - failure is a negative return value, -errno in Linux numbering, which
 *    is also this libc's (vendor/emscripten/linux_errno_sysroot.py).
 */
#ifndef NLWASM_NLHOST_H
#define NLWASM_NLHOST_H

#include <stdint.h>

#define NLHOST_IMPORT(name) \
	__attribute__((import_module("nlhost"), import_name(#name)))

/* `type` may carry NLHOST_SOCK_LIBC: a socket the C library opens for
 * itself (interfaces.c), left out of traces as glibc's own are natively. */
#define NLHOST_SOCK_LIBC 0x40000000
NLHOST_IMPORT(sock_open)
int32_t nlhost_sock_open(int32_t domain, int32_t type, int32_t protocol);
NLHOST_IMPORT(sock_close)
int32_t nlhost_sock_close(int32_t handle);
NLHOST_IMPORT(sock_bind)
int32_t nlhost_sock_bind(int32_t handle, const void *addr, uint32_t addrlen);
NLHOST_IMPORT(sock_connect)
int32_t nlhost_sock_connect(int32_t handle, const void *addr, uint32_t addrlen);
NLHOST_IMPORT(sock_getsockname)
int32_t nlhost_sock_getsockname(int32_t handle, void *addr, uint32_t *addrlen);
NLHOST_IMPORT(sock_getsockopt)
int32_t nlhost_sock_getsockopt(int32_t handle, int32_t level, int32_t name,
			  void *value, uint32_t *len);
NLHOST_IMPORT(sock_setsockopt)
int32_t nlhost_sock_setsockopt(int32_t handle, int32_t level, int32_t name,
			  const void *value, uint32_t len);
NLHOST_IMPORT(sock_sendto)
int32_t nlhost_sock_sendto(int32_t handle, const void *buf, uint32_t len,
		      int32_t flags, const void *addr, uint32_t addrlen);
NLHOST_IMPORT(sock_recvfrom)
int32_t nlhost_sock_recvfrom(int32_t handle, void *buf, uint32_t len, int32_t flags,
			void *addr, uint32_t *addrlen);
NLHOST_IMPORT(sock_sendmsg)
int32_t nlhost_sock_sendmsg(int32_t handle, const void *msghdr, int32_t flags);
NLHOST_IMPORT(sock_recvmsg)
int32_t nlhost_sock_recvmsg(int32_t handle, void *msghdr, int32_t flags);
/* pollfd array whose fd fields hold host handles (or -1 to skip an entry). */
NLHOST_IMPORT(sock_poll)
int32_t nlhost_sock_poll(void *fds, uint32_t nfds, int32_t timeout_ms);
/* F_GETFL and F_SETFL (O_NONBLOCK only, Linux flag values). */
NLHOST_IMPORT(sock_fcntl)
int32_t nlhost_sock_fcntl(int32_t handle, int32_t cmd, int32_t arg);
/* The pid this instance reports: unique among live instances of a process. */
NLHOST_IMPORT(proc_getpid)
int32_t nlhost_proc_getpid(void);
/* unshare(CLONE_NEWNET): sockets created afterwards live in a new, empty
 * network namespace owned by this instance. Other flags: -EINVAL. */
NLHOST_IMPORT(netns_unshare)
int32_t nlhost_netns_unshare(int32_t flags);

/*
 * Waiting and signals. Signals 1 to 32 are named by bit (sig - 1) in the
 * masks. A blocking call of the host (sock_recvfrom, sock_recvmsg,
 * sock_poll, proc_sleep) ends with -EINTR as soon as a signal is pending
 * that the program neither blocks nor ignores; the caller then takes it with
 * signal_take() and runs its handler (signals.c).
 */

/* Sleeps sec seconds and nsec nanoseconds (sec < 0: until a signal).
 * 0 when the time has passed, -EINTR for a signal as above or one in
 * `waited` (sigwait()). */
NLHOST_IMPORT(proc_sleep)
int32_t nlhost_proc_sleep(int32_t sec, int32_t nsec, uint32_t waited);
/* What the program does on signal sig: NLHOST_SIG_DEFAULT, _IGNORE or
 * _CATCH, and which signals it blocks, so that whoever sends a signal can
 * act on it as the kernel would while the program computes. */
#define NLHOST_SIG_DEFAULT 0
#define NLHOST_SIG_IGNORE 1
#define NLHOST_SIG_CATCH 2
NLHOST_IMPORT(signal_action)
int32_t nlhost_signal_action(int32_t sig, int32_t action);
NLHOST_IMPORT(signal_mask)
int32_t nlhost_signal_mask(uint32_t blocked);
/* Makes sig pending (raise()). */
NLHOST_IMPORT(signal_raise)
int32_t nlhost_signal_raise(int32_t sig);
/* The pending signals. */
NLHOST_IMPORT(signal_pending)
uint32_t nlhost_signal_pending(void);
/* Takes the lowest pending signal in `wanted`: its number, or 0. */
NLHOST_IMPORT(signal_take)
int32_t nlhost_signal_take(uint32_t wanted);
/* Ends the program as the default action of sig does (status 128 + sig). */
NLHOST_IMPORT(signal_exit)
__attribute__((noreturn)) void nlhost_signal_exit(int32_t sig);
/* alarm(seconds): SIGALRM when they have passed (0 cancels). Returns the
 * seconds the previous alarm had left, rounded as Linux rounds them. */
NLHOST_IMPORT(alarm_set)
uint32_t nlhost_alarm_set(uint32_t seconds);

#endif
