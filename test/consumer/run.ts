/**
 * The consumer test (issue 27): what a team gets from the registry, checked on the Node that runs
 * this script. Packs every package, installs the tarballs with npm into a fresh project outside the
 * workspace together with only the packages the README's install section names, then
 *  (a) typechecks the README's Quick start exactly as printed, and an import of every entry point,
 *      under nodenext (ESM and CommonJS files), bundler (module esnext and preserve) and commonjs
 *      (module commonjs, moduleResolution node10), all strict with `skipLibCheck: false`;
 *  (b) loads every entry point with `import()`, and with `require()` where the package offers it.
 * Run: `pnpm test:consumer` (builds first). Needs the registry (a local npm cache makes reruns fast).
 * Env: WSAPP_NPM_CACHE (npm cache dir), WSAPP_CONSUMER_KEEP=1 (keep the temp project).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EntryPoint, entryPoints } from './entry-points.js';
import { importedModules, installedPackages, packageName, quickStart } from './readme.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'wsapp-consumer-'));
if (!relative(repo, root).startsWith('..')) throw new Error(`${root} is inside the workspace`);
const cache = process.env.WSAPP_NPM_CACHE ?? join(tmpdir(), 'wsapp-consumer-npm-cache');
const project = join(root, 'app');
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
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `\n       ${detail.split('\n').join('\n       ')}` : ''}`,
  );
}

function timed<T>(name: string, fn: () => T): T {
  const started = Date.now();
  try {
    return fn();
  } finally {
    timings.push([name, (Date.now() - started) / 1000]);
  }
}

/** Runs a command to completion (bounded), returning its exit status and output. */
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
const manifests = readdirSync(join(repo, 'packages')).map(
  (dir) => JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as { name: string },
);
const packed = timed('pack', () =>
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballDir], repo, 300_000),
);
if (!packed.ok) throw new Error(`pnpm pack failed (run pnpm build first?):\n${packed.output}`);
const tarballs = new Map<string, string>();
for (const file of readdirSync(tarballDir)) {
  const listed = run('tar', ['-xzOf', join(tarballDir, file), 'package/package.json'], root, 30_000);
  tarballs.set((JSON.parse(listed.output) as { name: string }).name, join(tarballDir, file));
}
check(
  'every package packs',
  manifests.every((m) => tarballs.has(m.name)),
  [...tarballs.values()].map((t) => relative(root, t)).join(' '),
);

// --- what the README tells a team to install ----------------------------------------------------
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const code = quickStart(readme);
const listed = installedPackages(readme);
check(
  'README.md has an install section with npm install commands',
  listed !== undefined && listed.length > 0,
  listed === undefined
    ? 'no heading with "Install": installing the tarballs and the Quick start imports instead'
    : listed.join(' '),
);
const peers = (listed ?? importedModules(code)).filter((spec) => !tarballs.has(packageName(spec)));
const workspace = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
// The consumer's own tooling: the workspace's TypeScript and Node types.
const tooling = ['typescript', '@types/node'].map((name) => `${name}@${workspace.devDependencies[name]}`);

mkdirSync(project, { recursive: true });
writeJson(join(project, 'package.json'), { name: 'wsapp-consumer', private: true, type: 'module' });
const install = [...tarballs.values(), ...peers, ...tooling];
console.log(`npm install ${install.map((p) => (p.startsWith(root) ? relative(root, p) : p)).join(' ')}`);
const installed = timed('npm install', () =>
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
      ...install,
    ],
    project,
    600_000,
  ),
);
check('npm installs the tarballs and the README peers', installed.ok, installed.ok ? '' : installed.output);
if (!installed.ok) finish();

