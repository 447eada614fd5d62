/**
 * Reading `ip`-style arguments: keywords followed by values, in any order
 * ("dev v0 mtu 1400 up"). Mistakes are UsageErrors, which `nl` reports with
 * exit status 2, apart from the kernel's and libnl's refusals (status 1).
 */

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class Args {
  private i = 0;

  /** `what` names the command in messages ("link add"). */
  constructor(private readonly words: readonly string[], readonly what: string) {}

  /** The next word, or undefined at the end. */
  next(): string | undefined {
    return this.words[this.i++];
  }

  /** The value after keyword `key`, which must be there. */
  value(key: string): string {
    const v = this.words[this.i++];
    if (v === undefined) throw new UsageError(`${this.what}: "${key}" needs a value`);
    return v;
  }

  /** A non-negative integer after `key` (decimal, or hex with 0x). */
  uint(key: string): number {
    return this.uintOf(this.value(key), key);
  }

  /** `text` (the value of `key`) as a non-negative integer. */
  uintOf(text: string, key: string): number {
    return parseUint(text, `${this.what}: ${key}`);
  }

  /** Consumes `word` when it is next. */
  take(word: string): boolean {
    if (this.words[this.i] !== word) return false;
    this.i++;
    return true;
  }

  /** Throws when words are left over. */
  end(): void {
    const w = this.next();
    if (w !== undefined) this.unknown(w);
  }

  unknown(word: string): never {
    throw new UsageError(`${this.what}: unexpected "${word}"`);
  }

  /** Throws when something required is missing. */
  need<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new UsageError(`${this.what}: ${what} is required`);
    return value;
  }
}

function parseUint(text: string, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what}: "${text}" is not a non-negative integer`);
  return n;
}

/** Routing table names as /etc/iproute2/rt_tables has them by default. */
const TABLES: Record<string, number> = { default: 253, main: 254, local: 255 };

export function parseTable(text: string, what: string): number {
  return Object.hasOwn(TABLES, text) ? TABLES[text] : parseUint(text, what);
}

export function tableName(id: number): string {
  return Object.entries(TABLES).find(([, v]) => v === id)?.[0] ?? String(id);
}
