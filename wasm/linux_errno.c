/*
 * linux_errno.c - Linux errno numbers to this libc's errno numbers, and back
 *
 * The kernel (NLMSG_ERROR payloads) and the host ABI (negative returns of the
 * nlhost imports) speak Linux errno numbering; emscripten's libc numbers errno
 * the WASI way (EEXIST is 17 on Linux, 20 here). This is the one place that
 * translates. The table is generated at build time from the Linux uapi
 * headers, so every number the kernel can send is covered.
 */
#include <errno.h>
#include <stddef.h>

#include "linux_errno.h"

int nl_errno_from_linux(int err)
{
	int neg = err < 0;
	int e = neg ? -err : err;

	switch (e) {
	case 0:
		return 0;
#define X(name, num) \
	case num:    \
		e = name; \
		break;
#include "linux_errno_table.h"
#undef X
	default:
		/* Unknown to this libc: keep a recognisable failure. */
		e = EIO;
		break;
	}
	return neg ? -e : e;
}

static const struct {
	int libc;
	int linux_num;
} linux_numbers[] = {
#define X(name, num) { name, num },
#include "linux_errno_table.h"
#undef X
};

int nl_errno_to_linux(int err)
{
	int neg = err < 0;
	int e = neg ? -err : err;
	size_t i;

	/* A table, not a switch: if this libc gave two of Linux's names one
	 * number, a switch would not compile; here the first one wins. */
	for (i = 0; i < sizeof(linux_numbers) / sizeof(linux_numbers[0]); i++)
		if (linux_numbers[i].libc == e)
			return neg ? -linux_numbers[i].linux_num : linux_numbers[i].linux_num;
	return err;
}
