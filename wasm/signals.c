/*
 * signals.c - POSIX signals as a Linux process gets them
 *
 * emscripten keeps signal handlers in a table and runs them only from
 * raise(); nothing from outside reaches a program, and alarm() needs a
 * JavaScript event loop. Here signals come through the host (nlhost.h):
 * whoever runs the program (libnl-wasm exec) sends it SIGINT, SIGTERM,
 * SIGHUP, ... and SIGALRM when an alarm() is due, and any blocking call of
 * the host ends with -EINTR while one is pending. The caller then delivers
 * it here, as the kernel delivers signals before a system call returns:
 * the program's handler runs (with sa_mask blocked, SA_RESETHAND and
 * SA_SIGINFO honoured), or, without one, the default action ends the
 * program with the status a native one gets (128 + the signal).
 *
 * The host is told every disposition and the blocked set, so that a signal
 * that terminates the program does so even while it computes, as natively.
 * Signals 1 to 32 can be sent; the stop signals cannot stop a program and
 * are ignored.
 */
#define _GNU_SOURCE /* sighandler_t */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nlhost.h"
#include "signals.h"

/* Runs a handler through the host, which tolerates handlers declared with
 * another signature (void h(), int h(int)), as C lets programs do. */
extern void __call_sighandler(sighandler_t handler, int sig);
/* musl's signal() and siginterrupt() call this name. */
int __sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old);

static struct sigaction actions[_NSIG];
static sigset_t blocked;

#define HOST_SIGNALS 32

static uint32_t bit(int sig)
{
	return sig >= 1 && sig <= HOST_SIGNALS ? 1u << (sig - 1) : 0;
}

static uint32_t host_set(const sigset_t *set)
{
	uint32_t m = 0;
	int sig;

	for (sig = 1; sig <= HOST_SIGNALS; sig++)
		if (sigismember(set, sig) == 1)
			m |= bit(sig);
	return m;
}

/* What happens to a signal nobody catches. */
static int default_is_ignore(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return 1;
	default:
		return 0;
	}
}

static int host_action(const struct sigaction *sa, int sig)
{
	if (sa->sa_handler == SIG_IGN || (sa->sa_handler == SIG_DFL && default_is_ignore(sig)))
		return NLHOST_SIG_IGNORE;
	return sa->sa_handler == SIG_DFL ? NLHOST_SIG_DEFAULT : NLHOST_SIG_CATCH;
}

static void set_blocked(const sigset_t *set)
{
	blocked = *set;
	sigdelset(&blocked, SIGKILL);
	sigdelset(&blocked, SIGSTOP);
	nlhost_signal_mask(host_set(&blocked));
}

/* --- delivery -------------------------------------------------------------- */

/* Runs sig's action. */
static enum nlwasm_delivery deliver(int sig)
{
	struct sigaction sa = actions[sig];
	sigset_t during = blocked, saved = blocked;
	int i;

	if (sa.sa_handler == SIG_IGN || (sa.sa_handler == SIG_DFL && default_is_ignore(sig)))
		return NLWASM_NOTHING_RAN;
	if (sa.sa_handler == SIG_DFL)
		nlhost_signal_exit(sig);

	for (i = 1; i < _NSIG; i++)
		if (sigismember(&sa.sa_mask, i) == 1)
			sigaddset(&during, i);
	if (!(sa.sa_flags & SA_NODEFER))
		sigaddset(&during, sig);
	set_blocked(&during);
	if (sa.sa_flags & SA_RESETHAND) {
		actions[sig].sa_handler = SIG_DFL;
		actions[sig].sa_flags &= ~SA_SIGINFO;
		nlhost_signal_action(sig, host_action(&actions[sig], sig));
	}

	if (sa.sa_flags & SA_SIGINFO) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = sig == SIGALRM ? SI_KERNEL : SI_USER;
		sa.sa_sigaction(sig, &info, NULL);
	} else {
		__call_sighandler(sa.sa_handler, sig);
	}

	set_blocked(&saved);
	return sa.sa_flags & SA_RESTART ? NLWASM_RAN_RESTART : NLWASM_RAN;
}

enum nlwasm_delivery nlwasm_deliver_signals(void)
{
	enum nlwasm_delivery result = NLWASM_NOTHING_RAN, d;
	int sig;

	while ((sig = nlhost_signal_take(~host_set(&blocked))) > 0)
		if ((d = deliver(sig)) > result)
			result = d;
	return result;
}

