/**
 * nl monitor: the client's change events, one line each, until Ctrl-C (or
 * SIGTERM). With --json, each line is the event as the client gives it.
 * With --all-netns, the events of every named namespace (`ip netns`), in
 * one watcher, each line headed by its namespace; namespaces made while
 * it runs are followed from when they appear.
 */
import { netns } from '../../api/named_namespaces.js';
import type { ChangeEvent, KindTypes, WatchEvent } from '../../api/types.js';
import type { Watcher } from '../../api/watcher.js';
import { Args, UsageError } from './args.js';
import type { Context } from './context.js';
import { kindNamed, OBJECTS, type CliKind } from './objects.js';
import { paint, renderPairs, type Style } from './table.js';

export const monitorUsage = `nl monitor [all | link | addr | route | neigh | rule | qdisc | class]...`;

const ACTION_STYLE: Record<ChangeEvent['action'], Style> = { new: 'green', change: 'yellow', del: 'red' };

function line<K extends CliKind>(ctx: Context, names: Map<number, string>, e: { kind: K; action: ChangeEvent['action']; object: KindTypes[K] },
  where: string): string {
  const { colour } = ctx.options;
  const pairs = renderPairs(OBJECTS[e.kind].columns(names), e.object, colour);
  return `${where}${paint(e.action.padEnd(6), ACTION_STYLE[e.action], colour)} ${OBJECTS[e.kind].names[0].padEnd(6)} ${pairs}\n`;
}

function kindsOf(args: Args): CliKind[] {
  const kinds = new Set<CliKind>();
  const all = Object.keys(OBJECTS) as CliKind[];
  for (let w = args.next(); w !== undefined; w = args.next()) {
    const kind = kindNamed(w);
    if (w === 'all') all.forEach((k) => kinds.add(k));
    else if (kind) kinds.add(kind);
    else throw new UsageError(`${args.what}: unknown object kind "${w}"`);
  }
  return kinds.size ? [...kinds] : all;
}

/** Link names (ifindex -> name) per namespace, kept up to date by the link events. */
class LinkNames {
  private readonly byNetns = new Map<string, Map<number, string>>();

  constructor(private readonly ctx: Context) {}

  async follow(netnsName: string | undefined): Promise<void> {
    const client = netnsName === undefined ? this.ctx.client : await this.ctx.client.netns(netnsName);
    try {
      this.byNetns.set(netnsName ?? '', new Map((await client.links.list()).map((l) => [l.index, l.name])));
    } finally {
      if (client !== this.ctx.client) await client.close();
    }
  }

  of(netnsName: string | undefined): Map<number, string> {
    return this.byNetns.get(netnsName ?? '') ?? new Map();
  }

  forget(netnsName: string): void {
    this.byNetns.delete(netnsName);
  }
}

export async function monitor(ctx: Context, args: Args, allNetns = false): Promise<void> {
  const kinds = kindsOf(args);
  const names = new LinkNames(ctx);
  let watcher: Watcher;
  let stopFollowing = (): void => undefined;
  if (allNetns) {
    const spaces = await netns.watch();
    const initial = spaces.names;
    await Promise.all(initial.map((n) => names.follow(n)));
    watcher = await ctx.client.watch(kinds, { netns: initial });
    spaces.on('event', (e) => {
      void (async () => {
        if (e.action === 'add') {
          await names.follow(e.name);
          await watcher.add(e.name);
        } else {
          names.forget(e.name);
          await watcher.remove(e.name);
        }
        process.stderr.write(`nl: ${e.action === 'add' ? 'watching' : 'no longer watching'} namespace ${e.name}\n`);
      })().catch((err: Error) => process.stderr.write(`nl: namespace ${e.name}: ${err.message}\n`));
    });
    stopFollowing = () => spaces.close();
  } else {
    await names.follow(undefined);
    watcher = await ctx.client.watch(kinds);
  }
  const stop = (): void => {
    stopFollowing();
    void watcher.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`nl: watching ${kinds.join(', ')}${allNetns ? ' in every named namespace' : ''} (Ctrl-C to stop)\n`);
  for await (const e of watcher) print(ctx, names, e, allNetns);
}

function print(ctx: Context, names: LinkNames, e: WatchEvent, allNetns: boolean): void {
  const where = allNetns && e.netns !== undefined ? `[${e.netns}] ` : '';
  if (e.kind === 'overflow') {
    process.stderr.write(`nl: ${where}events were lost (socket overflow); the ones that follow bring the view up to date\n`);
    return;
  }
  if (e.kind === 'classifier') return;
  const map = names.of(allNetns ? e.netns : undefined);
  if (ctx.options.json) ctx.write(`${JSON.stringify(e)}\n`);
  else ctx.write(line(ctx, map, e, where));
  // Later events name links by the names they have then.
  if (e.kind === 'link') {
    if (e.action === 'del') map.delete(e.object.index);
    else map.set(e.object.index, e.object.name);
  }
}
