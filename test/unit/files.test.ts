/**
 * The file sandbox of an instance (ts/host/files.ts): only the allow-list is
 * readable, nothing on the host is writable, /tmp is private memory.
 *
 * The absolute paths below are the wasm program's view, which the sandbox
 * maps; the only host files read are libnl's etc files in this checkout.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTable, allowedSource } from '../../dist/host/files.js';
import { Errno } from '../../dist/host/errno.js';
import { packageRoot } from '../../dist/host/paths.js';

const O_RDONLY = 0;
const O_WRONLY = 1;
const O_RDWR = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;

/** libnl's etc directory in this checkout stands in for the package's. */
const ETC = join(packageRoot, 'build/native/etc/libnl');

function table(): { files: FileTable; out: string[] } {
  const out: string[] = [];
  const dec = new TextDecoder();
  const files = new FileTable({ libnlEtcDir: ETC, stdout: (b) => out.push(dec.decode(b)), stderr: () => {} });
  return { files, out };
}

describe('file allow-list', () => {
  it('maps the paths libnl reads, and nothing else', () => {
    expect(allowedSource('/etc/protocols', ETC)).toBe('/etc/protocols');
    expect(allowedSource('/etc/libnl/classid', ETC)).toBe(join(ETC, 'classid'));
    expect(allowedSource('/etc/iproute2/rt_tables', ETC)).toBe('/etc/iproute2/rt_tables');
    expect(allowedSource('/proc/net/psched', ETC)).toBe('/proc/net/psched');
    for (const p of ['/etc/passwd', '/etc/shadow', '/etc/iproute2/../passwd', '/etc/libnl/../../etc/shadow',
      'etc/protocols', '/proc/self/environ', '/etc/protocols\0x', '/sys/class/net/lo']) {
      expect(allowedSource(p, ETC), p).toBeUndefined();
    }
  });

  it('stat and fstat give the size of an allowed file, as the host sees it', () => {
    const { files } = table();
    const view = new DataView(new ArrayBuffer(256));
    const size = statSync(join(ETC, 'classid')).size;
    expect(files.stat('/etc/libnl/classid', view, 0)).toBe(0);
    expect(view.getInt32(40, true)).toBe(size);
    const fd = files.open('/etc/libnl/classid', O_RDONLY);
    expect(files.fstat(fd, view, 88)).toBe(0);
    expect(view.getInt32(88 + 40, true)).toBe(size);
    expect(view.getInt32(88 + 12, true) & 0o170000).toBe(0o100000);
    expect(files.fstat(1, view, 0)).toBe(0);
    expect(view.getInt32(12, true) & 0o170000).toBe(0o020000);
    expect(files.fstat(99, view, 0)).toBe(-Errno.EBADF);
    expect(files.stat('/etc/libnl/../../etc/shadow', view, 0)).toBe(-Errno.ENOENT);
  });

  it('reads an allowed file and refuses writes to it', () => {
    const { files } = table();
    const fd = files.open('/etc/libnl/classid', O_RDONLY);
    expect(fd).toBeGreaterThanOrEqual(3);
    const buf = new Uint8Array(64);
    expect(files.read(fd, buf)).toBeGreaterThan(0);
    expect(files.open('/etc/libnl/classid', O_WRONLY)).toBe(-Errno.EROFS);
    expect(files.open('/etc/protocols', O_WRONLY)).toBe(-Errno.EROFS);
    expect(files.open('/etc/passwd', O_RDONLY)).toBe(-Errno.ENOENT);
    expect(files.open('/etc/passwd', O_RDWR)).toBe(-Errno.EACCES);
    expect(files.open('/root/x', O_WRONLY | O_CREAT)).toBe(-Errno.EACCES);
    expect(files.unlink('/etc/protocols')).toBe(-Errno.EROFS);
    expect(files.write(fd, new Uint8Array([1]))).toBe(-Errno.EBADF);
  });

  it('keeps /tmp in memory, private to the instance', () => {
    const a = table().files;
    const fd = a.open('/tmp/check_XXXX', O_RDWR | O_CREAT | O_EXCL);
    expect(a.write(fd, new TextEncoder().encode('hello'))).toBe(5);
    expect(a.open('/tmp/check_XXXX', O_RDWR | O_CREAT | O_EXCL)).toBe(-Errno.EEXIST);
    expect(a.seek(fd, 0, 0)).toBe(0);
    const buf = new Uint8Array(5);
    expect(a.read(fd, buf)).toBe(5);
    expect(new TextDecoder().decode(buf)).toBe('hello');
    expect(table().files.open('/tmp/check_XXXX', O_RDONLY)).toBe(-Errno.ENOENT);
    expect(a.unlink('/tmp/check_XXXX')).toBe(0);
    expect(a.open('/tmp/sub/dir', O_RDWR | O_CREAT)).toBe(-Errno.EACCES);
  });

  it('routes stdout to the given sink', () => {
    const { files, out } = table();
    expect(files.write(1, new TextEncoder().encode('line\n'))).toBe(5);
    expect(out).toEqual(['line\n']);
    expect(files.ioctl(1, 0x5413)).toBe(-Errno.ENOTTY);
  });
});
