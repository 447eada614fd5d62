/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * The native side of the fuzzer: the cases of test/helpers/fuzz_cases.ts,
 * run through libnl 3.7.0 built for x86_64 (under AddressSanitizer and
 * UndefinedBehaviorSanitizer, or with coverage counters), the way
 * test/helpers/fuzz_run.ts runs them through libnl.wasm.
 *
 * A fake kernel stands behind libnl's socket calls: the program is linked
 * with -Wl,--wrap for socket(), bind(), getsockname(), setsockopt(),
 * sendmsg(), sendto() and recvmsg(), so a netlink socket is a local
 * datagram socket (something to close) whose requests are answered from
 * the case. libnl's own receive path (nl_recv(), recvmsgs(), the message
 * parsers) runs unchanged.
 *
 * Cases come on stdin, one a line (bench/fuzz_native.ts writes them):
 *
 *   F <protocol> <target> <nargs> <arg>... <ndatagrams> (<hex|-> <npatch> <offset>...)...
 *   P <protocol> <target> <hex>
 *
 * A fill (F) lets the target's *_alloc_cache() send its dump request; the
 * first request of the case gets the datagrams given (at each patch offset,
 * an nlmsghdr whose seq and port become the request's), later ones what the
 * kernel would say (NLMSG_DONE to a dump, an ACK to NLM_F_ACK). The cache is
 * then dumped in every format. A parse (P) gives the message to
 * nl_msg_parse(), whose callback dumps, clones and compares each object.
 *
 * Each case ends with one line on descriptor 3 (stdout if 3 is not open:
 * libnl itself prints to stdout here and there): "ok", or "nlerror <libnl
 * error>". A sanitizer finding ends the process with its report on stderr:
 * the case it belongs to is the first one without a line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/object.h>
#include <netlink/route/link.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/neightbl.h>
#include <netlink/route/rule.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/netconf.h>
#include <netlink/route/mdb.h>
#include <netlink/genl/ctrl.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/exp.h>
#include <netlink/idiag/msg.h>
#include <netlink/xfrm/sa.h>
#include <netlink/xfrm/sp.h>

/* --- the case being run ------------------------------------------------------ */

struct datagram {
	unsigned char *bytes;
	size_t len;
	/* Offsets of nlmsghdrs that get the request's seq and port. */
	size_t *patch;
	size_t npatch;
};

static struct datagram *answer;
static size_t nanswer;
/* Requests sent since the case began: only the first is answered from it. */
static unsigned requests;

/* --- the fake kernel ----------------------------------------------------------- */

#define MAX_FAKE 16
#define MAX_QUEUE 1024

struct fake_socket {
	int fd;
	uint32_t port;
	/* Datagrams waiting to be received, oldest first. */
	unsigned char *queue[MAX_QUEUE];
	size_t queue_len[MAX_QUEUE];
	size_t head, count;
};

static struct fake_socket fakes[MAX_FAKE];
static uint32_t next_port = 0x7f000000;

/* The calls the linker sends here (--wrap=name), and the originals. */
int __wrap_socket(int domain, int type, int protocol);
int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __wrap_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int __wrap_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags);
int __real_socket(int domain, int type, int protocol);
int __real_bind(int fd, const struct sockaddr *addr, socklen_t len);
int __real_getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int __real_setsockopt(int fd, int level, int name, const void *value, socklen_t len);
ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __real_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen);
ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);

static struct fake_socket *fake(int fd)
{
	for (int i = 0; i < MAX_FAKE; i++)
		if (fakes[i].fd == fd && fd >= 0)
			return &fakes[i];
	return NULL;
}

static void drop_queue(struct fake_socket *s)
{
	for (; s->count; s->count--, s->head = (s->head + 1) % MAX_QUEUE)
		free(s->queue[s->head]);
	s->head = 0;
}

/* A copy of a datagram, of exactly its length (malloc(0) may be NULL). */
static unsigned char *copy_of(const unsigned char *bytes, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, bytes, len);
	return copy;
}

/* Queues a datagram the socket now owns; a full queue drops it, as the
 * kernel does when a receive buffer overflows. */
