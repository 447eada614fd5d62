/**
 * The `nl` command line's pure parts: tc's units (as tc(8) defines them),
 * table alignment and colours (only on a terminal, never with NO_COLOR),
 * and the argument reader's messages.
 */
import { describe, expect, it } from 'vitest';
import { formatRate, parseRate, parseSize, parseTime } from '../../ts/cli/nl/units.js';
import { renderPairs, renderTable, useColour, type Column } from '../../ts/cli/nl/table.js';
import { Args, parseTable, tableName, UsageError } from '../../ts/cli/nl/args.js';

describe('tc units', () => {
  it('rates: bits or bytes per second, SI and IEC prefixes, to bytes per second', () => {
    expect(parseRate('1mbit', 'r')).toBe(125_000);
    expect(parseRate('8000', 'r')).toBe(1000);
    expect(parseRate('100kbps', 'r')).toBe(100_000);
    expect(parseRate('1Gbit', 'r')).toBe(125_000_000);
    expect(parseRate('1mibit', 'r')).toBe(131_072);
    expect(() => parseRate('1furlong', 'r')).toThrow(UsageError);
    expect(() => parseRate('fast', 'r')).toThrow(/not a number with a unit/);
  });

  it('sizes in bytes (binary k, m, g; kbit), times in microseconds', () => {
    expect(parseSize('1500', 's')).toBe(1500);
    expect(parseSize('32kb', 's')).toBe(32_768);
    expect(parseSize('2m', 's')).toBe(2 * 1024 * 1024);
    expect(parseSize('64kbit', 's')).toBe(8192);
    expect(parseTime('50ms', 't')).toBe(50_000);
    expect(parseTime('1s', 't')).toBe(1_000_000);
    expect(parseTime('200', 't')).toBe(200);
    expect(() => parseTime('3constructor', 't')).toThrow(/unknown time unit/);
  });

  it('prints rates as tc does', () => {
    expect(formatRate(125_000)).toBe('1Mbit');
    expect(formatRate(187_500)).toBe('1.5Mbit');
    expect(formatRate(125)).toBe('1Kbit');
    expect(formatRate(10)).toBe('80bit');
  });
});

describe('tables', () => {
  interface Row { name: string; mtu: number }
  const columns: Column<Row>[] = [
    { header: 'name', cell: (r) => ({ text: r.name, style: 'cyan' }) },
    { header: 'mtu', cell: (r) => String(r.mtu), right: true },
    { header: 'alias', cell: () => '' },
  ];
  const rows: Row[] = [{ name: 'lo', mtu: 65536 }, { name: 'veth0', mtu: 1500 }];

  it('aligns columns (numbers to the right), shows empty cells as "-", no trailing blanks', () => {
    expect(renderTable(columns, rows, false)).toBe(
      'NAME     MTU  ALIAS\n' +
      'lo     65536  -\n' +
      'veth0   1500  -\n');
    expect(renderTable(columns, [], false)).toBe('');
  });

  it('colours cells without changing the alignment', () => {
    const coloured = renderTable(columns, rows, true);
    expect(coloured).toContain('\x1b[36mveth0\x1b[0m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(renderTable(columns, rows, false));
  });

  it('renders a row as "header value" pairs, leaving out empty cells', () => {
    expect(renderPairs(columns, rows[1], false)).toBe('name veth0 mtu 1500');
  });

  it('uses colours only on a terminal without NO_COLOR', () => {
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
  });
});

describe('arguments', () => {
  it('reads keyword values and names what is missing or unexpected', () => {
    const a = new Args(['mtu', '1400', 'up', 'bogus'], 'link set');
    expect(a.next()).toBe('mtu');
    expect(a.uint('mtu')).toBe(1400);
    expect(a.take('up')).toBe(true);
    expect(() => a.end()).toThrow('link set: unexpected "bogus"');
    expect(() => new Args([], 'route add').value('via')).toThrow('route add: "via" needs a value');
    expect(() => new Args(['x'], 'link set').uint('mtu')).toThrow('link set: mtu: "x" is not a non-negative integer');
    expect(new Args(['0x10'], 'rule add').uint('fwmark')).toBe(16);
  });

  it('knows the routing tables by name', () => {
    expect(parseTable('main', 't')).toBe(254);
    expect(parseTable('100', 't')).toBe(100);
    expect(() => parseTable('toString', 't')).toThrow(UsageError);
    expect(tableName(255)).toBe('local');
    expect(tableName(7)).toBe('7');
  });
});
