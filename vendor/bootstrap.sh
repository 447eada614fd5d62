#!/bin/sh
# Brings a checkout to a runnable state, doing only what is missing:
#   1. Debian packages (emscripten, flex, bison, cmake, clang for the native
#      fuzz harness under ASan/UBSan, linux-libc-dev, ...,
#      and Debian's own libnl as an independent reference), when root;
#      otherwise prints the command to run and stops;
#   2. npm packages (npm ci, when package-lock.json changed);
#   3. libnl's and libcheck's source (vendor/libnl/fetch.sh);
#   4. the native addon (host/), libnl for x86_64, emscripten's C library
#      with Linux errno numbers (vendor/emscripten), libnl for wasm32
#      (CMake), and the TypeScript (dist/, and the bundles of the CLIs in
#      dist/bundle/).
# Every step is incremental; on a ready checkout this takes a few seconds.
#
# LIBNL_WASM_CHECKED=0 skips the checked wasm variant (SAFE_HEAP).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

APT_PACKAGES="emscripten flex bison cmake make g++ clang python3 linux-libc-dev iproute2 \
libnl-3-dev libnl-route-3-dev libnl-genl-3-dev libnl-nf-3-dev libnl-idiag-3-dev \
libnl-xfrm-3-dev libnl-cli-3-dev libnl-utils"

missing=""
for p in $APT_PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "missing Debian packages:$missing"
		say "run as root: apt-get update && apt-get install -y$missing"
		exit 1
	fi
	say "installing$missing"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
fi

# emscripten's optimizer (wasm-opt's JS side) needs Debian's node modules.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"

lock_stamp=node_modules/.package-lock.sha256
if [ ! -f "$lock_stamp" ] || ! sha256sum --quiet -c "$lock_stamp" 2>/dev/null; then
	say "installing npm packages"
	npm ci --ignore-scripts --no-audit --no-fund >/dev/null
	sha256sum package-lock.json > "$lock_stamp"
fi

vendor/libnl/fetch.sh >/dev/null

jobs=$(nproc 2>/dev/null || echo 2)

if [ ! -f host/build/Makefile ]; then
	npx node-gyp configure -C host >/dev/null 2>&1
fi
npx node-gyp build -C host >/dev/null 2>&1 || { npx node-gyp build -C host; exit 1; }

build_target() {
	# $1 build dir, $2... extra configure arguments (emcmake for wasm)
	dir=$1
	shift
	if [ ! -f "$dir/CMakeCache.txt" ]; then
		"$@" -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
	fi
	started=$(date +%s)
	if ! cmake --build "$dir" -j "$jobs" > "$dir/build.log" 2>&1; then
		tail -40 "$dir/build.log" >&2
		say "build failed in $dir (full log: $dir/build.log)"
		exit 1
	fi
	say "$dir: $(($(date +%s) - started)) s"
}

say "building libnl (native, wasm)"
build_target build/native cmake
# emscripten's C library rebuilt with Linux's errno numbers, in a private
# cache that every wasm compile and link uses (once: about 55 s of CPU).
python3 vendor/emscripten/linux_errno_sysroot.py build/emscripten
build_target build/wasm emcmake cmake
# The checked variant (SAFE_HEAP: NULL dereferences trap, as they segfault
# natively) runs the differential suite; LIBNL_WASM_CHECKED=0 skips it.
if [ "${LIBNL_WASM_CHECKED:-1}" = 1 ]; then
	build_target build/wasm-checked emcmake cmake -DLIBNL_WASM_CHECKED=ON
fi

npx tsc -p . --incremental --tsBuildInfoFile build/tsc.tsbuildinfo
# The command lines and the workers they start, one CommonJS file each in
# dist/bundle/ (the bins run these): Node reads dist/'s ES modules one by one,
# asynchronously, and its ES module loader is a cost of its own in every new
# thread, a large part of a CLI call (docs/decisions/cli-start-up.md). The
# banner's 'use strict' comes first so that the whole file is strict, as the
# ES modules were; import.meta.url becomes the bundle's own URL. esbuild
# takes a fraction of a second.
rm -rf dist/bundle
npx esbuild dist/cli/nl.js dist/cli/libnl-wasm.js dist/api/client_worker.js dist/api/watch_worker.js \
	dist/worker/libnl_worker.js dist/host/program_worker.js --bundle --platform=node --format=cjs --target=node20 --outbase=dist \
	--outdir=dist/bundle --out-extension:.js=.cjs --define:LIBNL_WASM_BUNDLE=true \
	--define:import.meta.url=import_meta_url \
	"--banner:js='use strict'; const import_meta_url = require('node:url').pathToFileURL(__filename).href;" --log-level=warning
say "ready"
