#!/usr/bin/python3
"""Builds build/emscripten: emscripten 3.1.6 with a C library that numbers
errno the Linux way.

emscripten's libc is musl with WASI's errno numbers (ENOENT 44, EEXIST 20);
a program compiled against it sees those in errno, in strerror() and in the
E* macros, while the kernel's netlink errors carry Linux's. Here the libc is
rebuilt from emscripten's own sources against musl's generic (Linux)
bits/errno.h, in a private cache that every wasm compile and link of this
project uses (docs/decisions/errno-numbering.md):

  build/emscripten/config   an emscripten config: Debian's, with this cache,
                            frozen (emcc never rebuilds or clears it)
  build/emscripten/cache/   sysroot headers, Linux bits/errno.h, and the
                            libraries a link needs

Rebuilt: the libraries built from sources that use errno (libc, libdlmalloc,
libstubs, libsockets) and struct_info.json. Linked from Debian's prebuilt
cache: libcompiler_rt, which uses no errno. Links must pass
-sASSERTIONS=0 -sDEFAULT_TO_CXX=0 -sAUTO_NATIVE_LIBRARIES=0 (and
-sEXIT_RUNTIME=1) so that no other variant is asked for; a frozen cache
names any that is.

emcc spends about 0.25 s of Python per source file, five times what clang
spends on musl's; the libraries are built by emscripten's own builder
(embuilder, its file lists and flags) with each compile handed straight to
clang with the flags `emcc --cflags` reports. A compile that carries emcc
settings (-s...) and every link still go through emcc.

Usage: linux_errno_sysroot.py OUTDIR. Does nothing when OUTDIR matches its
inputs (emscripten's version, this script, the errno header).
"""
import hashlib
import os
import shutil
import subprocess
import sys

EMSCRIPTEN = '/usr/share/emscripten'
DEBIAN_CACHE = os.path.join(EMSCRIPTEN, 'cache', 'sysroot', 'lib', 'wasm32-emscripten')
LINUX_ERRNO_H = os.path.join(EMSCRIPTEN, 'system', 'lib', 'libc', 'musl', 'arch', 'generic', 'bits', 'errno.h')
REBUILT = ['libc', 'libdlmalloc', 'libstubs', 'libsockets']
PREBUILT = ['libcompiler_rt.a']


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def inputs_digest():
    h = hashlib.sha256()
    h.update(subprocess.run(['emcc', '--version'], capture_output=True, text=True, check=True).stdout.encode())
    for path in (__file__, LINUX_ERRNO_H):
        with open(path, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()


def write_config(path, cache, frozen):
    # Debian's config is Python; ours runs it, then points at our cache.
    write(path, f"exec(open({os.path.join(EMSCRIPTEN, '.emscripten')!r}).read())\n"
                f"CACHE = {cache!r}\nFROZEN_CACHE = {frozen}\n")


def write_compile_driver(path, real_emcc):
    """A stand-in for emcc that the library builder runs once per file."""
    cflags = subprocess.run([real_emcc, '--cflags'], capture_output=True, text=True, check=True).stdout.strip()
    write(path, f"""#!/bin/sh
# Written by vendor/emscripten/linux_errno_sysroot.py: what emcc would run for
# a plain compile, without emcc's Python start-up.
extra= compile=
for a in "$@"; do
	case $a in
	-c) compile=1 ;;
	-s|-s[A-Z]*) exec {real_emcc} "$@" ;;
	# emcc's INLINING_LIMIT, which -Os and -Oz set
	-Os|-Oz) extra=-fno-inline-functions ;;
	esac
done
[ -n "$compile" ] || exec {real_emcc} "$@"
exec /usr/bin/clang-14 {cflags} $extra "$@"
""")
    os.chmod(path, 0o755)


def build(out):
    cache = os.path.join(out, 'cache')
    build_config = os.path.join(out, 'config.build')
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(cache)
    write_config(build_config, cache, False)
    os.environ['EM_CONFIG'] = build_config

    # Headers first, then musl's Linux numbering in place of the WASI one.
    subprocess.run(['embuilder', 'build', 'sysroot'], check=True, stdout=subprocess.DEVNULL)
    libdir = os.path.join(cache, 'sysroot', 'lib', 'wasm32-emscripten')
    shutil.copyfile(LINUX_ERRNO_H, os.path.join(cache, 'sysroot', 'include', 'bits', 'errno.h'))
    os.makedirs(libdir, exist_ok=True)
    for lib in PREBUILT:
        os.symlink(os.path.join(DEBIAN_CACHE, lib), os.path.join(libdir, lib))

    sys.path.insert(0, EMSCRIPTEN)
    from tools import shared  # noqa: E402 (needs EM_CONFIG set first)
    driver = os.path.join(out, 'compile-driver')
    write_compile_driver(driver, shared.EMCC)
    shared.EMCC = driver
    import embuilder  # noqa: E402
    sys.argv = ['embuilder', 'build'] + REBUILT + ['struct_info']
    if embuilder.main() != 0:
        sys.exit('linux_errno_sysroot.py: building the C library failed')
    shutil.rmtree(os.path.join(cache, 'build'), ignore_errors=True)
    os.remove(driver)
    os.remove(build_config)
    write_config(os.path.join(out, 'config'), cache, True)


def main():
    out = os.path.abspath(sys.argv[1])
    stamp = os.path.join(out, 'stamp')
    digest = inputs_digest()
    try:
        with open(stamp) as f:
            if f.read() == digest:
                return
    except OSError:
        pass
    build(out)
    write(stamp, digest)


if __name__ == '__main__':
    main()
