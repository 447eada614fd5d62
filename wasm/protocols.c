/*
 * protocols.c - getprotobyname() and getprotobynumber() from /etc/protocols
 *
 * emscripten's versions know only tcp and udp, so libnl's nl_ip_proto2str()
 * would print numbers where native libnl prints names (conntrack, rules).
 * These read /etc/protocols like glibc's files backend: first match wins,
 * one static result overwritten by the next call.
 */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALIASES 8

static struct protoent result;
static char line[512];
static char *aliases[MAX_ALIASES + 1];

/* Parses `line` into `result`; 0 when the line holds no entry. */
static int parse_line(void)
{
	char *p, *tok, *save = NULL;
	int n = 0;

	if ((p = strchr(line, '#')))
		*p = '\0';
	if (!(tok = strtok_r(line, " \t\r\n", &save)))
		return 0;
	result.p_name = tok;
	if (!(tok = strtok_r(NULL, " \t\r\n", &save)) || !isdigit((unsigned char)*tok))
		return 0;
	result.p_proto = atoi(tok);
	while (n < MAX_ALIASES && (tok = strtok_r(NULL, " \t\r\n", &save)))
		aliases[n++] = tok;
	aliases[n] = NULL;
	result.p_aliases = aliases;
	return 1;
}

static struct protoent *find(const char *name, int number)
{
	FILE *f = fopen("/etc/protocols", "re");
	struct protoent *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char **a;

		if (!parse_line())
			continue;
		if (!name) {
			if (result.p_proto == number)
				found = &result;
			continue;
		}
		if (!strcmp(result.p_name, name))
			found = &result;
		for (a = result.p_aliases; !found && *a; a++)
			if (!strcmp(*a, name))
				found = &result;
	}
	fclose(f);
	return found;
}

struct protoent *getprotobyname(const char *name)
{
	return find(name, 0);
}

struct protoent *getprotobynumber(int number)
{
	return find(NULL, number);
}
