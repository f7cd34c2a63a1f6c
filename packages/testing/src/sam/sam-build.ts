import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Resource, Template } from './cloudformation.js';

/** Options of {@link buildSamFunction}. */
export interface SamBuildOptions {
  /** The directory the template's `CodeUri` is relative to (the template's directory). */
  codeRoot: URL;
  /** Where the bundle goes (a fresh temporary directory). */
  outdir: string;
  /**
   * The esbuild executable. Default: the first `node_modules/.bin/esbuild` found from the code
   * directory upwards, as `sam build` looks in the project's dependencies before `PATH`.
   */
  esbuild?: string;
}

/** What {@link buildSamFunction} built. */
export interface SamBuiltFunction {
  /** The bundled file the function's `Handler` names (`websocket.js` for `websocket.handler`). */
  file: string;
  /** The exported function's name (`handler`). */
  handler: string;
  /** The esbuild arguments used (see {@link samEsbuildArguments}). */
  args: string[];
}

// What aws-lambda-builders sets itself, and keys that are its own options rather than esbuild's.
const NOT_ESBUILD = new Set(['bundle', 'platform', 'outdir', 'entry_points', 'use_npm_ci']);

/**
 * The esbuild command line `sam build` runs for an `AWS::Serverless::Function` with
 * `Metadata.BuildMethod: esbuild`, derived the way the SAM CLI and aws-lambda-builders (its
 * `nodejs_npm_esbuild` workflow) derive it: each `BuildProperties` key from PascalCase to
 * snake_case to kebab-case; `true` → `--key`, a string → `--key=value`, a list → `--key:item` per
 * item; `--bundle --platform=node --outdir=…` always, `--target=es2020`, `--format=cjs` and
 * `--minify` when not given; the entry points last. Run it in the function's code directory.
 */
export function samEsbuildArguments(template: Template, logicalId: string, outdir: string): string[] {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Serverless::Function') {
    throw new Error(`${logicalId} is not an AWS::Serverless::Function`);
  }
  const metadata = resource.Metadata ?? {};
  if (metadata.BuildMethod !== 'esbuild')
    throw new Error(`${logicalId}: Metadata.BuildMethod is not esbuild`);
  const config = new Map(
    Object.entries((metadata.BuildProperties ?? {}) as Record<string, unknown>).map(([key, value]) => [
      key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase(),
      value,
    ]),
  );
  const entries = config.get('entry_points');
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${logicalId}: Metadata.BuildProperties.EntryPoints must be a non-empty list`);
  }
  const args = [...entries.map(String), '--bundle', '--platform=node', `--outdir=${outdir}`];
  if (!config.has('target')) args.push('--target=es2020');
  if (!config.has('format')) args.push('--format=cjs');
  if (!config.has('minify')) args.push('--minify');
  for (const [key, value] of config) {
    if (NOT_ESBUILD.has(key)) continue;
    const flag = `--${key.replaceAll('_', '-')}`;
    if (value === true) args.push(flag);
    else if (value === false) continue;
    else if (typeof value === 'string') args.push(`${flag}=${value}`);
    else if (Array.isArray(value)) args.push(...value.map((item) => `${flag}:${String(item)}`));
    else throw new Error(`${logicalId}: BuildProperties.${key} must be a boolean, a string or a list`);
  }
  return args;
}

/**
 * Builds one function of a SAM template as `sam build --build-in-source` would (the esbuild
 * command line of {@link samEsbuildArguments}, run in the function's `CodeUri` directory), so a
 * test can run the very code the template deploys. Needs esbuild installed (a dev dependency of
 * the app, as `sam build` needs it too).
 */
export async function buildSamFunction(
  template: Template,
  logicalId: string,
  options: SamBuildOptions,
): Promise<SamBuiltFunction> {
  const resource = template.Resources[logicalId] as Resource;
  const codeDir = fileURLToPath(new URL(`${String(resource.Properties?.CodeUri ?? '.')}/`, options.codeRoot));
  const args = samEsbuildArguments(template, logicalId, options.outdir);
  const esbuild = options.esbuild ?? findEsbuild(codeDir);
  await promisify(execFile)(esbuild, args, { cwd: codeDir, timeout: 120_000 });
  const [file, handler] = String(resource.Properties?.Handler).split('.');
  // The output is named after its entry point (samEsbuildArguments checked there is one); the
  // Handler must name that file.
  const entries = (resource.Metadata?.BuildProperties as { EntryPoints?: unknown[] } | undefined)
    ?.EntryPoints;
  const built = (entries ?? []).map((entry) => basename(String(entry), extname(String(entry))));
  if (file === undefined || handler === undefined || !built.includes(file)) {
    throw new Error(
      `${logicalId}: Handler ${String(resource.Properties?.Handler)} names no built entry point`,
    );
  }
  return { file: join(options.outdir, `${file}.js`), handler, args };
}

function findEsbuild(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'esbuild');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return 'esbuild';
  }
}