/* --- dispositions and the blocked set ------------------------------------------ */

int __sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old)
{
	if (sig < 1 || sig >= _NSIG || (sa && (sig == SIGKILL || sig == SIGSTOP))) {
		errno = EINVAL;
		return -1;
	}
	if (old)
		*old = actions[sig];
	if (sa) {
		actions[sig] = *sa;
		nlhost_signal_action(sig, host_action(sa, sig));
	}
	return 0;
}

int sigaction(int sig, const struct sigaction *restrict sa, struct sigaction *restrict old)
{
	return __sigaction(sig, sa, old);
}

int pthread_sigmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	sigset_t next = blocked;
	int i;

	if (old)
		*old = blocked;
	if (!set)
		return 0;
	switch (how) {
	case SIG_SETMASK:
		next = *set;
		break;
	case SIG_BLOCK:
	case SIG_UNBLOCK:
		for (i = 1; i < _NSIG; i++) {
			if (sigismember(set, i) != 1)
				continue;
			if (how == SIG_BLOCK)
				sigaddset(&next, i);
			else
				sigdelset(&next, i);
		}
		break;
	default:
		return EINVAL;
	}
	set_blocked(&next);
	/* Signals it unblocks that are pending arrive now. */
	nlwasm_deliver_signals();
	return 0;
}

int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	int r = pthread_sigmask(how, set, old);

	if (r) {
		errno = r;
		return -1;
	}
	return 0;
}

int sigpending(sigset_t *set)
{
	uint32_t pending = nlhost_signal_pending();
	int sig;

	sigemptyset(set);
	for (sig = 1; sig <= HOST_SIGNALS; sig++)
		if (pending & bit(sig))
			sigaddset(set, sig);
	return 0;
}

/* --- sending ------------------------------------------------------------------ */

int raise(int sig)
{
	if (sig < 1 || sig > HOST_SIGNALS) {
		errno = EINVAL;
		return -1;
	}
	nlhost_signal_raise(sig);
	nlwasm_deliver_signals();
	return 0;
}

/* A program can signal only itself. */
int kill(pid_t pid, int sig)
{
	if (pid != 0 && pid != getpid()) {
		errno = EPERM;
		return -1;
	}
	return sig == 0 ? 0 : raise(sig);
}

unsigned alarm(unsigned seconds)
{
	return nlhost_alarm_set(seconds);
}

/* --- waiting for signals ----------------------------------------------------------- */

/* Sleeps in the host until a handler has run (pause(), sigsuspend()). */
static int wait_for_handler(void)
{
	while (nlhost_proc_sleep(-1, 0, 0) != -EINTR || nlwasm_deliver_signals() == NLWASM_NOTHING_RAN)
		;
	errno = EINTR;
	return -1;
}

int pause(void)
{
	return wait_for_handler();
}

int sigsuspend(const sigset_t *mask)
{
	sigset_t saved = blocked;

	set_blocked(mask);
	wait_for_handler();
	set_blocked(&saved);
	return -1;
}

int sigtimedwait(const sigset_t *restrict set, siginfo_t *restrict si, const struct timespec *restrict timeout)
{
	uint32_t wanted = host_set(set);
	struct timespec now, end = { 0, 0 };
	int sig;

	if (timeout) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += timeout->tv_sec;
		end.tv_nsec += timeout->tv_nsec;
		if (end.tv_nsec >= 1000000000L) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000L;
		}
	}
	while ((sig = nlhost_signal_take(wanted)) == 0) {
		long sec = -1, nsec = 0;

		if (timeout) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			sec = end.tv_sec - now.tv_sec;
			nsec = end.tv_nsec - now.tv_nsec;
			if (nsec < 0) {
				sec--;
				nsec += 1000000000L;
			}
			if (sec < 0) {
				errno = EAGAIN;
				return -1;
			}
		}
		/* Woken for a waited signal: taken above. For another: its handler. */
		if (nlhost_proc_sleep(sec, nsec, wanted) == -EINTR && !(nlhost_signal_pending() & wanted) &&
		    nlwasm_deliver_signals() != NLWASM_NOTHING_RAN) {
			errno = EINTR;
			return -1;
		}
	}
	if (si) {
		memset(si, 0, sizeof(*si));
		si->si_signo = sig;
		si->si_code = SI_USER;
	}
	return sig;
}
