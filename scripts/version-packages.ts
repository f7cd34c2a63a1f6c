/**
 * `pnpm version-packages`: `changeset version` for the fixed group of packages/*, without
 * changesets' peer rule. That rule makes a major of every package whose peerDependencies name a
 * package bumped out of the peer's range; the stores, local, testing and forward have
 * `@wsapp/core` as a peer (`workspace:^`), and before 1.0 a breaking change is a `minor` that leaves
 * `^0.x.0`, so one breaking 0.x release of core would make every package 1.0.0. In a fixed group
 * every package takes the group's version anyway and pnpm writes the new `^` range when it
 * publishes, so the rule adds nothing here: the internal peers are hidden from `changeset version`
 * and put back afterwards, whatever happens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Manifest = { name: string; version: string; peerDependencies?: Record<string, string> };

/** Runs `changeset` (the binary at `changesetBin`) `version` in the monorepo at `root`. */
export function versionPackages(root: string, changesetBin: string): void {
  const dirs = readdirSync(join(root, 'packages'))
    .map((dir) => join(root, 'packages', dir, 'package.json'))
    .filter((path) => existsSync(path));
  const originals = new Map(dirs.map((path) => [path, readFileSync(path, 'utf8')]));
  const names = new Set([...originals.values()].map((text) => (JSON.parse(text) as Manifest).name));
  const hidden = new Map<string, Record<string, string>>();
  try {
    for (const [path, text] of originals) {
      const manifest = JSON.parse(text) as Manifest;
      const peers = manifest.peerDependencies;
      if (peers === undefined || !Object.keys(peers).some((name) => names.has(name))) continue;
      hidden.set(path, peers);
      manifest.peerDependencies = Object.fromEntries(
        Object.entries(peers).filter(([name]) => !names.has(name)),
      );
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    execFileSync(changesetBin, ['version'], { cwd: root, stdio: 'inherit' });
  } finally {
    for (const [path, peers] of hidden) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
      manifest.peerDependencies = peers;
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }
}

if (import.meta.filename === process.argv[1]) {
  const root = resolve(import.meta.dirname, '..');
  versionPackages(root, join(root, 'node_modules', '.bin', 'changeset'));
}
