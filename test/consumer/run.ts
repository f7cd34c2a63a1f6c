/**
 * The consumer test (issue 27): what a team gets from the registry, checked on the Node that runs
 * this script. Packs every package, then installs the tarballs with npm (not pnpm) into fresh
 * projects outside the workspace, with only what the README's install section names:
 *  - quick-start: the install commands of the packages the Quick start imports (for each, the
 *    shortest command of the section that installs it) and the Quick start's own imports (zod);
 *    its code, exactly as printed, is typechecked;
 *  - everything: every tarball and every command of the section; an import of every entry point is
 *    typechecked, and every entry point loaded with `import()`, and with `require()` where offered.
 * Types: strict, `skipLibCheck: false`, under nodenext (ESM and CommonJS files), bundler (module
 * esnext and preserve) and commonjs (module commonjs, moduleResolution node10).
 * Run: `pnpm test:consumer` (builds first). Needs the registry (a local npm cache makes reruns fast).
 * Env: WSAPP_NPM_CACHE (npm cache dir), WSAPP_CONSUMER_KEEP=1 (keep the temp projects),
 * WSAPP_CONSUMER_TYPES=0 (skip the typechecks: tsc's result does not depend on the Node running it,
 * so CI runs them on one Node and the installs and loads on each).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importedModules, installCommands, packageName, quickStart } from '../../scripts/readme.js';
import { type EntryPoint, entryPoints } from './entry-points.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wsapp-consumer-'));
if (!relative(repo, root).startsWith('..')) throw new Error(`${root} is inside the workspace`);
const cache = process.env.WSAPP_NPM_CACHE ?? join(tmpdir(), 'wsapp-consumer-npm-cache');
const node = process.execPath;

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
const checks: Check[] = [];
const timings: [string, number][] = [];

function check(name: string, ok: boolean, detail = ''): void {
  checks.push({ name, ok, detail });
  const indented = detail ? `\n       ${detail.split('\n').join('\n       ')}` : '';
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : indented}`);
}

function timed<T>(name: string, fn: () => T): T {
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings.push([name, (Date.now() - started) / 1000]);
  }
}

/** Runs a command to completion (bounded), returning whether it exited 0 and its output. */
function run(command: string, args: string[], cwd: string, timeoutMs: number) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

console.log(`consumer test on node ${process.version} in ${root} (npm cache ${cache})`);

// --- pack ---------------------------------------------------------------------------------------
const tarballDir = join(root, 'tarballs');
const packed = timed('pnpm pack', () =>
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballDir], repo, 300_000),
);
if (!packed.ok) throw new Error(`pnpm pack failed (run pnpm build first?):\n${packed.output}`);
/** Package name → its tarball, read from the tarball's own package.json. */
const tarballs = new Map<string, string>();
for (const file of readdirSync(tarballDir)) {
  const manifest = run('tar', ['-xzOf', join(tarballDir, file), 'package/package.json'], root, 30_000);
  tarballs.set((JSON.parse(manifest.output) as { name: string }).name, join(tarballDir, file));
}
const packages = readdirSync(join(repo, 'packages')).map(
  (dir) =>
    (JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as { name: string }).name,
);
check(
  'every package packs',
  packages.every((name) => tarballs.has(name)),
  `packed: ${[...tarballs.keys()].join(' ')}`,
);

// --- what the README tells a team to install ----------------------------------------------------
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const code = quickStart(readme);
const quickStartImports = importedModules(code).map(packageName);
const commands = installCommands(readme) ?? [];
check(
  'README.md has an install section with npm install commands',
  commands.length > 0,
  'none found: installing the tarballs and the Quick start imports instead',
);
const installs = (name: string) => commands.filter((c) => c.some((spec) => packageName(spec) === name));
const shortest = (name: string) => installs(name).sort((a, b) => a.length - b.length)[0];
const quickStartInstall = [
  ...quickStartImports.flatMap((name) => shortest(name) ?? (tarballs.has(name) ? [name] : [])),
  // The Quick start's own dependencies (zod), which no wsapp row installs.
  ...quickStartImports.filter((name) => !tarballs.has(name) && installs(name).length === 0),
];
const everythingInstall = [...tarballs.keys(), ...commands.flat(), ...quickStartImports];

