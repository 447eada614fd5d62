/*
 * signal_waits.c - sleeping, waiting and signals as a native process sees
 * them, compared between the native and the wasm build
 * (test/kernel/c_programs.test.ts). Output is unbuffered, so what was
 * printed before a signal ended the program is there.
 *
 * Usage: signal_waits MODE
 *   sleep N     prints "sleeping", sleeps N seconds, prints "slept"
 *   catch-int   a SIGINT handler that prints and exits 3, then waits in
 *               recv() for link events, as a monitor does
 *   poll        waits in poll() with no timeout
 *   spin        computes forever, never waiting
 *   alarm       alarm() ending each kind of wait; masks, pending signals,
 *               sigsuspend, sigtimedwait, SA_RESETHAND, SA_SIGINFO; then dies
 *               of SIGALRM
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static volatile sig_atomic_t caught;

static void note(int sig)
{
	caught = sig;
	printf("handler: %s\n", strsignal(sig));
}

static void exit_on_int(int sig)
{
	printf("caught %s, exiting\n", sig == SIGINT ? "SIGINT" : "?");
	exit(3);
}

static void info(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	printf("sa_sigaction: sig %d si_signo %d\n", sig, si->si_signo);
}

static void catch_int(void)
{
	struct sockaddr_nl groups = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	char buf[8192];
	int fd;

	signal(SIGINT, exit_on_int);
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&groups, sizeof(groups)) < 0) {
		perror("netlink");
		exit(1);
	}
	printf("waiting\n");
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		printf("recv: %zd\n", n);
	}
}

static void alarms(void)
{
	struct timespec t = { 3, 0 }, rem = { 0, 0 }, zero = { 0, 0 };
	struct timeval tv = { 3, 0 };
	struct sigaction sa;
	sigset_t block, old, pending;
	siginfo_t si;
	int r, e;

	signal(SIGALRM, note);

	alarm(1);
	r = (int)sleep(3);
	e = errno;
	printf("sleep(3) left %d, errno %d\n", r, e);

	alarm(1);
	r = nanosleep(&t, &rem);
	e = errno;
	printf("nanosleep = %d, errno %d, %ld s left\n", r, e, (long)rem.tv_sec);

	alarm(1);
	r = poll(NULL, 0, 3000);
	e = errno;
	printf("poll = %d, errno %d\n", r, e);

	alarm(1);
	r = select(0, NULL, NULL, NULL, &tv);
	e = errno;
	printf("select = %d, errno %d, %ld s left\n", r, e, (long)tv.tv_sec);

	alarm(1);
	r = pause();
	e = errno;
	printf("pause = %d, errno %d\n", r, e);

	printf("alarm(7) = %u\n", alarm(7));
	printf("alarm(0) = %u\n", alarm(0));

	/* Blocked, the signal waits; unblocked, it arrives at once. */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	caught = 0;
	alarm(1);
	r = (int)sleep(2);
	sigpending(&pending);
	printf("blocked: sleep left %d, caught %d, pending %d\n", r, caught, sigismember(&pending, SIGALRM));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: caught %d\n", caught);

	/* sigsuspend() waits with the signal unblocked. */
	sigprocmask(SIG_BLOCK, &block, NULL);
	alarm(1);
	r = sigsuspend(&old);
	e = errno;
	printf("sigsuspend = %d, errno %d\n", r, e);

	/* sigtimedwait() takes a blocked signal without its handler. */
	caught = 0;
	alarm(1);
	r = sigtimedwait(&block, &si, NULL);
	printf("sigtimedwait = %d, si_signo %d, handler ran %d\n", r, si.si_signo, caught != 0);
	r = sigtimedwait(&block, &si, &zero);
	e = errno;
	printf("sigtimedwait with nothing pending = %d, errno %d\n", r, e);
	sigprocmask(SIG_SETMASK, &old, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &sa);
	printf("after SA_RESETHAND: %s\n", sa.sa_handler == SIG_DFL ? "default" : "handler");
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	printf("ignored SIGUSR2\n");

	signal(SIGALRM, SIG_DFL);
	alarm(1);
	pause();
	printf("not reached\n");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "sleep") && argc > 2) {
		printf("sleeping\n");
		sleep((unsigned)atoi(argv[2]));
		printf("slept\n");
	} else if (!strcmp(mode, "catch-int")) {
		catch_int();
	} else if (!strcmp(mode, "poll")) {
		printf("polling\n");
		poll(NULL, 0, -1);
	} else if (!strcmp(mode, "spin")) {
		volatile unsigned long n = 0;

		printf("spinning\n");
		for (;;)
			n++;
	} else if (!strcmp(mode, "alarm")) {
		alarms();
	} else {
		fprintf(stderr, "usage: signal_waits sleep N|catch-int|poll|spin|alarm\n");
		return 2;
	}
	return 0;
}
