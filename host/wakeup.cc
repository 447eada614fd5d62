// wakeup.cc - eventfds that release a worker blocked in recvmsg or poll
#include "wakeup.h"

#include <cerrno>
#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

namespace nlhost {

int wakeup_create()
{
	int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int wakeup_signal(int fd)
{
	uint64_t one = 1;
	return ::write(fd, &one, sizeof(one)) < 0 ? -errno : 0;
}

int wakeup_reset(int fd)
{
	uint64_t v;
	if (::read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

}  // namespace nlhost
