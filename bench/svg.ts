/**
 * The benchmark's chart, as a hand-written SVG: one group of bars per
 * scenario, one bar per contender (median time per dump), on a log scale
 * because the contenders span three orders of magnitude.
 */

export interface ChartSeries {
  label: string;
  /** Median seconds per scenario (same order as the chart's groups), or null when not run. */
  values: Array<number | null>;
}

const COLORS = ['#4c4c4c', '#1f77b4', '#aec7e8', '#ff7f0e', '#ffbb78', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmtTime(s: number): string {
  if (s >= 1) return `${+s.toPrecision(3)} s`;
  if (s >= 1e-3) return `${+(s * 1e3).toPrecision(3)} ms`;
  return `${+(s * 1e6).toPrecision(3)} µs`;
}

export function barChart(title: string, groups: readonly string[], series: readonly ChartSeries[]): string {
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null && v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const left = 70, top = 40, plotH = 360, bar = 12, gap = 28;
  const groupW = series.length * bar + gap;
  const plotW = groups.length * groupW;
  const legendX = left + plotW + 20;
  // About 6.5 px per character at 11 px sans-serif.
  const width = legendX + 30 + Math.ceil(6.5 * Math.max(...series.map((s) => s.label.length)));
  const height = top + plotH + 60;
  const y = (v: number): number => top + plotH - (Math.log10(v / lo) / Math.log10(hi / lo)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (let d = lo; d <= hi * 1.0001; d *= 10) {
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${y(d) + 4}" text-anchor="end">${fmtTime(d)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + gap / 2;
    series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === null || v <= 0) return;
      const yv = y(v);
      out.push(`<rect x="${x0 + si * bar}" y="${yv}" width="${bar - 1}" height="${top + plotH - yv}" ` +
        `fill="${COLORS[si % COLORS.length]}"><title>${esc(`${s.label}, ${g}: ${fmtTime(v)}`)}</title></rect>`);
    });
    out.push(`<text x="${x0 + (series.length * bar) / 2}" y="${top + plotH + 18}" text-anchor="middle">${esc(g)}</text>`);
  });
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${left}" y="${top + plotH + 42}">median wall time per dump (log scale); lower is better</text>`);
  series.forEach((s, si) => {
    const ly = top + si * 18;
    out.push(`<rect x="${legendX}" y="${ly}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    out.push(`<text x="${legendX + 18}" y="${ly + 10}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
