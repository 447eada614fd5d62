// dump_readahead.cc - receiving a netlink dump ahead of the wasm parser
//
// See dump_readahead.h for why. A reader thread lives for one multipart
// reply: the consumer's own (direct) receive of a datagram that continues a
// multipart reply starts it, and it ends after the datagram that ends the
// reply, on a receive error (queued, so the consumer gets it in order), or
// when the socket is forgotten. It never holds more than kMaxAhead datagrams:
// beyond that the kernel keeps the rest, as it would without read-ahead.
#include "dump_readahead.h"

#include <cerrno>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nlhost {

namespace {

constexpr size_t kMaxAhead = 32;
// Room for the control messages a netlink socket can be asked to pass
// (NETLINK_PKTINFO, credentials, ...); more is reported as MSG_CTRUNC.
constexpr size_t kControlRoom = 512;

struct Datagram {
	long error = 0;			// a receive error to hand over in order
	std::vector<uint8_t> data;	// the whole datagram
	struct sockaddr_nl name{};
	uint32_t namelen = 0;
	std::vector<uint8_t> control;
	int flags = 0;			// msg_flags as received
};

struct Reader {
	int fd;
	napi_env owner;
	std::mutex mu;
	std::condition_variable room;	// the reader waits here while the queue is full
	std::deque<Datagram> queue;
	bool running = false;
	bool stopping = false;
	int ready_fd;	// eventfd: a datagram was queued or the reader ended
	int stop_fd;	// eventfd: interrupts the reader's wait for the kernel
	pthread_t thread;
	bool joinable = false;	// a thread was started and not joined yet