// The consumer's own tooling: the workspace's TypeScript, and the types of the Node it runs on (a
// Node 24 project with @types/node 20 conflicts with vitest 5's peers).
const workspace = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const tooling = [
  `typescript@${workspace.devDependencies.typescript}`,
  `@types/node@${process.versions.node.split('.')[0]}`,
];

/** A fresh npm project in the temp dir with `specs` installed, wsapp packages from their tarballs. */
function project(name: string, specs: readonly string[]): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'esm'), { recursive: true });
  mkdirSync(join(dir, 'cjs'));
  writeJson(join(dir, 'package.json'), { name: `wsapp-consumer-${name}`, private: true, type: 'module' });
  writeJson(join(dir, 'cjs', 'package.json'), { type: 'commonjs' });
  const unique = [...new Map(specs.map((spec) => [packageName(spec), spec])).values()];
  const args = unique.map((spec) => tarballs.get(packageName(spec)) ?? spec);
  console.log(`${name}: npm install ${unique.join(' ')} (+ ${tooling.join(' ')})`);
  const installed = timed(`${name}: npm install`, () =>
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        '--cache',
        cache,
        ...args,
        ...tooling,
      ],
      dir,
      600_000,
    ),
  );
  check(`${name}: npm installs ${unique.join(' ')}`, installed.ok, installed.output);
  if (!installed.ok) finish();
  return dir;
}

// esModuleInterop as `tsc --init` sets it: without it zod's own CommonJS declarations fail under node10.
const strict = {
  strict: true,
  skipLibCheck: false,
  esModuleInterop: true,
  noEmit: true,
  target: 'es2022',
  types: ['node'],
};
const configs: readonly [string, Record<string, string>, readonly ('esm' | 'cjs')[]][] = [
  ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['esm', 'cjs']],
  ['bundler (module esnext)', { module: 'esnext', moduleResolution: 'bundler' }, ['esm']],
  ['bundler (module preserve)', { module: 'preserve', moduleResolution: 'bundler' }, ['esm']],
  ['commonjs (moduleResolution node10)', { module: 'commonjs', moduleResolution: 'node10' }, ['cjs']],
];

/** Typechecks `file` (written in esm/ and cjs/ of `dir`, or `node10.ts` for node10) under every config. */
function typecheck(dir: string, what: string, file: string, node10File = file): void {
  if (process.env.WSAPP_CONSUMER_TYPES === '0') {
    console.log(`skipped (WSAPP_CONSUMER_TYPES=0): ${what}: types`);
    return;
  }
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  configs.forEach(([name, options, kinds], i) => {
    const files = kinds.map((kind) => `${kind}/${options.moduleResolution === 'node10' ? node10File : file}`);
    const config = `tsconfig.${i}.json`;
    writeJson(join(dir, config), { compilerOptions: { ...strict, ...options }, files });
    const result = timed(`${what}: tsc ${name}`, () =>
      run(node, [tsc, '-p', config, '--pretty', 'false'], dir, 300_000),
    );
    // Errors inside another package's own declarations (ioredis's untyped `redis-errors` import) are
    // that package's, seen with it alone: shown, not counted. Ours: our files and node_modules/@wsapp.
    const errors = tscErrors(result.output);
    const foreign = errors.filter((e) => /(^|\/)node_modules\/(?!@wsapp\/)/.test(e.file));
    const own = errors.filter((e) => !foreign.includes(e));
    const ok = result.ok || (errors.length > 0 && own.length === 0);
    check(
      `${what}: types under ${name} (${files.join(', ')})`,
      ok,
      own.length > 0 ? summary(own) : result.output,
    );
    if (foreign.length > 0) {
      const lines = summary(foreign).split('\n').join('\n       ');
      console.log(`note ${what}, ${name}: not wsapp's (other packages' own declarations):\n       ${lines}`);
    }
  });
}

interface TscError {
  readonly file: string;
  readonly line: string;
  readonly message: string;
}

function tscErrors(output: string): TscError[] {
  return output.split('\n').flatMap((text) => {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(text);
    return m === null ? [] : [{ file: m[1] as string, line: m[2] as string, message: m[3] as string }];
  });
}