static void enqueue(struct fake_socket *s, unsigned char *datagram, size_t len)
{
	size_t tail = (s->head + s->count) % MAX_QUEUE;

	if (s->count == MAX_QUEUE) {
		free(datagram);
		return;
	}
	s->queue[tail] = datagram;
	s->queue_len[tail] = len;
	s->count++;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t get_u16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void header(unsigned char *p, uint32_t len, uint16_t type, uint16_t flags,
		   uint32_t seq, uint32_t port)
{
	put_u32(p, len);
	memcpy(p + 4, &type, 2);
	memcpy(p + 6, &flags, 2);
	put_u32(p + 8, seq);
	put_u32(p + 12, port);
}

/* What the kernel says to a request the case has no answer for. */
static void answer_default(struct fake_socket *s, const unsigned char *req, uint16_t flags,
			   uint32_t seq)
{
	unsigned char m[NLMSG_HDRLEN + 4 + NLMSG_HDRLEN] = { 0 };

	if ((flags & NLM_F_DUMP) == NLM_F_DUMP) {
		header(m, NLMSG_HDRLEN + 4, NLMSG_DONE, NLM_F_MULTI, seq, s->port);
		enqueue(s, copy_of(m, NLMSG_HDRLEN + 4), NLMSG_HDRLEN + 4);
	} else if (flags & NLM_F_ACK) {
		header(m, sizeof(m), NLMSG_ERROR, 0, seq, s->port);
		memcpy(m + NLMSG_HDRLEN + 4, req, NLMSG_HDRLEN);
		enqueue(s, copy_of(m, sizeof(m)), sizeof(m));
	}
}

/* Every request in a sent datagram gets its answer queued. */
static void requests_sent(struct fake_socket *s, const unsigned char *b, size_t n)
{
	size_t off = 0;

	while (off + NLMSG_HDRLEN <= n) {
		uint32_t len = get_u32(b + off);
		uint16_t flags = get_u16(b + off + 6);
		uint32_t seq = get_u32(b + off + 8);

		if (len < NLMSG_HDRLEN || len > n - off)
			break;
		if (requests++ == 0 && answer) {
			for (size_t i = 0; i < nanswer; i++) {
				struct datagram *d = &answer[i];
				unsigned char *copy = copy_of(d->bytes, d->len);

				for (size_t k = 0; k < d->npatch; k++)
					if (d->patch[k] + NLMSG_HDRLEN <= d->len) {
						put_u32(copy + d->patch[k] + 8, seq);
						put_u32(copy + d->patch[k] + 12, s->port);
					}
				enqueue(s, copy, d->len);
			}
		} else {
			answer_default(s, b + off, flags, seq);
		}
		off += NLMSG_ALIGN(len);
	}
}

int __wrap_socket(int domain, int type, int protocol)
{
	int fd;

	if (domain != AF_NETLINK)
		return __real_socket(domain, type, protocol);
	fd = __real_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	for (int i = 0; i < MAX_FAKE; i++) {
		/* A slot whose descriptor was closed (its number reused) is free too. */
		if (fakes[i].fd <= 0 || fakes[i].fd == fd) {
			drop_queue(&fakes[i]);
			fakes[i].fd = fd;
			fakes[i].port = 0;
			return fd;
		}
	}
	close(fd);
	errno = EMFILE;
	return -1;
}

int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct fake_socket *s = fake(fd);
	struct sockaddr_nl nl;

	if (!s)
		return __real_bind(fd, addr, len);
	if (len < sizeof(nl)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&nl, addr, sizeof(nl));
	s->port = nl.nl_pid ? nl.nl_pid : next_port++;
	return 0;
}

int __wrap_getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct fake_socket *s = fake(fd);
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	if (!s)
		return __real_getsockname(fd, addr, len);
	nl.nl_pid = s->port;
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

int __wrap_setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	if (!fake(fd))
		return __real_setsockopt(fd, level, name, value, len);
	return 0;
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct fake_socket *s = fake(fd);
	unsigned char *b;
	size_t n = 0;

	if (!s)
		return __real_sendmsg(fd, msg, flags);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		n += msg->msg_iov[i].iov_len;
	b = malloc(n ? n : 1);
	if (!b)
		abort();
	for (size_t i = 0, off = 0; i < msg->msg_iovlen; off += msg->msg_iov[i].iov_len, i++)
		memcpy(b + off, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
	requests_sent(s, b, n);
	free(b);
	return n;
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *to, socklen_t tolen)
{
	struct fake_socket *s = fake(fd);

	if (!s)
		return __real_sendto(fd, buf, len, flags, to, tolen);
	requests_sent(s, buf, len);
	return len;
}

