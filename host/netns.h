// netns.h - network namespaces for the sockets of a wasm instance
//
// The Node process never changes namespace: a socket meant for another
// namespace is created on a short-lived helper thread that enters it first
// (a socket stays in the namespace it was created in).
#pragma once

namespace nlhost {

// Opens a network namespace file (/var/run/netns/NAME, /proc/PID/ns/net, ...)
// and checks that it is one. Returns the fd or -errno.
int netns_open(const char *path);

// socket(2) inside the namespace `netns_fd`. Returns the fd or -errno.
int netns_socket(int netns_fd, int family, int type, int protocol);

// Creates a new, empty network namespace (unshare(CLONE_NEWNET) on a helper
// thread) and returns an fd that keeps it alive, or -errno.
int netns_create();

}  // namespace nlhost
