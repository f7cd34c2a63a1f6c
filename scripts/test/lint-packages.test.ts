import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPackageMetadata, node10TypesVersions, problems, relativeLinks } from '../package-metadata.js';
import { installCommands, packageName } from '../readme.js';
import { checkReadmeInstall, installProblems, type Manifest } from '../readme-install.js';

const repo = resolve(import.meta.dirname, '../..');
const rootManifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

describe('package metadata', () => {
  it('holds for every package of this repository', () => {
    expect(checkPackageMetadata()).toEqual([]);
  });

  it('a new package without the metadata is refused, field by field', () => {
    const manifest = {
      name: '@wsapp/new',
      version: '0.1.0',
      license: 'MIT',
      files: ['dist'],
      exports: {
        '.': { import: './dist/index.js' },
        './x': { import: { default: './x.js', types: './x.d.ts' } },
      },
    };
    const found = problems(rootManifest, 'new', manifest, 'See [the docs](../../docs/x.md) and [api](#api).');
    expect(found).toEqual([
      expect.stringMatching(/^license is "MIT", expected "MIT-0"/),
      expect.stringMatching(/^repository is undefined, expected .*"directory":"packages\/new"/),
      expect.stringMatching(/^homepage is undefined/),
      expect.stringMatching(/^bugs is undefined/),
      expect.stringMatching(/^engines is undefined, expected \{"node":">=22"\}/),
      expect.stringMatching(/^publishConfig is undefined, expected \{"access":"public","provenance":true\}/),
      expect.stringMatching(/^typesVersions is undefined/),
      'files lacks README.md',
      'files lacks LICENSE',
      expect.stringMatching(/^scripts.prepack must copy the root LICENSE/),
      'exports["."] lists import before types',
      'exports["./x"] > import lists default before types',
      'README.md links to ../../docs/x.md: write an absolute URL',
    ]);
  });

  it('finds the links a registry page cannot follow', () => {
    const markdown = [
      '[a](../../bench/RESULTS.md) [b](https://example.com/x) [c](#install) [d](docs/x.md "title")',
      '<img src="logo.png"> <img src="https://example.com/logo.png">',
      '[ref]: ./relative.md',
      '[mail](mailto:a@example.com)',
    ].join('\n');
    expect(relativeLinks(markdown)).toEqual([
      '../../bench/RESULTS.md',
      'docs/x.md',
      'logo.png',
      './relative.md',
    ]);
  });

  it('maps each subpath to its require types for node10 resolution', () => {
    const exports = {
      '.': { import: { types: './dist/index.d.ts' }, require: { types: './dist/index.d.cts' } },
      './store': { import: { types: './dist/store.d.ts' }, require: { types: './dist/store.d.cts' } },
      './browser': { types: './dist/index.d.ts', default: './dist/browser/index.js' },
      './package.json': './package.json',
    };
    expect(node10TypesVersions(exports)).toEqual({
      '*': { store: ['./dist/store.d.cts'], browser: ['./dist/index.d.ts'] },
    });
  });
});

describe('README install section', () => {
  const manifests: Manifest[] = [
    {
      name: '@wsapp/store-redis',
      peerDependencies: { '@wsapp/core': 'workspace:^', ioredis: '^5.0.0' },
    },
    {
      name: '@wsapp/core',
      peerDependencies: { '@aws-sdk/client-sqs': '^3.0.0' },
      peerDependenciesMeta: { '@aws-sdk/client-sqs': { optional: true } },
    },
  ];

  it('matches the packages of this repository', () => {
    expect(checkReadmeInstall()).toEqual([]);
  });

  it('reads the commands of the section only, without flags and versions', () => {
    const readme =
      '# x\n`npm install a`\n## Install\n| r | `npm install -D @wsapp/core ioredis@5.11.1` |\n## Next\n`npm install b`';
    expect(installCommands(readme)?.map((command) => command.map(packageName))).toEqual([
      ['@wsapp/core', 'ioredis'],
    ]);
  });

  it('refuses a row without a required peer, an optional peer never named, an unknown package', () => {
    const readme =
      '# x\n## Install\n| core | `npm install @wsapp/core` |\n| redis | `npm install @wsapp/core @wsapp/store-redis left-pad` |\n';
    expect(installProblems(readme, manifests)).toEqual([
      '"npm install @wsapp/core @wsapp/store-redis left-pad" lacks ioredis, a required peer of @wsapp/store-redis',
      '@aws-sdk/client-sqs, an optional peer of @wsapp/core, is not named',
      'left-pad is installed but is no wsapp package nor a peer of one',
    ]);
    expect(installProblems('# x\n', manifests)).toEqual(['README.md has no install section']);
  });
});
