// Citations of the project's internal documents (its specification and notes, by section, and
// its issue tracker) are meaningless to a user reading the package's files. `strip` removes the
// usual forms of those citations from comment text; `find` lists any left. Only spaces and tabs
// are removed, never line breaks, so line numbers (and source maps) stay valid.

const REF = String.raw`(?:SPEC|NOTES) §[ \t]?[\d.]+(?:[ \t]?[-–,][ \t]?§?[\d.]+)*`;
const PATTERNS = [
  [new RegExp(String.raw`[ \t]\(${REF}\)`, 'g'), ''],
  [new RegExp(String.raw`\(${REF}[,:][ \t]*`, 'g'), '('],
  [new RegExp(String.raw`[,;][ \t]*${REF}`, 'g'), ''],
  [new RegExp(String.raw`${REF}'s[ \t]`, 'g'), 'the '],
  [new RegExp(String.raw`[ \t](?:of|in|see)[ \t]${REF}`, 'g'), ''],
  [new RegExp(String.raw`${REF}[ \t](?=\w)`, 'g'), ''],
  [new RegExp(String.raw`[ \t]?${REF}`, 'g'), ''],
  [/[ \t]?\((?:see )?issue #?\d+\)/gi, ''],
  [/[ \t]\((?:see )?DESIGN(?:\.md)?(?:[ \t]"[^"]*")?\)/g, ''],
];

/** `text` without citations of internal documents. */
export function strip(text) {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The internal citations in `text` (empty when none). */
export function find(text) {
  return [...text.matchAll(/SPEC §[\d.]*|NOTES §[\d.]*|(?:SPEC|NOTES|DESIGN|STYLE)\.md|\(DESIGN\b[^)]*\)|\bissue #?\d+/gi)].map(
    (m) => m[0],
  );
}
