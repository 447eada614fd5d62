/*
 * signals.h - delivering signals on the way out of a blocking call
 * (see signals.c)
 */
#ifndef NLWASM_SIGNALS_H
#define NLWASM_SIGNALS_H

enum nlwasm_delivery {
	NLWASM_NOTHING_RAN,	/* no handler ran: the call goes on waiting */
	NLWASM_RAN_RESTART,	/* handlers with SA_RESTART: a recv restarts */
	NLWASM_RAN,		/* a handler without: every call fails with EINTR */
};

/*
 * Called when a host call returned -EINTR: runs the handlers of the pending
 * signals the program does not block, or their default actions, as the
 * kernel does before a system call returns. poll(), select() and the sleeps
 * fail with EINTR after any handler, as on Linux.
 */
enum nlwasm_delivery nlwasm_deliver_signals(void);

#endif
