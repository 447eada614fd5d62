/**
 * Reads an AddressSanitizer or UndefinedBehaviorSanitizer report (what the
 * native fuzz harness prints on stderr before it stops) into what tells one
 * bug from another: the kind of fault and the innermost frames of libnl,
 * by function and source line.
 */

export interface SanitizerReport {
  /** "asan heap-buffer-overflow READ", "ubsan load of misaligned address for type 'uint64_t'", ... */
  fault: string;
  /** Innermost frames first, sanitizer and libc interceptors left out: "func (lib/x.c:12)". */
  frames: string[];
  /** The report as printed, for the reader (trimmed). */
  text: string;
}

/** Frames of the runtime itself, not of the code that faulted. */
const RUNTIME_FRAME = /^(__asan|__ubsan|__interceptor_|__sanitizer|__lsan|__wrap_|\w*Interceptor|mem(cpy|move|set|cmp)$|(free|malloc|calloc|realloc)$|str\w+$|printf_common|v?[sf]?n?printf$)/;

/** How many frames make a site. */
export const SITE_FRAMES = 3;

/** The report in a harness's stderr, or undefined if there is none. */
export function parseReport(stderr: string): SanitizerReport | undefined {
  const asan = /ERROR: AddressSanitizer: ((?:attempting )?[\w-]+)[^\n]*\n(?:(READ|WRITE) of size)?/.exec(stderr);
  const ubsan = /runtime error: ([^\n]+)/.exec(stderr);
  const other = /ERROR: (\w+Sanitizer): ([^\n]+)/.exec(stderr);
  let fault: string;
  let from: number;
  if (asan) {
    // The size read is left out: a length taken from the message varies with it.
    fault = ['asan', asan[1], asan[2]].filter(Boolean).join(' ');
    from = asan.index;
  } else if (ubsan) {
    // Addresses and values differ between runs of the same bug.
    fault = `ubsan ${ubsan[1].replace(/0x[0-9a-f]+/g, '').replace(/-?\b\d+(\.\d+)?(e[+-]\d+)?\b/g, 'N').replace(/\s+/g, ' ').trim()}`;
    from = ubsan.index;
  } else if (other) {
    fault = `${other[1]} ${other[2]}`;
    from = other.index;
  } else {
    return undefined;
  }
  const text = stderr.slice(from);
  const frames = [...text.matchAll(/^\s*#\d+ 0x[0-9a-f]+ in (\S+) ([^\s]+)/gm)]
    .map((m) => ({ fn: m[1], where: m[2].replace(/^.*?\/(lib|include|src|test)\//, '$1/').replace(/:\d+$/, '') }))
    .filter((f) => !RUNTIME_FRAME.test(f.fn))
    .map((f) => `${f.fn} (${f.where})`);
  return { fault, frames, text: text.slice(0, 6000) };
}

/**
 * One string per bug: the fault and the innermost functions. Source lines
 * are left out, since a patch elsewhere in the file moves them.
 */
export function reportSite(r: SanitizerReport): string {
  return `${r.fault} @ ${r.frames.slice(0, SITE_FRAMES).map((f) => f.replace(/ \(.*$/, '')).join(' < ')}`;
}
