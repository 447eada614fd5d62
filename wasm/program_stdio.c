/*
 * program_stdio.c - stdout buffered as glibc buffers it, in programs
 *
 * emscripten's musl makes stdout line-buffered whatever it is connected
 * to (it skips musl's terminal check). glibc, and musl elsewhere, buffer
 * stdout fully when it is not a terminal: a native program piped into
 * another, or killed by a signal before it flushes, shows its output
 * later or not at all, and a program run here must do the same for
 * `compare` to see what a native run shows. Linked into programs only
 * (nlwasm_link_program, cc): the library module's stdout is flushed by
 * no exit of its own.
 */
#include <stdio.h>
#include <unistd.h>

__attribute__((constructor)) static void stdout_like_glibc(void)
{
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
}
