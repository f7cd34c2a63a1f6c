/** A list prefixed with its length, as the scripts' `list()` reads it. */
export function counted(items: readonly string[]): Array<string | number> {
  return [items.length, ...items];
}

/** A script's array reply as strings (anything else: none). */
export function toStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(String) : [];
}