/* Like the kernel's: MSG_PEEK leaves the datagram queued, MSG_TRUNC returns its
 * full length; with nothing queued, EAGAIN at once (nothing will arrive later). */
ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct fake_socket *s = fake(fd);
	unsigned char *d;
	size_t len, copied = 0;

	if (!s)
		return __real_recvmsg(fd, msg, flags);
	if (!s->count) {
		errno = EAGAIN;
		return -1;
	}
	d = s->queue[s->head];
	len = s->queue_len[s->head];
	for (size_t i = 0; i < msg->msg_iovlen && copied < len; i++) {
		size_t n = msg->msg_iov[i].iov_len < len - copied ? msg->msg_iov[i].iov_len : len - copied;

		memcpy(msg->msg_iov[i].iov_base, d + copied, n);
		copied += n;
	}
	if (msg->msg_name && msg->msg_namelen >= sizeof(struct sockaddr_nl)) {
		struct sockaddr_nl from = { .nl_family = AF_NETLINK };

		memcpy(msg->msg_name, &from, sizeof(from));
		msg->msg_namelen = sizeof(from);
	}
	msg->msg_controllen = 0;
	msg->msg_flags = copied < len ? MSG_TRUNC : 0;
	if (!(flags & MSG_PEEK)) {
		free(d);
		s->head = (s->head + 1) % MAX_QUEUE;
		s->count--;
	}
	return flags & MSG_TRUNC ? (ssize_t) len : (ssize_t) copied;
}

/* --- coverage across crashes ------------------------------------------------------ */

/* clang's profile runtime (the coverage build only) writes its counters at
 * exit; a case that crashes libnl there (no sanitizer to report it) would
 * lose the counters of every case before it. So they are written after
 * every case, and after the dumps of a parsed object (the clone that comes
 * next is where libnl frees twice): each write replaces the file with the
 * counts so far. */
extern int __llvm_profile_write_file(void) __attribute__((weak));

static void save_coverage(void)
{
	if (__llvm_profile_write_file)
		__llvm_profile_write_file();
}

/* --- the calls a case makes ------------------------------------------------------ */

#define AF_INET_ 2
/* IDIAGNL_SS_ALL: every TCP state */
#define IDIAG_ALL_STATES 0xfff

static FILE *sink;

static int fill(const char *target, const int *args, size_t nargs, struct nl_sock *sk,
		struct nl_cache **cache)
{
	int a0 = nargs > 0 ? args[0] : 1, a1 = nargs > 1 ? args[1] : 0;

	if (!strcmp(target, "route/link")) return rtnl_link_alloc_cache(sk, AF_UNSPEC, cache);
	if (!strcmp(target, "route/addr")) return rtnl_addr_alloc_cache(sk, cache);
	if (!strcmp(target, "route/route")) return rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, cache);
	if (!strcmp(target, "route/neigh")) return rtnl_neigh_alloc_cache(sk, cache);
	if (!strcmp(target, "route/rule")) return rtnl_rule_alloc_cache(sk, AF_UNSPEC, cache);
	if (!strcmp(target, "route/qdisc")) return rtnl_qdisc_alloc_cache(sk, cache);
	if (!strcmp(target, "route/class")) return rtnl_class_alloc_cache(sk, a0, cache);
	if (!strcmp(target, "route/cls")) return rtnl_cls_alloc_cache(sk, a0, a1, cache);
	if (!strcmp(target, "route/neightbl")) return rtnl_neightbl_alloc_cache(sk, cache);
	if (!strcmp(target, "route/netconf")) return rtnl_netconf_alloc_cache(sk, cache);
	if (!strcmp(target, "route/mdb")) return rtnl_mdb_alloc_cache(sk, cache);
	if (!strcmp(target, "genl/family")) return genl_ctrl_alloc_cache(sk, cache);
	if (!strcmp(target, "netfilter/ct")) return nfnl_ct_alloc_cache(sk, cache);
	if (!strcmp(target, "netfilter/exp")) return nfnl_exp_alloc_cache(sk, cache);
	if (!strcmp(target, "idiag/idiag")) return idiagnl_msg_alloc_cache(sk, AF_INET_, IDIAG_ALL_STATES, cache);
	if (!strcmp(target, "xfrm/sa")) return xfrmnl_sa_alloc_cache(sk, cache);
	if (!strcmp(target, "xfrm/sp")) return xfrmnl_sp_alloc_cache(sk, cache);
	fprintf(stderr, "harness: no fill target %s\n", target);
	exit(2);
}

static void dump_cache(struct nl_cache *cache)
{
	for (int t = NL_DUMP_LINE; t <= NL_DUMP_STATS; t++) {
		struct nl_dump_params p = { .dp_type = t, .dp_fd = sink };

		nl_cache_dump(cache, &p);
	}
}

static void dump_object(struct nl_object *obj, enum nl_dump_type t)
{
	struct nl_dump_params p = { .dp_type = t, .dp_fd = sink };

	nl_object_dump(obj, &p);
}

