/*
 * stdout_buffering.c - what a program's stdout shows when it is a pipe
 *
 * "exit": prints a line and one without its newline, writes to stderr
 * between them, returns: everything comes out, stdout at exit (after
 * stderr's line when both go to one pipe).
 * "signal": prints a line and dies of SIGTERM before any flush: a fully
 * buffered stdout (glibc's, for a pipe) loses it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit";

	printf("first line\n");
	fprintf(stderr, "to stderr\n");
	printf("no newline");
	if (strcmp(mode, "signal") == 0)
		raise(SIGTERM);
	return 0;
}
