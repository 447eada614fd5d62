/**
 * What every `nl` command works with: the client, the output form (a table
 * or JSON) and the interface names that tables show instead of ifindexes.
 */
import type { NetlinkClient } from '../../api/client.js';
import type { Kind, Link } from '../../api/types.js';
import { NlError } from '../../libnl/nl_error.js';
import type { Args } from './args.js';
import type { LinkNames } from './cells.js';
import { renderTable, type Column } from './table.js';

export interface OutputOptions {
  /** Print the client's objects as JSON (one array per listing, one object per line for monitor). */
  json: boolean;
  colour: boolean;
  /** -4 / -6: only this address family where listings can tell. */
  family?: 'inet' | 'inet6';
}

function namesOf(links: readonly Link[]): Map<number, string> {
  return new Map(links.map((l) => [l.index, l.name]));
}

export class Context {
  private names: Promise<Map<number, string>> | undefined;

  constructor(readonly client: NetlinkClient, readonly options: OutputOptions,
    readonly write: (text: string) => void = (t) => { process.stdout.write(t); }) {}

  /** The interface names, read once (a listing shows a consistent view). */
  linkNames(): Promise<Map<number, string>> {
    this.names ??= this.client.links.list().then(namesOf);
    return this.names;
  }

  /** Every link there is, just listed: the names are taken from it, not from another dump. */
  knownLinks(links: readonly Link[]): void {
    this.names ??= Promise.resolve(namesOf(links));
  }

  /** A link by name; the error names it (the client's get reports libnl's lookup, without the name). */
  async link(dev: string): Promise<Link> {
    try {
      return await this.client.links.get(dev);
    } catch (e) {
      if (e instanceof NlError && e.nleName === 'NLE_NODEV') throw new NlError(e.code, e.nleName, e.text, `link "${dev}"`, e.extAck);
      throw e;
    }
  }

  async ifindex(dev: string): Promise<number> {
    return (await this.link(dev)).index;
  }

  /** Prints a listing: the objects as JSON, or a table. */
  async show<T>(rows: T[], columns: (names: LinkNames) => Column<T>[]): Promise<void> {
    if (this.options.json) this.write(`${JSON.stringify(rows)}\n`);
    else this.write(renderTable(columns(await this.linkNames()), rows, this.options.colour));
  }
}

export type Verb = 'list' | 'add' | 'del' | 'set';

/** An object of the command line (`nl link ...`, `nl xfrm policy ...`). */
export interface Command {
  /** The name first, then aliases (a name may be two words: "xfrm policy"). */
  names: readonly string[];
  /** Lines of `nl OBJECT help`. */
  usage: string;
  verbs: Partial<Record<Verb, (ctx: Context, args: Args) => Promise<void>>>;
}

/** An object kind the client also watches: `nl monitor` shows its events with its listing's columns. */
export interface ObjectCommand<T> extends Command {
  /** The client's name for the kind (for `nl monitor`). */
  kind: Kind;
  columns: (names: LinkNames) => Column<T>[];
}
