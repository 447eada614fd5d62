/**
 * A contender's process inside a network namespace, driven over its stdin
 * and stdout one line at a time: the dump bench's line protocol
 * (bench/child.ts) and the writes bench's (bench/writes/protocol.ts) both
 * ride on it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { packageRoot } from '../dist/host/paths.js';

export class LineProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private stderr = '';
  private ended = false;

  /** Runs `command` as `ip netns exec NETNS command...` (ip execs it: the same pid). */
  constructor(readonly label: string, command: readonly string[], netns: string) {
    this.proc = spawn('ip', ['netns', 'exec', netns, ...command], { cwd: packageRoot });
    createInterface({ input: this.proc.stdout }).on('line', (l) => this.push(l));
    this.proc.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.proc.on('exit', () => {
      this.ended = true;
      this.push(null);
    });
  }

  private push(line: string | null): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w(line);
    else if (line !== null) this.lines.push(line);
  }

  send(text: string): void {
    this.proc.stdin.write(text);
  }

  /** The next line of output; throws when the process ends first or says nothing for `timeoutMs`. */
  line(timeoutMs: number): Promise<string> {
    if (this.lines.length) return Promise.resolve(this.lines.shift() as string);
    const ended = (): Error => new Error(`${this.label} ended:\n${this.stderr}`);
    if (this.ended) return Promise.reject(ended());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`${this.label}: no answer in ${timeoutMs} ms\n${this.stderr}`));
      }, timeoutMs);
      this.waiting = (l) => {
        clearTimeout(timer);
        if (l === null) reject(ended());
        else resolve(l);
      };
    });
  }

  /** What the process wrote on stderr lately (its last 4,000 characters). */
  get errors(): string {
    return this.stderr;
  }

  /** VmHWM of the process, KiB. */
  peakRssKb(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  }

  /** Ends its input and waits for it to exit (killed after 10 s). */
  async close(): Promise<void> {
    if (this.ended) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.stdin.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
