/**
 * nl monitor: the client's change events, one line each, until Ctrl-C (or
 * SIGTERM). With --json, each line is the event as the client gives it.
 */
import type { ChangeEvent, KindTypes } from '../../api/types.js';
import { Args, UsageError } from './args.js';
import type { Context } from './context.js';
import { kindNamed, OBJECTS, type CliKind } from './objects.js';
import { paint, renderPairs, type Style } from './table.js';

export const monitorUsage = `nl monitor [all | link | addr | route | neigh | rule | qdisc | class]...`;

const ACTION_STYLE: Record<ChangeEvent['action'], Style> = { new: 'green', change: 'yellow', del: 'red' };

function line<K extends CliKind>(ctx: Context, names: Map<number, string>, e: { kind: K; action: ChangeEvent['action']; object: KindTypes[K] }): string {
  const { colour } = ctx.options;
  const pairs = renderPairs(OBJECTS[e.kind].columns(names), e.object, colour);
  return `${paint(e.action.padEnd(6), ACTION_STYLE[e.action], colour)} ${OBJECTS[e.kind].names[0].padEnd(6)} ${pairs}\n`;
}

export async function monitor(ctx: Context, args: Args): Promise<void> {
  const kinds = new Set<CliKind>();
  const all = Object.keys(OBJECTS) as CliKind[];
  for (let w = args.next(); w !== undefined; w = args.next()) {
    const kind = kindNamed(w);
    if (w === 'all') all.forEach((k) => kinds.add(k));
    else if (kind) kinds.add(kind);
    else throw new UsageError(`${args.what}: unknown object kind "${w}"`);
  }
  if (kinds.size === 0) all.forEach((k) => kinds.add(k));
  const names = await ctx.linkNames();
  const watcher = await ctx.client.watch([...kinds]);
  const stop = (): void => { void watcher.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stderr.write(`nl: watching ${[...kinds].join(', ')} (Ctrl-C to stop)\n`);
  for await (const e of watcher) {
    if (e.kind === 'overflow') {
      process.stderr.write('nl: events were lost (socket overflow); the ones that follow bring the view up to date\n');
      continue;
    }
    if (e.kind === 'classifier') continue;
    if (ctx.options.json) ctx.write(`${JSON.stringify(e)}\n`);
    else ctx.write(line(ctx, names, e));
    // Later events name links by the names they have then.
    if (e.kind === 'link') {
      if (e.action === 'del') names.delete(e.object.index);
      else names.set(e.object.index, e.object.name);
    }
  }
}
