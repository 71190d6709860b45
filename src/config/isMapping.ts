/** True for a plain mapping (a parsed YAML map or an object literal), false for lists, null and scalars. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
