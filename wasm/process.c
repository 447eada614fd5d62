/*
 * process.c - process identity as libnl expects it on Linux
 *
 * emscripten's getpid() is a stub returning 42 for every instance. libnl
 * derives netlink port ids from it, so instances in one Node process would
 * compete for the same ports; the host hands out a pid per instance instead.
 * getpagesize() is 65536 (the wasm page); libnl sizes its receive buffers
 * from it, so report Linux's 4096 to read datagrams the way native libnl does.
 */
#include <unistd.h>

#include "nlhost.h"

pid_t getpid(void)
{
	return nlhost_proc_getpid();
}

int getpagesize(void)
{
	return 4096;
}