	Reader(int fd, napi_env owner)
		: fd(fd), owner(owner), ready_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
		  stop_fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
	~Reader()
	{
		if (ready_fd >= 0)
			::close(ready_fd);
		if (stop_fd >= 0)
			::close(stop_fd);
	}
};

std::mutex registry_mu;
std::unordered_map<int, std::shared_ptr<Reader>> registry;
// registry.size(), read without the lock: every recvmsg and poll of every
// instance asks, and most processes never turn read-ahead on.
std::atomic<size_t> registered{0};

std::shared_ptr<Reader> find(int fd)
{
	if (!registered.load(std::memory_order_acquire))
		return nullptr;
	std::lock_guard<std::mutex> lock(registry_mu);
	auto it = registry.find(fd);
	return it == registry.end() ? nullptr : it->second;
}

void signal(int efd)
{
	uint64_t one = 1;
	(void)!::write(efd, &one, sizeof(one));
}

void drain(int efd)
{
	uint64_t n;
	(void)!::read(efd, &n, sizeof(n));
}

// True when the datagram's messages are parts of a multipart reply and none
// of them ends it; false for anything else (single messages, DONE, errors,
// a malformed datagram), so that the reader never runs past a reply's end.
bool continues_multipart(const uint8_t *p, size_t len)
{
	size_t off = 0;
	if (len < sizeof(struct nlmsghdr))
		return false;
	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;
		std::memcpy(&h, p + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len - off)
			return false;
		if (!(h.nlmsg_flags & NLM_F_MULTI) || h.nlmsg_type == NLMSG_DONE ||
		    h.nlmsg_type == NLMSG_ERROR)
			return false;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	return true;
}

// One datagram received whole: its size is peeked first (as libnl does).
Datagram receive_one(Reader &r)
{
	Datagram d;
	Message peek{};
	long n = socket_recvmsg(r.fd, peek, MSG_PEEK | MSG_TRUNC, true, -1, r.stop_fd);
	if (n < 0) {
		d.error = n;
		return d;
	}
	d.data.resize(static_cast<size_t>(n));
	d.control.resize(kControlRoom);
	struct iovec iov = {d.data.data(), d.data.size()};
	Message m{};
	m.iov = &iov;
	m.iovlen = 1;
	m.name = &d.name;
	m.namelen = sizeof(d.name);
	m.control = d.control.data();
	m.controllen = d.control.size();
	n = socket_recvmsg(r.fd, m, 0, false, 0, -1);
	if (n < 0) {
		d.error = n;
		d.data.clear();
		return d;
	}
	d.data.resize(static_cast<size_t>(n));
	d.namelen = m.namelen;
	d.control.resize(m.controllen);
	d.flags = m.flags;
	return d;
}

void run(const std::shared_ptr<Reader> &r)
{
	for (;;) {
		{
			std::unique_lock<std::mutex> lock(r->mu);
			r->room.wait(lock, [&] { return r->stopping || r->queue.size() < kMaxAhead; });
			if (r->stopping)
				break;
		}
		Datagram d = receive_one(*r);
		if (d.error == -ECANCELED)
			break;
		bool more = !d.error && continues_multipart(d.data.data(), d.data.size());
		{
			std::lock_guard<std::mutex> lock(r->mu);
			r->queue.push_back(std::move(d));
		}
		signal(r->ready_fd);
		if (!more)
			break;
	}
	{
		std::lock_guard<std::mutex> lock(r->mu);
		r->running = false;
	}
	signal(r->ready_fd);
}

void *reader_main(void *arg)
{
	std::unique_ptr<std::shared_ptr<Reader>> r(static_cast<std::shared_ptr<Reader> *>(arg));
	run(*r);
	return nullptr;
}

// Starts the reader; without a thread (none to be had) the socket is just
// read directly, as without read-ahead.
void start(const std::shared_ptr<Reader> &r)
{
	auto *arg = new std::shared_ptr<Reader>(r);
	std::lock_guard<std::mutex> lock(r->mu);
	r->running = true;
	if (pthread_create(&r->thread, nullptr, reader_main, arg) == 0) {
		r->joinable = true;
	} else {
		r->running = false;
		delete arg;
	}
}

void join(Reader &r)
{
	if (r.joinable) {
		pthread_join(r.thread, nullptr);
		r.joinable = false;
	}
}

// Copies the head datagram out like recvmsg(2) would; pops it unless peeking.
long deliver(Reader &r, Message &m, int flags)
{
	Datagram &d = r.queue.front();
	long result = d.error;
	if (!result) {
		size_t copied = 0;
		for (size_t i = 0; i < m.iovlen && copied < d.data.size(); i++) {
			size_t n = std::min(m.iov[i].iov_len, d.data.size() - copied);
			std::memcpy(m.iov[i].iov_base, d.data.data() + copied, n);
			copied += n;
		}
		int mflags = d.flags;
		if (copied < d.data.size())
			mflags |= MSG_TRUNC;
		if (m.name) {
			std::memcpy(m.name, &d.name, std::min<size_t>(m.namelen, d.namelen));
			m.namelen = d.namelen;
		}
		size_t control = m.control ? std::min(m.controllen, d.control.size()) : 0;
		if (control)
			std::memcpy(m.control, d.control.data(), control);
		if (control < d.control.size())
			mflags |= MSG_CTRUNC;
		m.controllen = control;
		m.flags = mflags;
		result = (flags & MSG_TRUNC) ? static_cast<long>(d.data.size()) : static_cast<long>(copied);
	}
	// An error is reported once, peeked or not, as the kernel does.
	if (!(flags & MSG_PEEK) || d.error) {
		r.queue.pop_front();
		r.room.notify_one();
	}
	return result;
}

void stop(Reader &r)
{
	{
		std::lock_guard<std::mutex> lock(r.mu);
		r.stopping = true;
	}
	r.room.notify_all();
	signal(r.stop_fd);
	join(r);
}

}  // namespace

int readahead_enable(int fd, napi_env owner)
{
	std::lock_guard<std::mutex> lock(registry_mu);
	if (registry.count(fd))
		return 0;
	auto r = std::make_shared<Reader>(fd, owner);
	if (r->ready_fd < 0 || r->stop_fd < 0)
		return -errno;
	registry.emplace(fd, std::move(r));
	registered.store(registry.size(), std::memory_order_release);
	return 0;
}