// --- entry points as published ------------------------------------------------------------------
const entries: EntryPoint[] = [...tarballs.keys()].flatMap((name) =>
  entryPoints(JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'))),
);
const importAll = (list: readonly EntryPoint[]) =>
  `${list.map((e, i) => `import * as m${i} from '${e.specifier}';`).join('\n')}\nexport const modules = [${list.map((_, i) => `m${i}`).join(', ')}];\n`;
const roots = entries.filter((e) => !e.specifier.split('/')[2]);

// --- (a) types ----------------------------------------------------------------------------------
mkdirSync(join(project, 'esm'));
mkdirSync(join(project, 'cjs'));
writeJson(join(project, 'cjs', 'package.json'), { type: 'commonjs' });
for (const dir of ['esm', 'cjs']) writeFileSync(join(project, dir, 'quickstart.ts'), code);
writeFileSync(join(project, 'esm', 'entries.ts'), importAll(entries));
writeFileSync(join(project, 'cjs', 'entries.ts'), importAll(entries.filter((e) => e.cjs)));
// node10 never reads `exports`: only the packages' root entries (`main`/`types`) resolve there.
writeFileSync(join(project, 'cjs', 'roots.ts'), importAll(roots.filter((e) => e.cjs)));

// esModuleInterop as `tsc --init` sets it: without it zod's own CommonJS declarations fail under node10.
const strict = {
  strict: true,
  skipLibCheck: false,
  esModuleInterop: true,
  noEmit: true,
  target: 'es2022',
  types: ['node'],
};
const configs: [string, Record<string, unknown>, string[]][] = [
  ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['esm', 'cjs']],
  ['bundler (module esnext)', { module: 'esnext', moduleResolution: 'bundler' }, ['esm']],
  ['bundler (module preserve)', { module: 'preserve', moduleResolution: 'bundler' }, ['esm']],
  ['commonjs (moduleResolution node10)', { module: 'commonjs', moduleResolution: 'node10' }, ['cjs']],
];
const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
let configCount = 0;
for (const [name, options, dirs] of configs) {
  const programs: [string, string[]][] = [
    ['the Quick start', dirs.map((dir) => `${dir}/quickstart.ts`)],
    [
      options.moduleResolution === 'node10' ? 'every root entry point' : 'every entry point',
      dirs.map((dir) => `${dir}/${options.moduleResolution === 'node10' ? 'roots' : 'entries'}.ts`),
    ],
  ];
  for (const [what, files] of programs) {
    const file = `tsconfig.${configCount++}.json`;
    writeJson(join(project, file), { compilerOptions: { ...strict, ...options }, files });
    const result = timed(`tsc ${name}: ${what}`, () =>
      run(node, [tsc, '-p', file, '--pretty', 'false'], project, 300_000),
    );
    check(
      `types of ${what} under ${name} (${files.join(', ')})`,
      result.ok,
      result.ok ? '' : summary(result.output),
    );
  }
}

/** tsc's errors, each message once (the .d.ts and .d.cts twins say the same), with where it first occurred. */
function summary(output: string): string {
  const seen = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
    if (m === null) continue;
    const key = (m[3] as string).replace(/'\/[^']*'/g, "'…'");
    if (!seen.has(key)) seen.set(key, `${m[3]} (${m[1]}:${m[2]})`);
  }
  const lines = [...seen.values()];
  if (lines.length === 0) return output.trim();
  return `${lines.slice(0, 20).join('\n')}${lines.length > 20 ? `\n… ${lines.length - 20} more` : ''}`;
}

// --- (b) loading every entry point ---------------------------------------------------------------
const loader = (load: string) => `const out = [];
for (const specifier of JSON.parse(process.argv[2])) {
  try {
    const m = ${load};
    out.push({ specifier, ok: Object.keys(m).length > 0, detail: Object.keys(m).length + ' exports' });
  } catch (error) {
    out.push({ specifier, ok: false, detail: String(error && error.message).split('\\n')[0] });
  }
}
console.log(JSON.stringify(out));
process.exit(0);
`;
writeFileSync(join(project, 'load.mjs'), loader('await import(specifier)'));
writeFileSync(join(project, 'load.cjs'), loader('require(specifier)'));
for (const [mode, file, list] of [
  ['import()', 'load.mjs', entries],
  ['require()', 'load.cjs', entries.filter((e) => e.cjs)],
] as const) {
  const result = timed(`load ${mode}`, () =>
    run(node, [file, JSON.stringify(list.map((e) => e.specifier))], project, 300_000),
  );
  let loaded: Check[] = [];
  try {
    loaded = (JSON.parse(result.output.trim().split('\n').at(-1) ?? '[]') as Check[]).map((r) => ({
      ...r,
      name: (r as unknown as { specifier: string }).specifier,
    }));
  } catch {
    check(`${mode} of every entry point`, false, result.output);
  }
  for (const r of loaded) check(`${mode} ${r.name}`, r.ok, r.ok ? '' : r.detail);
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
    console.log(`  ${name.padEnd(40)} ${seconds.toFixed(1).padStart(6)} s`);
  if (process.env.WSAPP_CONSUMER_KEEP === '1') console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
  process.exit(failed.length === 0 ? 0 : 1);
}
