"""Contender: Debian's python3-pyroute2 (IPRoute.get_routes / get_links).

Speaks bench/run.ts's line protocol: reads "route" or "link" lines on stdin,
answers "<items> <ns>". Every message is decoded (list()), as the other
contenders decode theirs.
"""
import socket
import sys
import time

from pyroute2 import IPRoute


def main():
    ipr = IPRoute()
    for line in sys.stdin:
        kind = line.strip()
        t0 = time.monotonic_ns()
        if kind == "route":
            # table=None: every table, as the kernel's dump returns them
            items = list(ipr.get_routes(family=socket.AF_INET, table=None))
        elif kind == "link":
            items = list(ipr.get_links())
        else:
            raise SystemExit(f"unknown command {kind!r}")
        dt = time.monotonic_ns() - t0
        print(len(items), dt, flush=True)
    ipr.close()


main()
