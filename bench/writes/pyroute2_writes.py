"""Contender of the writes bench: Debian's python3-pyroute2, IPRoute.route()
and IPRoute.link() called one by one, each acked.

Speaks bench/writes/protocol.ts: reads "<op> <first> <count> <ifindex>",
answers {"done": N, "ns": T}. Route i is 10.64.0.0 + i and veth pair i is
bwa<i>/bwb<i> (bench/writes/ops.ts defines the numbering).
"""
import json
import sys
import time

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

GATEWAY = "192.0.2.2"


def route_dst(i):
    return f"10.{64 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32"


def main():
    ipr = IPRoute()
    for line in sys.stdin:
        op, first, count, ifindex = line.split()
        first, count, ifindex = int(first), int(count), int(ifindex)
        done = 0
        t0 = time.monotonic_ns()
        try:
            for i in range(first, first + count):
                if op == "route-add":
                    ipr.route("add", dst=route_dst(i), gateway=GATEWAY, oif=ifindex)
                elif op == "route-del":
                    ipr.route("del", dst=route_dst(i), gateway=GATEWAY, oif=ifindex)
                elif op == "veth-add":
                    ipr.link("add", ifname=f"bwa{i}", kind="veth", peer=f"bwb{i}")
                else:
                    raise SystemExit(f"unknown command {line!r}")
                done += 1
        except NetlinkError as e:
            # Counted as not done; the runner compares with the kernel's count.
            print(f"writes/pyroute2: {op} {first + done}: {e}", file=sys.stderr)
        dt = time.monotonic_ns() - t0
        print(json.dumps({"done": done, "ns": dt}), flush=True)
    ipr.close()


main()
