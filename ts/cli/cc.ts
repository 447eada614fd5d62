/**
 * `libnl-wasm cc`: the command line of ts/host/compile.ts, taking what gcc
 * takes for a program that uses libnl.
 */
import { classifyFlags, compile, LIBNL_LIBRARIES, TAKES_VALUE } from '../host/compile.js';

export const CC_USAGE = `usage: libnl-wasm cc [--checked] <file.c>... -o <out> [compiler flags]
  Builds a C program against this build of libnl twice: <out>.wasm, for
  "libnl-wasm exec", and <out>, natively (gcc), to compare with.

  --checked      build the wasm side against the checked libnl (SAFE_HEAP):
                 NULL and out-of-bounds accesses trap, as they crash natively
  -o <out>       the output name (required)

  Every other flag goes to both compilers as given, with gcc 12's defaults:
  no optimisation unless -O..., no feature macros unless -D_GNU_SOURCE
  (or another), and what gcc warns about only warned about (clang would
  make implicit function declarations and "return;" in a non-void function
  errors).
    -I<dir> -D<name>[=<value>] -U<name> -include <file>
    -O0 -O1 -O2 -O3 -Os  -g  -std=<standard>  -W<warning> -w  -f<option>
    -l<library> -L<dir> -Wl,<linker option>
  libnl's libraries (-l${LIBNL_LIBRARIES.join(' -l')}) and its include
  directory (-I/usr/include/libnl3) name this build's libnl, which is always
  linked in: what \`pkg-config --cflags --libs libnl-3.0 libnl-route-3.0\`
  prints can be given as it is. -lm, -lpthread, -ldl, -lrt, -lresolv are part
  of the wasm side's C library. -Oz is not available for the wasm side.
`;

export function compileProgram(argv: string[]): number {
  const sources: string[] = [];
  const flags: string[] = [];
  let out: string | undefined;
  let checked = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(CC_USAGE);
      return 0;
    }
    if (a === '-o') out = argv[++i];
    else if (a.startsWith('-o')) out = a.slice(2);
    else if (a === '--checked') checked = true;
    else if (TAKES_VALUE.has(a)) flags.push(a, argv[++i]);
    else if (a === '-c' || a === '-S' || a === '-E') {
      process.stderr.write(`libnl-wasm cc: ${a}: only whole programs are built\n`);
      return 2;
    } else if (a.endsWith('.c')) sources.push(a);
    else flags.push(a);
  }
  if (!out || sources.length === 0) {
    process.stderr.write(CC_USAGE);
    return 2;
  }
  return compile(sources, classifyFlags(flags), out, checked);
}
