/**
 * Sets `key` as an own, enumerable data property. Assignment would take a key named `__proto__`
 * as the object's prototype; connection data is user input, so stores write every decoded or
 * patched key through this.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A shallow JSON Merge Patch of connection data (a key set to `null` is removed), as a new object. */
export function mergeData(
  data: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...data };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else setOwn(merged, key, value);
  }
  return merged;
}
