/**
 * What libnl's .c files say about each exported function: the doxygen
 * comment right before its definition (its one-line summary, what it
 * returns) and its body (whether it returns -NLE_* codes).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DocComment {
  /** first sentence of the description */
  brief?: string;
  /** the @return / @retval parts, joined */
  returns: string;
  deprecated: boolean;
  /** the whole comment, one line */
  text: string;
}

export interface Definition {
  doc?: DocComment;
  /** the text between the braces */
  body: string;
}

function cFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const full = join(dir, f);
    if (statSync(full).isDirectory()) out.push(...cFiles(full));
    else if (f.endsWith('.c')) out.push(full);
  }
  return out;
}

/**
 * A definition in libnl's style: the head starts in column 0 (return type
 * words and stars, the name, the parameters), the body ends with a "}" in
 * column 0.
 */
const DEFINITION = /^(?:[A-Za-z_]\w*[ \t\n*]+)+([A-Za-z_]\w*)\s*\([^;{}]*\)\s*\{([\s\S]*?)\n\}/gm;

/** Doxygen comments that only open or close a group of functions, documenting none. */
const GROUP_MARKER = /^\s*[@\\](name|defgroup|addtogroup|ingroup|\{|\})/;

/** Function definitions by name (the first one wins, as with #ifdef variants). */
export function readDefinitions(dirs: readonly string[]): Map<string, Definition> {
  const defs = new Map<string, Definition>();
  for (const file of dirs.flatMap(cFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(DEFINITION)) {
      if (defs.has(m[1])) continue;
      defs.set(m[1], { doc: commentBefore(text, m.index ?? 0), body: m[2] });
    }
  }
  return defs;
}

/** The doc comment that ends right before `at`, if any (only whitespace between). */
function commentBefore(text: string, at: number): DocComment | undefined {
  let end = at;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  if (!text.startsWith('*/', end - 2)) return undefined;
  const open = text.lastIndexOf('/**', end - 2);
  if (open < 0) return undefined;
  const raw = text.slice(open + 3, end - 2);
  if (raw.includes('*/') || GROUP_MARKER.test(raw.replace(/^[\s*]+/, ''))) return undefined;
  return parseComment(raw);
}

function parseComment(raw: string): DocComment {
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\*?[ \t]?/, '').trimEnd());
  // Doxygen commands start with @ or \ at the beginning of a line.
  const isCommand = (l: string): boolean => /^\s*[@\\][A-Za-z]/.test(l);

  const description: string[] = [];
  for (const l of lines) {
    const brief = /^\s*[@\\]brief\s+(.*)$/.exec(l);
    if (brief) {
      description.push(brief[1]);
      continue;
    }
    if (isCommand(l) || (!l.trim() && description.length)) break;
    if (l.trim()) description.push(l.trim());
  }
  const para = description.join(' ')
    .replace(/[@\\](?:[abcep]|em|ref)\s+/g, '') // inline markup: \b true, @p arg
    .replace(/^[A-Za-z_]\w*(?:\(\))?\s+-\s+/, '') // kernel style "nlmsg_validate - validate ..."
    .replace(/\s+/g, ' ').trim();
  const sentence = /^(.*?[.!?])(?:\s|$)/.exec(para)?.[1] ?? para;

  const returns: string[] = [];
  let inReturn = false;
  for (const l of lines) {
    if (/^\s*[@\\](return|returns|retval|result)\b/.test(l)) {
      inReturn = true;
      returns.push(l.replace(/^\s*[@\\]\w+\s*/, ''));
    } else if (inReturn && (isCommand(l) || !l.trim())) {
      inReturn = false;
    } else if (inReturn) {
      returns.push(l.trim());
    }
  }
  return {
    brief: sentence || undefined,
    returns: returns.join(' ').replace(/\s+/g, ' ').trim(),
    deprecated: lines.some((l) => /^\s*[@\\]deprecated\b/.test(l)),
    text: lines.join(' ').replace(/\s+/g, ' ').trim(),
  };
}
