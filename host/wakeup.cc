// wakeup.cc - eventfds that release a worker blocked in recvmsg, poll or a sleep
#include "wakeup.h"

#include <cerrno>
#include <cstdint>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
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

int wakeup_wait(int fd, long sec, long nsec)
{
	struct timespec end, now, left;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += sec;
	end.tv_nsec += nsec;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		if (sec >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left.tv_sec = end.tv_sec - now.tv_sec;
			left.tv_nsec = end.tv_nsec - now.tv_nsec;
			if (left.tv_nsec < 0) {
				left.tv_sec--;
				left.tv_nsec += 1000000000L;
			}
			if (left.tv_sec < 0)
				return 0;
		}
		struct pollfd p = {fd, POLLIN, 0};
		int r = ::ppoll(&p, 1, sec >= 0 ? &left : nullptr, nullptr);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r > 0)
			return -ECANCELED;
		if (sec >= 0)
			return 0;
	}
}

}  // namespace nlhost
