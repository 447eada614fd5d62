/**
 * Contender: iproute2's JSON output, what a Node program without a netlink
 * library does: run `ip -4 -j route show table all` (every IPv4 table, as a
 * kernel dump returns them) or `ip -j link show`, and JSON.parse its output.
 * Timed from spawning ip to the parsed array; ip runs asynchronously, so the
 * event-loop delay measures the JSON.parse stall.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { serve, timedWithLoopDelay, type DumpKind } from './child.js';

const run = promisify(execFile);
const ARGS: Record<DumpKind, string[]> = {
  route: ['-4', '-j', 'route', 'show', 'table', 'all'],
  link: ['-j', 'link', 'show'],
};

await serve((kind) => timedWithLoopDelay(async () => {
  const { stdout } = await run('ip', ARGS[kind], { maxBuffer: 1 << 30 });
  return (JSON.parse(stdout) as unknown[]).length;
}));
