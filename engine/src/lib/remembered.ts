/**
 * `make()` remembered per owner and key. Owners are a release's frozen compiled objects, so what
 * is remembered for them leaves with them (a WeakMap); keys can come from requests (field sets,
 * statement shapes), so an owner keeps at most `max` of them and makes the rest every time.
 */
export function remembered<T>(
  cache: WeakMap<object, Map<string, T>>,
  owner: object,
  key: string,
  make: () => T,
  max = 200,
): T {
  let byKey = cache.get(owner);
  if (!byKey) cache.set(owner, (byKey = new Map<string, T>()));
  if (byKey.has(key)) return byKey.get(key)!;
  const value = make();
  if (byKey.size < max) byKey.set(key, value);
  return value;
}
