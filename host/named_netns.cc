// named_netns.cc - named network namespaces, as `ip netns` keeps them
#include "named_netns.h"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace nlhost {

namespace {

bool path_of(const char *name, char (&out)[PATH_MAX])
{
	return std::snprintf(out, sizeof(out), "%s/%s", NETNS_RUN_DIR, name) < static_cast<int>(sizeof(out));
}

// Makes NETNS_RUN_DIR a shared mount point, so that namespaces mounted there
// show in every mount namespace that shares it, as iproute2 does.
int share_run_dir()
{
	if (::mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (::mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, nullptr) == 0)
		return 0;
	if (errno != EINVAL)
		return -errno;
	// Not a mount point yet: make it one, then share it.
	if (::mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, nullptr) < 0)
		return -errno;
	return ::mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, nullptr) < 0 ? -errno : 0;
}

}  // namespace

int named_netns_add(const char *name)
{
	char path[PATH_MAX];

	if (!path_of(name, path))
		return -ENAMETOOLONG;
	int r = share_run_dir();
	if (r < 0)
		return r;
	int fd = ::open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	::close(fd);
	// A thread of its own enters the new namespace and dies with the change;
	// the namespace lives on in the bind mount.
	std::thread t([&] {
		if (::unshare(CLONE_NEWNET) < 0)
			r = -errno;
		else if (::mount("/proc/thread-self/ns/net", path, "none", MS_BIND, nullptr) < 0)
			r = -errno;
	});
	t.join();
	if (r < 0)
		::unlink(path);
	return r;
}

int named_netns_delete(const char *name)
{
	char path[PATH_MAX];

	if (!path_of(name, path))
		return -ENAMETOOLONG;
	if (::umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return -errno;
	return ::unlink(path) < 0 ? -errno : 0;
}

}  // namespace nlhost
