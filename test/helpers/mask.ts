/**
 * The masking applied before native and wasm output are compared: only
 * fields that change by themselves between two runs a moment apart.
 *
 *  - durations printed by nl_msec2str() ("11h 34m 21s 716msec", "43s 360msec"):
 *    ages, timers and randomised reachable times;
 *  - neighbour ages ("confirmed 60 used 0 updated 0");
 *  - in --stats output, every number: interfaces send router solicitations
 *    and MLD reports by themselves, so counters move between runs; the
 *    layout is still compared.
 */
const DURATION = /\b(\d+(?:d|h|m|s|msec)\b\s?)+/g;
const NEIGH_AGES = /\b(confirmed|used|updated) \d+/g;

export function maskVolatile(text: string, opts: { stats?: boolean } = {}): string {
  const out = text.replace(DURATION, '<duration> ').replace(NEIGH_AGES, '$1 <age>');
  return opts.stats ? out.replace(/\d+/g, '#') : out;
}
