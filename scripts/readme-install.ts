/**
 * The README's install table against the packages' `peerDependencies`: every row that installs a
 * wsapp package installs its required peers too, every optional peer is named in the section (so
 * a reader knows when to add it), and every command names only wsapp packages and their peers.
 * `pnpm lint` runs it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageDirs } from './package-metadata.js';
import { installCommands, installSection, packageName } from './readme.js';

export interface Manifest {
  name: string;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const root = resolve(import.meta.dirname, '..');

/** What the README's install section gets wrong about the packages (empty when nothing). */
export function installProblems(readme: string, manifests: Manifest[]): string[] {
  const section = installSection(readme);
  if (section === undefined) return ['README.md has no install section'];
  const commands = (installCommands(readme) ?? []).map((command) => command.map(packageName));
  const known = new Set(manifests.flatMap((m) => [m.name, ...Object.keys(m.peerDependencies ?? {})]));
  const found: string[] = [];
  for (const manifest of manifests) {
    const peers = Object.keys(manifest.peerDependencies ?? {});
    const optional = (peer: string) => manifest.peerDependenciesMeta?.[peer]?.optional === true;
    const rows = commands.filter((command) => command.includes(manifest.name));
    if (rows.length === 0) found.push(`no npm install command installs ${manifest.name}`);
    for (const row of rows) {
      for (const peer of peers.filter((p) => !optional(p) && !row.includes(p))) {
        found.push(`"npm install ${row.join(' ')}" lacks ${peer}, a required peer of ${manifest.name}`);
      }
    }
    const named = (p: string) => section.includes(`\`${p}`) || commands.some((c) => c.includes(p));
    for (const peer of peers.filter((p) => optional(p) && !named(p))) {
      found.push(`${peer}, an optional peer of ${manifest.name}, is not named`);
    }
  }
  for (const name of new Set(commands.flat())) {
    if (!known.has(name)) found.push(`${name} is installed but is no wsapp package nor a peer of one`);
  }
  return found;
}

/** Checks the root README; answers the problems found. */
export function checkReadmeInstall(): string[] {
  const manifests = packageDirs().map(
    (dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  );
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return installProblems(readme, manifests).map((problem) => `README.md install section: ${problem}`);
}
