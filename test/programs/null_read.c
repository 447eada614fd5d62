/*
 * null_read.c - reads through a NULL pointer, as libnl 3.7.0's
 * veth_dump_details() did: natively a segfault; in WebAssembly a silent
 * read of address 0 unless built in checked mode (SAFE_HEAP), which traps.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile int *p = argc > 5 ? (int *)argv : NULL;

	printf("value %d\n", *p);
	return 0;
}
