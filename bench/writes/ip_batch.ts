/**
 * Contender of the writes bench: `ip -batch FILE`, the whole process (one
 * netlink request per line, each acked before the next, as iproute2 does),
 * timed from spawning it to its exit. The file is written before the clock
 * starts. ip runs under GNU time, whose %M is ip's own peak RSS; starting
 * time costs about a millisecond, counted in.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { timed } from '../child.js';
import { ipBatchLine } from './ops.js';
import { answerOf, serveWrites, type Command } from './protocol.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'nlbench-ip-batch-'));
const input = join(dir, 'batch');
const rssFile = join(dir, 'rss');

await serveWrites(async (c: Command) => {
  const lines: string[] = [];
  for (let i = c.first; i < c.first + c.count; i++) lines.push(ipBatchLine(c.op, i));
  writeFileSync(input, `${lines.join('\n')}\n`);
  const r = await timed(async () => {
    try {
      await run('/usr/bin/time', ['-f', '%M', '-o', rssFile, 'ip', '-batch', input], { maxBuffer: 1 << 26 });
      return c.count;
    } catch (e) {
      // ip -batch stops at the first failing line; how many went in, the kernel count tells.
      process.stderr.write(`writes/ip_batch: ${(e as Error).message}\n`);
      return 0;
    }
  });
  const helperRssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return { ...answerOf(r), helperRssKb };
}, () => rmSync(dir, { recursive: true, force: true }));
