/**
 * What a section of RESULTS.md is: a title, and a runner that measures (in child processes) and
 * answers its markdown and headlines. Each lives beside its benchmark as `<dir>/section.ts`;
 * main.ts only lists them in order, numbers them and writes the file.
 */
import { benchFile, parseResult, runNode } from './child.js';
import type { BenchEnv } from './env.js';

/** A child benchmark's result, or why there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What a section's runner gets from main.ts. */
export interface SectionContext {
  /** BENCH_QUICK=1: a short smoke run, numbers not representative. */
  quick: boolean;
  /** bench/, where RESULTS.md and the plots go (with a trailing slash). */
  benchDir: string;
  env: BenchEnv;
  /** One line naming commit, Node, CPU and date, for the foot of a plot. */
  footer: string;
  /** Runs `node [nodeArgs] dist/<file> args`, logs progress, answers its `RESULT` line. */
  child<T>(
    name: string,
    file: string,
    args: string[],
    nodeArgs?: string[],
    timeoutMs?: number,
  ): Promise<Outcome<T>>;
}

/** A section's markdown (without its `## N. title` heading) and its headline bullets. */
export interface SectionOutput {
  lines: string[];
  headlines: string[];
}

/** One section of RESULTS.md. */
export interface Section {
  /** Short name: `pnpm bench <id>` reruns this section alone. */
  id: string;
  /** The heading, numbered by main.ts. */
  title: string;
  run(ctx: SectionContext): Promise<SectionOutput>;
}

/** `**met**`, `**missed**` or `n/a`, for a target line. */
export const check = (met: boolean | undefined) =>
  met === undefined ? 'n/a' : met ? '**met**' : '**missed**';

/** {@link SectionContext.child}, logging to stderr with the time since `started`. */
export function childRunner(benchDir: string, started: number): SectionContext['child'] {
  const log = (message: string) =>
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
  return async <T>(
    name: string,
    file: string,
    args: string[],
    nodeArgs: string[] = [],
    timeoutMs = 600_000,
  ) => {
    log(`${name}…`);
    const t = Date.now();
    try {
      const result = await runNode(benchFile(file), args, { nodeArgs, timeoutMs, cwd: benchDir });
      const value = parseResult<T>(result);
      log(`${name} done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
      return { ok: true as const, value };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
      log(`${name} failed: ${reason}`);
      return { ok: false as const, reason };
    }
  };
}
