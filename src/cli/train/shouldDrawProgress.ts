/**
 * Whether `tfjs-solver train` draws its progress bar: only on a terminal, and never with
 * `--json` (stdout then carries one JSON document, and a bar on stderr would still be noise
 * for the machine reading both).
 *
 * @param json `--json` was given.
 * @param stream the stream the bar would go to (stderr).
 */
export function shouldDrawProgress(json: boolean, stream: { readonly isTTY?: boolean }): boolean {
  return !json && stream.isTTY === true;
}
