/*
 * netdb.c - getaddrinfo() and getnameinfo() for numeric addresses only
 *
 * emscripten's versions emulate DNS in JavaScript. An instance has no name
 * service (it can reach nothing but netlink), so names are not resolved:
 * numeric hosts work as with glibc's AI_NUMERICHOST / NI_NUMERICHOST, names
 * fail with EAI_NONAME. libnl uses these in nl_addr_info() and
 * nl_addr_resolve().
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static struct addrinfo *numeric_entry(int family, const void *addr, const struct addrinfo *hints)
{
	size_t salen = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	struct addrinfo *ai = calloc(1, sizeof(*ai) + salen);

	if (!ai)
		return NULL;
	ai->ai_family = family;
	ai->ai_socktype = hints ? hints->ai_socktype : 0;
	ai->ai_protocol = hints ? hints->ai_protocol : 0;
	ai->ai_addrlen = salen;
	ai->ai_addr = (struct sockaddr *)(ai + 1);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, addr, sizeof(sin->sin_addr));
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ai->ai_addr;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, addr, sizeof(sin6->sin6_addr));
	}
	return ai;
}

int getaddrinfo(const char *restrict host, const char *restrict serv,
		const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
	unsigned char buf[sizeof(struct in6_addr)];
	int want = hints ? hints->ai_family : AF_UNSPEC;

	(void)serv;
	if (!host)
		return EAI_NONAME;
	if ((want == AF_UNSPEC || want == AF_INET) && inet_pton(AF_INET, host, buf) == 1)
		*res = numeric_entry(AF_INET, buf, hints);
	else if ((want == AF_UNSPEC || want == AF_INET6) && inet_pton(AF_INET6, host, buf) == 1)
		*res = numeric_entry(AF_INET6, buf, hints);
	else
		return EAI_NONAME;
	return *res ? 0 : EAI_MEMORY;
}

void freeaddrinfo(struct addrinfo *ai)
{
	while (ai) {
		struct addrinfo *next = ai->ai_next;

		free(ai);
		ai = next;
	}
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
		socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags)
{
	const void *addr;

	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in))
		addr = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6))
		addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return EAI_FAMILY;

	if (host && hostlen) {
		if (!(flags & NI_NUMERICHOST))
			return EAI_NONAME;
		if (!inet_ntop(sa->sa_family, addr, host, hostlen))
			return EAI_OVERFLOW;
	}
	if (serv && servlen) {
		unsigned port = ntohs(sa->sa_family == AF_INET
			? ((const struct sockaddr_in *)sa)->sin_port
			: ((const struct sockaddr_in6 *)sa)->sin6_port);

		if (snprintf(serv, servlen, "%u", port) >= (int)servlen)
			return EAI_OVERFLOW;
	}
	return 0;
}
