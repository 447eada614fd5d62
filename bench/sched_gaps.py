#!/usr/bin/env python3
"""Where a Node contender's main thread was while it was not running.

Reads `perf script -F comm,tid,cpu,time,event,trace` output of a trace with
sched:sched_switch and sched:sched_wakeup (system-wide, -a) on stdin, and
prints the main thread's longest times off a CPU, each split into sleeping
(switched out until woken: nothing for it to do) and waiting in a run queue
(woken until switched in: it had work and no CPU). For the run-queue waits
it says what held the CPUs, and whether another CPU sat idle meanwhile.

The event-loop delay the bench reports is these gaps seen from inside: a
timer that should have fired while the thread slept or waited.

  perf record -k CLOCK_MONOTONIC -e sched:sched_switch,sched:sched_wakeup \\
    -a -o sched.data -- ip netns exec nlbench-routes-100k \\
    node --import tsx bench/traced_dumps.ts [read-ahead]
  perf script -i sched.data -F comm,tid,cpu,time,event,trace \\
    | python3 bench/sched_gaps.py [--between START END] [TID]

--between keeps the times off a CPU that begin between two times, in seconds as
perf prints them; with -k CLOCK_MONOTONIC these are process.hrtime()'s,
and bench/traced_dumps.ts prints its timed dumps' span so, leaving its
start-up out. Without a TID, the main thread is the lowest-numbered
thread named "node" (the first one the process made).
"""
import argparse
import re
import sys
from collections import defaultdict

LONG_WAIT = 0.002  # seconds of run-queue wait counted as a stall
SHOWN = 8

LINE = re.compile(r'\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)')
SWITCH = re.compile(r'prev_comm=(.*?) prev_pid=(\d+) .*?prev_state=(\S+) ==> '
                    r'next_comm=(.*?) next_pid=(\d+)')
WAKEUP = re.compile(r'comm=(.*?) pid=(\d+) .*?target_cpu=(\d+)')


def read_events(lines):
    """(time, cpu, event, fields) of every switch and wake-up, in time order."""
    events = []
    for line in lines:
        m = LINE.match(line)
        if not m:
            continue
        t, cpu, name, trace = float(m.group(4)), int(m.group(3)), m.group(5), m.group(6)
        if name == 'sched:sched_switch':
            s = SWITCH.search(trace)
            if s:
                events.append((t, cpu, 'switch', (s.group(1), int(s.group(2)), s.group(3),
                                                  s.group(4), int(s.group(5)))))
        elif name == 'sched:sched_wakeup':
            w = WAKEUP.search(trace)
            if w:
                events.append((t, cpu, 'wakeup', (int(w.group(2)), int(w.group(3)))))
    events.sort(key=lambda e: e[0])
    return events


def main_tid(events):
    tids = {f[1] for _, _, kind, f in events if kind == 'switch' and f[0] == 'node'}
    tids |= {f[4] for _, _, kind, f in events if kind == 'switch' and f[3] == 'node'}
    if not tids:
        sys.exit('no thread named "node" in the trace')
    return min(tids)


def off_cpu_spells(events, tid):
    """(switched out, woken or None, switched in, target cpu) for each time `tid` was off a CPU."""
    spells, out, woken, target = [], None, None, None
    for t, cpu, kind, f in events:
        if kind == 'switch' and f[1] == tid:
            # Preempted (state R): runnable from the moment it was switched out.
            out = t
            woken, target = (t, cpu) if f[2].startswith('R') else (None, None)
        elif kind == 'wakeup' and f[0] == tid and out is not None and woken is None:
            woken, target = t, f[1]
        elif kind == 'switch' and f[4] == tid and out is not None:
            spells.append((out, woken, t, target))
            out = None
    return spells


def cpu_holders(events, start, end):
    """For each CPU: the threads that ran on it in [start, end] and for how long."""
    running, held = {}, defaultdict(lambda: defaultdict(float))
    for t, cpu, kind, f in events:
        if kind != 'switch':
            continue
        if t > end:
            break
        if t > start and cpu in running:
            since, prev = running[cpu]
            held[cpu][prev] += t - max(since, start)
        running[cpu] = (t, f'{f[3]}/{f[4]}' if f[4] else 'idle')
    for cpu, (since, who) in running.items():
        held[cpu][who] += end - max(since, start)
    return held


def main():
    args = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    args.add_argument('--between', nargs=2, type=float, metavar=('START', 'END'),
                      default=(float('-inf'), float('inf')))
    args.add_argument('tid', nargs='?', type=int)
    opts = args.parse_args()
    events = read_events(sys.stdin)
    tid = opts.tid if opts.tid is not None else main_tid(events)
    start, end = opts.between
    spells = [s for s in off_cpu_spells(events, tid) if start <= s[0] <= end]
    waits = sorted(((i - w, w, i, cpu) for _, w, i, cpu in spells if w is not None),
                   reverse=True)
    long = [x for x in waits if x[0] > LONG_WAIT]
    idle_too = 0
    sleeps = sorted((w - o for o, w, _, _ in spells if w is not None), reverse=True)
    print(f'main thread {tid}: {len(spells)} times off a CPU; longest sleeps: '
          + ', '.join(f'{s * 1000:.1f}' for s in sleeps[:5]) + ' ms')
    for n, (wait, woken, switched_in, target) in enumerate(long):
        held = cpu_holders(events, woken, switched_in)
        other_idle = sum(h.get('idle', 0) for cpu, h in held.items() if cpu != target)
        if other_idle > 0.001:
            idle_too += 1
        if n < SHOWN:
            print(f'  at {woken:.3f} s, waited {wait * 1000:.2f} ms for cpu{target}; meanwhile')
            for cpu in sorted(held):
                top = sorted(held[cpu].items(), key=lambda kv: -kv[1])[:3]
                print(f'    cpu{cpu}: ' + ', '.join(f'{who} {d * 1000:.2f} ms' for who, d in top))
    print(f'run-queue waits over {LONG_WAIT * 1000:.0f} ms: {len(long)}, '
          f'{sum(x[0] for x in long) * 1000:.1f} ms in all; '
          f'in {idle_too} of them another CPU was idle for more than 1 ms meanwhile')


if __name__ == '__main__':
    main()
