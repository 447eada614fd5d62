// netns.cc - network namespaces for the sockets of a wasm instance
#include "netns.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sockios.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <thread>
#include <unistd.h>

namespace nlhost {

namespace {

// Runs fn() on a new thread and returns its result: namespace changes made
// there die with the thread.
template <typename F> int on_helper_thread(F fn)
{
	int r = -EINVAL;
	std::thread t([&] { r = fn(); });
	t.join();
	return r;
}

}  // namespace

int netns_open(const char *path)
{
	int fd = ::open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int type = ::ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		::close(fd);
		return -EINVAL;
	}
	return fd;
}

int netns_socket(int netns_fd, int family, int type, int protocol)
{
	return on_helper_thread([=] {
		if (::setns(netns_fd, CLONE_NEWNET) < 0)
			return -errno;
		int fd = ::socket(family, type, protocol);
		return fd < 0 ? -errno : fd;
	});
}

int netns_create()
{
	return on_helper_thread([] {
		if (::unshare(CLONE_NEWNET) < 0)
			return -errno;
		// A socket's namespace can be named without touching /proc.
		int s = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (s < 0)
			return -errno;
		int ns = ::ioctl(s, SIOCGSKNS);
		int err = errno;
		::close(s);
		return ns < 0 ? -err : ns;
	});
}

}  // namespace nlhost
