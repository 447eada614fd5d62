/*
 * linux_errno.h - translation of Linux errno numbers (see linux_errno.c)
 */
#ifndef NLWASM_LINUX_ERRNO_H
#define NLWASM_LINUX_ERRNO_H

/* Linux errno value (either sign) to this libc's value, sign kept. The libnl
 * patch 0001 calls this where it decodes struct nlmsgerr. */
int nl_errno_from_linux(int err);

/* This libc's errno value (either sign) to Linux's, sign kept; unknown
 * values unchanged. libnl patch 0007 calls this for the exit status of
 * libnl's tools (nl_cli_fatal). */
int nl_errno_to_linux(int err);

#endif
