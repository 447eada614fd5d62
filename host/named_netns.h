// named_netns.h - named network namespaces, as `ip netns` keeps them
//
// A named namespace is a file under /var/run/netns onto which a namespace is
// bind-mounted, so that it lives on without any process in it. These make
// and remove them the way iproute2's `ip netns add` and `ip netns delete`
// do, so that either tool sees the other's.
#pragma once

namespace nlhost {

// The directory named namespaces live in (iproute2's NETNS_RUN_DIR).
constexpr const char *NETNS_RUN_DIR = "/var/run/netns";

// Creates the namespace NAME (a new, empty one). Returns 0 or -errno
// (-EEXIST when the name is taken).
int named_netns_add(const char *name);

// Deletes the namespace NAME (lazily: it ends when nothing uses it any
// more). Returns 0 or -errno (-ENOENT when there is none of that name).
int named_netns_delete(const char *name);

}  // namespace nlhost
