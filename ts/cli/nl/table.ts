/**
 * Human-readable output: tables with aligned columns, and the same cells as
 * "key value" pairs on one line (for `nl monitor`). Colours are ANSI escapes,
 * added only after widths are measured on the plain text.
 */

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan';

const ANSI: Record<Style, string> = {
  bold: '1', dim: '2', red: '31', green: '32', yellow: '33', blue: '34', magenta: '35', cyan: '36',
};

/** What a cell shows; an empty text is printed as "-" in tables and left out of lines. */
export interface Cell {
  text: string;
  style?: Style;
}

export interface Column<T> {
  header: string;
  cell: (row: T) => Cell | string;
  /** Numbers read better right-aligned. */
  right?: boolean;
}

export function paint(text: string, style: Style | undefined, colour: boolean): string {
  return colour && style ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text;
}

function asCell(c: Cell | string): Cell {
  return typeof c === 'string' ? { text: c } : c;
}

/** The rows as a table under a header, every column as wide as its widest cell. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], colour: boolean): string {
  if (rows.length === 0) return '';
  const cells = rows.map((r) => columns.map((c) => {
    const cell = asCell(c.cell(r));
    return cell.text === '' ? { text: '-', style: 'dim' as const } : cell;
  }));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].text.length)));
  const line = (row: Cell[]): string => row.map((cell, i) => {
    const pad = ' '.repeat(widths[i] - cell.text.length);
    const text = paint(cell.text, cell.style, colour);
    // The last column is not padded: no trailing blanks.
    return columns[i].right ? pad + text : i === row.length - 1 ? text : text + pad;
  }).join('  ');
  const header = line(columns.map((c) => ({ text: c.header.toUpperCase(), style: 'bold' as const })));
  return [header, ...cells.map(line)].join('\n') + '\n';
}

/** One row as "header value" pairs, skipping empty cells: "name v0 mtu 1500". */
export function renderPairs<T>(columns: readonly Column<T>[], row: T, colour: boolean): string {
  return columns.flatMap((c) => {
    const cell = asCell(c.cell(row));
    return cell.text === '' ? [] : [`${c.header} ${paint(cell.text, cell.style, colour)}`];
  }).join(' ');
}

/** Colours for stdout: only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}
