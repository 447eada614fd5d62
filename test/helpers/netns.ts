/**
 * Private network namespaces for kernel tests (and bench/ scripts). Each
 * test makes its own, with a unique name, and deletes it even when the test
 * fails; nothing runs in the machine's own namespace.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** Why kernel tests cannot run here, or undefined when they can. */
export const kernelSkipReason: string | undefined =
  process.getuid?.() === 0 ? undefined
    : 'kernel tests need root (network namespaces, CAP_NET_ADMIN); skipped';
if (kernelSkipReason) console.warn(`libnl-wasm tests: ${kernelSkipReason}`);

let counter = 0;
const created = new Set<string>();

function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  created.delete(name);
}

function deleteAll(): void {
  for (const name of [...created]) deleteNetns(name);
}

// vitest cannot be imported outside a test run: scripts clean up on exit instead.
if (process.env.VITEST) {
  const { afterAll } = await import('vitest');
  afterAll(deleteAll);
} else {
  process.on('exit', deleteAll);
}

export function createNetns(label = 't'): string {
  const name = `lnw-${label}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  execFileSync('ip', ['netns', 'add', name]);
  created.add(name);
  return name;
}

/** Runs fn with a fresh namespace, then deletes it whatever happened. */
export async function withNetns<T>(label: string, fn: (ns: string) => Promise<T> | T): Promise<T> {
  const ns = createNetns(label);
  try {
    return await fn(ns);
  } finally {
    deleteNetns(ns);
  }
}

/** Runs a command inside the namespace and returns its stdout; throws on failure. */
export function inNetns(ns: string, cmd: string, ...args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8' });
}

/** Runs `ip -n ns <args>` (or tc) and throws with stderr on failure. */
export function ipn(ns: string, ...args: string[]): void {
  const r = spawnSync('ip', ['-n', ns, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip -n ${ns} ${args.join(' ')}: ${r.stderr}`);
}

export function tcn(ns: string, ...args: string[]): void {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'tc', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tc ${args.join(' ')} in ${ns}: ${r.stderr}`);
}
