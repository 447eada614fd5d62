/**
 * C programs of our own, built with `libnl-wasm cc` (test/programs/), do in
 * wasm what their native build does in the same network namespace:
 *
 *  - errno_report: a raw request's nlmsgerr equals -ENODEV and strerror()
 *    and perror() say "No such device"; the E* values, every strerror()
 *    text, errno after failing calls; main's -ENOENT exits 254;
 *  - interfaces: if_nametoindex, if_indextoname, if_nameindex and
 *    getifaddrs in a namespace with a bridge, a veth pair and IPv4/IPv6
 *    addresses (labels, broadcast, peers);
 *  - signal_waits: sleep(60) takes no CPU and SIGTERM ends it at once with
 *    143, also with both cores busy; a SIGINT handler runs while the
 *    program waits in recv(); alarm() ends each kind of wait; with no
 *    handler SIGHUP, SIGINT, SIGTERM end a waiting or computing program with
 *    the native status; `timeout 3 libnl-wasm exec` ends;
 *  - stdout_buffering: stdout into a pipe is fully buffered, as glibc has
 *    it: what a program printed comes out at exit, or never when a signal
 *    ends it first;
 *  - link_monitor and nl-monitor: `compare --timeout 2` finds them equal;
 *  - a program that forgot an #include builds, as with gcc, with the flags
 *    pkg-config prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipn, kernelSkipReason, withNetns } from '../helpers/netns.js';
import { cpuSeconds } from '../helpers/process_stats.js';
import { runNative, runWasm } from '../../dist/compare/run.js';
import { packageRoot } from '../../dist/host/paths.js';

const cli = join(packageRoot, 'dist/cli/libnl-wasm.js');
const PROGRAMS = ['errno_report', 'interfaces', 'signal_waits', 'stdout_buffering'];

function libnlWasm(args: string[], timeout = 120_000): { status: number; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout });
  return { status: r.status ?? 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0), out: r.stdout + r.stderr };
}

type Side = 'native' | 'wasm';

interface Exit {
  status: number;
  /** Milliseconds from the signal (if one was sent) to the exit. */
  ms: number;
}

/** A program started in namespace ns, with its output so far and a way to wait for a line of it. */
class Running {
  readonly child: ChildProcess;
  private out = '';
  private signalledAt = 0;

  constructor(side: Side, ns: string, prog: string, args: string[]) {
    this.child = side === 'native'
      ? spawn('ip', ['netns', 'exec', ns, prog, ...args])
      : spawn(process.execPath, [cli, 'exec', '--netns', ns, `${prog}.wasm`, ...args]);
    this.child.stdout?.on('data', (b: Buffer) => { this.out += b.toString(); });
  }

  get stdout(): string {
    return this.out;
  }

