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

#endif
