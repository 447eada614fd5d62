/*
 * terminal.c - isatty() with Linux's errno
 *
 * emscripten's isatty() sets errno to WASI's ENOTTY, written as a number
 * (59, EBFONT in Linux numbering), whatever errno.h says. This one asks the
 * terminal ioctl, as glibc's does, and leaves its errno: ENOTTY or EBADF.
 */
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int isatty(int fd)
{
	struct termios t;

	return ioctl(fd, TCGETS, &t) == 0;
}
