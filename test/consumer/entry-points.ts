/** The entry points an installed package offers, read from its `exports` as published. */

/** One `exports` subpath of a package, as a consumer imports it. */
export interface EntryPoint {
  /** The package name, e.g. `@wsapp/core`. */
  readonly root: string;
  /** The specifier, e.g. `@wsapp/core/middleware`. */
  readonly specifier: string;
  /** Offered to `require` (a `require` condition, or a CommonJS file for every condition). */
  readonly cjs: boolean;
}

type Exports = string | null | { readonly [condition: string]: Exports } | readonly Exports[];

interface Manifest {
  readonly name: string;
  readonly type?: string;
  readonly exports?: Exports;
}

/** The targets reachable under `conditions` (Node's order: the first matching key wins). */
function resolve(target: Exports | undefined, conditions: readonly string[]): string | undefined {
  if (target === undefined || target === null) return undefined;
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map((t) => resolve(t, conditions)).find((t) => t !== undefined);
  for (const [key, value] of Object.entries(target as { readonly [c: string]: Exports })) {
    if (key === 'default' || conditions.includes(key)) {
      const found = resolve(value, conditions);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Every subpath of `manifest.exports` but `./package.json`, with what it offers. */
export function entryPoints(manifest: Manifest): EntryPoint[] {
  const exports = manifest.exports;
  if (exports === undefined || exports === null) return [];
  const map: { readonly [subpath: string]: Exports } =
    typeof exports === 'object' &&
    !Array.isArray(exports) &&
    Object.keys(exports).every((k) => k.startsWith('.'))
      ? (exports as { readonly [subpath: string]: Exports })
      : { '.': exports };
  return Object.entries(map)
    .filter(([subpath]) => subpath !== './package.json' && !subpath.includes('*'))
    .map(([subpath, target]) => {
      const required = resolve(target, ['node', 'require']);
      const cjs =
        required !== undefined &&
        (required.endsWith('.cjs') || (required.endsWith('.js') && manifest.type !== 'module'));
      return {
        root: manifest.name,
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        cjs,
      };
    });
}
