import type { Definitions } from './route-definitions.js';

/** API Gateway's own route keys: never prefixed, one handler each across an app and its routers. */
export const SPECIAL_KEYS: ReadonlySet<string> = new Set(['$connect', '$disconnect', '$default']);

/** The key a route registered as `key` answers to under `prefix`. */
export function fullKey(prefix: string, key: string): string {
  return SPECIAL_KEYS.has(key) ? key : prefix + key;
}

/**
 * Why `prefix` cannot be an `include()` prefix, or `undefined`. A prefix starting with `$` would
 * turn a router's custom keys into API Gateway's own (`connect` → `$connect`) or into keys only
 * API Gateway may use; without one, composing prefixes never makes a `$` key.
 */
export function prefixProblem(prefix: string): string | undefined {
  if (!prefix.startsWith('$')) return undefined;
  return (
    `include() prefix ${JSON.stringify(prefix)} starts with '$': route keys starting with '$' are ` +
    `API Gateway's ($connect, $disconnect, $default) and a prefixed key must not become one`
  );
}

/** Whether `from` includes `target`, directly or through other routers. */
export function includes(from: Definitions, target: Definitions): boolean {
  const seen = new Set<Definitions>();
  const visit = (defs: Definitions): boolean => {
    if (seen.has(defs)) return false;
    seen.add(defs);
    return defs.included.some((i) => i.definitions === target || visit(i.definitions));
  };
  return visit(from);
}

/**
 * The first route key registered twice in the key space of any app or router that (transitively)
 * includes `defs`, or `undefined`. Two keys that clash in a router clash in everything including
 * it, so only the outermost ones (those nothing includes) are walked.
 */
export function duplicateKey(defs: Definitions): string | undefined {
  for (const root of outermost(defs)) {
    const seen = new Set<string>();
    const walk = (d: Definitions, prefix: string, path: ReadonlySet<Definitions>): string | undefined => {
      if (path.has(d)) return undefined; // a cycle: compileRoutes reports it
      for (const key of d.routes.keys()) {
        const full = fullKey(prefix, key);
        if (seen.has(full)) return full;
        seen.add(full);
      }
      const inner = new Set(path).add(d);
      for (const { definitions, options } of d.included) {
        const found = walk(definitions, prefix + (options.prefix ?? ''), inner);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    const found = walk(root, '', new Set());
    if (found !== undefined) return found;
  }
  return undefined;
}

function outermost(defs: Definitions): Definitions[] {
  const roots: Definitions[] = [];
  const seen = new Set<Definitions>();
  const up = (d: Definitions) => {
    if (seen.has(d)) return;
    seen.add(d);
    if (d.includedBy.length === 0) roots.push(d);
    for (const parent of d.includedBy) up(parent);
  };
  up(defs);
  return roots;
}
