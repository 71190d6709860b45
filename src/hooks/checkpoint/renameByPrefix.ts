/**
 * Renames state entries keyed `<variable name>/<slot>` by swapping the variable-name prefix
 * through `names` (longest matching prefix wins); entries with no matching prefix keep their name.
 *
 * Why: optimizer slots are keyed by a variable's unique tfjs name (`dense/kernel_1` when a model
 * with the same layer names was built before in the process); a checkpoint stores them under the
 * model's stable names instead, so it loads into any fresh build of the same model.
 */
export function renameByPrefix<T extends { readonly name: string }>(entries: readonly T[], names: ReadonlyMap<string, string>): T[] {
  const prefixes: string[] = [...names.keys()].sort((a, b) => b.length - a.length);
  return entries.map((entry: T): T => {
    const prefix: string | undefined = prefixes.find((p) => entry.name === p || entry.name.startsWith(`${p}/`));
    if (prefix === undefined) return entry;
    return { ...entry, name: `${names.get(prefix) ?? prefix}${entry.name.slice(prefix.length)}` };
  });
}
