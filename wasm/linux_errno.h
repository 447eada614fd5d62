/*
 * linux_errno.h - translation of Linux errno numbers (see linux_errno.c)
 */
#ifndef NLWASM_LINUX_ERRNO_H
#define NLWASM_LINUX_ERRNO_H

/* Linux errno value (either sign) to this libc's value, sign kept. The libnl
 * patch 0001 calls this where it decodes struct nlmsgerr. */
int nl_errno_from_linux(int err);

#endif
