/**
 * Whether the Redis servers behind one client compile `#!lua` script flags (Redis 7.0 and later):
 * decided by the first script they compile, or forced by the store's `scriptFlags` option. Shared
 * by every script runner of one store.
 */
export class ScriptDialect {
  /** `true`: flagged scripts; `false`: scripts without shebang; `undefined`: not known yet (try flagged). */
  flagged: boolean | undefined;

  constructor(forced?: boolean) {
    this.flagged = forced;
  }
}

/**
 * Whether an error is a server refusing to compile a shebang: Lua 5.1 before Redis 7 reads `#!` as
 * a syntax error ("Error compiling script … unexpected symbol near '#'").
 */
export function isShebangRefused(error: unknown): boolean {
  return (
    error instanceof Error &&
    /compil/i.test(error.message) &&
    /near '#'|shebang|'#!'/i.test(error.message) &&
    !/unexpected flag|unknown flag/i.test(error.message)
  );
}
