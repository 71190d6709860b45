/**
 * The source that set `path` (or the nearest enclosing key that was set whole), as ` (in a.yaml)`,
 * or `''` when the value is a default.
 */
export function originOf(path: string, origins: ReadonlyMap<string, string>): string {
  let current: string = path;
  for (;;) {
    const source: string | undefined = origins.get(current);
    if (source !== undefined) return ` (in ${source})`;
    const dot: number = current.lastIndexOf('.');
    if (dot < 0) return '';
    current = current.slice(0, dot);
  }
}