long readahead_recvmsg(int fd, Message &m, int flags, bool block, int timeout_ms,
		       int wake_fd)
{
	std::shared_ptr<Reader> r = find(fd);
	if (!r)
		return socket_recvmsg(fd, m, flags, block, timeout_ms, wake_fd);
	long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : -1;
	auto left = [&] { return deadline < 0 ? -1 : static_cast<int>(std::max(0L, deadline - monotonic_ms())); };
	for (;;) {
		{
			std::lock_guard<std::mutex> lock(r->mu);
			if (!r->queue.empty())
				return deliver(*r, m, flags);
			if (!r->running)
				break;
		}
		if (!block || (flags & MSG_DONTWAIT))
			return -EAGAIN;
		int w = wait_ready(r->ready_fd, POLLIN, left(), wake_fd);
		if (w < 0)
			return w;
		drain(r->ready_fd);
	}
	// No reader: the previous one (if any) has ended and its queue is empty.
	join(*r);
	long n = socket_recvmsg(fd, m, flags, block, left(), wake_fd);
	if (n > 0 && !(flags & MSG_PEEK) && !(m.flags & MSG_TRUNC) && m.iovlen >= 1 &&
	    m.iov[0].iov_len >= static_cast<size_t>(n) &&
	    continues_multipart(static_cast<const uint8_t *>(m.iov[0].iov_base), static_cast<size_t>(n)))
		start(r);
	return n;
}

int readahead_poll(struct pollfd *fds, size_t nfds, int timeout_ms, int wake_fd)
{
	if (!registered.load(std::memory_order_acquire))
		return socket_poll(fds, nfds, timeout_ms, wake_fd);
	// Each socket whose reader is receiving is also waited for through the
	// reader's ready_fd, added after the caller's entries.
	std::vector<struct pollfd> all(fds, fds + nfds);
	std::vector<size_t> waits_for;
	std::vector<bool> queued(nfds, false);
	bool any_queued = false;

	for (size_t i = 0; i < nfds; i++) {
		if (!(fds[i].events & POLLIN))
			continue;
		std::shared_ptr<Reader> r = find(fds[i].fd);
		if (!r)
			continue;
		std::lock_guard<std::mutex> lock(r->mu);
		if (!r->queue.empty()) {
			queued[i] = any_queued = true;
		} else if (r->running) {
			// Stale wake-ups go first; one the reader sends from now on stays.
			drain(r->ready_fd);
			all.push_back({r->ready_fd, POLLIN, 0});
			waits_for.push_back(i);
		}
	}
	if (all.size() == nfds && !any_queued)
		return socket_poll(fds, nfds, timeout_ms, wake_fd);
	int n = socket_poll(all.data(), all.size(), any_queued ? 0 : timeout_ms, wake_fd);
	if (n < 0)
		return n;
	for (size_t k = 0; k < waits_for.size(); k++)
		if (all[nfds + k].revents)
			queued[waits_for[k]] = true;
	n = 0;
	for (size_t i = 0; i < nfds; i++) {
		fds[i].revents = all[i].revents | (queued[i] ? POLLIN : 0);
		if (fds[i].revents)
			n++;
	}
	return n;
}

void readahead_forget(int fd)
{
	std::shared_ptr<Reader> r;
	{
		std::lock_guard<std::mutex> lock(registry_mu);
		auto it = registry.find(fd);
		if (it == registry.end())
			return;
		r = std::move(it->second);
		registry.erase(it);
		registered.store(registry.size(), std::memory_order_release);
	}
	stop(*r);
}

void readahead_forget_owner(napi_env owner)
{
	std::vector<std::shared_ptr<Reader>> gone;
	{
		std::lock_guard<std::mutex> lock(registry_mu);
		for (auto it = registry.begin(); it != registry.end();) {
			if (it->second->owner == owner) {
				gone.push_back(std::move(it->second));
				it = registry.erase(it);
			} else {
				++it;
			}
		}
		registered.store(registry.size(), std::memory_order_release);
	}
	for (auto &r : gone)
		stop(*r);
}

}  // namespace nlhost
