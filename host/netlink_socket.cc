// netlink_socket.cc - the netlink system calls the host performs for wasm
//
// The only code of the project that touches the kernel's sockets. It creates
// AF_NETLINK sockets and nothing else, and never blocks without a way out:
// a blocking receive waits in poll(2) together with a wake-up eventfd, so a
// worker stuck in recvmsg can be released by another thread.
#include "netlink_socket.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "netns.h"

namespace nlhost {

namespace {

int result(long r)
{
	return r < 0 ? -errno : static_cast<int>(r);
}

}  // namespace

long monotonic_ms()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int wait_ready(int fd, short events, int timeout_ms, int wake_fd)
{
	struct pollfd p[2] = {{fd, events, 0}, {wake_fd, POLLIN, 0}};
	nfds_t n = wake_fd >= 0 ? 2 : 1;
	long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : -1;

	for (;;) {
		int left = deadline < 0 ? -1 : static_cast<int>(deadline - monotonic_ms());
		if (deadline >= 0 && left < 0)
			left = 0;
		int r = ::poll(p, n, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (n == 2 && p[1].revents)
			return -ECANCELED;
		if (r == 0)
			return -EAGAIN;
		return 0;
	}
}

// --- creation and teardown -------------------------------------------------

int socket_open(int family, int type, int protocol, int netns_fd)
{
	if (family != AF_NETLINK)
		return -EAFNOSUPPORT;
	if (netns_fd >= 0)
		return netns_socket(netns_fd, family, type, protocol);
	return result(::socket(family, type, protocol));
}

int socket_close(int fd)
{
	return result(::close(fd));
}

// --- addressing and options ------------------------------------------------

int socket_bind(int fd, const void *addr, uint32_t len)
{
	return result(::bind(fd, static_cast<const sockaddr *>(addr), len));
}

int socket_connect(int fd, const void *addr, uint32_t len)
{
	return result(::connect(fd, static_cast<const sockaddr *>(addr), len));
}

int socket_getsockname(int fd, void *addr, uint32_t *len)
{
	socklen_t l = *len;
	int r = result(::getsockname(fd, static_cast<sockaddr *>(addr), &l));
	*len = l;
	return r;
}

int socket_getsockopt(int fd, int level, int name, void *value, uint32_t *len)
{
	socklen_t l = *len;
	int r = result(::getsockopt(fd, level, name, value, &l));
	*len = l;
	return r;
}

int socket_setsockopt(int fd, int level, int name, const void *value, uint32_t len)
{
	return result(::setsockopt(fd, level, name, value, len));
}

// --- data ------------------------------------------------------------------

static void to_msghdr(const Message &m, struct msghdr &h)
{
	h.msg_name = m.name;
	h.msg_namelen = m.name ? m.namelen : 0;
	h.msg_iov = m.iov;
	h.msg_iovlen = m.iovlen;
	h.msg_control = m.control;
	h.msg_controllen = m.control ? m.controllen : 0;
	h.msg_flags = 0;
}

long socket_sendmsg(int fd, Message &m, int flags)
{
	struct msghdr h;
	to_msghdr(m, h);
	for (;;) {
		long r = ::sendmsg(fd, &h, flags | MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? -errno : r;
	}
}

long socket_recvmsg(int fd, Message &m, int flags, bool block, int timeout_ms,
		    int wake_fd)
{
	for (;;) {
		struct msghdr h;
		to_msghdr(m, h);
		// Never block inside the kernel: waiting happens in wait_ready(),
		// where another thread can interrupt it.
		long r = ::recvmsg(fd, &h, flags | MSG_DONTWAIT);
		if (r >= 0) {
			m.namelen = h.msg_namelen;
			m.controllen = h.msg_controllen;
			m.flags = h.msg_flags;
			return r;
		}
		if (errno == EINTR)
			continue;
		if ((errno != EAGAIN && errno != EWOULDBLOCK) || !block)
			return -errno;
		int w = wait_ready(fd, POLLIN, timeout_ms, wake_fd);
		if (w < 0)
			return w;
	}
}

int socket_poll(struct pollfd *fds, size_t nfds, int timeout_ms, int wake_fd)
{
	std::vector<struct pollfd> all(fds, fds + nfds);
	if (wake_fd >= 0)
		all.push_back({wake_fd, POLLIN, 0});
	long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : -1;

	for (;;) {
		int left = deadline < 0 ? -1 : static_cast<int>(deadline - monotonic_ms());
		if (deadline >= 0 && left < 0)
			left = 0;
		int r = ::poll(all.data(), all.size(), left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (wake_fd >= 0 && all.back().revents)
			return -ECANCELED;
		for (size_t i = 0; i < nfds; i++)
			fds[i].revents = all[i].revents;
		return r;
	}
}

// --- descriptor flags --------------------------------------------------------

int socket_get_flags(int fd)
{
	return result(::fcntl(fd, F_GETFL));
}

int socket_set_nonblocking(int fd, bool nonblocking)
{
	int fl = ::fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	fl = nonblocking ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return result(::fcntl(fd, F_SETFL, fl));
}

}  // namespace nlhost
