/**
 * Freezes an object and everything reachable from it, so a loaded config cannot drift.
 * Returns the same object, typed as deeply readonly by the caller's declared type.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
