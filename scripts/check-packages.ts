/**
 * `pnpm check:packages` (after `pnpm build`): packs every published package with `pnpm pack` (its
 * prepack hook included, `workspace:` ranges replaced, as `pnpm publish` does), checks the tarball
 * ships LICENSE, README.md and package.json, then lints it with publint (strict: warnings fail) and
 * with @arethetypeswrong/cli in every resolution mode (node10, node16 from CJS and ESM, bundler).
 * Deliberate exceptions are listed in EXCEPTIONS, with the reason. Exit code 1 on any problem.
 * `--keep DIR` leaves the tarballs in DIR.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packageDirs } from './package-metadata.js';

const root = resolve(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const REQUIRED_FILES = ['package/package.json', 'package/README.md', 'package/LICENSE'];

/** attw rules ignored for one entry point of one package (checked with every rule elsewhere). */
interface Exception {
  entrypoint: string;
  ignoreRules: string[];
  why: string;
}

const EXCEPTIONS: Record<string, Exception> = {
  client: {
    entrypoint: './browser',
    ignoreRules: ['cjs-resolves-to-esm'],
    why:
      '@wsapp/client/browser is the minified ES module for pages without a bundler: served as a file ' +
      '(require.resolve finds its path), never require()d; require("@wsapp/client") has its CommonJS build',
  },
  testing: {
    entrypoint: './conformance',
    ignoreRules: ['no-resolution'],
    why:
      '@wsapp/testing/conformance defines Vitest suites and Vitest cannot be require()d: ESM only, ' +
      'imported by test files, which Vitest loads as ES modules whatever the project compiles to',
  },
};

/** Packs one package into `into`; answers the tarball's path. */
function pack(dir: string, into: string): string {
  const before = new Set(readdirSync(into));
  execFileSync('pnpm', ['pack', '--pack-destination', into], {
    cwd: join(root, 'packages', dir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(into).find((file) => file.endsWith('.tgz') && !before.has(file));
  if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for packages/${dir}`);
  return join(into, tarball);
}

async function checkOne(dir: string, tarball: string): Promise<string[]> {
  const problems: string[] = [];
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
  for (const file of REQUIRED_FILES) if (!files.includes(file)) problems.push(`tarball lacks ${file}`);

  const bytes = readFileSync(tarball);
  const tarballBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const { messages, pkg } = await publint({
    pack: { tarball: tarballBuffer },
    strict: true,
    level: 'suggestion',
  });
  for (const message of messages) {
    problems.push(
      `publint ${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
    );
  }

  const exception = EXCEPTIONS[dir];
  const runs = exception
    ? [
        ['--exclude-entrypoints', exception.entrypoint],
        ['--entrypoints', exception.entrypoint, '--ignore-rules', ...exception.ignoreRules],
      ]
    : [[]];
  for (const args of runs) {
    try {
      execFileSync(bin('attw'), [tarball, '--format', 'ascii', '--no-color', ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      problems.push(`attw ${args.join(' ')}:\n${((error as { stdout?: string }).stdout ?? '').trim()}`);
    }
  }
  return problems;
}

async function main(): Promise<void> {
  const keep = process.argv.indexOf('--keep');
  const into =
    keep > 0 ? resolve(process.argv[keep + 1] ?? 'packs') : mkdtempSync(join(tmpdir(), 'wsapp-packs-'));
  mkdirSync(into, { recursive: true });
  let failed = false;
  try {
    for (const dir of packageDirs()) {
      const tarball = pack(dir, into);
      const problems = await checkOne(dir, tarball);
      const exception = EXCEPTIONS[dir];
      const note = exception
        ? ` (attw on ${exception.entrypoint} ignores ${exception.ignoreRules}: ${exception.why})`
        : '';
      console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} packages/${dir}${note}`);
      for (const problem of problems) console.log(`     ${problem.replaceAll('\n', '\n     ')}`);
      failed ||= problems.length > 0;
    }
  } finally {
    if (keep < 0) rmSync(into, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

await main();
