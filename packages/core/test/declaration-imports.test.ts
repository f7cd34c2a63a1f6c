import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Published types must compile for a user who installed only what npm installs with the package:
// its `dependencies` and its required peers. An optional peer (the AWS SDK clients, ioredis for
// @wsapp/testing, …) named in a `.d.ts` is TS2307 under `skipLibCheck: false` for everyone who
// does not use it. Reads the built output of `pnpm build`.
const packagesDir = resolve(import.meta.dirname, '../..');
const packages = readdirSync(packagesDir).filter((name) =>
  existsSync(join(packagesDir, name, 'package.json')),
);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The packages a user of `manifest` has installed for sure. */
function installedWith(manifest: Manifest): Set<string> {
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
    (name) => manifest.peerDependenciesMeta?.[name]?.optional !== true,
  );
  return new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...peers]);
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const builtins = new Set([...builtinModules, 'node']);
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtins.has(packageOf(specifier));

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return /\.d\.c?ts$/.test(entry.name) ? [path] : [];
  });
}

/** Every package a declaration file imports, `import()`s or references (`/// <reference types>`). */
function importedPackages(source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  const specifiers = [...info.importedFiles, ...info.typeReferenceDirectives].map((ref) => ref.fileName);
  return [...new Set(specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('/')).map(packageOf))];
}

describe('published declarations', () => {
  it('the scanner finds imports, import() types and type references, not comments', () => {
    const source = `/// <reference types="node" />
import { A } from '@aws-sdk/client-sqs';
import type { B } from 'aws-cdk-lib/aws-sqs';
export declare const c: import('ioredis').Redis;
export * from './local.js';
/** \`import { D } from 'in-a-comment'\` */
export declare function f(a: A, b: B): void;`;
    expect(importedPackages(source).sort()).toEqual([
      '@aws-sdk/client-sqs',
      'aws-cdk-lib',
      'ioredis',
      'node',
    ]);
  });

  it.each(packages)('%s: its .d.ts import only its dependencies and required peers', (dir) => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest;
    const dist = join(packagesDir, dir, 'dist');
    expect(existsSync(dist), `${dir}/dist missing: run pnpm build`).toBe(true);
    const files = declarationFiles(dist);
    expect(files.length).toBeGreaterThan(0);
    const allowed = installedWith(manifest);
    const outside = files.flatMap((file) =>
      importedPackages(readFileSync(file, 'utf8'))
        .filter((name) => !allowed.has(name) && !isBuiltin(name))
        .map((name) => `${relative(packagesDir, file)} imports ${name}`),
    );
    expect(outside).toEqual([]);
  });
});