/** Each message once (the .d.ts and .d.cts twins say the same), with where it first occurred. */
function summary(errors: readonly TscError[]): string {
  const seen = new Map<string, string>();
  for (const e of errors) {
    const key = e.message.replace(/'\/[^']*'/g, "'…'");
    if (!seen.has(key)) seen.set(key, `${e.message} (${e.file}:${e.line})`);
  }
  const lines = [...seen.values()];
  return `${lines.slice(0, 20).join('\n')}${lines.length > 20 ? `\n… ${lines.length - 20} more` : ''}`;
}

// --- (a) the Quick start, with what its use installs --------------------------------------------
const quick = project('quick-start', quickStartInstall);
for (const kind of ['esm', 'cjs']) writeFileSync(join(quick, kind, 'quickstart.ts'), code);
typecheck(quick, 'Quick start', 'quickstart.ts');

// --- (b) every entry point, with everything installed -------------------------------------------
const all = project('everything', everythingInstall);
const manifestOf = (name: string) =>
  JSON.parse(readFileSync(join(all, 'node_modules', name, 'package.json'), 'utf8'));
const entries: EntryPoint[] = [...tarballs.keys()].flatMap((name) => entryPoints(manifestOf(name)));
// node10 never reads `exports`: a subpath resolves there only through `typesVersions`.
const node10 = entries.filter(
  (e) => e.cjs && (e.specifier.split('/').length === 2 || manifestOf(e.root).typesVersions !== undefined),
);
const importAll = (list: readonly EntryPoint[]) =>
  `${list.map((e, i) => `import * as m${i} from '${e.specifier}';`).join('\n')}\nexport const modules = [${list.map((_, i) => `m${i}`).join(', ')}];\n`;
writeFileSync(join(all, 'esm', 'entries.ts'), importAll(entries));
writeFileSync(join(all, 'cjs', 'entries.ts'), importAll(entries.filter((e) => e.cjs)));
writeFileSync(join(all, 'cjs', 'node10.ts'), importAll(node10));
typecheck(all, 'every entry point', 'entries.ts', 'node10.ts');

const loader = (load: string) => `const out = [];
for (const specifier of JSON.parse(process.argv[2])) {
  try {
    const m = ${load};
    out.push({ name: specifier, ok: Object.keys(m).length > 0, detail: Object.keys(m).length + ' exports' });
  } catch (error) {
    out.push({ name: specifier, ok: false, detail: String(error && error.message).split('\\n')[0] });
  }
}
console.log(JSON.stringify(out));
process.exit(0);
`;
writeFileSync(join(all, 'load.mjs'), loader('await import(specifier)'));
writeFileSync(join(all, 'load.cjs'), loader('require(specifier)'));
for (const [mode, file, list] of [
  ['import()', 'load.mjs', entries],
  ['require()', 'load.cjs', entries.filter((e) => e.cjs)],
] as const) {
  const specifiers = JSON.stringify(list.map((e) => e.specifier));
  const result = timed(`load with ${mode}`, () => run(node, [file, specifiers], all, 300_000));
  try {
    for (const r of JSON.parse(result.output.trim().split('\n').at(-1) ?? '') as Check[]) {
      check(`${mode} ${r.name}`, r.ok, r.detail);
    }
  } catch {
    check(`${mode} of every entry point`, false, result.output);
  }
}
const esmOnly = entries.filter((e) => !e.cjs).map((e) => e.specifier);
if (esmOnly.length > 0) console.log(`not offered to require() (ESM only): ${esmOnly.join(', ')}`);
finish();

function finish(): never {
  const failed = checks.filter((c) => !c.ok);
  console.log(
    `\nconsumer test on node ${process.version}: ${checks.length - failed.length} of ${checks.length} checks passed`,
  );
  for (const [name, seconds] of timings)
    console.log(`  ${name.padEnd(58)} ${seconds.toFixed(1).padStart(6)} s`);
  if (process.env.WSAPP_CONSUMER_KEEP === '1') console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
  process.exit(failed.length === 0 ? 0 : 1);
}
