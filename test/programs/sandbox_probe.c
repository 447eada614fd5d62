/*
 * sandbox_probe.c - tries everything a libnl program might reach for and
 * prints what happened, one line per attempt ("what: ok" or "what: errno
 * NAME"). Under libnl-wasm exec only netlink sockets and the read-only
 * allow-list of files exist; natively (as root) everything succeeds, which
 * shows that the refusals come from the sandbox and not from the machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

static const char *errname(int e)
{
	switch (e) {
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EACCES: return "EACCES";
	case ENOENT: return "ENOENT";
	case EROFS: return "EROFS";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	default: return "other";
	}
}

static void report(const char *what, int r)
{
	if (r >= 0)
		printf("%s: ok\n", what);
	else
		printf("%s: errno %s\n", what, errname(errno));
}

static void try_socket(const char *what, int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	report(what, fd);
	if (fd >= 0)
		close(fd);
}

static void try_open(const char *what, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	report(what, fd);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char buf[16];
	int fd;

	setvbuf(stdout, NULL, _IONBF, 0);
	try_socket("socket AF_NETLINK NETLINK_ROUTE", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	try_socket("socket AF_NETLINK NETLINK_GENERIC", AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	try_socket("socket AF_INET SOCK_STREAM", AF_INET, SOCK_STREAM, 0);
	try_socket("socket AF_INET SOCK_DGRAM", AF_INET, SOCK_DGRAM, 0);
	try_socket("socket AF_INET6 SOCK_DGRAM", AF_INET6, SOCK_DGRAM, 0);
	try_socket("socket AF_UNIX SOCK_STREAM", AF_UNIX, SOCK_STREAM, 0);
	try_socket("socket AF_PACKET SOCK_RAW", AF_PACKET, SOCK_RAW, 0);

	try_open("open /etc/protocols read", "/etc/protocols", O_RDONLY);
	try_open("open /etc/libnl/classid read", "/etc/libnl/classid", O_RDONLY);
	try_open("open /etc/passwd read", "/etc/passwd", O_RDONLY);
	try_open("open /etc/shadow read", "/etc/shadow", O_RDONLY);
	try_open("open /proc/self/environ read", "/proc/self/environ", O_RDONLY);
	try_open("open /etc/../etc/passwd read", "/etc/../etc/passwd", O_RDONLY);
	try_open("open /etc/libnl/../../etc/passwd read", "/etc/libnl/../../etc/passwd", O_RDONLY);
	try_open("open /etc/protocols write", "/etc/protocols", O_WRONLY);
	try_open("open /etc/protocols append", "/etc/protocols", O_WRONLY | O_APPEND);
	try_open("create /etc/lnw-sandbox-probe", "/etc/lnw-sandbox-probe", O_WRONLY | O_CREAT);
	try_open("create /var/tmp/lnw-sandbox-probe", "/var/tmp/lnw-sandbox-probe", O_WRONLY | O_CREAT);
	report("unlink /etc/lnw-sandbox-probe", unlink("/etc/lnw-sandbox-probe"));

	/* The private /tmp: writable, and gone with the instance. */
	fd = open("/tmp/sandbox-probe", O_RDWR | O_CREAT | O_TRUNC, 0600);
	report("create /tmp/sandbox-probe", fd);
	if (fd >= 0) {
		report("write /tmp/sandbox-probe", (int)write(fd, "hello", 5));
		lseek(fd, 0, SEEK_SET);
		memset(buf, 0, sizeof(buf));
		report("read back /tmp/sandbox-probe", read(fd, buf, sizeof(buf) - 1) == 5 && !strcmp(buf, "hello") ? 0 : -1);
		close(fd);
		unlink("/tmp/sandbox-probe");
	}
	return 0;
}