/* nl_msg_parse()'s callback: what fuzz_run.ts's exercise() does. */
static void exercise(struct nl_object *obj, void *arg)
{
	struct nl_object *clone;

	for (int t = NL_DUMP_LINE; t <= NL_DUMP_STATS; t++)
		dump_object(obj, t);
	save_coverage();
	clone = nl_object_clone(obj);
	if (clone) {
		nl_object_identical(obj, clone);
		dump_object(clone, NL_DUMP_DETAILS);
		nl_object_put(clone);
	}
}

static int run_fill(int protocol, const char *target, const int *args, size_t nargs)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	int err;

	if (!sk)
		abort();
	err = nl_connect(sk, protocol);
	if (err >= 0)
		err = fill(target, args, nargs, sk, &cache);
	if (err >= 0) {
		dump_cache(cache);
		nl_cache_free(cache);
	}
	nl_socket_free(sk);
	return err;
}

static int run_parse(int protocol, const unsigned char *bytes, size_t len)
{
	struct nl_msg *msg = nlmsg_alloc_size(len);
	int err;

	if (!msg)
		abort();
	/* Written in place: nl_msg_parse() reads nlmsg_len from it. */
	memcpy(nlmsg_hdr(msg), bytes, len);
	nlmsg_set_proto(msg, protocol);
	err = nl_msg_parse(msg, exercise, NULL);
	nlmsg_free(msg);
	return err;
}

/* --- reading a case ---------------------------------------------------------------- */

static void __attribute__((noreturn)) bad_input(const char *what)
{
	fprintf(stderr, "harness: bad input: %s\n", what);
	exit(2);
}

static char *token(char **cursor)
{
	char *t = strsep(cursor, " \n");

	while (t && !*t)
		t = strsep(cursor, " \n");
	if (!t)
		bad_input("line ends early");
	return t;
}

static long number(char **cursor)
{
	char *end, *t = token(cursor);
	long v = strtol(t, &end, 10);

	if (*end)
		bad_input(t);
	return v;
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	bad_input("not hex");
}

/* Hex (or "-", nothing) into a new buffer of exactly the bytes: ASan then
 * sees a read past them. */
static unsigned char *hex(char **cursor, size_t *len)
{
	char *t = token(cursor);
	size_t n = strcmp(t, "-") ? strlen(t) : 0;
	unsigned char *b;

	if (n % 2)
		bad_input("odd hex");
	b = malloc(n / 2 ? n / 2 : 1);
	if (!b)
		abort();
	for (size_t i = 0; i < n / 2; i++)
		b[i] = nibble(t[2 * i]) << 4 | nibble(t[2 * i + 1]);
	*len = n / 2;
	return b;
}

static void free_answer(void)
{
	for (size_t i = 0; i < nanswer; i++) {
		free(answer[i].bytes);
		free(answer[i].patch);
	}
	free(answer);
	answer = NULL;
	nanswer = 0;
}

static int run_line(char *line)
{
	char *cursor = line;
	char *kind = token(&cursor);
	int protocol = number(&cursor);
	char *target = token(&cursor);
	int err;

	requests = 0;
	if (!strcmp(kind, "F")) {
		long nargs = number(&cursor);
		int args[8];

		if (nargs < 0 || nargs > 8)
			bad_input("args");
		for (long i = 0; i < nargs; i++)
			args[i] = number(&cursor);
		nanswer = number(&cursor);
		answer = calloc(nanswer ? nanswer : 1, sizeof(*answer));
		if (!answer)
			abort();
		for (size_t i = 0; i < nanswer; i++) {
			answer[i].bytes = hex(&cursor, &answer[i].len);
			answer[i].npatch = number(&cursor);
			answer[i].patch = calloc(answer[i].npatch ? answer[i].npatch : 1, sizeof(size_t));
			if (!answer[i].patch)
				abort();
			for (size_t k = 0; k < answer[i].npatch; k++)
				answer[i].patch[k] = number(&cursor);
		}
		err = run_fill(protocol, target, args, nargs);
		free_answer();
	} else if (!strcmp(kind, "P")) {
		size_t len;
		unsigned char *bytes = hex(&cursor, &len);

		if (len < NLMSG_HDRLEN)
			bad_input("message shorter than its header");
		err = run_parse(protocol, bytes, len);
		free(bytes);
	} else {
		bad_input(kind);
	}
	return err;
}

int main(void)
{
	char *line = NULL;
	size_t size = 0;
	FILE *results = fdopen(3, "w");

	if (!results)
		results = stdout;
	sink = fopen("/dev/null", "w");
	if (!sink)
		return 1;
	while (getline(&line, &size, stdin) > 0) {
		int err = run_line(line);

		if (err >= 0)
			fprintf(results, "ok\n");
		else
			fprintf(results, "nlerror %d\n", err);
		save_coverage();
		fflush(results);
	}
	free(line);
	fclose(sink);
	return 0;
}
