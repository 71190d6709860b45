// Citations of the project's internal documents (its specification and notes, by section, and
// its issue tracker) are meaningless to a user reading the package's files. `strip` removes the
// usual forms of those citations from comment text; `find` lists any left.

const REF = String.raw`(?:SPEC|NOTES) §\s?[\d.]+(?:\s?[-–,]\s?§?[\d.]+)*`;
const PATTERNS = [
  [new RegExp(String.raw`\s\(${REF}\)`, 'g'), ''],
  [new RegExp(String.raw`\(${REF}[,:]\s*`, 'g'), '('],
  [new RegExp(String.raw`[,;]\s*${REF}`, 'g'), ''],
  [new RegExp(String.raw`${REF}'s\s`, 'g'), 'the '],
  [new RegExp(String.raw`\s(?:of|in|see)\s${REF}`, 'g'), ''],
  [new RegExp(String.raw`${REF}\s(?=\w)`, 'g'), ''],
  [new RegExp(String.raw`\s?${REF}`, 'g'), ''],
  [/\s?\((?:see )?issue #?\d+\)/gi, ''],
];

/** `text` without citations of internal documents. */
export function strip(text) {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The internal citations in `text` (empty when none). */
export function find(text) {
  return [...text.matchAll(/SPEC §[\d.]*|NOTES §[\d.]*|SPEC\.md|NOTES\.md|\bissue #?\d+/gi)].map((m) => m[0]);
}
