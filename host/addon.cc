// addon.cc - the JavaScript face of the native host (node-addon-api)
//
// Unpacks arguments, checks that every buffer range lies inside the buffer it
// names, and calls netlink_socket / netns / wakeup. Buffers in wasm memory are
// used in place (no copy); the memory's ArrayBuffer is passed on every call
// and never kept, because wasm memory growth replaces it.
//
// Context-aware: its only state, the read-ahead readers (dump_readahead),
// is keyed by file descriptor and cleaned up per context, so it loads in any
// number of worker threads at once. Every function returns a number: >= 0 on success,
// -errno (Linux numbering) on failure. Argument errors throw TypeError.
#include <napi.h>

#include <atomic>
#include <cerrno>
#include <poll.h>
#include <sched.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "dump_readahead.h"
#include "named_netns.h"
#include "netlink_socket.h"
#include "netns.h"
#include "wakeup.h"

namespace {

using Napi::CallbackInfo;
using Napi::Value;

bool fail(const CallbackInfo &info, const char *what)
{
	Napi::TypeError::New(info.Env(), what).ThrowAsJavaScriptException();
	return false;
}

bool get_int(const CallbackInfo &info, size_t i, int &out)
{
	if (i >= info.Length() || !info[i].IsNumber())
		return fail(info, "expected a number argument");
	out = info[i].As<Napi::Number>().Int32Value();
	return true;
}

// A byte range of a typed array (or null when allowed).
bool get_bytes(const CallbackInfo &info, size_t i, uint8_t *&data, size_t &len,
	       bool nullable)
{
	if (nullable && (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined())) {
		data = nullptr;
		len = 0;
		return true;
	}
	if (i >= info.Length() || !info[i].IsTypedArray())
		return fail(info, "expected a typed array argument");
	auto a = info[i].As<Napi::TypedArray>();
	data = static_cast<uint8_t *>(a.ArrayBuffer().Data()) + a.ByteOffset();
	len = a.ByteLength();
	return true;
}

Value num(const CallbackInfo &info, long v)
{
	return Napi::Number::New(info.Env(), static_cast<double>(v));
}

// iov: Uint32Array of (offset, length) pairs into `memory`.
bool get_iov(const CallbackInfo &info, size_t mem_i, size_t iov_i, size_t count_i,
	     std::vector<struct iovec> &iov)
{
	if (!info[mem_i].IsArrayBuffer())
		return fail(info, "expected the wasm memory ArrayBuffer");
	auto mem = info[mem_i].As<Napi::ArrayBuffer>();
	uint8_t *base = static_cast<uint8_t *>(mem.Data());
	size_t size = mem.ByteLength();
	if (!info[iov_i].IsTypedArray() ||
	    info[iov_i].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
		return fail(info, "expected a Uint32Array of iovecs");
	auto pairs = info[iov_i].As<Napi::Uint32Array>();
	int count;
	if (!get_int(info, count_i, count))
		return false;
	if (count < 0 || static_cast<size_t>(count) * 2 > pairs.ElementLength())
		return fail(info, "iovec count out of range");
	iov.resize(count);
	for (int k = 0; k < count; k++) {
		uint64_t off = pairs[2 * k], len = pairs[2 * k + 1];
		if (off + len > size)
			return false;  // caller reports EFAULT
		iov[k].iov_base = base + off;
		iov[k].iov_len = len;
	}
	return true;
}

// --- sockets ---------------------------------------------------------------

Value Socket(const CallbackInfo &info)
{
	int family, type, protocol, netns;
	if (!get_int(info, 0, family) || !get_int(info, 1, type) ||
	    !get_int(info, 2, protocol) || !get_int(info, 3, netns))
		return info.Env().Undefined();
	return num(info, nlhost::socket_open(family, type, protocol, netns));
}

Value Close(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	nlhost::readahead_forget(fd);
	return num(info, nlhost::socket_close(fd));
}

Value ReadAhead(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	return num(info, nlhost::readahead_enable(fd, info.Env()));
}

template <int (*Call)(int, const void *, uint32_t)>
Value AddressCall(const CallbackInfo &info)
{
	int fd;
	uint8_t *addr;
	size_t len;
	if (!get_int(info, 0, fd) || !get_bytes(info, 1, addr, len, false))
		return info.Env().Undefined();
	return num(info, Call(fd, addr, static_cast<uint32_t>(len)));
}

Value GetSockName(const CallbackInfo &info)
{
	int fd;
	uint8_t *addr;
	size_t len;
	if (!get_int(info, 0, fd) || !get_bytes(info, 1, addr, len, false))
		return info.Env().Undefined();
	uint32_t l = static_cast<uint32_t>(len);
	int r = nlhost::socket_getsockname(fd, addr, &l);
	return num(info, r < 0 ? r : static_cast<long>(l));
}

Value GetSockOpt(const CallbackInfo &info)
{
	int fd, level, name;
	uint8_t *value;
	size_t len;
	if (!get_int(info, 0, fd) || !get_int(info, 1, level) || !get_int(info, 2, name) ||
	    !get_bytes(info, 3, value, len, false))
		return info.Env().Undefined();
	uint32_t l = static_cast<uint32_t>(len);
	int r = nlhost::socket_getsockopt(fd, level, name, value, &l);
	return num(info, r < 0 ? r : static_cast<long>(l));
}

Value SetSockOpt(const CallbackInfo &info)
{
	int fd, level, name;
	uint8_t *value;
	size_t len;
	if (!get_int(info, 0, fd) || !get_int(info, 1, level) || !get_int(info, 2, name) ||
	    !get_bytes(info, 3, value, len, false))
		return info.Env().Undefined();
	return num(info, nlhost::socket_setsockopt(fd, level, name, value,
						   static_cast<uint32_t>(len)));
}

// sendmsg(fd, memory, iov, iovCount, name|null, control|null, flags)
Value SendMsg(const CallbackInfo &info)
{
	int fd, flags;
	std::vector<struct iovec> iov;
	nlhost::Message m{};
	uint8_t *name, *control;
	size_t namelen, controllen;
	if (!get_int(info, 0, fd) || !get_bytes(info, 4, name, namelen, true) ||
	    !get_bytes(info, 5, control, controllen, true) || !get_int(info, 6, flags))
		return info.Env().Undefined();
	if (!get_iov(info, 1, 2, 3, iov))
		return info.Env().IsExceptionPending() ? info.Env().Undefined() : num(info, -EFAULT);
	m.iov = iov.data();
	m.iovlen = iov.size();
	m.name = name;
	m.namelen = static_cast<uint32_t>(namelen);
	m.control = control;
	m.controllen = controllen;
	return num(info, nlhost::socket_sendmsg(fd, m, flags));
}

// recvmsg(fd, memory, iov, iovCount, name|null, control|null, flags, block,
//         timeoutMs, wakeFd, out: Int32Array[namelen, controllen, msg_flags])
Value RecvMsg(const CallbackInfo &info)
{
	int fd, flags, timeout, wake;
	std::vector<struct iovec> iov;
	nlhost::Message m{};
	uint8_t *name, *control, *out;
	size_t namelen, controllen, outlen;
	if (!get_int(info, 0, fd) || !get_bytes(info, 4, name, namelen, true) ||
	    !get_bytes(info, 5, control, controllen, true) || !get_int(info, 6, flags) ||
	    !get_int(info, 8, timeout) || !get_int(info, 9, wake) ||
	    !get_bytes(info, 10, out, outlen, false))
		return info.Env().Undefined();
	if (outlen < 3 * sizeof(int32_t)) {
		fail(info, "result array too short");
		return info.Env().Undefined();
	}
	if (!get_iov(info, 1, 2, 3, iov))
		return info.Env().IsExceptionPending() ? info.Env().Undefined() : num(info, -EFAULT);
	bool block = info[7].ToBoolean();
	m.iov = iov.data();
	m.iovlen = iov.size();
	m.name = name;
	m.namelen = static_cast<uint32_t>(namelen);
	m.control = control;
	m.controllen = controllen;
	long r = nlhost::readahead_recvmsg(fd, m, flags, block, timeout, wake);
	if (r >= 0) {
		int32_t *o = reinterpret_cast<int32_t *>(out);
		o[0] = static_cast<int32_t>(m.namelen);
		o[1] = static_cast<int32_t>(m.controllen);
		o[2] = m.flags;
	}
	return num(info, r);
}

// poll(pollfds: Uint8Array of native struct pollfd, timeoutMs, wakeFd)
Value Poll(const CallbackInfo &info)
{
	uint8_t *fds;
	size_t len;
	int timeout, wake;
	if (!get_bytes(info, 0, fds, len, false) || !get_int(info, 1, timeout) ||
	    !get_int(info, 2, wake))
		return info.Env().Undefined();
	return num(info, nlhost::readahead_poll(reinterpret_cast<struct pollfd *>(fds),
						len / sizeof(struct pollfd), timeout, wake));
}

Value GetFlags(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	return num(info, nlhost::socket_get_flags(fd));
}

Value SetNonblocking(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	return num(info, nlhost::socket_set_nonblocking(fd, info[1].ToBoolean()));
}

// --- namespaces --------------------------------------------------------------

Value NetnsOpen(const CallbackInfo &info)
{
	if (info.Length() < 1 || !info[0].IsString()) {
		fail(info, "expected a path");
		return info.Env().Undefined();
	}
	std::string path = info[0].As<Napi::String>();
	return num(info, nlhost::netns_open(path.c_str()));
}

Value NetnsCreate(const CallbackInfo &info)
{
	return num(info, nlhost::netns_create());
}

// Mounting and unsharing are slow system calls: they run on libuv's thread
// pool, and the promise resolves with 0 or -errno.
template <int (*Call)(const char *)> class NameWork : public Napi::AsyncWorker {
public:
	NameWork(Napi::Env env, std::string name)
		: Napi::AsyncWorker(env), name_(std::move(name)), deferred_(Napi::Promise::Deferred::New(env)) {}
	Napi::Promise Promise() { return deferred_.Promise(); }
	void Execute() override { result_ = Call(name_.c_str()); }
	void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), result_)); }

