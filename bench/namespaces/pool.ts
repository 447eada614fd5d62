/**
 * Many named network namespaces at once, for the namespaces scenarios:
 * made and deleted by one `ip -batch` each (500 in well under a second;
 * one `ip netns add` per namespace takes about ten times as long), uniquely
 * named, and deleted when the process exits even if a scenario failed.
 */
import { spawnSync } from 'node:child_process';

const live = new Set<NetnsPool>();
process.on('exit', () => {
  for (const p of live) p.delete();
});

export class NetnsPool {
  readonly names: readonly string[];

  constructor(label: string, count: number) {
    const prefix = `lnw-${label}-${process.pid}-${Math.random().toString(36).slice(2, 7)}-`;
    this.names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    live.add(this);
    const r = spawnSync('ip', ['-batch', '-'], { input: this.names.map((n) => `netns add ${n}\n`).join(''),
      encoding: 'utf8' });
    if (r.status !== 0) {
      this.delete();
      throw new Error(`creating ${count} namespaces: ${r.stderr}`);
    }
  }

  /** Deletes them all; -force goes on past ones already gone. */
  delete(): void {
    if (!live.delete(this)) return;
    spawnSync('ip', ['-force', '-batch', '-'], { input: this.names.map((n) => `netns del ${n}\n`).join(''),
      stdio: ['pipe', 'ignore', 'ignore'] });
  }
}
