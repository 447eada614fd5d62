// wakeup.h - eventfds that release a worker blocked in recvmsg, poll or a sleep
//
// Each wasm instance owns one. Any thread of the process may signal it (the
// main thread does, to cancel or shut down a worker); the blocked call then
// returns -ECANCELED. The state is level-triggered until reset.
#pragma once

namespace nlhost {

int wakeup_create();
int wakeup_signal(int fd);
int wakeup_reset(int fd);
// Sleeps until fd is signalled (-ECANCELED) or sec and nsec have passed (0);
// sec < 0 sleeps until fd is signalled.
int wakeup_wait(int fd, long sec, long nsec);

}  // namespace nlhost
