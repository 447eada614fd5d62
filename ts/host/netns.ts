/**
 * Naming the network namespace an instance's sockets open in: by name (as
 * `ip netns` keeps them under /var/run/netns), by path, or by the pid of a
 * process inside it. The native host opens it and checks it is one.
 */
import { nativeHost } from './native.js';

export type NetnsSpec = string | { name: string } | { path: string } | { pid: number };

export function netnsPath(spec: NetnsSpec): string {
  if (typeof spec === 'string') return spec.startsWith('/') ? spec : netnsPath({ name: spec });
  if ('name' in spec) {
    if (!/^[^/\0]+$/.test(spec.name) || spec.name === '.' || spec.name === '..') {
      throw new TypeError(`invalid network namespace name: ${JSON.stringify(spec.name)}`);
    }
    return `/var/run/netns/${spec.name}`;
  }
  if ('path' in spec) return spec.path;
  if (!Number.isInteger(spec.pid) || spec.pid <= 0) throw new TypeError(`invalid pid: ${spec.pid}`);
  return `/proc/${spec.pid}/ns/net`;
}

/** Opens the namespace; the caller owns (and closes) the returned fd. */
export function openNetns(spec: NetnsSpec): number {
  const path = netnsPath(spec);
  const fd = nativeHost().netnsOpen(path);
  if (fd < 0) {
    const why = fd === -2 ? 'no such namespace' : fd === -22 ? 'not a network namespace' : `errno ${-fd}`;
    throw new Error(`cannot open network namespace ${path}: ${why}`);
  }
  return fd;
}
