/**
 * The published packages' metadata, derived from the root package.json so that a new package
 * cannot forget it: license, repository (with its directory), homepage, bugs, engines,
 * publishConfig, the LICENSE file in the tarball, types first in every `exports` condition and
 * package READMEs whose links work on the registry page (no relative links: the registry shows
 * the README without the repository around it). `pnpm lint` runs it
 * (scripts/lint-packages.ts); `--write` there fixes the manifests.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Manifest = { [key: string]: Json };

const root = resolve(import.meta.dirname, '..');
const read = (path: string): Manifest => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

/** Copies the root LICENSE into the package before `pnpm pack`/`pnpm publish` (the tarball's LICENSE). */
export const PREPACK = `node -e "require('node:fs').copyFileSync('../../LICENSE', 'LICENSE')"`;

/** Where the repository's files are browsed (`https://github.com/owner/name`), from `repository.url`. */
export function repositoryWebUrl(manifest: Manifest): string {
  const repository = manifest.repository as { url: string };
  return repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** The CommonJS (else any) types of one `exports` entry, found in its `require` (else first) branch. */
function typesOf(entry: Json | undefined): string | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return undefined;
  if (typeof entry.types === 'string') return entry.types;
  return (
    typesOf(entry.require) ??
    Object.values(entry)
      .map(typesOf)
      .find((types) => types !== undefined)
  );
}

/**
 * `typesVersions` for TypeScript's `node10` resolution (`"module": "commonjs"` without a
 * `moduleResolution`, as `cdk init` writes it), which does not read `exports`: each subpath maps to
 * the types `exports` gives `require`. Without it, `@wsapp/core/middleware` is TS2307 there.
 */
export function node10TypesVersions(exports: Json | undefined): Manifest | undefined {
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports)) return undefined;
  const paths: Manifest = {};
  for (const [subpath, entry] of Object.entries(exports)) {
    const types = typesOf(entry);
    if (subpath === '.' || subpath === './package.json' || types === undefined) continue;
    paths[subpath.slice(2)] = [types];
  }
  return Object.keys(paths).length === 0 ? undefined : { '*': paths };
}

/** The fields every published package takes from the root package.json (and its own `exports`). */
export function expectedFields(rootManifest: Manifest, dir: string, manifest: Manifest): Manifest {
  const defaults = rootManifest.packageDefaults as Manifest;
  const repository = rootManifest.repository as Manifest;
  const typesVersions = node10TypesVersions(manifest.exports);
  return {
    license: rootManifest.license as string,
    repository: { ...repository, directory: `packages/${dir}` },
    homepage: `${repositoryWebUrl(rootManifest)}/tree/main/packages/${dir}#readme`,
    bugs: rootManifest.bugs as Manifest,
    engines: defaults.engines as Manifest,
    publishConfig: defaults.publishConfig as Manifest,
    ...(typesVersions === undefined ? {} : { typesVersions }),
  };
}

const FILES = ['dist', 'README.md', 'LICENSE'];

/** The published package directories (`packages/*`). */
export function packageDirs(): string[] {
  return readdirSync(join(root, 'packages')).filter((dir) =>
    existsSync(join(root, 'packages', dir, 'package.json')),
  );
}

/** Subpaths of `exports` with no types, or types not first (TypeScript takes the first match). */
function untyped(value: Json | undefined, path: string): string[] {
  if (typeof value === 'string') return [`${path} has no types condition`];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const keys = Object.keys(value);
  const leaf = keys.some((key) => key !== 'types' && typeof value[key] === 'string');
  const own = leaf && keys[0] !== 'types' ? [`${path} lists ${keys[0]} before types`] : [];
  const nested = keys.filter((key) => typeof value[key] === 'object');
  return [...own, ...nested.flatMap((key) => untyped(value[key], `${path} > ${key}`))];
}

function untypedSubpaths(exports: Json | undefined): string[] {
  if (exports === null || typeof exports !== 'object' || Array.isArray(exports))
    return ['has no exports map'];
  return Object.entries(exports)
    .filter(([subpath]) => subpath !== './package.json')
    .flatMap(([subpath, value]) => untyped(value, `exports["${subpath}"]`));
}

/** Links the registry page cannot follow: relative ones (`](../x)`, `](docs/x.md)`, `src="x.png"`). */
export function relativeLinks(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(\s*([^)\s]+)[^)]*\)|\bsrc="([^"]+)"|^\[[^\]]+\]:\s*(\S+)/gm)];
  return links
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '')
    .filter((target) => !/^(?:[a-z][a-z0-9+.-]*:|#)/i.test(target));
}

/** What is wrong with one package (empty when nothing). */
export function problems(rootManifest: Manifest, dir: string, manifest: Manifest, readme: string): string[] {
  const found: string[] = [];
  if (manifest.private === true) found.push('is private: packages/* are published');
  for (const [key, value] of Object.entries(expectedFields(rootManifest, dir, manifest))) {
    if (JSON.stringify(manifest[key]) !== JSON.stringify(value)) {
      found.push(`${key} is ${JSON.stringify(manifest[key])}, expected ${JSON.stringify(value)}`);
    }
  }
  const files = (manifest.files ?? []) as string[];
  for (const file of FILES) if (!files.includes(file)) found.push(`files lacks ${file}`);
  const scripts = (manifest.scripts ?? {}) as Manifest;
  if (scripts.prepack !== PREPACK) found.push(`scripts.prepack must copy the root LICENSE: ${PREPACK}`);
  found.push(...untypedSubpaths(manifest.exports));
  found.push(...relativeLinks(readme).map((link) => `README.md links to ${link}: write an absolute URL`));
  return found;
}

/** The manifest with the root's fields set (in place, or after `license` when new). */
export function fixed(rootManifest: Manifest, dir: string, manifest: Manifest): Manifest {
  const fields = expectedFields(rootManifest, dir, manifest);
  const out: Manifest = {};
  for (const [key, value] of Object.entries(manifest)) {
    out[key] = key in fields ? (fields[key] as Json) : value;
    if (key === 'license') for (const [name, field] of Object.entries(fields)) out[name] ??= field;
  }
  for (const [name, field] of Object.entries(fields)) out[name] ??= field;
  const files = (out.files ?? []) as string[];
  out.files = [...files, ...FILES.filter((file) => !files.includes(file))];
  out.scripts = { ...((out.scripts ?? {}) as Manifest), prepack: PREPACK };
  return out;
}

/** Checks (or with `write`, fixes then checks) every package; answers the problems left. */
export function checkPackageMetadata(write = false): string[] {
  const rootManifest = read(join(root, 'package.json'));
  const failures: string[] = [];
  for (const dir of packageDirs()) {
    const path = join(root, 'packages', dir, 'package.json');
    let manifest = read(path);
    if (write) {
      manifest = fixed(rootManifest, dir, manifest);
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
    failures.push(...problems(rootManifest, dir, manifest, readme).map((p) => `packages/${dir}: ${p}`));
  }
  const names = packageDirs().map((dir) => read(join(root, 'packages', dir, 'package.json')).name as string);
  const changesets = read(join(root, '.changeset', 'config.json'));
  if (JSON.stringify(changesets.fixed) !== JSON.stringify([names.sort()])) {
    failures.push(`.changeset/config.json: fixed must be [${JSON.stringify(names)}], one version for all`);
  }
  const privates = ['bench', ...readdirSync(join(root, 'examples')).map((dir) => `examples/${dir}`)];
  for (const path of privates) {
    const file = join(root, path, 'package.json');
    if (existsSync(file) && read(file).private !== true) failures.push(`${path}: must stay private`);
  }
  return failures;
}
