#!/bin/sh
# Obtains the source of libnl 3.7.0 (and of libcheck, which libnl's tests need)
# from Debian's source packages, verifies the pinned checksums, extracts them
# into vendor/libnl/src/ (never committed) and applies Debian's patch series
# followed by ours (vendor/libnl/patches, vendor/libnl/check-patches).
#
# The deb-src entries are derived at run time from the machine's own apt
# sources and kept in a private apt state directory, so the system's apt
# configuration is not modified and no archive host name lives in this repo.
#
# Idempotent: does nothing when the extracted tree matches the pinned inputs
# and the current patch set.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work="$here/downloads"
dest="$here/src"

# package version tarballs (name, version, upstream dir inside the orig tarball)
LIBNL_PKG=libnl3 LIBNL_VER=3.7.0-0.2 LIBNL_DIR=libnl-3.7.0
CHECK_PKG=check CHECK_VER=0.15.2-2 CHECK_DIR=check-0.15.2

stamp_of() {
	# Everything that determines the extracted tree's content.
	cat "$here/sources.sha256" "$here/fetch.sh" "$here"/patches/*.patch \
		"$here"/check-patches/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1
}

if [ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$(stamp_of)" ]; then
	exit 0
fi

have_all_downloads() {
	(cd "$work" 2>/dev/null && sha256sum --quiet -c "$here/sources.sha256") >/dev/null 2>&1
}

make_apt_sources() {
	# Turn every enabled binary source of this machine into a source-package
	# entry, in both apt formats.
	aptdir=$1
	mkdir -p "$aptdir/parts" "$aptdir/lists/partial"
	: > "$aptdir/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >> "$aptdir/sources.list"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*$/Types: deb-src/' "$f" > "$aptdir/parts/$(basename "$f")"
	done
}

download() {
	mkdir -p "$work"
	if have_all_downloads; then
		return 0
	fi
	aptdir="$work/apt"
	make_apt_sources "$aptdir"
	opts="-o Dir::Etc::SourceList=$aptdir/sources.list -o Dir::Etc::SourceParts=$aptdir/parts -o Dir::State::Lists=$aptdir/lists -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	apt-get $opts -q update >/dev/null || echo "fetch.sh: apt-get update reported errors; trying the download anyway" >&2
	# shellcheck disable=SC2086
	(cd "$work" && apt-get $opts -q source --download-only \
		"$LIBNL_PKG=$LIBNL_VER" "$CHECK_PKG=$CHECK_VER" >/dev/null)
	if ! (cd "$work" && sha256sum --quiet -c "$here/sources.sha256"); then
		echo "fetch.sh: checksum mismatch for the downloaded source packages" >&2
		exit 1
	fi
}

extract() {
	# $1 package, $2 debian version, $3 upstream dir name, $4 our patch dir
	pkg=$1 ver=$2 dir=$3 ours=$4
	upver=${ver%-*}
	fresh="$dest/.fresh"
	rm -rf "$fresh"
	mkdir -p "$fresh"
	tar --no-same-owner -xzf "$work/${pkg}_${upver}.orig.tar.gz" -C "$fresh"
	tar --no-same-owner -xJf "$work/${pkg}_${ver}.debian.tar.xz" -C "$fresh/$dir"
	if [ -f "$fresh/$dir/debian/patches/series" ]; then
		grep -v '^[[:space:]]*\(#\|$\)' "$fresh/$dir/debian/patches/series" | while read -r p; do
			patch -s -p1 -d "$fresh/$dir" < "$fresh/$dir/debian/patches/$p"
		done
	fi
	for p in "$ours"/*.patch; do
		[ -f "$p" ] || continue
		patch -s -p1 -d "$fresh/$dir" < "$p"
	done
	sync_tree "$fresh/$dir" "$dest/$dir"
	rm -rf "$fresh"
}

# Makes $2 equal to $1, touching only files whose content changed, so that
# a new patch rebuilds only what it affects. A changed file gets the current
# time, not the tarball's: a removed patch leaves the pristine file, older
# than the objects built from the patched one.
sync_tree() {
	from=$1 to=$2
	mkdir -p "$to"
	(cd "$from" && find . -type f) | while read -r f; do
		if ! cmp -s "$from/$f" "$to/$f"; then
			mkdir -p "$(dirname "$to/$f")"
			cp "$from/$f" "$to/$f"
		fi
	done
	(cd "$to" && find . -type f) | while read -r f; do
		[ -e "$from/$f" ] || rm -f "$to/$f"
	done
}

download
extract "$LIBNL_PKG" "$LIBNL_VER" "$LIBNL_DIR" "$here/patches"
extract "$CHECK_PKG" "$CHECK_VER" "$CHECK_DIR" "$here/check-patches"
stamp_of > "$dest/.stamp"
echo "fetch.sh: libnl and check sources ready in $dest"