private:
	std::string name_;
	Napi::Promise::Deferred deferred_;
	int result_ = 0;
};

template <int (*Call)(const char *)> Value NameCall(const CallbackInfo &info)
{
	if (info.Length() < 1 || !info[0].IsString()) {
		fail(info, "expected a name");
		return info.Env().Undefined();
	}
	auto *work = new NameWork<Call>(info.Env(), info[0].As<Napi::String>());
	auto promise = work->Promise();
	work->Queue();
	return promise;
}

// Namespace fds and wake-up fds are plain descriptors; closing is shared.
Value CloseFd(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	return num(info, ::close(fd) < 0 ? -errno : 0);
}

// --- wake-ups and identity ----------------------------------------------------

Value WakeupCreate(const CallbackInfo &info)
{
	return num(info, nlhost::wakeup_create());
}

template <int (*Call)(int)> Value FdCall(const CallbackInfo &info)
{
	int fd;
	if (!get_int(info, 0, fd))
		return info.Env().Undefined();
	return num(info, Call(fd));
}

// wakeupWait(fd, seconds, nanoseconds): 0 when the time has passed, -ECANCELED when woken.
Value WakeupWait(const CallbackInfo &info)
{
	int fd, sec, nsec;
	if (!get_int(info, 0, fd) || !get_int(info, 1, sec) || !get_int(info, 2, nsec))
		return info.Env().Undefined();
	return num(info, nlhost::wakeup_wait(fd, sec, nsec));
}

