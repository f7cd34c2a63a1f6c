import { mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A `node_modules` holding only what the Lambda Node.js runtime provides on its NODE_PATH: the
 * `@aws-sdk/*` packages the bundles require (found in their text), linked from `from`'s
 * dependencies, in `dir/runtime/node_modules` (not on the bundles' own lookup path: keep them out
 * of `dir`'s ancestors' reach, e.g. in `dir/app`). Anything else a bundle needs and did not bundle
 * fails to load, as it would on Lambda, and so does an `import()` of the SDK (NODE_PATH is for
 * `require()` only).
 */
export function runtimeModules(dir: string, bundles: string[], from: string): string {
  const wanted = new Set<string>();
  for (const bundle of bundles) {
    for (const match of readFileSync(bundle, 'utf8').matchAll(/["'](@aws-sdk\/[a-z0-9-]+)["']/g)) {
      wanted.add(match[1] as string);
    }
  }
  const resolve = createRequire(join(from, 'package.json')).resolve;
  const root = join(dir, 'runtime', 'node_modules');
  mkdirSync(join(root, '@aws-sdk'), { recursive: true });
  for (const name of wanted) {
    symlinkSync(realpathSync(dirname(resolve(`${name}/package.json`))), join(root, name), 'dir');
  }
  return root;
}