  async printed(text: string): Promise<void> {
    while (!this.out.includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`exited before printing ${text}: ${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  kill(sig: NodeJS.Signals): void {
    this.signalledAt = performance.now();
    this.child.kill(sig);
  }

  exit(): Promise<Exit> {
    return new Promise((resolve) => {
      const done = (code: number | null, sig: NodeJS.Signals | null): void => resolve({
        status: code ?? 128 + constants.signals[sig as NodeJS.Signals],
        ms: performance.now() - this.signalledAt,
      });
      if (this.child.exitCode !== null || this.child.signalCode !== null) done(this.child.exitCode, this.child.signalCode);
      else this.child.once('exit', done);
    });
  }
}

/** Two processes that keep both cores busy until stopped. */
function busyCores(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
}

describe.skipIf(!!kernelSkipReason)('C programs behave as their native build', () => {
  let dir = '';
  const prog = (name: string): string => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'libnl-wasm-c-programs-'));
    for (const name of PROGRAMS) {
      const r = libnlWasm(['cc', join(packageRoot, 'test/programs', `${name}.c`), '-o', prog(name)]);
      if (r.status !== 0) throw new Error(`cc ${name}: ${r.out}`);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('see Linux errno numbers: a raw nlmsgerr is -ENODEV, "No such device", and -ENOENT exits 254', async () => {
    const native = await withNetns('en', (ns) => runNative(ns, prog('errno_report')));
    const wasm = await withNetns('ew', (ns) => runWasm(ns, `${prog('errno_report')}.wasm`));
    expect(native.status).toBe(254);
    expect(native.stdout).toContain('nlmsgerr.error -19, -ENODEV -19: equal\nstrerror(19): No such device\n');
    expect(native.stderr).toBe('perror: No such device\n');
    expect(wasm).toEqual(native);
  });

  it('find interfaces and addresses as glibc does, in a namespace with a bridge and a veth pair', async () => {
    await withNetns('if', (ns) => {
      for (const cmd of [
        'link set lo up', 'link add br0 type bridge', 'link add v0 type veth peer name v1', 'link set v1 master br0',
        'link set br0 up', 'link set v0 up', 'link set v1 up', 'addr add 10.1.0.1/24 brd + dev br0',
        'addr add 10.1.0.2/24 label br0:one dev br0', 'addr add 172.16.0.1 peer 172.16.0.2/32 dev v0',
        'addr add 2001:db8::1/64 dev br0 nodad', 'addr add 2001:db8:1::1 peer 2001:db8:1::2/128 dev v0 nodad',
      ]) ipn(ns, ...cmd.split(' '));
      const args = ['lo', 'br0', 'v0', 'v1'];
      const native = runNative(ns, prog('interfaces'), args);
      const wasm = runWasm(ns, `${prog('interfaces')}.wasm`, args);
      expect(native.status).toBe(0);
      expect(native.stdout).toContain('if_nametoindex(lo) = 1, errno 0\nif_indextoname(1) = lo, errno 0\n');
      expect(native.stdout).toMatch(/br0:one flags \S+ addr inet 10\.1\.0\.2 netmask inet 255\.255\.255\.0/);
      expect(wasm).toEqual(native);
    });
  });

  it('sleep(60) uses no CPU and SIGTERM ends it with 143 at once, with both cores busy', async () => {
    const busy = busyCores();
    try {
      await withNetns('sl', async (ns) => {
        for (const side of ['native', 'wasm'] as const) {
          const run = new Running(side, ns, prog('signal_waits'), ['sleep', '60']);
          await run.printed('sleeping\n');
          const pid = run.child.pid as number;
          const before = cpuSeconds(pid);
          await new Promise((r) => setTimeout(r, 2000));
          const cpu = cpuSeconds(pid) - before;
          run.kill('SIGTERM');
          const exit = await run.exit();
          expect({ side, status: exit.status, stdout: run.stdout }).toEqual({ side, status: 143, stdout: 'sleeping\n' });
          expect(cpu).toBeLessThan(0.1);
          expect(exit.ms).toBeLessThan(100);
        }
      });
    } finally {
      for (const b of busy) b.kill('SIGKILL');
    }
  });

  it('run a SIGINT handler while the program waits in recv(), as a monitor does', async () => {
    await withNetns('si', async (ns) => {
      for (const side of ['native', 'wasm'] as const) {
        const run = new Running(side, ns, prog('signal_waits'), ['catch-int']);
        await run.printed('waiting\n');
        run.kill('SIGINT');
        const exit = await run.exit();
        expect({ side, status: exit.status, stdout: run.stdout })
          .toEqual({ side, status: 3, stdout: 'waiting\ncaught SIGINT, exiting\n' });
      }
    });
  });

  it('end every kind of wait on alarm(), and die of SIGALRM without a handler', async () => {
    const native = await withNetns('an', (ns) => runNative(ns, prog('signal_waits'), ['alarm']));
    const wasm = await withNetns('aw', (ns) => runWasm(ns, `${prog('signal_waits')}.wasm`, ['alarm']));
    expect(native.status).toBe(142);
    // What sleep(3) has left when alarm(1) ends it depends on how late the
    // signal came: on a busy machine, natively too, 1 or 2.
    expect(native.stdout).toMatch(/sleep\(3\) left [12], errno 4\n/);
    const unslept = (r: typeof native): typeof native => ({ ...r, stdout: r.stdout.replace(/sleep\(3\) left \d/, 'sleep(3) left N') });
    expect(unslept(wasm)).toEqual(unslept(native));
  });

  it('end by an uncaught signal with the native status, waiting or computing', async () => {
    await withNetns('sd', async (ns) => {
      for (const [mode, sig, status] of [['poll', 'SIGHUP', 129], ['poll', 'SIGINT', 130], ['spin', 'SIGTERM', 143]] as const) {
        for (const side of ['native', 'wasm'] as const) {
          const run = new Running(side, ns, prog('signal_waits'), [mode]);
          await run.printed(mode === 'poll' ? 'polling\n' : 'spinning\n');
          run.kill(sig);
          expect({ side, mode, sig, status: (await run.exit()).status }).toEqual({ side, mode, sig, status });
        }
      }
    });
  });

  it('buffer stdout into a pipe fully, as glibc does: printed at exit, lost to a signal', async () => {
    for (const mode of ['exit', 'signal']) {
      const native = await withNetns('bn', (ns) => runNative(ns, prog('stdout_buffering'), [mode]));
      const wasm = await withNetns('bw', (ns) => runWasm(ns, `${prog('stdout_buffering')}.wasm`, [mode]));
      expect(native).toEqual(mode === 'exit'
        ? { status: 0, stdout: 'first line\nno newline', stderr: 'to stderr\n' }
        : { status: 143, stdout: '', stderr: 'to stderr\n' });
      expect(wasm).toEqual(native);
    }
    // One pipe for both: stderr's line comes first, stdout's at exit.
    await withNetns('bm', (ns) => {
      const merged = (cmd: string): string => spawnSync('sh', ['-c', `${cmd} exit 2>&1`], { encoding: 'utf8' }).stdout;
      const native = merged(`ip netns exec ${ns} ${prog('stdout_buffering')}`);
      expect(native).toBe('to stderr\nfirst line\nno newline');
      expect(merged(`${process.execPath} ${cli} exec --netns ${ns} ${prog('stdout_buffering')}.wasm`)).toBe(native);
    });
  });

  it('end under timeout(1)', () => {
    const started = performance.now();
    const r = spawnSync('timeout', ['3', process.execPath, cli, 'exec', `${prog('signal_waits')}.wasm`, 'sleep', '60'],
      { encoding: 'utf8', timeout: 30_000 });
    expect([r.status, r.stdout]).toEqual([124, 'sleeping\n']);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('compare monitors stopped by --timeout, and finds them equal', () => {
    const own = libnlWasm(['compare', '--timeout', '2', join(packageRoot, 'test/programs/link_monitor.c')]);
    expect(own.out).toMatch(/^equal: .*link_monitor\.c \(exit 0;/);
    expect(own.status).toBe(0);
    const tool = libnlWasm(['compare', '--timeout', '2', '--signal', 'INT', 'nl-monitor']);
    expect(tool.out).toMatch(/^equal: nl-monitor \(exit 130;/);
    expect(tool.status).toBe(0);
  });

  it('build what gcc builds: a missing #include warns, pkg-config\'s flags are taken', async () => {
    const src = join(dir, 'no_include.c');
    // genl_ctrl_resolve() comes from <netlink/genl/ctrl.h>, not included.
    writeFileSync(src, '#include <stdio.h>\n#include <math.h>\n#include <netlink/genl/genl.h>\n' +
      'int main(void) { struct nl_sock *sk = nl_socket_alloc(); genl_connect(sk);\n' +
      '  printf("%d %.0f\\n", genl_ctrl_resolve(sk, "nlctrl") > 0, sqrt(16.0)); return 0; }\n');
    const pc = spawnSync('pkg-config', ['--cflags', '--libs', 'libnl-3.0', 'libnl-route-3.0', 'libnl-genl-3.0'],
      { encoding: 'utf8' }).stdout.trim().split(/\s+/);
    const gcc = spawnSync('gcc', [src, '-o', join(dir, 'no_include.gcc'), ...pc, '-lm'], { encoding: 'utf8' });
    expect(gcc.status).toBe(0);
    expect(gcc.stderr).toContain('implicit declaration of function');
    const cc = libnlWasm(['cc', src, '-o', join(dir, 'no_include'), ...pc, '-lm', '-O2', '-g']);
    expect(cc.status).toBe(0);
    expect(cc.out).toContain('implicit declaration of function');
    await withNetns('cc', (ns) => {
      const native = runNative(ns, join(dir, 'no_include'));
      expect(native).toEqual({ status: 0, stdout: '1 4\n', stderr: '' });
      expect(runWasm(ns, `${join(dir, 'no_include')}.wasm`)).toEqual(native);
    });
  });
});
