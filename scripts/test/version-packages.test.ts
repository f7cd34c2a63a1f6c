import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { versionPackages } from '../version-packages.js';

// A two-package copy of the monorepo (a core and a store with the core as a `workspace:^` peer),
// with this repository's changesets config and binary, and a breaking 0.x change of the core.
const repo = resolve(import.meta.dirname, '../..');
const changeset = join(repo, 'node_modules', '.bin', 'changeset');
let dir: string;

function fixture(): string {
  dir = mkdtempSync(join(tmpdir(), 'wsapp-version-'));
  const write = (path: string, value: unknown) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
  };
  write('package.json', { name: 'root', private: true });
  write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  const config = JSON.parse(readFileSync(join(repo, '.changeset/config.json'), 'utf8'));
  write('.changeset/config.json', { ...config, fixed: [['@wsapp/core', '@wsapp/store-memory']] });
  write('packages/core/package.json', { name: '@wsapp/core', version: '0.1.0' });
  write('packages/store-memory/package.json', {
    name: '@wsapp/store-memory',
    version: '0.1.0',
    peerDependencies: { '@wsapp/core': 'workspace:^' },
    devDependencies: { '@wsapp/core': 'workspace:*' },
  });
  write('.changeset/breaking.md', '---\n"@wsapp/core": minor\n---\n\nA breaking change before 1.0.\n');
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  return dir;
}

const read = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8'));

afterEach(() => rmSync(dir, { recursive: true, force: true }));

// Each run starts the changesets CLI (~2 s alone, more on a loaded machine).
describe('pnpm version-packages', { timeout: 60_000 }, () => {
  it('plain changeset version makes a breaking 0.x minor of core a 1.0.0 of the whole group', () => {
    execFileSync(changeset, ['version'], { cwd: fixture(), stdio: 'ignore' });
    expect(read('packages/core/package.json').version).toBe('1.0.0');
  });

  it('releases a breaking 0.x change as 0.2.0 for the whole group, the peer range kept', () => {
    versionPackages(fixture(), changeset);
    expect(read('packages/core/package.json').version).toBe('0.2.0');
    const store = read('packages/store-memory/package.json');
    expect(store.version).toBe('0.2.0');
    expect(store.peerDependencies).toEqual({ '@wsapp/core': 'workspace:^' });
    expect(Object.keys(store)).toEqual(['name', 'version', 'peerDependencies', 'devDependencies']);
    expect(readFileSync(join(dir, 'packages/store-memory/CHANGELOG.md'), 'utf8')).toContain('## 0.2.0');
  });
});
