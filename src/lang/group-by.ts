/**
 * The items grouped by a key, each group in list order. The matchers use it to compare a text
 * only with the words that share its first (or last) character, in the order the list gives.
 */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}