// Process-wide, shared by every worker: pids for wasm instances, from the top
// of the 22-bit pid space down, where real processes rarely are.
std::atomic<unsigned> next_instance{0};

Value AllocatePid(const CallbackInfo &info)
{
	unsigned k = next_instance.fetch_add(1);
	return num(info, 0x3FFFFF - static_cast<long>(k % 0x100000));
}

Value ProcessPid(const CallbackInfo &info)
{
	return num(info, ::getpid());
}

// The CPU the calling thread runs on: spinning for another thread that runs
// on the same one only keeps it from running (ts/worker/call_channel.ts).
Value CurrentCpu(const CallbackInfo &info)
{
	return num(info, ::sched_getcpu());
}

// sched_yield(2): a thread spinning for another on its own CPU lets it run
// (and, both runnable, the scheduler moves one of them to an idle CPU).
Value YieldCpu(const CallbackInfo &info)
{
	return num(info, ::sched_yield());
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
	struct Entry {
		const char *name;
		Napi::Function::Callback fn;
	} entries[] = {
		{"socket", Socket},
		{"close", Close},
		{"bind", AddressCall<nlhost::socket_bind>},
		{"connect", AddressCall<nlhost::socket_connect>},
		{"getsockname", GetSockName},
		{"getsockopt", GetSockOpt},
		{"setsockopt", SetSockOpt},
		{"sendmsg", SendMsg},
		{"recvmsg", RecvMsg},
		{"readAhead", ReadAhead},
		{"poll", Poll},
		{"getFlags", GetFlags},
		{"setNonblocking", SetNonblocking},
		{"netnsOpen", NetnsOpen},
		{"netnsCreate", NetnsCreate},
		{"namedNetnsAdd", NameCall<nlhost::named_netns_add>},
		{"namedNetnsDelete", NameCall<nlhost::named_netns_delete>},
		{"closeFd", CloseFd},
		{"wakeupCreate", WakeupCreate},
		{"wakeupSignal", FdCall<nlhost::wakeup_signal>},
		{"wakeupReset", FdCall<nlhost::wakeup_reset>},
		{"wakeupWait", WakeupWait},
		{"allocatePid", AllocatePid},
		{"processPid", ProcessPid},
		{"currentCpu", CurrentCpu},
		{"yieldCpu", YieldCpu},
	};
	for (const auto &e : entries)
		exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
	// A worker that ends without closing its sockets must not leave readers.
	napi_env raw = env;
	env.AddCleanupHook([raw] { nlhost::readahead_forget_owner(raw); });
	return exports;
}

}  // namespace

NODE_API_MODULE(nlhost, Init)
