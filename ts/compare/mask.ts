/**
 * The masking applied before native and wasm output are compared: only
 * fields that change by themselves between two runs a moment apart.
 *
 *  - durations printed by nl_msec2str() ("11h 34m 21s 716msec", "43s 360msec"):
 *    ages, timers and randomised reachable times, and IPv6's create-stamp;
 *  - neighbour ages ("confirmed 60 used 0 updated 0");
 *  - qdisc handles the kernel numbered itself ("id 8014:"), from a counter
 *    all namespaces share;
 *  - in --stats output, every number and the padding around it: interfaces
 *    send router solicitations and MLD reports by themselves, so counters
 *    move between runs; the words and lines are still compared.
 */
const DURATION = /\b(\d+(?:d|h|m|s|msec)\b[ \t]?)+/g;
const CREATE_STAMP = /create-stamp [\d.]+s/g;
const NEIGH_AGES = /\b(confirmed|used|updated) \d+/g;
const AUTO_HANDLE = /\b(id|parent|handle) 8[0-9a-f]{3}:/g;

export function maskVolatile(text: string, opts: { stats?: boolean } = {}): string {
  const out = text.replace(CREATE_STAMP, 'create-stamp <time>').replace(DURATION, '<duration> ').replace(NEIGH_AGES, '$1 <age>')
    .replace(AUTO_HANDLE, '$1 <kernel handle>');
  // Counters change width too, so the padding around them goes as well.
  return opts.stats ? out.replace(/\d+/g, '#').replace(/[ \t]+/g, ' ') : out;
}
