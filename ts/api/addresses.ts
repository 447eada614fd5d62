/**
 * Comparing addresses as the client prints them (libnl's nl_addr2str) with
 * addresses as users write them.
 */

/**
 * Whether address `a` (as libnl prints it) is the one the user wrote as `b`:
 * a full-length prefix may be left out ("10.0.0.1" = "10.0.0.1/32"), and a
 * `b` without a prefix matches `a` with any ("10.0.0.1" = "10.0.0.1/24").
 */
export function sameAddress(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const plain = (x: string): string => x.replace(x.includes(':') ? /\/128$/ : /\/32$/, '');
  return plain(a) === plain(b) || (!b.includes('/') && a.split('/')[0] === b);
}
