/**
 * Collapses `.`/`..` segments and repeated slashes of a `/`-separated path, without touching any
 * file system. A leading `/` is kept; `..` above the start of a relative path is kept.
 * @example normalizePath('configs/COCO/../Base.yaml') // 'configs/Base.yaml'
 */
export function normalizePath(path: string): string {
  const absolute: boolean = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    const last: string | undefined = out[out.length - 1];
    if (segment === '..' && last !== undefined && last !== '..') out.pop();
    else if (segment !== '..' || !absolute) out.push(segment);
  }
  const joined: string = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
