/*
 * sleep.c - sleeping in the host, ended by signals
 *
 * emscripten's clock_nanosleep() spins on the clock until the time has
 * passed: a busy core for as long as a program sleeps, and no signal ends
 * it. Here the host sleeps (nlhost proc_sleep: the thread waits in the
 * kernel) and a signal with a handler ends the sleep with EINTR and the time
 * left, as on Linux. nanosleep(), sleep() and usleep() are musl's, on top
 * of this.
 */
#include <errno.h>
#include <time.h>

#include "nlhost.h"
#include "signals.h"

#define NSEC_PER_SEC 1000000000L

int __clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem);

static struct timespec ts_sub(struct timespec a, struct timespec b)
{
	struct timespec d = { a.tv_sec - b.tv_sec, a.tv_nsec - b.tv_nsec };

	if (d.tv_nsec < 0) {
		d.tv_sec--;
		d.tv_nsec += NSEC_PER_SEC;
	}
	return d;
}

static struct timespec ts_add(struct timespec a, struct timespec b)
{
	struct timespec s = { a.tv_sec + b.tv_sec, a.tv_nsec + b.tv_nsec };

	if (s.tv_nsec >= NSEC_PER_SEC) {
		s.tv_sec++;
		s.tv_nsec -= NSEC_PER_SEC;
	}
	return s;
}

static struct timespec monotonic_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

int __clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	struct timespec end, left;

	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
		return clk == CLOCK_THREAD_CPUTIME_ID ? EINVAL : ENOTSUP;
	if (!req || req->tv_nsec < 0 || req->tv_nsec >= NSEC_PER_SEC || req->tv_sec < 0)
		return EINVAL;

	/* Every deadline on the monotonic clock, which only moves forward. */
	if (flags & TIMER_ABSTIME) {
		struct timespec now;

		clock_gettime(clk, &now);
		end = ts_add(monotonic_now(), ts_sub(*req, now));
	} else {
		end = ts_add(monotonic_now(), *req);
	}

	for (;;) {
		left = ts_sub(end, monotonic_now());
		if (left.tv_sec < 0 || (left.tv_sec == 0 && left.tv_nsec == 0))
			return 0;
		if (nlhost_proc_sleep(left.tv_sec, left.tv_nsec, 0) == -EINTR &&
		    nlwasm_deliver_signals() != NLWASM_NOTHING_RAN) {
			if (rem && !(flags & TIMER_ABSTIME)) {
				left = ts_sub(end, monotonic_now());
				*rem = left.tv_sec < 0 ? (struct timespec){ 0, 0 } : left;
			}
			return EINTR;
		}
	}
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req, struct timespec *rem)
{
	return __clock_nanosleep(clk, flags, req, rem);
}
