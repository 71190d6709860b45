/**
 * True when `error` says that the package `specifier` itself is not installed (Node's
 * `ERR_MODULE_NOT_FOUND`/`MODULE_NOT_FOUND` naming it), as opposed to an installed package that
 * failed while loading (a missing native library, say).
 */
export function isModuleNotFound(error: unknown, specifier: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const notFound: boolean = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return notFound && typeof message === 'string' && message.includes(`'${specifier}'`);
}
