/**
 * The store's parts, each made (its statements prepared) when first used: a command that only reads — a CLI search,
 * `status` — never prepares the write path's, the admin's or the vector index's statements (4–5 ms of a CLI search's
 * start on the 20,000-mail store, of ~8 ms for all of them). `made` says whether a part exists (to close only those).
 */
export type LazyParts<T> = T & { made(key: keyof T): boolean };

export function lazyParts<T extends object>(makers: { [K in keyof T]: () => T[K] }): LazyParts<T> {
  const values = new Map<keyof T, unknown>();
  const parts = {
    made: (key: keyof T) => values.has(key),
  } as LazyParts<T>;
  for (const key of Object.keys(makers) as Array<keyof T>) {
    Object.defineProperty(parts, key, {
      enumerable: true,
      get: () => {
        if (!values.has(key)) values.set(key, makers[key]());
        return values.get(key);
      },
    });
  }
  return parts;
}
