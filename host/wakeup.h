// wakeup.h - eventfds that release a worker blocked in recvmsg or poll
//
// Each wasm instance owns one. Any thread of the process may signal it (the
// main thread does, to cancel or shut down a worker); the blocked call then
// returns -ECANCELED. The state is level-triggered until reset.
#pragma once

namespace nlhost {

int wakeup_create();
int wakeup_signal(int fd);
int wakeup_reset(int fd);

}  // namespace nlhost
